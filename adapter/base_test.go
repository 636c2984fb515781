package adapter_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/uapos/uapos/adapter"
	"github.com/uapos/uapos/payment"
)

// lightSpec is Bank Pivdennyi's B-POS Light row: purchase, cancel and close batch only, and
// the merchant list and last transaction services.
var lightSpec = adapter.Spec{Protocol: payment.ProtoBPOSLight, DefaultBank: payment.BankPivdennyi, KeyPrefix: "bposlight"}

func newBase(t *testing.T, cfg adapter.Config, spec adapter.Spec) *adapter.Base[*toyClient] {
	t.Helper()
	b, err := adapter.New(&toyClient{}, cfg, spec)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return b
}

func TestNewUnknownRow(t *testing.T) {
	cases := []struct {
		name string
		cfg  adapter.Config
		spec adapter.Spec
	}{
		{"default bank without the protocol", adapter.Config{}, adapter.Spec{Protocol: payment.ProtoBPOSLight, DefaultBank: payment.BankPrivat, KeyPrefix: "bposlight"}},
		{"configured bank without the protocol", adapter.Config{Bank: payment.BankOschad}, adapter.Spec{Protocol: payment.ProtoPrivatJSON, DefaultBank: payment.BankPrivat, KeyPrefix: "privatjson"}},
		{"unknown bank", adapter.Config{Bank: "No Such Bank"}, lightSpec},
		{"unknown protocol", adapter.Config{}, adapter.Spec{Protocol: "Telepathy", DefaultBank: payment.BankPrivat, KeyPrefix: "toy"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, err := adapter.New(&toyClient{}, c.cfg, c.spec)
			if err == nil || b != nil {
				t.Fatalf("New = %v, %v; want an error", b, err)
			}
			if !strings.Contains(err.Error(), string(c.spec.Protocol)) {
				t.Errorf("error %q does not name the protocol %q", err, c.spec.Protocol)
			}
		})
	}
}

func TestNewConfiguredBank(t *testing.T) {
	// Names compare case-insensitively; the row is the configured bank's, not the default's.
	b := newBase(t, adapter.Config{Bank: "ukrsibbank"}, lightSpec)
	if got := b.Capabilities().Bank; got != payment.BankUkrsib {
		t.Errorf("row bank = %q, want %q", got, payment.BankUkrsib)
	}
}

func TestOutsideRowRefusedBeforeExchange(t *testing.T) {
	ctx := context.Background()
	b := newBase(t, adapter.Config{}, lightSpec)
	called := false
	exchange := func(context.Context) (*payment.Result, error) {
		called = true
		return &payment.Result{Operation: payment.OpRefund, Approved: true, Amount: 100}, nil
	}
	res, err := b.Money(ctx, payment.OpRefund, payment.Request{TransactionID: "r-1", Amount: 100, RRN: "512345678901"}, exchange)
	if res != nil || payment.ErrorCode(err) != payment.CodeNotSupportedTask || !errors.Is(err, payment.ErrNotSupported) {
		t.Fatalf("Money(refund) = %v, %v; want 5029", res, err)
	}
	if called {
		t.Error("the exchange ran for an operation outside the row")
	}
	if _, found, err := b.Journal().Get(ctx, "r-1"); found || err != nil {
		t.Errorf("journal entry for a refused operation: found=%v err=%v", found, err)
	}

	// Enter and EnterService check the row the same way.
	if _, err := b.Enter(ctx, payment.OpPurchaseCashback); payment.ErrorCode(err) != payment.CodeNotSupportedTask {
		t.Errorf("Enter(cashback) = %v, want 5029", err)
	}
	if _, err := b.EnterService(ctx, payment.SvcBankEcho, false); payment.ErrorCode(err) != payment.CodeNotSupportedTask {
		t.Errorf("EnterService(bank echo) = %v, want 5029", err)
	}
	leave, err := b.EnterService(ctx, payment.SvcLastTransaction, true)
	if err != nil {
		t.Fatalf("EnterService(last transaction) = %v", err)
	}
	leave()
}

