package privatsim

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/uapos/uapos/simulators/control"
	"github.com/uapos/uapos/simulators/internal/simnet"
)

// Fault is a one-shot misbehaviour of the next reply to a method (see [Server.InjectFault]).
type Fault int

// The faults.
const (
	// FaultNone clears an injected fault.
	FaultNone Fault = iota
	// FaultLoseReply: do the operation (it is journaled and charged), then close the
	// connection without replying, as a cable pulled at the wrong moment.
	FaultLoseReply
	// FaultCutReply: do the operation, write half of the reply frame, then close.
	FaultCutReply
	// FaultGarbage: do the operation, then write Config.GarbageSize bytes without any 0x00
	// instead of the reply, then close.
	FaultGarbage
	// FaultSilence: do the operation and never reply; the connection stays open.
	FaultSilence
	// FaultDropRequest: close the connection on receiving the request, without doing it.
	FaultDropRequest
)

// Config holds the simulator's knobs. The zero value is a happy, instant terminal.
type Config struct {
	// Vendor and Model answer identify; defaults "PAX" and "s800" (the spec's example).
	Vendor, Model string
	// Version answers GetTerminalInfo; default "TE7E132 TESTKKM000CT22927302" (spec §5.8).
	Version string
	// Merchants answers getMerchantList and Masks getMaskList (index -> value); defaults are
	// the spec's §6.4 / §6.5 examples.
	Merchants, Masks map[string]string
	// StepDelay is the time between status steps of a card operation (9, 1, 6, 3, 10, 0);
	// zero in tests.
	StepDelay time.Duration
	// HoldCard stops every card operation at status 9 ("waiting for card") until
	// [Server.PresentCard] or an interrupt; [Server.Waiting] signals when one waits.
	HoldCard bool
	// Correction stops every Purchase at status 11 until correctTransaction or an interrupt.
	Correction bool
	// Busy answers every non-service request with deviceBusy.
	Busy bool
	// Silent never answers anything.
	Silent bool
	// Decline maps an amount as sent ("0.05") to the response code of the reply ("0005",
	// "0051", "1001"...); see [DeclineRules].
	Decline map[string]string
	// PartialLimit, when not "", approves purchases above it only up to it, with
	// responseCode "0010" (spec §5.28).
	PartialLimit string
	// GarbageSize is the size of a [FaultGarbage] reply; 0 means 10 MiB.
	GarbageSize int
	// HandoverWait is how long a request from a new client waits for the session holder's
	// disconnect to be seen before it gets silence: a terminal sees the old connection's close
	// before the new one's data, but the simulator's goroutines may not. 0 means 200 ms;
	// negative means no wait.
	HandoverWait time.Duration
	// Shared lets a second client be served while another holds the session; by default a
	// second client gets silence, as a Newland N950 does (privatjson.md §1.3).
	Shared bool
	// Logger gets Debug records of links opening and ending; nil discards them.
	Logger *slog.Logger
}

// DeclineRules is a ready Decline map: host declines 0005 and 0051, terminal codes 1001
// (cancelled), 1002 (EMV decline) and 1004 (no host link).
var DeclineRules = map[string]string{
	"0.05": "0005", "0.51": "0051", "10.01": "1001", "10.02": "1002", "10.04": "1004",
}

// Server is a simulated PrivatBank JSON ECR terminal.
type Server struct {
	cfg Config

	mu       sync.Mutex
	active   *session
	op       *operation // the running card operation, terminal-wide
	lastStat int
	bank     bank
	faults   map[string]Fault
	waiting  chan struct{}
	present  chan struct{}
	complete chan string
	nextCode string
	requests map[string]int

	// The control (control.go): armed faults, what the bank saw, what was asked.
	cs        control.State
	closing   chan struct{}
	closeOnce sync.Once

	net *simnet.Server
}

