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
				// bpos1sim's wire server has no link-fault knobs: the harness's Proxy
				// produces them between the client and the simulator.
			case fBusy:
				return "bpos1sim has no busy knob; the adapter's own 1105 is TestConcurrentCallersSerialise"
			case fSilence:
				if wire {
					return "" // Proxy silence, clearable
				}
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
			if wire && f == fNAKStorm {
				return payment.ErrLink // the link layer gives up after 3 NAKs, as bposlight's
			}
			if f == fSilence {
				if wire {
					// WireLib reports a missing ACK or reply as the vendor library does:
					// ECRC "error connecting with terminal", DM 5012, kind link.
					return payment.ErrLink
				}
				// The library model has no timeout of its own: the caller's deadline
				// ends the wait, the client sends Cancel and the terminal answers 1001,
				// so the outcome is known: cancelled (DM 5001).
				return payment.ErrCancelled
			}
			return linkWant(f)
		},
		open: func(t *testing.T, op payment.Operation, f string, log *slog.Logger, j journal.Journal) *cellEnv {
			return openBpos1(t, wire, op, f, log, j)
		},
		known: func(op payment.Operation, f string, err error) string {
			// WireLib turns every link-layer error, an impossible frame length included,
			// into the vendor library's ECRC "error connecting with terminal" (DM 5012,
			// kind link); a hostile frame is a protocol violation, not a connection error.
			if wire && f == fGarbage && errors.Is(err, payment.ErrLink) && strings.Contains(err.Error(), "frame bigger") {
				return "bpos1 WireLib maps a bad frame to ECRC error-connecting (5012)"
			}
			return ""
		},
	}
}

func openBpos1(t *testing.T, wire bool, op payment.Operation, f string, log *slog.Logger, j journal.Journal) *cellEnv {
	simCfg := bpos1sim.Config{Declines: map[uint32]uint32{declinedAmount: 51}}
	e := &cellEnv{arm: func() {}, disarm: func() {}}
	if f == fSilence && !wire {
		// Hang cannot be switched off at run time, so the cell cannot show a clean purchase
		// on the same terminal afterwards (knob request: a runtime setter).
		simCfg.Hang = true
		e.noRecovery = "bpos1sim.Config.Hang has no runtime off switch"
		e.noSetup = true
		e.opTimeout = 300 * time.Millisecond
	}
	if f == fDecline {
		e.amount = declinedAmount
	}
	cfg := bpos1.Config{PollInterval: time.Millisecond, CancelWait: 300 * time.Millisecond, Name: "harness", Logger: log}
	tc := bpos1.TerminalConfig{Journal: j, Key: "bpos1-harness", Logger: log}
	if !wire {
		c, err := bpos1.New(bpos1sim.NewLibrary(simCfg), cfg)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.OpenTCP(opCtx(t), "127.0.0.1", "2000"); err != nil { // no socket: the library model
			t.Fatal(err)
		}
		if e.term, err = bpos1.NewTerminal(c, tc); err != nil {
			t.Fatal(err)
		}
		e.close = func() { c.Close() }
		return e
	}
	srv := bpos1sim.New(simCfg)
	addr, err := srv.ListenTCP("")
	if err != nil {
		t.Fatal(err)
	}
	proxy, err := NewProxy(addr)
	if err != nil {
		t.Fatal(err)
	}
	wc := bpos1.WireConfig{ReplyTimeout: 10 * time.Second, Logger: log}
	if f == fSilence {
		wc.ACKTimeout, wc.ReplyTimeout = 300*time.Millisecond, 300*time.Millisecond
	}
	closeLink := func() {}
	connect := func(t *testing.T) {
		closeLink()
		conn, err := net.Dial("tcp", proxy.Addr())
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
	var pf ProxyFault
	switch f {
	case fDropRequest:
		pf = ProxyDropRequest
	case fDisconnectBeforeReply:
		pf = ProxyDropReply
	case fMidReply:
		pf = ProxyCutReply
	case fGarbage:
		pf = ProxyGarbage
	case fNAKStorm:
		pf = ProxyNAK
	case fSilence:
		pf = ProxySilence
	}
	if pf != ProxyNone {
		// after 1: the simulator's ACK of the request goes through, the reply does not
		e.arm = func() { proxy.Arm(pf, 1) }
		e.disarm = func() { proxy.Arm(ProxyNone, 0) }
		// the WireLib does not redial: a new link, client and adapter, same journal
		e.after = connect
	}
	e.close = func() { closeLink(); proxy.Close(); srv.Close() }
	return e
}
