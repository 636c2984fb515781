package simnet

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync/atomic"
	"testing"
)

// echo copies the link back to itself until it ends.
func echo(_ context.Context, c io.ReadWriteCloser) error {
	_, err := io.Copy(c, c)
	if err == nil {
		err = io.EOF
	}
	return err
}

func TestListenAddr(t *testing.T) {
	for in, want := range map[string]string{
		"":               "127.0.0.1:0",
		":0":             "127.0.0.1:0",
		":2000":          "127.0.0.1:2000",
		"127.0.0.1:9100": "127.0.0.1:9100",
		"[::1]:0":        "[::1]:0",
		"0.0.0.0:2000":   "0.0.0.0:2000",
		"nonsense":       "nonsense",
	} {
		if got := ListenAddr(in); got != want {
			t.Errorf("ListenAddr(%q) = %q, want %q", in, got, want)
		}
	}
}

// A listener asked for "" or ":0" is on loopback, on a port the OS chose, and serves.
func TestListenTCPLoopback(t *testing.T) {
	s := New(Config{Name: "test", Handler: echo})
	defer s.Close()
	for _, addr := range []string{"", ":0", "127.0.0.1:0"} {
		c := listenAndDial(t, s, addr)
		host, port, err := net.SplitHostPort(c.RemoteAddr().String())
		if err != nil || host != "127.0.0.1" || port == "0" {
			t.Fatalf("ListenTCP(%q) bound %v", addr, c.RemoteAddr())
		}
		if _, err := c.Write([]byte("ping")); err != nil {
			t.Fatal(err)
		}
		b := make([]byte, 4)
		if _, err := io.ReadFull(c, b); err != nil || string(b) != "ping" {
			t.Fatalf("echo %q, %v", b, err)
		}
		c.Close()
	}
	if _, err := s.ListenTCP("nonsense"); err == nil || !strings.HasPrefix(err.Error(), "test: listen: ") {
		t.Fatalf("ListenTCP(nonsense) = %v", err)
	}
}

// listenAndDial listens on addr and returns a client connection to the address bound.
func listenAndDial(t *testing.T, s *Server, addr string) net.Conn {
	t.Helper()
	bound, err := s.ListenTCP(addr)
	if err != nil {
		t.Fatalf("ListenTCP(%q): %v", addr, err)
	}
	c, err := net.Dial("tcp", bound)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// records is a log handler that passes on the err attribute of each "link ended" record.
type records struct{ ended chan error }

func (r *records) Enabled(context.Context, slog.Level) bool { return true }
func (r *records) WithAttrs([]slog.Attr) slog.Handler       { return r }
func (r *records) WithGroup(string) slog.Handler            { return r }
func (r *records) Handle(_ context.Context, rec slog.Record) error {
	if strings.HasSuffix(rec.Message, "link ended") {
		var err error
		rec.Attrs(func(a slog.Attr) bool {
			if a.Key == "err" {
				err, _ = a.Value.Any().(error)
			}
			return true
		})
		r.ended <- err
	}
	return nil
}

// Close while a TCP client is connected: the client's link ends, the served link ends with
// net.ErrClosed (seen in its log record), and ListenTCP then says closed.
func TestCloseWithOpenTCPLink(t *testing.T) {
	rec := &records{ended: make(chan error, 1)}
	entered := make(chan struct{})
	s := New(Config{Name: "test", Logger: slog.New(rec), Handler: func(ctx context.Context, c io.ReadWriteCloser) error {
		close(entered)
		_, err := c.Read(make([]byte, 1)) // blocks until Close closes the link
		return err
	}})
	c := listenAndDial(t, s, "")
	defer c.Close()
	<-entered
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-rec.ended; !errors.Is(err, net.ErrClosed) || err.Error() != "test: server closed" {
		t.Fatalf("link ended with %v, want test: server closed (net.ErrClosed)", err)
	}
	if n, err := c.Read(make([]byte, 1)); n != 0 || err == nil {
		t.Fatalf("client read after Close = %d, %v", n, err)
	}
	if _, err := s.ListenTCP(""); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("ListenTCP after Close = %v", err)
	}
}

