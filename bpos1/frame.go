package bpos1

import (
	"encoding/binary"
	"fmt"

	"github.com/uapos/uapos/internal/stxlink"
)

// AppendFrame appends one whole frame of the PROVISIONAL native wire to dst:
// STX | LL (big-endian) | TLV payload of m in the given byte order | LRC (XOR of the
// payload) (bpos1.md §B.2). A nil order means big-endian, as WebCheck sends requests.
func AppendFrame(dst []byte, m Message, order binary.ByteOrder) ([]byte, error) {
	if order == nil {
		order = binary.BigEndian
	}
	out, err := stxlink.AppendFrame(dst, AppendMessage(nil, m, order))
	if err != nil {
		return dst, fmt.Errorf("bpos1: %w", err)
	}
	return out, nil
}

// ParseFrame parses one whole frame of the native wire (STX | LL | TLV | LRC) and its TLV
// payload, detecting the TLV byte order as [ParseMessageAuto] does. PROVISIONAL, like the
// wire itself. Errors wrap stxlink's sentinels or [ErrBadTLV].
func ParseFrame(b []byte) (Message, binary.ByteOrder, error) {
	data, err := stxlink.ParseFrame(b)
	if err != nil {
		return Message{}, nil, fmt.Errorf("bpos1: %w", err)
	}
	return ParseMessageAuto(data)
}
