package capture_test

import (
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/uapos/uapos/transport/capture"
	"github.com/uapos/uapos/transport/transporttest"
)

// The expected chunks are written by hand from testdata/status.capture.
func TestParseGolden(t *testing.T) {
	f, err := os.Open("testdata/status.capture")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := capture.Parse(f)
	if err != nil {
		t.Fatal(err)
	}
	want := []capture.Chunk{
		{At: 0, Dir: '>', Data: []byte{0x10, 0x04, 0x01}},
		{At: 12345 * time.Microsecond, Dir: '<', Data: []byte{0x16}},
		{At: 250 * time.Millisecond, Dir: '>', Data: []byte{0x1b, 0x40}},
		{At: 250100 * time.Microsecond, Dir: '>', Data: []byte{0x1d, 0x56, 0x00}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Parse =\n%v\nwant\n%v", got, want)
	}
}

func TestFormat(t *testing.T) {
	var b strings.Builder
	err := capture.Format(&b, []capture.Chunk{
		{At: 0, Dir: capture.HostToDevice, Data: []byte{0x10, 0x04, 0x01}},
		{At: 12345 * time.Microsecond, Dir: capture.DeviceToHost, Data: []byte{0x16}},
		{At: 61*time.Second + 5*time.Microsecond, Dir: capture.HostToDevice, Data: []byte{0xAB}},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "0.000000 > 10 04 01\n0.012345 < 16\n61.000005 > ab\n"
	if b.String() != want {
		t.Fatalf("Format =\n%q\nwant\n%q", b.String(), want)
	}
	for _, bad := range []capture.Chunk{
		{Dir: 'x', Data: []byte{1}},
		{Dir: '>', Data: nil},
		{At: -1, Dir: '<', Data: []byte{1}},
	} {
		if err := capture.Format(io.Discard, []capture.Chunk{bad}); err == nil {
			t.Errorf("Format(%v) accepted a bad chunk", bad)
		}
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct {
		in   string
		line int
		want error
	}{
		{"0.1 >\n", 1, capture.ErrSyntax},
		{"# ok\n0.1 = 01\n", 2, capture.ErrSyntax},
		{"0.1 > 1\n", 1, capture.ErrSyntax},
		{"0.1 > 0x01\n", 1, capture.ErrSyntax},
		{"0.1 > 0g\n", 1, capture.ErrSyntax},
		{"-1 > 01\n", 1, capture.ErrSyntax},
		{"1e3 > 01\n", 1, capture.ErrSyntax},
		{"NaN > 01\n", 1, capture.ErrSyntax},
		{"9999999999 > 01\n", 1, capture.ErrSyntax},
		{"0.1 > " + strings.Repeat("00 ", capture.MaxChunkBytes+1) + "\n", 1, capture.ErrTooLarge},
		{"0.1 > " + strings.Repeat("0", capture.MaxLineBytes) + "\n", 1, capture.ErrTooLarge},
	}
	for _, tc := range cases {
		_, err := capture.Parse(strings.NewReader(tc.in))
		var pe *capture.ParseError
		if !errors.Is(err, tc.want) || !errors.As(err, &pe) || pe.Line != tc.line {
			t.Errorf("Parse(%.40q) = %v; want %v on line %d", tc.in, err, tc.want, tc.line)
		}
	}
}

// hostScript is a client exchange: two requests, each answered by the device.
func hostScript(t *testing.T, c interface {
	io.ReadWriter
	SetReadDeadline(time.Time) error
}) []byte {
	t.Helper()
	var got []byte
	for _, req := range [][]byte{{0x10, 0x04, 0x01}, {0x10, 0x04, 0x04}} {
		if _, err := c.Write(req[:1]); err != nil { // in two pieces, as clients may
			t.Fatalf("write: %v", err)
		}
		if _, err := c.Write(req[1:]); err != nil {
			t.Fatalf("write: %v", err)
		}
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		buf := make([]byte, 2)
		if _, err := io.ReadFull(c, buf); err != nil {
			t.Fatalf("read: %v", err)
		}
		got = append(got, buf...)
	}
	return got
}

func TestRecordReplayRoundTrip(t *testing.T) {
	host, dev := transporttest.Pipe()
	// The device answers each 3-byte request with two bytes sent in two pieces.
	go func() {
		req := make([]byte, 3)
		for {
			if _, err := io.ReadFull(dev, req); err != nil {
				return
			}
			dev.Write([]byte{0x16})
			dev.Write([]byte{req[2]})
		}
	}()
	var file bytes.Buffer
	rec := capture.Record(host, &file)
	live := hostScript(t, rec)
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	dev.Close()
	if want := []byte{0x16, 0x01, 0x16, 0x04}; !bytes.Equal(live, want) {
		t.Fatalf("live exchange got % x, want % x", live, want)
	}
	if !strings.HasPrefix(file.String(), capture.Header+"\n") {
		t.Fatalf("capture lacks the header:\n%s", file.String())
	}

	chunks, err := capture.Parse(&file)
	if err != nil {
		t.Fatalf("parse recorded capture: %v\n%s", err, file.String())
	}
	var out, in []byte
	for i, c := range chunks {
		if i > 0 && c.At < chunks[i-1].At {
			t.Errorf("chunk %d goes back in time", i)
		}
		switch c.Dir {
		case capture.HostToDevice:
			out = append(out, c.Data...)
		case capture.DeviceToHost:
			in = append(in, c.Data...)
		}
	}
	if want := []byte{0x10, 0x04, 0x01, 0x10, 0x04, 0x04}; !bytes.Equal(out, want) {
		t.Errorf("recorded output % x, want % x", out, want)
	}
	if !bytes.Equal(in, live) {
		t.Errorf("recorded input % x, want % x", in, live)
	}

	r := capture.Replay(chunks)
	replayed := hostScript(t, r)
	if !bytes.Equal(replayed, live) {
		t.Fatalf("replay gave % x, live gave % x", replayed, live)
	}
	if n, err := r.Read(make([]byte, 1)); n != 0 || err != io.EOF {
		t.Errorf("read past the capture = %d, %v; want EOF", n, err)
	}
	if err := r.Close(); err != nil {
		t.Fatalf("close after a full replay: %v", err)
	}
}

func TestReplayMismatch(t *testing.T) {
	chunks := []capture.Chunk{
		{Dir: '>', Data: []byte{0x10, 0x04, 0x01}},
		{Dir: '<', Data: []byte{0x16}},
	}
	r := capture.Replay(chunks)
	n, err := r.Write([]byte{0x10, 0x04, 0x02})
	if n != 2 || !errors.Is(err, capture.ErrMismatch) {
		t.Fatalf("write = %d, %v; want 2, ErrMismatch", n, err)
	}
	if _, err := r.Read(make([]byte, 1)); !errors.Is(err, capture.ErrMismatch) {
		t.Fatalf("read after mismatch = %v", err)
	}
	if err := r.Close(); !errors.Is(err, capture.ErrMismatch) {
		t.Fatalf("close after mismatch = %v", err)
	}

	r = capture.Replay(chunks[:1])
	if _, err := r.Write([]byte{0x10, 0x04, 0x01, 0x00}); !errors.Is(err, capture.ErrMismatch) {
		t.Fatalf("write past the capture = %v; want ErrMismatch", err)
	}
}

func TestReplayReadWaitsForWrite(t *testing.T) {
	r := capture.Replay([]capture.Chunk{
		{Dir: '>', Data: []byte{0x01}},
		{Dir: '<', Data: []byte{0xaa, 0xbb}},
	})
	r.SetReadDeadline(time.Now().Add(10 * time.Millisecond))
	if _, err := r.Read(make([]byte, 4)); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("read before the request = %v; want deadline error", err)
	}
	if err := r.Close(); !errors.Is(err, capture.ErrUnconsumed) {
		t.Fatalf("close with chunks left = %v; want ErrUnconsumed", err)
	}
	if _, err := r.Write([]byte{1}); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("write after close = %v", err)
	}

	r = capture.Replay([]capture.Chunk{
		{Dir: '>', Data: []byte{0x01}},
		{Dir: '<', Data: []byte{0xaa, 0xbb}},
	})
	errc := make(chan error, 1)
	got := make([]byte, 1)
	go func() {
		_, err := r.Read(got) // blocks until the write below
		errc <- err
	}()
	r.Write([]byte{0x01})
	if err := <-errc; err != nil || got[0] != 0xaa {
		t.Fatalf("read = % x, %v", got, err)
	}
}

func FuzzParse(f *testing.F) {
	if b, err := os.ReadFile("testdata/status.capture"); err == nil {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		chunks, err := capture.Parse(bytes.NewReader(in))
		if err != nil {
			var pe *capture.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		var b bytes.Buffer
		if err := capture.Format(&b, chunks); err != nil {
			t.Fatalf("Format of parsed chunks: %v", err)
		}
		again, err := capture.Parse(&b)
		if err != nil {
			t.Fatalf("Parse of formatted chunks: %v\n%s", err, b.String())
		}
		if len(again) != len(chunks) {
			t.Fatalf("round trip: %d chunks, then %d", len(chunks), len(again))
		}
		for i := range chunks {
			if again[i].At != chunks[i].At || again[i].Dir != chunks[i].Dir || !bytes.Equal(again[i].Data, chunks[i].Data) {
				t.Fatalf("round trip changed chunk %d: %v -> %v", i, chunks[i], again[i])
			}
		}
	})
}
