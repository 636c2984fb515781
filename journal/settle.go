package journal

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/uapos/uapos/payment"
)

// Notes a manual settlement leaves on its entry.
const (
	// RefSettledBy names who settled the entry by hand.
	RefSettledBy = "settled_by"
	// RefSettledWhy says on what evidence (the bank's answer, the card statement).
	RefSettledWhy = "settled_why"
)

// Settlement is a person's decision on an entry whose outcome is unknown, taken after asking
// the bank (the one party that knows when the terminal cannot prove it).
type Settlement struct {
	// Approved says the bank saw the money move. False says it did not: the entry becomes
	// failed, and a retry with the same transaction id and request runs the operation anew.
	Approved bool
	// RRN is the bank's reference of an approved operation, when the bank gave one: the
	// entry claims that receipt, so that no other entry can take it.
	RRN string
	// By names who settled it and Why on what evidence; both are required and kept as notes
	// ([RefSettledBy], [RefSettledWhy]).
	By, Why string
}

// Errors of [Settle].
var (
	// ErrNotPending: the entry has an outcome, or its exchange is still running.
	ErrNotPending = errors.New("journal: only an entry whose outcome is unknown can be settled by hand")
	// ErrSettlement: the settlement lacks who or why, or a field is malformed.
	ErrSettlement = errors.New("journal: incomplete settlement")
)

// Bounds of a [Settlement]'s fields, in characters.
const (
	maxSettledBy  = 100
	maxSettledWhy = 500
	maxRRN        = 32
)

// Settle records a manual settlement of entry id, whose outcome is unknown (an unknown
// entry, or the intent of a process that is gone, which [Journal.Pending] turns unknown). It
// writes the notes first, then the outcome: approved, with a result of the requested amount
// and the bank's RRN, or failed (code 5027, "the bank did not see it"). It refuses an entry
// with an outcome or a running exchange ([ErrNotPending]), a settlement without who or why
// ([ErrSettlement]), and an RRN another entry holds ([ErrClaimed]), writing nothing. Card
// numbers in the texts are masked.
//
// The caller keeps the terminal's exchanges off meanwhile (uaposd holds the terminal's
// gate), so that a reconciliation does not settle the entry at the same time.
func Settle(ctx context.Context, j Journal, id string, s Settlement) (Entry, error) {
	s.By = payment.RedactPANs(strings.TrimSpace(s.By))
	s.Why = payment.RedactPANs(strings.TrimSpace(s.Why))
	s.RRN = strings.TrimSpace(s.RRN)
	switch {
	case s.By == "" || s.Why == "":
		return Entry{}, fmt.Errorf("%w: say who settles it and why", ErrSettlement)
	case utf8.RuneCountInString(s.By) > maxSettledBy || utf8.RuneCountInString(s.Why) > maxSettledWhy:
		return Entry{}, fmt.Errorf("%w: who is at most %d characters, why at most %d", ErrSettlement, maxSettledBy, maxSettledWhy)
	case s.RRN != "" && !s.Approved:
		return Entry{}, fmt.Errorf("%w: an RRN is given only for an operation the bank approved", ErrSettlement)
	case len(s.RRN) > maxRRN || strings.IndexFunc(s.RRN, func(r rune) bool { return !(r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z') }) >= 0:
		return Entry{}, fmt.Errorf("%w: an RRN is letters and digits, at most %d", ErrSettlement, maxRRN)
	}
	// Pending turns the intents of processes that are gone into unknown outcomes.
	if _, err := j.Pending(ctx); err != nil {
		return Entry{}, err
	}
	e, ok, err := j.Get(ctx, id)
	if err != nil {
		return Entry{}, err
	}
	if !ok {
		return Entry{}, fmt.Errorf("%w: %s", ErrNoEntry, id)
	}
	if e.State != StateUnknown {
		return e, fmt.Errorf("%w: %s is %s", ErrNotPending, id, e.State)
	}
	o := Outcome{State: StateFailed, Err: &payment.Error{Code: payment.CodeOperationNotFound, DeviceText: "settled by hand: the bank did not see the operation"}}
	if s.Approved {
		res := &payment.Result{Operation: e.Operation, TransactionID: id, Approved: true, Amount: e.Request.Amount,
			CashAmount: e.Request.CashAmount, RRN: s.RRN, ResponseText: "settled by hand: the bank saw the operation"}
		o = Outcome{State: StateApproved, Result: res, Claims: ReceiptKeys(e.Terminal, res)}
		for _, k := range o.Claims {
			holder, held, err := j.Claimant(ctx, k)
			if err != nil {
				return e, err
			}
			if held && holder != id {
				return e, fmt.Errorf("%w: %s holds RRN %s", ErrClaimed, holder, s.RRN)
			}
		}
	}
	if err := j.Note(ctx, id, RefSettledBy, s.By); err != nil {
		return e, err
	}
	if err := j.Note(ctx, id, RefSettledWhy, s.Why); err != nil {
		return e, err
	}
	if err := j.Finish(ctx, id, o); err != nil {
		return e, err
	}
	e, _, err = j.Get(ctx, id)
	return e, err
}
