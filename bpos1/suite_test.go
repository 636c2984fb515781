package bpos1_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/uapos/uapos/bpos1"
	"github.com/uapos/uapos/payment"
	"github.com/uapos/uapos/simulators/bpos1sim"
)

// fixture is one terminal under test: the adapter and what the suite may inspect.
type fixture struct {
	term *bpos1.Terminal
	// journal returns the simulated terminal's current batch.
	journal func() []bpos1sim.Record
	// calls counts the requests of a kind the simulator received ("Purchase", "Refund").
	calls func(string) int
	// batch returns the simulated terminal's batch number.
	batch func() uint32
}

// backend builds a fixture for a simulator configuration and a bank.
type backend struct {
	name string
	// wire is true for the provisional native wire: no receipts, no totals, no journal
	// queries (bpos1.md §B has no frames for them).
	wire bool
	make func(t *testing.T, cfg bpos1sim.Config, bank payment.Bank) fixture
}

func ctxT(t *testing.T) context.Context { return t.Context() }

func wantCode(t *testing.T, err error, code int, kind error) *payment.Error {
	t.Helper()
	var pe *payment.Error
	if !errors.As(err, &pe) {
		t.Fatalf("error %v (%T), want *payment.Error %d", err, err, code)
	}
	if pe.Code != code {
		t.Fatalf("code %d (%v), want %d", pe.Code, err, code)
	}
	if kind != nil && !errors.Is(err, kind) {
		t.Fatalf("error %v is not %v", err, kind)
	}
	return pe
}

type suiteCase struct {
	name string
	op   payment.Operation // 0 for service calls
	cfg  bpos1sim.Config
	bank payment.Bank
	run  func(t *testing.T, f fixture, wire bool)
}

func purchase(t *testing.T, f fixture, id string, amount payment.Amount) *payment.Result {
	t.Helper()
	res, err := f.term.Purchase(ctxT(t), payment.Request{TransactionID: id, Amount: amount})
	if err != nil {
		t.Fatalf("purchase %s: %v", id, err)
	}
	return res
}

