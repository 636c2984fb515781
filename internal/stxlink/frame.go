package stxlink

import (
	"bufio"
	"encoding/binary"
)

// Control bytes of the link (bposlight.md §1.2, bpos1.md §1.2 "BYTES.js").
const (
	STX byte = 0x02 // start of a frame
	EOT byte = 0x04 // abort / give up
	ACK byte = 0x06 // frame received, LRC good
	NAK byte = 0x15 // frame received, LRC bad: resend
)

// HeaderLen is STX plus the two LL bytes; TrailerLen is the one LRC byte.
const (
	HeaderLen  = 3
	TrailerLen = 1
)

// DefaultMaxData is the largest data length accepted when [Format.MaxData] is zero.
const DefaultMaxData = 4096

// LRCMode says which bytes the LRC covers.
type LRCMode uint8

const (
	// LRCData: XOR of the data bytes only, not STX, not LL. This is what every example
	// frame of bposlight.md §3 and the WebCheck BPOS1 builder (bpos1.md §B.2) compute.
	LRCData LRCMode = iota
	// LRCLengthAndData: XOR of the two LL bytes and the data. A literal reading of the
	// B-POS Light spec wording "from the packet length to the end of the packet"; no example
	// frame uses it. Offered for a receiver that wants to accept it.
	LRCLengthAndData
	// LRCEither: accept a frame whose LRC matches either of the two rules above. Senders
	// using LRCEither compute [LRCData]. Meant for simulators (bposlight.md §1.2: "accept
	// both variants in the simulator").
	LRCEither
)

// String implements fmt.Stringer.
func (m LRCMode) String() string {
	switch m {
	case LRCData:
		return "data"
	case LRCLengthAndData:
		return "length+data"
	case LRCEither:
		return "either"
	}
	return "LRCMode(?)"
}

// Format describes one flavour of the STX framing. The zero value is the strict format of
// the B-POS Light spec v1.6: LL = data length, LRC over the data only, at most
// [DefaultMaxData] bytes of data.
type Format struct {
	// MaxData is the largest LL accepted by the readers and produced by the writer.
	// Zero means DefaultMaxData; values above 65535 are treated as 65535.
	MaxData int
	// LRC selects what the LRC covers; zero is LRCData.
	LRC LRCMode
	// Tolerant makes readers accept the frames of the older hobby implementation
	// (bposlight.md §2 "ECR → terminal frame, exactly as LITE sends it"): LL = len+3 with
	// the data followed by three zero bytes before the LRC. Any trailing NUL bytes inside the
	// counted data are dropped from the returned data; the XOR is unchanged by them.
	Tolerant bool
}

func (f Format) maxData() int {
	switch {
	case f.MaxData <= 0:
		return DefaultMaxData
	case f.MaxData > 0xFFFF:
		return 0xFFFF
	}
	return f.MaxData
}

// LRC returns the XOR of b.
func LRC(b []byte) byte {
	var x byte
	for _, c := range b {
		x ^= c
	}
	return x
}

// AppendFrame appends STX | LL | data | LRC to dst using the strict default [Format].
func AppendFrame(dst, data []byte) ([]byte, error) { return Format{}.AppendFrame(dst, data) }

// ParseFrame parses exactly one frame (STX..LRC, nothing after it) with the default [Format]
// and returns its data.
func ParseFrame(b []byte) ([]byte, error) { return Format{}.ParseFrame(b) }

// AppendFrame appends STX | LL (big-endian len(data)) | data | LRC to dst. The LRC follows
// f.LRC (LRCEither computes LRCData). It never writes the tolerant variants.
func (f Format) AppendFrame(dst, data []byte) ([]byte, error) {
	if len(data) == 0 {
		return dst, perr("append", -1, ErrEmptyFrame)
	}
	if len(data) > f.maxData() {
		return dst, perr("append", -1, ErrTooLarge)
	}
	var ll [2]byte
	binary.BigEndian.PutUint16(ll[:], uint16(len(data)))
	lrc := LRC(data)
	if f.LRC == LRCLengthAndData {
		lrc ^= ll[0] ^ ll[1]
	}
	dst = append(dst, STX, ll[0], ll[1])
	dst = append(dst, data...)
	return append(dst, lrc), nil
}

