package service

import (
	"strings"
	"testing"
)

// dmPay sends a type 3 request as C-PHPDM does (sum as a JSON number).
func (e *env) dm(body string) reply {
	e.t.Helper()
	r := e.do("POST", "/dm/execute", body)
	if r.status != 200 {
		e.t.Fatalf("DM replies HTTP 200 always; got %d: %s", r.status, r.raw)
	}
	return r
}

func TestDMPurchaseRefundCancelXZ(t *testing.T) {
	e := newEnv(t)
	p := e.dm(`{"ver":6,"source":"DM_API","device":"priv","type":3,"transaction_id":"0e8f6a2c-1d1b-4c35-9a53-5b8a8f1c2d01","pay":{"task":1,"sum":12.34}}`)
	if p.num("res") != 0 || p.num("task_status") != 1 || p.str("errortxt") != "" {
		t.Fatalf("purchase: %s", p.raw)
	}
	if p.str("transaction_id") != "0e8f6a2c-1d1b-4c35-9a53-5b8a8f1c2d01" || p.num("ver") != 6 || p.str("source") != "DM_API" || p.str("device") != "priv" {
		t.Fatalf("envelope: %s", p.raw)
	}
	rrn, inv := p.str("info.refundid"), p.str("info.cancelid")
	if rrn == "" || inv == "" || p.str("info.cardmask") != "4731XXXXXXXX9838" || p.str("info.paysys") != "VISA" || p.str("info.bankname") != "ПриватБанк" {
		t.Fatalf("info: %s", p.raw)
	}
	if !strings.Contains(string(p.raw), `"sum":12.34`) || p.str("info.receipt") == "" || p.str("info.sliptxt") != "" {
		t.Fatalf("sum and slip: %s", p.raw)
	}
	// type and task as strings, as some clients send them; the refund by RRN.
	r := e.dm(`{"ver":6,"device":"priv","type":"3","transaction_id":"ref-dm-1","pay":{"task":"2","refundid":"` + rrn + `","sum":"12.34"}}`)
	if r.num("res") != 0 || r.num("info.uapos.operation") != 2 {
		t.Fatalf("refund: %s", r.raw)
	}
	v := e.dm(`{"device":"priv","type":3,"transaction_id":"void-dm-1","pay":{"task":3,"cancelid":"` + inv + `"}}`)
	if v.num("res") != 0 {
		t.Fatalf("cancel: %s", v.raw)
	}
	x := e.dm(`{"device":"priv","type":3,"pay":{"task":10}}`)
	if x.num("res") != 0 || x.num("info.totals.purchase_count") != 1 {
		t.Fatalf("x: %s", x.raw)
	}
	z := e.dm(`{"device":"priv","type":3,"pay":{"task":11}}`)
	if z.num("res") != 0 {
		t.Fatalf("z: %s", z.raw)
	}
	if p, rf, c, _ := e.bank.counts(); p != 0 || rf != 0 || c != 0 { // Z cleared the fake's batch
		t.Fatalf("after Z: %d %d %d", p, rf, c)
	}
}

