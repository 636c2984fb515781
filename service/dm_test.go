package service

import (
	"strings"
	"testing"
)

// dmPay sends a type 3 request as C-PHPDM does (sum as a JSON number).
func (e *env) dm(body string) reply {
	e.t.Helper()
	r := e.do("POST", "/dm/execute", body)
	if r.Status != 200 {
		e.t.Fatalf("DM replies HTTP 200 always; got %d: %s", r.Status, r.Raw)
	}
	return r
}

func TestDMPurchaseRefundCancelXZ(t *testing.T) {
	e := newEnv(t)
	p := e.dm(`{"ver":6,"source":"DM_API","device":"priv","type":3,"transaction_id":"0e8f6a2c-1d1b-4c35-9a53-5b8a8f1c2d01","pay":{"task":1,"sum":12.34}}`)
	if p.Num("res") != 0 || p.Num("task_status") != 1 || p.Str("errortxt") != "" {
		t.Fatalf("purchase: %s", p.Raw)
	}
	if p.Str("transaction_id") != "0e8f6a2c-1d1b-4c35-9a53-5b8a8f1c2d01" || p.Num("ver") != 6 || p.Str("source") != "DM_API" || p.Str("device") != "priv" {
		t.Fatalf("envelope: %s", p.Raw)
	}
	rrn, inv := p.Str("info.refundid"), p.Str("info.cancelid")
	if rrn == "" || inv == "" || p.Str("info.cardmask") != "4731XXXXXXXX9838" || p.Str("info.paysys") != "VISA" || p.Str("info.bankname") != "ПриватБанк" {
		t.Fatalf("info: %s", p.Raw)
	}
	if !strings.Contains(string(p.Raw), `"sum":12.34`) || p.Str("info.receipt") == "" || p.Str("info.sliptxt") != "" {
		t.Fatalf("sum and slip: %s", p.Raw)
	}
	// type and task as strings, as some clients send them; the refund by RRN.
	r := e.dm(`{"ver":6,"device":"priv","type":"3","transaction_id":"ref-dm-1","pay":{"task":"2","refundid":"` + rrn + `","sum":"12.34"}}`)
	if r.Num("res") != 0 || r.Num("info.uapos.operation") != 2 {
		t.Fatalf("refund: %s", r.Raw)
	}
	v := e.dm(`{"device":"priv","type":3,"transaction_id":"void-dm-1","pay":{"task":3,"cancelid":"` + inv + `"}}`)
	if v.Num("res") != 0 {
		t.Fatalf("cancel: %s", v.Raw)
	}
	x := e.dm(`{"device":"priv","type":3,"pay":{"task":10}}`)
	if x.Num("res") != 0 || x.Num("info.totals.purchase_count") != 1 {
		t.Fatalf("x: %s", x.Raw)
	}
	z := e.dm(`{"device":"priv","type":3,"pay":{"task":11}}`)
	if z.Num("res") != 0 {
		t.Fatalf("z: %s", z.Raw)
	}
	if p, rf, c, _ := e.bank.counts(); p != 0 || rf != 0 || c != 0 { // Z cleared the fake's batch
		t.Fatalf("after Z: %d %d %d", p, rf, c)
	}
}

func TestDMTransactionSearchAndRetry(t *testing.T) {
	e := newEnv(t)
	miss := e.dm(`{"device":"priv","type":3,"transaction_id":"nope","transaction_search":1,"pay":{"task":1,"sum":1}}`)
	if miss.Num("res") != 5013 || !strings.Contains(miss.Str("errortxt"), `Транзакцію з id="nope" не знайдено`) || miss.Num("task_status") != 0 {
		t.Fatalf("search miss: %s", miss.Raw)
	}
	e.bank.loseNext = true
	lost := e.dm(`{"device":"priv","type":3,"transaction_id":"dm-lost","pay":{"task":1,"sum":40.00}}`)
	if lost.Num("res") == 0 {
		t.Fatalf("lost reply: %s", lost.Raw)
	}
	// transaction_search does not touch the terminal: the outcome is still unknown.
	unk := e.dm(`{"device":"priv","type":3,"transaction_id":"dm-lost","transaction_search":1}`)
	if unk.Num("res") != 1016 {
		t.Fatalf("search of an unknown outcome: %s", unk.Raw)
	}
	again := e.dm(`{"device":"priv","type":3,"transaction_id":"dm-lost","pay":{"task":1,"sum":40.00}}`)
	if again.Num("res") != 0 || again.Str("info.refundid") == "" {
		t.Fatalf("retry: %s", again.Raw)
	}
	found := e.dm(`{"device":"priv","type":3,"transaction_id":"dm-lost","transaction_search":1}`)
	if found.Num("res") != 0 || found.Num("task_status") != 1 || found.Str("info.refundid") != again.Str("info.refundid") {
		t.Fatalf("search hit: %s", found.Raw)
	}
	if p, _, _, _ := e.bank.counts(); p != 1 {
		t.Fatalf("the bank saw %d purchases, want 1", p)
	}
	// No transaction_id: DM's own id is given, and returned.
	own := e.dm(`{"device":"priv","type":3,"pay":{"task":1,"sum":2}}`)
	if own.Num("res") != 0 || len(own.Str("transaction_id")) != 36 {
		t.Fatalf("own id: %s", own.Raw)
	}
}

