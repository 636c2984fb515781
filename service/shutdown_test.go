package service

import (
	"context"
	"testing"

	"github.com/uapos/uapos/journal"
)

func TestShutdownWaitsForTheExchange(t *testing.T) {
	e := newEnv(t)
	hold := make(chan struct{})
	e.bank.hold = hold
	got := make(chan reply, 1)
	go func() {
		got <- e.do("POST", "/v1/terminals/priv/purchase", map[string]any{"transaction_id": "s-1", "amount": "9.00"})
	}()
	<-e.bank.started
	done := make(chan error, 1)
	go func() { done <- e.svc.Shutdown(context.Background()) }()
	select {
	case err := <-done:
		t.Fatalf("Shutdown returned (%v) while a card payment ran", err)
	default:
	}
	close(hold)
	(<-got).Want(t, 200)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	// Once stopped, no new exchange starts.
	e.do("POST", "/v1/terminals/priv/purchase", map[string]any{"transaction_id": "s-2", "amount": "9.00"}).Want(t, 409, 1105)
}

func TestShutdownAbortsAtTheDeadline(t *testing.T) {
	e := newEnv(t)
	e.bank.hold = make(chan struct{})
	j := e.do("POST", "/v1/terminals/priv/jobs", map[string]any{"operation": "purchase", "transaction_id": "s-3", "amount": "9.00"}).Want(t, 202)
	<-e.bank.started
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := e.svc.Shutdown(ctx); err == nil {
		t.Fatal("Shutdown past its deadline reported nothing")
	}
	if p, _, _, aborts := e.bank.counts(); p != 0 || aborts != 1 {
		t.Fatalf("purchases %d aborts %d, want 0 and 1", p, aborts)
	}
	ent, ok, err := e.jr.Get(context.Background(), "s-3")
	if err != nil || !ok || ent.State != journal.StateFailed {
		t.Fatalf("journal: %+v %v %v", ent, ok, err)
	}
	if g := e.do("GET", "/v1/jobs/"+j.Str("id"), nil).Want(t, 200); g.Str("error.kind") != "cancelled" {
		t.Fatalf("job: %s", g.Raw)
	}
}
