package bposlight_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/uapos/uapos/bposlight"
	"github.com/uapos/uapos/journal"
	"github.com/uapos/uapos/payment"
	"github.com/uapos/uapos/simulators/bposlightsim"
)

func pipeClient(t *testing.T, sim *bposlightsim.Server, cfg bposlight.Config) *bposlight.Client {
	t.Helper()
	return bposlight.New(linkKinds[2].open(t, sim), cfg)
}

// One corrupted LRC from the terminal: the client NAKs, the terminal resends, success.
func TestLinkOneBadLRCResent(t *testing.T) {
	sim := bposlightsim.New(bposlightsim.Config{Faults: bposlightsim.Faults{CorruptResponses: 1}})
	defer sim.Close()
	cl := pipeClient(t, sim, bposlight.Config{})
	p, err := cl.Purchase(testCtx(t), bposlight.PurchaseRequest{Amount: 10})
	if err != nil || p.Invoice != 1 {
		t.Fatalf("purchase = %+v, %v", p, err)
	}
	if j := sim.Journal(false); len(j) != 1 || j[0].State != bposlightsim.StateConfirmed {
		t.Fatalf("journal %+v", j)
	}
}

// Three corrupted LRCs: the client NAKs three times, the terminal gives up with EOT, and
// the client returns a typed error; through the adapter the outcome is unknown, and the
// next operation reconciles the unconfirmed purchase as cancelled by the terminal.
func TestLinkThreeBadLRC(t *testing.T) {
	sim := bposlightsim.New(bposlightsim.Config{Faults: bposlightsim.Faults{CorruptResponses: 3}})
	defer sim.Close()
	cl := pipeClient(t, sim, bposlight.Config{})
	term, err := bposlight.NewTerminal(cl, bposlight.TerminalConfig{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := testCtx(t)
	_, err = term.Purchase(ctx, payment.Request{TransactionID: "x1", Amount: 10})
	if !errors.Is(err, bposlight.ErrNAKLimit) || !errors.Is(err, bposlight.ErrBadLRC) || !errors.Is(err, payment.ErrOutcomeUnknown) {
		t.Fatalf("err = %v, want NAK limit, bad LRC, outcome unknown", err)
	}
	var pe *bposlight.ProtocolError
	if !errors.As(err, &pe) {
		t.Fatalf("no *bposlight.ProtocolError in %v", err)
	}
	// next purchase: the first one never got its CON, so the terminal cancelled it
	p, err := term.Purchase(ctx, payment.Request{TransactionID: "x2", Amount: 20})
	if err != nil || p.Invoice != "2" {
		t.Fatalf("second purchase = %+v, %v", p, err)
	}
	if _, err := term.Purchase(ctx, payment.Request{TransactionID: "x1", Amount: 10}); err != nil {
		// x1 was reconciled as failed (never happened): a retry runs it anew
		t.Fatalf("retry of x1: %v", err)
	}
	if tot := sim.Totals(""); tot.DebNum != 2 || tot.DebAmt != 30 {
		t.Fatalf("totals %+v", tot)
	}
}

// NAK storm from the terminal: one NAK, the client resends; three, the client sends EOT.
func TestLinkNAKStorm(t *testing.T) {
	sim := bposlightsim.New(bposlightsim.Config{Faults: bposlightsim.Faults{NAKRequests: 1}})
	defer sim.Close()
	cl := pipeClient(t, sim, bposlight.Config{})
	ctx := testCtx(t)
	if _, err := cl.Acquirers(ctx); err != nil {
		t.Fatalf("after one NAK: %v", err)
	}
	sim.SetFaults(bposlightsim.Faults{NAKRequests: 3})
	_, err := cl.Acquirers(ctx)
	if !errors.Is(err, bposlight.ErrNAKLimit) {
		t.Fatalf("after three NAKs: %v", err)
	}
	// the link recovers
	if _, err := cl.Acquirers(ctx); err != nil {
		t.Fatalf("after the storm: %v", err)
	}
}

func TestDeclines(t *testing.T) {
	cases := []struct {
		rc   uint32
		code int
		kind error
		resp string
	}{
		{51, payment.CodeBankDecline, payment.ErrDeclined, "0051"},
		{1003, payment.CodeLogFull, payment.ErrDevice, "1003"},
		{1001, payment.CodeUserCancelled, payment.ErrCancelled, "1001"},
		{1500, payment.CodeTerminal, payment.ErrDevice, "1500"},
	}
	for _, c := range cases {
		sim := bposlightsim.New(bposlightsim.Config{Faults: bposlightsim.Faults{DeclineRC: c.rc}})
		term, _ := bposlight.NewTerminal(pipeClient(t, sim, bposlight.Config{}), bposlight.TerminalConfig{Bank: payment.BankUkrsib})
		res, err := term.Purchase(testCtx(t), payment.Request{TransactionID: "d", Amount: 10})
		var pe *payment.Error
		if !errors.As(err, &pe) || pe.Code != c.code || pe.ResponseCode != c.resp || !errors.Is(err, c.kind) {
			t.Errorf("RC %d: err = %v", c.rc, err)
		}
		if res == nil || res.Approved || res.ResponseCode != c.resp {
			t.Errorf("RC %d: result %+v", c.rc, res)
		}
		if st := sim.Stats(); len(st.Requests) != 1 {
			t.Errorf("RC %d: a declined purchase was confirmed: %v", c.rc, st.Requests)
		}
		sim.Close()
	}
}

func TestTerminalEOT(t *testing.T) {
	sim := bposlightsim.New(bposlightsim.Config{Faults: bposlightsim.Faults{EOTOnPurchase: true}})
	defer sim.Close()
	term, _ := bposlight.NewTerminal(pipeClient(t, sim, bposlight.Config{}), bposlight.TerminalConfig{})
	_, err := term.Purchase(testCtx(t), payment.Request{TransactionID: "e", Amount: 10})
	if !errors.Is(err, bposlight.ErrEOT) || !errors.Is(err, payment.ErrCancelled) {
		t.Fatalf("err = %v", err)
	}
}

func TestSilence(t *testing.T) {
	sim := bposlightsim.New(bposlightsim.Config{Faults: bposlightsim.Faults{NoACK: true}})
	defer sim.Close()
	cl := pipeClient(t, sim, bposlight.Config{ACKTimeout: time.Millisecond})
	_, err := cl.Settle(testCtx(t), bposlight.Merchant{})
	if !errors.Is(err, bposlight.ErrNoACK) || !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("no ACK: %v", err)
	}
	sim.SetFaults(bposlightsim.Faults{NoResponse: true})
	ctx, cancel := context.WithTimeout(testCtx(t), 50*time.Millisecond)
	defer cancel()
	_, err = cl.Settle(ctx, bposlight.Merchant{})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("no response: %v", err)
	}
}

