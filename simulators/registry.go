// Package simulators starts the suite's wire simulators by name: the one contract that
// `hwprobe sim`, `hwprobe demo` and tests use to bring a simulated device up on loopback,
// configured with the same fault names everywhere.
//
// Each simulator lives in its own package (privatsim, bposlightsim, bpos1sim, vprinter) with
// its full Go API; this package only names them, turns fault names into their faults and
// Config, and hands back a [Running] simulator whose [Running.Controller] steers it at run
// time (package control: faults, card, ledger, request log, pages) and whose [Running.Sim]
// is that package's value, for anything the contract does not cover:
//
//	r, err := simulators.Start(ctx, simulators.Spec{Name: "bposlight", Faults: []string{"nak=2"}})
//	if err != nil { ... }
//	defer r.Close()
//	conn, err := transport.Open(ctx, "tcp://"+r.Addr())
//	...
//	r.Controller().SetFaults(control.Fault{Name: "drop-reply", Times: 1})
//
// Faults are the words of package control's vocabulary (sticky when given at start, unless
// they say "@N"), and a few start-up words of each simulator that set its Config
// ([FaultForms], [FaultHelp]).
//
// Every simulator listens on 127.0.0.1 unless told otherwise, serves any number of links
// (TCP connections, a pty master through [Running.ServeConn]) until Close, and reports a
// closed simulator with an error wrapping [net.ErrClosed].
package simulators

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/uapos/uapos/simulators/control"
)

// Spec says which simulator to start and how.
type Spec struct {
	// Name is one of [Names]: the protocol name, as `hwprobe sim` takes it.
	Name string
	// Listen is the TCP address [Start] listens on: "" means "127.0.0.1:0"; an address
	// without a host (":2000") binds 127.0.0.1. [New] ignores it.
	Listen string
	// Faults are fault names from [FaultForms] (Name), with their values where the form has
	// one: "nak=2", "decline", "paper-out=20". A word of the vocabulary lasts until it is
	// cleared unless it says "@N". Nil is a well-behaved device.
	Faults []string
	// AnswerDelay is the time a simulated terminal takes between a request that goes to the
	// bank (its ACK, where the protocol has one) and the answer, as a real one reads the card
	// and calls the host. Zero, for tests, answers at once; `hwprobe sim` serves a realistic
	// default. The printer ignores it.
	AnswerDelay time.Duration
	// Logger gets the simulator's Debug records (links opening and ending, and whatever the
	// simulator logs); nil discards them.
	Logger *slog.Logger
}

// Server is the lifecycle every wire simulator of the suite has.
type Server interface {
	// ListenTCP listens on addr ("" means 127.0.0.1:0) and serves in the background; it
	// returns the address bound.
	ListenTCP(addr string) (string, error)
	// ServeConn serves one link (a pty master, a pipe) until the peer hangs up, ctx ends or
	// the simulator closes; it closes c.
	ServeConn(ctx context.Context, c io.ReadWriteCloser) error
	// Close stops listening, closes every link and waits for them.
	Close() error
}

// Running is a simulator made by [Start] or [New]. Its methods are safe for concurrent use.
type Running struct {
	name string
	srv  Server
	sim  any
	ctl  control.Controller

	mu    sync.Mutex
	addrs []string
}

// Name returns the simulator's name (Spec.Name).
func (r *Running) Name() string { return r.name }

// Sim returns the simulator itself, for what the contract does not cover (journals, runtime
// faults, request counters): a *privatsim.Server for "privatjson" and "ssijson", a
// *bposlightsim.Server for "bposlight", a *bpos1sim.Server for "bpos1", a *vprinter.Server
// for "escpos".
func (r *Running) Sim() any { return r.sim }

// Controller returns the simulator's control: set and clear faults, present a card, read
// the charge ledger and the request log, reset; for the printer ("escpos") it is a
// control.Printer, which also returns the pages printed.
func (r *Running) Controller() control.Controller { return r.ctl }

