package transport

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"go.bug.st/serial"
)

// readSlice bounds one blocking read of the underlying port, so that a deadline moved while
// a Read waits (for example by context cancellation) is seen within this time. go.bug.st/serial
// offers no way to interrupt a read other than closing the port.
const readSlice = 50 * time.Millisecond

// ModemStatus is the state of the modem input lines of a serial port.
type ModemStatus struct {
	CTS, DSR, RI, DCD bool
}

// ModemControl is implemented by links with RS-232 modem lines (serial ports). Ptys and many
// USB bridges do not support the lines and return an error.
type ModemControl interface {
	SetDTR(on bool) error
	SetRTS(on bool) error
	ModemStatus() (ModemStatus, error)
}

// Drainer is implemented by links that can wait until their output buffer has been sent.
type Drainer interface {
	Drain() error
}

// serialMode is the line setting of a serial port; the zero value means 9600 8N1.
type serialMode struct {
	Baud     int             // 0 = 9600
	DataBits int             // 0 = 8
	Parity   serial.Parity   // zero = none
	StopBits serial.StopBits // zero = 1
}

// openSerial opens a serial port by name with go.bug.st/serial and wraps it. A name that is
// a regular file, a directory or no character device is refused before anything opens it.
// InitialStatusBits is never set: ptys and some bridges fail Open with it.
func openSerial(ctx context.Context, name string, m serialMode) (Conn, error) {
	link := "serial:" + name
	if err := ctx.Err(); err != nil {
		return nil, &Error{Op: "open", Link: link, Err: err}
	}
	if _, err := checkNode(link, name); err != nil {
		return nil, err // before lockPort, which opens the node read-write
	}
	mode := &serial.Mode{BaudRate: m.Baud, DataBits: m.DataBits, Parity: m.Parity, StopBits: m.StopBits}
	if mode.BaudRate == 0 {
		mode.BaudRate = 9600
	}
	lock, err := lockPort(name)
	if err != nil {
		return nil, serialOpenError(link, err)
	}
	p, err := serialOpen(name, mode)
	if err != nil {
		if lock != nil {
			lock.Close()
		}
		return nil, serialOpenError(link, err)
	}
	c := newSerialConn(p, name, mode.BaudRate)
	c.lock = lock
	return c, nil
}

// serialOpen is go.bug.st/serial's Open; a variable so tests can put a fake port in.
var serialOpen = func(name string, mode *serial.Mode) (serial.Port, error) { return serial.Open(name, mode) }

// serialOpenError classifies an error from serial.Open.
func serialOpenError(link string, err error) error {
	e := &Error{Op: "open", Link: link, Err: err}
	var pe *serial.PortError
	switch {
	case errors.As(err, &pe):
		switch pe.Code() {
		case serial.PortNotFound:
			e.Kind = ErrNotFound
		case serial.PermissionDenied:
			e.Kind = ErrPermission
		case serial.PortBusy:
			e.Kind = ErrBusy
		case serial.InvalidSerialPort:
			e.Kind = ErrNotSerial
		case serial.InvalidSpeed, serial.InvalidDataBits, serial.InvalidParity, serial.InvalidStopBits:
			e.Kind = ErrUnsupported
		}
	case errors.Is(err, fs.ErrNotExist):
		e.Kind = ErrNotFound
	case errors.Is(err, fs.ErrPermission):
		e.Kind = ErrPermission
	case errors.Is(err, syscall.EBUSY):
		e.Kind = ErrBusy
	}
	switch e.Kind {
	case ErrNotFound:
		e.Hint = "check the cable and the port name; `hwprobe` lists the ports present"
	case ErrPermission:
		if runtime.GOOS == "linux" {
			e.Hint = hintDialout
		}
	case ErrBusy:
		e.Hint = "another program (or another link in this one) holds the port; close it first"
	}
	return e
}

// serialConn makes a go.bug.st/serial port a [Conn]:
//   - a read time-out, which the library reports as (0, nil), is an error wrapping
//     os.ErrDeadlineExceeded, and deadlines (also ones moved while a Read waits) are honoured;
//   - a Write never returns n < len(p) without an error;
//   - a Write runs under the write deadline; when it times out the port is marked dead
//     (the blocked system call cannot be taken back) and later calls fail with ErrPortDead.
//     One exception: the next Write, when it has a deadline, first waits within that
//     deadline for the timed-out system call, and when that call turns out to have sent all
//     its data (the deadline passed while the result was on its way back), the port lives on;
//   - Close unblocks pending Reads and Writes.
type serialConn struct {
	port serial.Port
	name string
	baud int

	rmu, wmu sync.Mutex // serialise Reads and Writes
	rdl, wdl deadline

	closeOnce sync.Once
	closed    chan struct{}
	dead      atomic.Bool
	lock      io.Closer // flock on the node (Linux); may be nil

	pmu     sync.Mutex
	pending chan writeResult // a Write whose deadline passed before its result came, or nil
	pendLen int              // the bytes that Write had to send

	afterWrite func() // test hook: called once a write's result is posted; nil in use
}

