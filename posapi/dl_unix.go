//go:build darwin || freebsd || linux || netbsd

package posapi

import "github.com/ebitengine/purego"

func dlOpen(path string) (uintptr, error) {
	return purego.Dlopen(path, purego.RTLD_NOW|purego.RTLD_LOCAL)
}

func dlSym(h uintptr, name string) (uintptr, error) { return purego.Dlsym(h, name) }

func dlClose(h uintptr) error { return purego.Dlclose(h) }
