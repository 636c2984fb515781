package posapi_test

import (
	"context"
	"sync"
	"testing"

	"github.com/uapos/uapos/journal"
	"github.com/uapos/uapos/payment"
	"github.com/uapos/uapos/posapi"
	"github.com/uapos/uapos/posapi/capi"
	"github.com/uapos/uapos/simulators/posapisim"
)

// crashed is the panic value of the simulated application crash.
type crashed struct{}

// crashAfterIdentifier wraps a library: the call after the one that delivered
// RESP_IDENTIFIER "kills the process" (panics), and every later call does nothing, as when
// the application died with the session open.
type crashAfterIdentifier struct {
	capi.Library
	mu   sync.Mutex
	seen bool
	dead bool
}

func (c *crashAfterIdentifier) check() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.seen {
		c.dead = true
		panic(crashed{})
	}
}

func (c *crashAfterIdentifier) isDead() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.dead
}

func (c *crashAfterIdentifier) Receive(h capi.Handle, ms int) int {
	c.check()
	r := c.Library.Receive(h, ms)
	if r == int(capi.RespIdentifier) {
		c.mu.Lock()
		c.seen = true
		c.mu.Unlock()
	}
	return r
}

func (c *crashAfterIdentifier) Send(h capi.Handle, a int) bool {
	c.check()
	return c.Library.Send(h, a)
}

func (c *crashAfterIdentifier) Close(h capi.Handle) bool {
	if c.isDead() {
		return false // the process is gone: nobody closes the session
	}
	return c.Library.Close(h)
}

// TestRecoveryAfterCrash: the app crashes right after RESP_IDENTIFIER; the terminal finishes
// the payment on its own; a new client with the same (file) journal resolves the outcome by
// ACTION_STATUS and never charges twice.
func TestRecoveryAfterCrash(t *testing.T) {
	sim := posapisim.New(posapisim.Config{})
	req := payment.Request{TransactionID: "order-42", Amount: 4200}
	ctx := context.Background()

	j1 := journal.NewMemory()
	crash := &crashAfterIdentifier{Library: sim}
	term1 := newTerm(t, crash, j1)
	func() {
		defer func() {
			if _, ok := recover().(crashed); !ok {
				t.Fatal("the app did not crash")
			}
		}()
		term1.Purchase(context.Background(), req)
	}()
	e, _, _ := j1.Get(ctx, "order-42")
	if e.State != journal.StateIntent || e.Refs[posapi.RefTransID] == "" {
		t.Fatalf("journal before the crash: state %s refs %v", e.State, e.Refs)
	}

	// A new process: the same journal entries (the old handle closed), a new client and
	// terminal.
	j2 := j1.Reopen()
	defer j2.Close()
	term2 := newTerm(t, sim, j2)
	res, err := term2.Purchase(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Approved || res.Amount != 4200 || res.RRN == "" {
		t.Fatalf("recovered result %+v", res)
	}
	if n := sim.Charges(); n != 1 {
		t.Fatalf("charged %d times", n)
	}
	e, _, _ = j2.Get(ctx, "order-42")
	if e.State != journal.StateApproved {
		t.Fatalf("journal state %s", e.State)
	}
	// The last transaction comes from the journal plus ACTION_STATUS.
	last, err := term2.LastTransaction(context.Background())
	if err != nil || last.TransactionID != "order-42" || last.RRN != res.RRN {
		t.Fatalf("last transaction %+v, %v", last, err)
	}
}

// TestRecoveryDeclined: the crash happens and the host declines: ACTION_STATUS does not find
// the operation, the entry is marked failed and a retry runs the payment anew.
func TestRecoveryDeclined(t *testing.T) {
	for _, oldTerminal := range []bool{false, true} {
		sim := posapisim.New(posapisim.Config{Decline: 1, StatusNotFoundBreak: oldTerminal})
		j := journal.NewMemory()
		crash := &crashAfterIdentifier{Library: sim}
		func() {
			defer func() { recover() }()
			newTerm(t, crash, j).Purchase(context.Background(), payment.Request{TransactionID: "x", Amount: 100})
		}()
		j = j.Reopen() // the new process: the crashed one's intent is an unknown outcome
		term := newTerm(t, sim, j)
		_, err := term.Purchase(context.Background(), payment.Request{TransactionID: "x", Amount: 100})
		if pe := perr(t, err); pe.Code != 5024 {
			t.Fatalf("old=%v: retry after a declined crash: %v", oldTerminal, err)
		}
		if sim.Charges() != 0 {
			t.Fatal("charged")
		}
		if e, _, _ := j.Get(context.Background(), "x"); e.State != journal.StateDeclined || sim.Opens() != 3 {
			// opens: the crashed payment, ACTION_STATUS, the new payment
			t.Fatalf("old=%v: state %s after %d sessions", oldTerminal, e.State, sim.Opens())
		}
	}
}
