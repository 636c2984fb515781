package simpays

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/uapos/uapos/payment"
)

// TestRows pins DM's two SimPays KKM rows, written cell by cell from
// reference/device-manager.md (capability matrix rows "Sense Bank (SimPays KKM)" and
// "TAS Bank (SimPays KKM)": tasks 1, 2, 3, 10, 11; service table row "Sense, TAS (SimPays KKM)":
// services 2 and 6).
func TestRows(t *testing.T) {
	wantOps := []payment.Operation{1, 2, 3, 10, 11}
	wantSvc := []payment.Service{2, 6}
	rows := Rows()
	if len(rows) != 2 {
		t.Fatalf("Rows() has %d rows, want 2", len(rows))
	}
	for i, bank := range []payment.Bank{payment.BankSense, payment.BankTAS} {
		r := rows[i]
		if r.Bank != bank || r.Protocol != payment.ProtoSimPays {
			t.Errorf("row %d is %v, want %s (SimPays KKM)", i, r, bank)
		}
		for _, op := range payment.Operations {
			want := false
			for _, w := range wantOps {
				want = want || w == op
			}
			if r.Supports(op) != want {
				t.Errorf("%v: Supports(%v) = %v, want %v", r, op, r.Supports(op), want)
			}
		}
		for _, s := range payment.Services {
			want := s == wantSvc[0] || s == wantSvc[1]
			if r.SupportsService(s) != want {
				t.Errorf("%v: SupportsService(%v) = %v, want %v", r, s, r.SupportsService(s), want)
			}
		}
	}
}

func TestNewRejectsOtherBanks(t *testing.T) {
	if _, err := New(Config{Bank: payment.BankPrivat}); err == nil {
		t.Fatal("New(PrivatBank) succeeded; DM has no PrivatBank SimPays row")
	}
	for _, b := range []payment.Bank{"", payment.BankSense, payment.BankTAS, "tas bank"} {
		if _, err := New(Config{Bank: b}); err != nil {
			t.Errorf("New(%q): %v", b, err)
		}
	}
}

func TestEveryOperationIsNotSupported(t *testing.T) {
	term, err := New(Config{Bank: payment.BankTAS})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	req := payment.Request{TransactionID: "t1", Amount: 1234}
	calls := map[string]func() error{
		"purchase":         func() error { _, err := term.Purchase(ctx, req); return err },
		"refund":           func() error { _, err := term.Refund(ctx, req); return err },
		"cancel":           func() error { _, err := term.Cancel(ctx, req); return err },
		"x-report":         func() error { _, err := term.XReport(ctx, req); return err },
		"close batch":      func() error { _, err := term.CloseBatch(ctx, req); return err },
		"merchant list":    func() error { _, err := term.Merchants(ctx); return err },
		"last transaction": func() error { _, err := term.LastTransaction(ctx); return err },
	}
	for name, call := range calls {
		err := call()
		if !errors.Is(err, payment.ErrNotSupported) || !errors.Is(err, ErrWireUnknown) {
			t.Errorf("%s: err = %v, want ErrNotSupported wrapping ErrWireUnknown", name, err)
			continue
		}
		if payment.ErrorCode(err) != payment.CodeNotSupportedTask {
			t.Errorf("%s: code %d, want 5029", name, payment.ErrorCode(err))
		}
		msg := err.Error()
		if !strings.Contains(msg, "TAS Bank") || !strings.Contains(msg, name) || !strings.Contains(msg, "not public") {
			t.Errorf("%s: message %q does not name the bank, the operation and the reason", name, msg)
		}
	}
	if got := term.Capabilities(); got.Bank != payment.BankTAS {
		t.Errorf("Capabilities().Bank = %q", got.Bank)
	}
}