// suite is every DM task and service of the Oschadbank (BPOS1) row, run through
// payment.Terminal.
var suite = []suiteCase{
	{name: "task 1 purchase approved and confirmed", op: payment.OpPurchase, run: func(t *testing.T, f fixture, wire bool) {
		events := make(chan payment.Event, 32)
		res, err := f.term.Purchase(ctxT(t), payment.Request{TransactionID: "p1", Amount: 100, Events: events})
		if err != nil {
			t.Fatal(err)
		}
		if !res.Approved || res.Amount != 100 || len(res.RRN) != 12 || res.Invoice != "1" || res.PAN != "4731XXXXXXXX9838" {
			t.Fatalf("result %+v", res)
		}
		j := f.journal()
		if len(j) != 1 || j[0].TrnStatus != 1 {
			t.Fatalf("terminal journal %+v, want one approved record", j)
		}
		if f.calls("Confirm") != 1 {
			t.Fatalf("Confirm sent %d times", f.calls("Confirm"))
		}
		if wire {
			return
		}
		if !strings.Contains(res.Receipt, "ОПЕРАЦІЯ УСПІШНА") {
			t.Fatalf("receipt %q", res.Receipt)
		}
		var codes []int
		for len(events) > 0 {
			codes = append(codes, (<-events).Code)
		}
		if want := []int{9, 1, 2, 6, 3, 5}; len(codes) != len(want) || codes[0] != 9 || codes[5] != 5 {
			t.Fatalf("progress %v, want %v", codes, want)
		}
	}},
	{name: "task 1 retry with the same id does not charge twice", op: payment.OpPurchase, run: func(t *testing.T, f fixture, wire bool) {
		a := purchase(t, f, "same", 250)
		b := purchase(t, f, "same", 250)
		if a.RRN != b.RRN || f.calls("Purchase") != 1 || len(f.journal()) != 1 {
			t.Fatalf("second call reached the terminal: %d purchases", f.calls("Purchase"))
		}
	}},
	{name: "task 1 host decline keeps host code and slip", op: payment.OpPurchase,
		cfg: bpos1sim.Config{Declines: map[uint32]uint32{777: 51}}, run: func(t *testing.T, f fixture, wire bool) {
			_, err := f.term.Purchase(ctxT(t), payment.Request{TransactionID: "d1", Amount: 777})
			pe := wantCode(t, err, 5018, payment.ErrDeclined)
			if pe.ResponseCode != "51" {
				t.Fatalf("response code %q", pe.ResponseCode)
			}
			if !wire && !strings.Contains(pe.Receipt, "ВІДМОВА") {
				t.Fatalf("decline slip %q", pe.Receipt)
			}
			if f.calls("Confirm") != 0 {
				t.Fatal("a decline was confirmed")
			}
		}},
	{name: "task 1 terminal code 1002 maps to 5002", op: payment.OpPurchase,
		cfg: bpos1sim.Config{Declines: map[uint32]uint32{300: 1002}}, run: func(t *testing.T, f fixture, wire bool) {
			_, err := f.term.Purchase(ctxT(t), payment.Request{TransactionID: "d2", Amount: 300})
			wantCode(t, err, 5002, payment.ErrDeclined)
		}},
	{name: "task 1 other bank keeps 5015 for host codes", op: payment.OpPurchase, bank: payment.BankUkrsib,
		cfg: bpos1sim.Config{Declines: map[uint32]uint32{777: 51}}, run: func(t *testing.T, f fixture, wire bool) {
			_, err := f.term.Purchase(ctxT(t), payment.Request{TransactionID: "d3", Amount: 777})
			pe := wantCode(t, err, 5015, payment.ErrDeclined)
			if pe.ResponseCode != "51" {
				t.Fatalf("response code %q", pe.ResponseCode)
			}
		}},
	{name: "task 2 refund by RRN", op: payment.OpRefund, run: func(t *testing.T, f fixture, wire bool) {
		p := purchase(t, f, "p", 1000)
		res, err := f.term.Refund(ctxT(t), payment.Request{TransactionID: "r", Amount: 400, RRN: p.RRN})
		if err != nil {
			t.Fatal(err)
		}
		if !res.Approved || res.Amount != 400 {
			t.Fatalf("refund %+v", res)
		}
		if j := f.journal(); len(j) != 2 || j[1].TxnType != 2 || j[1].TrnStatus != 1 {
			t.Fatalf("journal %+v", j)
		}
		if f.calls("Confirm") != 2 {
			t.Fatalf("confirms %d, want 2", f.calls("Confirm"))
		}
	}},
	{name: "task 2 refund without a 12-digit RRN is refused before the wire", op: payment.OpRefund, run: func(t *testing.T, f fixture, wire bool) {
		_, err := f.term.Refund(ctxT(t), payment.Request{TransactionID: "r", Amount: 400, RRN: "12345"})
		wantCode(t, err, 5025, payment.ErrDeclined)
		if f.calls("Refund") != 0 {
			t.Fatal("refund reached the terminal")
		}
	}},
	{name: "task 3 cancel by invoice, no confirm", op: payment.OpCancel, run: func(t *testing.T, f fixture, wire bool) {
		p := purchase(t, f, "p", 500)
		res, err := f.term.Cancel(ctxT(t), payment.Request{TransactionID: "c", Invoice: p.Invoice})
		if err != nil {
			t.Fatal(err)
		}
		if !res.Approved {
			t.Fatalf("cancel %+v", res)
		}
		j := f.journal()
		if len(j) != 2 || j[0].TrnStatus != 4 || j[1].TxnType != 3 {
			t.Fatalf("journal %+v", j)
		}
		if f.calls("Confirm") != 1 {
			t.Fatalf("confirms %d: the void was confirmed", f.calls("Confirm"))
		}
	}},
	{name: "task 3 cancel only in the current batch", op: payment.OpCancel, run: func(t *testing.T, f fixture, wire bool) {
		p := purchase(t, f, "p", 500)
		if _, err := f.term.CloseBatch(ctxT(t), payment.Request{}); err != nil {
			t.Fatal(err)
		}
		_, err := f.term.Cancel(ctxT(t), payment.Request{TransactionID: "c", Invoice: p.Invoice})
		if wire {
			wantCode(t, err, 5000, nil)
			return
		}
		wantCode(t, err, 5027, payment.ErrNotFound)
		if f.calls("Void") != 0 {
			t.Fatal("void of an unknown invoice reached the terminal")
		}
	}},
	{name: "task 4 P2P is not supported with a message", op: payment.OpP2P, run: func(t *testing.T, f fixture, wire bool) {
		_, err := f.term.TransferP2P(ctxT(t), payment.Request{TransactionID: "x", Amount: 100})
		pe := wantCode(t, err, 5029, payment.ErrNotSupported)
		if !strings.Contains(pe.DeviceText, "P2P") {
			t.Fatalf("message %q", pe.DeviceText)
		}
	}},
	{name: "task 4 P2P outside the row fails the capability check", op: payment.OpP2P, bank: payment.BankUkrsib, run: func(t *testing.T, f fixture, wire bool) {
		_, err := f.term.TransferP2P(ctxT(t), payment.Request{TransactionID: "x", Amount: 100})
		wantCode(t, err, 5029, payment.ErrNotSupported)
	}},
	{name: "task 10 X-report keeps the batch", op: payment.OpXReport, run: func(t *testing.T, f fixture, wire bool) {
		p := purchase(t, f, "p", 1000)
		if _, err := f.term.Refund(ctxT(t), payment.Request{TransactionID: "r", Amount: 300, RRN: p.RRN}); err != nil {
			t.Fatal(err)
		}
		res, err := f.term.XReport(ctxT(t), payment.Request{})
		if err != nil {
			t.Fatal(err)
		}
		if len(f.journal()) != 2 || f.batch() != 1 {
			t.Fatal("X-report closed the batch")
		}
		if wire {
			if res.Totals != nil {
				t.Fatalf("wire totals %+v: the wire carries none", res.Totals)
			}
			return
		}
		tt := res.Totals
		if tt == nil || tt.PurchaseCount != 1 || tt.PurchaseAmount != 1000 || tt.RefundCount != 1 || tt.RefundAmount != 300 {
			t.Fatalf("totals %+v", tt)
		}
		if !strings.Contains(res.Receipt, "X-БАЛАНС") {
			t.Fatalf("report %q", res.Receipt)
		}
	}},
	{name: "task 11 close batch clears the journal", op: payment.OpCloseBatch, run: func(t *testing.T, f fixture, wire bool) {
		purchase(t, f, "p1", 100)
		purchase(t, f, "p2", 200)
		res, err := f.term.CloseBatch(ctxT(t), payment.Request{})
		if err != nil {
			t.Fatal(err)
		}
		if len(f.journal()) != 0 || f.batch() != 2 {
			t.Fatalf("journal %d records, batch %d", len(f.journal()), f.batch())
		}
		if !wire && (res.Totals == nil || res.Totals.PurchaseCount != 2 || res.Totals.PurchaseAmount != 300) {
			t.Fatalf("totals %+v", res.Totals)
		}
	}},
	{name: "task 14 cash only via CashAdvance", op: payment.OpPurchaseCashback, run: func(t *testing.T, f fixture, wire bool) {
		res, err := f.term.PurchaseCashback(ctxT(t), payment.Request{TransactionID: "cash", CashAmount: 50000})
		if wire {
			wantCode(t, err, 5029, payment.ErrNotSupported)
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		if !res.Approved || res.CashAmount != 50000 || f.journal()[0].TxnType != 20 {
			t.Fatalf("cash %+v, journal %+v", res, f.journal())
		}
	}},
	{name: "task 14 purchase with cash is not supported", op: payment.OpPurchaseCashback, run: func(t *testing.T, f fixture, wire bool) {
		_, err := f.term.PurchaseCashback(ctxT(t), payment.Request{TransactionID: "pc", Amount: 100, CashAmount: 500})
		pe := wantCode(t, err, 5029, payment.ErrNotSupported)
		if !strings.Contains(pe.DeviceText, "CashAdvance") {
			t.Fatalf("message %q", pe.DeviceText)
		}
	}},
	{name: "task 17 get transaction by invoice and the last one", op: payment.OpGetTransaction, run: func(t *testing.T, f fixture, wire bool) {
		p1 := purchase(t, f, "p1", 100)
		p2 := purchase(t, f, "p2", 200)
		got, err := f.term.GetTransaction(ctxT(t), payment.Request{Invoice: p1.Invoice})
		if wire {
			wantCode(t, err, 5029, payment.ErrNotSupported)
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		if got.RRN != p1.RRN || got.Amount != 100 || !got.Approved || got.Operation != payment.OpPurchase {
			t.Fatalf("by invoice %+v", got)
		}
		last, err := f.term.GetTransaction(ctxT(t), payment.Request{})
		if err != nil {
			t.Fatal(err)
		}
		if last.RRN != p2.RRN {
			t.Fatalf("last %+v", last)
		}
		_, err = f.term.GetTransaction(ctxT(t), payment.Request{Invoice: "99"})
		wantCode(t, err, 5027, payment.ErrNotFound)
	}},
	{name: "service 2 merchant list from TerminalInfo", run: func(t *testing.T, f fixture, wire bool) {
		ms, err := f.term.Merchants(ctxT(t))
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) != 3 || ms[0].Index != "1" || ms[0].Name != "AQ1" || ms[2].Name != "AQ3" {
			t.Fatalf("merchants %+v", ms)
		}
	}},
	{name: "service 4 bank echo", run: func(t *testing.T, f fixture, wire bool) {
		if wire {
			wantCode(t, f.term.BankEcho(ctxT(t)), 5029, payment.ErrNotSupported)
			return
		}
		if err := f.term.BankEcho(ctxT(t)); err != nil {
			t.Fatal(err)
		}
	}},
	{name: "service 4 bank echo without host", cfg: bpos1sim.Config{HostDown: true}, run: func(t *testing.T, f fixture, wire bool) {
		if wire {
			wantCode(t, f.term.BankEcho(ctxT(t)), 5029, payment.ErrNotSupported)
			return
		}
		wantCode(t, f.term.BankEcho(ctxT(t)), 5004, payment.ErrDevice)
	}},
	{name: "service 5 status while an operation runs, then cancel", cfg: bpos1sim.Config{Hang: true}, run: func(t *testing.T, f fixture, wire bool) {
		events := make(chan payment.Event, 64)
		ctx, cancel := context.WithCancel(ctxT(t))
		defer cancel()
		done := make(chan error, 1)
		go func() {
			_, err := f.term.Purchase(ctx, payment.Request{TransactionID: "h", Amount: 100, Events: events})
			done <- err
		}()
		// the last step of the progress script (5, printing) is where a hung operation waits
		for ev := range events {
			if ev.Code == 5 {
				break
			}
		}
		st, err := f.term.TransactionStatus(ctxT(t))
		if err != nil || st.Code != 5 {
			t.Fatalf("status %+v, %v", st, err)
		}
		cancel()
		wantCode(t, <-done, 5001, payment.ErrCancelled)
		if len(f.journal()) != 0 {
			t.Fatalf("journal %+v after cancel", f.journal())
		}
	}},
	{name: "service 6 last transaction", run: func(t *testing.T, f fixture, wire bool) {
		_, err := f.term.LastTransaction(ctxT(t))
		if wire {
			wantCode(t, err, 5029, payment.ErrNotSupported)
			return
		}
		wantCode(t, err, 5027, payment.ErrNotFound)
		p := purchase(t, f, "p", 100)
		last, err := f.term.LastTransaction(ctxT(t))
		if err != nil || last.RRN != p.RRN {
			t.Fatalf("last %+v, %v", last, err)
		}
	}},
	{name: "ping", run: func(t *testing.T, f fixture, wire bool) {
		if err := payment.Pinger(f.term).Ping(ctxT(t)); err != nil {
			t.Fatal(err)
		}
	}},
}

// TestSuiteCoversRow checks that the suite has a case for every task of the Oschadbank row.
func TestSuiteCoversRow(t *testing.T) {
	row := payment.MustCapabilities(payment.BankOschad, payment.ProtoBPOS1)
	for _, op := range row.Operations {
		found := false
		for _, c := range suite {
			found = found || c.op == op
		}
		if !found {
			t.Errorf("no suite case for task %d (%s)", int(op), op)
		}
	}
}

func runSuite(t *testing.T, b backend) {
	for _, c := range suite {
		t.Run(c.name, func(t *testing.T) {
			bank := c.bank
			if bank == "" {
				bank = payment.BankOschad
			}
			c.run(t, b.make(t, c.cfg, bank), b.wire)
		})
	}
}

func TestSuiteLibrarySimulator(t *testing.T) {
	runSuite(t, backend{name: "library", make: func(t *testing.T, cfg bpos1sim.Config, bank payment.Bank) fixture {
		lib := bpos1sim.NewLibrary(cfg)
		c, err := bpos1.New(lib, bpos1.Config{PollInterval: -1})
		if err != nil {
			t.Fatal(err)
		}
		if err := c.OpenTCP(ctxT(t), "127.0.0.1", "2000"); err != nil {
			t.Fatal(err)
		}
		term, err := bpos1.NewTerminal(c, bpos1.TerminalConfig{Bank: bank})
		if err != nil {
			t.Fatal(err)
		}
		return fixture{term: term, journal: lib.Journal, calls: lib.Calls, batch: lib.Batch}
	}})
}