// Close waits for a handler that is still busy after its link was closed.
func TestCloseWaitsForHandlers(t *testing.T) {
	entered, sawEnd, release := make(chan struct{}), make(chan struct{}), make(chan struct{})
	var returned atomic.Bool
	s := New(Config{Name: "test", Handler: func(ctx context.Context, c io.ReadWriteCloser) error {
		defer returned.Store(true)
		close(entered)
		<-ctx.Done()
		close(sawEnd)
		<-release // still cleaning up
		return nil
	}})
	a, b := net.Pipe()
	defer b.Close()
	served := make(chan error, 1)
	go func() { served <- s.Serve(context.Background(), a) }()
	<-entered
	closed := make(chan struct{})
	go func() {
		s.Close()
		close(closed)
	}()
	select {
	case <-closed:
		t.Fatal("Close returned while the handler had not ended")
	case <-sawEnd:
	}
	close(release)
	<-closed
	if !returned.Load() {
		t.Fatal("Close returned before the handler did")
	}
	if err := <-served; !errors.Is(err, net.ErrClosed) {
		t.Fatalf("Serve = %v, want net.ErrClosed", err)
	}
}

func TestCloseTwiceAndServeAfterClose(t *testing.T) {
	onClose := 0
	s := New(Config{Name: "test", Handler: echo, OnClose: func() { onClose++ }})
	if _, err := s.ListenTCP(""); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close = %v", err)
	}
	if onClose != 1 {
		t.Fatalf("OnClose ran %d times", onClose)
	}
	a, b := net.Pipe()
	defer b.Close()
	if err := s.Serve(context.Background(), a); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("Serve after Close = %v", err)
	}
	// Serve closed a: the other end reads EOF.
	if _, err := b.Read(make([]byte, 1)); !errors.Is(err, io.EOF) {
		t.Fatalf("peer read = %v, want EOF (link closed)", err)
	}
}

func TestServeResults(t *testing.T) {
	boom := errors.New("boom")
	for _, tc := range []struct {
		name    string
		handler Handler
		act     func(peer net.Conn, cancel context.CancelFunc)
		want    error
	}{
		{"peer hangs up", echo, func(p net.Conn, _ context.CancelFunc) { p.Close() }, nil},
		{"ctx ends", echo, func(_ net.Conn, cancel context.CancelFunc) { cancel() }, context.Canceled},
		{"handler error", func(context.Context, io.ReadWriteCloser) error { return boom }, func(net.Conn, context.CancelFunc) {}, boom},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := New(Config{Name: "test", Handler: tc.handler})
			defer s.Close()
			a, b := net.Pipe()
			defer b.Close()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			served := make(chan error, 1)
			go func() { served <- s.Serve(ctx, a) }()
			tc.act(b, cancel)
			if err := <-served; !errors.Is(err, tc.want) || (tc.want == nil && err != nil) {
				t.Fatalf("Serve = %v, want %v", err, tc.want)
			}
		})
	}
}

// ListenTCP and Close racing: either the listener is refused with net.ErrClosed, or Close
// stops it (the race detector checks the rest).
func TestListenCloseRace(t *testing.T) {
	s := New(Config{Name: "test", Handler: echo})
	done := make(chan error, 1)
	go func() {
		_, err := s.ListenTCP("")
		done <- err
	}()
	s.Close()
	if err := <-done; err != nil && !errors.Is(err, net.ErrClosed) {
		t.Fatalf("ListenTCP = %v", err)
	}
	s.Close()
}

func TestIsHangup(t *testing.T) {
	for _, err := range []error{io.EOF, net.ErrClosed, io.ErrClosedPipe} {
		if !IsHangup(err) {
			t.Errorf("IsHangup(%v) = false", err)
		}
	}
	if IsHangup(io.ErrUnexpectedEOF) || IsHangup(nil) {
		t.Error("IsHangup is true for a cut frame or nil")
	}
}
