package payment

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// ErrNoTransactionID is returned when a money-moving call has no Request.TransactionID.
var ErrNoTransactionID = errors.New("payment: a money-moving operation needs a transaction id")

// ErrOutcomeUnknown is wrapped (with kind [ErrLink] or [ErrTimeout]) when the outcome of an
// operation could not be learned: the request may have reached the terminal. Retrying with
// the same transaction id is safe: it reconciles first.
var ErrOutcomeUnknown = errors.New("payment: outcome unknown; retry with the same transaction id to reconcile")

// ReconcileFunc asks the terminal, through the protocol's own status or last-transaction query,
// what became of an entry whose outcome is unknown. It returns the result when the operation
// happened (approved or declined), an error wrapping [ErrNotFound] when it certainly did not
// happen, and any other error when it cannot tell.
type ReconcileFunc func(ctx context.Context, e Entry) (*Result, error)

// Ledger runs the money-moving exchanges of one terminal under a [Journal], so that a lost
// reply never loses or doubles a payment:
//
//   - the intent is durable before the request goes on the wire, the outcome after;
//   - a call with a transaction id that already has an outcome returns that outcome, with no
//     wire exchange;
//   - before any new exchange, entries of this terminal whose outcome is unknown are reconciled
//     with Reconcile.
//
// The zero Ledger keeps its journal in memory and cannot reconcile.
type Ledger struct {
	// Journal records the operations; nil means an in-memory journal.
	Journal Journal
	// Terminal is this terminal's key in the journal (for example "privatjson:tcp://127.0.0.1:2000").
	Terminal string
	// Reconcile resolves unknown outcomes; nil leaves them unknown.
	Reconcile ReconcileFunc

	once sync.Once
}

func (l *Ledger) journal() Journal {
	l.once.Do(func() {
		if l.Journal == nil {
			l.Journal = NewMemoryJournal()
		}
	})
	return l.Journal
}

// Run executes exchange for a money-moving op under the journal, as the type doc says.
// exchange must return an [*Error] for every failure it understands; plain I/O and context
// errors are taken to leave the outcome unknown.
func (l *Ledger) Run(ctx context.Context, op Operation, req Request, exchange func(ctx context.Context) (*Result, error)) (*Result, error) {
	if req.TransactionID == "" {
		return nil, ErrNoTransactionID
	}
	j := l.journal()
	if err := l.Resolve(ctx); err != nil {
		return nil, err
	}
	prev, found, err := j.Get(req.TransactionID)
	if err != nil {
		return nil, &Error{Code: CodeJournal, Err: err}
	}
	if found {
		if prev.Terminal != l.Terminal || prev.Operation != op {
			return nil, fmt.Errorf("%w: %q was %s on %s", ErrDuplicateTransaction, req.TransactionID, prev.Operation, prev.Terminal)
		}
		switch prev.State {
		case StateApproved:
			return prev.Result, nil
		case StateDeclined:
			return prev.Result, prev.Err()
		case StateUnknown, StateIntent:
			// Resolve could not tell: do not run it again.
			return nil, &Error{Code: CodeInternal, Kind: ErrLink, DeviceText: "outcome of " + req.TransactionID + " still unknown", Err: ErrOutcomeUnknown}
		}
		// StateFailed: it never happened; run it again under a fresh entry id is not possible
		// (ids are unique), so reuse the id by recording a new intent over it.
		if err := j.Finish(req.TransactionID, StateIntent, nil, nil); err != nil {
			return nil, &Error{Code: CodeJournal, Err: err}
		}
	} else {
		if err := j.Begin(Entry{TransactionID: req.TransactionID, Terminal: l.Terminal, Operation: op, Request: req}); err != nil {
			return nil, &Error{Code: CodeJournal, Err: err}
		}
	}
	res, xerr := exchange(ctx)
	state := Classify(res, xerr)
	if res != nil && res.TransactionID == "" {
		res.TransactionID = req.TransactionID
	}
	if err := j.Finish(req.TransactionID, state, res, xerr); err != nil {
		// The money may have moved; the caller must know the journal did not record it.
		return res, errors.Join(xerr, &Error{Code: CodeJournal, Err: err})
	}
	if state == StateUnknown {
		return res, unknownOutcome(xerr)
	}
	return res, xerr
}

func unknownOutcome(err error) error {
	var pe *Error
	if errors.As(err, &pe) {
		if errors.Is(err, ErrOutcomeUnknown) {
			return err
		}
		c := *pe
		c.Err = errors.Join(pe.Err, ErrOutcomeUnknown)
		return &c
	}
	kind := ErrLink
	if errors.Is(err, context.DeadlineExceeded) {
		kind = ErrTimeout
	}
	return &Error{Code: CodeInternal, Kind: kind, Err: errors.Join(err, ErrOutcomeUnknown)}
}

// Classify returns the journal state an exchange's result and error leave: approved or
// declined with a result; declined, failed or unknown by the error's kind. Link, timeout and
// protocol errors, and errors that are not [*Error], leave the outcome unknown.
func Classify(res *Result, err error) State {
	if err == nil {
		if res != nil && !res.Approved {
			return StateDeclined
		}
		return StateApproved
	}
	var pe *Error
	if !errors.As(err, &pe) {
		return StateUnknown
	}
	switch {
	case errors.Is(err, ErrOutcomeUnknown):
		return StateUnknown
	case errors.Is(err, ErrDeclined):
		return StateDeclined
	case errors.Is(err, ErrLink), errors.Is(err, ErrTimeout), errors.Is(err, ErrProtocol):
		return StateUnknown
	default: // busy, cancelled, not supported, not found, device fault
		return StateFailed
	}
}

// Resolve reconciles every entry of this terminal whose outcome is unknown. It stops at the
// first entry the terminal cannot account for because of a link or timeout error and returns
// that error: a new operation would overwrite the terminal's "last transaction" and destroy the
// evidence. With no Reconcile it does nothing.
func (l *Ledger) Resolve(ctx context.Context) error {
	if l.Reconcile == nil {
		return nil
	}
	j := l.journal()
	pending, err := j.Pending()
	if err != nil {
		return &Error{Code: CodeJournal, Err: err}
	}
	for _, e := range pending {
		if e.Terminal != l.Terminal {
			continue
		}
		res, err := l.Reconcile(ctx, e)
		switch {
		case err == nil && res != nil:
			state := StateApproved
			if !res.Approved {
				state = StateDeclined
			}
			if res.TransactionID == "" {
				res.TransactionID = e.TransactionID
			}
			if ferr := j.Finish(e.TransactionID, state, res, nil); ferr != nil {
				return &Error{Code: CodeJournal, Err: ferr}
			}
		case errors.Is(err, ErrNotFound):
			if ferr := j.Finish(e.TransactionID, StateFailed, nil, err); ferr != nil {
				return &Error{Code: CodeJournal, Err: ferr}
			}
		case err != nil:
			return err
		}
	}
	return nil
}

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
