package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/uapos/uapos/harness"
	"github.com/uapos/uapos/payment"
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

// commentLines returns the comment lines of a capture file: its human-readable part.
func commentLines(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "#") {
			out = append(out, l)
		}
	}
	return out
}

// A capture holds raw traffic, card data included: it is created readable by its owner
// only, an existing file is kept unless --force is given, and --force leaves the file at
// mode 0600 too (issue 19 item 3).
func TestCaptureFileModeAndOverwrite(t *testing.T) {
	dev := serve(t, func(c net.Conn) { io.Copy(c, c) })
	out := filepath.Join(t.TempDir(), "session.cap")
	session := func(extra ...string) error {
		ev := newEventLog()
		var buf syncBuffer
		a := &app{stdout: &buf, stderr: &buf, events: ev.notify}
		args := append([]string{"capture", "--listen", "127.0.0.1:0", "--to", "tcp://" + dev, "--out", out, "--once"}, extra...)
		done := startCommand(context.Background(), a, args...)
		var addr string
		select {
		case addr = <-ev.get("listen"):
		case err := <-done:
			return err
		}
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		c.Write([]byte("ping"))
		io.ReadFull(c, make([]byte, 4))
		c.Close()
		return <-done
	}
	if err := session(); err != nil {
		t.Fatal(err)
	}
	checkMode := func() {
		t.Helper()
		if runtime.GOOS == "windows" {
			return
		}
		fi, err := os.Stat(out)
		if err != nil {
			t.Fatal(err)
		}
		if m := fi.Mode().Perm(); m != 0o600 {
			t.Errorf("capture mode %v; want -rw-------", m)
		}
	}
	checkMode()
	before, _ := os.ReadFile(out)
	if err := session(); err == nil || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("second capture to the same file = %v; want a refusal naming --force", err)
	}
	if after, _ := os.ReadFile(out); !bytes.Equal(after, before) {
		t.Fatal("the refused capture changed the file")
	}
	if err := os.Chmod(out, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := session("--force"); err != nil {
		t.Fatalf("capture --force: %v", err)
	}
	checkMode()
}

// probe --record files are private too, and a second run does not overwrite them without
// --force.
func TestProbeRecordModeAndOverwrite(t *testing.T) {
	t.Parallel()
	dev := serve(t, func(c net.Conn) { io.Copy(io.Discard, c) })
	dir := t.TempDir()
	o := testOptions(pingProtocol("alpha"))
	o.recordDir = dir
	r := probeURL(context.Background(), "tcp://"+dev, o)
	if len(r.Records) != 1 {
		t.Fatalf("%+v", r)
	}
	if fi, err := os.Stat(r.Records[0]); err != nil || runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("record %v mode %v; want -rw-------", err, fi.Mode())
	}
	r = probeURL(context.Background(), "tcp://"+dev, o)
	if r.Status != statusFail || r.Problem != problemRecord || !strings.Contains(r.Advice, "--force") {
		t.Errorf("second run: %+v; want a refusal naming --force", r)
	}
	o.force = true
	if r = probeURL(context.Background(), "tcp://"+dev, o); r.Problem == problemRecord {
		t.Errorf("--force: %+v", r)
	}
}

// The readable part of a capture (its comments) never shows a card number, even one in a
// device path or an error message; the masked form is there instead (issue 19 item 3).
func TestCaptureCommentsMaskCardNumbers(t *testing.T) {
	pan := "4111" + strings.Repeat("1111", 3) // a test card number, built so the source holds none
	devURL := "serial:///dev/serial/by-id/usb-Bank_Term_" + pan + "-if00"
	out := filepath.Join(t.TempDir(), "x.cap")
	ev := newEventLog()
	var buf syncBuffer
	a := &app{stdout: &buf, stderr: &buf, events: ev.notify}
	done := startCommand(context.Background(), a, "capture", "--listen", "127.0.0.1:0", "--to", devURL, "--out", out, "--once")
	c, err := net.Dial("tcp", <-ev.get("listen"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := <-done; err == nil {
		t.Fatal("capture to a missing device succeeded")
	}
	text := strings.Join(commentLines(t, out), "\n")
	if !strings.Contains(text, "usb-Bank_Term_") {
		t.Fatal("the comments do not name the device: the check below would prove nothing")
	}
	if pans := harness.FindPANs(text); len(pans) > 0 {
		t.Errorf("%d unmasked card numbers in the capture's comments", len(pans))
	}
	if !strings.Contains(text, "usb-Bank_Term_"+string(payment.MaskPAN(pan))) {
		t.Error("the device path is not there with its number masked")
	}
}

// The header names the port the application really connects to, not the :0 it was given
// (issue 19 item 4).
func TestCaptureHeaderNamesRealPort(t *testing.T) {
	dev := serve(t, func(c net.Conn) { io.Copy(c, c) })
	out := filepath.Join(t.TempDir(), "session.cap")
	ev := newEventLog()
	var buf syncBuffer
	a := &app{stdout: &buf, stderr: &buf, events: ev.notify}
	done := startCommand(context.Background(), a, "capture", "--listen", "127.0.0.1:0", "--to", "tcp://"+dev, "--out", out, "--once")
	addr := <-ev.get("listen")
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	c.Write([]byte("x"))
	io.ReadFull(c, make([]byte, 1))
	c.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	lines := commentLines(t, out)
	if len(lines) == 0 || !strings.Contains(lines[0], "application at "+addr+",") || strings.Contains(lines[0], ":0,") {
		t.Fatalf("header %q does not name the listening address %s", lines, addr)
	}
	if !strings.Contains(strings.Join(lines, "\n"), "device link tcp:"+dev) {
		t.Errorf("no session line names the device link:\n%s", strings.Join(lines, "\n"))
	}
}

// With --listen pty the header names the pseudo-terminal the application opens.
func TestCapturePTYHeaderNamesPort(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("pty capture is Linux only")
	}
	dev := serve(t, func(c net.Conn) { io.Copy(c, c) })
	out := filepath.Join(t.TempDir(), "pty.cap")
	ev := newEventLog()
	var buf syncBuffer
	a := &app{stdout: &buf, stderr: &buf, events: ev.notify}
	ctx, cancel := context.WithCancel(context.Background())
	done := startCommand(ctx, a, "capture", "--listen", "pty", "--to", "tcp://"+dev, "--out", out)
	var slave string
	select {
	case slave = <-ev.get("pty"):
	case err := <-done:
		t.Fatalf("capture ended early: %v\n%s", err, buf.String())
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	lines := commentLines(t, out)
	if len(lines) == 0 || !strings.Contains(lines[0], "serial port "+slave+",") {
		t.Fatalf("header %q does not name the pty %s", lines, slave)
	}
}
