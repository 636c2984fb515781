package bpos1sim

import (
	"context"
	"strconv"
	"time"

	"github.com/uapos/uapos/simulators/control"
	"github.com/uapos/uapos/simulators/internal/simnet"
)

// This file is the simulators' side of package control (the wire server and the library
// model share it through the terminal model): the fault vocabulary, the test amounts, the
// ledger and the request log.

const partialReason = "the BPOS1 notes document no partial approval: no ResponseCode or property says that an amount was approved in part (bpos1.md §2.2, §2.4)"

// wireSupport is what the provisional native wire makes of the vocabulary.
var wireSupport = control.Support{
	Protocol: "bpos1",
	Words:    control.TerminalWords,
	NotExpressible: map[string]string{
		"partial": partialReason,
		"busy":    "the provisional native wire documents no busy answer (bpos1.md §B); the vendor library's ECRC 7 BUSY is the library model's (bpos1-library)",
	},
	Extra: []control.Word{
		control.DropRequest,
	},
}

// libReason is why the library model cannot express a fault of the bytes below the library.
const libReason = "the vendor library hands over typed properties, not bytes, and its link to the terminal is not public (bpos1.md §1.1)"

// librarySupport is what the vendor library's API makes of the vocabulary.
var librarySupport = control.Support{
	Protocol: "bpos1-library",
	Words:    control.TerminalWords,
	NotExpressible: map[string]string{
		"partial":              partialReason,
		"disconnect-mid-reply": libReason + ": a reply cut inside the library is a lost reply (drop-reply)",
		"garbage":              libReason,
		"corrupt-checksum":     libReason,
		"nak":                  libReason,
	},
}

// Control returns the wire simulator's control: faults, card, ledger, request log, reset
// (journal and batch too). A decline without a code is do not honour, 5.
func (s *Server) Control() control.Controller { return s.m.control(wireSupport) }

// Control returns the library model's control.
func (l *Library) Control() control.Controller { return l.m.control(librarySupport) }

func (m *model) control(s control.Support) control.Controller {
	return control.NewTerminal(&m.cs, control.TerminalSpec{Support: s, DeclineCode: "5", MaxCode: 1<<31 - 1,
		PresentCard: m.presentCard, Reset: m.reset})
}

// presentCard hands a card to a card wait, or keeps it for the next one.
func (m *model) presentCard() {
	select {
	case m.cardIn <- struct{}{}:
	default:
	}
}

// reset is the model's part of the control's Reset.
func (m *model) reset() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.journal, m.receipt, m.reversed = nil, "", 0
	m.batch, m.invoice = m.cfg.FirstBatch, m.cfg.FirstInvoice
}

// opKind is what an operation asks of the terminal, which decides the faults it takes.
type opKind int

const (
	opCheck      opKind = iota // Ping: a link check, only sticky faults show
	opCard                     // Purchase, Refund, CashAdvance: reads a card, goes to the host
	opVoid                     // Void: goes to the host, reads no card
	opHost                     // Settlement, CheckConnection: goes to the host
	opLocal                    // queries and reports: only sticky faults show
	opCardNoHost               // ReadBankCard: reads a card only
)

// plan is what the armed faults make of one operation.
type plan struct {
	silent, drop, busy bool
	reply              string // "drop-reply", "disconnect-mid-reply", "garbage" or ""
	corrupt            int    // answers to send with a bad LRC
	slow               time.Duration
	waitCard           bool
	code               uint32 // forced ResponseCode: cashier-abort, host-down, decline
}

// planFor takes the armed faults that apply to an operation of kind k. wire says whether
// the wire server asks (it handles silent and nak itself, before its ACK).
func (m *model) planFor(k opKind, wire bool) plan {
	var p plan
	// A ping, a query or a report shows only sticky faults.
	query := k == opCheck || k == opLocal
	take := func(name string) (control.Fault, bool) { return m.cs.Armed.TakeFor(name, query) }
	if wire {
		if _, ok := take("drop-request"); ok {
			p.drop = true
			return p
		}
	} else {
		if _, ok := take("busy"); ok {
			p.busy = true
			return p
		}
		if _, ok := take("silent"); ok {
			p.silent = true
			return p
		}
	}
	a := m.cs.Armed.TakeAnswer(query)
	p.slow, p.reply, p.corrupt = a.Slow, a.Lost, a.Corrupt
	if k == opCard || k == opVoid || k == opHost {
		if _, ok := take("host-down"); ok {
			p.code = rcNoHost
		}
	}
	if (k == opCard || k == opCardNoHost) && p.code == 0 {
		if _, ok := take("card-timeout"); ok {
			p.waitCard = true
		}
		if _, ok := take("cashier-abort"); ok {
			p.code = rcCancelledUser
		}
	}
	if (k == opCard || k == opVoid) && p.code == 0 {
		if f, ok := take("decline"); ok {
			n, _ := strconv.ParseUint(f.Value, 10, 32)
			p.code = uint32(n)
		}
	}
	return p
}

// testAmount is the ResponseCode a test amount (control.TestAmounts) gives a card
// operation, 0 for none. Partial approvals are not expressible: such an amount is approved.
func testAmount(amount uint32) uint32 { return uint32(control.TestCode(int64(amount))) }

var ledgerOp = map[uint8]string{txnPurchase: "purchase", txnRefund: "refund", txnVoid: "void", txnCashAdvance: "cash-advance"}

// charge records a record the host saw (approved, or declined with a host code).
func (m *model) charge(r *Record, ref string) {
	c := control.Charge{Operation: ledgerOp[r.TxnType], Amount: int64(r.Amount), Outcome: control.Approved,
		Code: strconv.FormatUint(uint64(r.Response), 10), Invoice: strconv.FormatUint(uint64(r.Invoice), 10),
		RRN: r.RRN, AuthCode: r.AuthCode, PAN: m.cfg.PAN, Reference: ref}
	if r.TrnStatus == trnDeclined {
		if r.Response >= 1000 {
			return // the terminal's own refusal: the host saw nothing
		}
		c.Outcome = control.Declined
	}
	m.cs.Charges.Add(c)
}

// sleepCtx waits d or until ctx ends; false when it ended.
func sleepCtx(ctx context.Context, d time.Duration) bool { return simnet.Wait(ctx.Done(), d) }