func TestBusyWithoutWait(t *testing.T) {
	ctx := context.Background()
	b := newBase(t, adapter.Config{}, lightSpec)
	leave, err := b.Enter(ctx, payment.OpPurchase)
	if err != nil {
		t.Fatalf("first Enter: %v", err)
	}
	// The second caller's context has ended, so a caller that waited (wrongly) would get 1105
	// wrapping context.Canceled instead of hanging the test; without Wait the gate answers
	// busy at once, with no context error.
	ended, cancel := context.WithCancel(ctx)
	cancel()
	_, err = b.Enter(ended, payment.OpPurchase)
	if payment.ErrorCode(err) != payment.CodeBusy || !errors.Is(err, payment.ErrBusy) || errors.Is(err, context.Canceled) {
		t.Fatalf("second Enter while the first holds the gate = %v, want 1105 at once", err)
	}
	if _, err := b.EnterLink(ended); payment.ErrorCode(err) != payment.CodeBusy || errors.Is(err, context.Canceled) {
		t.Errorf("EnterLink while the gate is held = %v, want 1105", err)
	}
	called := false
	_, err = b.Money(ended, payment.OpPurchase, payment.Request{TransactionID: "s-2", Amount: 100}, func(context.Context) (*payment.Result, error) {
		called = true
		return nil, errors.New("unreachable")
	})
	if payment.ErrorCode(err) != payment.CodeBusy || called {
		t.Errorf("Money while the gate is held = %v (exchange called: %v), want 1105 before the exchange", err, called)
	}

	leave()
	leave2, err := b.Enter(ctx, payment.OpPurchase)
	if err != nil {
		t.Fatalf("Enter after the first left: %v", err)
	}
	leave2()
}

func TestWaitUntilFirstLeaves(t *testing.T) {
	ctx := context.Background()
	b := newBase(t, adapter.Config{Wait: true}, lightSpec)
	leave, err := b.Enter(ctx, payment.OpPurchase)
	if err != nil {
		t.Fatalf("first Enter: %v", err)
	}

	var left atomic.Bool // set just before the first caller leaves
	done := make(chan error, 1)
	go func() {
		leave2, err := b.Enter(ctx, payment.OpPurchase)
		if err != nil {
			done <- err
			return
		}
		defer leave2()
		if !left.Load() {
			done <- errors.New("the second caller got through while the first held the gate")
			return
		}
		done <- nil
	}()

	// A waiter whose context ends gets 1105 with the context's error, not the gate.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := b.Enter(cctx, payment.OpPurchase); payment.ErrorCode(err) != payment.CodeBusy || !errors.Is(err, context.Canceled) {
		t.Errorf("Enter with an ended context = %v, want 1105 wrapping context.Canceled", err)
	}

	left.Store(true)
	leave()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestConfigDefaults(t *testing.T) {
	link := toyLink("tcp://127.0.0.1:2000")
	withLink := lightSpec
	withLink.Link = link

	b := newBase(t, adapter.Config{}, withLink)
	cfg := b.Config()
	if want := "bposlight:" + link.String(); b.Key() != want || cfg.Key != want {
		t.Errorf("key = %q (config %q), want %q", b.Key(), cfg.Key, want)
	}
	if cfg.Bank != payment.BankPivdennyi {
		t.Errorf("bank = %q, want the default %q", cfg.Bank, payment.BankPivdennyi)
	}
	if cfg.ReconcileWindow != 10*time.Minute || adapter.DefaultReconcileWindow != 10*time.Minute || b.Window() != 10*time.Minute {
		t.Errorf("reconcile window = %v (Window %v), want 10m", cfg.ReconcileWindow, b.Window())
	}
	if b.Journal() == nil || cfg.Journal != b.Journal() || b.Ledger().Journal != b.Journal() {
		t.Error("no in-memory journal shared by the config and the ledger")
	}
	if b.Ledger().Terminal != b.Key() {
		t.Errorf("ledger terminal = %q, want the key %q", b.Ledger().Terminal, b.Key())
	}
	if b.Logger() == nil {
		t.Error("nil logger")
	}

	if got := newBase(t, adapter.Config{}, lightSpec).Key(); got != "bposlight" {
		t.Errorf("key without a link = %q, want the prefix", got)
	}
	noName := lightSpec
	noName.Link = 42 // no String method
	if got := newBase(t, adapter.Config{}, noName).Key(); got != "bposlight" {
		t.Errorf("key with an unnamed link = %q, want the prefix", got)
	}
	nilLink := lightSpec
	nilLink.Link = (*ptrLink)(nil) // a nil conn: its String would dereference nil
	if got := newBase(t, adapter.Config{}, nilLink).Key(); got != "bposlight" {
		t.Errorf("key with a nil link = %q, want the prefix", got)
	}
	if got := newBase(t, adapter.Config{Key: "till-1"}, withLink).Key(); got != "till-1" {
		t.Errorf("configured key = %q, want it kept", got)
	}

	if w := newBase(t, adapter.Config{ReconcileWindow: -time.Second}, lightSpec).Window(); w != 0 {
		t.Errorf("Window with a negative window = %v, want 0 (time check off)", w)
	}
	if w := newBase(t, adapter.Config{ReconcileWindow: 3 * time.Minute}, lightSpec).Window(); w != 3*time.Minute {
		t.Errorf("Window = %v, want the configured 3m", w)
	}
}

// ptrLink is a link whose String needs its value.
type ptrLink struct{ name string }

func (l *ptrLink) String() string { return l.name }