// New returns a simulator with cfg.
func New(cfg Config) *Server {
	if cfg.Vendor == "" {
		cfg.Vendor = "PAX"
	}
	if cfg.Model == "" {
		cfg.Model = "s800"
	}
	if cfg.Version == "" {
		cfg.Version = "TE7E132 TESTKKM000CT22927302"
	}
	if cfg.Merchants == nil {
		cfg.Merchants = map[string]string{"3": "Оплата Частинами в періоді", "4": "Оплата частинами", "5": "Миттєва Розстрочка", "6": "Миттєва Розстрочка Акція", "12": "Табелювання"}
	}
	if cfg.Masks == nil {
		cfg.Masks = map[string]string{"1": "TESTKKM0", "2": "TESTKKM1", "3": "X1110B6L", "4": "X11113W2", "5": "REFUND"}
	}
	if cfg.HandoverWait == 0 {
		cfg.HandoverWait = 200 * time.Millisecond
	}
	if cfg.GarbageSize == 0 {
		cfg.GarbageSize = 10 << 20
	}
	s := &Server{cfg: cfg, faults: map[string]Fault{}, waiting: make(chan struct{}, 1),
		present: make(chan struct{}, 1), complete: make(chan string, 64), requests: map[string]int{},
		bank: newBank(), closing: make(chan struct{})}
	s.net = simnet.New(simnet.Config{Name: "privatsim", Handler: s.serveLink, Logger: cfg.Logger, OnClose: s.abortOp})
	return s
}

func newBank() bank { return bank{invoice: 100000, rrn: 14721258500, now: time.Now} }

// ListenTCP listens on addr ("" means "127.0.0.1:0", a host-less ":2000" binds 127.0.0.1;
// the real terminal's port is 2000) and serves connections in the background. It returns
// the address. After Close it returns an error wrapping net.ErrClosed.
func (s *Server) ListenTCP(addr string) (string, error) { return s.net.ListenTCP(addr) }

// ServeConn serves one link (a TCP connection, a pty master) until EOF, an error, ctx's end
// or Close, and closes c. It returns nil when the client hung up, ctx.Err() when ctx ended,
// and an error wrapping net.ErrClosed when the server was closed.
func (s *Server) ServeConn(ctx context.Context, c io.ReadWriteCloser) error {
	return s.net.Serve(ctx, c)
}

// serveLink is the simnet handler: one client session.
func (s *Server) serveLink(_ context.Context, c io.ReadWriteCloser) error {
	ss := &session{srv: s, c: c, ended: make(chan struct{})}
	err := ss.serve()
	c.Close() // before the session is let go, so a new client sees the old link gone
	s.mu.Lock()
	if s.active == ss {
		s.active = nil
	}
	s.mu.Unlock()
	close(ss.ended)
	return err
}

// Close stops the listeners, closes every connection, interrupts a running card operation
// and waits for the links to end. It is safe to call more than once.
func (s *Server) Close() error { return s.net.Close() }

// abortOp interrupts the running card operation, if any (it may wait for a card), and
// ends the waits of slow answers.
func (s *Server) abortOp() {
	s.closeOnce.Do(func() { close(s.closing) })
	s.mu.Lock()
	if s.op != nil {
		s.op.abort()
	}
	s.mu.Unlock()
}

// DeclineNext makes the next card operation that reads a card end with code ("0005", "0051",
// "1001", "1002", "1004"...), whatever its amount.
func (s *Server) DeclineNext(code string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextCode = code
}

// InjectFault makes the next reply to method (for example "Purchase") misbehave once.
func (s *Server) InjectFault(method string, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[strings.ToLower(method)] = f
}

func (s *Server) takeFault(method string) Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.faults[strings.ToLower(method)]
	delete(s.faults, strings.ToLower(method))
	return f
}

// Waiting receives a value each time a card operation starts waiting for the card (HoldCard)
// or for a correction (Correction).
func (s *Server) Waiting() <-chan struct{} { return s.waiting }

// Completed receives the method name of each card operation when it ends (before its reply
// is written); when nobody reads, names are dropped.
func (s *Server) Completed() <-chan string { return s.complete }

// PresentCard lets a held card operation go on.
func (s *Server) PresentCard() {
	select {
	case s.present <- struct{}{}:
	default:
	}
}

// Requests returns how many requests of a method (or ServiceMessage msgType) were received.
func (s *Server) Requests(name string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests[strings.ToLower(name)]
}

// Journal returns the current batch's transactions, oldest first.
func (s *Server) Journal() []Txn {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Txn(nil), s.bank.batch...)
}

// Charges returns how many approved purchase-type transactions the current batch holds.
func (s *Server) Charges() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, t := range s.bank.batch {
		if t.TxnType == "1" && (t.ResponseCode == "0000" || t.ResponseCode == "0010") {
			n++
		}
	}
	return n
}
