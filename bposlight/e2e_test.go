package bposlight_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/uapos/uapos/bposlight"
	"github.com/uapos/uapos/payment"
	"github.com/uapos/uapos/simulators/bposlightsim"
	"github.com/uapos/uapos/transport"
	"github.com/uapos/uapos/transport/transporttest"
)

func testCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// linkKinds opens a transport.Conn to the simulator over each kind of link.
var linkKinds = []struct {
	name string
	open func(t *testing.T, sim *bposlightsim.Server) transport.Conn
}{
	{"tcp", func(t *testing.T, sim *bposlightsim.Server) transport.Conn {
		addr, err := sim.ListenTCP("")
		if err != nil {
			t.Fatal(err)
		}
		c, err := transport.Open(testCtx(t), "tcp://"+addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}},
	{"pty", func(t *testing.T, sim *bposlightsim.Server) transport.Conn {
		master, slave, err := transporttest.OpenPTY()
		if err != nil {
			t.Skipf("no pty: %v", err)
		}
		// Open the slave before serving the master: a master read with no slave open
		// fails with EIO on Linux.
		c, err := transport.Open(testCtx(t), "serial://"+slave+"?baud=115200")
		if err != nil {
			master.Close()
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { defer close(done); _ = sim.ServeConn(ctx, master) }()
		t.Cleanup(func() { c.Close(); cancel(); <-done })
		return c
	}},
	{"pipe", func(t *testing.T, sim *bposlightsim.Server) transport.Conn {
		a, b := transporttest.Pipe()
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { defer close(done); _ = sim.ServeConn(ctx, b) }()
		t.Cleanup(func() { a.Close(); cancel(); <-done })
		return a
	}},
}

func newTerminal(t *testing.T, c transport.Conn, bank payment.Bank) *bposlight.Terminal {
	t.Helper()
	term, err := bposlight.NewTerminal(bposlight.New(c, bposlight.Config{}), bposlight.TerminalConfig{Bank: bank})
	if err != nil {
		t.Fatal(err)
	}
	return term
}

// TestEndToEnd runs the DM tasks of the B-POS Light rows through payment.Terminal against
// the simulator, over TCP loopback, a pty driven by go.bug.st/serial, and a pipe.
func TestEndToEnd(t *testing.T) {
	for _, lk := range linkKinds {
		t.Run(lk.name, func(t *testing.T) {
			sim := bposlightsim.New(bposlightsim.Config{MIDs: []string{"BANK", "BANK2"}, TIDs: []string{"12123123", "22222222"}})
			t.Cleanup(func() { sim.Close() })
			term := newTerminal(t, lk.open(t, sim), payment.BankUkrsib)
			ctx := testCtx(t)

			// service 2: merchant list from ACQ
			ms, err := term.Merchants(ctx)
			if err != nil || len(ms) != 2 || ms[1].MerchantID != "BANK2" || ms[1].TerminalID != "22222222" || ms[0].Index != "BANK" {
				t.Fatalf("Merchants = %+v, %v", ms, err)
			}

			// task 1: purchase + confirm
			p1, err := term.Purchase(ctx, payment.Request{TransactionID: "t1", Amount: 1250})
			if err != nil || !p1.Approved || p1.Invoice != "1" || p1.Amount != 1250 || p1.MerchantID != "BANK" || p1.EntryMode != "chip" {
				t.Fatalf("purchase 1 = %+v, %v", p1, err)
			}
			if p1.PAN.Last4() != "9838" || p1.RRN == "" || p1.AuthCode == "" {
				t.Errorf("purchase 1 card fields %+v", p1)
			}
			p2, err := term.Purchase(ctx, payment.Request{TransactionID: "t2", Amount: 700})
			if err != nil || p2.Invoice != "2" {
				t.Fatalf("purchase 2 = %+v, %v", p2, err)
			}
			// a purchase for the second merchant, selected by TID
			if p, err := term.Purchase(ctx, payment.Request{TransactionID: "t2b", Amount: 300, Extra: map[string]string{"TID": "22222222"}}); err != nil || p.MerchantID != "BANK2" {
				t.Fatalf("purchase by TID = %+v, %v", p, err)
			}
			// retry with the same id: the journal answers, no second charge
			again, err := term.Purchase(ctx, payment.Request{TransactionID: "t1", Amount: 1250})
			if err != nil || again.Invoice != "1" {
				t.Fatalf("retry = %+v, %v", again, err)
			}

			// QR purchase: QRALLOW=1, CARDTYPE=1, CON with QRDATA
			q, err := term.Purchase(ctx, payment.Request{TransactionID: "t3", Amount: 990, Extra: map[string]string{"QR": "1"}})
			if err != nil || q.EntryMode != "qr" || q.Raw["QRDATA"] != "www.qrcode.net" {
				t.Fatalf("QR purchase = %+v, %v", q, err)
			}

			// task 3: cancel purchase 2 by invoice
			c, err := term.Cancel(ctx, payment.Request{TransactionID: "t4", Invoice: p2.Invoice})
			if err != nil || !c.Approved || c.Invoice != "2" {
				t.Fatalf("cancel = %+v, %v", c, err)
			}
			// cancelling it again: not in the batch any more as a confirmed purchase
			if _, err := term.Cancel(ctx, payment.Request{TransactionID: "t5", Invoice: p2.Invoice}); payment.ErrorCode(err) != payment.CodeTerminal {
				t.Fatalf("second cancel: %v", err)
			}

			// service 6: last transaction from the journal
			// t5 failed: the last entry is that failure, with its error
			last, err := term.LastTransaction(ctx)
			if payment.ErrorCode(err) != payment.CodeTerminal || last == nil || last.Approved || last.Operation != payment.OpCancel {
				t.Fatalf("last transaction after a failed cancel = %+v, %v", last, err)
			}

			// tasks 2 and 10: not in the row, refused before the wire
			before := len(sim.Stats().Requests)
			if _, err := term.Refund(ctx, payment.Request{TransactionID: "r", Amount: 1, RRN: "123456789012"}); payment.ErrorCode(err) != payment.CodeNotSupportedTask {
				t.Fatalf("refund: %v", err)
			}
			if _, err := term.XReport(ctx, payment.Request{}); !errors.Is(err, payment.ErrNotSupported) {
				t.Fatalf("x-report: %v", err)
			}
			if n := len(sim.Stats().Requests); n != before {
				t.Fatalf("unsupported tasks touched the wire: %d requests, want %d", n, before)
			}

			// task 11: settlement of BANK: purchases 1, 2, QR; 2 voided
			z, err := term.CloseBatch(ctx, payment.Request{Merchant: "BANK"})
			if err != nil || z.Totals == nil {
				t.Fatalf("close batch = %+v, %v", z, err)
			}
			want := payment.Totals{Batch: "1", PurchaseCount: 3, PurchaseAmount: 1250 + 700 + 990, CancelCount: 1, CancelAmount: 700}
			if *z.Totals != want {
				t.Fatalf("totals = %+v, want %+v", *z.Totals, want)
			}
			if z.Raw["TXNNUM"] != "4" {
				t.Errorf("TXNNUM = %q, want 4", z.Raw["TXNNUM"])
			}
			if sim.Stats().Batch != 2 {
				t.Errorf("batch after SET = %d", sim.Stats().Batch)
			}
			// cancel works only within the batch: invoice 1 is gone
			if _, err := term.Cancel(ctx, payment.Request{TransactionID: "t6", Invoice: "1"}); err == nil {
				t.Fatal("cancel across a closed batch succeeded")
			}
		})
	}
}

// TestAbortByEOT: ctx ends while the terminal waits for the card; the client sends EOT and
// the terminal answers RC=1001 (bposlight.md §1.4).
func TestAbortByEOT(t *testing.T) {
	for _, lk := range linkKinds {
		t.Run(lk.name, func(t *testing.T) {
			sim := bposlightsim.New(bposlightsim.Config{WaitForCard: true})
			t.Cleanup(func() { sim.Close() })
			term := newTerminal(t, lk.open(t, sim), payment.BankVostok)
			ctx, cancel := context.WithCancel(testCtx(t))
			errc := make(chan error, 1)
			go func() {
				_, err := term.Purchase(ctx, payment.Request{TransactionID: "a1", Amount: 100})
				errc <- err
			}()
			<-sim.WaitingForCard()
			cancel()
			err := <-errc
			var pe *payment.Error
			if !errors.As(err, &pe) || pe.Code != payment.CodeUserCancelled || pe.ResponseCode != "1001" || !errors.Is(err, payment.ErrCancelled) {
				t.Fatalf("err = %v, want 5001 with response 1001", err)
			}
			if j := sim.Journal(false); len(j) != 0 {
				t.Fatalf("aborted purchase in the journal: %+v", j)
			}
			// the link is usable afterwards: a card is presented for the next purchase
			go func() { <-sim.WaitingForCard(); sim.PresentCard() }()
			if p, err := term.Purchase(testCtx(t), payment.Request{TransactionID: "a2", Amount: 100}); err != nil || !p.Approved {
				t.Fatalf("purchase after abort = %+v, %v", p, err)
			}
		})
	}
}

// TestUnconfirmedPurchaseCancelled: a purchase without CON is cancelled by the simulator
// and left out of the totals.
func TestUnconfirmedPurchaseCancelled(t *testing.T) {
	for _, lk := range linkKinds {
		t.Run(lk.name, func(t *testing.T) {
			sim := bposlightsim.New(bposlightsim.Config{})
			t.Cleanup(func() { sim.Close() })
			cl := bposlight.New(lk.open(t, sim), bposlight.Config{})
			ctx := testCtx(t)
			if _, err := cl.Purchase(ctx, bposlight.PurchaseRequest{Amount: 500}); err != nil {
				t.Fatal(err)
			}
			p, err := cl.StartPurchase(ctx, bposlight.PurchaseRequest{Amount: 4000})
			if err != nil || p.RC != 0 || p.Invoice != 2 {
				t.Fatalf("StartPurchase = %+v, %v", p, err)
			}
			if !sim.Stats().Pending {
				t.Fatal("the purchase does not wait for CON")
			}
			sim.ExpirePending() // the bank's confirm time runs out
			if _, err := cl.Confirm(ctx, p); err == nil {
				t.Fatal("confirm after the auto-cancel succeeded")
			}
			z, err := cl.Settle(ctx, bposlight.Merchant{})
			if err != nil {
				t.Fatal(err)
			}
			if z.Totals.DebitCount != 1 || z.Totals.DebitAmount != 500 || z.Totals.TxnCount != 1 {
				t.Fatalf("totals %+v include the unconfirmed purchase", z.Totals)
			}
			j := sim.Journal(true)
			if len(j) != 2 || j[1].State != bposlightsim.StateAutoCancelled || sim.Stats().AutoCancelled != 1 {
				t.Fatalf("journal %+v", j)
			}
		})
	}
}

// TestUnconfirmedByNextRequest: a new request while a purchase waits for CON cancels it
// (the simulator's model of the confirm timeout).
func TestUnconfirmedByNextRequest(t *testing.T) {
	sim := bposlightsim.New(bposlightsim.Config{})
	defer sim.Close()
	cl := bposlight.New(linkKinds[2].open(t, sim), bposlight.Config{})
	ctx := testCtx(t)
	if _, err := cl.StartPurchase(ctx, bposlight.PurchaseRequest{Amount: 4000}); err != nil {
		t.Fatal(err)
	}
	z, err := cl.Settle(ctx, bposlight.Merchant{MID: "BANK"})
	if err != nil || z.Totals.DebitCount != 0 || z.Totals.TxnCount != 0 {
		t.Fatalf("settle = %+v, %v", z, err)
	}
}

func TestIdentify(t *testing.T) {
	sim := bposlightsim.New(bposlightsim.Config{})
	defer sim.Close()
	got, err := bposlight.Identify(testCtx(t), linkKinds[2].open(t, sim))
	if err != nil || got != "B-POS Light terminal: 1 acquirer (MID BANK, TID 12123123)" {
		t.Fatalf("Identify = %q, %v", got, err)
	}
	if r := sim.Stats().Requests; len(r) != 1 || r[0] != "ACQ" {
		t.Fatalf("Identify sent %v", r)
	}
}
