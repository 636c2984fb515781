package stxlink

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"testing"
	"time"

	"github.com/uapos/uapos/transport"
	"github.com/uapos/uapos/transport/transporttest"
)

// setCon is "REQ=SET;MID=BANK;" framed by hand: LL 00 11, LRC 42 (bposlight.md §1.2, §3).
var setFrame = append(append([]byte{0x02, 0x00, 0x11}, "REQ=SET;MID=BANK;"...), 0x42)

// respCon is "RESP=CON;RC=0000;" framed by hand: LL 00 11, LRC 47 (bposlight.md §1.2).
var respCon = append(append([]byte{0x02, 0x00, 0x11}, "RESP=CON;RC=0000;"...), 0x47)

func readN(t *testing.T, c transport.Conn, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.ReadFull(c, b); err != nil {
		t.Errorf("peer read: %v", err)
	}
	return b
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestSendNAKThenACK(t *testing.T) {
	a, b := transporttest.Pipe()
	defer a.Close()
	defer b.Close()
	done := make(chan [][]byte)
	go func() {
		var got [][]byte
		got = append(got, readN(t, b, len(setFrame)))
		b.Write([]byte{NAK})
		got = append(got, readN(t, b, len(setFrame)))
		b.Write([]byte{ACK})
		done <- got
	}()
	l := NewLink(a, Config{})
	if err := l.Send(testCtx(t), []byte("REQ=SET;MID=BANK;")); err != nil {
		t.Fatal(err)
	}
	for i, f := range <-done {
		if !bytes.Equal(f, setFrame) {
			t.Errorf("send %d = % x, want % x", i+1, f, setFrame)
		}
	}
}

func TestSendThreeNAKsThenEOT(t *testing.T) {
	a, b := transporttest.Pipe()
	defer a.Close()
	defer b.Close()
	done := make(chan []byte)
	go func() {
		for range DefaultMaxNAK {
			readN(t, b, len(setFrame))
			b.Write([]byte{NAK})
		}
		done <- readN(t, b, 1)
	}()
	err := NewLink(a, Config{}).Send(testCtx(t), []byte("REQ=SET;MID=BANK;"))
	var pe *ProtocolError
	if !errors.Is(err, ErrNAKLimit) || !errors.As(err, &pe) || pe.Op != "send" {
		t.Fatalf("err = %v, want *ProtocolError wrapping ErrNAKLimit", err)
	}
	if got := <-done; got[0] != EOT {
		t.Fatalf("after 3 NAKs the sender wrote %02x, want EOT", got[0])
	}
}

func TestSendNoACK(t *testing.T) {
	a, b := transporttest.Pipe()
	defer a.Close()
	defer b.Close()
	got := make(chan []byte)
	go func() { got <- readN(t, b, len(setFrame)+1) }()
	err := NewLink(a, Config{ACKTimeout: time.Millisecond}).Send(testCtx(t), []byte("REQ=SET;MID=BANK;"))
	if !errors.Is(err, ErrNoACK) || !errors.Is(err, os.ErrDeadlineExceeded) || errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want ErrNoACK and the link's deadline (not ctx's)", err)
	}
	if g := <-got; g[len(g)-1] != EOT {
		t.Fatalf("no EOT after the missing ACK: % x", g)
	}
}

func TestSendPeerEOT(t *testing.T) {
	a, b := transporttest.Pipe()
	defer a.Close()
	defer b.Close()
	go func() { readN(t, b, len(setFrame)); b.Write([]byte{EOT}) }()
	if err := NewLink(a, Config{}).Send(testCtx(t), []byte("REQ=SET;MID=BANK;")); !errors.Is(err, ErrEOT) {
		t.Fatalf("err = %v, want ErrEOT", err)
	}
}

func TestReceiveBadLRCThenGood(t *testing.T) {
	a, b := transporttest.Pipe()
	defer a.Close()
	defer b.Close()
	bad := bytes.Clone(respCon)
	bad[len(bad)-1] = 0x48
	answers := make(chan []byte)
	go func() {
		b.Write(bad)
		first := readN(t, b, 1)
		// fragmented resend
		b.Write(respCon[:5])
		b.Write(respCon[5:])
		answers <- append(first, readN(t, b, 1)...)
	}()
	data, err := NewLink(a, Config{}).Receive(testCtx(t))
	if err != nil || string(data) != "RESP=CON;RC=0000;" {
		t.Fatalf("Receive = %q, %v", data, err)
	}
	if got := <-answers; !bytes.Equal(got, []byte{NAK, ACK}) {
		t.Fatalf("receiver answered % x, want 15 06", got)
	}
}

func TestReceiveThreeBadLRC(t *testing.T) {
	a, b := transporttest.Pipe()
	defer a.Close()
	defer b.Close()
	bad := bytes.Clone(respCon)
	bad[len(bad)-1] = 0x00
	answers := make(chan []byte)
	go func() {
		var got []byte
		for range DefaultMaxNAK {
			b.Write(bad)
			got = append(got, readN(t, b, 1)...)
		}
		b.Write([]byte{EOT})
		answers <- got
	}()
	l := NewLink(a, Config{})
	_, err := l.Receive(testCtx(t))
	if !errors.Is(err, ErrNAKLimit) || !errors.Is(err, ErrBadLRC) {
		t.Fatalf("err = %v, want ErrNAKLimit+ErrBadLRC", err)
	}
	if got := <-answers; !bytes.Equal(got, []byte{NAK, NAK, NAK}) {
		t.Fatalf("answers % x", got)
	}
	if n := l.Discard(); n != 0 {
		t.Fatalf("the peer's EOT was not consumed: %d bytes left", n)
	}
}

func TestReceiveEOTAndStray(t *testing.T) {
	a, b := transporttest.Pipe()
	defer a.Close()
	defer b.Close()
	b.Write([]byte{ACK, 0x00, EOT})
	if _, err := NewLink(a, Config{}).Receive(testCtx(t)); !errors.Is(err, ErrEOT) {
		t.Fatalf("err = %v, want ErrEOT", err)
	}
}

func TestReceiveCancel(t *testing.T) {
	a, b := transporttest.Pipe()
	defer a.Close()
	defer b.Close()
	ctx, cancel := context.WithCancel(context.Background())
	l := NewLink(a, Config{})
	errc := make(chan error)
	go func() { _, err := l.Receive(ctx); errc <- err }()
	b.Write(respCon[:6]) // half a frame, then cancel
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	// the half frame stays buffered; the rest completes it
	b.Write(respCon[6:])
	data, err := l.Receive(testCtx(t))
	if err != nil || string(data) != "RESP=CON;RC=0000;" {
		t.Fatalf("resume: %q, %v", data, err)
	}
}

func TestReceiveTooLong(t *testing.T) {
	a, b := transporttest.Pipe()
	defer a.Close()
	defer b.Close()
	b.Write([]byte{0x02, 0x7F, 0xFF})
	_, err := NewLink(a, Config{}).Receive(testCtx(t))
	if !errors.Is(err, ErrFrameTooLong) {
		t.Fatalf("err = %v", err)
	}
}