var (
	_ Conn         = (*serialConn)(nil)
	_ ModemControl = (*serialConn)(nil)
	_ Drainer      = (*serialConn)(nil)
)

func newSerialConn(p serial.Port, name string, baud int) *serialConn {
	return &serialConn{port: p, name: name, baud: baud, closed: make(chan struct{})}
}

// String names the link: "serial:/dev/ttyUSB0@115200".
func (c *serialConn) String() string { return fmt.Sprintf("serial:%s@%d", c.name, c.baud) }

func (c *serialConn) link() string { return "serial:" + c.name }

func (c *serialConn) isClosed() bool { return isClosed(c.closed) }

// state returns the error for a link that is closed or dead, or nil. A Write that timed out
// and is not settled yet counts as dead, except for the next Write, which settles it first.
func (c *serialConn) state(op string) error {
	if c.isClosed() {
		return &Error{Op: op, Link: c.link(), Err: net.ErrClosed}
	}
	if c.dead.Load() || op != "write" && c.hasPending() {
		return &Error{Op: op, Link: c.link(), Kind: ErrPortDead}
	}
	return nil
}

// hasPending reports whether a Write timed out and has not been settled yet.
func (c *serialConn) hasPending() bool {
	c.pmu.Lock()
	defer c.pmu.Unlock()
	return c.pending != nil
}

// settle decides on a Write that timed out, for the next Write (the caller holds wmu). It
// waits for the timed-out system call until wait is closed or the link closes. The port
// is dead when that call is still blocked or sent less than all its data; when it sent
// everything, the deadline only passed while its result was on its way back, and the port
// is fine.
func (c *serialConn) settle(wait <-chan struct{}) {
	c.pmu.Lock()
	p, n := c.pending, c.pendLen
	c.pmu.Unlock()
	if p == nil {
		return
	}
	var r writeResult
	got := false
	select {
	case r = <-p: // already there: taken before looking at wait
		got = true
	default:
		select {
		case r = <-p:
			got = true
		case <-wait:
		case <-c.closed:
		}
	}
	ok := got && r.err == nil && r.n == n
	if !ok {
		c.dead.Store(true)
	}
	c.pmu.Lock()
	c.pending = nil
	c.pmu.Unlock()
}

// Read implements io.Reader with deadlines.
func (c *serialConn) Read(p []byte) (int, error) {
	if err := c.state("read"); err != nil {
		return 0, err
	}
	if len(p) == 0 {
		return 0, nil
	}
	c.rmu.Lock()
	defer c.rmu.Unlock()
	for {
		if err := c.state("read"); err != nil {
			return 0, err
		}
		wait := readSlice
		select {
		case <-c.rdl.expired():
			return 0, &Error{Op: "read", Link: c.link(), Kind: errDeadline}
		default:
		}
		if dl := c.rdl.get(); !dl.IsZero() {
			left := time.Until(dl)
			if left <= 0 {
				return 0, &Error{Op: "read", Link: c.link(), Kind: errDeadline}
			}
			if left < wait {
				wait = left
			}
		}
		if wait < time.Millisecond {
			wait = time.Millisecond // the Windows back end counts whole milliseconds
		}
		if err := c.port.SetReadTimeout(wait); err != nil {
			return 0, &Error{Op: "read", Link: c.link(), Err: err}
		}
		n, err := c.port.Read(p)
		if n > 0 || err != nil {
			return n, c.readError(err)
		}
		// (0, nil): the slice timed out; look at the deadline again.
	}
}

func (c *serialConn) readError(err error) error {
	if err == nil {
		return nil
	}
	if c.isClosed() {
		return &Error{Op: "read", Link: c.link(), Err: net.ErrClosed}
	}
	var pe *serial.PortError
	if errors.As(err, &pe) && pe.Code() == serial.PortClosed {
		// The device went away (unplugged, or the pty peer closed).
		return &Error{Op: "read", Link: c.link(), Err: io.EOF, Hint: "the device disconnected"}
	}
	return &Error{Op: "read", Link: c.link(), Err: err}
}

// closedChan is a closed channel: a wait that ends at once.
var closedChan = func() chan struct{} { c := make(chan struct{}); close(c); return c }()

type writeResult struct {
	n   int
	err error
}

