// Package simnet is the connection lifecycle every simulator of the suite shares: TCP
// listeners (on loopback unless asked otherwise), the accept loop, the set of live links, the
// serving of any byte link (a TCP connection, a pty master, a pipe end) and a graceful Close
// that stops accepting, closes the links and waits for their handlers.
//
// A simulator keeps its protocol in a [Handler] and delegates ListenTCP, ServeConn and Close
// to a [Server]. Every "closed" outcome is one error: it wraps [net.ErrClosed], so
// errors.Is(err, net.ErrClosed) holds whichever simulator returned it.
//
// Links are logged (opened, ended) at Debug level through Config.Logger; nil logs nothing.
package simnet

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"sync"
	"syscall"
	"time"
)

// Handler serves one link until the peer hangs up, an error, or ctx ends. ctx ends when the
// caller's context does or when the Server closes; the link is closed at that moment too, so
// a handler blocked in Read returns. The handler need not close c: [Server.Serve] does.
type Handler func(ctx context.Context, c io.ReadWriteCloser) error

// Config configures a [Server].
type Config struct {
	// Name prefixes errors and log records, as "privatsim".
	Name string
	// Handler serves each link. Required.
	Handler Handler
	// Logger gets a Debug record when a link opens and when it ends; nil discards them.
	Logger *slog.Logger
	// OnClose, when set, runs once in Close after the listeners and links are closed and
	// before Close waits for the handlers: the place to wake a handler that waits on
	// something other than its link or its context.
	OnClose func()
}

// Server owns a simulator's listeners and live links. Its methods are safe for concurrent use.
type Server struct {
	cfg Config
	log *slog.Logger

	mu     sync.Mutex
	lns    []net.Listener
	links  map[*link]struct{}
	closed bool
	wg     sync.WaitGroup
}

// link is one live link: the conn and the cancel of its handler's context.
type link struct {
	c      io.Closer
	cancel context.CancelFunc
}

// New returns a Server with cfg. It panics if cfg.Handler is nil (a programming error).
func New(cfg Config) *Server {
	if cfg.Handler == nil {
		panic("simnet: nil Handler")
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Server{cfg: cfg, log: log, links: map[*link]struct{}{}}
}

// closedError is the one "closed" error: it names the simulator and wraps net.ErrClosed.
type closedError struct{ name string }

func (e *closedError) Error() string { return e.name + ": server closed" }
func (e *closedError) Unwrap() error { return net.ErrClosed }

func (s *Server) errClosed() error { return &closedError{s.cfg.Name} }

// ListenAddr is the address ListenTCP binds for addr: "" means "127.0.0.1:0", and an address
// without a host (":2000") gets 127.0.0.1. Any other address is kept as it is; binding
// "0.0.0.0:2000" makes the simulator reachable from the network.
func ListenAddr(addr string) string {
	if addr == "" {
		return "127.0.0.1:0"
	}
	if host, port, err := net.SplitHostPort(addr); err == nil && host == "" {
		return net.JoinHostPort("127.0.0.1", port)
	}
	return addr
}

// ListenTCP listens on [ListenAddr](addr) and serves each accepted connection in the
// background until Close. It returns the address bound. After Close it returns an error
// wrapping net.ErrClosed.
func (s *Server) ListenTCP(addr string) (string, error) {
	ln, err := net.Listen("tcp", ListenAddr(addr))
	if err != nil {
		return "", fmt.Errorf("%s: listen: %w", s.cfg.Name, err)
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		ln.Close()
		return "", s.errClosed()
	}
	s.lns = append(s.lns, ln)
	s.wg.Add(1) // under mu, so that a Close that follows waits for the accept loop
	s.mu.Unlock()
	go s.accept(ln)
	s.log.Debug(s.cfg.Name+": listening", "addr", ln.Addr().String())
	return ln.Addr().String(), nil
}

func (s *Server) accept(ln net.Listener) {
	defer s.wg.Done()
	for {
		c, err := ln.Accept()
		if err != nil {
			if !s.isClosed() {
				s.log.Debug(s.cfg.Name+": accept stopped", "addr", ln.Addr().String(), "err", err)
			}
			return
		}
		s.wg.Add(1) // the accept loop is itself counted, so Close's Wait has not returned
		go func() {
			defer s.wg.Done()
			_ = s.serve(context.Background(), c, false)
		}()
	}
}

func (s *Server) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

// Serve serves one link with the Handler until the peer hangs up, an error, ctx's end or
// Close, and closes c. Close waits for it. It returns:
//
//   - nil when the peer hung up (EOF; EIO, as a pty master reads once its slave side is
//     closed; a closed pipe);
//   - an error wrapping net.ErrClosed when the Server was closed before or during the link;
//   - ctx.Err() when ctx ended;
//   - otherwise the Handler's error.
func (s *Server) Serve(ctx context.Context, c io.ReadWriteCloser) error {
	return s.serve(ctx, c, true)
}

func (s *Server) serve(ctx context.Context, c io.ReadWriteCloser, counted bool) error {
	hctx, cancel := context.WithCancel(ctx)
	defer cancel()
	l := &link{c: c, cancel: cancel}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		c.Close()
		return s.errClosed()
	}
	s.links[l] = struct{}{}
	if counted {
		s.wg.Add(1)
	}
	s.mu.Unlock()
	stop := context.AfterFunc(hctx, func() { c.Close() })
	peer := peerOf(c)
	s.log.Debug(s.cfg.Name+": link opened", "peer", peer)

	err := s.cfg.Handler(hctx, c)

	stop()
	c.Close()
	s.mu.Lock()
	delete(s.links, l)
	closed := s.closed
	if counted {
		s.wg.Done()
	}
	s.mu.Unlock()
	switch {
	case closed:
		err = s.errClosed()
	case ctx.Err() != nil:
		err = ctx.Err()
	case IsHangup(err):
		err = nil
	}
	s.log.Debug(s.cfg.Name+": link ended", "peer", peer, "err", err)
	return err
}

// IsHangup reports whether err is how a link reads once its peer is gone: EOF, a closed
// connection or pipe, or EIO (a pty master whose slave side was closed).
func IsHangup(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) || errors.Is(err, io.ErrClosedPipe) ||
		errors.Is(err, os.ErrClosed) || errors.Is(err, syscall.EIO)
}

// peerOf names a link for the log: the remote address of a network connection, the name of
// a file (a pty master), else the Go type.
func peerOf(c io.ReadWriteCloser) string {
	switch v := c.(type) {
	case interface{ RemoteAddr() net.Addr }:
		if a := v.RemoteAddr(); a != nil {
			return a.String()
		}
	case interface{ Name() string }:
		return v.Name()
	}
	return fmt.Sprintf("%T", c)
}

// Close stops the listeners, closes every live link, runs Config.OnClose and waits for the
// accept loops and handlers to return. It always returns nil. It is safe to call more than
// once and from several goroutines: every call returns once the handlers have.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		s.wg.Wait()
		return nil
	}
	s.closed = true
	for _, ln := range s.lns {
		ln.Close()
	}
	for l := range s.links {
		l.cancel()
		l.c.Close()
	}
	s.mu.Unlock()
	if s.cfg.OnClose != nil {
		s.cfg.OnClose()
	}
	s.wg.Wait()
	s.log.Debug(s.cfg.Name + ": closed")
	return nil
}

// Wait waits d, or until done is closed (a link's or the simulator's end); it reports
// whether d passed. A d of zero or less returns true at once.
func Wait(done <-chan struct{}, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-done:
		return false
	}
}
