package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/uapos/uapos/transport/capture"
)

// eventLog delivers app events to the test in order.
type eventLog struct {
	mu sync.Mutex
	ch map[string]chan string
}

func newEventLog() *eventLog { return &eventLog{ch: map[string]chan string{}} }

func (e *eventLog) get(name string) chan string {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.ch[name] == nil {
		e.ch[name] = make(chan string, 4)
	}
	return e.ch[name]
}

func (e *eventLog) notify(event, value string) { e.get(event) <- value }

// startCommand runs args in-process in the background and returns its error channel.
func startCommand(ctx context.Context, a *app, args ...string) <-chan error {
	done := make(chan error, 1)
	go func() { done <- a.run(ctx, args) }()
	return done
}

// syncBuffer is a goroutine-safe output buffer.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// runCaptureSession relays one client session to the device at devURL: the client writes
// request and reads want bytes. It returns the parsed capture.
func runCaptureSession(t *testing.T, devURL string, request []byte, want int) []capture.Chunk {
	t.Helper()
	out := filepath.Join(t.TempDir(), "session.cap")
	ev := newEventLog()
	var buf syncBuffer
	a := &app{stdout: &buf, stderr: &buf, events: ev.notify}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := startCommand(ctx, a, "capture", "--listen", "127.0.0.1:0", "--to", devURL, "--out", out, "--once")
	var addr string
	select {
	case addr = <-ev.get("listen"):
	case err := <-done:
		t.Fatalf("capture ended: %v\n%s", err, buf.String())
	}
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Write(request); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, want)
	if _, err := io.ReadFull(c, got); err != nil {
		t.Fatalf("client read: %v\n%s", err, buf.String())
	}
	c.Close()
	if err := <-done; err != nil {
		t.Fatalf("capture: %v\n%s", err, buf.String())
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunks, err := capture.Parse(f)
	if err != nil {
		t.Fatal(err)
	}
	return chunks
}

// joined returns the bytes of one direction.
func joined(chunks []capture.Chunk, dir capture.Direction) []byte {
	var b []byte
	for _, c := range chunks {
		if c.Dir == dir {
			b = append(b, c.Data...)
		}
	}
	return b
}

// An echo device: capture records both directions, and the capture replays.
func TestCaptureRelayEcho(t *testing.T) {
	dev := serve(t, func(c net.Conn) { io.Copy(c, c) })
	req := []byte("\x10\x04\x01hello")
	chunks := runCaptureSession(t, "tcp://"+dev, req, len(req))
	if got := joined(chunks, '>'); !bytes.Equal(got, req) {
		t.Errorf("host->device %q, want %q", got, req)
	}
	if got := joined(chunks, '<'); !bytes.Equal(got, req) {
		t.Errorf("device->host %q, want %q", got, req)
	}
	r := capture.Replay(chunks)
	if _, err := r.Write(req); err != nil {
		t.Fatal(err)
	}
	back := make([]byte, len(req))
	if _, err := io.ReadFull(r, back); err != nil || !bytes.Equal(back, req) {
		t.Fatalf("replay read %q, %v", back, err)
	}
	if err := r.Close(); err != nil {
		t.Errorf("replay close: %v", err)
	}
}

func TestCaptureDeviceDown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ev := newEventLog()
	var buf syncBuffer
	a := &app{stdout: &buf, stderr: &buf, events: ev.notify}
	done := startCommand(context.Background(), a, "capture", "--listen", "127.0.0.1:0", "--to", "tcp://"+addr, "--out", filepath.Join(t.TempDir(), "x.cap"), "--once")
	l := <-ev.get("listen")
	c, err := net.Dial("tcp", l)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := <-done; err == nil {
		t.Fatal("capture to a closed device port succeeded")
	}
}
