package bpos1

import (
	"errors"
	"fmt"

	"github.com/uapos/uapos/payment"
)

// Sentinel errors.
var (
	// ErrNotSupported: the backend has no documented way to do the operation (for example
	// receipts or journal queries on the provisional native wire).
	ErrNotSupported = errors.New("bpos1: not supported")
	// ErrNoTransaction: the terminal's journal holds no transaction (GetTxnNum returned 0).
	ErrNoTransaction = errors.New("bpos1: no transaction in the journal")
	// ErrStillRunning: after Cancel the operation did not end within Config.CancelWait; its
	// outcome is unknown.
	ErrStillRunning = errors.New("bpos1: operation still running after cancel")
)

// CallError is an action (or a getter) that returned a non-zero ECRC code: the operation
// did not start.
type CallError struct {
	Op   string // the vendor method, "Purchase"
	Code ECRC
}

// Error implements error.
func (e *CallError) Error() string {
	return fmt.Sprintf("bpos1: %s: %s (ecrc %d)", e.Op, e.Code, int(e.Code))
}

// Is makes errors.Is(err, ErrNotSupported) true for a backend that answers "no data" to a
// request it cannot make.
func (e *CallError) Is(target error) bool { return target == ErrNotSupported && e.Code == ECRCNoData }

// ResultError is an operation that ended with LastResult = 1 (bpos1.md §2.2).
type ResultError struct {
	Op        string    // the vendor method, "Purchase"
	ErrorCode ErrorCode // LastErrorCode
	// ResponseCode is meaningful when ErrorCode is [ErrCodeTerminal]: below 1000 a host
	// (bank) code, 1000-1008 a terminal code.
	ResponseCode uint32
	// Description is LastErrorDescription, UTF-8.
	Description string
	// Receipt is the decline slip, UTF-8, when the terminal produced one.
	Receipt string
}

// Error implements error. Card numbers are masked.
func (e *ResultError) Error() string {
	s := fmt.Sprintf("bpos1: %s: %s", e.Op, e.ErrorCode)
	if e.ErrorCode == ErrCodeTerminal {
		s += fmt.Sprintf(" (response code %d)", e.ResponseCode)
	}
	if e.Description != "" {
		s += ": " + e.Description
	}
	return payment.RedactPANs(s)
}

// Declined reports whether the terminal (not the link) refused: LastErrorCode 4.
func (e *ResultError) Declined() bool { return e.ErrorCode == ErrCodeTerminal }

// HostCode reports whether ResponseCode is a host (bank) code, below 1000.
func (e *ResultError) HostCode() bool { return e.Declined() && e.ResponseCode < 1000 }

// ProtocolError is a value the library must not return (LastResult outside 0-2).
type ProtocolError struct {
	Op  string
	Msg string
}

// Error implements error.
func (e *ProtocolError) Error() string { return "bpos1: " + e.Op + ": " + e.Msg }
