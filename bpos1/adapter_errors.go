package bpos1

import (
	"context"
	"errors"
	"strconv"

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
	switch {
	case errors.As(err, &cf):
		return &payment.Error{Code: payment.CodeInternal, Kind: payment.ErrLink, DeviceText: "confirm failed",
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
		return &payment.Error{Code: payment.CodeNotSupportedTask, Args: []string{string(t.caps.Bank), string(t.caps.Protocol), "this backend"}, Err: err}
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
			if t.caps.Bank == payment.BankOschad {
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
		e.Args = []string{string(t.caps.Bank), string(t.caps.Protocol), ce.Op + " on this backend"}
	default:
		e.Code = payment.CodeTerminal
	}
	return e
}

// reconcile resolves a journal entry whose outcome is unknown from the terminal's own
// journal. Void: the original invoice's TrnStatus (4 canceled = the void happened). Other
// operations: the newest journal record; the operation happened when it has the same type
// and amount (one operation at a time, and unknown outcomes are resolved before any new
// exchange, so the newest record is ours if the terminal recorded it). A record that was
// reversed (never confirmed) or declined moved no money.
func (t *Terminal) reconcile(ctx context.Context, e journal.Entry) (*payment.Result, error) {
	notFound := &payment.Error{Code: payment.CodeOperationNotFound, Kind: payment.ErrNotFound}
	if e.Operation == payment.OpCancel {
		m, _ := merchant(e.Request.Merchant, 1)
		inv, err := strconv.ParseUint(e.Request.Invoice, 10, 32)
		if err != nil {
			return nil, notFound
		}
		x, err := t.c.TxnByInvoice(ctx, uint32(inv), m)
		if err != nil {
			if errors.Is(err, ErrNotSupported) {
				return nil, t.mapErr(err)
			}
			var re *ResultError
			if errors.As(err, &re) && re.Declined() {
				return nil, notFound
			}
			return nil, t.mapErr(err)
		}
		if x.TrnStatus == TrnCanceled {
			r := toResult(payment.OpCancel, x)
			return r, nil
		}
		return nil, notFound
	}
	x, err := t.c.LastTxn(ctx)
	if errors.Is(err, ErrNoTransaction) {
		return nil, notFound
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
		return nil, notFound
	}
	switch x.TrnStatus {
	case TrnApproved:
		return toResult(e.Operation, x), nil
	case TrnDeclined:
		r := toResult(e.Operation, x)
		r.Approved = false
		return r, nil
	}
	return nil, notFound
}
