package service

import (
	"bufio"
	"context"
	"net/http"
	"strings"
	"testing"
)

func TestPurchaseRefundVoidXZ(t *testing.T) {
	e := newEnv(t)
	p := e.do("POST", "/v1/terminals/priv/purchase", map[string]any{"transaction_id": "sale-1", "amount": "12.34"}).Want(t, 200)
	if p.Get("result.approved") != true || p.Str("result.amount") != "12.34" || p.Str("result.rrn") == "" || p.Str("result.pan") != "4731XXXXXXXX9838" {
		t.Fatalf("purchase: %s", p.Raw)
	}
	e.do("POST", "/v1/terminals/priv/refund", map[string]any{"transaction_id": "ref-1", "amount": "12.34", "rrn": p.Str("result.rrn")}).Want(t, 200)
	v := e.do("POST", "/v1/terminals/priv/purchase", map[string]any{"transaction_id": "sale-2", "amount": "5.00"}).Want(t, 200)
	c := e.do("POST", "/v1/terminals/priv/cancel", map[string]any{"transaction_id": "void-1", "invoice": v.Str("result.invoice")}).Want(t, 200)
	if c.Num("result.operation") != 3 {
		t.Fatalf("cancel: %s", c.Raw)
	}
	x := e.do("POST", "/v1/terminals/priv/x-report", nil).Want(t, 200)
	if x.Num("result.totals.purchase_count") != 2 || x.Num("result.totals.refund_count") != 1 || x.Num("result.totals.cancel_count") != 1 {
		t.Fatalf("x-report: %s", x.Raw)
	}
	z := e.do("POST", "/v1/terminals/priv/close-batch", map[string]any{}).Want(t, 200)
	if z.Num("result.totals.purchase_count") != 2 {
		t.Fatalf("z: %s", z.Raw)
	}
	if x := e.do("POST", "/v1/terminals/priv/x-report", nil).Want(t, 200); x.Num("result.totals.purchase_count") != 0 {
		t.Fatalf("x after z: %s", x.Raw)
	}
	// The journal holds the four money operations, and the query by device finds them.
	q := e.do("GET", "/v1/transactions?device=priv", nil).Want(t, 200)
	if n := len(q.Get("transactions").([]any)); n != 4 {
		t.Fatalf("transactions: %d: %s", n, q.Raw)
	}
	one := e.do("GET", "/v1/transactions/sale-1", nil).Want(t, 200)
	if one.Str("state") != "approved" || one.Str("device") != "priv" || one.Str("request.amount") != "12.34" {
		t.Fatalf("transaction: %s", one.Raw)
	}
	e.do("GET", "/v1/transactions/nope", nil).Want(t, 404, 5013)
	e.do("GET", "/v1/transactions?from=2000-01-01&to=2999-01-01&state=approved&limit=2", nil).Want(t, 200)
}

func TestRetryAfterLostReplyChargesOnce(t *testing.T) {
	e := newEnv(t)
	e.bank.loseNext = true
	lost := e.do("POST", "/v1/terminals/priv/purchase", map[string]any{"transaction_id": "lost-1", "amount": "20.00"})
	if lost.Status == 200 || lost.Get("error.outcome_unknown") != true {
		t.Fatalf("the lost reply: %d %s", lost.Status, lost.Raw)
	}
	first := e.do("POST", "/v1/terminals/priv/purchase", map[string]any{"transaction_id": "lost-1", "amount": "20.00"}).Want(t, 200)
	again := e.do("POST", "/v1/terminals/priv/purchase", map[string]any{"transaction_id": "lost-1", "amount": "20.00"}).Want(t, 200)
	if first.Str("result.rrn") == "" || first.Str("result.rrn") != again.Str("result.rrn") {
		t.Fatalf("retries disagree: %s / %s", first.Raw, again.Raw)
	}
	if p, _, _, _ := e.bank.counts(); p != 1 {
		t.Fatalf("the bank saw %d purchases, want 1", p)
	}
	// The same id for another amount is refused, and nothing moves.
	e.do("POST", "/v1/terminals/priv/purchase", map[string]any{"transaction_id": "lost-1", "amount": "21.00"}).Want(t, 409, 7001)
	if p, _, _, _ := e.bank.counts(); p != 1 {
		t.Fatalf("the bank saw %d purchases, want 1", p)
	}
}

