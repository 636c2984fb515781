package privatsim

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/uapos/uapos/transport/transporttest"
)

// The expected replies below are typed by hand from privatjson.md (the spec's envelope §4,
// its examples §5.1.1, §5.2 and §6.2), not produced by the simulator's encoder.

// sameJSON fails unless got and want are the same JSON value (key order aside).
func sameJSON(t *testing.T, got map[string]any, want string) {
	t.Helper()
	var w map[string]any
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("bad expected JSON: %v", err)
	}
	if !reflect.DeepEqual(got, w) {
		g, _ := json.Marshal(got)
		t.Fatalf("reply\n got %s\nwant %s", g, want)
	}
}

// The invalid-amount reply of spec §5.1.1 carries its text under "errorDescription".
func TestInvalidAmountReplyKey(t *testing.T) {
	_, c, fr := rawLink(t, Config{})
	m := roundTrip(t, c, fr, "{\"method\":\"Purchase\",\"step\":0,\"params\":{\"amount\":\"0 06\",\"discount\":\"\",\"merchantId\":\"0\"}}\x00")
	sameJSON(t, m, `{"method":"Purchase","step":0,"params":{"responseCode":"1000"},"error":true,"errorDescription":"Операція неможлива"}`)
}

// Every 1000-series short reply uses "errorDescription" (spec §4 envelope).
func TestTerminalCodeReplyKey(t *testing.T) {
	s, c, fr := rawLink(t, Config{})
	s.DeclineNext("1004")
	m := roundTrip(t, c, fr, "{\"method\":\"Purchase\",\"step\":0,\"params\":{\"amount\":\"1.00\",\"discount\":\"\",\"merchantId\":\"0\"}}\x00")
	sameJSON(t, m, `{"method":"Purchase","step":0,"params":{"responseCode":"1004"},"error":true,"errorDescription":"No connection with host"}`)
}

// The interrupt of spec §6.2: interruptTransmitted, then the running method's 1001 reply with
// its text under "errorDescription".
func TestInterruptReplyKey(t *testing.T) {
	s, c, fr := rawLink(t, Config{HoldCard: true})
	if _, err := c.Write([]byte("{\"method\":\"Purchase\",\"step\":0,\"params\":{\"amount\":\"1.00\",\"discount\":\"\",\"merchantId\":\"0\"}}\x00")); err != nil {
		t.Fatal(err)
	}
	<-s.Waiting()
	m := roundTrip(t, c, fr, "{\"method\":\"ServiceMessage\",\"step\":0,\"params\":{\"msgType\":\"interrupt\"}}\x00")
	sameJSON(t, m, `{"method":"ServiceMessage","step":0,"params":{"msgType":"interruptTransmitted"},"error":false,"errorDescription":""}`)
	sameJSON(t, next(t, fr), `{"method":"Purchase","step":0,"params":{"responseCode":"1001"},"error":true,"errorDescription":"Oперація скасов."}`)
}

// The Refund reply is the Purchase reply without signVerif (spec §5.2), txnType "2".
func TestRefundReplyHasNoSignVerif(t *testing.T) {
	s := New(Config{})
	s.bank.now = func() time.Time { return time.Date(2019, 10, 2, 9, 11, 7, 0, time.UTC) }
	a, b := transporttest.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); s.ServeConn(ctx, b) }()
	t.Cleanup(func() { a.Close(); cancel(); <-done; s.Close() })
	fr := newFrameReader(a)
	m := roundTrip(t, a, fr, "{\"method\":\"Refund\",\"step\":0,\"params\":{\"amount\":\"0.30\",\"discount\":\"\",\"merchantId\":\"0\",\"rrn\":\"014721258513\",\"subMerchant\":\"\"}}\x00")
	sameJSON(t, m, `{"method":"Refund","step":0,"params":{
		"amount":"0.30","approvalCode":"258501","captureReference":"","cardExpiryDate":"2709",
		"cardHolderName":"INSTANT/ISSUE","date":"02.10.2019","discount":"0.00","hstFld63Sf89":"",
		"invoiceNumber":"100001","issuerName":"VISA ПРИВАТ","merchant":"TSTTTTTT","pan":"4731XXXXXXXX9838",
		"posConditionCode":"00","posEntryMode":"071","processingCode":"000000",
		"receipt":"ПРИВАТБАНК\nТЕРМІНАЛ TSTSALE2\n02.10.2019 09:11:07\nREFUND\nСУМА: 0.30 ГРН\nКАРТКА: 4731XXXXXXXX9838\nRRN: 14721258501\nКОД АВТОРІЗ.: 258501\nЧЕК N: 100001\n(simulator)",
		"responseCode":"0000","rrn":"14721258501","rrnExt":"","terminalId":"TSTSALE2","time":"09:11:07",
		"track1":"","txnType":"2","trnStatus":"1","adv":"ПриватБанк","adv2p":"",
		"bankAcquirer":"ПриватБанк","paymentSystem":"VISA","subMerchant":""
	},"error":false,"errorDescription":""}`)
}

// A JSON frame without a method gets methodNotImplemented (the spec's reply to a method the
// terminal does not know, §6.3), not silence; the session goes on.
func TestFrameWithoutMethodIsAnswered(t *testing.T) {
	_, c, fr := rawLink(t, Config{})
	notImpl := `{"method":"ServiceMessage","step":0,"params":{"msgType":"methodNotImplemented"},"error":false,"errorDescription":""}`
	// A PingDevice follows each frame: silence would show as the Ping's reply coming first.
	for _, frame := range []string{
		`{"step":0,"params":{"amount":"1.00"}}`,
		`{"method":5,"step":0}`,
		`{"method":"  ","step":0}`,
	} {
		m := roundTrip(t, c, fr, frame+"\x00{\"method\":\"PingDevice\",\"step\":0}\x00")
		sameJSON(t, m, notImpl)
		sameJSON(t, next(t, fr), `{"method":"PingDevice","step":0,"params":{"code":"00","responseCode":"0000"},"error":false,"errorDescription":""}`)
	}
}
