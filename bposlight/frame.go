package bposlight

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/uapos/uapos/internal/stxlink"
)

// Control bytes of the link (bposlight.md §1.2).
const (
	STX = stxlink.STX // 0x02, start of a frame
	EOT = stxlink.EOT // 0x04, abort
	ACK = stxlink.ACK // 0x06
	NAK = stxlink.NAK // 0x15
)

// frameFormat is the strict spec framing with room for MaxMessage bytes.
var frameFormat = stxlink.Format{MaxData: MaxMessage}

// AppendFrame appends m as one frame, STX | LL | "TAG=value;..." | LRC, to dst.
func AppendFrame(dst []byte, m Message) ([]byte, error) {
	data, err := m.Encode()
	if err != nil {
		return dst, err
	}
	out, err := frameFormat.AppendFrame(dst, data)
	if err != nil {
		return dst, &ProtocolError{Op: "encode", Offset: -1, Err: err}
	}
	return out, nil
}

// ParseFrame parses exactly one frame and its message. With tolerant set it also accepts
// the LL = len+3 / trailing-NUL variant of the older hobby implementation
// (bposlight.md §2). In strict mode NUL padding before the LRC is reported as
// ErrNULPadding: with LL = len+3 (the §2 frame) together with ErrSyntax, with LL = len
// together with ErrBadLRC.
func ParseFrame(b []byte, tolerant bool) (Message, error) {
	f := frameFormat
	f.Tolerant = tolerant
	data, err := f.ParseFrame(b)
	if err != nil {
		if at, pad := nulsBeforeLRC(b); pad > 0 && (errors.Is(err, stxlink.ErrBadLRC) || errors.Is(err, stxlink.ErrTrailingBytes)) {
			// LL counts the data only, and NULs sit between the data and the LRC: the LRC byte
			// is read as 00 (or, if the data's XOR is 0, the NULs are left over). Name the
			// padding, not just the bad LRC.
			return Message{}, &ProtocolError{Op: "decode", Offset: at, Err: fmt.Errorf(
				"%w: %w: %d NUL bytes between the data and the LRC", ErrNULPadding, err, pad)}
		}
		return Message{}, &ProtocolError{Op: "decode", Offset: -1, Err: err}
	}
	return ParseMessage(data)
}

// nulsBeforeLRC reports whether frame b is STX | LL | LL bytes of data | NUL... | LRC, where
// the LRC (XOR of the data, bposlight.md §1.2) matches: it returns the offset of the first
// NUL and their number, or 0, 0.
func nulsBeforeLRC(b []byte) (at, pad int) {
	if len(b) < stxlink.HeaderLen+2 || b[0] != STX {
		return 0, 0
	}
	at = stxlink.HeaderLen + int(binary.BigEndian.Uint16(b[1:3]))
	if at >= len(b)-1 {
		return 0, 0
	}
	for _, c := range b[at : len(b)-1] {
		if c != 0 {
			return 0, 0
		}
	}
	if stxlink.LRC(b[stxlink.HeaderLen:at]) != b[len(b)-1] {
		return 0, 0
	}
	return at, len(b) - 1 - at
}
