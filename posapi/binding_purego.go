//go:build darwin || freebsd || linux || netbsd || windows

package posapi

import (
	"fmt"
	"sync"
	"unsafe"

	"github.com/ebitengine/purego"

	"github.com/uapos/uapos/posapi/capi"
)

// VendorLibrary is the user-supplied Printec library (LIBPOS.SO, or POSAPI.DLL on 64-bit
// Windows, where cdecl is the only convention) loaded at run time without
// cgo (github.com/ebitengine/purego). It implements [capi.Library]: functions are called
// with the C (cdecl) convention, C bool returns are read as one byte, and the exported
// `extern const` ACTION_*, RESP_* and POS_* symbols are read by name (the POS_* symbols are
// pointers to strings and are dereferenced once).
type VendorLibrary struct {
	opts LoadOptions
	dl   uintptr

	mu     sync.Mutex
	closed bool

	open        func(h *uintptr, name, log string) uint8
	openTimeout func(h *uintptr, name string, timeout int32, log string) uint8
	close       func(h *uintptr) uint8
	set         func(h uintptr, param, val string) uint8
	send        func(h uintptr, action int32) uint8
	receive     func(h uintptr, timeout int32) int32
	get         func(h uintptr, param string, val *byte, size int32) uint8
	getFirst    func(h uintptr, param *byte, psize int32, val *byte, vsize int32) uint8
	getNext     func(h uintptr, param *byte, psize int32, val *byte, vsize int32) uint8
	perror      func(h uintptr) int32
	getLength   func(h uintptr, param string) int32 // optional
	getMaxLen   func(h uintptr) int32               // optional
}

// Load opens the vendor library at path (for example "/opt/printec/libpos.so") and binds
// its functions. pos_open, pos_close, pos_set, pos_send, pos_receive, pos_get, pos_get_first,
// pos_get_next and pos_error are required; pos_open_with_timeout, pos_get_length and
// pos_get_max_length are used when present.
func Load(path string, opts LoadOptions) (*VendorLibrary, error) {
	dl, err := dlOpen(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrNotAvailable, path, err)
	}
	l := &VendorLibrary{opts: opts, dl: dl}
	required := []struct {
		name string
		fn   any
	}{
		{"pos_open", &l.open}, {"pos_close", &l.close}, {"pos_set", &l.set},
		{"pos_send", &l.send}, {"pos_receive", &l.receive}, {"pos_get", &l.get},
		{"pos_get_first", &l.getFirst}, {"pos_get_next", &l.getNext}, {"pos_error", &l.perror},
	}
	for _, f := range required {
		sym, err := dlSym(dl, f.name)
		if err != nil || sym == 0 {
			dlClose(dl)
			return nil, fmt.Errorf("%w: %s: no function %s", ErrNotAvailable, path, f.name)
		}
		purego.RegisterFunc(f.fn, sym)
	}
	optional := []struct {
		name string
		fn   any
	}{{"pos_open_with_timeout", &l.openTimeout}, {"pos_get_length", &l.getLength}, {"pos_get_max_length", &l.getMaxLen}}
	for _, f := range optional {
		if sym, err := dlSym(dl, f.name); err == nil && sym != 0 {
			purego.RegisterFunc(f.fn, sym)
		}
	}
	return l, nil
}

// Unload closes the library. No call may run during or after it.
func (l *VendorLibrary) Unload() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil
	}
	l.closed = true
	return dlClose(l.dl)
}

// Open implements [capi.Library] (pos_open).
func (l *VendorLibrary) Open(name, log string) (capi.Handle, bool) {
	var h uintptr
	ok := l.open(&h, l.opts.encode(name), log) != 0
	return capi.Handle(h), ok && h != 0
}

// OpenWithTimeout implements [capi.Library] (pos_open_with_timeout, C header order). When
// the library has no such function it falls back to pos_open.
func (l *VendorLibrary) OpenWithTimeout(name string, timeout int, log string) (capi.Handle, bool) {
	if l.openTimeout == nil {
		return l.Open(name, log)
	}
	var h uintptr
	ok := l.openTimeout(&h, l.opts.encode(name), int32(timeout), log) != 0
	return capi.Handle(h), ok && h != 0
}