func TestDisconnectBeforeConfirm(t *testing.T) {
	sim := bposlightsim.New(bposlightsim.Config{Faults: bposlightsim.Faults{DisconnectOn: "CON"}})
	defer sim.Close()
	term, _ := bposlight.NewTerminal(pipeClient(t, sim, bposlight.Config{}), bposlight.TerminalConfig{})
	_, err := term.Purchase(testCtx(t), payment.Request{TransactionID: "c", Amount: 10})
	if !errors.Is(err, payment.ErrOutcomeUnknown) {
		t.Fatalf("err = %v, want an unknown outcome (CON sent, no answer)", err)
	}
	if _, err := term.LastTransaction(testCtx(t)); !errors.Is(err, payment.ErrOutcomeUnknown) {
		t.Fatalf("last transaction: %v", err)
	}
}

func TestAdapterConfig(t *testing.T) {
	sim := bposlightsim.New(bposlightsim.Config{})
	defer sim.Close()
	cl := pipeClient(t, sim, bposlight.Config{})
	if _, err := bposlight.NewTerminal(cl, bposlight.TerminalConfig{Bank: payment.BankPrivat}); err == nil {
		t.Fatal("PrivatBank accepted for B-POS Light")
	}
	for _, b := range []payment.Bank{payment.BankPivdennyi, payment.BankUkrsib, payment.BankVostok} {
		term, err := bposlight.NewTerminal(cl, bposlight.TerminalConfig{Bank: b})
		if err != nil {
			t.Fatal(err)
		}
		caps := term.Capabilities()
		if len(caps.Operations) != 3 || !caps.Supports(payment.OpCancel) || caps.Supports(payment.OpRefund) {
			t.Errorf("%s: %v", b, caps.Operations)
		}
	}
	term, _ := bposlight.NewTerminal(cl, bposlight.TerminalConfig{})
	if _, err := term.LastTransaction(testCtx(t)); payment.ErrorCode(err) != payment.CodeOperationNotFound {
		t.Fatalf("empty journal: %v", err)
	}
	if _, err := term.Purchase(testCtx(t), payment.Request{Amount: 10}); !errors.Is(err, payment.ErrNoTransactionID) {
		t.Fatalf("no id: %v", err)
	}
	if _, err := term.Purchase(testCtx(t), payment.Request{TransactionID: "g", Amount: 10, Extra: map[string]string{"GOODS": "bad"}}); err == nil {
		t.Fatal("bad GOODS accepted")
	}
	if len(sim.Stats().Requests) != 0 {
		t.Fatal("refused requests reached the wire")
	}
	// goods accepted, fiscal number comes back
	goods := "ID:1|NAME:TEA|PRICE:300|COUNT:1000|DISCOUNT:0|UNIT:PCS||TOTAL:300||TYPE:CASHLESS||"
	p, err := term.Purchase(testCtx(t), payment.Request{TransactionID: "g2", Amount: 300, Extra: map[string]string{"GOODS": goods}})
	if err != nil || p.Raw["FSCNUM"] != "12345678" {
		t.Fatalf("goods purchase %+v, %v", p, err)
	}
	if j := sim.Journal(false); len(j) != 1 || j[0].Goods != goods {
		t.Fatalf("goods not sent as given: %+v", j)
	}
}