func TestDeclineCarriesResult(t *testing.T) {
	e := newEnv(t)
	r := e.do("POST", "/v1/terminals/priv/purchase", map[string]any{"transaction_id": "d-1", "amount": "0.05"}).Want(t, 402, 5002)
	if r.Str("error.kind") != "declined" || r.Get("result.approved") != false || r.Str("error.text") == "" {
		t.Fatalf("decline: %s", r.Raw)
	}
	// The decline is recorded: the retry returns it without a second exchange.
	e.do("POST", "/v1/terminals/priv/purchase", map[string]any{"transaction_id": "d-1", "amount": "0.05"}).Want(t, 402, 5002)
}

func TestBusyThenWait(t *testing.T) {
	e := newEnv(t)
	hold := make(chan struct{})
	e.bank.hold = hold
	first := make(chan reply, 1)
	go func() {
		first <- e.do("POST", "/v1/terminals/priv/purchase", map[string]any{"transaction_id": "b-1", "amount": "1.00"})
	}()
	<-e.bank.started
	e.do("POST", "/v1/terminals/priv/purchase", map[string]any{"transaction_id": "b-2", "amount": "1.00"}).Want(t, 409, 1105)
	st := e.do("GET", "/v1/devices/priv", nil).Want(t, 200)
	if st.Str("state") != "busy" {
		t.Fatalf("status while busy: %s", st.Raw)
	}
	// With ?wait=1 the second call waits for the first, then runs.
	waiting := make(chan struct{}, 1)
	e.svc.terminals["priv"].waiting = func() { waiting <- struct{}{} }
	second := make(chan reply, 1)
	go func() {
		second <- e.do("POST", "/v1/terminals/priv/purchase?wait=1", map[string]any{"transaction_id": "b-3", "amount": "1.00"})
	}()
	<-waiting
	e.bank.mu.Lock()
	e.bank.hold = nil
	e.bank.mu.Unlock()
	close(hold)
	(<-first).Want(t, 200)
	(<-second).Want(t, 200)
	if p, _, _, _ := e.bank.counts(); p != 2 {
		t.Fatalf("purchases %d, want 2", p)
	}
}

func TestJobEventsAndAbort(t *testing.T) {
	e := newEnv(t)
	e.bank.hold = make(chan struct{})
	j := e.do("POST", "/v1/terminals/priv/jobs", map[string]any{"operation": "purchase", "transaction_id": "job-1", "amount": "7.00"}).Want(t, 202)
	id := j.Str("id")
	if id == "" || j.Str("operation") != "purchase" {
		t.Fatalf("job: %s", j.Raw)
	}
	<-e.bank.started
	// While it runs, the terminal is busy for a second job.
	e.do("POST", "/v1/terminals/priv/jobs", map[string]any{"operation": "purchase", "transaction_id": "job-2", "amount": "7.00"}).Want(t, 409, 1105)

	req, _ := http.NewRequest("GET", e.srv.URL+"/v1/jobs/"+id+"/events", nil)
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("content type %q", ct)
	}
	sc := bufio.NewScanner(resp.Body)
	next := func() (string, string) {
		var ev, data string
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				ev = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				data = strings.TrimPrefix(line, "data: ")
			case line == "" && ev != "":
				return ev, data
			}
		}
		t.Fatalf("stream ended: %v", sc.Err())
		return "", ""
	}
	var texts []string
	for len(texts) < 2 {
		ev, data := next()
		if ev == "progress" {
			texts = append(texts, data)
		}
	}
	if !strings.Contains(texts[0], "insert card") || !strings.Contains(texts[1], "enter PIN") {
		t.Fatalf("progress: %v", texts)
	}

	// DELETE aborts it on the terminal and returns the ended job.
	a := e.do("DELETE", "/v1/jobs/"+id, nil).Want(t, 200)
	if a.Str("state") != "done" || a.Get("aborted") != true || a.Str("error.kind") != "cancelled" {
		t.Fatalf("aborted job: %s", a.Raw)
	}
	for {
		ev, data := next()
		if ev == "done" {
			if !strings.Contains(data, `"aborted":true`) {
				t.Fatalf("done event: %s", data)
			}
			break
		}
	}
	if p, _, _, aborts := e.bank.counts(); p != 0 || aborts != 1 {
		t.Fatalf("purchases %d aborts %d, want 0 and 1", p, aborts)
	}
	g := e.do("GET", "/v1/jobs/"+id, nil).Want(t, 200)
	if g.Str("state") != "done" {
		t.Fatalf("job after abort: %s", g.Raw)
	}
	// The cancelled id is free again: the terminal said the operation did not happen.
	e.bank.hold = nil
	e.do("POST", "/v1/terminals/priv/purchase", map[string]any{"transaction_id": "job-1", "amount": "7.00"}).Want(t, 200)
	e.do("GET", "/v1/jobs/nope", nil).Want(t, 404, CodeBadRequest)
}