// Close implements [capi.Library] (pos_close).
func (l *VendorLibrary) Close(h capi.Handle) bool {
	p := uintptr(h)
	return l.close(&p) != 0
}

// Set implements [capi.Library] (pos_set).
func (l *VendorLibrary) Set(h capi.Handle, param, val string) bool {
	return l.set(uintptr(h), param, l.opts.encode(val)) != 0
}

// Send implements [capi.Library] (pos_send).
func (l *VendorLibrary) Send(h capi.Handle, action int) bool {
	return l.send(uintptr(h), int32(action)) != 0
}

// Receive implements [capi.Library] (pos_receive).
func (l *VendorLibrary) Receive(h capi.Handle, timeoutMS int) int {
	return int(l.receive(uintptr(h), int32(timeoutMS)))
}

// bufSize returns the value buffer size for param ("" = the longest value).
func (l *VendorLibrary) bufSize(h capi.Handle, param string) int {
	n := -1
	switch {
	case param != "" && l.getLength != nil:
		n = int(l.getLength(uintptr(h), param))
	case param == "" && l.getMaxLen != nil:
		n = int(l.getMaxLen(uintptr(h)))
	}
	if n < 0 {
		return valueBuf
	}
	if n > maxValueLen {
		n = maxValueLen
	}
	return n + 1
}

// Get implements [capi.Library] (pos_get).
func (l *VendorLibrary) Get(h capi.Handle, param string) (string, bool) {
	buf := make([]byte, l.bufSize(h, param))
	ok := l.get(uintptr(h), param, &buf[0], int32(len(buf))) != 0
	if !ok {
		return "", false
	}
	return l.opts.decode(cstr(buf)), true
}

// GetFirst implements [capi.Library] (pos_get_first).
func (l *VendorLibrary) GetFirst(h capi.Handle) (string, string, bool) {
	return l.iter(h, l.getFirst)
}

// GetNext implements [capi.Library] (pos_get_next).
func (l *VendorLibrary) GetNext(h capi.Handle) (string, string, bool) {
	return l.iter(h, l.getNext)
}

func (l *VendorLibrary) iter(h capi.Handle, fn func(uintptr, *byte, int32, *byte, int32) uint8) (string, string, bool) {
	name := make([]byte, 64)
	val := make([]byte, l.bufSize(h, ""))
	if fn(uintptr(h), &name[0], int32(len(name)), &val[0], int32(len(val))) == 0 {
		return "", "", false
	}
	return cstr(name), l.opts.decode(cstr(val)), true
}

// Error implements [capi.Library] (pos_error).
func (l *VendorLibrary) Error(h capi.Handle) int { return int(l.perror(uintptr(h))) }

// IntSymbol implements [capi.Library]: it reads an exported `extern const int`.
func (l *VendorLibrary) IntSymbol(name string) (int, bool) {
	addr, err := dlSym(l.dl, name)
	if err != nil || addr == 0 {
		return 0, false
	}
	return int(*(*int32)(ptr(addr))), true
}

// StringSymbol implements [capi.Library]: it reads an exported `extern const char*` (the
// symbol's address holds the pointer to the string) and dereferences it.
func (l *VendorLibrary) StringSymbol(name string) (string, bool) {
	addr, err := dlSym(l.dl, name)
	if err != nil || addr == 0 {
		return "", false
	}
	s := *(*uintptr)(ptr(addr))
	if s == 0 {
		return "", false
	}
	// Parameter names are short ASCII; read at most 64 bytes, one at a time.
	var b []byte
	for i := uintptr(0); i < 64; i++ {
		c := *(*byte)(ptr(s + i))
		if c == 0 {
			return string(b), true
		}
		b = append(b, c)
	}
	return "", false
}

// ptr turns an address in the library's memory into a pointer without vet's uintptr warning.
func ptr(addr uintptr) unsafe.Pointer {
	return *(*unsafe.Pointer)(unsafe.Pointer(&addr))
}

func cstr(b []byte) string {
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}
