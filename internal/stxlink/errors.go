package stxlink

import (
	"errors"
	"fmt"
)

// Sentinel errors. They are returned wrapped in a [*ProtocolError] (or, for link timeouts,
// together with [os.ErrDeadlineExceeded]); test for them with [errors.Is].
var (
	// ErrNoSTX: a frame did not start with STX (0x02).
	ErrNoSTX = errors.New("no STX")
	// ErrShortFrame: the input ended before the frame announced by LL was complete.
	ErrShortFrame = errors.New("short frame")
	// ErrFrameTooLong: LL announces more data than the configured maximum.
	ErrFrameTooLong = errors.New("frame bigger than the maximum size")
	// ErrEmptyFrame: LL is zero (or, in tolerant mode, the data is only NUL bytes).
	ErrEmptyFrame = errors.New("empty frame")
	// ErrBadLRC: the LRC byte does not match the data.
	ErrBadLRC = errors.New("bad LRC")
	// ErrTrailingBytes: bytes follow the LRC where [ParseFrame] expected the input to end.
	ErrTrailingBytes = errors.New("bytes after the LRC")
	// ErrNoACK: the peer did not acknowledge a frame within the ACK timeout.
	ErrNoACK = errors.New("no ACK")
	// ErrNAKLimit: the peer answered NAK to every attempt; EOT was sent.
	ErrNAKLimit = errors.New("NAK limit reached")
	// ErrEOT: the peer sent EOT (0x04): it abandoned or aborted the exchange.
	ErrEOT = errors.New("EOT received")
	// ErrUnexpectedByte: a byte that is neither STX, ACK, NAK nor EOT where one of them was due.
	ErrUnexpectedByte = errors.New("unexpected byte")
	// ErrTooLarge: the data given to [AppendFrame] does not fit the format.
	ErrTooLarge = errors.New("data too large for a frame")
	// ErrNotSent: a write failed before any byte of it reached the connection (the context
	// had ended, or the write deadline had passed), so the peer cannot hold that frame or
	// control byte. It comes wrapped with the cause.
	ErrNotSent = errors.New("nothing sent")
)

// ProtocolError is a violation of the framing or link rules. Offset is the byte offset in
// the frame (or input) where the problem was seen, -1 when it does not apply.
type ProtocolError struct {
	Op     string // "parse", "split", "send", "receive", "append"
	Offset int
	Err    error
}

// Error implements error.
func (e *ProtocolError) Error() string {
	if e.Offset >= 0 {
		return fmt.Sprintf("stxlink: %s: %v at offset %d", e.Op, e.Err, e.Offset)
	}
	return fmt.Sprintf("stxlink: %s: %v", e.Op, e.Err)
}

// Unwrap returns the sentinel (or I/O error) behind e.
func (e *ProtocolError) Unwrap() error { return e.Err }

func perr(op string, off int, err error) error { return &ProtocolError{Op: op, Offset: off, Err: err} }
