package escpos

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"testing"
	"testing/iotest"
)

// Replies built by hand from the escpos.md §1.8 bit tables (fixed pattern 0xx1xx10).
func TestDecodeStatus(t *testing.T) {
	cases := []struct {
		k    StatusKind
		b    byte
		want Status
	}{
		{StatusPrinter, 0x12, Status{}},                                    // all clear
		{StatusPrinter, 0x16, Status{DrawerPin3High: true}},                // §1.8 example: pin 3 HIGH
		{StatusPrinter, 0x1A, Status{Offline: true}},                       // bit 3
		{StatusOffline, 0x16, Status{CoverOpen: true}},                     // bit 2
		{StatusOffline, 0x1A, Status{FeedButton: true}},                    // bit 3
		{StatusOffline, 0x32, Status{PaperEndStop: true}},                  // bit 5
		{StatusOffline, 0x52, Status{Error: true}},                         // bit 6
		{StatusError, 0x1A, Status{CutterError: true}},                     // bit 3
		{StatusError, 0x32, Status{UnrecoverableError: true}},              // bit 5
		{StatusError, 0x52, Status{AutoRecoverableError: true}},            // bit 6
		{StatusPaper, 0x1E, Status{PaperNearEnd: true}},                    // bits 2+3 (0x0C)
		{StatusPaper, 0x72, Status{PaperEnd: true}},                        // §1.8 example: paper out
		{StatusPaper, 0x7E, Status{PaperNearEnd: true, PaperEnd: true}},    // both
		{StatusError, 0x16, Status{RecoverableError: true}},                // bit 2
		{StatusPrinter, 0x1E, Status{DrawerPin3High: true, Offline: true}}, // both
	}
	for _, c := range cases {
		var s Status
		if err := DecodeStatus(c.k, c.b, &s); err != nil {
			t.Errorf("%s %02X: %v", c.k, c.b, err)
			continue
		}
		if s != c.want {
			t.Errorf("%s %02X: got %+v, want %+v", c.k, c.b, s, c.want)
		}
	}
	// Bytes without the fixed bits are rejected: bit 1 clear, bit 4 clear, bit 0 set, bit 7 set.
	for _, b := range []byte{0x10, 0x02, 0x13, 0x92, 0x00, 0xFF, 0x11} {
		var s Status
		var pe *ProtocolError
		if err := DecodeStatus(StatusPrinter, b, &s); !errors.As(err, &pe) || pe.Byte != b {
			t.Errorf("%02X accepted or wrong error: %v", b, err)
		}
	}
	if !(Status{}).Ready() || (Status{PaperEnd: true}).Ready() {
		t.Error("Ready")
	}
	if got := (Status{PaperNearEnd: true}).String(); got != "online, paper near end" {
		t.Errorf("String = %q", got)
	}
}

// ASB frames by hand from §1.8: byte 1 0xx1xx00, bytes 2-4 0xx0xxxx.
func TestASB(t *testing.T) {
	stream := []byte{
		0x12,                   // a stray DLE EOT reply: skipped
		0x10, 0x00, 0x00, 0x00, // all clear
		0x11,                   // XON between frames
		0x34, 0x08, 0x13, 0x0C, // pin 3, cover open; cutter error; XOFF inside; roll end
		0x00,
		0x18, 0x00, 0x7F, // broken frame (0x7F is not 0xx0xxxx): resync
		0x18, 0x40, 0x03, 0x00, // offline; auto-recoverable; near end
	}
	want := []Status{
		{},
		{DrawerPin3High: true, CoverOpen: true, CutterError: true, PaperEnd: true},
		{Offline: true, AutoRecoverableError: true, PaperNearEnd: true},
	}
	for _, frag := range []bool{false, true} {
		var r io.Reader = bytes.NewReader(stream)
		if frag {
			r = iotest.OneByteReader(r) // a serial link delivering byte by byte
		}
		sc := bufio.NewScanner(r)
		sc.Split(SplitASB)
		var got []Status
		for sc.Scan() {
			s, err := ParseASB(sc.Bytes())
			if err != nil {
				t.Fatalf("frame % X: %v", sc.Bytes(), err)
			}
			got = append(got, s)
		}
		if len(got) != len(want) {
			t.Fatalf("fragmented=%v: got %d frames %+v", frag, len(got), got)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("fragmented=%v frame %d: %+v, want %+v", frag, i, got[i], want[i])
			}
		}
	}
	if _, err := ParseASB([]byte{0x10, 0x00}); err == nil {
		t.Error("short frame accepted")
	}
	if _, err := ParseASB([]byte{0x12, 0x00, 0x00, 0x00}); err == nil {
		t.Error("dle eot byte accepted as asb start")
	}
}