// Write implements io.Writer under the write deadline.
func (c *serialConn) Write(p []byte) (int, error) {
	if err := c.state("write"); err != nil {
		return 0, err
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	expired := c.wdl.expired()
	if c.hasPending() {
		var wait <-chan struct{} = closedChan // no deadline: do not wait, only look
		if !c.wdl.get().IsZero() {
			wait = expired
		}
		c.settle(wait)
	}
	if err := c.state("write"); err != nil {
		return 0, err
	}
	select {
	case <-expired:
		return 0, &Error{Op: "write", Link: c.link(), Kind: errDeadline}
	default:
	}
	if len(p) == 0 {
		return 0, nil
	}
	// The goroutine may outlive this call when the deadline passes, so it gets its own copy.
	buf := append([]byte(nil), p...)
	done := make(chan writeResult, 1)
	go func() {
		// Check for Close first: a closed port's descriptor number may already be reused.
		if c.isClosed() {
			done <- writeResult{0, net.ErrClosed}
			return
		}
		n, err := writeAll(c.port, buf)
		done <- writeResult{n, err}
		if c.afterWrite != nil {
			c.afterWrite()
		}
	}()
	var r writeResult
	select {
	case r = <-done:
	case <-expired:
		select {
		case r = <-done: // finished just in time
		default:
			// Dead, unless the result is only late (see settle).
			c.pmu.Lock()
			c.pending, c.pendLen = done, len(buf)
			c.pmu.Unlock()
			return 0, &Error{Op: "write", Link: c.link(), Kind: errDeadline, Err: ErrPortDead,
				Hint: "the write did not finish in time; close and reopen the port"}
		}
	case <-c.closed:
		return 0, &Error{Op: "write", Link: c.link(), Err: net.ErrClosed}
	}
	if r.err == nil {
		return r.n, nil
	}
	if c.isClosed() {
		return r.n, &Error{Op: "write", Link: c.link(), Err: net.ErrClosed}
	}
	if r.n > 0 { // part of the data went out: the device may hold half a command
		c.dead.Store(true)
		return r.n, &Error{Op: "write", Link: c.link(), Kind: ErrPortDead, Err: r.err}
	}
	return 0, &Error{Op: "write", Link: c.link(), Err: r.err}
}

// writeAll writes b fully or returns an error: go.bug.st/serial may return n < len(b) with a
// nil error when the peer goes away.
func writeAll(w io.Writer, b []byte) (int, error) {
	off := 0
	for off < len(b) {
		n, err := w.Write(b[off:])
		if n < 0 || n > len(b)-off {
			return off, fmt.Errorf("write returned %d", n)
		}
		off += n
		if err != nil {
			return off, err
		}
		if n == 0 {
			return off, io.ErrShortWrite
		}
	}
	return off, nil
}

// Close closes the port and unblocks pending Reads and Writes. A Write that timed out may
// keep an OS thread blocked until the device drains or goes away.
func (c *serialConn) Close() error {
	err := net.ErrClosed
	c.closeOnce.Do(func() {
		close(c.closed)
		err = c.port.Close()
		if c.lock != nil {
			c.lock.Close()
		}
		if err != nil {
			err = &Error{Op: "close", Link: c.link(), Err: err}
		}
	})
	if err == net.ErrClosed {
		return &Error{Op: "close", Link: c.link(), Err: err}
	}
	return err
}

// SetDeadline sets the read and the write deadline.
func (c *serialConn) SetDeadline(t time.Time) error {
	if err := c.SetReadDeadline(t); err != nil {
		return err
	}
	return c.SetWriteDeadline(t)
}

// SetReadDeadline sets the read deadline; a Read waiting now sees it within 50 ms.
func (c *serialConn) SetReadDeadline(t time.Time) error {
	if c.isClosed() {
		return &Error{Op: "set deadline", Link: c.link(), Err: net.ErrClosed}
	}
	c.rdl.set(t)
	return nil
}

// SetWriteDeadline sets the write deadline; a Write waiting now sees it at once.
func (c *serialConn) SetWriteDeadline(t time.Time) error {
	if c.isClosed() {
		return &Error{Op: "set deadline", Link: c.link(), Err: net.ErrClosed}
	}
	c.wdl.set(t)
	return nil
}

// SetDTR sets the DTR line (not supported on ptys).
func (c *serialConn) SetDTR(on bool) error {
	if err := c.port.SetDTR(on); err != nil {
		return &Error{Op: "set dtr", Link: c.link(), Err: err}
	}
	return nil
}

// SetRTS sets the RTS line (not supported on ptys).
func (c *serialConn) SetRTS(on bool) error {
	if err := c.port.SetRTS(on); err != nil {
		return &Error{Op: "set rts", Link: c.link(), Err: err}
	}
	return nil
}

// ModemStatus reads the CTS, DSR, RI and DCD lines (not supported on ptys).
func (c *serialConn) ModemStatus() (ModemStatus, error) {
	s, err := c.port.GetModemStatusBits()
	if err != nil {
		return ModemStatus{}, &Error{Op: "modem status", Link: c.link(), Err: err}
	}
	return ModemStatus{CTS: s.CTS, DSR: s.DSR, RI: s.RI, DCD: s.DCD}, nil
}

// Drain waits until the output buffer has been sent.
func (c *serialConn) Drain() error {
	if err := c.port.Drain(); err != nil {
		return &Error{Op: "drain", Link: c.link(), Err: err}
	}
	return nil
}