func TestJobRunsToTheEnd(t *testing.T) {
	e := newEnv(t)
	j := e.do("POST", "/v1/terminals/priv/jobs?wait=1", map[string]any{"operation": "purchase", "transaction_id": "job-ok", "amount": "3.00"}).Want(t, 202)
	req, _ := http.NewRequest("GET", e.srv.URL+"/v1/jobs/"+j.Str("id")+"/events", nil)
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	var done string
	for sc.Scan() {
		if line := sc.Text(); strings.HasPrefix(line, "event: done") {
			sc.Scan()
			done = sc.Text()
			break
		}
	}
	if !strings.Contains(done, `"approved":true`) || !strings.Contains(done, `"state":"done"`) {
		t.Fatalf("done: %s", done)
	}
	g := e.do("GET", "/v1/jobs/"+j.Str("id"), nil).Want(t, 200)
	if g.Get("result.approved") != true || len(g.Get("events").([]any)) != 3 {
		t.Fatalf("job: %s", g.Raw)
	}
}

func TestCapabilityRow(t *testing.T) {
	e := newEnv(t)
	e.do("POST", "/v1/terminals/light/refund", map[string]any{"transaction_id": "r-1", "amount": "1.00", "rrn": "000000000001"}).Want(t, 422, 5029)
	e.do("POST", "/v1/terminals/light/x-report", nil).Want(t, 422, 5029)
	// priv's row has cash-out; the fake terminal has it too.
	e.do("POST", "/v1/terminals/priv/purchase-cashback", map[string]any{"transaction_id": "cb-1", "amount": "10.00", "cash_amount": "5.00"}).Want(t, 200)
	// In the row, but the terminal has no method for it: still 5029, before any exchange.
	e.do("POST", "/v1/terminals/priv/instalment", map[string]any{"transaction_id": "i-1", "amount": "10.00", "instalments": 3}).Want(t, 422, 5029)
	d := e.do("GET", "/v1/devices", nil).Want(t, 200)
	devs := d.Get("devices").([]any)
	if len(devs) != 4 {
		t.Fatalf("devices: %s", d.Raw)
	}
	light := devs[1].(map[string]any)
	if light["name"] != "light" || len(light["tasks"].([]any)) != 3 {
		t.Fatalf("light: %v", light)
	}
}

func TestServiceCalls(t *testing.T) {
	e := newEnv(t)
	e.do("GET", "/v1/terminals/priv/ping", nil).Want(t, 200)
	m := e.do("GET", "/v1/terminals/priv/merchants", nil).Want(t, 200)
	if m.Get("merchants").([]any)[0].(map[string]any)["name"] != "ФОП Тест" {
		t.Fatalf("merchants: %s", m.Raw)
	}
	e.do("GET", "/v1/terminals/priv/masks", nil).Want(t, 422, 5029) // in the row, not in the fake
	e.do("GET", "/v1/terminals/light/ping", nil).Want(t, 422, 5029) // not in the row
	e.do("GET", "/v1/terminals/priv/last-transaction", nil).Want(t, 404, 5027)
	e.do("POST", "/v1/terminals/priv/purchase", map[string]any{"transaction_id": "l-1", "amount": "1.50"}).Want(t, 200)
	l := e.do("GET", "/v1/terminals/priv/last-transaction", nil).Want(t, 200)
	if l.Str("result.amount") != "1.50" {
		t.Fatalf("last: %s", l.Raw)
	}
}

func TestReopenAfterLinkFailure(t *testing.T) {
	e := newEnv(t)
	e.bank.failOpen = 1
	r := e.do("POST", "/v1/terminals/priv/purchase", map[string]any{"transaction_id": "o-1", "amount": "1.00"}).Want(t, 502, 5028)
	if !strings.Contains(r.Str("error.message"), "connection refused") {
		t.Fatalf("open error: %s", r.Raw)
	}
	e.do("POST", "/v1/terminals/priv/purchase", map[string]any{"transaction_id": "o-1", "amount": "1.00"}).Want(t, 200)
	// A link failure drops the terminal; the next request opens it again.
	e.bank.linkDown = true
	e.do("POST", "/v1/terminals/priv/purchase", map[string]any{"transaction_id": "o-2", "amount": "1.00"}).Want(t, 502)
	e.bank.linkDown = false
	e.do("POST", "/v1/terminals/priv/purchase", map[string]any{"transaction_id": "o-3", "amount": "1.00"}).Want(t, 200)
	if e.bank.opens != 3 || e.bank.closes != 1 {
		t.Fatalf("opens %d closes %d, want 3 and 1", e.bank.opens, e.bank.closes)
	}
}

