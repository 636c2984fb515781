package transport

import (
	"context"
	"sync"
	"testing"
	"time"
)

// After release returns, the deadline is clear and stays clear: an interruption racing the
// release (ctx ending just as the I/O finished) never lands after it, where it would fail
// the next, unrelated write.
func TestInterruptOnDoneNeverLandsAfterRelease(t *testing.T) {
	for i := range 2000 {
		var mu sync.Mutex
		var calls []time.Time
		set := func(d time.Time) error {
			mu.Lock()
			calls = append(calls, d)
			mu.Unlock()
			return nil
		}
		ctx, cancel := context.WithCancel(context.Background())
		release := InterruptOnDone(ctx, set)
		go cancel()
		release()
		mu.Lock()
		n, last := len(calls), calls[len(calls)-1]
		mu.Unlock()
		if !last.IsZero() {
			t.Fatalf("run %d: deadline left at %v after release", i, last)
		}
		cancel()
		// Nothing may run after release: a late interruption would append here.
		release2 := InterruptOnDone(context.Background(), func(time.Time) error { return nil })
		release2()
		mu.Lock()
		if len(calls) != n {
			t.Fatalf("run %d: the deadline was set after release: %v", i, calls[n:])
		}
		mu.Unlock()
	}
}

func TestInterruptOnDoneInterrupts(t *testing.T) {
	got := make(chan time.Time, 2)
	ctx, cancel := context.WithCancel(context.Background())
	release := InterruptOnDone(ctx, func(d time.Time) error { got <- d; return nil })
	cancel()
	if d := <-got; !d.Before(time.Now()) || d.IsZero() {
		t.Fatalf("interruption set %v, want a time in the past", d)
	}
	release()
	if d := <-got; !d.IsZero() {
		t.Fatalf("release set %v, want the zero time", d)
	}
}
