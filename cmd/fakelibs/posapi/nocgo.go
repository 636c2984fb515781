//go:build !cgo

package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "fakelibs/posapi: needs cgo: build with CGO_ENABLED=1 go build -buildmode=c-shared -o libpos.so")
	os.Exit(2)
}
