package bpos1

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/uapos/uapos/journal"
	"github.com/uapos/uapos/payment"
)

// oschadHost maps ISO 8583 host codes onto DM's Oschadbank bank answers 5016-5021
// (device-manager.md "Bank answers (Oschadbank)"). DM names the texts, not the host codes:
// pairing them with the codes of bpos1.md §2.2 (13 invalid amount, 14 invalid card number,
// 51 insufficient funds, 55 wrong PIN, 61 exceeds limit, 96 system malfunction) is our
// inference. Every other host code gives 5015 (declined). 5025 (incorrect RRN) is given
// before the wire when a refund's RRN is not 12 digits.
var oschadHost = map[uint32]int{13: 5016, 14: 5017, 51: 5018, 55: 5019, 61: 5020, 96: 5021}

// mapErr converts a Client error into a *payment.Error with DM's code.
func (t *Terminal) mapErr(err error) error {
	if err == nil {
		return nil
	}
	var pe *payment.Error
	if errors.As(err, &pe) {
		return err
	}
	var re *ResultError
	var ce *CallError
	var cf *ConfirmError
	var pr *ProtocolError
	var we *WireError
	switch {
	case errors.As(err, &cf):
		return &payment.Error{Code: payment.CodeInternal, Kind: payment.ErrLink, DeviceText: "confirm failed",
			Err: errors.Join(err, payment.ErrOutcomeUnknown)}
	case errors.As(err, &we):
		// The native wire's link failed once the request may have reached the terminal: the
		// vendor library's "error connecting with terminal" (LastErrorCode 3), outcome unknown.
		kind := payment.ErrLink
		if we.Violation() {
			kind = payment.ErrProtocol
		}
		return &payment.Error{Code: 5012, Kind: kind, DeviceText: we.Stage + ": " + we.Err.Error(),
			Err: errors.Join(err, payment.ErrOutcomeUnknown)}
	case errors.As(err, &re):
		return t.resultErr(re, err)
	case errors.As(err, &ce):
		return t.callErr(ce, err)
	case errors.As(err, &pr):
		return &payment.Error{Code: payment.CodeUnprocessed, Args: []string{pr.Msg}, Err: err}
	case errors.Is(err, ErrStillRunning):
		return &payment.Error{Code: payment.CodeInternal, Kind: payment.ErrTimeout, Err: errors.Join(err, payment.ErrOutcomeUnknown)}
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return &payment.Error{Code: payment.CodeUserCancelled, Kind: payment.ErrCancelled, Err: err}
	case errors.Is(err, ErrNotSupported):
		return &payment.Error{Code: payment.CodeNotSupportedTask, Args: []string{string(t.Capabilities().Bank), string(t.Capabilities().Protocol), "this backend"}, Err: err}
	}
	return &payment.Error{Code: payment.CodeInternal, Kind: payment.ErrLink, Err: err}
}

func (t *Terminal) resultErr(re *ResultError, err error) error {
	e := &payment.Error{DeviceText: re.Description, Receipt: payment.RedactPANs(re.Receipt), Err: err}
	switch re.ErrorCode {
	case ErrCodeOpenPort:
		e.Code = 5010
	case ErrCodePortNotOpened:
		e.Code = 5011
	case ErrCodeConnect:
		e.Code = 5012
	case ErrCodeTerminal:
		e.ResponseCode = strconv.Itoa(int(re.ResponseCode))
		switch rc := re.ResponseCode; {
		case payment.TerminalCode(int(rc)) != 0:
			e.Code = payment.TerminalCode(int(rc))
		case rc < 1000:
			e.Code = payment.CodeBankDecline
			if t.Capabilities().Bank == payment.BankOschad {
				if c, ok := oschadHost[rc]; ok {
					e.Code = c
				}
			}
		default:
			e.Code = payment.CodeUnprocessed
			e.Args = []string{e.ResponseCode}
		}
	default:
		e.Code = payment.CodeTerminal
		e.Kind = payment.ErrDevice
		if e.DeviceText == "" {
			e.DeviceText = re.ErrorCode.String()
		}
	}
	return e
}

func (t *Terminal) callErr(ce *CallError, err error) error {
	e := &payment.Error{DeviceText: ce.Code.String(), Err: err}
	switch ce.Code {
	case ECRCBusy:
		e.Code = payment.CodePreviousOperation
	case ECRCFailedToOpenPort, ECRCFailedToEnumPorts:
		e.Code = 5010
	case ECRCNotOpened, ECRCNotInited:
		e.Code = 5011
	case ECRCFailedToConnect:
		e.Code = 5012
	case ECRCDisconnected, ECRCConnection, ECRCSendMessage, ECRCMessageCorrupted, ECRCCheckTerminalTimout:
		e.Code = payment.CodeTerminalLink
	case ECRCRecvTimeout:
		e.Code = payment.CodeLinkTimeout
		e.Args = []string{"6000"}
	case ECRCNoData:
		e.Code = payment.CodeNotSupportedTask
		e.Args = []string{string(t.Capabilities().Bank), string(t.Capabilities().Protocol), ce.Op + " on this backend"}
	default:
		e.Code = payment.CodeTerminal
	}
	return e
}

// refSent is the journal note with the time (RFC 3339) an entry's request went on the wire,
// as other adapters write it; reconciliation compares the terminal's transaction time to it,
// or to the entry's Started (written just before the wire) when there is none.
const refSent = "sent"

