package harness

import (
	"errors"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/uapos/uapos/bpos1"
	"github.com/uapos/uapos/journal"
	"github.com/uapos/uapos/payment"
	"github.com/uapos/uapos/simulators"
	"github.com/uapos/uapos/simulators/bpos1sim"
)

func bpos1Protocol(wire bool) protocol {
	name := "bpos1-library"
	support := bpos1sim.NewLibrary(bpos1sim.Config{}).Control().Support()
	if wire {
		name = "bpos1-wire"
		support = simulators.Support("bpos1")
	}
	return protocol{
		name:    name,
		support: support,
		skip:    func(op payment.Operation, f string) string { return "" },
		want: func(op payment.Operation, f string) error {
			switch {
			case f == "silent" && !wire:
				// The library model has no timeout of its own: the caller's deadline ends
				// the wait, the client sends Cancel and the library answers 1001, so the
				// outcome is known: cancelled (DM 5001).
				return payment.ErrCancelled
			case f == "silent":
				// The wire client reports a missing ACK as the vendor library does: ECRC
				// "error connecting with terminal", DM 5012, kind link.
				return payment.ErrLink
			case f == "drop-reply" && !wire:
				return payment.ErrLink // LastErrorCode 3, "error connecting with terminal"
			}
			return nil
		},
		open: func(t *testing.T, op payment.Operation, f string, log *slog.Logger, j journal.Journal) *cellEnv {
			return openBpos1(t, wire, f, log, j)
		},
		known: func(op payment.Operation, f string, err error) string {
			// WireLib turns every link-layer error, an impossible frame length included,
			// into the vendor library's ECRC "error connecting with terminal" (DM 5012,
			// kind link); a hostile frame is a protocol violation, not a connection error.
			if wire && f == "garbage" && errors.Is(err, payment.ErrLink) && strings.Contains(err.Error(), "frame bigger") {
				return "bpos1 WireLib maps a bad frame to ECRC error-connecting (5012)"
			}
			return ""
		},
	}
}

func openBpos1(t *testing.T, wire bool, f string, log *slog.Logger, j journal.Journal) *cellEnv {
	simCfg := bpos1sim.Config{Logger: log}
	e := &cellEnv{}
	if f == "silent" || f == "card-timeout" {
		e.opTimeout = 300 * time.Millisecond
	}
	cfg := bpos1.Config{PollInterval: time.Millisecond, CancelWait: 300 * time.Millisecond, Name: "harness", Logger: log}
	tc := bpos1.TerminalConfig{Journal: j, Key: "bpos1-harness", Logger: log}
	if !wire {
		lib := bpos1sim.NewLibrary(simCfg)
		c, err := bpos1.New(lib, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.OpenTCP(opCtx(t), "127.0.0.1", "2000"); err != nil { // no socket: the library model
			t.Fatal(err)
		}
		if e.term, err = bpos1.NewTerminal(c, tc); err != nil {
			t.Fatal(err)
		}
		e.ctl = lib.Control()
		e.close = func() { c.Close() }
		return e
	}
	srv := bpos1sim.New(simCfg)
	addr, err := srv.ListenTCP("")
	if err != nil {
		t.Fatal(err)
	}
	e.ctl = srv.Control()
	wc := bpos1.WireConfig{ReplyTimeout: 10 * time.Second, Logger: log}
	if f == "silent" || f == "card-timeout" {
		wc.ACKTimeout, wc.ReplyTimeout = 300*time.Millisecond, 300*time.Millisecond
	}
	closeLink := func() {}
	connect := func(t *testing.T) {
		closeLink()
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		wl := bpos1.NewWireLib(conn, wc)
		c, err := bpos1.New(wl, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if e.term, err = bpos1.NewTerminal(c, tc); err != nil {
			t.Fatal(err)
		}
		closeLink = func() { c.Close(); wl.Close(); conn.Close() }
	}
	connect(t)
	// the WireLib does not redial: a new link, client and adapter, same journal
	e.after = connect
	e.close = func() { closeLink(); srv.Close() }
	return e
}
