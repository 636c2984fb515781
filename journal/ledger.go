package journal

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/uapos/uapos/payment"
)

// Evidence is what a [ReconcileFunc] found on the terminal for an entry whose outcome is
// unknown.
type Evidence struct {
	// Result is the terminal's record of the operation.
	Result *payment.Result
	// Reference names the reference the request carried that the terminal matched (for
	// example POSAPI's POS_TRANS_ID): the strongest evidence. Empty means the result is the
	// terminal's last transaction, matched by likeness (type, amount, time window): it is
	// accepted only while no other entry holds the receipt.
	Reference string
}

// ReconcileFunc asks the terminal, through the protocol's own status or last-transaction query,
// what became of an entry whose outcome is unknown. It returns the evidence when the operation
// happened (approved or declined), an error wrapping [payment.ErrNotFound] when it certainly
// did not happen, (nil, nil) when the protocol cannot tell, and any other error when the
// terminal could not be asked.
type ReconcileFunc func(ctx context.Context, e Entry) (*Evidence, error)

// Ledger runs the money-moving exchanges of one terminal under a [Journal], so that a lost
// reply never loses or doubles a payment:
//
//   - the intent is durable before the request goes on the wire, the outcome after;
//   - a call with a transaction id that already has an outcome returns that outcome, with no
//     wire exchange; the same id with another request is refused with code 7001;
//   - an id whose exchange is running in another process gets 1105 busy, never a second run;
//   - before any new exchange, entries of this terminal whose outcome is unknown are reconciled
//     with Reconcile; a receipt found that way is taken only if no other entry holds it.
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
			l.Journal = NewMemory()
		}
	})
	return l.Journal
}

// Note attaches a reference to a running entry; errors are dropped (a note is evidence, not
// an outcome).
func (l *Ledger) Note(ctx context.Context, id, key, value string) {
	_ = l.journal().Note(ctx, id, key, value)
}

func journalErr(err error) error { return &payment.Error{Code: payment.CodeJournal, Err: err} }

// Run executes exchange for a money-moving op under the journal, as the type doc says.
// exchange must return a [*payment.Error] for every failure it understands; plain I/O and
// context errors are taken to leave the outcome unknown.
func (l *Ledger) Run(ctx context.Context, op payment.Operation, req payment.Request, exchange func(ctx context.Context) (*payment.Result, error)) (*payment.Result, error) {
	if req.TransactionID == "" {
		return nil, payment.ErrNoTransactionID
	}
	j := l.journal()
	if err := l.Resolve(ctx); err != nil {
		return nil, err
	}
	e := Entry{TransactionID: req.TransactionID, Terminal: l.Terminal, Operation: op, Request: req,
		Fingerprint: Fingerprint(l.Terminal, op, req)}
	if err := j.Begin(ctx, e); err != nil {
		if !errors.Is(err, ErrDuplicateTransaction) {
			return nil, journalErr(err)
		}
		return l.recorded(ctx, e)
	}
	res, xerr := exchange(ctx)
	state := Classify(res, xerr)
	if res != nil && res.TransactionID == "" {
		res.TransactionID = req.TransactionID
	}
	o := Outcome{State: state, Result: res, Err: xerr}
	if state.Final() {
		o.Claims = ReceiptKeys(l.Terminal, res)
	}
	// The outcome must be recorded even if it cannot run under its own identity: the terminal's
	// direct answer is the truth about this request.
	ferr := j.Finish(context.WithoutCancel(ctx), req.TransactionID, o)
	if errors.Is(ferr, ErrClaimed) {
		l.Note(context.WithoutCancel(ctx), req.TransactionID, "claim_conflict", ferr.Error())
		o.Claims = nil
		ferr = j.Finish(context.WithoutCancel(ctx), req.TransactionID, o)
	}
	if ferr != nil {
		// The money may have moved; the caller must know the journal did not record it.
		return res, errors.Join(xerr, journalErr(ferr))
	}
	if state == StateUnknown {
		return res, unknownOutcome(xerr)
	}
	return res, xerr
}

// recorded answers a call whose transaction id is already in the journal.
func (l *Ledger) recorded(ctx context.Context, want Entry) (*payment.Result, error) {
	prev, found, err := l.journal().Get(ctx, want.TransactionID)
	if err != nil {
		return nil, journalErr(err)
	}
	if !found {
		// Pruned between Begin and Get: too old to be the same sale.
		return nil, idReused(want.TransactionID, "the id was used before")
	}
	if prev.Terminal != want.Terminal || prev.Operation != want.Operation || prev.Fingerprint != want.Fingerprint {
		return nil, idReused(want.TransactionID, fmt.Sprintf("it was %s on %s", prev.Operation, prev.Terminal))
	}
	switch prev.State {
	case StateApproved:
		return prev.Result, nil
	case StateDeclined:
		return prev.Result, prev.Err()
	case StateUnknown:
		if prev.Refs[RefAskBank] != "" {
			return nil, AskBank(want.TransactionID, prev.Refs[RefAskBank])
		}
		return nil, &payment.Error{Code: payment.CodeInternal, Kind: payment.ErrLink,
			DeviceText: "outcome of " + want.TransactionID + " still unknown", Err: payment.ErrOutcomeUnknown}
	}
	// An intent of a live handle: the exchange runs elsewhere (another process or caller).
	// A failed entry is taken over by Begin, so one seen here was taken over by someone else.
	return nil, &payment.Error{Code: payment.CodeBusy, DeviceText: "transaction " + want.TransactionID + " is running elsewhere"}
}

