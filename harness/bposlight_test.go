package harness

import (
	"log/slog"
	"testing"
	"time"

	"github.com/uapos/uapos/bposlight"
	"github.com/uapos/uapos/journal"
	"github.com/uapos/uapos/payment"
	"github.com/uapos/uapos/simulators"
	"github.com/uapos/uapos/simulators/bposlightsim"
	"github.com/uapos/uapos/transport"
)

func bposlightProtocol() protocol {
	return protocol{
		name:    "bposlight",
		support: simulators.Support("bposlight"),
		skip: func(op payment.Operation, f string) string {
			if op == payment.OpRefund {
				return "B-POS Light has no refund: its requests are PUR, CAN, CON, SET and ACQ (bposlight.md §1.4)"
			}
			return ""
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
	addr, err := sim.ListenTCP("")
	if err != nil {
		t.Fatal(err)
	}
	cfg := bposlight.Config{Logger: log}
	switch f {
	case "silent", "card-timeout":
		cfg.ResponseTimeout, cfg.ACKTimeout = 300*time.Millisecond, 300*time.Millisecond
	}
	tc := bposlight.TerminalConfig{Bank: payment.BankUkrsib, Journal: j, Key: "bposlight-harness", Logger: log}
	term, closeLink := bposlightTerm(t, addr, cfg, tc)
	e := &cellEnv{term: term, ctl: sim.Control()}
	// The terminal closed the link, or the client gave up on it: B-POS Light clients do not
	// redial (the caller owns the link): a new link, client and adapter over the same
	// journal.
	e.after = func(t *testing.T) {
		closeLink()
		e.term, closeLink = bposlightTerm(t, addr, cfg, tc)
	}
	e.close = func() { closeLink(); sim.Close() }
	return e
}
