package posapi_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/uapos/uapos/internal/aborttest"
	"github.com/uapos/uapos/posapi"
	"github.com/uapos/uapos/posapi/capi"
	"github.com/uapos/uapos/simulators/posapisim"
)

// sendSpy is the simulated library with every pos_send recorded: what the library (and so
// the terminal) was asked to do.
type sendSpy struct {
	*posapisim.Library
	mu   sync.Mutex
	sent []int
}

func (s *sendSpy) Send(h capi.Handle, action int) bool {
	s.mu.Lock()
	s.sent = append(s.sent, action)
	s.mu.Unlock()
	return s.Library.Send(h, action)
}

// take returns the actions sent since the last take.
func (s *sendSpy) take() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.sent
	s.sent = nil
	return out
}

// TestDeadlineAbortPurchase: a payment whose card wait is ended by a context deadline
// (context.WithTimeout, 1 µs to a few ms; the simulated cardholder never presents the card)
// sends ACTION_BREAK every time ACTION_PAYMENT reached the library, and ends with the
// terminal's RESP_BREAK. The client runs with its default Config (a 1 s pos_receive poll),
// so a deadline that the receive wait did not honour would make the 200 runs take minutes.
// A payment never sent is never broken.
func TestDeadlineAbortPurchase(t *testing.T) {
	hold := make(chan struct{}) // never closed: no card
	spy := &sendSpy{Library: posapisim.New(posapisim.Config{HoldCard: hold})}
	c, err := posapi.New(spy, posapi.Config{})
	if err != nil {
		t.Fatal(err)
	}
	payment, _ := c.Resolve(capi.ActionPayment)
	brk, _ := c.Resolve(capi.ActionBreak)
	aborttest.Run(t, 200, func(ctx context.Context, n int) bool {
		_, err := c.Do(ctx, payCall("100"))
		sent := spy.take()
		switch {
		case len(sent) == 0 && !errors.Is(err, context.DeadlineExceeded):
			t.Fatalf("run %d: err = %v with nothing sent", n, err)
		case len(sent) == 0:
			return false // the deadline ended the call before pos_send: nothing to break
		case sent[0] != payment || len(sent) != 2 || sent[1] != brk:
			t.Fatalf("run %d: sent %#x, want ACTION_PAYMENT then ACTION_BREAK (err %v)", n, sent, err)
		}
		var be *posapi.BreakError
		if !errors.As(err, &be) || !be.Requested || !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("run %d: err = %v, want the requested RESP_BREAK with the deadline", n, err)
		}
		return true
	})
	if n := spy.OpenSessions(); n != 0 {
		t.Fatalf("%d sessions left open", n)
	}
}
