package bposlight

import (
	"errors"
	"strings"
	"testing"
)

// xor is the LRC of bposlight.md §1.2 (XOR of the data bytes), written here independently
// of the package under test.
func xor(b []byte) byte {
	var x byte
	for _, c := range b {
		x ^= c
	}
	return x
}

// paddedData is "RESP=CON;RC=0000;" (17 = 0x11 bytes). Its LRC is 0x47 (bposlight.md §1.2);
// NUL bytes do not change an XOR, so a padded frame carries the same LRC.
const paddedData = "RESP=CON;RC=0000;"

func TestPaddedFrameStrict(t *testing.T) {
	if x := xor([]byte(paddedData)); x != 0x47 {
		t.Fatalf("LRC of %q = %02X, the note says 47", paddedData, x)
	}
	// The frame of bposlight.md §2: LL = 17+3 = 0x14, the data, 00 00 00, LRC.
	frame := []byte{0x02, 0x00, 0x14}
	frame = append(frame, paddedData...)
	frame = append(frame, 0x00, 0x00, 0x00, 0x47)

	_, err := ParseFrame(frame, false)
	if !errors.Is(err, ErrNULPadding) || !errors.Is(err, ErrSyntax) {
		t.Fatalf("strict: %v; want ErrNULPadding and ErrSyntax", err)
	}
	if strings.Contains(err.Error(), "no '='") || !strings.Contains(err.Error(), "3 NUL bytes") {
		t.Errorf("strict: message %q", err)
	}
	var pe *ProtocolError
	if !errors.As(err, &pe) || pe.Offset != 17 {
		t.Errorf("strict: %#v; want offset 17 (first NUL of the data)", pe)
	}
	// The tolerant reader accepts the same frame.
	if m, err := ParseFrame(frame, true); err != nil || m.String() != paddedData {
		t.Errorf("tolerant: %q %v", m.String(), err)
	}
	// The client's path: the link hands the counted data to DecodeResponse.
	if _, err := DecodeResponse(frame[3 : len(frame)-1]); !errors.Is(err, ErrNULPadding) {
		t.Errorf("DecodeResponse: %v", err)
	}
}

// LL = 17 (data only) and the NULs between the data and the LRC: strictly read, the LRC
// byte is the first 00. The error says there is padding.
func TestNULsBeforeLRC(t *testing.T) {
	frame := []byte{0x02, 0x00, 0x11}
	frame = append(frame, paddedData...)
	frame = append(frame, 0x00, 0x00, 0x47)
	_, err := ParseFrame(frame, false)
	if !errors.Is(err, ErrNULPadding) || !errors.Is(err, ErrBadLRC) {
		t.Fatalf("%v; want ErrNULPadding and ErrBadLRC", err)
	}
	var pe *ProtocolError
	if !errors.As(err, &pe) || pe.Offset != 3+17 {
		t.Errorf("%#v; want offset 20", pe)
	}
	// A wrong LRC after the NULs is just a bad LRC.
	frame[len(frame)-1] = 0x48
	if _, err := ParseFrame(frame, false); errors.Is(err, ErrNULPadding) || !errors.Is(err, ErrBadLRC) {
		t.Errorf("wrong LRC: %v", err)
	}
}

// Only a NUL run that ends the data is padding: a NUL inside the message is a syntax error.
func TestNULInsideMessage(t *testing.T) {
	for _, data := range []string{"RESP=CON;\x00RC=0000;", "\x00RESP=CON;RC=0000;", "RESP=CON;RC=00\x0000;"} {
		_, err := ParseMessage([]byte(data))
		if err == nil || errors.Is(err, ErrNULPadding) {
			t.Errorf("%q: %v", data, err)
		}
	}
	if _, err := ParseMessage([]byte("RESP=CON;RC=0000\x00")); !errors.Is(err, ErrNULPadding) {
		t.Errorf("missing final ';' then NUL: %v", err)
	}
}
