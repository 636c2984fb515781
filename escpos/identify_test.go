package escpos

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"testing"
	"time"
)

// Replies below are written by hand from the bit tables of escpos.md §1.8: every DLE EOT
// reply has the fixed bits 0xx1xx10 (0x12 = nothing set); n=1 bit 2 = drawer pin 3 HIGH;
// n=2 bit 5 = printing stopped by paper end; n=4 bits 5+6 = paper end (0x60). An ASB first
// byte is 0xx1xx00 (0x10), ASB bytes 2-4 are 0xx0xxxx, XON = 0x11.

func TestIdentifyStatusBytes(t *testing.T) {
	replies := map[byte][]byte{
		1: {0x10, 0x00, 0x00, 0x00, 0x11, 0x16}, // an ASB frame and XON, then pin 3 HIGH
		2: {0x32},                               // stopped by paper end
		3: {0x12},                               // no error
		4: {0x72},                               // paper end
	}
	c, _ := newFake(t, func(n byte) []byte { return replies[n] })
	desc, err := Identify(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	if want := "ESC/POS printer (online, stopped by paper end, paper end, drawer pin 3 high)"; desc != want {
		t.Errorf("Identify = %q, want %q", desc, want)
	}
}

// TestIdentifyHTTPServer: an HTTP server on 127.0.0.1 answers the DLE EOT bytes with an
// error page. Its 'R' (0x52) has the DLE EOT fixed bits, which fooled the lenient reader;
// Identify must refuse at the first byte, 'H'.
func TestIdentifyHTTPServer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		sc, err := ln.Accept()
		if err != nil {
			return
		}
		defer sc.Close()
		req := make([]byte, 3) // the first DLE EOT
		if _, err := io.ReadFull(sc, req); err != nil {
			return
		}
		_, _ = sc.Write([]byte("HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n400 Bad Request"))
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	desc, err := Identify(context.Background(), c)
	if !errors.Is(err, ErrNotPrinter) {
		t.Fatalf("Identify = %q, %v; want ErrNotPrinter", desc, err)
	}
	var pe *ProtocolError
	if !errors.As(err, &pe) || pe.Byte != 'H' || pe.Op != "dle eot 1" {
		t.Fatalf("err = %v, want *ProtocolError at 'H' of dle eot 1", err)
	}
}

func TestIdentifyNotPrinter(t *testing.T) {
	for _, tc := range []struct {
		name  string
		reply map[byte][]byte
		bad   byte
	}{
		// Garbage with a status-shaped byte at its end: the lenient reader took the 0x12.
		{"garbage", map[byte][]byte{1: {0x00, 0xFF, 0x41, 0x9C, 0x12}}, 0x00},
		// A stream of 'R': each would pass as a reply, but five answer four requests.
		{"surplus replies", map[byte][]byte{1: []byte("RRRRR")}, 'R'},
		// Two ASB frames before the reply: more than one frame plus XON/XOFF.
		{"beyond allowance", map[byte][]byte{1: {0x10, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x12}}, 0x00},
		// ASB bytes 2-4 without the first byte are not an ASB frame.
		{"asb tail only", map[byte][]byte{1: {0x01, 0x12}}, 0x01},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := newFake(t, func(n byte) []byte { return tc.reply[n] })
			desc, err := Identify(context.Background(), c)
			if !errors.Is(err, ErrNotPrinter) {
				t.Fatalf("Identify = %q, %v; want ErrNotPrinter", desc, err)
			}
			var pe *ProtocolError
			if !errors.As(err, &pe) || pe.Byte != tc.bad {
				t.Fatalf("err = %v, want *ProtocolError at 0x%02X", err, tc.bad)
			}
		})
	}
}

// TestIdentifyRandomGarbage: a peer that streams pseudo-random bytes (a fixed xorshift
// sequence, so the test is repeatable) is not a printer.
func TestIdentifyRandomGarbage(t *testing.T) {
	x := uint32(0x9E3779B9)
	garbage := make([]byte, 4096)
	for i := range garbage {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		garbage[i] = byte(x >> 24)
	}
	c, _ := newFake(t, func(n byte) []byte {
		if n == 1 {
			return garbage
		}
		return nil
	})
	if desc, err := Identify(context.Background(), c); !errors.Is(err, ErrNotPrinter) {
		t.Fatalf("Identify = %q, %v; want ErrNotPrinter", desc, err)
	}
}

// streamConn is a peer that has sent fixed bytes and then closed: Read drains them and
// returns io.EOF; writes are discarded; deadlines are accepted.
type streamConn struct{ r *bytes.Reader }

func (s streamConn) Read(b []byte) (int, error)     { return s.r.Read(b) }
func (streamConn) Write(b []byte) (int, error)      { return len(b), nil }
func (streamConn) Close() error                     { return nil }
func (streamConn) SetDeadline(time.Time) error      { return nil }
func (streamConn) SetReadDeadline(time.Time) error  { return nil }
func (streamConn) SetWriteDeadline(time.Time) error { return nil }

// FuzzIdentify: whatever the peer sends, Identify does not panic, and it says "printer" only
// when the bytes have a printer's shape: exactly four DLE EOT replies (ASB and XON/XOFF
// bytes can never have the reply pattern) and at most the allowance of other bytes around
// each. Otherwise the error is ErrNotPrinter or the end of the stream.
func FuzzIdentify(f *testing.F) {
	f.Add([]byte{0x12, 0x12, 0x12, 0x12})
	f.Add([]byte{0x10, 0x00, 0x00, 0x00, 0x11, 0x16, 0x32, 0x12, 0x72})
	f.Add([]byte("HTTP/1.1 400 Bad Request\r\n\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		desc, err := Identify(context.Background(), streamConn{bytes.NewReader(data)})
		if err != nil {
			if !errors.Is(err, ErrNotPrinter) && !errors.Is(err, io.EOF) {
				t.Fatalf("err = %v", err)
			}
			return
		}
		replies := 0
		for _, b := range data {
			if IsStatusReply(b) {
				replies++
			}
		}
		if replies != 4 || len(data)-4 > 5*identifyAllowance {
			t.Fatalf("Identify = %q for % X", desc, data)
		}
	})
}
