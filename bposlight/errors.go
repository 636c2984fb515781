package bposlight

import (
	"errors"
	"fmt"

	"github.com/uapos/uapos/internal/stxlink"
)

// Link-layer sentinels, shared with the framing layer: test with errors.Is.
var (
	ErrBadLRC       = stxlink.ErrBadLRC       // a frame's LRC did not match its data
	ErrNAKLimit     = stxlink.ErrNAKLimit     // the peer NAKed every attempt; EOT was sent
	ErrEOT          = stxlink.ErrEOT          // the peer sent EOT
	ErrNoACK        = stxlink.ErrNoACK        // no ACK within the ACK timeout
	ErrFrameTooLong = stxlink.ErrFrameTooLong // LL above the maximum frame size
)

// Message-level sentinels.
var (
	// ErrSyntax: the data is not a sequence of "TAG=value;" pairs.
	ErrSyntax = errors.New("malformed TAG=value list")
	// ErrDuplicateTag: a tag appears twice in one message.
	ErrDuplicateTag = errors.New("duplicate tag")
	// ErrBadValue: a value does not fit its tag's type or limit, or holds a separator.
	ErrBadValue = errors.New("bad value")
	// ErrMissingTag: a tag the message needs is absent.
	ErrMissingTag = errors.New("missing tag")
	// ErrNotDelivered is joined to errors of the send stage: the terminal did not
	// acknowledge the request (NAK limit, no ACK, link down before the ACK).
	ErrNotDelivered = errors.New("request not acknowledged by the terminal")
	// ErrUnexpectedResponse: the terminal answered a different request type.
	ErrUnexpectedResponse = errors.New("unexpected response type")
)

// ProtocolError is a violation of the B-POS Light message format (or, wrapped, of the
// framing). Offset is a byte offset into the message data, -1 when it does not apply.
type ProtocolError struct {
	Op     string // "decode", "encode", "goods", or the request type of the exchange
	Offset int
	Err    error
}

// Error implements error.
func (e *ProtocolError) Error() string {
	if e.Offset >= 0 {
		return fmt.Sprintf("bposlight: %s: %v at offset %d", e.Op, e.Err, e.Offset)
	}
	return fmt.Sprintf("bposlight: %s: %v", e.Op, e.Err)
}

// Unwrap returns the cause.
func (e *ProtocolError) Unwrap() error { return e.Err }

// ResponseError is a non-zero RC from the terminal: a result, not a broken link. Codes below
// 1000 are host (bank) codes; 1000 and above are terminal service errors (bposlight.md §1.2).
// Response is the whole answer (for a decline it still carries DATETIM, MID, TID...).
type ResponseError struct {
	Op       Op
	Code     uint32
	RC       string // as sent, for example "1001"
	Response *Response
}

// Error implements error.
func (e *ResponseError) Error() string {
	return fmt.Sprintf("bposlight: %s: response code %s", e.Op, e.RC)
}

// Host reports whether the code is a host (bank) code, i.e. below 1000.
func (e *ResponseError) Host() bool { return e.Code < 1000 }

// RCUserCancelled is the RC the terminal answers after the ECR's EOT abort (bposlight.md
// §1.4: "RESP=PUR;RC=1001;...").
const RCUserCancelled = 1001

func protoErr(op string, off int, format string, args ...any) error {
	return &ProtocolError{Op: op, Offset: off, Err: fmt.Errorf(format, args...)}
}