func TestDMTransactionSearchAndRetry(t *testing.T) {
	e := newEnv(t)
	miss := e.dm(`{"device":"priv","type":3,"transaction_id":"nope","transaction_search":1,"pay":{"task":1,"sum":1}}`)
	if miss.num("res") != 5013 || !strings.Contains(miss.str("errortxt"), `Транзакцію з id="nope" не знайдено`) || miss.num("task_status") != 0 {
		t.Fatalf("search miss: %s", miss.raw)
	}
	e.bank.loseNext = true
	lost := e.dm(`{"device":"priv","type":3,"transaction_id":"dm-lost","pay":{"task":1,"sum":40.00}}`)
	if lost.num("res") == 0 {
		t.Fatalf("lost reply: %s", lost.raw)
	}
	// transaction_search does not touch the terminal: the outcome is still unknown.
	unk := e.dm(`{"device":"priv","type":3,"transaction_id":"dm-lost","transaction_search":1}`)
	if unk.num("res") != 1016 {
		t.Fatalf("search of an unknown outcome: %s", unk.raw)
	}
	again := e.dm(`{"device":"priv","type":3,"transaction_id":"dm-lost","pay":{"task":1,"sum":40.00}}`)
	if again.num("res") != 0 || again.str("info.refundid") == "" {
		t.Fatalf("retry: %s", again.raw)
	}
	found := e.dm(`{"device":"priv","type":3,"transaction_id":"dm-lost","transaction_search":1}`)
	if found.num("res") != 0 || found.num("task_status") != 1 || found.str("info.refundid") != again.str("info.refundid") {
		t.Fatalf("search hit: %s", found.raw)
	}
	if p, _, _, _ := e.bank.counts(); p != 1 {
		t.Fatalf("the bank saw %d purchases, want 1", p)
	}
	// No transaction_id: DM's own id is given, and returned.
	own := e.dm(`{"device":"priv","type":3,"pay":{"task":1,"sum":2}}`)
	if own.num("res") != 0 || len(own.str("transaction_id")) != 36 {
		t.Fatalf("own id: %s", own.raw)
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
			if r.num("res") != c.res || !strings.Contains(r.str("errortxt"), c.txt) || r.num("task_status") != 0 {
				t.Fatalf("res %d errortxt %q, want %d with %q: %s", r.num("res"), r.str("errortxt"), c.res, c.txt, r.raw)
			}
		})
	}
	if p, r, c, _ := e.bank.counts(); p+r+c != 0 {
		t.Fatal("a refused request moved money")
	}
	for _, path := range []string{"/dm/execute-pkg", "/dm/execute-prn?dev_id=prn"} {
		r := e.do("POST", path, `{"type":1,"fiscal":{"task":1}}`).want(t, 200)
		if r.num("res") != 1091 {
			t.Fatalf("%s: %s", path, r.raw)
		}
	}
	if r := e.do("GET", "/dm/unknown", nil).want(t, 200); r.num("res") != 2000 {
		t.Fatalf("unknown DM path: %s", r.raw)
	}
}

func TestDMServiceGETs(t *testing.T) {
	e := newEnv(t)
	if r := e.do("GET", "/dm/bankping?dev_name=priv", nil).want(t, 200); r.num("res") != 0 || r.num("task_status") != 1 {
		t.Fatalf("bankping: %s", r.raw)
	}
	if r := e.do("GET", "/dm/bankping?dev_name=nope", nil).want(t, 200); r.num("res") != 303 || !strings.Contains(r.str("errortxt"), `name="nope" do not recognised`) {
		t.Fatalf("bankping wrong dev_name: %s", r.raw)
	}
	if r := e.do("GET", "/dm/bankping?dev_name=light", nil).want(t, 200); r.num("res") != 5029 {
		t.Fatalf("bankping outside the row: %s", r.raw)
	}
	m := e.do("GET", "/dm/getmerchantlist?dev_name=priv", nil).want(t, 200)
	if m.num("res") != 0 || m.str("merchListValue.1") != "ФОП Тест" {
		t.Fatalf("merchants: %s", m.raw)
	}
	if r := e.do("GET", "/dm/bankecho?dev_name=priv", nil).want(t, 200); r.num("res") != 5029 {
		t.Fatalf("bankecho on a terminal without it: %s", r.raw)
	}
	e.dm(`{"device":"priv","type":3,"transaction_id":"lt-1","pay":{"task":1,"sum":3.30}}`)
	l := e.do("GET", "/dm/lasttransaction?dev_name=priv", nil).want(t, 200)
	if l.num("res") != 0 || l.get("info.sum") != 3.3 || l.str("info.refundid") == "" {
		t.Fatalf("lasttransaction: %s", l.raw)
	}
}
