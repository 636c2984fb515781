package service

import (
	"testing"

	"github.com/uapos/uapos/payment"
)

// TestCheckOnTerminalAndSettle: an unknown outcome is reconciled by its terminal's ledger on
// request ("check on terminal"), and another settled by hand with who and why; entries
// with an outcome, bad settlements and unknown ids are refused.
func TestCheckOnTerminalAndSettle(t *testing.T) {
	e := newEnv(t)
	lose := func(id, amount string) {
		t.Helper()
		e.bank.mu.Lock()
		e.bank.loseNext = true
		e.bank.mu.Unlock()
		r := e.do("POST", "/v1/terminals/priv/purchase", map[string]any{"transaction_id": id, "amount": amount})
		if r.Get("error.outcome_unknown") != true {
			t.Fatalf("lost reply: %d %s", r.Status, r.Raw)
		}
	}
	lose("u-1", "10.00")
	if r := e.do("GET", "/v1/transactions?state=unknown", nil).Want(t, 200); len(r.Get("transactions").([]any)) != 1 {
		t.Fatalf("unknown: %s", r.Raw)
	}
	r := e.do("POST", "/v1/transactions/u-1/reconcile", nil).Want(t, 200)
	if r.Str("state") != "approved" || r.Str("result.rrn") == "" {
		t.Fatalf("checked on the terminal: %s", r.Raw)
	}
	if p, _, _, _ := e.bank.counts(); p != 1 {
		t.Fatalf("the bank saw %d purchases, want 1", p)
	}
	// An entry with an outcome: nothing to check, it is returned as it stands.
	e.do("POST", "/v1/transactions/u-1/reconcile", nil).Want(t, 200)

	lose("u-2", "20.00")
	for _, bad := range []map[string]any{
		{"outcome": "maybe", "by": "Олена", "why": "банк"},
		{"outcome": "failed", "by": "", "why": "банк"},
		{"outcome": "failed", "by": "Олена"},
		{"outcome": "failed", "rrn": "123", "by": "Олена", "why": "банк"},
		{"outcome": "failed", "by": "Олена", "why": "банк", "extra": 1},
	} {
		e.do("POST", "/v1/transactions/u-2/settle", bad).Want(t, 400, CodeBadRequest)
	}
	s := e.do("POST", "/v1/transactions/u-2/settle", map[string]any{"outcome": "failed", "by": "Олена", "why": "банк не бачить операції"}).Want(t, 200)
	if s.Str("state") != "failed" || s.Str("refs.settled_by") != "Олена" || s.Str("refs.settled_why") != "банк не бачить операції" {
		t.Fatalf("settled: %s", s.Raw)
	}
	e.do("POST", "/v1/transactions/u-2/settle", map[string]any{"outcome": "approved", "by": "Олена", "why": "знову"}).Want(t, 409)
	e.do("POST", "/v1/transactions/u-1/settle", map[string]any{"outcome": "failed", "by": "Олена", "why": "x"}).Want(t, 409)
	e.do("POST", "/v1/transactions/nope/settle", map[string]any{"outcome": "failed", "by": "Олена", "why": "x"}).Want(t, 404, payment.CodeTransactionUnknown)
	e.do("POST", "/v1/transactions/nope/reconcile", nil).Want(t, 404, payment.CodeTransactionUnknown)

	// The journal is searched by amount too.
	r = e.do("GET", "/v1/transactions?amount=10.00", nil).Want(t, 200)
	if txs := r.Get("transactions").([]any); len(txs) != 1 || txs[0].(map[string]any)["transaction_id"] != "u-1" {
		t.Fatalf("by amount: %s", r.Raw)
	}
	for _, bad := range []string{"abc", "-1.00", "0"} {
		e.do("GET", "/v1/transactions?amount="+bad, nil).Want(t, 400, CodeBadRequest)
	}
}
