//go:build !linux

package main

import (
	"errors"
	"io"
	"os"
)

// openPTY is available on Linux only.
func openPTY() (master *os.File, slave string, hold io.Closer, err error) {
	return nil, "", nil, errors.New("pseudo-terminals are supported on Linux only; use --listen 127.0.0.1:PORT")
}
