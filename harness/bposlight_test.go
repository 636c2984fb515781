package harness

import (
	"log/slog"
	"testing"
	"time"

	"github.com/uapos/uapos/bposlight"
	"github.com/uapos/uapos/journal"
	"github.com/uapos/uapos/payment"
	"github.com/uapos/uapos/simulators/bposlightsim"
	"github.com/uapos/uapos/transport"
)

// bposlightReq is the REQ type of a DM task.
func bposlightReq(op payment.Operation) string {
	switch op {
	case payment.OpCancel:
		return "CAN"
	case payment.OpCloseBatch:
		return "SET"
	}
	return "PUR"
}

func bposlightProtocol() protocol {
	return protocol{
		name: "bposlight",
		skip: func(op payment.Operation, f string) string {
			if op == payment.OpRefund {
				return "no refund in DM's B-POS Light rows (tasks 1, 3, 11 only)"
			}
			switch f {
			case fBusy:
				return "B-POS Light has no busy answer and bposlightsim no busy knob; the adapter's own 1105 is TestConcurrentCallersSerialise"
			case fDecline:
				if op != payment.OpPurchase {
					return "bposlightsim declines purchases only (Faults.DeclineRC)"
				}
			case fLostIdentifier:
				return "POSAPI only"
			}
			return ""
		},
		want: func(op payment.Operation, f string) error {
			switch f {
			case fNAKStorm, fGarbage:
				// A NAK storm, and frames that keep failing their LRC, are line faults:
				// the link layer gives up after MaxNAK tries (bposlight.md §1.2).
				return payment.ErrLink
			}
			return linkWant(f)
		},
		open: openBposlight,
	}
}

// bposlightTerm opens a TCP link, a client and an adapter on sim.
func bposlightTerm(t *testing.T, addr string, cfg bposlight.Config, tc bposlight.TerminalConfig) (*bposlight.Terminal, func()) {
	conn, err := transport.Open(opCtx(t), "tcp://"+addr)
	if err != nil {
		t.Fatal(err)
	}
	term, err := bposlight.NewTerminal(bposlight.New(conn, cfg), tc)
	if err != nil {
		t.Fatal(err)
	}
	return term, func() { conn.Close() }
}

func openBposlight(t *testing.T, op payment.Operation, f string, log *slog.Logger, j journal.Journal) *cellEnv {
	sim := bposlightsim.New(bposlightsim.Config{Logger: log})
	simAddr, err := sim.ListenTCP("")
	if err != nil {
		t.Fatal(err)
	}
	// bposlightsim drops a link only on receiving a request, before doing it (DisconnectOn),
	// and cannot cut a frame: the harness's Proxy produces those faults.
	proxy, err := NewProxy(simAddr)
	if err != nil {
		t.Fatal(err)
	}
	addr := proxy.Addr()
	cfg := bposlight.Config{Logger: log}
	if f == fSilence {
		cfg.ResponseTimeout, cfg.ACKTimeout = 300*time.Millisecond, 300*time.Millisecond
	}
	tc := bposlight.TerminalConfig{Bank: payment.BankUkrsib, Journal: j, Key: "bposlight-harness", Logger: log}
	term, closeLink := bposlightTerm(t, addr, cfg, tc)
	e := &cellEnv{term: term, disarm: func() { sim.SetFaults(bposlightsim.Faults{}) }}
	req := bposlightReq(op)
	var faults bposlightsim.Faults
	var pf ProxyFault
	switch f {
	case fDisconnectBeforeReply:
		if op == payment.OpPurchase {
			faults.DisconnectOn = "CON" // the PUR was done; the link drops on its CON
		} else {
			pf = ProxyDropReply // the terminal ACKed and did the request; its answer is lost
		}
	case fMidReply:
		pf = ProxyCutReply
	case fDropRequest:
		faults.DisconnectOn = req
	case fGarbage:
		faults.CorruptResponses = 3
	case fSilence:
		faults.NoResponse = true
	case fNAKStorm:
		faults.NAKRequests = 3
	case fDecline:
		faults.DeclineRC = 51
	}
	e.arm = func() { sim.SetFaults(faults) }
	if pf != ProxyNone {
		e.arm = func() { proxy.Arm(pf, 1) } // the ACK goes through, the answer does not
		e.disarm = func() { proxy.Arm(ProxyNone, 0) }
	}
	if f == fDisconnectBeforeReply || f == fDropRequest || f == fMidReply {
		// The terminal closed the link; B-POS Light clients do not redial (the caller owns
		// the link): a new link, client and adapter over the same journal.
		e.after = func(t *testing.T) {
			closeLink()
			e.term, closeLink = bposlightTerm(t, addr, cfg, tc)
		}
	}
	e.close = func() { closeLink(); proxy.Close(); sim.Close() }
	return e
}
