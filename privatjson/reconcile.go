package privatjson

import (
	"context"
	"errors"
	"time"

	"github.com/uapos/uapos/journal"
	"github.com/uapos/uapos/payment"
)

// RefSent is the key under which the adapter notes, in the journal entry of a running
// money-moving operation, the time (UTC, RFC 3339) its request went out.
const RefSent = "sent"

// reconcile resolves an operation whose reply was lost (see the package doc, "Reconciling a
// lost reply"). getLastResult must say the terminal is done; then the last receipt
// (GetReceiptInfo "") is the operation's only when its type and amount match and its time is
// within the window of the time the request was sent. The protocol gives a request no
// reference of its own, so the evidence is this likeness (Evidence.Reference ""), and the
// ledger takes the receipt only when no other journal entry holds it.
func (t *Terminal) reconcile(ctx context.Context, e journal.Entry) (*journal.Evidence, error) {
	c := t.Client()
	if r, err := c.LastResult(ctx); err == nil && r == "2" {
		return nil, &payment.Error{Code: payment.CodePreviousOperation, DeviceText: "getLastResult 2"}
	}
	tx, err := c.GetReceiptInfo(ctx, "")
	if err != nil {
		var re *ResponseError
		if errors.As(err, &re) {
			// The terminal has no last receipt: nothing was done.
			return nil, &payment.Error{Code: payment.CodeOperationNotFound, ResponseCode: re.ResponseCode, DeviceText: re.Description}
		}
		return nil, t.mapError(e.Operation, err)
	}
	res := ToResult(e.Operation, tx)
	res.TransactionID = e.TransactionID
	if t.alike(e, tx) {
		return &journal.Evidence{Result: res}, nil
	}
	return t.notThis(ctx, e, tx, res)
}

// alike reports whether the last receipt tx can be e's: its type, its amount and, unless the
// window is off, its time.
func (t *Terminal) alike(e journal.Entry, tx *Transaction) bool {
	if !typeMatches(e.Operation, tx.TxnType) {
		return false
	}
	switch e.Operation {
	case payment.OpCancel:
		// The void's amount is the original's, which the request does not carry.
	case payment.OpPurchaseCashback:
		if tx.Amount != e.Request.Amount+e.Request.CashAmount {
			return false
		}
	default:
		if tx.Amount != e.Request.Amount && !(tx.Partial() && tx.Amount < e.Request.Amount) {
			return false
		}
	}
	w := t.Window()
	if w == 0 {
		return true
	}
	ts, ok := receiptTime(tx)
	return ok && !ts.Before(sentAt(e).Add(-w)) && !ts.After(time.Now().Add(w))
}

// notThis answers a last receipt that is not e's. The operation did not happen when that
// receipt is older than e's request, or is held by an entry settled before e's intent was
// written: the terminal has made no receipt since. Otherwise the receipt may have been made
// after e's request (by another register, or by hand), hiding e's: the entry is left unknown
// for the bank (code 7002).
func (t *Terminal) notThis(ctx context.Context, e journal.Entry, tx *Transaction, res *payment.Result) (*journal.Evidence, error) {
	notFound := &payment.Error{Code: payment.CodeOperationNotFound, DeviceText: "the last receipt is not this operation's and was made before it"}
	if w := t.Window(); w > 0 {
		if ts, ok := receiptTime(tx); ok && ts.Before(sentAt(e).Add(-w)) {
			return nil, notFound
		}
	}
	j := t.Journal()
	for _, k := range journal.ReceiptKeys(t.Key(), res) {
		holder, ok, err := j.Claimant(ctx, k)
		if err != nil {
			return nil, &payment.Error{Code: payment.CodeJournal, Err: err}
		}
		if !ok || holder == e.TransactionID {
			continue
		}
		other, found, err := j.Get(ctx, holder)
		if err != nil {
			return nil, &payment.Error{Code: payment.CodeJournal, Err: err}
		}
		if found && other.Updated.Before(e.Started) {
			return nil, notFound
		}
	}
	t.Note(ctx, e.TransactionID, journal.RefAskBank, "the terminal's last receipt (invoice "+tx.InvoiceNumber+
		") is not this operation's, and no earlier entry of the journal holds it: it may hide this operation's")
	return nil, nil
}

// sentAt is when e's request went out: the [RefSent] note, else the intent's time.
func sentAt(e journal.Entry) time.Time {
	if ts, err := time.Parse(time.RFC3339, e.Refs[RefSent]); err == nil {
		return ts
	}
	return e.Started
}

// receiptTime is the terminal's time of a receipt (its date and time fields, local time).
func receiptTime(tx *Transaction) (time.Time, bool) {
	ts, err := time.ParseInLocation("02.01.2006 15:04:05", tx.Date+" "+tx.Time, time.Local)
	return ts, err == nil
}

func typeMatches(op payment.Operation, tt TxnType) bool {
	switch op {
	case payment.OpRefund, payment.OpInstalmentRefund:
		return tt == TxnRefund || tt == TxnUndefined
	case payment.OpCancel:
		return tt == TxnVoid
	case payment.OpInstalment:
		return tt == TxnInstalment || tt == TxnPurchase || tt == TxnUndefined
	}
	return tt == TxnPurchase || tt == TxnUndefined
}
