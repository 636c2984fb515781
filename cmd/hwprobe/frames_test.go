package main

import (
	"encoding/hex"
	"strings"
	"testing"

	"github.com/uapos/uapos/escpos"
)

// h decodes hex written with spaces, as the notes print frames.
func h(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

// Frames below are copied from the notes, each cited; none is produced by an encoder.
func TestRecognise(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    framing
		frames  int
		control int
	}{
		// privatjson.md §1.2, PingDevice handshake "Written data (port)", leading 0x00.
		{"json ping", "00 7b 22 6d 65 74 68 6f 64 22 3a 22 50 69 6e 67 44 65 76 69 63 65 22 2c 22 73 74 65 70 22 3a 30 7d 00", framingJSON0, 1, 0},
		// privatjson.md §1.2: {"method":"GetTerminalInfo","step":0} + 00, twice.
		{"json two frames", hex.EncodeToString([]byte("{\"method\":\"GetTerminalInfo\",\"step\":0}\x00{\"method\":\"GetTerminalInfo\",\"step\":0}\x00")), framingJSON0, 2, 0},
		// bposlight.md §1.2 full frame example REQ=CON;INVOICE=3; with LRC 66.
		{"bpos light frame", "02 00 12 52 45 51 3d 43 4f 4e 3b 49 4e 56 4f 49 43 45 3d 33 3b 66", framingSTXText, 1, 0},
		// bposlight.md §1.2: REQ=ACQ; has LRC 13; LL = 8; followed by ACK.
		{"bpos light acq + ack", "02 00 08 52 45 51 3d 41 43 51 3b 13 06", framingSTXText, 1, 1},
		// bpos1.md §B.3 worked frames: ping, POS info.
		{"bpos1 ping", "02 00 0c 00 00 00 01 00 00 00 04 00 00 00 0b 0e", framingSTXTLV, 1, 0},
		{"bpos1 pos info", "02 00 18 00 00 00 01 00 00 00 04 00 00 00 03 00 00 00 1b 00 00 00 04 00 00 00 08 11", framingSTXTLV, 1, 0},
		// bpos1.md §B.3 purchase 100 kop merchant 1.
		{"bpos1 purchase", "02 00 30 00000001 00000004 00000001 00000002 00000004 00000001 00000021 00000004 00000001 00000003 00000004 00000064 44", framingSTXTLV, 1, 0},
		// bpos1.md §B.5: the little-endian alternative of the ping, same LRC.
		{"bpos1 ping little-endian", "02 00 0c 01 00 00 00 04 00 00 00 0b 00 00 00 0e", framingSTXTLV, 1, 0},
		// bposlight.md §1.2 / bpos1.md §B.4: ACK, NAK, EOT alone.
		{"link control only", "06 15 04", framingSTXControl, 0, 3},
		// escpos.md §1.8 DLE EOT 1..4 and capture doc example ESC @, GS V 0.
		{"escpos commands", "10 04 01 1b 40 48 65 6c 6c 6f 0a 1d 56 00", framingESCPOS, 3, 0},
		// escpos.md §1.8 example replies 0x12, 0x16, 0x72.
		{"escpos status replies", "12 16 72", framingESCPOSStatus, 3, 0},
		{"http", hex.EncodeToString([]byte("GET / HTTP/1.0\r\n\r\n")), framingUnknown, 0, 0},
		{"bad lrc", "02 00 12 52 45 51 3d 43 4f 4e 3b 49 4e 56 4f 49 43 45 3d 33 3b 67", framingUnknown, 0, 0},
		// bposlight.md §1.2: the LRC read as covering LL too: 66 ^ 00 ^ 12 = 74.
		{"lrc over LL and data", "02 00 12 52 45 51 3d 43 4f 4e 3b 49 4e 56 4f 49 43 45 3d 33 3b 74", framingSTXText, 1, 0},
		{"json without terminator", hex.EncodeToString([]byte(`{"method":"PingDevice","step":0}`)), framingUnknown, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := recognise(h(t, tc.in))
			if r.framing != tc.want {
				t.Fatalf("framing %v, want %v (recognition %+v)", r.framing, tc.want, r)
			}
			if tc.want != framingUnknown && (r.frames != tc.frames || r.controls != tc.control) {
				t.Errorf("frames %d controls %d, want %d and %d", r.frames, r.controls, tc.frames, tc.control)
			}
		})
	}
}