func TestPrintAndDrawer(t *testing.T) {
	e := newEnv(t)
	doc := map[string]any{"blocks": []any{
		map[string]any{"type": "text", "text": "КАВ'ЯРНЯ «ТЕСТ»", "align": "center", "bold": true},
		map[string]any{"type": "columns", "left": "Кава", "right": "45.00"},
		map[string]any{"type": "rule"},
		map[string]any{"type": "qr", "data": "https://cabinet.tax.gov.ua/cashregs/check"},
		map[string]any{"type": "cut"},
	}}
	p := e.do("POST", "/v1/printers/prn/print", doc).Want(t, 200)
	if p.Get("printed") != true {
		t.Fatalf("print: %s", p.Raw)
	}
	e.do("POST", "/v1/printers/prn/text", map[string]any{"text": "Дякуємо!", "cut": true}).Want(t, 200)
	// The status call goes after the jobs on the same link, so the printer has taken them.
	e.do("GET", "/v1/printers/prn/status", nil).Want(t, 200)
	rs := e.vp.Receipts()
	if len(rs) != 2 {
		t.Fatalf("%d receipts, want 2", len(rs))
	}
	for _, want := range []string{"КАВ'ЯРНЯ «ТЕСТ»", "Кава", "45.00"} {
		if !strings.Contains(rs[0].Plain, want) {
			t.Fatalf("receipt lacks %q:\n%s", want, rs[0].Plain)
		}
	}
	if len(rs[0].Page.QRs()) != 1 {
		t.Fatalf("receipt has %d QR codes", len(rs[0].Page.QRs()))
	}
	if !strings.Contains(rs[1].Plain, "Дякуємо!") {
		t.Fatalf("text receipt:\n%s", rs[1].Plain)
	}

	if s := e.do("GET", "/v1/drawers/cash/status", nil).Want(t, 200); s.Get("open") != false {
		t.Fatalf("drawer: %s", s.Raw)
	}
	o := e.do("POST", "/v1/drawers/cash/open", nil).Want(t, 200)
	if o.Get("kicked") != true || o.Get("open") != true || !e.vp.DrawerOpened() {
		t.Fatalf("open: %s (simulator open: %v)", o.Raw, e.vp.DrawerOpened())
	}
	st := e.do("GET", "/v1/printers/prn/status", nil).Want(t, 200)
	if st.Get("ready") != true || st.Get("drawers.cash") != true || st.Str("paper") != "ok" {
		t.Fatalf("printer status: %s", st.Raw)
	}
	e.vp.CloseDrawer()
	if w := e.do("POST", "/v1/drawers/cash/wait-closed?timeout=5s", nil).Want(t, 200); w.Get("open") != false {
		t.Fatalf("wait-closed: %s", w.Raw)
	}
	dev := e.do("GET", "/v1/devices/prn", nil).Want(t, 200)
	if dev.Str("state") != "ready" {
		t.Fatalf("device status: %s", dev.Raw)
	}
	// A bad document is refused before the printer is touched.
	before := e.vp.Counters().BytesRead
	e.do("POST", "/v1/printers/prn/print", map[string]any{"blocks": []any{map[string]any{"type": "ean13", "data": "12"}}}).Want(t, 400, CodeBadRequest)
	e.do("POST", "/v1/printers/prn/print", map[string]any{"blocks": []any{map[string]any{"type": "image", "file": "/etc/passwd"}}}).Want(t, 400, CodeBadRequest)
	if after := e.vp.Counters().BytesRead; after != before {
		t.Fatalf("the printer got %d bytes of a refused document", after-before)
	}
}

func TestPrinterOffline(t *testing.T) {
	e := newEnv(t, func(o *Options) {
		o.Printers[0].Open = func(ctx context.Context) (Printer, error) { return nil, context.DeadlineExceeded }
	})
	r := e.do("POST", "/v1/printers/prn/text", map[string]any{"text": "x"}).Want(t, 504, 430)
	if !strings.Contains(r.Str("error.message"), "prn") {
		t.Fatalf("offline: %s", r.Raw)
	}
	if s := e.do("GET", "/v1/devices/prn", nil).Want(t, 200); s.Str("state") != "offline" || s.Num("error.code") != 430 {
		t.Fatalf("status: %s", s.Raw)
	}
}
