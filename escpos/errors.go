package escpos

import (
	"errors"
	"fmt"
)

// Sentinel errors. Functions wrap them with detail; test with [errors.Is].
var (
	// ErrBarcode reports barcode data that the symbology cannot carry (wrong length,
	// non-digits in EAN-13, bad check digit, non-ASCII in CODE128).
	ErrBarcode = errors.New("escpos: invalid barcode data")
	// ErrTooLarge reports data above a command's documented limit (QR > 7089 bytes,
	// CODE128 > 255 bytes, GS ( L > 65535 bytes, image wider than the paper).
	ErrTooLarge = errors.New("escpos: data too large for command")
	// ErrNoReply reports that the printer did not answer a status request before the
	// deadline: typical of write-only links (Windows spooler, some USB bridges).
	ErrNoReply = errors.New("escpos: no reply from printer")
	// ErrNotSupported reports a feature the profile does not have (no cutter, no NV
	// graphics, unknown code page).
	ErrNotSupported = errors.New("escpos: not supported by profile")
	// ErrUnknownProfile reports a profile name that [LoadProfile] does not know.
	ErrUnknownProfile = errors.New("escpos: unknown profile")
	// ErrDocument reports a malformed receipt document (unknown block type, missing data).
	ErrDocument = errors.New("escpos: invalid document")
)

// ProtocolError reports bytes from the printer that violate the documented reply format,
// such as a DLE EOT reply whose fixed bits are wrong.
type ProtocolError struct {
	Op     string // what was being decoded, e.g. "dle eot 1"
	Offset int    // offset of the offending byte in the reply
	Byte   byte   // the offending byte
	Err    error  // optional underlying cause
}

// Error implements error.
func (e *ProtocolError) Error() string {
	s := fmt.Sprintf("escpos: %s: unexpected byte 0x%02X at offset %d", e.Op, e.Byte, e.Offset)
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the underlying cause.
func (e *ProtocolError) Unwrap() error { return e.Err }
