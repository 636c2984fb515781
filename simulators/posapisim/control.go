package posapisim

import (
	"fmt"
	"strconv"
	"time"

	"github.com/uapos/uapos/simulators/control"
)

// This file is the simulator's side of package control: the fault vocabulary, the test
// amounts, the ledger and the request log.

// libReason is why POSAPI cannot express a fault of the bytes below the library.
const libReason = "POSAPI is a C library API: it hands over typed parameters, and its link to the terminal is not public (posapi.md §1)"

var support = control.Support{
	Protocol: "posapi",
	Words:    control.TerminalWords,
	NotExpressible: map[string]string{
		"busy":                 "POSAPI has no busy answer: pos_receive's RESP_* codes (posapi.md §1.4) include none, and a session runs one operation",
		"disconnect-mid-reply": libReason + ": a reply cut inside the library is a lost reply (drop-reply)",
		"garbage":              libReason,
		"corrupt-checksum":     libReason,
		"nak":                  libReason,
	},
	Extra: []control.Word{
		{Name: "lost-identifier", Form: "lost-identifier", Meaning: "RESP_IDENTIFIER of the next card operation cannot be delivered: the terminal returns RESP_BREAK and does not go to the host (posapi.md addendum A)"},
	},
}

// Control returns the simulator's control: faults, card, ledger, request log, reset (the
// journal and counters too; open sessions stay open). A decline's code is the host's
// (POSAPI declines carry a class 1-6 and the host's code, posapi.md §1.9: no terminal
// codes); without one it is do not honour, 05.
func (l *Library) Control() control.Controller {
	return control.NewTerminal(&l.cs, control.TerminalSpec{Support: support, DeclineCode: "05", MaxCode: 999,
		PresentCard: l.presentCard, Reset: l.reset})
}

// presentCard hands a card to a card wait, or keeps it for the next one.
func (l *Library) presentCard() {
	select {
	case l.cardIn <- struct{}{}:
	default:
	}
}

// reset is the simulator's part of the control's Reset.
func (l *Library) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.journal, l.charges = nil, 0
}

// plan is what the armed faults make of one operation.
type plan struct {
	silent, dropReply, lostID bool
	waitCard, abort, hostDown bool
	host                      string // decline: the host code
	partial                   int64  // kopecks
	until                     time.Time
	delay                     time.Duration // slow, plus Config.AnswerDelay for card operations
}

// planFor takes the faults that apply to an operation of action a. The caller holds l.mu.
func (l *Library) planFor(a int) plan {
	var p plan
	// STATUS, REPORT and the host list are queries: only sticky faults show on them.
	query := a == aStatus || a == aReport || a == aHostCount || a == aHostInfo
	take := func(name string) (control.Fault, bool) { return l.cs.Armed.TakeFor(name, query) }
	card := a == aPayment || a == aReturn || a == aCash || a == aPaymentCash
	if _, ok := take("silent"); ok {
		p.silent = true
		return p
	}
	if f, ok := take("slow"); ok {
		p.delay, _ = f.Duration()
	}
	if card {
		p.delay += l.cfg.AnswerDelay
	}
	if _, ok := take("drop-reply"); ok {
		p.dropReply = true
	}
	// Close day without a profile answers RESP_CONFIRM whatever the hosts did (posapi.md
	// §1.8): host-down waits for an operation that can show it.
	if card || a == aReversal || a == aHostEcho {
		if _, ok := take("host-down"); ok {
			p.hostDown = true
		}
	}
	if card && !p.hostDown {
		if _, ok := take("card-timeout"); ok {
			p.waitCard = true
		}
		if _, ok := take("cashier-abort"); ok {
			p.abort = true
		}
		if _, ok := take("lost-identifier"); ok {
			p.lostID = true
		}
	}
	if (card || a == aReversal) && !p.hostDown && !p.abort {
		if f, ok := take("decline"); ok {
			p.host = f.Value
		}
	}
	if a == aPayment || a == aPaymentCash {
		if f, ok := take("partial"); ok {
			p.partial, _ = f.Kopecks()
		}
	}
	return p
}

// outcomeOf is the decline a plan or a test amount gives a financial operation of amount:
// class (POS_STATUS) and host code, class 0 for none; and a partial approval.
func (l *Library) outcomeOf(op *operation) (class int, host string, partial int64) {
	p := op.plan
	switch {
	case p.hostDown:
		return 2, "", 0 // communications error (posapi.md §1.9)
	case p.host != "":
		n, _ := strconv.Atoi(p.host)
		return control.HostClass(n), fmt.Sprintf("%02d", n), 0
	case p.partial > 0:
		return 0, "", p.partial
	case l.cfg.Decline != 0 || l.cfg.PartialAmount > 0:
		return 0, "", 0 // the Config decides
	}
	o, ok := control.TestAmount(op.amount)
	switch {
	case !ok:
	case o.Partial:
		if op.action == aPayment || op.action == aPaymentCash {
			return 0, "", op.amount / 2
		}
	case o.Host != 0:
		return o.Class, fmt.Sprintf("%02d", o.Host), 0
	default: // a terminal code: its class, without a host code
		return o.Class, "", 0
	}
	return 0, "", 0
}

var ledgerOp = map[int]string{aPayment: "purchase", aReturn: "refund", aCash: "cash", aPaymentCash: "purchase-with-cash", aReversal: "void"}

// charge records what the host saw.
func (l *Library) charge(op string, r Record, outcome, code, ref string) {
	c := control.Charge{Operation: op, Amount: r.Amount + r.Cash, Requested: r.OrigAmount, Outcome: outcome, Code: code,
		Invoice: r.Receipt, RRN: r.RRN, AuthCode: r.Approval, PAN: l.cfg.PAN, Reference: ref, Time: r.Time}
	if r.Partial {
		c.Outcome = control.Partial
	}
	l.cs.Charges.Add(c)
}
