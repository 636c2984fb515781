package transporttest_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"reflect"
	"testing"
	"time"

	"github.com/uapos/uapos/transport/capture"
	"github.com/uapos/uapos/transport/transporttest"
)

func TestPlaybackFragments(t *testing.T) {
	p := &transporttest.Playback{
		Ops: []transporttest.IO{
			{W: []byte{0x10, 0x04, 0x01}, R: []byte{0x16}},
			{W: []byte("ping"), R: []byte("pong!")},
		},
		MaxRead: 2,
	}
	if _, err := p.Write([]byte{0x10, 0x04, 0x01}); err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 8)
	if n, err := p.Read(b); err != nil || n != 1 || b[0] != 0x16 {
		t.Fatalf("read = % x, %v", b[:n], err)
	}
	p.Write([]byte("pi"))
	p.Write([]byte("ng"))
	var sizes []int
	var got []byte
	for len(got) < 5 {
		n, err := p.Read(b)
		if err != nil {
			t.Fatal(err)
		}
		sizes = append(sizes, n)
		got = append(got, b[:n]...)
	}
	if string(got) != "pong!" || !reflect.DeepEqual(sizes, []int{2, 2, 1}) {
		t.Fatalf("got %q in pieces %v; want \"pong!\" in 2, 2, 1", got, sizes)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestPlaybackUnconsumedAndMismatch(t *testing.T) {
	p := &transporttest.Playback{Ops: []transporttest.IO{{W: []byte{1, 2}, R: []byte{3}}}}
	p.SetReadDeadline(time.Now().Add(10 * time.Millisecond))
	if _, err := p.Read(make([]byte, 1)); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("read before the request = %v", err)
	}
	if err := p.Close(); !errors.Is(err, capture.ErrUnconsumed) {
		t.Fatalf("close = %v; want ErrUnconsumed", err)
	}
	p = &transporttest.Playback{Ops: []transporttest.IO{{W: []byte{1, 2}}}}
	if _, err := p.Write([]byte{1, 3}); !errors.Is(err, capture.ErrMismatch) {
		t.Fatalf("write = %v; want ErrMismatch", err)
	}
}

func TestRecordTurns(t *testing.T) {
	host, dev := transporttest.Pipe()
	defer dev.Close()
	rec := &transporttest.Record{Conn: host}
	rec.Write([]byte{1})
	rec.Write([]byte{2})
	dev.Write([]byte{9, 8})
	buf := make([]byte, 2)
	if _, err := io.ReadFull(rec, buf); err != nil {
		t.Fatal(err)
	}
	rec.Write([]byte{3})
	rec.Close()
	want := []transporttest.IO{{W: []byte{1, 2}, R: []byte{9, 8}}, {W: []byte{3}}}
	if got := rec.Ops(); !reflect.DeepEqual(got, want) {
		t.Fatalf("Ops = %v; want %v", got, want)
	}
}

func TestPipe(t *testing.T) {
	a, b := transporttest.Pipe()
	if _, err := a.Write([]byte("abc")); err != nil {
		t.Fatal(err)
	}
	b.SetReadDeadline(time.Now().Add(time.Hour))
	if n, err := b.Read(nil); n != 0 || err != nil {
		t.Fatalf("zero-length read = %d, %v", n, err)
	}
	got := make([]byte, 3)
	if _, err := io.ReadFull(b, got); err != nil || !bytes.Equal(got, []byte("abc")) {
		t.Fatalf("read %q, %v", got, err)
	}
	b.SetReadDeadline(time.Now().Add(10 * time.Millisecond))
	if _, err := b.Read(got); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("read with nothing sent = %v", err)
	}
	b.SetReadDeadline(time.Time{})
	a.Write([]byte("z"))
	a.Close()
	if n, err := b.Read(got); n != 1 || err != nil {
		t.Fatalf("read after peer close = %d, %v; want the buffered byte", n, err)
	}
	if _, err := b.Read(got); err != io.EOF {
		t.Fatalf("read past peer close = %v; want EOF", err)
	}
	if _, err := b.Write([]byte("x")); err == nil {
		t.Fatal("write to a closed peer succeeded")
	}
}

func TestOpenPTY(t *testing.T) {
	master, slave, err := transporttest.OpenPTY()
	if err != nil {
		t.Skipf("no pty here: %v", err)
	}
	defer master.Close()
	s, err := os.OpenFile(slave, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// Raw mode: LF is not turned into CR LF and nothing is echoed back.
	if _, err := s.Write([]byte("a\nb")); err != nil {
		t.Fatal(err)
	}
	master.SetReadDeadline(time.Now().Add(5 * time.Second))
	got := make([]byte, 3)
	if _, err := io.ReadFull(master, got); err != nil || string(got) != "a\nb" {
		t.Fatalf("master got %q, %v", got, err)
	}
	master.Write([]byte("x\r"))
	s.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.ReadFull(s, got[:2]); err != nil || string(got[:2]) != "x\r" {
		t.Fatalf("slave got %q, %v", got[:2], err)
	}
	master.SetReadDeadline(time.Now().Add(10 * time.Millisecond))
	if n, err := master.Read(got); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("echo: master read %q, %v", got[:n], err)
	}
}
