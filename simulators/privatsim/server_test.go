package privatsim

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/uapos/uapos/transport"
	"github.com/uapos/uapos/transport/transporttest"
)

// rawLink serves a fresh simulator on an in-memory link and returns the client end.
func rawLink(t *testing.T, cfg Config) (*Server, transport.Conn, *frameReader) {
	t.Helper()
	s := New(cfg)
	a, b := transporttest.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); s.ServeConn(ctx, b) }()
	t.Cleanup(func() { a.Close(); cancel(); <-done; s.Close() })
	return s, a, newFrameReader(a)
}

func roundTrip(t *testing.T, c io.Writer, fr *frameReader, req string) map[string]any {
	t.Helper()
	if _, err := c.Write([]byte(req)); err != nil {
		t.Fatal(err)
	}
	return next(t, fr)
}

func next(t *testing.T, fr *frameReader) map[string]any {
	t.Helper()
	b, err := fr.next()
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%q: %v", b, err)
	}
	return m
}

func param(m map[string]any, k string) string {
	p, _ := m["params"].(map[string]any)
	s, _ := p[k].(string)
	return s
}

// The handshake bytes of spec §2 (privatjson.md §1.2), typed by hand.
func TestHandshake(t *testing.T) {
	_, c, fr := rawLink(t, Config{})
	m := roundTrip(t, c, fr, "\x00{\"method\":\"PingDevice\",\"step\":0}\x00")
	if m["method"] != "PingDevice" || param(m, "responseCode") != "0000" || m["error"] != false {
		t.Fatalf("%v", m)
	}
}

// Requests as real clients send them (privatjson.md §2): params null, error keys in the
// request, a line separator after the 0x00, '\0' before every frame, capital Step, numbers.
func TestTolerantRequests(t *testing.T) {
	_, c, fr := rawLink(t, Config{})
	m := roundTrip(t, c, fr, "{\"method\":\"GetTerminalInfo\",\"step\":0,\"params\":null,\"error\":false,\"errorDescription\":\"\"}\x00\r\n")
	if param(m, "version") == "" {
		t.Fatalf("%v", m)
	}
	m = roundTrip(t, c, fr, "\x00{\"method\":\"Purchase\",\"Step\":\"0\",\"params\":{\"amount\":12.5,\"discount\":\"0\",\"merchantId\":0}}\x00")
	if m["method"] != "Purchase" || param(m, "amount") != "12.50" || param(m, "responseCode") != "0000" {
		t.Fatalf("%v", m)
	}
	m = roundTrip(t, c, fr, "{\"method\":\"Purchase\",\"step\":0,\"params\":{\"amount\":\"1.00\"}}\x00")
	if param(m, "responseCode") != "1000" || m["errorDescription"] != "Введіть discount" {
		t.Fatalf("missing discount: %v", m)
	}
	m = roundTrip(t, c, fr, "{\"method\":\"Purchase\",\"step\":0,\"params\":{\"amount\":\"0 06\",\"discount\":\"\"}}\x00")
	if param(m, "responseCode") != "1000" || m["errorDescription"] != "Операція неможлива" {
		t.Fatalf("bad amount: %v", m)
	}
	m = roundTrip(t, c, fr, "{\"method\":\"Teleport\",\"step\":0}\x00")
	if param(m, "msgType") != "methodNotImplemented" {
		t.Fatalf("%v", m)
	}
}

// A held purchase: deviceBusy to a second request, service messages alongside, interrupt
// gives interruptTransmitted and then the final 1001 (spec §6.1, §6.2).
func TestBusyAndInterrupt(t *testing.T) {
	s, c, fr := rawLink(t, Config{HoldCard: true})
	c.Write([]byte("{\"method\":\"Purchase\",\"step\":0,\"params\":{\"amount\":\"1.00\",\"discount\":\"\",\"merchantId\":\"0\"}}\x00"))
	<-s.Waiting()
	if m := roundTrip(t, c, fr, "{\"method\":\"PingDevice\",\"step\":0}\x00"); param(m, "msgType") != "deviceBusy" {
		t.Fatalf("%v", m)
	}
	m := roundTrip(t, c, fr, "{\"method\":\"ServiceMessage\",\"step\":0,\"params\":{\"msgType\":\"getLastStatMsgCode\"}}\x00")
	if param(m, "LastStatMsgCode") != "9" {
		t.Fatalf("%v", m)
	}
	m = roundTrip(t, c, fr, "{\"method\":\"ServiceMessage\",\"step\":0,\"params\":{\"msgType\":\"interrupt\"}}\x00")
	if param(m, "msgType") != "interruptTransmitted" {
		t.Fatalf("%v", m)
	}
	m = next(t, fr)
	if m["method"] != "Purchase" || param(m, "responseCode") != "1001" || m["error"] != true {
		t.Fatalf("%v", m)
	}
	if len(s.Journal()) != 0 {
		t.Fatal("interrupted purchase journaled")
	}
}

