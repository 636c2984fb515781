package bposlightsim

import (
	"context"
	"strconv"
	"time"

	"github.com/uapos/uapos/simulators/control"
	"github.com/uapos/uapos/simulators/internal/simnet"
)

// This file is the simulator's side of package control: the fault vocabulary, the test
// amounts, the ledger and the request log.

// support is what B-POS Light makes of the vocabulary.
var support = control.Support{
	Protocol: "bposlight",
	Words:    control.TerminalWords,
	NotExpressible: map[string]string{
		"partial": "B-POS Light v1.6 has no partial approval: a purchase answer carries RC and AMOUNT, and the spec documents no partly approved answer (bposlight.md §1.3, §1.4)",
		"busy":    "B-POS Light has no busy answer: the spec gives no RC, control byte or message for a terminal busy with another operation (bposlight.md §1.2-§1.4)",
	},
	Extra: []control.Word{
		control.DropRequest,
		{Name: "no-response", Form: "no-response", Meaning: "the next request is ACKed and never answered; nothing is done"},
		{Name: "eot", Form: "eot", Meaning: "the next purchase is answered with a bare EOT instead of a frame (rejected or aborted, bposlight.md §2)"},
	},
}

// Control returns the simulator's control: faults, card, ledger, request log, reset (the
// Config faults, journal, batch and counters too). A decline without a code is do not
// honour, 5.
func (s *Server) Control() control.Controller {
	return control.NewTerminal(&s.cs, control.TerminalSpec{Support: support, DeclineCode: "5", MaxCode: 999999,
		PresentCard: s.PresentCard, Reset: s.reset})
}

// reset is the simulator's part of the control's Reset.
func (s *Server) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pendingTimer != nil {
		s.pendingTimer.Stop()
	}
	s.faults = Faults{}
	s.batch, s.invoice = 1, 0
	s.journal, s.closed, s.pending, s.pendingTimer = nil, nil, nil, nil
	s.autoCancelled, s.settlements, s.requests, s.badFrames = 0, 0, nil, 0
}

// plan is what the armed faults make of one request.
type plan struct {
	drop, noResponse, eot bool
	reply                 string // "drop-reply", "disconnect-mid-reply", "garbage" or ""
	corrupt               int    // corrupt-checksum: answers to send with a bad LRC
	slow                  time.Duration
	// purchases and the host
	waitCard, abort bool
	rc              uint32 // forced RC: host-down, decline
}

// planFor takes the armed faults that apply to a request of type op (ACKed already).
func (s *Server) planFor(op string) plan {
	var p plan
	// ACQ is a query: only sticky faults show on it.
	take := func(name string) (control.Fault, bool) { return s.cs.Armed.TakeFor(name, op == "ACQ") }
	if _, ok := take("drop-request"); ok {
		p.drop = true
		return p
	}
	if _, ok := take("no-response"); ok {
		p.noResponse = true
		return p
	}
	a := s.cs.Armed.TakeAnswer(op == "ACQ")
	p.slow, p.reply, p.corrupt = a.Slow, a.Lost, a.Corrupt
	if op == "PUR" || op == "CAN" || op == "SET" {
		if _, ok := take("host-down"); ok {
			// 1004 is BPOS1's "no connection with host"; that B-POS Light's RC shares BPOS1's
			// codes is an inference (bposlight.md §4), the spec only says RC > 999 are
			// terminal service errors.
			p.rc = 1004
		}
	}
	if op == "PUR" && p.rc == 0 {
		if _, ok := take("card-timeout"); ok {
			p.waitCard = true
		}
		if _, ok := take("cashier-abort"); ok {
			p.abort = true
		}
		if _, ok := take("eot"); ok {
			p.eot = true
		}
	}
	if (op == "PUR" || op == "CAN") && p.rc == 0 && !p.abort {
		if f, ok := take("decline"); ok {
			n, _ := strconv.ParseUint(f.Value, 10, 32)
			p.rc = uint32(n)
		}
	}
	return p
}

// testAmount is the RC a test amount (control.TestAmounts) gives a purchase, 0 for none.
// Partial approvals are not expressible in B-POS Light: such an amount is approved. The
// terminal codes are BPOS1's; that B-POS Light has them is an inference (bposlight.md §4).
func testAmount(amount uint64) uint32 { return uint32(control.TestCode(int64(amount))) }

// wait waits d or until ctx ends; false when it ended.
func wait(ctx context.Context, d time.Duration) bool { return simnet.Wait(ctx.Done(), d) }

// charge records what the bank saw of t. s.mu is held.
func (s *Server) charge(op, outcome string, t *Txn, code uint32, ref string) {
	c := control.Charge{Operation: op, Amount: int64(t.Amount), Outcome: outcome, Code: rc(code),
		Invoice: strconv.FormatUint(uint64(t.Invoice), 10), PAN: s.cfg.PAN, Reference: ref, Time: t.Time}
	if op != "reversal" {
		c.RRN, c.AuthCode = rrnOf(t), authOf(t)
	}
	s.cs.Charges.Add(c)
}

// declined records a host decline (RC below 1000) of a purchase or a void.
func (s *Server) declined(op string, req kv, code uint32) {
	amt, _ := req.get("AMOUNT")
	amount, _ := strconv.ParseInt(amt, 10, 64)
	ref, _ := req.get("INVOICE")
	if op == "void" {
		s.mu.Lock()
		for _, t := range s.journal {
			if strconv.FormatUint(uint64(t.Invoice), 10) == ref {
				amount = int64(t.Amount)
			}
		}
		s.mu.Unlock()
	}
	s.cs.Charges.Add(control.Charge{Operation: op, Amount: amount, Outcome: control.Declined, Code: rc(code),
		PAN: s.cfg.PAN, Reference: ref, Time: s.now()})
}