func idReused(id, why string) error {
	return &payment.Error{Code: payment.CodeIDReused, Args: []string{fmt.Sprintf("%q", id)}, DeviceText: why}
}

// AskBank returns the error of an entry whose outcome the terminal cannot prove: code 7002,
// matching [payment.ErrOutcomeUnknown] and [payment.ErrAskBank].
func AskBank(id, why string) error {
	return &payment.Error{Code: payment.CodeAskBank, Kind: payment.ErrLink, DeviceText: why,
		Err: errors.Join(payment.ErrOutcomeUnknown, payment.ErrAskBank)}
}

// RefAskBank is the note a reconciliation leaves on an entry it cannot settle: why the
// evidence was not enough. Such an entry stays unknown and is not asked about again.
const RefAskBank = "ask_bank"

func unknownOutcome(err error) error {
	var pe *payment.Error
	if errors.As(err, &pe) {
		if errors.Is(err, payment.ErrOutcomeUnknown) {
			return err
		}
		c := *pe
		c.Err = errors.Join(pe.Err, payment.ErrOutcomeUnknown)
		return &c
	}
	kind := payment.ErrLink
	if errors.Is(err, context.DeadlineExceeded) {
		kind = payment.ErrTimeout
	}
	return &payment.Error{Code: payment.CodeInternal, Kind: kind, Err: errors.Join(err, payment.ErrOutcomeUnknown)}
}

// Classify returns the journal state an exchange's result and error leave: approved or
// declined with a result; declined, failed or unknown by the error's kind. Link, timeout and
// protocol errors, and errors that are not [*payment.Error], leave the outcome unknown.
func Classify(res *payment.Result, err error) State {
	if err == nil {
		if res != nil && !res.Approved {
			return StateDeclined
		}
		return StateApproved
	}
	var pe *payment.Error
	if !errors.As(err, &pe) {
		return StateUnknown
	}
	switch {
	case errors.Is(err, payment.ErrOutcomeUnknown):
		return StateUnknown
	case errors.Is(err, payment.ErrDeclined):
		return StateDeclined
	case errors.Is(err, payment.ErrLink), errors.Is(err, payment.ErrTimeout), errors.Is(err, payment.ErrProtocol):
		return StateUnknown
	default: // busy, cancelled, not supported, not found, device fault
		return StateFailed
	}
}

// Resolve reconciles every entry of this terminal whose outcome is unknown. It stops at the
// first entry the terminal cannot be asked about (a link or timeout error) and returns that
// error: a new operation would overwrite the terminal's "last transaction" and destroy the
// evidence. An entry whose evidence is not enough is noted [RefAskBank] and left unknown.
// With no Reconcile it does nothing.
func (l *Ledger) Resolve(ctx context.Context) error {
	if l.Reconcile == nil {
		return nil
	}
	j := l.journal()
	pending, err := j.Pending(ctx)
	if err != nil {
		return journalErr(err)
	}
	for _, e := range pending {
		if e.Terminal != l.Terminal || e.Refs[RefAskBank] != "" {
			continue
		}
		ev, err := l.Reconcile(ctx, e)
		switch {
		case err == nil && ev != nil && ev.Result != nil:
			if err := l.settle(ctx, e, ev); err != nil {
				return err
			}
		case errors.Is(err, payment.ErrNotFound):
			if ferr := j.Finish(ctx, e.TransactionID, Outcome{State: StateFailed, Err: err}); ferr != nil {
				return journalErr(ferr)
			}
		case err != nil:
			return err
		}
	}
	return nil
}

// settle records what reconciliation found for e, under the rule that a receipt belongs to one
// entry only.
func (l *Ledger) settle(ctx context.Context, e Entry, ev *Evidence) error {
	j := l.journal()
	res := *ev.Result
	res.TransactionID = e.TransactionID
	state := StateApproved
	if !res.Approved {
		state = StateDeclined
	}
	keys := ReceiptKeys(l.Terminal, &res)
	if ev.Reference == "" && len(keys) == 0 {
		// A last transaction with no identity cannot be told apart from another sale's.
		l.Note(ctx, e.TransactionID, RefAskBank, "the terminal's last receipt has no RRN or invoice to tell whose it is")
		return nil
	}
	err := j.Finish(ctx, e.TransactionID, Outcome{State: state, Result: &res, Claims: keys})
	if err == nil {
		return nil
	}
	if !errors.Is(err, ErrClaimed) {
		return journalErr(err)
	}
	// The receipt is another entry's. If it is the terminal's last transaction, identified by
	// its RRN, and that other entry was settled before this one's intent was written, then the
	// terminal did nothing after it: this request never ran (or left no receipt).
	for _, k := range keys {
		holder, ok, cerr := j.Claimant(ctx, k)
		if cerr != nil {
			return journalErr(cerr)
		}
		if !ok || holder == e.TransactionID {
			continue
		}
		other, found, gerr := j.Get(ctx, holder)
		if gerr != nil {
			return journalErr(gerr)
		}
		if ev.Reference == "" && strongKey(k) && found && other.Updated.Before(e.Started) {
			nf := &payment.Error{Code: payment.CodeOperationNotFound,
				DeviceText: "the terminal's last receipt (RRN " + res.RRN + ") is " + holder + "'s, settled before this request"}
			if ferr := j.Finish(ctx, e.TransactionID, Outcome{State: StateFailed, Err: nf}); ferr != nil {
				return journalErr(ferr)
			}
			return nil
		}
		l.Note(ctx, e.TransactionID, RefAskBank, "the receipt the terminal shows belongs to "+holder)
		return nil
	}
	return journalErr(err)
}
