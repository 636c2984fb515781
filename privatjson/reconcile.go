package privatjson

import (
	"context"
	"errors"
	"time"

	"github.com/uapos/uapos/journal"
	"github.com/uapos/uapos/payment"
)

// reconcile resolves an operation whose reply was lost: getLastResult must say the terminal
// is done, then the last receipt (GetReceiptInfo "") is that operation's only when its type
// and amount match and its time is near the time the request was sent (privatjson.md §6:
// the last receipt is whoever made it).
func (t *Terminal) reconcile(ctx context.Context, e journal.Entry) (*payment.Result, error) {
	if r, err := t.c.LastResult(ctx); err == nil && r == "2" {
		return nil, &payment.Error{Code: payment.CodePreviousOperation, DeviceText: "getLastResult 2"}
	}
	tx, err := t.c.GetReceiptInfo(ctx, "")
	if err != nil {
		var re *ResponseError
		if errors.As(err, &re) {
			// The terminal has no last receipt: nothing was done.
			return nil, &payment.Error{Code: payment.CodeOperationNotFound, ResponseCode: re.ResponseCode, DeviceText: re.Description}
		}
		return nil, t.mapError(e.Operation, err)
	}
	notFound := &payment.Error{Code: payment.CodeOperationNotFound, DeviceText: "the last receipt is not this operation's"}
	if !typeMatches(e.Operation, tx.TxnType, tx) {
		return nil, notFound
	}
	switch e.Operation {
	case payment.OpCancel:
		// The void's amount is the original's, which the request does not carry.
	case payment.OpPurchaseCashback:
		if tx.Amount != e.Request.Amount+e.Request.CashAmount {
			return nil, notFound
		}
	default:
		if tx.Amount != e.Request.Amount && !(tx.Partial() && tx.Amount < e.Request.Amount) {
			return nil, notFound
		}
	}
	if t.window > 0 {
		sent := e.Started
		if s, ok := e.Refs["sent"]; ok {
			if ts, err := time.Parse(time.RFC3339, s); err == nil {
				sent = ts
			}
		}
		ts, err := time.ParseInLocation("02.01.2006 15:04:05", tx.Date+" "+tx.Time, time.Local)
		if err != nil || ts.Before(sent.Add(-t.window)) || ts.After(time.Now().Add(t.window)) {
			return nil, notFound
		}
	}
	res := ToResult(e.Operation, tx)
	res.TransactionID = e.TransactionID
	return res, nil
}

func typeMatches(op payment.Operation, tt TxnType, tx *Transaction) bool {
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
