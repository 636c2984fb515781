package transport

import (
	"context"
	"errors"
	"io"
	"os"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.bug.st/serial"
)

// fakePort is a go.bug.st/serial Port whose behaviour the test scripts: reads return
// (0, nil) after the read timeout when nothing is queued, as the library does, and
// writes accept at most writeMax bytes per call.
type fakePort struct {
	mu       sync.Mutex
	timeout  time.Duration
	in       chan []byte
	written  []byte
	limited  bool // writes stop after writeMax bytes in all
	writeMax int
	closed   chan struct{}
}

func newFakePort() *fakePort {
	return &fakePort{timeout: serial.NoTimeout, in: make(chan []byte, 8), closed: make(chan struct{})}
}

func (f *fakePort) SetMode(*serial.Mode) error { return nil }
func (f *fakePort) Read(p []byte) (int, error) {
	f.mu.Lock()
	d := f.timeout
	f.mu.Unlock()
	var tc <-chan time.Time
	if d != serial.NoTimeout {
		t := time.NewTimer(d)
		defer t.Stop()
		tc = t.C
	}
	select {
	case b := <-f.in:
		return copy(p, b), nil
	case <-tc:
		return 0, nil
	case <-f.closed:
		return 0, &serial.PortError{}
	}
}
func (f *fakePort) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := len(p)
	if f.limited {
		n = min(n, f.writeMax)
		f.writeMax -= n
	}
	f.written = append(f.written, p[:n]...)
	return n, nil
}
func (f *fakePort) Drain() error             { return nil }
func (f *fakePort) ResetInputBuffer() error  { return nil }
func (f *fakePort) ResetOutputBuffer() error { return nil }
func (f *fakePort) SetDTR(bool) error        { return nil }
func (f *fakePort) SetRTS(bool) error        { return nil }
func (f *fakePort) GetModemStatusBits() (*serial.ModemStatusBits, error) {
	return &serial.ModemStatusBits{CTS: true, DCD: true}, nil
}
func (f *fakePort) SetReadTimeout(t time.Duration) error {
	f.mu.Lock()
	f.timeout = t
	f.mu.Unlock()
	return nil
}
func (f *fakePort) Close() error { close(f.closed); return nil }
func (f *fakePort) Break(time.Duration) error {
	return nil
}

func TestSerialTimeoutIsAnError(t *testing.T) {
	f := newFakePort()
	c := newSerialConn(f, "fake", 9600)
	c.SetReadDeadline(time.Now().Add(5 * time.Millisecond))
	// io.ReadFull over the raw library would spin on (0, nil) forever.
	_, err := io.ReadFull(c, make([]byte, 4))
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("ReadFull = %v; want a deadline error", err)
	}
}

func TestSerialShortWriteIsAnError(t *testing.T) {
	f := newFakePort()
	f.limited, f.writeMax = true, 3 // then (0, nil): the library's short write when the peer goes away
	c := newSerialConn(f, "fake", 9600)
	n, err := c.Write([]byte("abcdef"))
	if err == nil || n != 3 || !errors.Is(err, io.ErrShortWrite) || !errors.Is(err, ErrPortDead) {
		t.Fatalf("write = %d, %v; want 3 and a short-write error", n, err)
	}
	if _, err := c.Write([]byte("x")); !errors.Is(err, ErrPortDead) {
		t.Fatalf("write after a half-sent command = %v; want ErrPortDead", err)
	}
}

func TestSerialPartialWritesAreCompleted(t *testing.T) {
	f := &fakeChunkWriter{max: 2}
	n, err := writeAll(f, []byte("abcde"))
	if n != 5 || err != nil || string(f.got) != "abcde" {
		t.Fatalf("writeAll = %d, %v, %q", n, err, f.got)
	}
}

type fakeChunkWriter struct {
	max int
	got []byte
}

func (w *fakeChunkWriter) Write(p []byte) (int, error) {
	n := min(len(p), w.max)
	w.got = append(w.got, p[:n]...)
	return n, nil
}

func TestSerialModemLines(t *testing.T) {
	c := newSerialConn(newFakePort(), "fake", 9600)
	var mc ModemControl = c
	s, err := mc.ModemStatus()
	if err != nil || !s.CTS || !s.DCD || s.DSR || s.RI {
		t.Fatalf("ModemStatus = %+v, %v", s, err)
	}
	if got := c.String(); got != "serial:fake@9600" {
		t.Errorf("String() = %q", got)
	}
}

func TestSerialOpenErrors(t *testing.T) {
	defer func(old func(string, *serial.Mode) (serial.Port, error)) { serialOpen = old }(serialOpen)
	cases := []struct {
		err  error
		want error
	}{
		{syscall.ENOENT, ErrNotFound},
		{&os.PathError{Op: "open", Path: "/dev/x", Err: syscall.EACCES}, ErrPermission},
		{syscall.EBUSY, ErrBusy},
	}
	for _, tc := range cases {
		serialOpen = func(string, *serial.Mode) (serial.Port, error) { return nil, tc.err }
		_, err := Open(context.Background(), "serial:///dev/ttyUSB0")
		if !errors.Is(err, tc.want) {
			t.Errorf("open failing with %v = %v; want %v", tc.err, err, tc.want)
		}
	}
	var got *serial.Mode
	serialOpen = func(_ string, m *serial.Mode) (serial.Port, error) { got = m; return newFakePort(), nil }
	c, err := Open(context.Background(), "serial:///dev/ttyUSB0?baud=115200&parity=E&data=7&stop=2")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	want := serial.Mode{BaudRate: 115200, DataBits: 7, Parity: serial.EvenParity, StopBits: serial.TwoStopBits}
	if *got != want || got.InitialStatusBits != nil {
		t.Fatalf("mode = %+v; want %+v", *got, want)
	}
	c2, err := Open(context.Background(), "serial:///dev/ttyUSB0")
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	if want := (serial.Mode{BaudRate: 9600}); *got != want {
		t.Fatalf("default mode = %+v; want %+v", *got, want)
	}
}
