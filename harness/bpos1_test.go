package harness

import (
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/uapos/uapos/bpos1"
	"github.com/uapos/uapos/payment"
	"github.com/uapos/uapos/simulators/bpos1sim"
)

// declinedAmount is the amount the bpos1 simulators decline in the matrix (Config.Declines).
const declinedAmount = 777

func bpos1Protocol(wire bool) protocol {
	name := "bpos1-library"
	if wire {
		name = "bpos1-wire"
	}
	return protocol{
		name: name,
		skip: func(op payment.Operation, f string) string {
			switch f {
			case fDisconnectBeforeReply, fDropRequest, fMidReply, fGarbage, fNAKStorm:
				if !wire {
					return "library model: bpos1sim.Library simulates the vendor library's API; the link below it is not public"
				}
				return "bpos1sim's wire server has no link-fault knobs (knob request: drop, cut, garbage, NAK)"
			case fBusy:
				return "bpos1sim has no busy knob; the adapter's own 1105 is TestConcurrentCallersSerialise"
			case fSilence:
				if op == payment.OpRefund {
					return "Config.Hang holds every card operation, so the purchase a refund needs cannot be set up"
				}
				if op == payment.OpCancel || op == payment.OpCloseBatch {
					return "Config.Hang holds card operations only (purchase, refund)"
				}
			case fDecline:
				if op != payment.OpPurchase {
					return "bpos1sim declines purchases only (Config.Declines by amount)"
				}
			case fLostIdentifier:
				return "POSAPI only"
			}
			return ""
		},
		want: func(op payment.Operation, f string) error {
			if f == fSilence {
				if wire {
					// WireLib reports a reply timeout as the vendor library does: ECRC
					// "error connecting with terminal", DM 5012, kind link.
					return payment.ErrLink
				}
				// The library model has no timeout of its own: the caller's deadline
				// ends the wait, the client sends Cancel and the terminal answers 1001,
				// so the outcome is known: cancelled (DM 5001).
				return payment.ErrCancelled
			}
			return linkWant(f)
		},
		open: func(t *testing.T, op payment.Operation, f string, log *slog.Logger, j payment.Journal) *cellEnv {
			return openBpos1(t, wire, op, f, log, j)
		},
	}
}

func openBpos1(t *testing.T, wire bool, op payment.Operation, f string, log *slog.Logger, j payment.Journal) *cellEnv {
	simCfg := bpos1sim.Config{Declines: map[uint32]uint32{declinedAmount: 51}}
	e := &cellEnv{arm: func() {}, disarm: func() {}}
	if f == fSilence {
		// Hang cannot be switched off at run time, so the cell cannot show a clean purchase
		// on the same terminal afterwards (knob request: a runtime setter).
		simCfg.Hang = true
		e.noRecovery = "bpos1sim.Config.Hang has no runtime off switch"
		e.noSetup = true
		if !wire {
			e.opTimeout = 300 * time.Millisecond
		}
	}
	if f == fDecline {
		e.amount = declinedAmount
	}
	cfg := bpos1.Config{PollInterval: time.Millisecond, CancelWait: 300 * time.Millisecond, Name: "harness", Logger: log}
	var lib bpos1.Lib
	var closers []func()
	if wire {
		srv := bpos1sim.New(simCfg)
		addr, err := srv.ListenTCP("")
		if err != nil {
			t.Fatal(err)
		}
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		wc := bpos1.WireConfig{ReplyTimeout: 10 * time.Second, Logger: log}
		if f == fSilence {
			wc.ReplyTimeout = 300 * time.Millisecond
		}
		wl := bpos1.NewWireLib(conn, wc)
		lib = wl
		closers = append(closers, func() { srv.Close() }, func() { conn.Close() }, func() { wl.Close() })
	} else {
		lib = bpos1sim.NewLibrary(simCfg)
	}
	c, err := bpos1.New(lib, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !wire {
		if err := c.OpenTCP(opCtx(t), "127.0.0.1", "2000"); err != nil { // no socket: the library model
			t.Fatal(err)
		}
	}
	term, err := bpos1.NewTerminal(c, bpos1.TerminalConfig{Journal: j, Key: "bpos1-harness", Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	e.term = term
	e.close = func() {
		c.Close()
		for i := len(closers) - 1; i >= 0; i-- {
			closers[i]()
		}
	}
	return e
}
