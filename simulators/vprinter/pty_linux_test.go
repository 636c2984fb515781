//go:build linux

package vprinter

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/uapos/uapos/transport"
	"github.com/uapos/uapos/transport/transporttest"
)

// TestServePTY drives the simulator through the real serial code on a pseudo-terminal.
func TestServePTY(t *testing.T) {
	master, slave, err := transporttest.OpenPTY()
	if err != nil {
		t.Skipf("no pty: %v", err)
	}
	// Open the slave first: a master read with no slave open fails with EIO (hang-up).
	c, err := transport.Open(t.Context(), "serial://"+slave)
	if err != nil {
		_ = master.Close()
		t.Fatal(err)
	}
	defer c.Close()
	s := New(Config{})
	defer s.Close()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- s.ServeConn(ctx, master) }()
	defer func() { cancel(); <-done }()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := c.Write([]byte("\x1b@pty\n\x1dV\x00\x10\x04\x04")); err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 1)
	if _, err := io.ReadFull(c, b); err != nil || b[0] != 0x12 {
		t.Fatalf("DLE EOT 4 reply % X, %v", b, err)
	}
	if rs := s.Receipts(); len(rs) != 1 || rs[0].Plain != "pty\n" {
		t.Fatalf("receipts %+v", rs)
	}
}
