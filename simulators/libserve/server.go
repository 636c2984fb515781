package libserve

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/uapos/uapos/bpos1"
	"github.com/uapos/uapos/posapi/capi"
	"github.com/uapos/uapos/simulators/bpos1sim"
	"github.com/uapos/uapos/simulators/internal/simnet"
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
	net    *simnet.Server
	log    *slog.Logger
	conns  atomic.Int32

	mu    sync.Mutex
	addrs []string
}

// Config configures a server; the zero value works.
type Config struct {
	// Logger gets Debug records of connections opening and ending and of refused
	// requests; nil discards them.
	Logger *slog.Logger
}

func newServer(kind string, cfg Config) *Server {
	s := &Server{kind: kind, log: cfg.Logger}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.net = simnet.New(simnet.Config{Name: "libserve", Handler: s.serve, Logger: cfg.Logger})
	return s
}

// NewPOSAPI returns a server of lib: a *posapisim.Library, or any other capi.Library.
func NewPOSAPI(lib capi.Library, cfg Config) *Server {
	s := newServer(KindPOSAPI, cfg)
	s.posapi, s.sim = lib, lib
	return s
}

// NewBPOS1 returns a server of lib: a *bpos1sim.Library, or any other bpos1.Lib.
func NewBPOS1(lib bpos1.Lib, cfg Config) *Server {
	s := newServer(KindBPOS1, cfg)
	s.bpos1, s.sim = lib, lib
	return s
}

// Start makes the default simulator of kind (KindPOSAPI: posapisim.New(posapisim.Config{});
// KindBPOS1: bpos1sim.NewLibrary(bpos1sim.Config{})), listens on addr and serves it in the
// background until Close. An empty addr means the kind's default address
// (DefaultPOSAPIAddr, DefaultBPOS1Addr); an address without a host (":47390") binds
// 127.0.0.1. ctx bounds the start only. [Server.Sim] returns the simulator.
func Start(ctx context.Context, kind, addr string) (*Server, error) {
	return StartWith(ctx, kind, addr, SimOptions{})
}

// SimOptions tune the simulator [StartWith] makes.
type SimOptions struct {
	// AnswerDelay is the time a card operation spends "with the host" before its answer
	// (the simulators' Config.AnswerDelay); 0 answers at once.
	AnswerDelay time.Duration
}

// StartWith is [Start] with the simulator tuned by o.
func StartWith(ctx context.Context, kind, addr string, o SimOptions) (*Server, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var s *Server
	switch kind {
	case KindPOSAPI:
		s = NewPOSAPI(posapisim.New(posapisim.Config{AnswerDelay: o.AnswerDelay}), Config{})
	case KindBPOS1:
		s = NewBPOS1(bpos1sim.NewLibrary(bpos1sim.Config{AnswerDelay: o.AnswerDelay}), Config{})
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
// "" means the kind's default address; a host-less address binds 127.0.0.1. After Close it
// returns an error wrapping net.ErrClosed.
func (s *Server) ListenTCP(addr string) (string, error) {
	if addr == "" {
		addr = DefaultPOSAPIAddr
		if s.kind == KindBPOS1 {
			addr = DefaultBPOS1Addr
		}
	}
	a, err := s.net.ListenTCP(addr)
	if err != nil {
		return "", err
	}
	s.mu.Lock()
	s.addrs = append(s.addrs, a)
	s.mu.Unlock()
	return a, nil
}

// ServeConn serves one connection (a net.Conn, one end of a net.Pipe) until the peer hangs
// up, ctx ends or Close; it closes c. It returns nil when the peer hung up, ctx.Err() when
// ctx ended, and an error wrapping net.ErrClosed after Close.
func (s *Server) ServeConn(ctx context.Context, c io.ReadWriteCloser) error {
	return s.net.Serve(ctx, c)
}

// Close stops listening, closes every connection and waits for the calls in progress.
// It is safe to call more than once.
func (s *Server) Close() error { return s.net.Close() }

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

// serve runs one connection (the simnet Handler): it returns the error that ended it.
func (s *Server) serve(ctx context.Context, c io.ReadWriteCloser) error {
	if s.conns.Add(1) > MaxConns {
		s.conns.Add(-1)
		return fmt.Errorf("libserve: more than %d connections", MaxConns)
	}
	defer s.conns.Add(-1)
	ss := &session{handles: map[capi.Handle]bool{}}
	defer func() {
		for h := range ss.handles {
			s.posapi.Close(h)
		}
	}()
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
			s.log.Debug("libserve: request refused", "kind", s.kind, "err", resp.Err.Msg)
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
