package posapi

import (
	"errors"
	"fmt"
)

// Sentinels; the typed errors below match them with errors.Is.
var (
	// ErrBreak: the operation ended with RESP_BREAK (interrupted on the terminal, by our
	// ACTION_BREAK, or refused, e.g. a wrong profile). Nothing was charged.
	ErrBreak = errors.New("posapi: operation interrupted")
	// ErrWrongMAC: the terminal answered RESP_WRONG_MAC (MAC missing or wrong).
	ErrWrongMAC = errors.New("posapi: missing or wrong mac")
	// ErrDeclined: the terminal or the host declined (RESP_DECLINE).
	ErrDeclined = errors.New("posapi: declined")
	// ErrOutcomeUnknown: the session ended before a final response while the operation could
	// no longer be interrupted; ask ACTION_STATUS with the transaction id.
	ErrOutcomeUnknown = errors.New("posapi: outcome unknown")
	// ErrUnknownSymbol: a symbol has no value in the loaded library, in Config.Symbols or in
	// the public record.
	ErrUnknownSymbol = errors.New("posapi: symbol not known")
	// ErrNotAvailable: the vendor library cannot be loaded on this platform or path.
	ErrNotAvailable = errors.New("posapi: vendor library not available")
)

// SymbolError names a symbol that could not be resolved.
type SymbolError struct{ Name string }

// Error implements error.
func (e *SymbolError) Error() string {
	return "posapi: symbol " + e.Name + " not exported by the library and not public"
}

// Is matches [ErrUnknownSymbol].
func (e *SymbolError) Is(target error) bool { return target == ErrUnknownSymbol }

// LibraryError is a false return of a library call, or RESP_ERROR from pos_receive.
type LibraryError struct {
	// Op is the C function: "pos_open", "pos_set", "pos_send", "pos_receive"...
	Op string
	// Code is pos_error's value (1 = ERR_FAILURE).
	Code int
	// Sent is true when an operation may have reached the terminal before the failure.
	Sent bool
}

// Error implements error.
func (e *LibraryError) Error() string {
	return fmt.Sprintf("posapi: %s failed (pos_error %d)", e.Op, e.Code)
}

// DeclineError is RESP_DECLINE: the fields DM's code 5024 reports.
type DeclineError struct {
	Reply *Reply
	// Text is POS_TRANS_STATUS, Status POS_STATUS (decline class 1-6), HostCode POS_HOST_CODE.
	Text, Status, HostCode string
}

// Error implements error.
func (e *DeclineError) Error() string {
	return fmt.Sprintf("posapi: declined: %q, status %s, host code %q", e.Text, e.Status, e.HostCode)
}

// Is matches [ErrDeclined].
func (e *DeclineError) Is(target error) bool { return target == ErrDeclined }

// BreakError is RESP_BREAK as the final response.
type BreakError struct {
	Reply *Reply
	// Requested is true when we sent ACTION_BREAK (the context ended, or a callback failed).
	Requested bool
	// Cause is why we asked for the break, if we did.
	Cause error
}

// Error implements error.
func (e *BreakError) Error() string {
	if e.Requested && e.Cause != nil {
		return "posapi: operation interrupted: " + e.Cause.Error()
	}
	return ErrBreak.Error()
}

// Is matches [ErrBreak].
func (e *BreakError) Is(target error) bool { return target == ErrBreak }

// Unwrap returns the cause.
func (e *BreakError) Unwrap() error { return e.Cause }

// UnknownError is returned when the session ended without a final response after the
// operation was sent.
type UnknownError struct {
	// TransID is POS_TRANS_ID from RESP_IDENTIFIER, when one came.
	TransID string
	Err     error
}

// Error implements error.
func (e *UnknownError) Error() string {
	s := "posapi: outcome unknown"
	if e.TransID != "" {
		s += " (transaction " + e.TransID + ")"
	}
	return s + ": " + e.Err.Error()
}

// Is matches [ErrOutcomeUnknown].
func (e *UnknownError) Is(target error) bool { return target == ErrOutcomeUnknown }

// Unwrap returns the cause.
func (e *UnknownError) Unwrap() error { return e.Err }
