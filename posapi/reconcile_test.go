package posapi_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/uapos/uapos/journal"
	"github.com/uapos/uapos/payment"
	"github.com/uapos/uapos/posapi"
	"github.com/uapos/uapos/posapi/capi"
	"github.com/uapos/uapos/simulators/posapisim"
)

// The faults of linkFault, each once.
const (
	cutBeforeIdentifier = "link cut before RESP_IDENTIFIER"
	cutAfterIdentifier  = "link cut after RESP_IDENTIFIER"
	crashAtIdentifier   = "application stopped as RESP_IDENTIFIER arrived"
	callAtIdentifier    = "call a function as RESP_IDENTIFIER arrives"
)

// linkFault wraps a library: once armed, the link to the terminal breaks (pos_receive gives
// RESP_ERROR) before or after RESP_IDENTIFIER, or the application dies (panics) in the
// pos_receive that brings RESP_IDENTIFIER, so the library has it and the application never
// sees it; the dead application closes nothing.
type linkFault struct {
	capi.Library
	mu    sync.Mutex
	fault string
	seen  bool
	dead  bool
	call  func() // for callAtIdentifier
}

func (l *linkFault) arm(fault string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.fault, l.seen = fault, false
}

func (l *linkFault) Receive(h capi.Handle, ms int) int {
	l.mu.Lock()
	fault, seen := l.fault, l.seen
	if fault == cutBeforeIdentifier || fault == cutAfterIdentifier && seen {
		l.fault = ""
		l.mu.Unlock()
		return int(capi.RespError)
	}
	l.mu.Unlock()
	r := l.Library.Receive(h, ms)
	if r == int(capi.RespIdentifier) {
		l.mu.Lock()
		defer l.mu.Unlock()
		switch l.fault {
		case cutAfterIdentifier:
			l.seen = true
		case crashAtIdentifier:
			l.fault, l.dead = "", true
			panic(crashed{})
		case callAtIdentifier:
			l.fault = ""
			l.call()
		}
	}
	return r
}

func (l *linkFault) Close(h capi.Handle) bool {
	l.mu.Lock()
	dead := l.dead
	l.mu.Unlock()
	if dead {
		return false
	}
	return l.Library.Close(h)
}

// Two payments of the same amount; the second one's outcome is lost at each point of its
// session. A retry never returns the first payment's RRN, never charges the second twice,
// and what the terminal cannot prove is reported as "ask the bank".
func TestRepeatedAmountLostReply(t *testing.T) {
	for _, tc := range []struct {
		fault   string
		charges int // after the retry of B
	}{
		{cutBeforeIdentifier, 2}, // B never went to the host: the retry runs it
		{cutAfterIdentifier, 2},  // B went to the host: ACTION_STATUS by its POS_TRANS_ID finds it
		{crashAtIdentifier, 1},   // B runs on after the crash; nothing tells: ask the bank
	} {
		t.Run(tc.fault, func(t *testing.T) {
			ctx := context.Background()
			sim := posapisim.New(posapisim.Config{})
			lib := &linkFault{Library: sim}
			j := journal.NewMemory()
			term := newTerm(t, lib, j)
			a, err := term.Purchase(ctx, payment.Request{TransactionID: "A", Amount: 5000})
			if err != nil || !a.Approved || a.RRN == "" {
				t.Fatalf("payment A: %+v %v", a, err)
			}
			lib.arm(tc.fault)
			b := payment.Request{TransactionID: "B", Amount: 5000}
			func() {
				defer func() {
					if r := recover(); r != nil && tc.fault != crashAtIdentifier {
						panic(r)
					}
				}()
				if _, err := term.Purchase(ctx, b); !errors.Is(err, payment.ErrOutcomeUnknown) {
					t.Fatalf("payment B: %v", err)
				}
			}()
			if tc.fault == crashAtIdentifier {
				j = j.Reopen() // a new process on the same journal
				term = newTerm(t, sim, j)
			}
			res, err := term.Purchase(ctx, b)
			if sim.Charges() != tc.charges {
				t.Fatalf("charges %d after the retry of B, want %d", sim.Charges(), tc.charges)
			}
			if tc.fault == crashAtIdentifier {
				if payment.ErrorCode(err) != payment.CodeAskBank || !errors.Is(err, payment.ErrAskBank) || res != nil {
					t.Fatalf("retry of B: %+v %v", res, err)
				}
				// The terminal finished B on its own (the next session shows it); the next
				// payment is charged once more, and only once.
				c, err := term.Purchase(ctx, payment.Request{TransactionID: "C", Amount: 5000})
				if err != nil || !c.Approved || c.RRN == a.RRN || sim.Charges() != 3 {
					t.Fatalf("payment C: %+v %v, charges %d", c, err, sim.Charges())
				}
				return
			}
			if err != nil || !res.Approved || res.Amount != 5000 {
				t.Fatalf("retry of B: %+v %v", res, err)
			}
			if res.RRN == a.RRN {
				t.Fatalf("the retry of B returned payment A's RRN %s", a.RRN)
			}
			e, _, _ := j.Get(ctx, "B")
			if e.State != journal.StateApproved || e.Result.RRN != res.RRN {
				t.Fatalf("journal of B: %s %+v", e.State, e.Result)
			}
			if tc.fault == cutAfterIdentifier && e.Refs[posapi.RefTransID] == "" {
				t.Fatalf("no POS_TRANS_ID in the journal: %v", e.Refs)
			}
		})
	}
}

// A retry of a failed attempt does not inherit that attempt's POS_TRANS_ID: when the retry's
// own session is lost before its RESP_IDENTIFIER is seen, the old id (of an operation the
// terminal broke off) must not prove that the retry did not happen.
func TestRetryDoesNotInheritTransID(t *testing.T) {
	sim := posapisim.New(posapisim.Config{})
	lib := &linkFault{Library: sim}
	j := journal.NewMemory()
	term := newTerm(t, lib, j)
	req := payment.Request{TransactionID: "R", Amount: 700}
	// Attempt 1: the cashier gives up as the card is read; the terminal breaks off.
	ctx, cancel := context.WithCancel(context.Background())
	lib.call = cancel
	lib.arm(callAtIdentifier)
	if _, err := term.Purchase(ctx, req); payment.ErrorCode(err) != 5023 {
		t.Fatalf("attempt 1: %v", err)
	}
	e, _, _ := j.Get(context.Background(), "R")
	if e.State != journal.StateFailed || e.Refs[posapi.RefTransID] == "" {
		t.Fatalf("journal after attempt 1: %s %v", e.State, e.Refs)
	}
	// Attempt 2 dies as its own RESP_IDENTIFIER arrives; the terminal finishes it.
	lib.arm(crashAtIdentifier)
	func() {
		defer func() {
			if _, ok := recover().(crashed); !ok {
				t.Fatal("the app did not crash")
			}
		}()
		term.Purchase(context.Background(), req)
	}()
	j = j.Reopen()
	_, err := newTerm(t, sim, j).Purchase(context.Background(), req)
	if !errors.Is(err, payment.ErrAskBank) || sim.Charges() != 0 {
		t.Fatalf("retry: %v, charges %d", err, sim.Charges())
	}
}
