package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/uapos/uapos/harness"
	"github.com/uapos/uapos/payment"
	"github.com/uapos/uapos/privatjson"
	"github.com/uapos/uapos/simulators/privatsim"
	"github.com/uapos/uapos/transport"
	"github.com/uapos/uapos/transport/capture"
)

// The demo with every driver's debug logging on (issue 10 item 5): no unmasked card number
// in anything it prints, its summary or its logs.
func TestDemoDebugShowsNoCardNumber(t *testing.T) {
	t.Parallel()
	var stdout, stderr syncBuffer
	a := &app{stdout: &stdout, stderr: &stderr}
	out := filepath.Join(t.TempDir(), "receipt.png")
	if err := a.run(context.Background(), []string{"demo", "--debug", "--out", out}); err != nil {
		t.Fatalf("demo: %v\n%s", err, stdout.String())
	}
	if !strings.Contains(stderr.String(), "level=DEBUG") {
		t.Fatal("--debug produced no debug records: the check below would prove nothing")
	}
	if !strings.Contains(stdout.String(), "XXXXXXXX") {
		t.Fatal("the demo shows no masked card number: the check below would prove nothing")
	}
	for name, text := range map[string]string{"summary": stdout.String(), "debug log": stderr.String()} {
		if pans := harness.FindPANs(text); len(pans) > 0 {
			t.Errorf("unmasked card numbers in the demo's %s: %d found", name, len(pans))
		}
	}
}

// A capture of a purchase (what a support engineer sends in a ticket) holds no unmasked card
// number either: the bytes recorded, decoded from hex, are scanned.
func TestCaptureOfPurchaseShowsNoCardNumber(t *testing.T) {
	sim := privatsim.New(privatsim.Config{Shared: true})
	defer sim.Close()
	simAddr, err := sim.ListenTCP("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "purchase.cap")
	ev := newEventLog()
	var log syncBuffer
	a := &app{stdout: &log, stderr: &log, events: ev.notify}
	done := startCommand(context.Background(), a, "capture", "--listen", "127.0.0.1:0", "--to", "tcp://"+simAddr, "--out", file, "--once")
	var relay string
	select {
	case relay = <-ev.get("listen"):
	case err := <-done:
		t.Fatalf("capture ended early: %v\n%s", err, log.String())
	}
	ctx := context.Background()
	conn, err := transport.Open(ctx, "tcp://"+relay)
	if err != nil {
		t.Fatal(err)
	}
	c := privatjson.New(conn, privatjson.Config{SendGap: -1, PingPause: -1, PollInterval: -1})
	if err := c.Handshake(ctx); err != nil {
		t.Fatal(err)
	}
	term, err := privatjson.NewTerminal(c, privatjson.TerminalConfig{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := term.Purchase(ctx, payment.Request{TransactionID: "cap-1", Amount: 1234})
	if err != nil || res.PAN == "" {
		t.Fatalf("purchase: %+v %v", res, err)
	}
	c.Close()
	if err := <-done; err != nil {
		t.Fatalf("capture: %v\n%s", err, log.String())
	}
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunks, err := capture.Parse(f)
	if err != nil {
		t.Fatal(err)
	}
	var all strings.Builder
	for _, ch := range chunks {
		all.Write(ch.Data)
	}
	if !strings.Contains(all.String(), res.PAN.Last4()) {
		t.Fatal("the capture holds no card data: the check below would prove nothing")
	}
	if pans := harness.FindPANs(all.String()); len(pans) > 0 {
		t.Errorf("unmasked card numbers in the capture: %d found", len(pans))
	}
}
