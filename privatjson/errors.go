package privatjson

import (
	"errors"
	"fmt"

	"github.com/uapos/uapos/payment"
)

// Sentinel errors. Match them with [errors.Is].
var (
	// ErrFrameTooLarge: a frame grew beyond the reader's limit without a 0x00.
	ErrFrameTooLarge = errors.New("privatjson: frame too large")
	// ErrTruncated: the stream ended inside a frame (a disconnect mid-frame).
	ErrTruncated = errors.New("privatjson: stream ended inside a frame")
	// ErrBusy: the terminal answered ServiceMessage deviceBusy: another operation runs
	// (spec §6.1).
	ErrBusy = errors.New("privatjson: device busy")
	// ErrNotImplemented: the terminal answered ServiceMessage methodNotImplemented (spec §6.3).
	ErrNotImplemented = errors.New("privatjson: method not implemented by the terminal")
	// ErrClosed: the client is closed, or its link broke and it has no way to reconnect.
	ErrClosed = errors.New("privatjson: client closed")
	// ErrNoReply: the request was sent but no reply came before the context ended; the
	// operation's outcome is unknown.
	ErrNoReply = errors.New("privatjson: no reply")
)

// ProtocolError is a wire violation: a frame that is not a JSON object, a reply that is not
// the one asked for, a frame too large.
type ProtocolError struct {
	Op  string // what was being read, for example "Purchase"
	Err error
}

// Error returns "privatjson: op: cause".
func (e *ProtocolError) Error() string {
	return payment.RedactPANs("privatjson: " + e.Op + ": " + e.Err.Error())
}

// Unwrap returns the cause.
func (e *ProtocolError) Unwrap() error { return e.Err }

// LinkError is an I/O failure of the link. Sent reports whether the request had been written
// when the link failed: when true the terminal may have done the operation.
type LinkError struct {
	Op   string
	Sent bool
	Err  error
}

// Error describes the failure and whether the request had gone out.
func (e *LinkError) Error() string {
	s := "privatjson: " + e.Op + ": link: " + e.Err.Error()
	if e.Sent {
		s += " (after the request was sent)"
	}
	return s
}

// Unwrap returns the cause.
func (e *LinkError) Unwrap() error { return e.Err }

// ResponseError is a terminal's answer that reports a failure: "error":true, or a
// responseCode other than "0000" and "0010" (spec §4; privatjson.md §5). Codes 1000 and up
// are the terminal's own; lower codes are host (bank) codes such as "0005", and then Receipt
// usually holds the decline slip.
type ResponseError struct {
	Method       string
	ResponseCode string // 4-digit code as sent, may be empty on old firmware
	Description  string // errorDescription (or its misspellings)
	Receipt      string
	// Message is the whole reply.
	Message *Message
}

// Error returns the method, the response code and the terminal's text.
func (e *ResponseError) Error() string {
	s := fmt.Sprintf("privatjson: %s: terminal answered", e.Method)
	if e.ResponseCode != "" {
		s += " " + e.ResponseCode
	}
	if e.Description != "" {
		s += ": " + e.Description
	}
	return payment.RedactPANs(s)
}

// Code returns the response code as a number, or -1 when it is missing or not a number.
func (e *ResponseError) Code() int { return codeNumber(e.ResponseCode) }

func codeNumber(s string) int {
	if s == "" || len(s) > 6 {
		return -1
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return -1
		}
		n = n*10 + int(s[i]-'0')
	}
	return n
}
