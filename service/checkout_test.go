package service

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// fiscalHook is the caller's fiscal webhook on loopback: it records what it got and answers a
// fiscal receipt, or fails when told to.
type fiscalHook struct {
	srv  *httptest.Server
	mu   sync.Mutex
	got  []FiscalWebhookRequest
	keys []string
	fail bool
}

func newFiscalHook(t *testing.T) *fiscalHook {
	h := &fiscalHook{}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var q FiscalWebhookRequest
		if err := json.Unmarshal(body, &q); err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		h.mu.Lock()
		h.got = append(h.got, q)
		h.keys = append(h.keys, r.Header.Get("Idempotency-Key"))
		fail := h.fail
		h.mu.Unlock()
		if fail {
			http.Error(w, "PRRO offline", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"number":"FN-0001","text":"ФІСКАЛЬНИЙ ЧЕК FN-0001","qr":"https://cabinet.tax.gov.ua/cashregs/check?fn=FN-0001"}`))
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func TestCheckoutSale(t *testing.T) {
	e := newEnv(t)
	hook := newFiscalHook(t)
	sale := map[string]any{
		"transaction_id": "co-1",
		"parts":          []any{map[string]any{"type": 2, "amount": "100.00"}, map[string]any{"type": 0, "amount": "20.50"}},
		"receipt":        map[string]any{"blocks": []any{map[string]any{"type": "text", "text": "ЧЕК ПРОДАЖУ"}}},
		"fiscal_url":     hook.srv.URL,
	}
	r := e.do("POST", "/v1/checkout/sale", sale).Want(t, 200)
	if r.Str("card.amount") != "100.00" || r.Str("fiscal.number") != "FN-0001" || r.Get("printed") != true || r.Get("drawer_opened") != true {
		t.Fatalf("sale: %s", r.Raw)
	}
	if len(hook.got) != 1 || hook.got[0].Kind != "sale" || hook.got[0].Card == nil || hook.got[0].Card.RRN == "" || hook.keys[0] != "co-1" {
		t.Fatalf("webhook got %+v", hook.got)
	}
	e.do("GET", "/v1/printers/prn/status", nil).Want(t, 200)
	rs := e.vp.Receipts()
	if len(rs) != 1 || !strings.Contains(rs[0].Plain, "ЧЕК ПРОДАЖУ") || !strings.Contains(rs[0].Plain, "ФІСКАЛЬНИЙ ЧЕК FN-0001") || !e.vp.DrawerOpened() {
		t.Fatalf("receipt:\n%v", rs)
	}
	// Again with the same id: the recorded outcome, no second charge, no second fiscal call.
	again := e.do("POST", "/v1/checkout/sale", sale).Want(t, 200)
	if again.Str("card.rrn") != r.Str("card.rrn") {
		t.Fatalf("again: %s", again.Raw)
	}
	if p, _, _, _ := e.bank.counts(); p != 1 || len(hook.got) != 1 {
		t.Fatalf("purchases %d, fiscal calls %d", p, len(hook.got))
	}
}

func TestCheckoutFiscalFailureVoids(t *testing.T) {
	e := newEnv(t)
	hook := newFiscalHook(t)
	hook.fail = true
	r := e.do("POST", "/v1/checkout/sale", map[string]any{
		"transaction_id": "co-2", "parts": []any{map[string]any{"type": 2, "amount": "10.00"}}, "fiscal_url": hook.srv.URL,
	})
	if r.Status == 200 || r.Get("outcome.voided") != true || !strings.Contains(r.Str("error.message"), "PRRO offline") {
		t.Fatalf("fiscal failure: %d %s", r.Status, r.Raw)
	}
	if p, _, c, _ := e.bank.counts(); p != 1 || c != 1 {
		t.Fatalf("purchases %d cancels %d, want 1 and 1", p, c)
	}
}

func TestCheckoutInput(t *testing.T) {
	e := newEnv(t)
	hook := newFiscalHook(t)
	cases := []struct {
		body   string
		status int
		msg    string
	}{
		{`{"transaction_id":"x","parts":[{"type":2,"amount":"1.00"}]}`, 400, "no fiscal webhook"},
		{`{"transaction_id":"x","parts":[{"type":2,"amount":"1.00"}],"fiscal_url":"http://192.0.2.1/fiscal"}`, 400, "loopback"},
		{`{"parts":[{"type":2,"amount":"1.00"}],"fiscal_url":"` + hook.srv.URL + `"}`, 400, "transaction_id"},
		{`{"transaction_id":"x","parts":[],"fiscal_url":"` + hook.srv.URL + `"}`, 400, "parts"},
		{`{"transaction_id":"x","parts":[{"type":2,"amount":"1.001"}],"fiscal_url":"` + hook.srv.URL + `"}`, 400, "two decimals"},
		{`{"transaction_id":"x","parts":[{"type":2,"amount":"1.00"}],"open_drawer":"sometimes","fiscal_url":"` + hook.srv.URL + `"}`, 400, "open_drawer"},
		{`{"transaction_id":"x","parts":[{"type":2,"amount":"1.00"}],"terminal":"nope","fiscal_url":"` + hook.srv.URL + `"}`, 404, "nope"},
	}
	for _, c := range cases {
		r := e.do("POST", "/v1/checkout/sale", c.body)
		if r.Status != c.status || !strings.Contains(r.Str("error.message"), c.msg) {
			t.Errorf("%s: %d %s, want %d with %q", c.body, r.Status, r.Raw, c.status, c.msg)
		}
	}
	r := e.do("POST", "/v1/checkout/return", `{"transaction_id":"y","parts":[{"type":2,"amount":"1.00"}],"fiscal_url":"`+hook.srv.URL+`"}`)
	if r.Status != 400 || !strings.Contains(r.Str("error.message"), "rrn") {
		t.Errorf("return without rrn: %s", r.Raw)
	}
	if p, _, _, _ := e.bank.counts(); p != 0 || len(hook.got) != 0 {
		t.Fatal("refused input moved money or called the webhook")
	}
}

func TestCheckoutReturn(t *testing.T) {
	e := newEnv(t)
	hook := newFiscalHook(t)
	s := e.do("POST", "/v1/checkout/sale", map[string]any{"transaction_id": "co-3", "parts": []any{map[string]any{"type": 2, "amount": "15.00"}}, "fiscal_url": hook.srv.URL}).Want(t, 200)
	r := e.do("POST", "/v1/checkout/return", map[string]any{"transaction_id": "ret-3", "parts": []any{map[string]any{"type": 2, "amount": "15.00"}},
		"mode": "refund", "rrn": s.Str("card.rrn"), "fiscal_url": hook.srv.URL}).Want(t, 200)
	if r.Num("card.operation") != 2 || hook.got[1].Kind != "return" {
		t.Fatalf("return: %s", r.Raw)
	}
}