func TestRecogniseNames(t *testing.T) {
	r := recognise(h(t, "02 00 12 52 45 51 3d 43 4f 4e 3b 49 4e 56 4f 49 43 45 3d 33 3b 66"))
	if len(r.names) != 1 || r.names[0] != "REQ=CON" {
		t.Errorf("names %q, want [REQ=CON]", r.names)
	}
	r = recognise([]byte("\x00{\"method\":\"ServiceMessage\",\"step\":0,\"params\":{\"msgType\":\"deviceBusy\"}}\x00"))
	if len(r.names) != 1 || r.names[0] != "ServiceMessage/deviceBusy" {
		t.Errorf("names %q", r.names)
	}
}

// The LITE variant of B-POS Light (bposlight.md §2): LL = len+3 and three zero bytes before
// the LRC; the XOR is unchanged, so it reads as a frame whose data ends in NULs.
func TestRecogniseBPOSLightLITEVariant(t *testing.T) {
	r := recognise(h(t, "02 00 0b 52 45 51 3d 41 43 51 3b 00 00 00 13"))
	if r.framing != framingSTXText || r.frames != 1 {
		t.Fatalf("got %v with %d frames", r.framing, r.frames)
	}
}

func TestESCPOSLengths(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"1d 76 30 00 01 00 02 00 ff 00", 10},    // GS v 0, 1 byte x 2 rows (escpos.md §1.3)
		{"1d 28 6b 03 00 31 43 05", 8},           // GS ( k fn 167 module size (escpos.md §1.5)
		{"1d 6b 02 34 30 30 00", 7},              // GS k function A, m=2 EAN13 (escpos.md §1.4)
		{"1d 6b 49 03 41 42 43", 7},              // GS k function B, m=73 CODE128, n=3 (§1.4)
		{"1b 70 00 19 fa", 5},                    // ESC p (escpos.md §1.7)
		{"1b 2a 21 02 00 00 00 00 00 00 00", 11}, // ESC * m=33: 2 dots x 3 bytes (§1.3)
		{"1d 76 30 00 ff ff ff ff", 0},           // too short to tell
		{"1b ff", -1},
	}
	for _, tc := range tests {
		if got := escposLen(h(t, tc.in)); got != tc.want {
			t.Errorf("escposLen(%s) = %d, want %d", tc.in, got, tc.want)
		}
	}
}

// FuzzRecognise: hostile bytes never panic and never explain more than they hold.
func FuzzRecognise(f *testing.F) {
	for _, s := range []string{
		"00 7b 22 6d 65 74 68 6f 64 22 3a 22 50 69 6e 67 44 65 76 69 63 65 22 2c 22 73 74 65 70 22 3a 30 7d 00",
		"02 00 12 52 45 51 3d 43 4f 4e 3b 49 4e 56 4f 49 43 45 3d 33 3b 66",
		"02 00 0c 00 00 00 01 00 00 00 04 00 00 00 0b 0e",
		"10 04 01 1b 40 1d 56 00",
	} {
		f.Add(h(f, s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, r := range []recognition{recognise(b), recogniseJSON0(b), recogniseSTX(b), recogniseESCPOS(b), recogniseESCPOSStatus(b)} {
			if r.explained > len(b) || r.explained < 0 {
				t.Fatalf("%v explains %d of %d bytes", r.framing, r.explained, len(b))
			}
			if len(r.first) > maxFrameKeep {
				t.Fatalf("kept %d frames", len(r.first))
			}
		}
	})
}

// The escpos package's encoding of the reference receipt, on every profile, reads as ESC/POS:
// the recogniser (written from the notes) explains what an independent encoder sends.
func TestRecogniseEscposEncoderOutput(t *testing.T) {
	doc, err := demoReceipt()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range escpos.Profiles() {
		prof, err := escpos.LoadProfile(name)
		if err != nil {
			t.Fatal(err)
		}
		b, _, err := escpos.NewEncoder(prof).Encode(doc)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		r := recognise(b)
		if r.framing != framingESCPOS {
			e := recogniseESCPOS(b)
			t.Errorf("%s: %v; ESC/POS explains %d of %d bytes, %d unknown commands", name, r.framing, e.explained, len(b), e.bad)
		}
	}
}
