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
	// With gate set, each Write reports on entered and then blocks until gate is closed:
	// a write system call that is slow to return.
	gate, entered chan struct{}
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
	if f.gate != nil {
		f.entered <- struct{}{}
		<-f.gate
	}
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

// slowWrite starts a Write of p on a gated fake port, lets its deadline pass while the
// system call is blocked, and returns the Write's error.
func slowWrite(t *testing.T, c *serialConn, f *fakePort, p []byte) error {
	t.Helper()
	errc := make(chan error, 1)
	go func() {
		_, err := c.Write(p)
		errc <- err
	}()
	<-f.entered
	c.SetWriteDeadline(time.Unix(1, 0))
	err := <-errc
	if !errors.Is(err, os.ErrDeadlineExceeded) || !errors.Is(err, ErrPortDead) {
		t.Fatalf("timed-out write = %v; want a deadline error naming ErrPortDead", err)
	}
	c.SetWriteDeadline(time.Time{})
	return err
}

// A deadline that passes while a finished write's result is on its way back must not kill
// the port: all the data went out (seen as a flaky bposlight TestAbortByEOT over a pty,
// where the cancel of the card wait raced the end of the request's write).
func TestSerialLateWriteResultKeepsPortAlive(t *testing.T) {
	f := newFakePort()
	f.gate, f.entered = make(chan struct{}), make(chan struct{}, 2)
	c := newSerialConn(f, "fake", 9600)
	posted := make(chan struct{}, 2)
	c.afterWrite = func() { posted <- struct{}{} }
	slowWrite(t, c, f, []byte("abc"))
	close(f.gate) // the system call returns with all three bytes written
	<-posted
	if n, err := c.Write([]byte("d")); n != 1 || err != nil {
		t.Fatalf("write after a late but complete write = %d, %v; want 1, nil", n, err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if string(f.written) != "abcd" {
		t.Fatalf("written %q, want \"abcd\"", f.written)
	}
}

// A write still blocked at the next call kills the port for good, even if it ends later.
func TestSerialBlockedWriteKillsPort(t *testing.T) {
	f := newFakePort()
	f.gate, f.entered = make(chan struct{}), make(chan struct{}, 2)
	c := newSerialConn(f, "fake", 9600)
	posted := make(chan struct{}, 2)
	c.afterWrite = func() { posted <- struct{}{} }
	slowWrite(t, c, f, []byte("abc"))
	if _, err := c.Write([]byte("d")); !errors.Is(err, ErrPortDead) {
		t.Fatalf("write while the timed-out one is blocked = %v; want ErrPortDead", err)
	}
	close(f.gate)
	<-posted
	if _, err := c.Write([]byte("e")); !errors.Is(err, ErrPortDead) {
		t.Fatalf("write after the blocked one ended = %v; want ErrPortDead", err)
	}
	if _, err := c.Read(make([]byte, 1)); !errors.Is(err, ErrPortDead) {
		t.Fatalf("read = %v; want ErrPortDead", err)
	}
}

// The next Write with a deadline waits, within it, for the timed-out system call: a client
// that aborts at once (EOT after a cancelled request) must not find the port dead only
// because the earlier write's result had not come back yet.
func TestSerialNextWriteWaitsForLateResult(t *testing.T) {
	f := newFakePort()
	f.gate, f.entered = make(chan struct{}), make(chan struct{}, 2)
	c := newSerialConn(f, "fake", 9600)
	slowWrite(t, c, f, []byte("abc"))
	c.SetWriteDeadline(time.Now().Add(time.Minute)) // a bound, not a timing assertion
	errc := make(chan error, 1)
	go func() {
		_, err := c.Write([]byte{0x04})
		errc <- err
	}()
	close(f.gate) // both the blocked write and the new one may now finish
	if err := <-errc; err != nil {
		t.Fatalf("write after a late but complete write = %v; want nil", err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if string(f.written) != "abc\x04" {
		t.Fatalf("written %q, want \"abc\\x04\"", f.written)
	}
}
