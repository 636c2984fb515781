//go:build windows

package posapi

import "golang.org/x/sys/windows"

func dlOpen(path string) (uintptr, error) {
	h, err := windows.LoadLibrary(path)
	return uintptr(h), err
}

// dlSym finds a function or a data export (GetProcAddress returns both).
func dlSym(h uintptr, name string) (uintptr, error) {
	return windows.GetProcAddress(windows.Handle(h), name)
}

func dlClose(h uintptr) error { return windows.FreeLibrary(windows.Handle(h)) }
