package bposlightsim

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/uapos/uapos/simulators/control"
	"github.com/uapos/uapos/simulators/internal/simnet"
)

// Faults are the simulator's misbehaviours. The zero value is a well-behaved terminal.
type Faults struct {
	// NAKRequests: answer NAK to the next N request frames even when their LRC is right
	// (a NAK storm; with N >= 3 the ECR should give up with EOT).
	NAKRequests int
	// CorruptResponses: send the next N response frames with a wrong LRC.
	CorruptResponses int
	// NoACK: read and ignore everything: no ACK, no answer (a dead or silent terminal).
	NoACK bool
	// NoResponse: ACK requests but never answer them (a terminal that hangs).
	NoResponse bool
	// DeclineRC, when non-zero, is the RC of every purchase answer (a host decline below
	// 1000, a terminal error from 1000).
	DeclineRC uint32
	// EOTOnPurchase: answer a purchase with a bare EOT instead of a frame ("rejected or
	// aborted", bposlight.md §2 "Abort").
	EOTOnPurchase bool
	// DisconnectOn: close the link right after ACKing a request of this type ("PUR",
	// "CON", ...); empty never.
	DisconnectOn string
}

// Config configures the simulated terminal. The zero value is the terminal of the spec's
// examples (MID BANK, TID 12123123) answering at once.
type Config struct {
	// MIDs and TIDs are the acquirers, paired by position. Default {"BANK"} / {"12123123"}.
	MIDs, TIDs []string
	// PAN is the masked card number reported; default "4731*9838" (the spec masks as
	// "1234*4321").
	PAN string
	// EAID, Holder, CardType, PaySys: card answer fields; defaults "A0000000031010",
	// "TEST CARD", "CHIP", "VISA".
	EAID, Holder, CardType, PaySys string
	// QRData is what a QR purchase "scans"; default "www.qrcode.net" (spec example).
	QRData string
	// FiscalNumber and FiscalLink answer a purchase that carried GOODS; defaults
	// "12345678" and "http://tax.gov.ua/link_to_receipt_on_tax_service" (spec example).
	FiscalNumber, FiscalLink string
	// WaitForCard makes a purchase wait until [Server.PresentCard] or the ECR's EOT.
	// Default false: the card is "presented" at once.
	WaitForCard bool
	// ConfirmTimeout is how long an approved purchase waits for CON before the terminal
	// cancels it. Default 60 s (the spec says the bank configures it). A new request also
	// cancels a purchase still waiting (the simulator's model).
	ConfirmTimeout time.Duration
	// ACKTimeout is the wait for the ECR's ACK after an answer; default 6 s (bposlight.md §1.2).
	ACKTimeout time.Duration
	// AnswerDelay is the time between the ACK of a request that goes to the bank (PUR, CAN,
	// SET) and its answer: a real terminal reads the card and calls the host in between.
	// Zero answers at once; `hwprobe sim` serves a realistic default.
	AnswerDelay time.Duration
	// Faults are the initial faults; change them with [Server.SetFaults], or use the
	// fault vocabulary of package control through [Server.Control].
	Faults Faults
	// Now is the clock for DATETIM; nil means time.Now.
	Now func() time.Time
	// Logger gets Debug records of the simulator; nil discards.
	Logger *slog.Logger
}

// Server is a simulated B-POS Light terminal. One batch journal is shared by every link it
// serves; links are served one request at a time.
type Server struct {
	cfg Config
	log *slog.Logger

	mu            sync.Mutex
	faults        Faults
	batch         uint32
	invoice       uint32
	journal       []*Txn
	closed        []*Txn
	pending       *Txn
	pendingTimer  *time.Timer
	autoCancelled int
	settlements   int
	requests      []string
	badFrames     int
	card          chan struct{}
	waiting       chan struct{}

	// The control (control.go): armed faults, what the bank saw, what was asked.
	cs control.State

	net *simnet.Server
}