// Addr returns the host:port of the first TCP listener, "" when there is none.
func (r *Running) Addr() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.addrs) == 0 {
		return ""
	}
	return r.addrs[0]
}

// ListenTCP listens on one more address ("" means 127.0.0.1:0) and returns it.
func (r *Running) ListenTCP(addr string) (string, error) {
	a, err := r.srv.ListenTCP(addr)
	if err != nil {
		return "", err
	}
	r.mu.Lock()
	r.addrs = append(r.addrs, a)
	r.mu.Unlock()
	return a, nil
}

// ServeConn serves one link (a pty master, a pipe end) until the peer hangs up, ctx ends or
// Close; it closes c. It returns nil when the peer hung up, ctx.Err() when ctx ended, and an
// error wrapping net.ErrClosed after Close.
func (r *Running) ServeConn(ctx context.Context, c io.ReadWriteCloser) error {
	return r.srv.ServeConn(ctx, c)
}

// Close stops the listeners, closes every link and waits for them. It is safe to call more
// than once.
func (r *Running) Close() error { return r.srv.Close() }

// Start makes the simulator spec names and listens on spec.Listen. ctx bounds the start
// only: the simulator runs until Close.
func Start(ctx context.Context, spec Spec) (*Running, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	r, err := New(spec)
	if err != nil {
		return nil, err
	}
	if _, err := r.ListenTCP(spec.Listen); err != nil {
		r.Close()
		return nil, err
	}
	return r, nil
}

// New makes the simulator spec names without listening: serve it with [Running.ListenTCP]
// or [Running.ServeConn] (a pty, a pipe), and Close it.
func New(spec Spec) (*Running, error) {
	k, ok := lookup(spec.Name)
	if !ok {
		return nil, fmt.Errorf("simulators: no simulator %q (have: %s)", spec.Name, strings.Join(Names(), ", "))
	}
	srv, ctl, err := k.build(spec)
	if err != nil {
		return nil, fmt.Errorf("simulators: %s: %w", k.name, err)
	}
	return &Running{name: k.name, srv: srv, sim: srv, ctl: ctl}, nil
}

// Names returns the names of the simulators, sorted.
func Names() []string {
	n := make([]string, 0, len(kinds))
	for _, k := range kinds {
		n = append(n, k.name)
	}
	slices.Sort(n)
	return n
}

// FaultForms returns the fault forms the simulator called name accepts, for usage texts:
// "busy" (a flag), "partial=AMOUNT" (a value), "nak[=N]" (a value with a default): the
// vocabulary words its protocol can express and its own words, then its start-up words. It
// returns nil for an unknown name.
func FaultForms(name string) []string {
	k, ok := lookup(name)
	if !ok {
		return nil
	}
	return append(Support(name).Forms(), k.words...)
}

// Support returns what the simulator called name makes of the fault vocabulary, with the
// reason for each word its protocol cannot express (the zero Support for an unknown name).
func Support(name string) control.Support {
	r, err := New(Spec{Name: name})
	if err != nil {
		return control.Support{}
	}
	defer r.Close()
	return r.ctl.Support()
}

// FaultHelp is the text of `hwprobe sim NAME --faults help`: every word of the vocabulary
// with what it does, or why the protocol cannot express it, then the start-up words.
func FaultHelp(name string) string {
	k, ok := lookup(name)
	if !ok {
		return ""
	}
	h := Support(name).Help()
	if len(k.words) > 0 {
		h += "start-up only (Config): " + strings.Join(k.words, ", ") + "\n"
	}
	return h
}

// kind is one simulator of the registry.
type kind struct {
	name  string
	words []string // start-up words
	build func(Spec) (Server, control.Controller, error)
}

func lookup(name string) (kind, bool) {
	for _, k := range kinds {
		if k.name == name {
			return k, true
		}
	}
	return kind{}, false
}
