//go:build !(linux && (amd64 || arm64))

package vendorlib

func load(l *Library) error { return ErrUnsupportedPlatform }

func (l *Library) unload() error { return nil }