// New returns a simulator; call ListenTCP or ServeConn to serve links.
func New(cfg Config) *Server {
	if len(cfg.MIDs) == 0 {
		cfg.MIDs = []string{"BANK"}
	}
	if len(cfg.TIDs) == 0 {
		cfg.TIDs = []string{"12123123"}
	}
	for len(cfg.TIDs) < len(cfg.MIDs) {
		cfg.TIDs = append(cfg.TIDs, strconv.Itoa(10000000+len(cfg.TIDs)))
	}
	for len(cfg.MIDs) < len(cfg.TIDs) {
		cfg.MIDs = append(cfg.MIDs, "MID"+strconv.Itoa(len(cfg.MIDs)+1))
	}
	def := func(p *string, v string) {
		if *p == "" {
			*p = v
		}
	}
	def(&cfg.PAN, "4731*9838")
	def(&cfg.EAID, "A0000000031010")
	def(&cfg.Holder, "TEST CARD")
	def(&cfg.CardType, "CHIP")
	def(&cfg.PaySys, "VISA")
	def(&cfg.QRData, "www.qrcode.net")
	def(&cfg.FiscalNumber, "12345678")
	def(&cfg.FiscalLink, "http://tax.gov.ua/link_to_receipt_on_tax_service")
	if cfg.ConfirmTimeout <= 0 {
		cfg.ConfirmTimeout = 60 * time.Second
	}
	if cfg.ACKTimeout <= 0 {
		cfg.ACKTimeout = 6 * time.Second
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Server{cfg: cfg, log: log, faults: cfg.Faults, batch: 1, card: make(chan struct{}, 1), waiting: make(chan struct{}, 1)}
	s.net = simnet.New(simnet.Config{Name: "bposlightsim", Handler: s.serveLink, Logger: cfg.Logger})
	return s
}

func (s *Server) now() time.Time {
	if s.cfg.Now != nil {
		return s.cfg.Now()
	}
	return time.Now()
}

// SetFaults replaces the faults; they apply from the next event.
func (s *Server) SetFaults(f Faults) {
	s.mu.Lock()
	s.faults = f
	s.mu.Unlock()
}

// PresentCard "taps" a card for a purchase waiting under WaitForCard.
func (s *Server) PresentCard() {
	select {
	case s.card <- struct{}{}:
	default:
	}
}

// WaitingForCard returns a channel that receives when a purchase starts waiting for the
// card under WaitForCard (one signal is kept if nobody is receiving).
func (s *Server) WaitingForCard() <-chan struct{} { return s.waiting }

// ExpirePending makes the confirm time of a purchase waiting for CON run out now.
func (s *Server) ExpirePending() {
	s.mu.Lock()
	s.autoCancelLocked()
	s.mu.Unlock()
}

// Journal returns a copy of the current batch's records (and, with closed set, of the
// records of closed batches before them).
func (s *Server) Journal(closed bool) []Txn {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Txn
	if closed {
		for _, t := range s.closed {
			out = append(out, *t)
		}
	}
	for _, t := range s.journal {
		out = append(out, *t)
	}
	return out
}

// Totals returns what SET would report now for the merchant (empty = the first).
func (s *Server) Totals(mid string) Totals {
	s.mu.Lock()
	defer s.mu.Unlock()
	if mid == "" {
		mid = s.cfg.MIDs[0]
	}
	return s.totalsLocked(mid)
}

// Stats are counters for tests.
type Stats struct {
	Batch         uint32
	Requests      []string // REQ types in arrival order (good frames only)
	BadFrames     int      // frames NAKed for a bad LRC
	AutoCancelled int      // purchases cancelled for want of CON
	Settlements   int
	Pending       bool // a purchase waits for CON
}

// Stats returns the counters.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return Stats{Batch: s.batch, Requests: append([]string(nil), s.requests...), BadFrames: s.badFrames,
		AutoCancelled: s.autoCancelled, Settlements: s.settlements, Pending: s.pending != nil}
}

// ListenTCP listens on addr ("" means "127.0.0.1:0", a host-less ":2000" binds 127.0.0.1;
// the real terminal's port is 2000, bposlight.md §1.2) and serves each accepted connection
// in the background. It returns the address listened on. After Close it returns an error
// wrapping net.ErrClosed.
func (s *Server) ListenTCP(addr string) (string, error) { return s.net.ListenTCP(addr) }

// Close stops the listeners, closes the links being served and waits for them. It is safe
// to call more than once.
func (s *Server) Close() error {
	err := s.net.Close()
	s.mu.Lock()
	if s.pendingTimer != nil {
		s.pendingTimer.Stop()
	}
	s.mu.Unlock()
	return err
}

// ServeConn serves one link (a TCP connection, a pty master, a pipe end) until the ECR
// closes it, ctx ends or the server closes, and closes c. It returns nil when the ECR hung
// up, ctx.Err() when ctx ended, and an error wrapping net.ErrClosed when the server was
// closed.
func (s *Server) ServeConn(ctx context.Context, c io.ReadWriteCloser) error {
	return s.net.Serve(ctx, c)
}

// serveLink is the simnet handler: one ECR link.
func (s *Server) serveLink(ctx context.Context, c io.ReadWriteCloser) error {
	done := make(chan struct{})
	defer close(done)
	toks := make(chan token)
	go readTokens(c, toks, done)
	ss := &session{s: s, c: c, toks: toks, ctx: ctx}
	return ss.run()
}
