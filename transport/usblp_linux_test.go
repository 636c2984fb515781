//go:build linux

package transport_test

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

// A pty slave stands in for /dev/usb/lp0: both are character devices the usblp transport
// opens as a file (transports.md §3.2 point 3).
func TestUSBLPOverPTY(t *testing.T) {
	master, slave, err := transporttest.OpenPTY()
	if err != nil {
		t.Skipf("no pty: %v", err)
	}
	defer master.Close()
	c, err := transport.Open(context.Background(), "usblp://"+slave)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()

	out := []byte{0x1b, 0x40, 'A', '\n', 0x1d, 0x56, 0x00}
	if _, err := c.Write(out); err != nil {
		t.Fatal(err)
	}
	master.SetReadDeadline(time.Now().Add(5 * time.Second))
	got := make([]byte, len(out))
	if _, err := io.ReadFull(master, got); err != nil || !bytes.Equal(got, out) {
		t.Fatalf("printer got % x (%v), want % x", got, err, out)
	}
	if err := c.SetReadDeadline(time.Now().Add(10 * time.Millisecond)); err != nil {
		t.Fatalf("usblp node without deadlines: %v", err)
	}
	if _, err := c.Read(make([]byte, 1)); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("read = %v; want deadline error", err)
	}
	c.SetReadDeadline(time.Time{})
	errc := make(chan error, 1)
	go func() {
		_, err := c.Read(make([]byte, 1))
		errc <- err
	}()
	c.Close()
	if err := <-errc; err == nil {
		t.Fatal("Close did not fail the blocked Read")
	}
}

func TestUSBLPMissing(t *testing.T) {
	_, err := transport.Open(context.Background(), "/dev/usb/lp-uapos-missing")
	if !errors.Is(err, transport.ErrNotFound) {
		t.Fatalf("open missing usblp = %v; want ErrNotFound", err)
	}
}