// The busy gate: a second caller gets 1105 while a purchase waits for the card.
func TestBusy(t *testing.T) {
	sim := bposlightsim.New(bposlightsim.Config{WaitForCard: true})
	defer sim.Close()
	term, _ := bposlight.NewTerminal(pipeClient(t, sim, bposlight.Config{}), bposlight.TerminalConfig{})
	done := make(chan error, 1)
	go func() {
		_, err := term.Purchase(testCtx(t), payment.Request{TransactionID: "b1", Amount: 10})
		done <- err
	}()
	<-sim.WaitingForCard()
	if _, err := term.CloseBatch(testCtx(t), payment.Request{}); payment.ErrorCode(err) != payment.CodeBusy {
		t.Fatalf("second caller: %v", err)
	}
	sim.PresentCard()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// A CON went out and its answer was lost: B-POS Light has no query that tells whether the
// terminal took it. The outcome is reported, not guessed: the retry answers "ask the bank"
// (7002) without touching the wire, the last transaction says so too, and new sales go on.
func TestUnreconcilableAsksBank(t *testing.T) {
	sim := bposlightsim.New(bposlightsim.Config{Faults: bposlightsim.Faults{DisconnectOn: "CON"}})
	defer sim.Close()
	j := journal.NewMemory()
	cfg := bposlight.TerminalConfig{Journal: j, Key: "kiosk-1"}
	term, _ := bposlight.NewTerminal(pipeClient(t, sim, bposlight.Config{}), cfg)
	ctx := testCtx(t)
	req := payment.Request{TransactionID: "c", Amount: 10}
	if _, err := term.Purchase(ctx, req); !errors.Is(err, payment.ErrOutcomeUnknown) {
		t.Fatalf("err = %v, want an unknown outcome (CON sent, no answer)", err)
	}
	// The link is gone (the client does not redial): a new link, the same journal.
	sim.SetFaults(bposlightsim.Faults{})
	term, _ = bposlight.NewTerminal(pipeClient(t, sim, bposlight.Config{}), cfg)
	sent := len(sim.Stats().Requests)
	_, err := term.Purchase(ctx, req)
	if payment.ErrorCode(err) != payment.CodeAskBank || !errors.Is(err, payment.ErrAskBank) || !errors.Is(err, payment.ErrOutcomeUnknown) {
		t.Fatalf("retry: %v", err)
	}
	if n := len(sim.Stats().Requests); n != sent {
		t.Fatalf("the retry sent %d requests", n-sent)
	}
	e, _, _ := j.Get(ctx, "c")
	if e.State != journal.StateUnknown || !strings.Contains(e.Refs[journal.RefAskBank], "INVOICE 1, CON sending") {
		t.Fatalf("journal: %s %v", e.State, e.Refs)
	}
	if _, err := term.LastTransaction(ctx); !errors.Is(err, payment.ErrAskBank) {
		t.Fatalf("last transaction: %v", err)
	}
	if p, err := term.Purchase(ctx, payment.Request{TransactionID: "d", Amount: 20}); err != nil || !p.Approved {
		t.Fatalf("next purchase = %+v, %v", p, err)
	}
}

// noteFails is a journal that cannot record one note.
type noteFails struct {
	*journal.Memory
	key string
}

func (n noteFails) Note(ctx context.Context, id, key, value string) error {
	if key == n.key {
		return errors.New("disk full")
	}
	return n.Memory.Note(ctx, id, key, value)
}

// No CON goes out before the journal records that it does: a purchase the journal cannot
// mark is left unconfirmed, and the terminal cancels it, so a later reconcile ("no CON, no
// purchase") stays true.
func TestNoConfirmWithoutJournal(t *testing.T) {
	sim := bposlightsim.New(bposlightsim.Config{})
	defer sim.Close()
	j := noteFails{journal.NewMemory(), "CON"}
	term, _ := bposlight.NewTerminal(pipeClient(t, sim, bposlight.Config{}), bposlight.TerminalConfig{Journal: j})
	ctx := testCtx(t)
	res, err := term.Purchase(ctx, payment.Request{TransactionID: "n", Amount: 10})
	if payment.ErrorCode(err) != payment.CodeJournal || res == nil || res.Approved {
		t.Fatalf("purchase = %+v, %v", res, err)
	}
	if st := sim.Stats(); len(st.Requests) != 1 || st.Requests[0] != "PUR" {
		t.Fatalf("requests %v, want PUR only", st.Requests)
	}
	sim.ExpirePending()
	if tx := sim.Journal(false); len(tx) != 1 || tx[0].State != bposlightsim.StateAutoCancelled {
		t.Fatalf("terminal journal %+v", tx)
	}
}
