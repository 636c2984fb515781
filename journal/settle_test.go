package journal

import (
	"errors"
	"strings"
	"testing"

	"github.com/uapos/uapos/payment"
)

// TestSettle: a person settles unknown outcomes by hand, after asking the bank; the notes
// say who and why; entries with an outcome, running exchanges, claimed RRNs and settlements
// without who or why are refused, writing nothing.
func TestSettle(t *testing.T) {
	for _, k := range []kit{memoryKit(t), sqliteKit(t)} {
		t.Run(k.name, func(t *testing.T) {
			j, _ := k.open(t)
			f := j.(forger)
			lost := func(id string, amount payment.Amount) {
				must(t, j.Begin(bg, purchase(id, "t", amount)))
				must(t, j.Finish(bg, id, Outcome{State: StateUnknown, Err: errors.New("eof")}))
			}
			lost("paid", 1234)
			lost("unpaid", 500)
			must(t, f.beginOwned(bg, purchase("crashed", "t", 700), deadOwner))
			must(t, j.Begin(bg, purchase("running", "t", 800))) // this live handle's exchange
			must(t, j.Begin(bg, purchase("done", "t", 900)))
			must(t, j.Finish(bg, "done", Outcome{State: StateApproved, Result: approved("111", 900), Claims: []string{"t|1|rrn|111"}}))

			for _, bad := range []Settlement{
				{Approved: true, Why: "bank said so"},
				{Approved: true, By: "Olena"},
				{Approved: false, RRN: "222", By: "Olena", Why: "bank"},
				{Approved: true, RRN: "22 2", By: "Olena", Why: "bank"},
				{Approved: true, By: strings.Repeat("x", 101), Why: "bank"},
			} {
				if _, err := Settle(bg, j, "paid", bad); !errors.Is(err, ErrSettlement) {
					t.Fatalf("%+v: %v, want ErrSettlement", bad, err)
				}
			}
			if _, err := Settle(bg, j, "paid", Settlement{Approved: true, RRN: "111", By: "Olena", Why: "bank"}); !errors.Is(err, ErrClaimed) {
				t.Fatalf("an RRN another entry holds: %v", err)
			}
			for _, id := range []string{"done", "running"} {
				if _, err := Settle(bg, j, id, Settlement{Approved: true, By: "Olena", Why: "bank"}); !errors.Is(err, ErrNotPending) {
					t.Fatalf("%s: %v, want ErrNotPending", id, err)
				}
			}
			if _, err := Settle(bg, j, "nope", Settlement{Approved: true, By: "Olena", Why: "bank"}); !errors.Is(err, ErrNoEntry) {
				t.Fatalf("no entry: %v", err)
			}
			if e := mustGet(t, j, "paid"); e.State != StateUnknown || e.Refs[RefSettledBy] != "" {
				t.Fatalf("refused settlements wrote: %+v", e)
			}

			e, err := Settle(bg, j, "paid", Settlement{Approved: true, RRN: "987654321012", By: " Olena (support) ",
				Why: "the bank's call centre saw 12.34 on card 4731 2345 6789 9838 at 12:01"})
			must(t, err)
			if e.State != StateApproved || e.Result == nil || !e.Result.Approved || e.Result.Amount != 1234 || e.Result.RRN != "987654321012" {
				t.Fatalf("settled approved: %+v", e)
			}
			if e.Refs[RefSettledBy] != "Olena (support)" || strings.Contains(e.Refs[RefSettledWhy], "4731 2345 6789 9838") {
				t.Fatalf("notes: %v", e.Refs)
			}
			if holder, ok, _ := j.Claimant(bg, ReceiptKeys("t", e.Result)[0]); !ok || holder != "paid" {
				t.Fatalf("the RRN is not claimed: %q %v", holder, ok)
			}
			if _, err := Settle(bg, j, "paid", Settlement{Approved: false, By: "Olena", Why: "again"}); !errors.Is(err, ErrNotPending) {
				t.Fatalf("settled twice: %v", err)
			}

			e, err = Settle(bg, j, "unpaid", Settlement{By: "Olena", Why: "not on the statement"})
			must(t, err)
			if e.State != StateFailed || e.Err() == nil || !errors.Is(e.Err(), payment.ErrNotFound) {
				t.Fatalf("settled failed: %+v (%v)", e, e.Err())
			}
			// A failed entry is taken over by a retry of the same request.
			must(t, j.Begin(bg, purchase("unpaid", "t", 500)))

			// The intent of a crashed process is unknown, and settles.
			e, err = Settle(bg, j, "crashed", Settlement{Approved: true, By: "Olena", Why: "bank"})
			must(t, err)
			if e.State != StateApproved || len(e.Claims) != 0 {
				t.Fatalf("crashed: %+v", e)
			}
		})
	}
}
