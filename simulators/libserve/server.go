package libserve

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/uapos/uapos/bpos1"
	"github.com/uapos/uapos/posapi/capi"
	"github.com/uapos/uapos/simulators/bpos1sim"
	"github.com/uapos/uapos/simulators/posapisim"
)

// Default addresses of the two servers: what [Start] listens on for an empty address and
// what the fake libraries dial when their environment variable is unset.
const (
	DefaultPOSAPIAddr = "127.0.0.1:47390"
	DefaultBPOS1Addr  = "127.0.0.1:47391"
)

// Limits of a server.
const (
	// MaxConns is how many connections a server serves at once; more are closed at once.
	MaxConns = 64
	// frameTimeout bounds the arrival of a request body once its length came, and the
	// writing of an answer.
	frameTimeout = 10 * time.Second
)

// Server serves one library to any number of loopback connections. Calls of all
// connections go to the same library, one call at a time per connection; the library must
// be safe for concurrent use (the simulators are).
type Server struct {
	kind   string
	posapi capi.Library
	bpos1  bpos1.Lib
	sim    any

	// Logger gets Debug records of connections opening and ending and of refused
	// requests; nil discards them. Set it before serving.
	Logger *slog.Logger

	mu     sync.Mutex
	closed bool
	lns    []net.Listener
	conns  map[io.ReadWriteCloser]struct{}
	addrs  []string
	wg     sync.WaitGroup
}

// NewPOSAPI returns a server of lib: a *posapisim.Library, or any other capi.Library.
func NewPOSAPI(lib capi.Library) *Server {
	return &Server{kind: KindPOSAPI, posapi: lib, sim: lib, conns: map[io.ReadWriteCloser]struct{}{}}
}

// NewBPOS1 returns a server of lib: a *bpos1sim.Library, or any other bpos1.Lib.
func NewBPOS1(lib bpos1.Lib) *Server {
	return &Server{kind: KindBPOS1, bpos1: lib, sim: lib, conns: map[io.ReadWriteCloser]struct{}{}}
}

// Start makes the default simulator of kind (KindPOSAPI: posapisim.New(posapisim.Config{});
// KindBPOS1: bpos1sim.NewLibrary(bpos1sim.Config{})), listens on addr and serves it in the
// background until Close. An empty addr means the kind's default address
// (DefaultPOSAPIAddr, DefaultBPOS1Addr); an address without a host (":47390") binds
// 127.0.0.1. ctx bounds the start only. [Server.Sim] returns the simulator.
func Start(ctx context.Context, kind, addr string) (*Server, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var s *Server
	switch kind {
	case KindPOSAPI:
		s = NewPOSAPI(posapisim.New(posapisim.Config{}))
	case KindBPOS1:
		s = NewBPOS1(bpos1sim.NewLibrary(bpos1sim.Config{}))
	default:
		return nil, fmt.Errorf("libserve: no library simulator %q (have: %s, %s)", kind, KindPOSAPI, KindBPOS1)
	}
	if _, err := s.ListenTCP(addr); err != nil {
		return nil, err
	}
	return s, nil
}

// Kind returns KindPOSAPI or KindBPOS1.
func (s *Server) Kind() string { return s.kind }

// Sim returns the library served: with [Start], a *posapisim.Library or a
// *bpos1sim.Library, whose journals are the charge ledger.
func (s *Server) Sim() any { return s.sim }

// Addr returns the first address listened on, "" when none.
func (s *Server) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.addrs) == 0 {
		return ""
	}
	return s.addrs[0]
}

// ListenTCP listens on addr and serves in the background; it returns the address bound.
// "" means the kind's default address; a host-less address binds 127.0.0.1.
func (s *Server) ListenTCP(addr string) (string, error) {
	if addr == "" {
		addr = DefaultPOSAPIAddr
		if s.kind == KindBPOS1 {
			addr = DefaultBPOS1Addr
		}
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("libserve: listen %q: %w", addr, err)
	}
	if host == "" {
		addr = net.JoinHostPort("127.0.0.1", port)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("libserve: %w", err)
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		ln.Close()
		return "", fmt.Errorf("libserve: listen: %w", net.ErrClosed)
	}
	s.lns = append(s.lns, ln)
	s.addrs = append(s.addrs, ln.Addr().String())
	s.wg.Add(1)
	s.mu.Unlock()
	go func() {
		defer s.wg.Done()
		s.accept(ln)
	}()
	return ln.Addr().String(), nil
}

func (s *Server) accept(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		if s.closed || len(s.conns) >= MaxConns {
			s.mu.Unlock()
			c.Close()
			continue
		}
		s.conns[c] = struct{}{}
		s.wg.Add(1)
		s.mu.Unlock()
		go func() {
			defer s.wg.Done()
			s.serve(context.Background(), c)
		}()
	}
}

