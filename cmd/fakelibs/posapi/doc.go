// Command posapi is a fake Printec POSAPI library (LIBPOS.SO): built with
//
//	CGO_ENABLED=1 go build -buildmode=c-shared -o libpos.so ./cmd/fakelibs/posapi
//
// it exports the pos_* functions and the ACTION_*, RESP_*, ERR_* and POS_* data symbols of
// the public C headers (protocols/posapi.md A.1, A.3) and forwards every call to a POSAPI
// library simulator served by package simulators/libserve (`hwprobe sim posapi`), at the
// address in UAPOS_POSAPI_ADDR, else UAPOS_SIM_ADDR, else 127.0.0.1:47390. It is not
// Printec's library and does not speak to a terminal.
//
// See docs/fakelibs.md for how an application's CI uses it, and package cmd/fakelibs for
// what the fake does where the vendor's documentation is silent.
//
// Built as an ordinary program it does nothing; without cgo it says that it needs cgo.
package main
