package service

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/uapos/uapos/escpos"
	"github.com/uapos/uapos/journal"
	"github.com/uapos/uapos/payment"
)

// TestBadInputMovesNothing: every refused request gets a JSON error with a DM code, and
// neither the bank, the journal nor the printer sees anything.
func TestBadInputMovesNothing(t *testing.T) {
	e := newEnv(t)
	big := bytes.Repeat([]byte("x"), 10<<20)
	cases := []struct {
		name, method, path string
		body               any
		status, code       int
		msg                string
	}{
		{"malformed JSON", "POST", "/v1/terminals/priv/purchase", `{"transaction_id": "a", "amount": "1.00"`, 400, 2000, "malformed JSON"},
		{"not an object", "POST", "/v1/terminals/priv/purchase", `[1,2]`, 400, 2000, "malformed JSON"},
		{"trailing data", "POST", "/v1/terminals/priv/purchase", `{"transaction_id":"a","amount":"1.00"} {}`, 400, 2000, "after the object"},
		{"unknown field", "POST", "/v1/terminals/priv/purchase", `{"transaction_id":"a","ammount":"1.00"}`, 400, 2000, "ammount"},
		{"unknown device", "POST", "/v1/terminals/nope/purchase", `{"transaction_id":"a","amount":"1.00"}`, 404, 1091, "nope"},
		{"unknown task", "POST", "/v1/terminals/priv/jobs", `{"operation":"teleport","transaction_id":"a","amount":"1.00"}`, 400, 2000, "teleport"},
		{"unknown route", "POST", "/v1/terminals/priv/teleport", `{}`, 404, 2000, "no endpoint"},
		{"amount with a space", "POST", "/v1/terminals/priv/purchase", `{"transaction_id":"a","amount":"0 06"}`, 400, 2000, "amount"},
		{"negative amount", "POST", "/v1/terminals/priv/purchase", `{"transaction_id":"a","amount":"-1"}`, 400, 2000, "amount"},
		{"empty amount", "POST", "/v1/terminals/priv/purchase", `{"transaction_id":"a","amount":""}`, 400, 2000, "amount"},
		{"three decimals", "POST", "/v1/terminals/priv/purchase", `{"transaction_id":"a","amount":"1.234"}`, 400, 2000, "two decimals"},
		{"amount as a number", "POST", "/v1/terminals/priv/purchase", `{"transaction_id":"a","amount":12.34}`, 400, 2000, "string"},
		{"zero amount", "POST", "/v1/terminals/priv/purchase", `{"transaction_id":"a","amount":"0.00"}`, 400, 2000, "above 0.00"},
		{"no amount", "POST", "/v1/terminals/priv/purchase", `{"transaction_id":"a"}`, 400, 2000, "above 0.00"},
		{"missing transaction id", "POST", "/v1/terminals/priv/purchase", `{"amount":"1.00"}`, 400, 2000, "transaction_id"},
		{"control character in id", "POST", "/v1/terminals/priv/purchase", `{"transaction_id":"a\u0000b","amount":"1.00"}`, 400, 2000, "transaction_id"},
		{"long id", "POST", "/v1/terminals/priv/purchase", fmt.Sprintf(`{"transaction_id":%q,"amount":"1.00"}`, strings.Repeat("9", 200)), 400, 2000, "longer"},
		{"refund without rrn", "POST", "/v1/terminals/priv/refund", `{"transaction_id":"a","amount":"1.00"}`, 400, 2000, "rrn"},
		{"cancel without invoice", "POST", "/v1/terminals/priv/cancel", `{"transaction_id":"a"}`, 400, 2000, "invoice"},
		{"10 MB body", "POST", "/v1/terminals/priv/purchase", big, 413, 2000, "larger than"},
		{"10 MB document", "POST", "/v1/printers/prn/print", big, 413, 2000, "larger than"},
		{"outside the row", "POST", "/v1/terminals/light/refund", `{"transaction_id":"a","amount":"1.00","rrn":"1"}`, 422, 5029, "refund"},
		{"empty document", "POST", "/v1/printers/prn/print", `{"blocks":[]}`, 400, 2000, "no blocks"},
		{"unknown printer", "POST", "/v1/printers/nope/text", `{"text":"x"}`, 404, 1091, "nope"},
		{"empty text", "POST", "/v1/printers/prn/text", `{"text":"  "}`, 400, 2000, "empty"},
		{"bad wait timeout", "POST", "/v1/drawers/cash/wait-closed?timeout=1h", nil, 400, 2000, "timeout"},
		{"bad date", "GET", "/v1/transactions?from=yesterday", nil, 400, 2000, "from"},
		{"bad state", "GET", "/v1/transactions?state=lost", nil, 400, 2000, "state"},
		{"unknown device in query", "GET", "/v1/transactions?device=nope", nil, 404, 1091, "nope"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := e.do(c.method, c.path, c.body).Want(t, c.status, c.code)
			if !strings.Contains(r.Str("error.message"), c.msg) || r.Str("error.text") == "" || r.Str("error.kind") == "" {
				t.Fatalf("error %s, want a message with %q", r.Raw, c.msg)
			}
		})
	}
	if p, r, c, _ := e.bank.counts(); p+r+c != 0 {
		t.Fatal("a refused request moved money")
	}
	if es, _ := e.jr.Query(context.Background(), journal.Query{}); len(es) != 0 {
		t.Fatalf("the journal has %d entries", len(es))
	}
	if n := e.vp.Counters().BytesRead; n != 0 {
		t.Fatalf("the printer got %d bytes", n)
	}
	// A body that is not declared JSON is refused (a web page cannot send JSON without CORS).
	req, _ := http.NewRequest("POST", e.srv.URL+"/v1/terminals/priv/purchase", strings.NewReader(`{"transaction_id":"a","amount":"1.00"}`))
	req.Header.Set("Content-Type", "text/plain")
	e.send(req).Want(t, 415, 2000)
}

