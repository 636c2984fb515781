package privatjson

import (
	"errors"
	"testing"

	"github.com/uapos/uapos/journal"
	"github.com/uapos/uapos/payment"
	"github.com/uapos/uapos/simulators/privatsim"
)

// Two sales of the same amount: the reply to the second is lost. The terminal's last receipt
// is then either the first sale's (the request never reached the terminal) or the second's;
// the likeness (type, amount, time) cannot tell them apart, the claims can: the retry never
// returns the first sale's RRN, and the second sale is charged exactly once.
func TestRepeatedAmountLostReply(t *testing.T) {
	for _, tc := range []struct {
		name      string
		fault     privatsim.Fault
		purchases int // Purchase requests the terminal received, retry included
	}{
		{"request never reached the terminal", privatsim.FaultDropRequest, 3},
		{"reply lost after the sale", privatsim.FaultLoseReply, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := testCtx(t)
			sim, c := tcpLink(t, privatsim.Config{})
			j := journal.NewMemory()
			term := newTerminal(t, c, TerminalConfig{Journal: j})
			a, err := term.Purchase(ctx, payment.Request{TransactionID: "A", Amount: 5000})
			if err != nil || !a.Approved || a.RRN == "" {
				t.Fatalf("sale A: %+v %v", a, err)
			}
			sim.InjectFault("Purchase", tc.fault)
			b := payment.Request{TransactionID: "B", Amount: 5000}
			if _, err := term.Purchase(ctx, b); !errors.Is(err, payment.ErrOutcomeUnknown) {
				t.Fatalf("sale B with a lost reply: %v", err)
			}
			res, err := term.Purchase(ctx, b)
			if err != nil || !res.Approved || res.Amount != 5000 {
				t.Fatalf("retry of B: %+v %v", res, err)
			}
			if res.RRN == a.RRN {
				t.Fatalf("the retry of B returned sale A's RRN %s", a.RRN)
			}
			if sim.Charges() != 2 || sim.Requests("Purchase") != tc.purchases {
				t.Fatalf("charges %d, purchases received %d; want 2 and %d", sim.Charges(), sim.Requests("Purchase"), tc.purchases)
			}
			if e, _, _ := j.Get(ctx, "B"); e.State != journal.StateApproved || e.Result.RRN != res.RRN {
				t.Fatalf("journal of B: %s %+v", e.State, e.Result)
			}
			if e, _, _ := j.Get(ctx, "A"); e.Result.RRN != a.RRN {
				t.Fatalf("journal of A: %+v", e.Result)
			}
		})
	}
}

// The lost request never reached the terminal, and then a sale the journal does not know (made
// on the terminal by another register) became its last receipt. That receipt is not the lost
// operation's, but it may have hidden it: the retry reports "ask the bank" (7002) and sends
// nothing, instead of taking the operation as not done and charging again.
func TestForeignLastReceiptAsksBank(t *testing.T) {
	ctx := testCtx(t)
	sim, c := tcpLink(t, privatsim.Config{})
	j := journal.NewMemory()
	term := newTerminal(t, c, TerminalConfig{Journal: j})
	if _, err := term.Purchase(ctx, payment.Request{TransactionID: "A", Amount: 5000}); err != nil {
		t.Fatal(err)
	}
	sim.InjectFault("Purchase", privatsim.FaultDropRequest)
	b := payment.Request{TransactionID: "B", Amount: 5000}
	if _, err := term.Purchase(ctx, b); !errors.Is(err, payment.ErrOutcomeUnknown) {
		t.Fatalf("sale B: %v", err)
	}
	if _, err := c.Purchase(ctx, PurchaseRequest{Amount: 2000}); err != nil { // the other register's sale
		t.Fatal(err)
	}
	_, err := term.Purchase(ctx, b)
	if payment.ErrorCode(err) != payment.CodeAskBank || !errors.Is(err, payment.ErrAskBank) || !errors.Is(err, payment.ErrOutcomeUnknown) {
		t.Fatalf("retry of B: %v", err)
	}
	if sim.Requests("Purchase") != 3 || sim.Charges() != 2 {
		t.Fatalf("purchases received %d, charges %d", sim.Requests("Purchase"), sim.Charges())
	}
	if e, _, _ := j.Get(ctx, "B"); e.State != journal.StateUnknown || e.Refs[journal.RefAskBank] == "" {
		t.Fatalf("journal of B: %s %v", e.State, e.Refs)
	}
	// The entry is settled by the bank, not by the terminal: new sales go on.
	if r, err := term.Purchase(ctx, payment.Request{TransactionID: "C", Amount: 100}); err != nil || !r.Approved {
		t.Fatalf("next sale: %+v %v", r, err)
	}
}

// Closing the batch empties the terminal's last receipt, the only evidence of a lost reply:
// CloseBatch reconciles first, so the retry after it does not charge again.
func TestCloseBatchReconcilesFirst(t *testing.T) {
	ctx := testCtx(t)
	sim, c := tcpLink(t, privatsim.Config{})
	j := journal.NewMemory()
	term := newTerminal(t, c, TerminalConfig{Journal: j})
	sim.InjectFault("Purchase", privatsim.FaultLoseReply)
	req := payment.Request{TransactionID: "S", Amount: 3000}
	if _, err := term.Purchase(ctx, req); !errors.Is(err, payment.ErrOutcomeUnknown) {
		t.Fatalf("lost reply: %v", err)
	}
	if _, err := term.CloseBatch(ctx, payment.Request{}); err != nil {
		t.Fatal(err)
	}
	if e, _, _ := j.Get(ctx, "S"); e.State != journal.StateApproved {
		t.Fatalf("journal after close: %s", e.State)
	}
	res, err := term.Purchase(ctx, req)
	if err != nil || !res.Approved || res.Amount != 3000 || sim.Requests("Purchase") != 1 {
		t.Fatalf("retry %+v %v, purchases received %d", res, err, sim.Requests("Purchase"))
	}
}
