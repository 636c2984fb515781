package harness

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/uapos/uapos/payment"
)

var (
	seedFlag = flag.Uint64("harness.seed", 0, "seed of the lost-reply soak; 0 picks one from the clock")
	soakN    = flag.Int("harness.n", 0, "purchases per simulator in the lost-reply soak; 0 means 10000 (300 with -short)")
)

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// debugLogger returns a Debug-level text logger writing into a fresh buffer.
func debugLogger() (*slog.Logger, *syncBuffer) {
	buf := &syncBuffer{}
	return slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug})), buf
}

// opCtx returns a context without a deadline (so that the protocols' own Config timeouts
// apply) that a guard cancels after a long time, in case a cell hangs.
func opCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	guard := time.AfterFunc(60*time.Second, cancel)
	t.Cleanup(func() { guard.Stop(); cancel() })
	return ctx
}

// do runs op on term.
func do(ctx context.Context, term payment.Terminal, op payment.Operation, req payment.Request) (*payment.Result, error) {
	switch op {
	case payment.OpPurchase:
		return term.Purchase(ctx, req)
	case payment.OpRefund:
		return term.Refund(ctx, req)
	case payment.OpCancel:
		return term.Cancel(ctx, req)
	case payment.OpCloseBatch:
		return term.CloseBatch(ctx, req)
	}
	return nil, fmt.Errorf("harness: operation %v not driven", op)
}

// opName is the subtest name of an operation.
func opName(op payment.Operation) string {
	switch op {
	case payment.OpPurchase:
		return "purchase"
	case payment.OpRefund:
		return "refund"
	case payment.OpCancel:
		return "cancel"
	case payment.OpCloseBatch:
		return "close-batch"
	}
	return op.String()
}

// kindOf names the payment error kind of err, for messages.
func kindOf(err error) string {
	for _, k := range []error{payment.ErrDeclined, payment.ErrCancelled, payment.ErrBusy, payment.ErrTimeout,
		payment.ErrLink, payment.ErrNotSupported, payment.ErrProtocol, payment.ErrDevice, payment.ErrNotFound} {
		if errors.Is(err, k) {
			return k.Error()
		}
	}
	return "none"
}
