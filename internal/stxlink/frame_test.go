package stxlink

import (
	"bufio"
	"bytes"
	"errors"
	"testing"
	"testing/iotest"
)

// conFrame is the full frame example of bposlight.md §1.2, byte for byte:
// 02 00 12 "REQ=CON;INVOICE=3;" 66.
var conFrame = []byte{0x02, 0x00, 0x12,
	'R', 'E', 'Q', '=', 'C', 'O', 'N', ';', 'I', 'N', 'V', 'O', 'I', 'C', 'E', '=', '3', ';',
	0x66}

// liteFrame is the same data as LITE sends it (bposlight.md §2): LL = 0x12+3 = 0x15, three
// zero bytes, then the LRC (unchanged by the zeros).
var liteFrame = []byte{0x02, 0x00, 0x15,
	'R', 'E', 'Q', '=', 'C', 'O', 'N', ';', 'I', 'N', 'V', 'O', 'I', 'C', 'E', '=', '3', ';',
	0x00, 0x00, 0x00, 0x66}

func TestAppendFrameGolden(t *testing.T) {
	got, err := AppendFrame(nil, []byte("REQ=CON;INVOICE=3;"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, conFrame) {
		t.Fatalf("AppendFrame = % x\nwant          % x", got, conFrame)
	}
}

func TestLRCExamples(t *testing.T) {
	// bposlight.md §1.2 "Example LRCs over data only".
	for _, c := range []struct {
		data string
		lrc  byte
	}{
		{"REQ=CON;INVOICE=3;", 0x66},
		{"REQ=SET;MID=BANK;", 0x42},
		{"REQ=ACQ;", 0x13},
		{"RESP=CON;RC=0000;", 0x47},
	} {
		if got := LRC([]byte(c.data)); got != c.lrc {
			t.Errorf("LRC(%q) = %02x, want %02x", c.data, got, c.lrc)
		}
	}
}

func TestLengthAndDataMode(t *testing.T) {
	// LRC over LL and data: 0x66 ^ 0x00 ^ 0x12 = 0x74.
	f := Format{LRC: LRCLengthAndData}
	got, err := f.AppendFrame(nil, []byte("REQ=CON;INVOICE=3;"))
	if err != nil {
		t.Fatal(err)
	}
	if got[len(got)-1] != 0x74 {
		t.Fatalf("LRC = %02x, want 74", got[len(got)-1])
	}
	if _, err := f.ParseFrame(conFrame); !errors.Is(err, ErrBadLRC) {
		t.Fatalf("strict length+data accepted a data-only LRC: %v", err)
	}
	either := Format{LRC: LRCEither}
	for _, fr := range [][]byte{conFrame, got} {
		if _, err := either.ParseFrame(fr); err != nil {
			t.Errorf("LRCEither rejected % x: %v", fr, err)
		}
	}
}

func TestParseFrame(t *testing.T) {
	data, err := ParseFrame(conFrame)
	if err != nil || string(data) != "REQ=CON;INVOICE=3;" {
		t.Fatalf("ParseFrame = %q, %v", data, err)
	}
	bad := bytes.Clone(conFrame)
	bad[len(bad)-1] ^= 0xFF
	cases := []struct {
		name string
		in   []byte
		want error
		off  int
	}{
		{"bad lrc", bad, ErrBadLRC, len(bad) - 1},
		{"no stx", append([]byte{0x03}, conFrame[1:]...), ErrNoSTX, 0},
		{"short", conFrame[:10], ErrShortFrame, 10},
		{"trailing", append(bytes.Clone(conFrame), 0x06), ErrTrailingBytes, len(conFrame)},
		{"empty", []byte{0x02, 0x00, 0x00, 0x00}, ErrEmptyFrame, 1},
		{"too long", []byte{0x02, 0xFF, 0xFF, 0x00}, ErrFrameTooLong, 1},
	}
	for _, c := range cases {
		_, err := ParseFrame(c.in)
		if !errors.Is(err, c.want) {
			t.Errorf("%s: err = %v, want %v", c.name, err, c.want)
			continue
		}
		var pe *ProtocolError
		if !errors.As(err, &pe) || pe.Op != "parse" {
			t.Errorf("%s: not a parse *ProtocolError: %#v", c.name, err)
			continue
		}
		if c.off >= 0 && pe.Offset != c.off {
			t.Errorf("%s: offset %d, want %d", c.name, pe.Offset, c.off)
		}
	}
}

func TestTolerantLITE(t *testing.T) {
	// Strictly the LITE frame is valid but its data carries the three NULs; tolerant
	// reading drops them.
	strict, err := ParseFrame(liteFrame)
	if err != nil || string(strict) != "REQ=CON;INVOICE=3;\x00\x00\x00" {
		t.Fatalf("strict ParseFrame = %q, %v", strict, err)
	}
	tol := Format{Tolerant: true}
	data, err := tol.ParseFrame(liteFrame)
	if err != nil || string(data) != "REQ=CON;INVOICE=3;" {
		t.Fatalf("tolerant ParseFrame = %q, %v", data, err)
	}
	if _, err := tol.ParseFrame([]byte{0x02, 0x00, 0x02, 0x00, 0x00, 0x00}); !errors.Is(err, ErrEmptyFrame) {
		t.Fatalf("all-NUL data: %v", err)
	}
}

func TestSplitFragmented(t *testing.T) {
	stream := []byte{ACK}
	stream = append(stream, conFrame...)
	stream = append(stream, NAK, EOT, 0x00)
	stream = append(stream, conFrame...)
	sc := bufio.NewScanner(iotest.OneByteReader(bytes.NewReader(stream)))
	sc.Split(Format{}.Split)
	var toks [][]byte
	for sc.Scan() {
		toks = append(toks, bytes.Clone(sc.Bytes()))
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	want := [][]byte{{ACK}, conFrame, {NAK}, {EOT}, {0x00}, conFrame}
	if len(toks) != len(want) {
		t.Fatalf("%d tokens, want %d: % x", len(toks), len(want), toks)
	}
	for i := range want {
		if !bytes.Equal(toks[i], want[i]) {
			t.Errorf("token %d = % x, want % x", i, toks[i], want[i])
		}
	}
}

func TestSplitErrors(t *testing.T) {
	for _, c := range []struct {
		in   []byte
		want error
	}{
		{conFrame[:7], ErrShortFrame},
		{[]byte{0x02, 0x10, 0x01}, ErrFrameTooLong},
	} {
		sc := bufio.NewScanner(bytes.NewReader(c.in))
		sc.Split(Format{}.Split)
		for sc.Scan() {
		}
		if !errors.Is(sc.Err(), c.want) {
			t.Errorf("% x: %v, want %v", c.in, sc.Err(), c.want)
		}
	}
}

func TestAppendFrameLimits(t *testing.T) {
	if _, err := AppendFrame(nil, nil); !errors.Is(err, ErrEmptyFrame) {
		t.Errorf("empty: %v", err)
	}
	if _, err := (Format{MaxData: 4}).AppendFrame(nil, []byte("12345")); !errors.Is(err, ErrTooLarge) {
		t.Errorf("too large: %v", err)
	}
	if _, err := (Format{MaxData: 1 << 20}).AppendFrame(nil, make([]byte, 0x10000)); !errors.Is(err, ErrTooLarge) {
		t.Errorf("over 65535: %v", err)
	}
}
