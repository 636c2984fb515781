package capi

// Handle is an open session with the terminal: the library's POS_HANDLE (a void*).
type Handle uintptr

// NoHandle is POS_NONE, the handle of no session.
const NoHandle Handle = 0

// Library mirrors the C API of the POSAPI library (protocols/posapi.md, addendum A.1). Every
// method is the C function of the same name with Go types: a C bool return is a Go bool, a C
// string out-buffer is a Go string result. Parameters are passed by their wire name (the
// string a POS_* symbol points to), actions and responses by their numeric value (the int an
// ACTION_* or RESP_* symbol holds).
//
// The documented cycle is Open, Set*, Send, Receive until a final response, Get*, Close; a
// session carries at most one Send that starts an operation, and only one session per
// terminal may be open. Implementations need not be safe for concurrent use of one handle.
//
// pos_get_length and pos_get_max_length only size C buffers; a Go string carries its length,
// so they are not methods here (the purego binding uses them when the library has them).
type Library interface {
	// Open is pos_open(handle_p, name, log): name is a serial port or "ip:port"; log is ""
	// (off) or a file path. The library checks the link to the terminal inside it.
	Open(name, log string) (Handle, bool)
	// OpenWithTimeout is pos_open_with_timeout with the C header's argument order
	// (handle_p, name, timeout, log); the timeout unit is not documented (presumably ms).
	OpenWithTimeout(name string, timeout int, log string) (Handle, bool)
	// Close is pos_close(handle_p).
	Close(h Handle) bool
	// Set is pos_set(handle, param, val).
	Set(h Handle, param, val string) bool
	// Send is pos_send(handle, action): it sends the action with every parameter set since Open.
	Send(h Handle, action int) bool
	// Receive is pos_receive(handle, timeout_ms): it waits up to timeoutMS and returns a RESP_*
	// value (RESP_TIMEOUT when nothing came).
	Receive(h Handle, timeoutMS int) int
	// Get is pos_get(handle, param, val, val_size) on the last Receive: false when absent.
	Get(h Handle, param string) (string, bool)
	// GetFirst and GetNext are pos_get_first / pos_get_next: they iterate every parameter of
	// the last Receive; ok is false after the last one.
	GetFirst(h Handle) (param, val string, ok bool)
	GetNext(h Handle) (param, val string, ok bool)
	// Error is pos_error(handle): ERR_NONE (0) or ERR_FAILURE (1) after a failed call.
	Error(h Handle) int
	// IntSymbol reads an exported `extern const int` (ACTION_*, RESP_*, ERR_*) by name.
	IntSymbol(name string) (int, bool)
	// StringSymbol reads an exported `extern const char*` (POS_*) by name, dereferenced.
	StringSymbol(name string) (string, bool)
}

// Error values of pos_error (symbols ERR_NONE and ERR_FAILURE).
const (
	ErrNone    = 0
	ErrFailure = 1
)