// ServeConn serves one connection (a net.Conn, one end of a net.Pipe) until the peer hangs
// up, ctx ends or Close; it closes c. It returns nil when the peer hung up, ctx.Err() when
// ctx ended, and an error wrapping net.ErrClosed after Close.
func (s *Server) ServeConn(ctx context.Context, c io.ReadWriteCloser) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		c.Close()
		return fmt.Errorf("libserve: serve: %w", net.ErrClosed)
	}
	s.conns[c] = struct{}{}
	s.wg.Add(1)
	s.mu.Unlock()
	defer s.wg.Done()
	err := s.serve(ctx, c)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	s.mu.Lock()
	closed := s.closed
	s.mu.Unlock()
	if closed {
		return fmt.Errorf("libserve: serve: %w", net.ErrClosed)
	}
	if errors.Is(err, io.EOF) {
		return nil
	}
	return err
}

// Close stops listening, closes every connection and waits for the calls in progress.
// It is safe to call more than once.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	for _, ln := range s.lns {
		ln.Close()
	}
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
	return nil
}

type deadliner interface {
	SetReadDeadline(time.Time) error
	SetWriteDeadline(time.Time) error
}

// session is the state of one connection: the POSAPI handles it opened, closed when it
// ends (the app is gone: its library would have dropped the link to the terminal).
type session struct {
	handles map[capi.Handle]bool
	hello   bool
}

// serve runs one connection: it returns the error that ended it (io.EOF: the peer hung up).
func (s *Server) serve(ctx context.Context, c io.ReadWriteCloser) error {
	log := s.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	stop := context.AfterFunc(ctx, func() { c.Close() })
	defer stop()
	ss := &session{handles: map[capi.Handle]bool{}}
	defer func() {
		c.Close()
		s.mu.Lock()
		delete(s.conns, c)
		s.mu.Unlock()
		for h := range ss.handles {
			s.posapi.Close(h)
		}
		log.Debug("libserve: connection ended", "kind", s.kind)
	}()
	log.Debug("libserve: connection", "kind", s.kind)
	dl, _ := c.(deadliner)
	br := bufio.NewReader(c)
	var out []byte
	for {
		if dl != nil {
			dl.SetReadDeadline(time.Time{})
		}
		if _, err := br.Peek(1); err != nil {
			return err
		}
		if dl != nil {
			dl.SetReadDeadline(time.Now().Add(frameTimeout))
		}
		body, err := readFrame(br, MaxRequest)
		var resp *Response
		fatal := false
		switch {
		case errors.Is(err, ErrTooLarge):
			resp, fatal = &Response{Err: &RemoteError{Code: CodeTooLarge, Msg: err.Error()}}, true
		case err != nil:
			return err
		default:
			resp, fatal = s.handle(ss, body)
		}
		if resp.Err != nil {
			log.Debug("libserve: request refused", "kind", s.kind, "err", resp.Err.Msg)
		}
		b, err := json.Marshal(resp)
		if err == nil && len(b) > MaxResponse {
			b, _ = json.Marshal(&Response{Err: &RemoteError{Code: CodeTooLarge,
				Msg: fmt.Sprintf("answer of %d bytes exceeds %d", len(b), MaxResponse)}})
		}
		if err != nil {
			return err
		}
		if dl != nil {
			dl.SetWriteDeadline(time.Now().Add(frameTimeout))
		}
		out = appendFrame(out[:0], b)
		if _, err := c.Write(out); err != nil {
			return err
		}
		if fatal {
			return &ProtocolError{Op: "serve", Err: errors.New(resp.Err.Msg)}
		}
	}
}

// handle decodes one request body and runs it; fatal ends the connection.
func (s *Server) handle(ss *session, body []byte) (resp *Response, fatal bool) {
	r, err := DecodeRequest(s.kind, body)
	if err != nil {
		code := CodeBadRequest
		switch {
		case errors.Is(err, ErrUnknownCall):
			code = CodeUnknownCall
		case errors.Is(err, ErrBadArgs):
			code = CodeBadArgs
		}
		return &Response{Err: &RemoteError{Code: code, Msg: err.Error()}}, false
	}
	if r.Call == callHello {
		if want := string(r.Strs[0]); want != s.kind || r.Ints[0] != Version {
			return &Response{Err: &RemoteError{Code: CodeWrongKind,
				Msg: fmt.Sprintf("this server serves %s (version %d), not %s (version %d)", s.kind, Version, truncate(want), r.Ints[0])}}, true
		}
		ss.hello = true
		return &Response{Ret: Version, Str: []byte(s.kind)}, false
	}
	if !ss.hello {
		return &Response{Err: &RemoteError{Code: CodeBadRequest, Msg: "the first call must be hello"}}, true
	}
	if s.kind == KindPOSAPI {
		return s.servePOSAPI(ss, r), false
	}
	return s.serveBPOS1(r), false
}
