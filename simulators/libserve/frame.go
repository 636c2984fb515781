package libserve

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Frame limits. A frame is a 4-byte big-endian length followed by that many bytes of JSON.
const (
	// MaxRequest is the largest request body the server reads: a request carries at most
	// a few C strings, each a parameter value or a path.
	MaxRequest = 64 << 10
	// MaxResponse is the largest response body either side handles: a POSAPI slip
	// (POS_PRINT) or a BPOS1 receipt (at most 32648 bytes, bpos1.md §2.4) with the rest of
	// a reply's values.
	MaxResponse = 1 << 20
)

// ErrTooLarge is reported for a frame whose length prefix exceeds the limit (or is 0).
var ErrTooLarge = errors.New("libserve: frame length out of bounds")

// ProtocolError is a violation of this package's protocol: a frame, JSON body or call that
// does not decode or validate. Err is ErrTooLarge, a JSON error, or a reason.
type ProtocolError struct {
	Op  string // "read frame", "decode request", "decode response", ...
	Err error
}

// Error returns "libserve: OP: cause".
func (e *ProtocolError) Error() string { return "libserve: " + e.Op + ": " + e.Err.Error() }

// Unwrap returns the cause.
func (e *ProtocolError) Unwrap() error { return e.Err }

// readFrame reads one frame whose body may be at most limit bytes. An I/O error is returned
// as is (wrapped); a bad length is a *ProtocolError wrapping ErrTooLarge.
func readFrame(r io.Reader, limit int) ([]byte, error) {
	var hdr [4]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, err
	}
	n := binary.BigEndian.Uint32(hdr[:])
	if n == 0 || n > uint32(limit) {
		return nil, &ProtocolError{Op: "read frame", Err: fmt.Errorf("%w: %d bytes (limit %d)", ErrTooLarge, n, limit)}
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(r, body); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("libserve: read frame body: %w", err)
	}
	return body, nil
}

// appendFrame appends the frame of body to dst.
func appendFrame(dst, body []byte) []byte {
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(body)))
	return append(dst, body...)
}
