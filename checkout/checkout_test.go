package checkout

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/uapos/uapos/drawer"
	"github.com/uapos/uapos/escpos"
	"github.com/uapos/uapos/journal"
	"github.com/uapos/uapos/payment"
	"github.com/uapos/uapos/privatjson"
	"github.com/uapos/uapos/simulators/privatsim"
	"github.com/uapos/uapos/simulators/vprinter"
	"github.com/uapos/uapos/transport"
)

// rig is a shop counter on loopback: a PrivatBank JSON terminal simulator and a virtual
// printer with a drawer, driven through the real drivers.
type rig struct {
	bank    *privatsim.Server
	vp      *vprinter.Server
	term    *privatjson.Terminal
	client  *privatjson.Client
	printer *escpos.Printer
	drawer  *drawer.Drawer
	journal journal.Journal
	addr    string // the terminal simulator's address
}

func newRig(t *testing.T, journal journal.Journal, pcfg vprinter.Config) *rig {
	t.Helper()
	ctx := context.Background()
	r := &rig{journal: journal}
	r.bank = privatsim.New(privatsim.Config{})
	t.Cleanup(func() { r.bank.Close() })
	addr, err := r.bank.ListenTCP("")
	if err != nil {
		t.Fatal(err)
	}
	r.addr = addr
	r.connectTerminal(t, addr)

	r.vp = vprinter.New(pcfg)
	t.Cleanup(func() { r.vp.Close() })
	paddr, err := r.vp.ListenTCP("")
	if err != nil {
		t.Fatal(err)
	}
	conn, err := transport.Open(ctx, "tcp://"+paddr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	prof, err := escpos.LoadProfile("epson-tm-t20")
	if err != nil {
		prof, _ = escpos.LoadProfile(escpos.Profiles()[0])
	}
	r.printer = escpos.NewPrinter(conn, prof)
	r.drawer, err = drawer.New(conn, drawer.Config{})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// sync waits until the virtual printer has parsed every byte sent so far: it answers a
// real-time status request only after the bytes before it.
func (r *rig) sync(t *testing.T) {
	t.Helper()
	if _, err := r.printer.Status(context.Background()); err != nil {
		t.Fatalf("printer status: %v", err)
	}
}

// connectTerminal opens a fresh client and adapter on the simulator, as an app restarting does.
func (r *rig) connectTerminal(t *testing.T, addr string) {
	t.Helper()
	if r.client != nil {
		r.client.Close() // the simulator, like a terminal, serves one session at a time
	}
	dial := func(ctx context.Context) (transport.Conn, error) { return transport.Open(ctx, "tcp://"+addr) }
	c, err := privatjson.Open(context.Background(), dial, privatjson.Config{SendGap: -1, PingPause: -1, PollInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	term, err := privatjson.NewTerminal(c, privatjson.TerminalConfig{Journal: r.journal, Key: "privat-1"})
	if err != nil {
		t.Fatal(err)
	}
	r.client, r.term = c, term
}

// fiscal is a fake PRRO: it records every call and can fail on demand.
type fiscal struct {
	mu    sync.Mutex
	calls []FiscalRequest
	fail  error
}

func (f *fiscal) hook(_ context.Context, req FiscalRequest) (Fiscal, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, req)
	if f.fail != nil {
		return Fiscal{}, f.fail
	}
	return Fiscal{Number: "FN-" + req.TransactionID, Text: "ФІСКАЛЬНИЙ ЧЕК № FN-" + req.TransactionID,
		QR: "https://cabinet.tax.gov.ua/cashregs/check?id=FN-" + req.TransactionID}, nil
}

func (r *rig) checkout(t *testing.T, f *fiscal) *Checkout {
	t.Helper()
	co, err := New(Config{Terminal: r.term, Printer: r.printer, Drawer: r.drawer, Fiscalize: f.hook, Journal: r.journal})
	if err != nil {
		t.Fatal(err)
	}
	return co
}

func body() *escpos.Document {
	return &escpos.Document{Blocks: []escpos.Block{
		{Type: escpos.BlockText, Text: "МАГАЗИН «ҐАНОК»", Align: "center", Bold: true},
		{Type: escpos.BlockColumns, Left: "Хліб житній", Right: "30.00"},
		{Type: escpos.BlockColumns, Left: "Молоко", Right: "70.00"},
	}}
}

func split() Sale {
	return Sale{TransactionID: "S-1", Receipt: body(), Parts: []Part{
		{Type: PayCash, Amount: 3000, Name: "ГОТІВКА"},
		{Type: PayCard, Amount: 7000, Name: "КАРТКА"},
	}}
}

func TestSellCashAndCard(t *testing.T) {
	r := newRig(t, journal.NewMemory(), vprinter.Config{})
	f := &fiscal{}
	out, err := r.checkout(t, f).Sell(context.Background(), split())
	if err != nil {
		t.Fatal(err)
	}
	// Only the card part went to the terminal.
	if r.bank.Charges() != 1 || out.Card == nil || out.Card.Amount != 7000 || !out.Card.Approved {
		t.Fatalf("charges=%d card=%+v", r.bank.Charges(), out.Card)
	}
	// The hook ran once, with every field a PRRO card record needs.
	if len(f.calls) != 1 {
		t.Fatalf("hook called %d times", len(f.calls))
	}
	c := f.calls[0].Card
	if c == nil || c.RRN == "" || c.AuthCode == "" || c.TerminalID == "" || c.MerchantID == "" || c.PAN == "" || c.PaymentSystem == "" {
		t.Errorf("card fields for the PRRO incomplete: %+v", c)
	}
	if strings.ContainsAny(string(c.PAN[6:len(c.PAN)-4]), "0123456789") {
		t.Errorf("PAN not masked: %s", c.PAN)
	}
	// The receipt reached the virtual printer with the fiscal QR, and the drawer opened.
	if !out.Printed || out.PrintErr != nil {
		t.Fatalf("printed=%v err=%v", out.Printed, out.PrintErr)
	}
	rec := r.vp.Receipts()
	if len(rec) != 1 {
		t.Fatalf("%d receipts printed", len(rec))
	}
	qrs := rec[0].Page.QRs()
	if len(qrs) != 1 || !strings.Contains(string(qrs[0].Data), "FN-S-1") {
		t.Errorf("fiscal QR missing: %+v", qrs)
	}
	if !strings.Contains(rec[0].Plain, "Хліб житній") || !strings.Contains(rec[0].Plain, "FN-S-1") {
		t.Errorf("receipt text:\n%s", rec[0].Plain)
	}
	r.sync(t)
	if !out.DrawerOpened || !r.vp.DrawerOpened() {
		t.Error("cash part: the drawer must open")
	}

	// The same sale again returns the recorded outcome: no charge, no fiscal call, no print.
	again, err := r.checkout(t, f).Sell(context.Background(), split())
	if err != nil || r.bank.Charges() != 1 || len(f.calls) != 1 || len(r.vp.Receipts()) != 1 || again.Card.RRN != out.Card.RRN {
		t.Fatalf("repeat: err=%v charges=%d calls=%d receipts=%d", err, r.bank.Charges(), len(f.calls), len(r.vp.Receipts()))
	}
}

func TestCardOnlyKeepsDrawerShut(t *testing.T) {
	r := newRig(t, journal.NewMemory(), vprinter.Config{})
	s := Sale{TransactionID: "S-card", Parts: []Part{{Type: PayCard, Amount: 100}}}
	out, err := r.checkout(t, &fiscal{}).Sell(context.Background(), s)
	r.sync(t)
	if err != nil || out.DrawerOpened || r.vp.DrawerOpened() {
		t.Fatalf("err=%v drawer=%v", err, r.vp.DrawerOpened())
	}
}

func TestFiscalFailureVoidsCard(t *testing.T) {
	r := newRig(t, journal.NewMemory(), vprinter.Config{})
	f := &fiscal{fail: errors.New("PRRO: shift is closed")}
	out, err := r.checkout(t, f).Sell(context.Background(), split())
	if !errors.Is(err, ErrFiscal) {
		t.Fatalf("err = %v", err)
	}
	if !out.Voided || out.Void == nil || !out.Void.Approved {
		t.Fatalf("card payment not voided: %+v", out)
	}
	// On the terminal the purchase is reversed, so the batch and the Z-report agree.
	var purchase, void bool
	for _, tx := range r.bank.Journal() {
		switch tx.TxnType {
		case "1":
			purchase = tx.TrnStatus == "3" || purchase
		case "3":
			void = true
		}
	}
	if !purchase && !void {
		t.Fatalf("simulator journal shows no cancel: %+v", r.bank.Journal())
	}
	r.sync(t)
	if len(r.vp.Receipts()) != 0 || r.vp.DrawerOpened() {
		t.Error("nothing may print and the drawer stays shut when the sale failed")
	}

	// Auto-cancel off: the payment stands.
	r2 := newRig(t, journal.NewMemory(), vprinter.Config{})
	co, _ := New(Config{Terminal: r2.term, Printer: r2.printer, Fiscalize: f.hook, KeepPaymentOnFiscalError: true})
	out, err = co.Sell(context.Background(), split())
	if !errors.Is(err, ErrFiscal) || out.Voided || r2.bank.Charges() != 1 {
		t.Fatalf("keep payment: err=%v voided=%v charges=%d", err, out.Voided, r2.bank.Charges())
	}
}

// crashJournal makes the process "die" (a panic the test recovers) when the flow records the
// card result: after the terminal approved, before the fiscal hook ran.
type crashJournal struct {
	journal.Journal
	armed bool
}

type crash struct{}

func (c *crashJournal) Note(ctx context.Context, id, k, v string) error {
	if c.armed && k == refCard {
		panic(crash{})
	}
	return c.Journal.Note(ctx, id, k, v)
}

func TestCrashAfterApprovalResumesWithoutCharging(t *testing.T) {
	fj := journal.NewMemory()
	cj := &crashJournal{Journal: fj, armed: true}
	r := newRig(t, cj, vprinter.Config{})
	f := &fiscal{}
	func() {
		defer func() {
			if v := recover(); v == nil {
				t.Fatal("no crash")
			} else if _, ok := v.(crash); !ok {
				panic(v)
			}
		}()
		r.checkout(t, f).Sell(context.Background(), split())
	}()
	if r.bank.Charges() != 1 || len(f.calls) != 0 {
		t.Fatalf("before the restart: charges=%d hook calls=%d", r.bank.Charges(), len(f.calls))
	}
	// Restart: new journal handle on the same store (the old one's intents become
	// unknown), new terminal client, new flow.
	fj2 := fj.Reopen()
	defer fj2.Close()
	r.journal = fj2
	r.connectTerminal(t, r.addr)
	out, err := r.checkout(t, f).Sell(context.Background(), split())
	if err != nil {
		t.Fatal(err)
	}
	if r.bank.Charges() != 1 {
		t.Fatalf("charged %d times", r.bank.Charges())
	}
	if len(f.calls) != 1 || !out.Printed || out.Card == nil || !out.Card.Approved {
		t.Fatalf("resume: hook calls=%d printed=%v card=%+v", len(f.calls), out.Printed, out.Card)
	}
}

func TestOutOfPaperSaleStandsThenReprint(t *testing.T) {
	r := newRig(t, journal.NewMemory(), vprinter.Config{})
	r.vp.SetPaper(vprinter.PaperOut)
	f := &fiscal{}
	co := r.checkout(t, f)
	s := split()
	out, err := co.Sell(context.Background(), s)
	if err != nil {
		t.Fatalf("a print failure must not fail the sale: %v", err)
	}
	if out.Printed || out.PrintErr == nil || r.bank.Charges() != 1 || out.Fiscal == nil {
		t.Fatalf("printed=%v err=%v charges=%d", out.Printed, out.PrintErr, r.bank.Charges())
	}
	r.vp.SetPaper(vprinter.PaperOK)
	again, err := co.Reprint(context.Background(), s)
	if err != nil || !again.Printed {
		t.Fatalf("reprint: %v", err)
	}
	if r.bank.Charges() != 1 || len(f.calls) != 1 {
		t.Fatalf("reprint touched the terminal or the PRRO: charges=%d calls=%d", r.bank.Charges(), len(f.calls))
	}
	found := false
	for _, rc := range r.vp.Receipts() {
		if qrs := rc.Page.QRs(); len(qrs) == 1 && strings.Contains(string(qrs[0].Data), "FN-S-1") {
			found = true
		}
	}
	if !found {
		t.Error("the reprinted receipt with the fiscal QR is not on the paper")
	}
}

func TestDeclineStopsTheSale(t *testing.T) {
	r := newRig(t, journal.NewMemory(), vprinter.Config{})
	r.bank.Close()
	bank := privatsim.New(privatsim.Config{Decline: map[string]string{"70.00": "0051"}})
	t.Cleanup(func() { bank.Close() })
	addr, _ := bank.ListenTCP("")
	r.bank = bank
	r.connectTerminal(t, addr)
	f := &fiscal{}
	_, err := r.checkout(t, f).Sell(context.Background(), split())
	if !errors.Is(err, payment.ErrDeclined) {
		t.Fatalf("err = %v", err)
	}
	r.sync(t)
	if len(f.calls) != 0 || len(r.vp.Receipts()) != 0 || r.vp.DrawerOpened() {
		t.Error("a declined sale must not fiscalise, print or open the drawer")
	}
}

// A fiscal failure starts the auto-cancel; the void's reply is lost. The retry must not
// fiscalise the sale as paid while the terminal may hold the purchase and its void: it settles
// the void first (here the simulator did void it, so the retry reports the sale voided).
func TestVoidWithLostReplyIsNeverFiscalised(t *testing.T) {
	r := newRig(t, journal.NewMemory(), vprinter.Config{})
	f := &fiscal{fail: errors.New("PRRO: no link to the tax service")}
	r.bank.InjectFault("Withdrawal", privatsim.FaultLoseReply)
	out, err := r.checkout(t, f).Sell(context.Background(), split())
	if !errors.Is(err, ErrFiscal) || !errors.Is(err, ErrVoidUnknown) || !out.VoidUnknown || out.Voided {
		t.Fatalf("first call: err=%v out=%+v", err, out)
	}

	// The fiscal service is back; the cashier presses "pay" again with the same sale.
	f.mu.Lock()
	f.fail = nil
	f.mu.Unlock()
	r.connectTerminal(t, r.addr)
	out, err = r.checkout(t, f).Sell(context.Background(), split())
	if err == nil || out.Fiscal != nil {
		t.Fatalf("a voided sale was fiscalised: err=%v fiscal=%+v", err, out.Fiscal)
	}
	if !out.Voided || out.Void == nil || !out.Void.Approved {
		t.Fatalf("retry did not settle the void: %+v", out)
	}
	f.mu.Lock()
	calls := len(f.calls)
	f.mu.Unlock()
	if calls != 1 {
		t.Fatalf("the fiscal hook ran %d times; want only the first, failed, call", calls)
	}
	voids := 0
	for _, tx := range r.bank.Journal() {
		if tx.TxnType == "3" {
			voids++
		}
	}
	if r.bank.Charges() != 1 || voids > 1 {
		t.Fatalf("terminal: %d charges, %d voids; journal %+v", r.bank.Charges(), voids, r.bank.Journal())
	}
	r.sync(t)
	if len(r.vp.Receipts()) != 0 {
		t.Error("a receipt printed for a voided sale")
	}
	// A third call returns the recorded end of the sale and touches nothing.
	if _, err := r.checkout(t, f).Sell(context.Background(), split()); err == nil {
		t.Fatal("a voided sale reported success")
	}
}
