package escpos

import (
	"fmt"
	"strings"
)

// Status is the printer state decoded from DLE EOT replies (escpos.md §1.8) or an ASB frame.
// Fields that the reply did not cover stay false.
type Status struct {
	// DrawerPin3High is the drawer-connector pin 3 level. Whether HIGH means open or closed
	// depends on the drawer: see drawer.Config.OpenWhenLow.
	DrawerPin3High bool
	Offline        bool // DLE EOT 1 bit 3 / ASB byte 1 bit 3

	CoverOpen    bool // DLE EOT 2 bit 2 / ASB byte 1 bit 5
	FeedButton   bool // paper being fed by the FEED button: DLE EOT 2 bit 3 / ASB byte 1 bit 6
	PaperEndStop bool // printing stopped by paper end: DLE EOT 2 bit 5
	Error        bool // an error occurred: DLE EOT 2 bit 6

	RecoverableError     bool // DLE EOT 3 bit 2 (undefined on some models) / ASB byte 2 bit 2
	CutterError          bool // DLE EOT 3 bit 3 / ASB byte 2 bit 3
	UnrecoverableError   bool // DLE EOT 3 bit 5 / ASB byte 2 bit 5
	AutoRecoverableError bool // head overheat, cover opened while printing: DLE EOT 3 bit 6 / ASB byte 2 bit 6

	PaperNearEnd bool // DLE EOT 4 bits 2-3 / ASB byte 3 bits 0-1
	PaperEnd     bool // DLE EOT 4 bits 5-6 / ASB byte 3 bits 2-3
}

// Ready reports whether nothing in s stops printing.
func (s Status) Ready() bool {
	return !s.Offline && !s.CoverOpen && !s.PaperEndStop && !s.Error && !s.CutterError &&
		!s.UnrecoverableError && !s.AutoRecoverableError && !s.PaperEnd
}

// String summarises s, e.g. "online, paper near end".
func (s Status) String() string {
	var p []string
	if s.Offline {
		p = append(p, "offline")
	} else {
		p = append(p, "online")
	}
	flags := []struct {
		on   bool
		name string
	}{
		{s.CoverOpen, "cover open"}, {s.FeedButton, "feed button"}, {s.PaperEndStop, "stopped by paper end"},
		{s.Error, "error"}, {s.RecoverableError, "recoverable error"}, {s.CutterError, "cutter error"},
		{s.UnrecoverableError, "unrecoverable error"}, {s.AutoRecoverableError, "auto-recoverable error"},
		{s.PaperNearEnd, "paper near end"}, {s.PaperEnd, "paper end"},
	}
	for _, f := range flags {
		if f.on {
			p = append(p, f.name)
		}
	}
	if s.DrawerPin3High {
		p = append(p, "drawer pin 3 high")
	}
	return strings.Join(p, ", ")
}

// IsStatusReply reports whether b has the fixed bits of a DLE EOT reply, 0xx1xx10
// (bit 0 = 0, bit 1 = 1, bit 4 = 1, bit 7 = 0; escpos.md §1.8).
func IsStatusReply(b byte) bool { return b&0x93 == 0x12 }

// DecodeStatus decodes the one-byte reply to DLE EOT k into s, changing only the fields that
// k covers. A byte without the fixed bits is rejected with a *ProtocolError.
func DecodeStatus(k StatusKind, b byte, s *Status) error {
	if !IsStatusReply(b) {
		return &ProtocolError{Op: "dle eot " + itoa(int(k)), Byte: b}
	}
	bit := func(n uint) bool { return b&(1<<n) != 0 }
	switch k {
	case StatusPrinter:
		s.DrawerPin3High, s.Offline = bit(2), bit(3)
	case StatusOffline:
		s.CoverOpen, s.FeedButton, s.PaperEndStop, s.Error = bit(2), bit(3), bit(5), bit(6)
	case StatusError:
		s.RecoverableError, s.CutterError, s.UnrecoverableError, s.AutoRecoverableError = bit(2), bit(3), bit(5), bit(6)
	case StatusPaper:
		s.PaperNearEnd, s.PaperEnd = b&0x0C != 0, b&0x60 != 0
	default:
		return fmt.Errorf("escpos: dle eot %d: unknown status kind", k)
	}
	return nil
}

// ASB framing (escpos.md §1.8): 4 bytes, the first 0xx1xx00, the others 0xx0xxxx; XON (0x11)
// and XOFF (0x13) may be interleaved by serial flow control.
const (
	xon  = 0x11
	xoff = 0x13
)

func asbFirst(b byte) bool { return b&0x93 == 0x10 }
func asbRest(b byte) bool  { return b&0x90 == 0x00 }

// SplitASB is a [bufio.SplitFunc] that yields 4-byte ASB frames from a printer's byte stream,
// skipping XON/XOFF, DLE EOT replies and any other byte that cannot belong to a frame, and
// resynchronising after a broken frame.
func SplitASB(data []byte, atEOF bool) (advance int, token []byte, err error) {
	i := 0
	for i < len(data) {
		if !asbFirst(data[i]) {
			i++
			continue
		}
		var frame [4]byte
		frame[0] = data[i]
		n, j := 1, i+1
		for ; j < len(data) && n < 4; j++ {
			c := data[j]
			if c == xon || c == xoff {
				continue
			}
			if !asbRest(c) {
				break
			}
			frame[n] = c
			n++
		}
		if n == 4 {
			return j, frame[:], nil
		}
		if j < len(data) || atEOF {
			i++ // broken frame: resynchronise on the next byte
			continue
		}
		return i, nil, nil // need more data
	}
	return i, nil, nil
}

// ParseASB decodes one 4-byte ASB frame.
func ParseASB(f []byte) (Status, error) {
	var s Status
	if len(f) != 4 {
		return s, &ProtocolError{Op: "asb", Offset: len(f), Err: fmt.Errorf("frame of %d bytes, want 4", len(f))}
	}
	if !asbFirst(f[0]) {
		return s, &ProtocolError{Op: "asb", Byte: f[0]}
	}
	for i := 1; i < 4; i++ {
		if !asbRest(f[i]) {
			return s, &ProtocolError{Op: "asb", Offset: i, Byte: f[i]}
		}
	}
	b1, b2, b3 := f[0], f[1], f[2]
	s.DrawerPin3High, s.Offline, s.CoverOpen, s.FeedButton = b1&0x04 != 0, b1&0x08 != 0, b1&0x20 != 0, b1&0x40 != 0
	s.RecoverableError, s.CutterError, s.UnrecoverableError, s.AutoRecoverableError = b2&0x04 != 0, b2&0x08 != 0, b2&0x20 != 0, b2&0x40 != 0
	s.PaperNearEnd, s.PaperEnd = b3&0x03 != 0, b3&0x0C != 0
	return s, nil
}
