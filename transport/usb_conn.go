package transport

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// bulkReader and bulkWriter are the gousb endpoint methods usbConn uses; tests put
// in-memory fakes behind them, so the link logic is tested without libusb.
type bulkReader interface {
	ReadContext(ctx context.Context, buf []byte) (int, error)
}

type bulkWriter interface {
	WriteContext(ctx context.Context, buf []byte) (int, error)
}

// usbConn is the bulk OUT (and, on bidirectional printers, bulk IN) endpoint of a USB
// printer-class interface. Deadlines and Close cancel the transfer in flight through the
// endpoints' contexts.
type usbConn struct {
	name     string
	out      bulkWriter
	in       bulkReader                             // nil for a unidirectional (write-only) printer
	release  func() error                           // frees interface, device and library
	classify func(op, link string, err error) error // maps a back-end error; nil: wrap as is

	rmu, wmu sync.Mutex
	rdl, wdl deadline
	rbuf     []byte // one IN transfer, a multiple of the packet size
	pending  []byte // bytes of the last transfer not yet returned

	closeOnce sync.Once
	closed    chan struct{}
	dead      atomic.Bool
}

var _ Conn = (*usbConn)(nil)

// readBufferSize is about 4 KiB rounded up to whole packets: an IN transfer into a buffer
// that is not a multiple of the packet size can overflow.
func readBufferSize(packet int) int {
	if packet <= 0 {
		packet = 64
	}
	return packet * ((4096 + packet - 1) / packet)
}

// String names the link: "usb:04B8:0202".
func (c *usbConn) String() string { return c.name }

func (c *usbConn) state(op string) error {
	if isClosed(c.closed) {
		return &Error{Op: op, Link: c.name, Err: net.ErrClosed}
	}
	if c.dead.Load() {
		return &Error{Op: op, Link: c.name, Kind: ErrPortDead}
	}
	return nil
}

// transferContext returns a context cancelled when the deadline passes or the link closes.
func (c *usbConn) transferContext(dl *deadline) (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	expired := dl.expired()
	stop := make(chan struct{})
	go func() {
		select {
		case <-expired:
		case <-c.closed:
		case <-stop:
		}
		cancel()
	}()
	return ctx, func() { close(stop) }
}

// Read reads from the bulk IN endpoint; a write-only printer has none.
func (c *usbConn) Read(p []byte) (int, error) {
	c.rmu.Lock()
	defer c.rmu.Unlock()
	if err := c.state("read"); err != nil {
		return 0, err
	}
	if c.in == nil {
		return 0, &Error{Op: "read", Link: c.name, Kind: ErrUnsupported, Err: errors.New("the printer has no IN endpoint (write-only)")}
	}
	if len(c.pending) > 0 {
		n := copy(p, c.pending)
		c.pending = c.pending[n:]
		return n, nil
	}
	if len(p) == 0 {
		return 0, nil
	}
	for {
		select {
		case <-c.rdl.expired():
			return 0, &Error{Op: "read", Link: c.name, Kind: errDeadline}
		default:
		}
		ctx, done := c.transferContext(&c.rdl)
		n, err := c.in.ReadContext(ctx, c.rbuf)
		done()
		if n > 0 {
			k := copy(p, c.rbuf[:n])
			c.pending = append(c.pending[:0], c.rbuf[k:n]...)
			return k, nil
		}
		if err != nil {
			return 0, c.transferError("read", &c.rdl, err)
		}
		// A zero-length packet: read again.
	}
}

func (c *usbConn) transferError(op string, dl *deadline, err error) error {
	if isClosed(c.closed) {
		return &Error{Op: op, Link: c.name, Err: net.ErrClosed}
	}
	if isClosed(dl.expired()) {
		return &Error{Op: op, Link: c.name, Kind: errDeadline, Err: err}
	}
	if c.classify != nil {
		return c.classify(op, c.name, err)
	}
	return &Error{Op: op, Link: c.name, Err: err}
}

// Write sends p to the bulk OUT endpoint under the write deadline. A write cut by the
// deadline marks the link dead: the printer may hold part of a command.
func (c *usbConn) Write(p []byte) (int, error) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if err := c.state("write"); err != nil {
		return 0, err
	}
	select {
	case <-c.wdl.expired():
		return 0, &Error{Op: "write", Link: c.name, Kind: errDeadline}
	default:
	}
	if len(p) == 0 {
		return 0, nil
	}
	ctx, done := c.transferContext(&c.wdl)
	n, err := c.out.WriteContext(ctx, p)
	done()
	if err != nil {
		e := c.transferError("write", &c.wdl, err)
		if errors.Is(e, errDeadline) {
			c.dead.Store(true)
		}
		return n, e
	}
	if n < len(p) {
		c.dead.Store(true)
		return n, &Error{Op: "write", Link: c.name, Kind: ErrPortDead, Err: fmt.Errorf("short write %d of %d", n, len(p))}
	}
	return n, nil
}

// Close cancels transfers in flight, releases the interface (usblp is re-attached) and
// closes the device.
func (c *usbConn) Close() error {
	first := false
	c.closeOnce.Do(func() {
		first = true
		close(c.closed)
	})
	if !first {
		return &Error{Op: "close", Link: c.name, Err: net.ErrClosed}
	}
	c.rmu.Lock()
	c.wmu.Lock()
	defer c.wmu.Unlock()
	defer c.rmu.Unlock()
	if c.release == nil {
		return nil
	}
	if err := c.release(); err != nil {
		return &Error{Op: "close", Link: c.name, Err: err}
	}
	return nil
}

// SetDeadline sets both deadlines.
func (c *usbConn) SetDeadline(t time.Time) error {
	c.rdl.set(t)
	c.wdl.set(t)
	return nil
}

// SetReadDeadline sets the read deadline; a transfer in flight is cancelled when it passes.
func (c *usbConn) SetReadDeadline(t time.Time) error {
	c.rdl.set(t)
	return nil
}

// SetWriteDeadline sets the write deadline; a transfer in flight is cancelled when it passes.
func (c *usbConn) SetWriteDeadline(t time.Time) error {
	c.wdl.set(t)
	return nil
}