// reconcile resolves a journal entry whose outcome is unknown from the terminal's own
// journal (the vendor library's GetTxnDataByInv / GetTxnNum + GetTxnDataByOrder).
//
//   - Void: the original invoice, which the request carried, is looked up: TrnStatus 4
//     (canceled) means the void happened. Evidence by reference ("invoice").
//   - Other operations: the request carries no reference the terminal keeps, so the newest
//     journal record is taken by likeness only: the same type, the same amount, and a time
//     within the reconcile window of when the request was sent (the entry's "sent" note,
//     else its Started). A record older than that window is an earlier sale, so the lost
//     request never ran. A record with no time (the flat C API has no DateTime getter,
//     bpos1.md Addendum A.1) cannot be told from an earlier sale of the same amount: the
//     entry stays unknown, noted "ask the bank", unless the window is disabled (negative).
//     The ledger still refuses a receipt another entry holds.
//
// A record that was reversed (never confirmed) or canceled moved no money: not found.
func (t *Terminal) reconcile(ctx context.Context, e journal.Entry) (*journal.Evidence, error) {
	notFound := func(why string) error {
		return &payment.Error{Code: payment.CodeOperationNotFound, Kind: payment.ErrNotFound, DeviceText: why}
	}
	if e.Operation == payment.OpCancel {
		m, _ := merchant(e.Request.Merchant, 1)
		inv, err := strconv.ParseUint(e.Request.Invoice, 10, 32)
		if err != nil {
			return nil, notFound("invoice " + strconv.Quote(e.Request.Invoice) + " is not a number")
		}
		x, err := t.c().TxnByInvoice(ctx, uint32(inv), m)
		if err != nil {
			var re *ResultError
			if errors.As(err, &re) && re.Declined() {
				return nil, notFound("the terminal has no invoice " + e.Request.Invoice)
			}
			return nil, t.mapErr(err)
		}
		if x.TrnStatus == TrnCanceled {
			return &journal.Evidence{Result: toResult(payment.OpCancel, x), Reference: "invoice"}, nil
		}
		return nil, notFound("invoice " + e.Request.Invoice + " is " + x.TrnStatus.String())
	}
	x, err := t.c().LastTxn(ctx)
	if errors.Is(err, ErrNoTransaction) {
		return nil, notFound("the terminal's journal is empty")
	}
	if err != nil {
		return nil, t.mapErr(err)
	}
	want := map[payment.Operation]TxnType{payment.OpPurchase: TxnPurchase, payment.OpRefund: TxnRefund, payment.OpPurchaseCashback: TxnCashAdvance}[e.Operation]
	amount := e.Request.Amount - e.Request.Discount
	if e.Operation == payment.OpPurchaseCashback {
		amount = e.Request.CashAmount
	}
	if x.TxnType != want || payment.Amount(x.Amount) != amount {
		return nil, notFound("the terminal's last transaction is another operation (" + x.TxnType.String() + ")")
	}
	if x.TrnStatus != TrnApproved && x.TrnStatus != TrnDeclined {
		return nil, notFound("the terminal's last transaction is " + x.TrnStatus.String())
	}
	if w := t.Window(); w > 0 {
		at, ok := txnTime(x)
		if !ok {
			t.Note(ctx, e.TransactionID, journal.RefAskBank, "the terminal's last transaction matches type and amount but carries no time "+
				"(the flat C library has no DateTime): it cannot be told from an earlier sale of the same amount")
			return nil, nil
		}
		sent := sentAt(e)
		switch {
		case at.Before(sent.Add(-w)):
			return nil, notFound("the terminal's last transaction (" + at.Format(time.DateTime) + ") is older than the request (" +
				sent.Format(time.DateTime) + ") by more than the reconcile window")
		case at.After(time.Now().Add(w)):
			t.Note(ctx, e.TransactionID, journal.RefAskBank, "the terminal's last transaction is dated "+at.Format(time.DateTime)+
				", in the future beyond the reconcile window: the terminal's clock cannot be trusted")
			return nil, nil
		}
	}
	r := toResult(e.Operation, x)
	r.Approved = x.TrnStatus == TrnApproved
	return &journal.Evidence{Result: r}, nil
}

// reconcileWire is the reconcile of the native wire, which has no journal query (bpos1.md
// §B.3 lists none): the entry stays unknown, noted "ask the bank", and later operations
// are not held up by it.
func (t *Terminal) reconcileWire(ctx context.Context, e journal.Entry) (*journal.Evidence, error) {
	t.Note(ctx, e.TransactionID, journal.RefAskBank, "the BPOS1 native wire has no journal query: the terminal cannot be asked what became of it")
	return nil, nil
}

// txnTime returns the transaction's DateTime ("YYMMDDhhmmss", the terminal's local time).
func txnTime(x *Txn) (time.Time, bool) {
	at, err := time.ParseInLocation("060102150405", x.DateTime, time.Local)
	return at, err == nil
}

// sentAt is when the entry's request went on the wire: its refSent note, else Started.
func sentAt(e journal.Entry) time.Time {
	if s, ok := e.Refs[refSent]; ok {
		if at, err := time.Parse(time.RFC3339, s); err == nil {
			return at
		}
	}
	return e.Started
}
