// Command bpos1 is a fake Ingenico BPOS1 flat C library (libcBPOSLib.so): built with
//
//	CGO_ENABLED=1 go build -buildmode=c-shared -o libcBPOSLib.so ./cmd/fakelibs/bpos1
//
// it exports the BPOSLib_* functions of the flat C API (protocols/bpos1.md Addendum A.1) and
// forwards every call to a BPOS1 library simulator served by package simulators/libserve
// (`hwprobe sim bpos1 --library`), at the address in UAPOS_BPOS1_ADDR, else UAPOS_SIM_ADDR,
// else 127.0.0.1:47391. It is not Ingenico's library and does not speak to a terminal.
//
// See docs/fakelibs.md for how an application's CI uses it, and package cmd/fakelibs for
// what the fake does where the vendor's documentation is silent.
//
// Built as an ordinary program it does nothing; without cgo it says that it needs cgo.
package main