func TestDMErrors(t *testing.T) {
	e := newEnv(t)
	cases := []struct {
		name, body string
		res        int
		txt        string
	}{
		{"fiscal", `{"ver":6,"device":"prro1","type":1,"fiscal":{"task":1}}`, 1091, "фіскал"},
		{"fiscal by tag", `{"type":0,"tag":"x"}`, 1091, "ПРРО"},
		{"type 2", `{"type":2,"device":"priv"}`, 2000, "type 2"},
		{"no type", `{"device":"priv","pay":{"task":1,"sum":1}}`, 2000, "type"},
		{"unknown device", `{"type":3,"device":"nope","pay":{"task":1,"sum":1}}`, 1091, "Пристрій не знайдено"},
		{"malformed", `{"type":3,`, 2000, "Невірний формат вхідного JSON"},
		{"no pay", `{"type":3,"device":"priv"}`, 2000, "pay"},
		{"task 99", `{"type":3,"device":"priv","pay":{"task":99}}`, 2000, "99"},
		{"task 6", `{"type":3,"device":"priv","pay":{"task":6,"sum":1}}`, 5029, "не підтримує"},
		{"sum 3 decimals", `{"type":3,"device":"priv","pay":{"task":1,"sum":1.234}}`, 2000, "two decimals"},
		{"sum negative", `{"type":3,"device":"priv","pay":{"task":1,"sum":-1}}`, 2000, "amount"},
		{"sum exponent", `{"type":3,"device":"priv","pay":{"task":1,"sum":1e3}}`, 2000, "amount"},
		{"sum zero", `{"type":3,"device":"priv","pay":{"task":1,"sum":0}}`, 2000, "pay.sum"},
		{"refund without rrn", `{"type":3,"device":"priv","pay":{"task":2,"sum":1}}`, 2000, "refundid"},
		{"outside the row", `{"type":3,"device":"light","transaction_id":"x1","pay":{"task":2,"sum":1,"refundid":"1"}}`, 5029, "не підтримує"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := e.dm(c.body)
			if r.Num("res") != c.res || !strings.Contains(r.Str("errortxt"), c.txt) || r.Num("task_status") != 0 {
				t.Fatalf("res %d errortxt %q, want %d with %q: %s", r.Num("res"), r.Str("errortxt"), c.res, c.txt, r.Raw)
			}
		})
	}
	if p, r, c, _ := e.bank.counts(); p+r+c != 0 {
		t.Fatal("a refused request moved money")
	}
	for _, path := range []string{"/dm/execute-pkg", "/dm/execute-prn?dev_id=prn"} {
		r := e.do("POST", path, `{"type":1,"fiscal":{"task":1}}`).Want(t, 200)
		if r.Num("res") != 1091 {
			t.Fatalf("%s: %s", path, r.Raw)
		}
	}
	if r := e.do("GET", "/dm/unknown", nil).Want(t, 200); r.Num("res") != 2000 {
		t.Fatalf("unknown DM path: %s", r.Raw)
	}
}

func TestDMServiceGETs(t *testing.T) {
	e := newEnv(t)
	if r := e.do("GET", "/dm/bankping?dev_name=priv", nil).Want(t, 200); r.Num("res") != 0 || r.Num("task_status") != 1 {
		t.Fatalf("bankping: %s", r.Raw)
	}
	if r := e.do("GET", "/dm/bankping?dev_name=nope", nil).Want(t, 200); r.Num("res") != 303 || !strings.Contains(r.Str("errortxt"), `name="nope" do not recognised`) {
		t.Fatalf("bankping wrong dev_name: %s", r.Raw)
	}
	if r := e.do("GET", "/dm/bankping?dev_name=light", nil).Want(t, 200); r.Num("res") != 5029 {
		t.Fatalf("bankping outside the row: %s", r.Raw)
	}
	m := e.do("GET", "/dm/getmerchantlist?dev_name=priv", nil).Want(t, 200)
	if m.Num("res") != 0 || m.Str("merchListValue.1") != "ФОП Тест" {
		t.Fatalf("merchants: %s", m.Raw)
	}
	if r := e.do("GET", "/dm/bankecho?dev_name=priv", nil).Want(t, 200); r.Num("res") != 5029 {
		t.Fatalf("bankecho on a terminal without it: %s", r.Raw)
	}
	e.dm(`{"device":"priv","type":3,"transaction_id":"lt-1","pay":{"task":1,"sum":3.30}}`)
	l := e.do("GET", "/dm/lasttransaction?dev_name=priv", nil).Want(t, 200)
	if l.Num("res") != 0 || l.Get("info.sum") != 3.3 || l.Str("info.refundid") == "" {
		t.Fatalf("lasttransaction: %s", l.Raw)
	}
}
