package transport

import (
	"context"
	"errors"
	"net"
	"os"
	"sync"
	"testing"
	"time"
)

// fakeBulk stands in for gousb endpoints: reads return queued transfers, or wait for the
// context as a pending libusb transfer does; writes accept at most max bytes (max < 0: all)
// or, when stall is set, wait for the context.
type fakeBulk struct {
	in    chan []byte
	mu    sync.Mutex
	got   []byte
	max   int
	stall bool
}

var errFakeCancelled = errors.New("fake: transfer cancelled")

func (f *fakeBulk) ReadContext(ctx context.Context, buf []byte) (int, error) {
	select {
	case b := <-f.in:
		return copy(buf, b), nil
	case <-ctx.Done():
		return 0, errFakeCancelled
	}
}

func (f *fakeBulk) WriteContext(ctx context.Context, buf []byte) (int, error) {
	if f.stall {
		<-ctx.Done()
		return 0, errFakeCancelled
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	n := len(buf)
	if f.max >= 0 && n > f.max {
		n = f.max
	}
	f.got = append(f.got, buf[:n]...)
	return n, nil
}

func newFakeUSB(bidirectional bool) (*usbConn, *fakeBulk) {
	f := &fakeBulk{in: make(chan []byte, 4), max: -1}
	c := &usbConn{name: "usb:04B8:0E28", out: f, closed: make(chan struct{})}
	if bidirectional {
		c.in = f
		c.rbuf = make([]byte, readBufferSize(64))
	}
	return c, f
}

func TestUSBConnReadKeepsTheRestOfATransfer(t *testing.T) {
	c, f := newFakeUSB(true)
	f.in <- []byte{1, 2, 3, 4, 5}
	var got []byte
	b := make([]byte, 2)
	for len(got) < 5 {
		n, err := c.Read(b)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, b[:n]...)
	}
	if string(got) != "\x01\x02\x03\x04\x05" {
		t.Fatalf("got % x", got)
	}
}

func TestUSBConnReadDeadlineAndClose(t *testing.T) {
	c, _ := newFakeUSB(true)
	c.SetReadDeadline(time.Now().Add(10 * time.Millisecond))
	if _, err := c.Read(make([]byte, 1)); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("read = %v; want deadline error", err)
	}
	c.SetReadDeadline(time.Time{})
	errc := make(chan error, 1)
	go func() {
		_, err := c.Read(make([]byte, 1))
		errc <- err
	}()
	c.SetReadDeadline(time.Unix(1, 0)) // moved while the transfer waits
	if err := <-errc; !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("read = %v; want deadline error", err)
	}
	c.SetReadDeadline(time.Time{})
	go func() {
		_, err := c.Read(make([]byte, 1))
		errc <- err
	}()
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-errc; !errors.Is(err, net.ErrClosed) {
		t.Fatalf("read after close = %v; want net.ErrClosed", err)
	}
}

func TestUSBConnWriteStallMarksDead(t *testing.T) {
	c, f := newFakeUSB(true)
	f.stall = true
	c.SetWriteDeadline(time.Now().Add(10 * time.Millisecond))
	if _, err := c.Write([]byte{0x1b, 0x40}); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("write = %v; want deadline error", err)
	}
	if _, err := c.Write([]byte{0x1b, 0x40}); !errors.Is(err, ErrPortDead) {
		t.Fatalf("next write = %v; want ErrPortDead", err)
	}
}

func TestUSBConnShortWriteAndWriteOnly(t *testing.T) {
	c, f := newFakeUSB(false)
	f.max = 1
	if n, err := c.Write([]byte{0x1b, 0x40}); n != 1 || !errors.Is(err, ErrPortDead) {
		t.Fatalf("short write = %d, %v; want 1, ErrPortDead", n, err)
	}
	c, _ = newFakeUSB(false)
	if _, err := c.Read(make([]byte, 1)); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("read of a write-only printer = %v; want ErrUnsupported", err)
	}
	if s := c.String(); s != "usb:04B8:0E28" {
		t.Errorf("String() = %q", s)
	}
}

func TestReadBufferSize(t *testing.T) {
	for _, tc := range []struct{ packet, want int }{{64, 4096}, {512, 4096}, {0, 4096}, {1000, 5000}} {
		if got := readBufferSize(tc.packet); got != tc.want {
			t.Errorf("readBufferSize(%d) = %d; want %d", tc.packet, got, tc.want)
		}
	}
}
