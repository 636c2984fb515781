package main

import (
	"context"
	"testing"

	"github.com/uapos/uapos/journal"
	"github.com/uapos/uapos/payment"
	"github.com/uapos/uapos/posapi"
	"github.com/uapos/uapos/simulators/control"
	"github.com/uapos/uapos/simulators/libserve"
)

// `hwprobe sim posapi` serves the POSAPI library simulator out of process: a client of the
// library protocol (what the fake LIBPOS.SO speaks) pays through it, and the control API's
// ledger shows the one charge the bank saw.
func TestSimLibraryPOSAPI(t *testing.T) {
	ev := newEventLog()
	var buf syncBuffer
	a := &app{stdout: &buf, stderr: &buf, events: ev.notify}
	ctx, cancel := context.WithCancel(context.Background())
	done := startCommand(ctx, a, "sim", "posapi", "--listen", "127.0.0.1:0", "--control", "127.0.0.1:0", "--answer-delay", "0")
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("sim: %v", err)
		}
	}()
	var addr, ctl string
	for addr == "" || ctl == "" {
		select {
		case addr = <-ev.get("listen"):
		case ctl = <-ev.get("control"):
		case err := <-done:
			t.Fatalf("sim ended: %v\n%s", err, buf.String())
		}
	}
	lib := libserve.NewPOSAPIClient(addr, libserve.ClientConfig{})
	c, err := posapi.New(lib, posapi.Config{Port: "sim"})
	if err != nil {
		t.Fatal(err)
	}
	term, err := posapi.NewTerminal(c, posapi.TerminalConfig{Journal: journal.NewMemory()})
	if err != nil {
		t.Fatal(err)
	}
	res, err := term.Purchase(context.Background(), payment.Request{TransactionID: "lib-1", Amount: 4200})
	if err != nil || !res.Approved || res.Amount != 4200 {
		t.Fatalf("purchase through the served library: %+v, %v", res, err)
	}
	ledger, err := (&control.Client{Base: ctl}).Ledger(context.Background(), "posapi")
	if err != nil {
		t.Fatal(err)
	}
	if len(ledger) != 1 || ledger[0].Operation != "purchase" || ledger[0].Amount != 4200 || ledger[0].Outcome != "approved" {
		t.Fatalf("ledger %+v", ledger)
	}
}
