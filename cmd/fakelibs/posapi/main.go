//go:build cgo

package main

// #include <stdint.h>
// #include <string.h>
import "C"

import (
	"unsafe"

	"github.com/uapos/uapos/posapi/capi"
	"github.com/uapos/uapos/simulators/libserve"
)

func main() {}

// lib forwards every call to the simulator; it dials on the first call.
var lib = libserve.NewPOSAPIClient(libserve.AddrFromEnv(libserve.KindPOSAPI), libserve.ClientConfig{})

// maxCString bounds the C strings read from the caller.
const maxCString = 64 << 10

func goString(p *C.char) string {
	if p == nil {
		return ""
	}
	return C.GoStringN(p, C.int(C.strnlen(p, maxCString)))
}

// putString copies s and a NUL into the caller's buffer of size bytes; false (and an empty
// string, when there is room for one) when it does not fit.
func putString(dst *C.char, size C.int, s string) bool {
	if dst == nil || size <= 0 {
		return false
	}
	buf := unsafe.Slice((*byte)(unsafe.Pointer(dst)), int(size))
	if len(s)+1 > len(buf) {
		buf[0] = 0
		return false
	}
	copy(buf, s)
	buf[len(s)] = 0
	return true
}

func cbool(b bool) C.int {
	if b {
		return 1
	}
	return 0
}

//export uaposfake_pos_open
func uaposfake_pos_open(h *C.uintptr_t, name, log *C.char, withTimeout, timeout C.int) C.int {
	var nh capi.Handle
	var ok bool
	if withTimeout != 0 {
		nh, ok = lib.OpenWithTimeout(goString(name), int(timeout), goString(log))
	} else {
		nh, ok = lib.Open(goString(name), goString(log))
	}
	if !ok {
		nh = capi.NoHandle
	}
	if h != nil {
		*h = C.uintptr_t(nh)
	}
	return cbool(ok)
}

//export uaposfake_pos_close
func uaposfake_pos_close(h C.uintptr_t) C.int { return cbool(lib.Close(capi.Handle(h))) }

//export uaposfake_pos_send
func uaposfake_pos_send(h C.uintptr_t, action C.int) C.int {
	return cbool(lib.Send(capi.Handle(h), int(action)))
}

//export uaposfake_pos_receive
func uaposfake_pos_receive(h C.uintptr_t, timeout C.int) C.int {
	return C.int(lib.Receive(capi.Handle(h), int(timeout)))
}

//export uaposfake_pos_set
func uaposfake_pos_set(h C.uintptr_t, param, val *C.char) C.int {
	if param == nil {
		return 0
	}
	return cbool(lib.Set(capi.Handle(h), goString(param), goString(val)))
}

//export uaposfake_pos_get
func uaposfake_pos_get(h C.uintptr_t, param, val *C.char, size C.int) C.int {
	v, ok := lib.Get(capi.Handle(h), goString(param))
	if !ok {
		putString(val, size, "")
		return 0
	}
	return cbool(putString(val, size, v))
}

//export uaposfake_pos_get_iter
func uaposfake_pos_get_iter(h C.uintptr_t, first C.int, param *C.char, psize C.int, val *C.char, vsize C.int) C.int {
	var k, v string
	var ok bool
	if first != 0 {
		k, v, ok = lib.GetFirst(capi.Handle(h))
	} else {
		k, v, ok = lib.GetNext(capi.Handle(h))
	}
	if !ok {
		putString(param, psize, "")
		putString(val, vsize, "")
		return 0
	}
	if !putString(param, psize, k) || !putString(val, vsize, v) {
		putString(param, psize, "")
		putString(val, vsize, "")
		return 0
	}
	return 1
}

//export uaposfake_pos_error
func uaposfake_pos_error(h C.uintptr_t) C.int { return C.int(lib.Error(capi.Handle(h))) }

//export uaposfake_pos_get_length
func uaposfake_pos_get_length(h C.uintptr_t, param *C.char) C.int {
	return C.int(lib.GetLength(capi.Handle(h), goString(param)))
}

//export uaposfake_pos_get_max_length
func uaposfake_pos_get_max_length(h C.uintptr_t) C.int {
	return C.int(lib.MaxLength(capi.Handle(h)))
}
