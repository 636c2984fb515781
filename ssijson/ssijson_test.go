package ssijson

import (
	"context"
	"errors"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/uapos/uapos/payment"
	"github.com/uapos/uapos/simulators/privatsim"
	"github.com/uapos/uapos/transport"
)

var testConfig = Config{SendGap: -1, PingPause: -1, PollInterval: time.Millisecond}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// startApp runs one simulated bank app and returns its port.
func startApp(t *testing.T, cfg privatsim.Config) (*privatsim.Server, int) {
	t.Helper()
	sim := privatsim.New(cfg)
	addr, err := sim.ListenTCP("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	_, p, _ := net.SplitHostPort(addr)
	port, _ := strconv.Atoi(p)
	return sim, port
}

func TestSSIRowOverTCP(t *testing.T) {
	ctx := testCtx(t)
	// Two bank apps on two ports of one terminal.
	simA, portA := startApp(t, privatsim.Config{Vendor: "Verifone", Model: "vx520"})
	simB, portB := startApp(t, privatsim.Config{})
	cA, err := Open(ctx, "127.0.0.1", portA, testConfig)
	if err != nil {
		t.Fatal(err)
	}
	defer cA.Close()
	cB, err := Open(ctx, "127.0.0.1", portB, testConfig)
	if err != nil {
		t.Fatal(err)
	}
	defer cB.Close()
	if cA.Identity().Vendor != "Verifone" || cB.Identity().Vendor != "PAX" {
		t.Fatalf("identities %v %v", cA.Identity(), cB.Identity())
	}
	term, err := NewTerminal(cA, TerminalConfig{})
	if err != nil {
		t.Fatal(err)
	}
	var pt payment.Terminal = term
	// The JSON ECR adapter has every method of the protocol; outside the SSI JSON row each is
	// refused with 5029 before the wire.
	pings := simA.Requests("PingDevice")
	if _, err := term.PayService(ctx, payment.Request{TransactionID: "5", Amount: 100}); payment.ErrorCode(err) != payment.CodeNotSupportedTask {
		t.Fatalf("SSI JSON has no task 5: %v", err)
	}
	if err := term.Ping(ctx); payment.ErrorCode(err) != payment.CodeNotSupportedTask {
		t.Fatalf("SSI JSON has no ping service: %v", err)
	}
	if simA.Requests("ServiceGeneric") != 0 || simA.Requests("PingDevice") != pings {
		t.Fatal("a task outside the SSI JSON row reached the wire")
	}
	if got := pt.Capabilities(); got.String() != "SSI JSON" {
		t.Fatalf("caps %v", got)
	}
	sale, err := pt.Purchase(ctx, payment.Request{TransactionID: "1", Amount: 1000})
	if err != nil || !sale.Approved {
		t.Fatal(sale, err)
	}
	if r, err := pt.Refund(ctx, payment.Request{TransactionID: "2", Amount: 100, RRN: sale.RRN}); err != nil || !r.Approved {
		t.Fatal(r, err)
	}
	if r, err := term.PurchaseCashback(ctx, payment.Request{TransactionID: "14", Amount: 100, CashAmount: 200}); err != nil || r.Amount != 300 {
		t.Fatal(r, err)
	}
	if r, err := pt.Cancel(ctx, payment.Request{TransactionID: "3", Invoice: sale.Invoice}); err != nil || !r.Approved {
		t.Fatal(r, err)
	}
	if r, err := term.GetTransaction(ctx, payment.Request{Invoice: sale.Invoice}); err != nil || r.Amount != 1000 {
		t.Fatal(r, err)
	}
	if ms, err := term.Merchants(ctx); err != nil || len(ms) == 0 {
		t.Fatal(ms, err)
	}
	if err := term.BankEcho(ctx); err != nil {
		t.Fatal(err)
	}
	if r, err := term.LastTransaction(ctx); err != nil || r.Raw["txnType"] != "3" {
		t.Fatal(r, err)
	}
	if r, err := pt.XReport(ctx, payment.Request{}); err != nil || !strings.Contains(r.Receipt, "БАЛАНС") {
		t.Fatal(r, err)
	}
	if r, err := pt.CloseBatch(ctx, payment.Request{}); err != nil || !r.Approved {
		t.Fatal(r, err)
	}
	if simA.Charges() != 0 || simA.Requests("Verify") != 1 || simB.Requests("Purchase") != 0 {
		t.Fatalf("app A charges %d verify %d, app B purchases %d", simA.Charges(), simA.Requests("Verify"), simB.Requests("Purchase"))
	}
	if _, err := NewTerminal(cA, TerminalConfig{Bank: payment.BankPrivat}); err == nil {
		t.Fatal("a bank was accepted for the SSI row")
	}
}

func TestIdentify(t *testing.T) {
	_, port := startApp(t, privatsim.Config{})
	ctx := testCtx(t)
	conn, err := transport.Open(ctx, "tcp://127.0.0.1:"+strconv.Itoa(port))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	desc, err := Identify(ctx, conn)
	if err != nil || desc != "SSI JSON ECR: PAX s800 (TE7E132 TESTKKM000CT22927302)" {
		t.Fatalf("%q %v", desc, err)
	}
	// Nothing answers on a closed port.
	_, err = Open(ctx, "127.0.0.1", 1, testConfig)
	if err == nil || errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("closed port: %v", err)
	}
}
