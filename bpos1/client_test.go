package bpos1_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/uapos/uapos/bpos1"
	"github.com/uapos/uapos/journal"
	"github.com/uapos/uapos/payment"
	"github.com/uapos/uapos/simulators/bpos1sim"
)

var _ bpos1.Lib = (*bpos1sim.Library)(nil)

func newSim(t *testing.T, cfg bpos1sim.Config, open bool) (*bpos1sim.Library, *bpos1.Client) {
	t.Helper()
	lib := bpos1sim.NewLibrary(cfg)
	if !open {
		c, err := bpos1.New(lib, bpos1.Config{PollInterval: -1})
		if err != nil {
			t.Fatal(err)
		}
		return lib, c
	}
	return newSimOn(t, lib)
}

// newSimOn returns an opened Client over the library simulator lib.
func newSimOn(t *testing.T, lib *bpos1sim.Library) (*bpos1sim.Library, *bpos1.Client) {
	t.Helper()
	c, err := bpos1.New(lib, bpos1.Config{PollInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.OpenSerial(t.Context(), "/dev/ttyACM0", 115200); err != nil {
		t.Fatal(err)
	}
	return lib, c
}

func TestNotOpened(t *testing.T) {
	_, c := newSim(t, bpos1sim.Config{}, false)
	term, _ := bpos1.NewTerminal(c, bpos1.TerminalConfig{})
	_, err := term.Purchase(t.Context(), payment.Request{TransactionID: "x", Amount: 100})
	wantCode(t, err, 5011, payment.ErrLink)
}

func TestNewTerminalRow(t *testing.T) {
	_, c := newSim(t, bpos1sim.Config{}, true)
	if _, err := bpos1.NewTerminal(c, bpos1.TerminalConfig{Bank: payment.BankPrivat}); err == nil {
		t.Fatal("PrivatBank has no BPOS1 row")
	}
	for _, b := range []payment.Bank{payment.BankOschad, payment.BankUkrsib, payment.BankVostok, payment.BankABank, payment.BankPivdennyi, payment.BankSense} {
		term, err := bpos1.NewTerminal(c, bpos1.TerminalConfig{Bank: b})
		if err != nil {
			t.Fatal(err)
		}
		if term.Capabilities().Bank != b {
			t.Fatalf("row %v", term.Capabilities())
		}
	}
	// Sense Bank (BPOS1) has no task 17: refused before the wire
	term, _ := bpos1.NewTerminal(c, bpos1.TerminalConfig{Bank: payment.BankSense})
	_, err := term.GetTransaction(t.Context(), payment.Request{})
	wantCode(t, err, 5029, payment.ErrNotSupported)
}

func TestBusy(t *testing.T) {
	_, c := newSim(t, bpos1sim.Config{Hang: true}, true)
	term, _ := bpos1.NewTerminal(c, bpos1.TerminalConfig{})
	ctx, cancel := context.WithCancel(t.Context())
	events := make(chan payment.Event, 16)
	done := make(chan error, 1)
	go func() {
		_, err := term.Purchase(ctx, payment.Request{TransactionID: "a", Amount: 100, Events: events})
		done <- err
	}()
	<-events // running
	_, err := term.Purchase(t.Context(), payment.Request{TransactionID: "b", Amount: 100})
	wantCode(t, err, payment.CodeBusy, payment.ErrBusy)
	// the Client refuses a second operation too
	var ce *bpos1.CallError
	if _, err := c.Purchase(t.Context(), 100, 0, 1); !errors.As(err, &ce) || ce.Code != bpos1.ECRCBusy {
		t.Fatalf("client: %v", err)
	}
	cancel()
	wantCode(t, <-done, 5001, payment.ErrCancelled)
}

// flakyConfirm loses one Confirm on the way to the terminal.
type flakyConfirm struct {
	*bpos1sim.Library
	lose bool
}

func (f *flakyConfirm) Confirm() int {
	if f.lose {
		f.lose = false
		return int(bpos1.ECRCSendMessage)
	}
	return f.Library.Confirm()
}

// TestReconcileUnconfirmed: a purchase whose Confirm was lost has an unknown outcome; the
// terminal reverses it at the next command, and the journal query before the next
// operation settles it as not done, so a retry with the same id charges once.
func TestReconcileUnconfirmed(t *testing.T) {
	lib := &flakyConfirm{Library: bpos1sim.NewLibrary(bpos1sim.Config{}), lose: true}
	c, _ := bpos1.New(lib, bpos1.Config{PollInterval: -1})
	if err := c.OpenTCP(t.Context(), "127.0.0.1", "2000"); err != nil {
		t.Fatal(err)
	}
	j := journal.NewMemory()
	term, _ := bpos1.NewTerminal(c, bpos1.TerminalConfig{Journal: j})
	_, err := term.Purchase(t.Context(), payment.Request{TransactionID: "t1", Amount: 100})
	if !errors.Is(err, payment.ErrOutcomeUnknown) {
		t.Fatalf("lost confirm: %v, want unknown outcome", err)
	}
	res, err := term.Purchase(t.Context(), payment.Request{TransactionID: "t1", Amount: 100})
	if err != nil || !res.Approved {
		t.Fatalf("retry: %+v %v", res, err)
	}
	recs := lib.Journal()
	if len(recs) != 2 || recs[0].TrnStatus != 3 || recs[1].TrnStatus != 1 || lib.Reversed() != 1 {
		t.Fatalf("terminal journal %+v", recs)
	}
	e, _, _ := j.Get(t.Context(), "t1")
	if e.State != journal.StateApproved {
		t.Fatalf("journal state %s", e.State)
	}
}

// TestReconcileHappened: the approved and confirmed purchase whose answer was lost (the
// process died during the exchange) is found in the terminal's journal and not charged
// again.
func TestReconcileHappened(t *testing.T) {
	lib := bpos1sim.NewLibrary(bpos1sim.Config{Now: time.Now})
	c, _ := bpos1.New(lib, bpos1.Config{PollInterval: -1})
	if err := c.OpenTCP(t.Context(), "127.0.0.1", "2000"); err != nil {
		t.Fatal(err)
	}
	// the intent was written and the exchange ran on the terminal, then the process died
	j := crashed(t, journal.NewMemory(), "lost", 700, func() {
		if _, err := c.Purchase(t.Context(), 700, 0, 1); err != nil {
			t.Fatal(err)
		}
	})
	term, _ := bpos1.NewTerminal(c, bpos1.TerminalConfig{Journal: j})
	res, err := term.Purchase(t.Context(), payment.Request{TransactionID: "lost", Amount: 700})
	if err != nil || !res.Approved || res.Amount != 700 {
		t.Fatalf("%+v %v", res, err)
	}
	if lib.Calls("Purchase") != 1 {
		t.Fatalf("charged %d times", lib.Calls("Purchase"))
	}
}

// badLib answers a LastResult the vendor API does not have.
type badLib struct{ *bpos1sim.Library }

func (badLib) LastResult() uint8 { return 9 }

func TestProtocolError(t *testing.T) {
	c, _ := bpos1.New(badLib{bpos1sim.NewLibrary(bpos1sim.Config{})}, bpos1.Config{PollInterval: -1})
	var pe *bpos1.ProtocolError
	if err := c.Ping(t.Context()); !errors.As(err, &pe) {
		t.Fatalf("%v", err)
	}
}

func TestEnumStrings(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{bpos1.TxnPurchaseWithCashback.String(), "purchase with cashback"},
		{bpos1.StatusFingerMatchVerify.String(), "waiting for finger-match verification"},
		{bpos1.StatusCode(19).String(), "StatusCode(19)"},
		{bpos1.ECRCCheckTerminalTimout.String(), "check terminal timeout"},
		{bpos1.TrnReversed.String(), "reversed"},
		{bpos1.EntryManual.String(), "manual"},
		{bpos1.ErrCodeTerminal.String(), "terminal returned an error"},
		{bpos1.LangUkrainian.String(), "ukrainian"},
	} {
		if c.got != c.want {
			t.Errorf("%q, want %q", c.got, c.want)
		}
	}
}

// clock is a settable simulator clock.
type clock struct{ at atomic.Pointer[time.Time] }

func (c *clock) set(t time.Time) { c.at.Store(&t) }
func (c *clock) now() time.Time  { return *c.at.Load() }

// crashed journals the intent of a purchase, runs what reached the terminal before the
// crash (nil: nothing did) and reopens the journal as a restarted process: the entry comes
// back with an unknown outcome.
func crashed(t *testing.T, j *journal.Memory, id string, amount payment.Amount, ran func()) *journal.Memory {
	t.Helper()
	if err := j.Begin(t.Context(), journal.Entry{TransactionID: id, Terminal: "bpos1:bpos1", Operation: payment.OpPurchase,
		Request: payment.Request{TransactionID: id, Amount: amount}}); err != nil {
		t.Fatal(err)
	}
	if ran != nil {
		ran()
	}
	return j.Reopen()
}

// TestReconcileRepeatedAmount: sale A of 50.00 is approved, then the request of sale B of
// 50.00 is lost before the terminal ran it. The terminal's last transaction (A) has B's
// type and amount, but it is not B's: B must never get A's RRN, and its retry charges once.
func TestReconcileRepeatedAmount(t *testing.T) {
	t.Run("A made outside this journal an hour before", func(t *testing.T) {
		// Another application (or the terminal's own menu) sold A; only its time tells it
		// from B. The old reconcile, type and amount only, gave B A's receipt.
		var clk clock
		clk.set(time.Now().Add(-time.Hour))
		lib := bpos1sim.NewLibrary(bpos1sim.Config{Now: clk.now})
		_, c := newSimOn(t, lib)
		a, err := c.Purchase(t.Context(), 5000, 0, 1)
		if err != nil {
			t.Fatal(err)
		}
		clk.set(time.Now())
		j := crashed(t, journal.NewMemory(), "B", 5000, nil)
		term, _ := bpos1.NewTerminal(c, bpos1.TerminalConfig{Journal: j})
		b, err := term.Purchase(t.Context(), payment.Request{TransactionID: "B", Amount: 5000})
		if err != nil || !b.Approved {
			t.Fatalf("retry of B: %+v %v", b, err)
		}
		if b.RRN == a.RRN || lib.Calls("Purchase") != 2 {
			t.Fatalf("B got RRN %s (A's is %s); %d purchases on the terminal, want 2", b.RRN, a.RRN, lib.Calls("Purchase"))
		}
		e, _, _ := j.Get(t.Context(), "B")
		if e.State != journal.StateApproved || e.Result.RRN != b.RRN {
			t.Fatalf("journal entry %+v", e)
		}
	})
	t.Run("A in this journal a moment before", func(t *testing.T) {
		// A's receipt is within the window, but A's entry holds it: the ledger refuses it.
		lib := bpos1sim.NewLibrary(bpos1sim.Config{Now: time.Now})
		_, c := newSimOn(t, lib)
		j := journal.NewMemory()
		term, _ := bpos1.NewTerminal(c, bpos1.TerminalConfig{Journal: j})
		a, err := term.Purchase(t.Context(), payment.Request{TransactionID: "A", Amount: 5000})
		if err != nil {
			t.Fatal(err)
		}
		j = crashed(t, j, "B", 5000, nil)
		term, _ = bpos1.NewTerminal(c, bpos1.TerminalConfig{Journal: j})
		b, err := term.Purchase(t.Context(), payment.Request{TransactionID: "B", Amount: 5000})
		if err != nil || !b.Approved || b.RRN == a.RRN || lib.Calls("Purchase") != 2 {
			t.Fatalf("B %+v %v (A's RRN %s, %d purchases)", b, err, a.RRN, lib.Calls("Purchase"))
		}
	})
}

// noDateTime is the flat C library: it has no DateTime getter (bpos1.md Addendum A.1).
type noDateTime struct{ *bpos1sim.Library }

func (noDateTime) DateTime() string { return "" }

// TestReconcileNoTime: with no transaction time the terminal's last record cannot be told
// from an earlier sale of the same amount: the entry stays unknown, "ask the bank", and is
// not charged again; a negative window (time check off) takes it by type and amount.
func TestReconcileNoTime(t *testing.T) {
	for _, window := range []time.Duration{0, -1} {
		t.Run(fmt.Sprintf("window %v", window), func(t *testing.T) {
			lib := bpos1sim.NewLibrary(bpos1sim.Config{Now: time.Now})
			c, err := bpos1.New(noDateTime{lib}, bpos1.Config{PollInterval: -1})
			if err != nil {
				t.Fatal(err)
			}
			if err := c.OpenTCP(t.Context(), "127.0.0.1", "2000"); err != nil {
				t.Fatal(err)
			}
			j := crashed(t, journal.NewMemory(), "lost", 700, func() {
				if _, err := c.Purchase(t.Context(), 700, 0, 1); err != nil {
					t.Fatal(err)
				}
			})
			term, _ := bpos1.NewTerminal(c, bpos1.TerminalConfig{Journal: j, ReconcileWindow: window})
			res, err := term.Purchase(t.Context(), payment.Request{TransactionID: "lost", Amount: 700})
			if lib.Calls("Purchase") != 1 {
				t.Fatalf("charged %d times", lib.Calls("Purchase"))
			}
			if window < 0 {
				if err != nil || !res.Approved {
					t.Fatalf("%+v %v", res, err)
				}
				return
			}
			wantCode(t, err, payment.CodeAskBank, payment.ErrLink)
			e, _, _ := j.Get(t.Context(), "lost")
			if e.State != journal.StateUnknown || e.Refs[journal.RefAskBank] == "" {
				t.Fatalf("entry %+v", e)
			}
		})
	}
}
