// Package simulators starts the suite's wire simulators by name: the one contract that
// `hwprobe sim`, `hwprobe demo` and tests use to bring a simulated device up on loopback,
// configured with the same fault names everywhere.
//
// Each simulator lives in its own package (privatsim, bposlightsim, bpos1sim, vprinter) with
// its full Go API; this package only names them, turns fault names into their Config, and
// hands back a [Running] simulator whose [Running.Sim] is that package's value, for anything
// the contract does not cover:
//
//	r, err := simulators.Start(ctx, simulators.Spec{Name: "bposlight", Faults: []string{"nak=2"}})
//	if err != nil { ... }
//	defer r.Close()
//	conn, err := transport.Open(ctx, "tcp://"+r.Addr())
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
)

// Spec says which simulator to start and how.
type Spec struct {
	// Name is one of [Names]: the protocol name, as `hwprobe sim` takes it.
	Name string
	// Listen is the TCP address [Start] listens on: "" means "127.0.0.1:0"; an address
	// without a host (":2000") binds 127.0.0.1. [New] ignores it.
	Listen string
	// Faults are fault names from [FaultForms] (Name), with their values where the form has
	// one: "nak=2", "decline", "paper-out=20". Nil is a well-behaved device.
	Faults []string
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
	for _, f := range spec.Faults {
		if !knownFault(k.faults, f) {
			return nil, fmt.Errorf("simulators: %s has no fault %q (have: %s)", k.name, f, strings.Join(k.faults, ", "))
		}
	}
	srv, err := k.build(spec)
	if err != nil {
		return nil, fmt.Errorf("simulators: %s: %w", k.name, err)
	}
	return &Running{name: k.name, srv: srv, sim: srv}, nil
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
// "busy" (a flag), "partial=AMOUNT" (a value), "nak[=N]" (a value with a default). It
// returns nil for an unknown name.
func FaultForms(name string) []string {
	k, ok := lookup(name)
	if !ok {
		return nil
	}
	return slices.Clone(k.faults)
}

// kind is one simulator of the registry.
type kind struct {
	name   string
	faults []string
	build  func(Spec) (Server, error)
}

func lookup(name string) (kind, bool) {
	for _, k := range kinds {
		if k.name == name {
			return k, true
		}
	}
	return kind{}, false
}

// knownFault reports whether fault ("nak", "nak=2", "partial=10.00") has one of the forms.
func knownFault(forms []string, fault string) bool {
	name, _, _ := strings.Cut(fault, "=")
	for _, f := range forms {
		if formName(f) == name {
			return true
		}
	}
	return false
}