// ParseFrame parses exactly one frame and returns its data (a sub-slice of b). Errors are
// *ProtocolError wrapping ErrNoSTX, ErrShortFrame, ErrFrameTooLong, ErrEmptyFrame,
// ErrBadLRC or ErrTrailingBytes.
func (f Format) ParseFrame(b []byte) ([]byte, error) {
	n, data, err := f.frame(b, true)
	if err != nil {
		return nil, withOp("parse", err)
	}
	if n < 0 {
		return nil, perr("parse", len(b), ErrShortFrame)
	}
	if n != len(b) {
		return nil, perr("parse", n, ErrTrailingBytes)
	}
	return data, nil
}

func withOp(op string, err error) error {
	if pe, ok := err.(*ProtocolError); ok {
		pe.Op = op
	}
	return err
}

// frame looks at a frame starting at b[0]. It returns n = -1 when more bytes are needed,
// otherwise the frame length and its data (trailing NULs dropped in tolerant mode). When
// check is false the LRC is not verified (the link verifies it to choose ACK or NAK).
func (f Format) frame(b []byte, check bool) (n int, data []byte, err error) {
	if len(b) == 0 {
		return -1, nil, nil
	}
	if b[0] != STX {
		return 0, nil, perr("", 0, ErrNoSTX)
	}
	if len(b) < HeaderLen {
		return -1, nil, nil
	}
	ll := int(binary.BigEndian.Uint16(b[1:3]))
	if ll == 0 {
		return 0, nil, perr("", 1, ErrEmptyFrame)
	}
	if ll > f.maxData() {
		return 0, nil, perr("", 1, ErrFrameTooLong)
	}
	n = HeaderLen + ll + TrailerLen
	if len(b) < n {
		return -1, nil, nil
	}
	data = b[HeaderLen : HeaderLen+ll]
	if check && !f.lrcOK(b[1:3], data, b[n-1]) {
		return 0, nil, perr("", n-1, ErrBadLRC)
	}
	if f.Tolerant {
		data = trimNUL(data)
		if len(data) == 0 {
			return 0, nil, perr("", HeaderLen, ErrEmptyFrame)
		}
	}
	return n, data, nil
}

func (f Format) lrcOK(ll, data []byte, got byte) bool {
	x := LRC(data)
	switch f.LRC {
	case LRCLengthAndData:
		return x^ll[0]^ll[1] == got
	case LRCEither:
		return x == got || x^ll[0]^ll[1] == got
	}
	return x == got
}

func trimNUL(b []byte) []byte {
	for len(b) > 0 && b[len(b)-1] == 0 {
		b = b[:len(b)-1]
	}
	return b
}

// Split is a [bufio.SplitFunc] for a byte stream of the link. Each token is either one
// control byte (ACK, NAK, EOT, or any other single byte that is not STX, which the caller
// may report as unexpected) or one whole raw frame STX..LRC, LRC not verified (use
// [Format.ParseFrame] on it, or the link's NAK logic). An LL above MaxData or zero is an
// error: the stream cannot be resynchronised safely.
func (f Format) Split(data []byte, atEOF bool) (advance int, token []byte, err error) {
	if len(data) == 0 {
		return 0, nil, nil
	}
	if data[0] != STX {
		return 1, data[:1], nil
	}
	n, _, err := f.frame(data, false)
	if err != nil {
		return 0, nil, withOp("split", err)
	}
	if n < 0 {
		if atEOF {
			return 0, nil, perr("split", len(data), ErrShortFrame)
		}
		return 0, nil, nil
	}
	return n, data[:n], nil
}

var _ bufio.SplitFunc = Format{}.Split
