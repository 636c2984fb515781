//go:build depspin

package depspin

import (
	_ "github.com/boombuler/barcode"
	_ "github.com/ebitengine/purego"
	_ "github.com/google/gousb"
	_ "github.com/stretchr/testify/require"
	_ "go.bug.st/serial"
	_ "go.bug.st/serial/enumerator"
	_ "golang.org/x/image/bmp"
	_ "golang.org/x/image/font/gofont/gomono"
	_ "golang.org/x/sys/unix"
	_ "golang.org/x/text/encoding/charmap"
)