// The batch journal ties Purchase, Withdrawal, GetReceiptInfo and Verify together.
func TestJournal(t *testing.T) {
	s, c, fr := rawLink(t, Config{})
	m := roundTrip(t, c, fr, "{\"method\":\"Purchase\",\"step\":0,\"params\":{\"amount\":\"2.00\",\"discount\":\"\",\"merchantId\":\"0\"}}\x00")
	inv := param(m, "invoiceNumber")
	m = roundTrip(t, c, fr, "{\"method\":\"GetReceiptInfo\",\"step\":0,\"params\":{\"invoiceNumber\":\"\"}}\x00")
	if param(m, "invoiceNumber") != inv || param(m, "amount") != "2.00" || param(m, "txnType") != "1" {
		t.Fatalf("%v", m)
	}
	m = roundTrip(t, c, fr, "{\"method\":\"Withdrawal\",\"step\":0,\"params\":{\"invoiceNumber\":\""+inv+"\"}}\x00")
	if param(m, "txnType") != "3" || param(m, "amount") != "2.00" {
		t.Fatalf("%v", m)
	}
	m = roundTrip(t, c, fr, "{\"method\":\"Withdrawal\",\"step\":0,\"params\":{\"invoiceNumber\":\""+inv+"\"}}\x00")
	if param(m, "responseCode") != "1000" {
		t.Fatalf("second void: %v", m)
	}
	m = roundTrip(t, c, fr, "{\"method\":\"Verify\",\"step\":0,\"params\":{\"merchantId\":\"0\"}}\x00")
	if !strings.Contains(param(m, "receipt"), "СКАСУВАННЯ 1 2.00") || len(s.Journal()) != 0 {
		t.Fatalf("%v", m)
	}
	m = roundTrip(t, c, fr, "{\"method\":\"Verify\",\"step\":0,\"params\":{\"merchantId\":\"0\"}}\x00")
	if param(m, "responseCode") != "0001" {
		t.Fatalf("%v", m)
	}
}

func TestGarbageFaultHasNoZero(t *testing.T) {
	s, c, _ := rawLink(t, Config{GarbageSize: 1 << 20})
	s.InjectFault("PingDevice", FaultGarbage)
	c.Write([]byte("{\"method\":\"PingDevice\",\"step\":0}\x00"))
	b, err := io.ReadAll(c)
	if err != nil || len(b) < 1<<20 || bytes.IndexByte(b, 0) >= 0 {
		t.Fatalf("%d bytes, %v", len(b), err)
	}
}

func FuzzRequest(f *testing.F) {
	f.Add([]byte("\x00{\"method\":\"PingDevice\",\"step\":0}\x00"))
	f.Add([]byte("{\"method\":\"Purchase\",\"params\":{\"amount\":1e400,\"x\":[null]}}\x00{\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fr := newFrameReader(bytes.NewReader(data))
		for {
			b, err := fr.next()
			if err != nil {
				return
			}
			if len(b) > maxRequest+4096 || bytes.IndexByte(b, 0) >= 0 {
				t.Fatalf("frame %q", b)
			}
			if r, err := parseRequest(b); err == nil && r.Method == "" {
				t.Fatal("request without method")
			}
			parseAmount(string(b))
		}
	})
}

func TestDeclineNext(t *testing.T) {
	s, c, fr := rawLink(t, Config{})
	s.DeclineNext("0051")
	m := roundTrip(t, c, fr, "{\"method\":\"Purchase\",\"step\":0,\"params\":{\"amount\":\"3.00\",\"discount\":\"\",\"merchantId\":\"0\"}}\x00")
	if param(m, "responseCode") != "0051" || m["error"] != true || !strings.Contains(param(m, "receipt"), "ВІДХИЛЕНО") {
		t.Fatalf("%v", m)
	}
	m = roundTrip(t, c, fr, "{\"method\":\"Purchase\",\"step\":0,\"params\":{\"amount\":\"3.00\",\"discount\":\"\",\"merchantId\":\"0\"}}\x00")
	if param(m, "responseCode") != "0000" || s.Charges() != 1 {
		t.Fatalf("%v", m)
	}
}