func TestAccessChecks(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.Token = "s3cret-token"; o.AllowedOrigins = []string{"https://pos.example"} })
	req, _ := http.NewRequest("GET", e.srv.URL+"/v1/devices", nil)
	r := e.send(req).Want(t, 401, 2000)
	if !strings.Contains(r.Str("error.message"), "Bearer") {
		t.Fatalf("401: %s", r.Raw)
	}
	req.Header.Set("Authorization", "Bearer wrong")
	e.send(req).Want(t, 401, 2000)
	req.Header.Set("Authorization", "Bearer s3cret-token")
	e.send(req).Want(t, 200)

	// A name that is not loopback (DNS rebinding) is refused.
	req.Host = "attacker.example:3939"
	e.send(req).Want(t, 403, 2000)
	req.Host = ""

	// Browser origins: only the allowed ones.
	req.Header.Set("Origin", "https://evil.example")
	e.send(req).Want(t, 403, 2000)
	req.Header.Set("Origin", "https://pos.example")
	if resp, err := e.srv.Client().Do(req); err != nil || resp.Header.Get("Access-Control-Allow-Origin") != "https://pos.example" {
		t.Fatalf("CORS: %v %v", err, resp.Header)
	} else {
		resp.Body.Close()
	}
	pre, _ := http.NewRequest("OPTIONS", e.srv.URL+"/v1/terminals/priv/purchase", nil)
	pre.Header.Set("Origin", "https://pos.example")
	if r := e.send(pre); r.Status != 204 {
		t.Fatalf("preflight: %d", r.Status)
	}
}

func TestDescribe(t *testing.T) {
	cases := []struct {
		err    error
		status int
		code   int
		kind   string
	}{
		{badRequest("x"), 400, 2000, "bad request"},
		{&inputError{msg: "big", status: 413}, 413, 2000, "bad request"},
		{payment.ErrNoTransactionID, 400, 2000, "bad request"},
		{fmt.Errorf("%w: block 1", escpos.ErrBarcode), 400, 2000, "bad request"},
		{&payment.Error{Code: payment.CodeBusy}, 409, 1105, "device busy"},
		{&payment.Error{Code: payment.CodeEMVDecline}, 402, 5002, "declined"},
		{&payment.Error{Code: 5018}, 402, 5018, "declined"},
		{&payment.Error{Code: payment.CodeUserCancelled}, 409, 5001, "cancelled"},
		{&payment.Error{Code: payment.CodeNotSupportedTask}, 422, 5029, "not supported"},
		{&payment.Error{Code: payment.CodeTransactionUnknown}, 404, 5013, "transaction not found"},
		{&payment.Error{Code: payment.CodeOperationNotFound}, 404, 5027, "transaction not found"},
		{&payment.Error{Code: payment.CodeDeviceNotFound}, 404, 1091, "link failure"},
		{&payment.Error{Code: payment.CodeLinkTimeout}, 504, 411, "timeout"},
		{&payment.Error{Code: payment.CodeConnectFailed}, 502, 5028, "link failure"},
		{&payment.Error{Code: payment.CodeNoPaper}, 502, 5005, "device fault"},
		{&payment.Error{Code: payment.CodeIDReused}, 409, 7001, "protocol violation"},
		{&payment.Error{Code: payment.CodeAskBank, Kind: payment.ErrLink}, 502, 7002, "link failure"},
		{&payment.Error{Code: payment.CodeJournal}, 500, 1082, "device fault"},
		{&deviceError{"prn", errors.New("broken pipe")}, 502, 430, "device fault"},
		{&deviceError{"prn", escpos.ErrNoReply}, 504, 430, "device fault"},
		{errors.New("surprise"), 500, 1016, "link failure"},
	}
	for _, c := range cases {
		st, info := describe(c.err)
		if st != c.status || info.Code != c.code || info.Kind != c.kind || info.Text == "" || info.Message == "" {
			t.Errorf("%v: %d %+v, want %d code %d kind %q", c.err, st, info, c.status, c.code, c.kind)
		}
	}
	// An unknown outcome says so; a full card number never leaves in an error.
	pan := "4731" + "18562017" + "9838" // built at run time: no full card number in the source
	_, info := describe(&payment.Error{Code: payment.CodeInternal, Kind: payment.ErrLink, DeviceText: "card " + pan, Err: payment.ErrOutcomeUnknown})
	if !info.OutcomeUnknown || strings.Contains(info.Message+info.Text+info.DeviceText, pan) {
		t.Errorf("outcome_unknown %v, or the card number leaked into the error", info.OutcomeUnknown)
	}
}
