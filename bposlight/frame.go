package bposlight

import (
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
// (bposlight.md §2).
func ParseFrame(b []byte, tolerant bool) (Message, error) {
	f := frameFormat
	f.Tolerant = tolerant
	data, err := f.ParseFrame(b)
	if err != nil {
		return Message{}, &ProtocolError{Op: "decode", Offset: -1, Err: err}
	}
	return ParseMessage(data)
}
