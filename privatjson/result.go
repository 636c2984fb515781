package privatjson

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/uapos/uapos/payment"
)

// mapError turns a client error into a *payment.Error with DM's codes.
func (t *Terminal) mapError(op payment.Operation, err error) error {
	return t.mapErrorFor(op, op.String(), err)
}

// mapErrorFor is mapError with the name of what was asked (a task or a service) for 5029.
func (t *Terminal) mapErrorFor(op payment.Operation, what string, err error) error {
	var re *ResponseError
	var pe *ProtocolError
	var le *LinkError
	switch {
	case errors.As(err, &re):
		code := re.Code()
		e := &payment.Error{ResponseCode: re.ResponseCode, DeviceText: re.Description, Receipt: re.Receipt, Err: err}
		switch {
		case code >= 1000 && code <= 1008:
			e.Code = payment.TerminalCode(code)
			if code == 1000 && (op == payment.OpCancel || op == payment.OpGetTransaction) && strings.Contains(strings.ToLower(re.Description), "не знайдена") {
				e.Code = payment.CodeOperationNotFound
			}
		case code > 0 && code < 1000 && op.MovesMoney():
			// A host decline. DM shows PrivatBank answers as 5000 with the text; 5015 (bank
			// declined) is used so that the kind survives a journal replay, which keeps the
			// code but not an explicit Kind.
			e.Code = payment.CodeBankDecline
		default:
			e.Code = payment.CodeTerminal
		}
		return e
	case errors.Is(err, ErrBusy):
		return &payment.Error{Code: payment.CodeTerminal, Kind: payment.ErrBusy, DeviceText: "пристрій зайнятий", Err: err}
	case errors.Is(err, ErrNotImplemented):
		return &payment.Error{Code: payment.CodeNotSupportedTask, Args: []string{string(t.Capabilities().Bank), string(t.Capabilities().Protocol), what}, Err: err}
	case errors.As(err, &pe):
		return &payment.Error{Code: payment.CodeDeviceError, Kind: payment.ErrProtocol, Args: []string{"bad reply"}, Err: err}
	case errors.As(err, &le):
		if errors.Is(err, context.DeadlineExceeded) {
			return &payment.Error{Code: payment.CodeLinkTimeout, Args: []string{"-"}, Err: err}
		}
		if errors.Is(err, context.Canceled) {
			return &payment.Error{Code: payment.CodeInternal, Kind: payment.ErrLink, Args: []string{"cancelled"}, Err: err}
		}
		if !le.Sent {
			return &payment.Error{Code: payment.CodeTerminalLink, Err: err}
		}
		return &payment.Error{Code: payment.CodeInternal, Kind: payment.ErrLink, Args: []string{"connection lost"}, Err: err}
	}
	return &payment.Error{Code: payment.CodeInternal, Kind: payment.ErrLink, Err: err}
}

// ToResult maps a transaction onto a [payment.Result].
func ToResult(op payment.Operation, tx *Transaction) *payment.Result {
	r := &payment.Result{
		Operation: op, Approved: tx.Approved(), Partial: tx.Partial(), ResponseCode: tx.ResponseCode,
		ResponseText: tx.ErrorDescription, RRN: tx.RRN, AuthCode: tx.ApprovalCode, Invoice: tx.InvoiceNumber,
		PAN: tx.PAN, PaymentSystem: tx.PaymentSystem, Issuer: tx.IssuerName, AcquirerBank: tx.BankAcquirer,
		TerminalID: tx.TerminalID, MerchantID: tx.Merchant, EntryMode: entryMode(tx.PosEntryMode),
		Amount: tx.Amount, DiscountAmount: tx.Discount, CashAmount: tx.AmountCash,
		SignatureRequired: tx.SignVerif == "1", Receipt: tx.Receipt, AgreementNumber: tx.AgreementNum,
		Raw: map[string]string{},
	}
	if r.ResponseText == "" {
		r.ResponseText = tx.Result
	}
	if op == payment.OpInstalment && r.AgreementNumber == "" {
		r.AgreementNumber = tx.HstFld63Sf89 // DM: task 15 returns the agreement in hstFld63Sf89
	}
	if ts, err := time.ParseInLocation("02.01.2006 15:04:05", tx.Date+" "+tx.Time, time.Local); err == nil {
		r.Time = ts
	}
	for k, v := range tx.Params {
		switch k {
		case "receipt":
			continue
		case "pan":
			v = string(payment.MaskPAN(v))
		}
		r.Raw[k] = payment.RedactPANs(v)
	}
	return r
}

// entryMode reads posEntryMode's first two digits as ISO 8583 field 22 does [INF: the spec
// only says "card entry method"]; unknown values give "".
func entryMode(s string) string {
	if len(s) < 2 {
		return ""
	}
	switch s[:2] {
	case "01":
		return "manual"
	case "02", "90":
		return "magstripe"
	case "05", "95":
		return "chip"
	case "07", "91":
		return "contactless"
	}
	return ""
}
