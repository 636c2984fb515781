package payment

import (
	"context"
	"errors"
	"sync"
)

// ErrNoTransactionID is returned when a money-moving call has no Request.TransactionID.
var ErrNoTransactionID = errors.New("payment: a money-moving operation needs a transaction id")

// ErrOutcomeUnknown is wrapped (with kind [ErrLink] or [ErrTimeout]) when the outcome of an
// operation could not be learned: the request may have reached the terminal. Retrying with
// the same transaction id is safe: it reconciles first.
var ErrOutcomeUnknown = errors.New("payment: outcome unknown; retry with the same transaction id to reconcile")

// ErrAskBank is wrapped with [ErrOutcomeUnknown] when the terminal cannot prove what became of
// an operation (its evidence is not enough, or the receipt it shows belongs to another
// operation): only the bank can settle it, by RRN or by the card statement.
var ErrAskBank = errors.New("payment: the terminal cannot prove the outcome; ask the bank")

// Gate lets one operation at a time through to a device. The zero Gate is open.
type Gate struct {
	once sync.Once
	ch   chan struct{}
}

// Enter takes the gate. With wait false a busy gate returns a 1105 [*Error] (kind [ErrBusy])
// at once; with wait true it waits until the gate is free or ctx ends. Call the returned
// function to leave.
func (g *Gate) Enter(ctx context.Context, wait bool) (leave func(), err error) {
	g.once.Do(func() { g.ch = make(chan struct{}, 1) })
	if !wait {
		select {
		case g.ch <- struct{}{}:
		default:
			return nil, &Error{Code: CodeBusy}
		}
	} else {
		select {
		case g.ch <- struct{}{}:
		case <-ctx.Done():
			return nil, &Error{Code: CodeBusy, Err: ctx.Err()}
		}
	}
	var once sync.Once
	return func() { once.Do(func() { <-g.ch }) }, nil
}
