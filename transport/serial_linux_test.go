//go:build linux

package transport_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"testing"
	"time"

	"github.com/uapos/uapos/transport"
	"github.com/uapos/uapos/transport/transporttest"
)

// openPTYSerial opens a pty pair and the slave through transport.Open (go.bug.st/serial).
func openPTYSerial(t *testing.T, query string) (*os.File, transport.Conn) {
	t.Helper()
	master, slave, err := transporttest.OpenPTY()
	if err != nil {
		t.Skipf("no pty: %v", err)
	}
	t.Cleanup(func() { master.Close() })
	c, err := transport.Open(context.Background(), "serial://"+slave+query)
	if err != nil {
		t.Fatalf("open %s: %v", slave, err)
	}
	t.Cleanup(func() { c.Close() })
	return master, c
}

func TestSerialPTYWriteRead(t *testing.T) {
	master, c := openPTYSerial(t, "?baud=115200&parity=N&data=8&stop=1")
	// Binary bytes that a cooked tty would mangle: NUL, DLE EOT, XON/XOFF, CR/LF.
	out := []byte{0x00, 0x10, 0x04, 0x01, 0x11, 0x13, '\r', '\n', 0xff}
	if n, err := c.Write(out); err != nil || n != len(out) {
		t.Fatalf("write: %d, %v", n, err)
	}
	got := make([]byte, len(out))
	master.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.ReadFull(master, got); err != nil {
		t.Fatalf("master read: %v", err)
	}
	if !bytes.Equal(got, out) {
		t.Fatalf("device got % x, want % x", got, out)
	}
	in := []byte{0x16, 0x12, 0x00, '\n'}
	if _, err := master.Write(in); err != nil {
		t.Fatal(err)
	}
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	got = make([]byte, len(in))
	if _, err := io.ReadFull(c, got); err != nil {
		t.Fatalf("read: %v", err)
	}
	if !bytes.Equal(got, in) {
		t.Fatalf("host got % x, want % x", got, in)
	}
	if s := fmt.Sprint(c); s == "" || s[:7] != "serial:" {
		t.Errorf("String() = %q", s)
	}
}

func TestSerialPTYReadDeadline(t *testing.T) {
	_, c := openPTYSerial(t, "")
	c.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
	n, err := c.Read(make([]byte, 8))
	if n != 0 || !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("read = %d, %v; want a deadline error", n, err)
	}
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Errorf("%v is not a net.Error with Timeout()", err)
	}
	// A deadline in the past fails at once, and clearing it makes reads work again.
	c.SetReadDeadline(time.Unix(1, 0))
	if _, err := c.Read(make([]byte, 1)); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("past deadline: %v", err)
	}
	c.SetReadDeadline(time.Time{})
}

func TestSerialPTYDeadlineMovedWhileReading(t *testing.T) {
	_, c := openPTYSerial(t, "")
	errc := make(chan error, 1)
	go func() {
		_, err := c.Read(make([]byte, 8))
		errc <- err
	}()
	// The Read above has no deadline; setting one in the past (what a cancelled context
	// does) must release it.
	c.SetReadDeadline(time.Unix(1, 0))
	if err := <-errc; !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("read = %v; want a deadline error", err)
	}
}

func TestSerialPTYCloseUnblocksRead(t *testing.T) {
	_, c := openPTYSerial(t, "")
	errc := make(chan error, 1)
	go func() {
		_, err := c.Read(make([]byte, 8))
		errc <- err
	}()
	if err := c.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	if err := <-errc; !errors.Is(err, net.ErrClosed) {
		t.Fatalf("read after close = %v; want net.ErrClosed", err)
	}
	if _, err := c.Write([]byte{1}); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("write after close = %v; want net.ErrClosed", err)
	}
}

func TestSerialPTYWriteTimeoutMarksDead(t *testing.T) {
	master, c := openPTYSerial(t, "")
	// The master never reads, so the pty buffer fills and the write blocks.
	c.SetWriteDeadline(time.Now().Add(50 * time.Millisecond))
	_, err := c.Write(make([]byte, 1<<20))
	if !errors.Is(err, os.ErrDeadlineExceeded) || !errors.Is(err, transport.ErrPortDead) {
		t.Fatalf("write = %v; want a deadline error that marks the port dead", err)
	}
	c.SetWriteDeadline(time.Time{})
	if _, err := c.Write([]byte{1}); !errors.Is(err, transport.ErrPortDead) {
		t.Fatalf("next write = %v; want ErrPortDead", err)
	}
	if _, err := c.Read(make([]byte, 1)); !errors.Is(err, transport.ErrPortDead) {
		t.Fatalf("read = %v; want ErrPortDead", err)
	}
	// Closing the master releases the blocked write system call.
	master.Close()
}

func TestSerialPTYPeerGone(t *testing.T) {
	master, c := openPTYSerial(t, "")
	master.Close()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, err := c.Read(make([]byte, 1))
	if err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("read from a pty whose master closed = %v; want a link error", err)
	}
}

func TestOpenMissingSerialPort(t *testing.T) {
	_, err := transport.Open(context.Background(), "serial:///dev/ttyUSB-uapos-missing?baud=9600")
	if !errors.Is(err, transport.ErrNotFound) {
		t.Fatalf("open missing = %v; want ErrNotFound", err)
	}
	var te *transport.Error
	if !errors.As(err, &te) || te.Link != "serial:/dev/ttyUSB-uapos-missing" || te.Op != "open" {
		t.Fatalf("error %#v does not name the link", err)
	}
}

func TestOpenNotASerialPort(t *testing.T) {
	_, err := transport.Open(context.Background(), "/dev/null")
	if !errors.Is(err, transport.ErrNotSerial) {
		t.Fatalf("open /dev/null = %v; want ErrNotSerial", err)
	}
}

func TestOpenBarePTYPath(t *testing.T) {
	master, slave, err := transporttest.OpenPTY()
	if err != nil {
		t.Skipf("no pty: %v", err)
	}
	defer master.Close()
	c, err := transport.Open(context.Background(), slave) // "/dev/pts/N", no scheme
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if got, want := fmt.Sprint(c), "serial:"+slave+"@9600"; got != want {
		t.Fatalf("bare path opened %q; want %q", got, want)
	}
}

func TestSerialSecondOpenIsBusy(t *testing.T) {
	master, slave, err := transporttest.OpenPTY()
	if err != nil {
		t.Skipf("no pty: %v", err)
	}
	defer master.Close()
	c, err := transport.Open(context.Background(), "serial://"+slave)
	if err != nil {
		t.Fatal(err)
	}
	// TIOCEXCL does not stop root; the flock does.
	if c2, err := transport.Open(context.Background(), "serial://"+slave); !errors.Is(err, transport.ErrBusy) {
		if c2 != nil {
			c2.Close()
		}
		t.Fatalf("second open = %v; want ErrBusy", err)
	}
	c.Close()
	c3, err := transport.Open(context.Background(), "serial://"+slave)
	if err != nil {
		t.Fatalf("open after close = %v", err)
	}
	c3.Close()
}
