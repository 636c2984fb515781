package checkout

import (
	"context"
	"testing"

	"github.com/uapos/uapos/journal"
	"github.com/uapos/uapos/simulators/vprinter"
)

func TestReturnByRefundAndByCancel(t *testing.T) {
	r := newRig(t, journal.NewMemory(), vprinter.Config{})
	f := &fiscal{}
	co := r.checkout(t, f)
	ctx := context.Background()
	sold, err := co.Sell(ctx, split())
	if err != nil {
		t.Fatal(err)
	}
	r.vp.CloseDrawer()

	// Refund by RRN: card part back through the terminal, fiscal return, receipt, cash out.
	ret := Return{TransactionID: "R-1", Mode: ReturnRefund, RRN: sold.Card.RRN, Receipt: body(),
		Parts: []Part{{Type: PayCash, Amount: 3000}, {Type: PayCard, Amount: 7000}}}
	out, err := co.Return(ctx, ret)
	if err != nil {
		t.Fatal(err)
	}
	if out.Card == nil || !out.Card.Approved || out.Card.Amount != 7000 || !out.Printed {
		t.Fatalf("refund outcome %+v", out)
	}
	if last := f.calls[len(f.calls)-1]; last.Kind != "return" || last.Card == nil || last.Card.RRN == "" {
		t.Errorf("fiscal hook got %+v", last)
	}
	r.sync(t)
	if !r.vp.DrawerOpened() {
		t.Error("cash goes back out: the drawer must open")
	}
	var refunds int
	for _, tx := range r.bank.Journal() {
		if tx.TxnType == "2" {
			refunds++
		}
	}
	if refunds != 1 {
		t.Errorf("simulator holds %d refunds", refunds)
	}

	// Void by invoice of a second sale, card only.
	s2 := Sale{TransactionID: "S-2", Parts: []Part{{Type: PayCard, Amount: 500}}}
	sold2, err := co.Sell(ctx, s2)
	if err != nil {
		t.Fatal(err)
	}
	out, err = co.Return(ctx, Return{TransactionID: "R-2", Mode: ReturnCancel, Invoice: sold2.Card.Invoice,
		Parts: []Part{{Type: PayCard, Amount: 500}}})
	if err != nil || !out.Card.Approved {
		t.Fatalf("void: %+v %v", out, err)
	}
	// Repeating the return is idempotent.
	before := len(r.bank.Journal())
	if _, err := co.Return(ctx, Return{TransactionID: "R-2", Mode: ReturnCancel, Invoice: sold2.Card.Invoice,
		Parts: []Part{{Type: PayCard, Amount: 500}}}); err != nil || len(r.bank.Journal()) != before {
		t.Fatalf("repeat void: err=%v journal %d -> %d", err, before, len(r.bank.Journal()))
	}
}

func TestReportsXAndZ(t *testing.T) {
	r := newRig(t, journal.NewMemory(), vprinter.Config{})
	f := &fiscal{}
	co := r.checkout(t, f)
	ctx := context.Background()
	if _, err := co.Sell(ctx, split()); err != nil {
		t.Fatal(err)
	}
	x, err := co.Report(ctx, ReportX, nil)
	if err != nil || x.Card == nil || !x.Printed {
		t.Fatalf("X: %+v %v", x, err)
	}
	if r.bank.Charges() != 1 {
		t.Fatalf("X closed the batch: %d charges left", r.bank.Charges())
	}
	z, err := co.Report(ctx, ReportZ, nil)
	if err != nil || z.Card == nil || !z.Printed {
		t.Fatalf("Z: %+v %v", z, err)
	}
	if r.bank.Charges() != 0 {
		t.Errorf("Z must clear the terminal's batch; %d charges left", r.bank.Charges())
	}
	kinds := []string{}
	for _, c := range f.calls {
		kinds = append(kinds, c.Kind)
	}
	if len(kinds) != 3 || kinds[1] != "x-report" || kinds[2] != "z-report" {
		t.Errorf("fiscal hook kinds %v", kinds)
	}
}
