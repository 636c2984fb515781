//go:build !cgo

package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "fakelibs/bpos1: needs cgo: build with CGO_ENABLED=1 go build -buildmode=c-shared -o libcBPOSLib.so")
	os.Exit(2)
}
