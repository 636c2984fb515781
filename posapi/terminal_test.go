package posapi_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/uapos/uapos/journal"
	"github.com/uapos/uapos/payment"
	"github.com/uapos/uapos/posapi"
	"github.com/uapos/uapos/posapi/capi"
	"github.com/uapos/uapos/simulators/posapisim"
)

func newTerm(t *testing.T, lib capi.Library, j journal.Journal) *posapi.Terminal {
	t.Helper()
	c, err := posapi.New(lib, posapi.Config{Port: "sim", Poll: 1})
	if err != nil {
		t.Fatal(err)
	}
	term, err := posapi.NewTerminal(c, posapi.TerminalConfig{Journal: j})
	if err != nil {
		t.Fatal(err)
	}
	return term
}

func perr(t *testing.T, err error) *payment.Error {
	t.Helper()
	var pe *payment.Error
	if !errors.As(err, &pe) {
		t.Fatalf("error %v (%T) is not a *payment.Error", err, err)
	}
	return pe
}

// TestRaiffeisenRow runs every DM task and service of the Raiffeisen (POSAPI) row through
// payment.Terminal against the simulator.
func TestRaiffeisenRow(t *testing.T) {
	sim := posapisim.New(posapisim.Config{})
	term := newTerm(t, sim, nil)
	ctx := context.Background()
	caps := term.Capabilities()
	if caps.Bank != payment.BankRaiffeisen || caps.Protocol != payment.ProtoPOSAPI {
		t.Fatalf("row %v", caps)
	}

	var purchase *payment.Result
	tasks := []struct {
		op  payment.Operation
		run func(t *testing.T) (*payment.Result, error)
		chk func(t *testing.T, r *payment.Result)
	}{
		{payment.OpPurchase, func(t *testing.T) (*payment.Result, error) {
			ev := make(chan payment.Event, 16)
			r, err := term.Purchase(ctx, payment.Request{TransactionID: "t1", Amount: 12345, Events: ev})
			if len(ev) == 0 {
				t.Error("no progress events")
			}
			purchase = r
			return r, err
		}, func(t *testing.T, r *payment.Result) {
			if !r.Approved || r.Amount != 12345 || r.RRN == "" || r.AuthCode == "" || len(r.Invoice) != 6 ||
				r.PAN != "4731XXXXXXXX9838" || r.Currency != "980" || r.Time.IsZero() || r.Receipt == "" || r.Partial {
				t.Errorf("purchase result %+v", r)
			}
		}},
		{payment.OpRefund, func(t *testing.T) (*payment.Result, error) {
			return term.Refund(ctx, payment.Request{TransactionID: "t2", Amount: 345, RRN: purchase.RRN})
		}, func(t *testing.T, r *payment.Result) {
			if !r.Approved || r.Amount != 345 {
				t.Errorf("refund %+v", r)
			}
		}},
		{payment.OpCancel, func(t *testing.T) (*payment.Result, error) {
			return term.Cancel(ctx, payment.Request{TransactionID: "t3", Invoice: purchase.Invoice})
		}, func(t *testing.T, r *payment.Result) {
			if !r.Approved || r.Amount != 12345 {
				t.Errorf("cancel %+v", r)
			}
		}},
		{payment.OpPurchaseCashback, func(t *testing.T) (*payment.Result, error) {
			return term.PurchaseCashback(ctx, payment.Request{TransactionID: "t4", Amount: 5000, CashAmount: 20000})
		}, func(t *testing.T, r *payment.Result) {
			if !r.Approved || r.Amount != 5000 || r.CashAmount != 20000 {
				t.Errorf("cashback %+v", r)
			}
		}},
		{payment.OpXReport, func(t *testing.T) (*payment.Result, error) {
			return term.XReport(ctx, payment.Request{})
		}, func(t *testing.T, r *payment.Result) {
			if !r.Approved || !strings.Contains(r.Receipt, "X-ЗВІТ") {
				t.Errorf("x-report %+v", r)
			}
		}},
		{payment.OpCloseBatch, func(t *testing.T) (*payment.Result, error) {
			return term.CloseBatch(ctx, payment.Request{})
		}, func(t *testing.T, r *payment.Result) {
			if !r.Approved || !strings.Contains(r.Receipt, "Z-ЗВІТ") || len(sim.Records()) != 0 {
				t.Errorf("close batch %+v, journal %d", r, len(sim.Records()))
			}
		}},
	}
	for _, tc := range tasks {
		t.Run(tc.op.String(), func(t *testing.T) {
			if !caps.Supports(tc.op) {
				t.Fatalf("%s not in the row", tc.op)
			}
			r, err := tc.run(t)
			if err != nil {
				t.Fatal(err)
			}
			tc.chk(t, r)
		})
	}
	for _, op := range caps.Operations {
		found := false
		for _, tc := range tasks {
			found = found || tc.op == op
		}
		if !found {
			t.Errorf("task %s of the row is not tested", op)
		}
	}

	t.Run("merchants", func(t *testing.T) {
		m, err := term.Merchants(ctx)
		if err != nil || len(m) != 1 || m[0].Index != "1234567" || m[0].TerminalID != "P0001027" || m[0].Name == "" {
			t.Fatalf("merchants %+v, %v", m, err)
		}
	})
	t.Run("bank echo", func(t *testing.T) {
		if err := term.BankEcho(ctx); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("status", func(t *testing.T) {
		ev, err := term.TransactionStatus(ctx)
		// The last journaled operation (t4) was cleared by close day: not found.
		if err != nil || ev.Code != int(capi.RespDecline) {
			t.Fatalf("status %+v, %v", ev, err)
		}
	})
	t.Run("last transaction", func(t *testing.T) {
		r, err := term.LastTransaction(ctx)
		if err != nil || r.TransactionID != "t4" || r.Amount != 5000 {
			t.Fatalf("last %+v, %v", r, err)
		}
	})
	if sim.OpenSessions() != 0 {
		t.Errorf("%d sessions left open", sim.OpenSessions())
	}
}

func TestRetrySameIDDoesNotChargeTwice(t *testing.T) {
	sim := posapisim.New(posapisim.Config{})
	term := newTerm(t, sim, nil)
	req := payment.Request{TransactionID: "same", Amount: 100}
	a, err := term.Purchase(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	b, err := term.Purchase(context.Background(), req)
	if err != nil || b.RRN != a.RRN || sim.Charges() != 1 {
		t.Fatalf("retry %+v, %v, charges %d", b, err, sim.Charges())
	}
}

func TestDeclineIs5024(t *testing.T) {
	sim := posapisim.New(posapisim.Config{Decline: 5})
	term := newTerm(t, sim, nil)
	_, err := term.Purchase(context.Background(), payment.Request{TransactionID: "d", Amount: 100})
	pe := perr(t, err)
	if pe.Code != 5024 || !errors.Is(err, payment.ErrDeclined) || pe.ResponseCode != "51" || pe.Receipt == "" {
		t.Fatalf("decline %#v", pe)
	}
	want := "Повідомлення від банку: НЕДОСТАТНЬО КОШТІВ Статус: 5 Код відповіді банку: 51"
	if got := pe.Ukrainian(); got != want {
		t.Fatalf("text %q, want %q", got, want)
	}
	if sim.Charges() != 0 {
		t.Fatal("charged")
	}
}

func TestCustomerCancelIs5023(t *testing.T) {
	sim := posapisim.New(posapisim.Config{CustomerCancel: true})
	term := newTerm(t, sim, nil)
	_, err := term.Purchase(context.Background(), payment.Request{TransactionID: "c", Amount: 100})
	if pe := perr(t, err); pe.Code != 5023 || !errors.Is(err, payment.ErrCancelled) {
		t.Fatalf("cancel %v", err)
	}
}

func TestLostIdentifierNoCharge(t *testing.T) {
	sim := posapisim.New(posapisim.Config{LoseIdentifier: true})
	j := journal.NewMemory()
	term := newTerm(t, sim, j)
	_, err := term.Purchase(context.Background(), payment.Request{TransactionID: "l", Amount: 100})
	if pe := perr(t, err); pe.Code != 5023 {
		t.Fatalf("lost identifier: %v", err)
	}
	e, _, _ := j.Get(context.Background(), "l")
	if e.State != journal.StateFailed || sim.Charges() != 0 {
		t.Fatalf("state %s, charges %d", e.State, sim.Charges())
	}
}

// TestCancelWhileBreakable: the caller's context ends during the card step (msg_break=1):
// the client sends ACTION_BREAK and the terminal ends with RESP_BREAK; nothing is charged.
func TestCancelWhileBreakable(t *testing.T) {
	hold := make(chan struct{})
	sim := posapisim.New(posapisim.Config{HoldCard: hold})
	term := newTerm(t, sim, nil)
	ctx, cancel := context.WithCancel(context.Background())
	ev := make(chan payment.Event, 1)
	go func() {
		<-ev // the first card step
		cancel()
	}()
	_, err := term.Purchase(ctx, payment.Request{TransactionID: "b", Amount: 100, Events: ev})
	if pe := perr(t, err); pe.Code != 5023 || !errors.Is(err, context.Canceled) {
		t.Fatalf("break: %v", err)
	}
	close(hold)
	if sim.Charges() != 0 {
		t.Fatal("charged")
	}
}

// TestCancelPastNoReturn: the context ends during the host step (msg_break=0): no BREAK is
// sent, the outcome is unknown, and a retry with the same id resolves it by ACTION_STATUS.
func TestCancelPastNoReturn(t *testing.T) {
	hold := make(chan struct{})
	sim := posapisim.New(posapisim.Config{Hold: hold})
	j := journal.NewMemory()
	term := newTerm(t, sim, j)
	ctx, cancel := context.WithCancel(context.Background())
	ev := make(chan payment.Event, 8)
	go func() {
		for e := range ev {
			if strings.Contains(e.Text, "БАНК") {
				cancel()
				return
			}
		}
	}()
	_, err := term.Purchase(ctx, payment.Request{TransactionID: "u", Amount: 300, Events: ev})
	if !errors.Is(err, payment.ErrOutcomeUnknown) {
		t.Fatalf("want outcome unknown, got %v", err)
	}
	close(hold)
	r, err := term.Purchase(context.Background(), payment.Request{TransactionID: "u", Amount: 300})
	if err != nil || !r.Approved || sim.Charges() != 1 {
		t.Fatalf("retry %+v, %v, charges %d", r, err, sim.Charges())
	}
}

func TestDiscountRevision(t *testing.T) {
	sim := posapisim.New(posapisim.Config{})
	term := newTerm(t, sim, nil)
	r, err := term.Purchase(context.Background(), payment.Request{TransactionID: "r", Amount: 1000, Discount: 150})
	if err != nil || r.Amount != 850 || r.DiscountAmount != 150 || r.Partial {
		t.Fatalf("revision %+v, %v", r, err)
	}
	if rec := sim.Records(); len(rec) != 1 || rec[0].Amount != 850 || rec[0].OrigAmount != 1000 {
		t.Fatalf("records %+v", rec)
	}
}

func TestPartialApproval(t *testing.T) {
	sim := posapisim.New(posapisim.Config{PartialAmount: 400})
	term := newTerm(t, sim, nil)
	r, err := term.Purchase(context.Background(), payment.Request{TransactionID: "p1", Amount: 1000})
	if err != nil || !r.Partial || r.Amount != 400 {
		t.Fatalf("partial purchase %+v, %v", r, err)
	}
	r, err = term.PurchaseCashback(context.Background(), payment.Request{TransactionID: "p2", Amount: 1000, CashAmount: 500})
	if err != nil || !r.Partial || r.Amount != 400 || r.CashAmount != 0 {
		t.Fatalf("partial cashback %+v, %v", r, err)
	}
}

func TestMultiHost(t *testing.T) {
	sim := posapisim.New(posapisim.Config{Hosts: []posapisim.Host{
		{Name: "A", MerchantID: "1111111", TerminalID: "T1"},
		{Name: "B", MerchantID: "2222222", TerminalID: "T2"},
	}})
	term := newTerm(t, sim, nil)
	ctx := context.Background()
	if _, err := term.Purchase(ctx, payment.Request{TransactionID: "m1", Amount: 100, Merchant: "2222222"}); err != nil {
		t.Fatal(err)
	}
	if _, err := term.Purchase(ctx, payment.Request{TransactionID: "m2", Amount: 100, Merchant: "1111111"}); err != nil {
		t.Fatal(err)
	}
	if err := term.BankEcho(ctx); err != nil {
		t.Fatalf("echo per host: %v", err)
	}
	m, err := term.Merchants(ctx)
	if err != nil || len(m) != 2 || m[1].Index != "2222222" {
		t.Fatalf("merchants %+v %v", m, err)
	}
	if _, err := term.CloseBatch(ctx, payment.Request{Merchant: "2222222"}); err != nil {
		t.Fatal(err)
	}
	if rec := sim.Records(); len(rec) != 1 || rec[0].Host != 0 {
		t.Fatalf("close day of one host left %+v", rec)
	}
	replies, err := term.Client().CloseEachHost(ctx)
	if err != nil || len(replies) != 2 || len(sim.Records()) != 0 {
		t.Fatalf("close each host: %d replies, %v, %d records", len(replies), err, len(sim.Records()))
	}
	_, err = term.Purchase(ctx, payment.Request{TransactionID: "m3", Amount: 100, Merchant: "9999999"})
	if pe := perr(t, err); pe.Code != 5023 {
		t.Fatalf("unknown merchant: %v", err)
	}
}

func TestWrongMAC(t *testing.T) {
	sim := posapisim.New(posapisim.Config{MACKey: "00112233445566778899AABBCCDDEEFF"})
	term := newTerm(t, sim, nil)
	_, err := term.Purchase(context.Background(), payment.Request{TransactionID: "w", Amount: 100})
	if pe := perr(t, err); pe.Code != 5000 || !errors.Is(err, posapi.ErrWrongMAC) {
		t.Fatalf("mac: %v", err)
	}
}

func TestOpenFails(t *testing.T) {
	sim := posapisim.New(posapisim.Config{OpenFail: true})
	term := newTerm(t, sim, nil)
	_, err := term.XReport(context.Background(), payment.Request{})
	if pe := perr(t, err); pe.Code != 5028 || !errors.Is(err, payment.ErrLink) {
		t.Fatalf("open: %v", err)
	}
}

func TestBadBank(t *testing.T) {
	c, _ := posapi.New(posapisim.New(posapisim.Config{}), posapi.Config{})
	if _, err := posapi.NewTerminal(c, posapi.TerminalConfig{Bank: payment.BankPrivat}); err == nil {
		t.Fatal("PrivatBank accepted for POSAPI")
	}
	for _, b := range []payment.Bank{payment.BankPUMB, payment.BankSense} {
		if _, err := posapi.NewTerminal(c, posapi.TerminalConfig{Bank: b}); err != nil {
			t.Errorf("%s: %v", b, err)
		}
	}
}

// hide drops some exported symbols, as an older library would.
type hide struct {
	capi.Library
	names map[string]bool
}

func (h hide) IntSymbol(n string) (int, bool) {
	if h.names[n] {
		return 0, false
	}
	return h.Library.IntSymbol(n)
}

func TestGapSymbolIsNotSupported(t *testing.T) {
	sim := posapisim.New(posapisim.Config{})
	term := newTerm(t, hide{sim, map[string]bool{"ACTION_HOST_COUNT": true}}, nil)
	_, err := term.Merchants(context.Background())
	if pe := perr(t, err); pe.Code != 5029 || !errors.Is(err, posapi.ErrUnknownSymbol) {
		t.Fatalf("merchants without ACTION_HOST_COUNT: %v", err)
	}
	if sim.Opens() != 0 {
		t.Fatal("a session was opened for an unresolvable action")
	}
}

// TestStatusWhileRunning: service 5 during an operation reports the terminal's last message
// without opening a second session.
func TestStatusWhileRunning(t *testing.T) {
	hold := make(chan struct{})
	sim := posapisim.New(posapisim.Config{HoldCard: hold})
	term := newTerm(t, sim, nil)
	ev := make(chan payment.Event, 1)
	done := make(chan error, 1)
	go func() {
		_, err := term.Purchase(context.Background(), payment.Request{TransactionID: "s", Amount: 100, Events: ev})
		done <- err
	}()
	<-ev
	st, err := term.TransactionStatus(context.Background())
	opens := sim.Opens()
	_, busy := term.Refund(context.Background(), payment.Request{TransactionID: "s2", Amount: 1})
	close(hold)
	if pe := perr(t, busy); pe.Code != payment.CodeBusy {
		t.Fatalf("second operation: %v", busy)
	}
	if err != nil || st.Code != int(capi.RespMessage) || !strings.Contains(st.Text, "КАРТКУ") || opens != 1 {
		t.Fatalf("status %+v, %v, opens %d", st, err, opens)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestSymbolOverride(t *testing.T) {
	sim := posapisim.New(posapisim.Config{})
	lib := hide{sim, map[string]bool{"ACTION_HOST_COUNT": true}}
	c, err := posapi.New(lib, posapi.Config{Poll: 1, Symbols: map[string]string{"ACTION_HOST_COUNT": "0x0F01"}})
	if err != nil {
		t.Fatal(err)
	}
	if v, err := c.Resolve(capi.ActionHostCount); err != nil || v != 0x0F01 {
		t.Fatalf("override %#x %v", v, err)
	}
	// The library's own export wins over an override.
	c2, _ := posapi.New(sim, posapi.Config{Symbols: map[string]string{"ACTION_PAYMENT": "0x7777"}})
	if v, _ := c2.Resolve(capi.ActionPayment); v != 0x0103 {
		t.Fatalf("ACTION_PAYMENT = %#x", v)
	}
	n, err := c.HostCount(context.Background())
	if err != nil || n != 1 {
		t.Fatalf("host count %d %v", n, err)
	}
}
