package posapi

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/uapos/uapos/adapter"
	"github.com/uapos/uapos/journal"
	"github.com/uapos/uapos/payment"
	"github.com/uapos/uapos/posapi/capi"
)

// RefTransID is the key under which the adapter notes POS_TRANS_ID in the journal entry of
// a running operation ([journal.Journal.Note]), as soon as RESP_IDENTIFIER brings it; "none"
// when the exchange ended, with an unknown outcome, without one.
const RefTransID = "POS_TRANS_ID"

// noIdentifier is the [RefTransID] note of an exchange that ended without RESP_IDENTIFIER.
const noIdentifier = "none"

// TerminalConfig configures a [Terminal] ([adapter.Config]). Bank selects the DM capability
// row over POSAPI: [payment.BankRaiffeisen] (default), [payment.BankPUMB] or
// [payment.BankSense]. The journal key defaults to "posapi:" plus Config.Port.
type TerminalConfig = adapter.Config

// Terminal adapts a [Client] to [payment.Terminal] with DM's rows for Raiffeisen, PUMB and
// Sense Bank over POSAPI: task 1 ACTION_PAYMENT, 2 ACTION_RETURN (+ rrn), 3 ACTION_REVERSAL
// (by POS_TRANS_RECEIPT), 10 ACTION_REPORT "1", 11 ACTION_CLOSE_DAY, 14
// ACTION_PAYMENT_WITH_CASH; services: merchant list = ACTION_HOST_COUNT + ACTION_HOST_INFO,
// bank echo = ACTION_HOST_ECHO_TEST, status = the running session's last message or
// ACTION_STATUS of the last transaction, last transaction = journal + ACTION_STATUS.
type Terminal struct {
	*adapter.Base[*Client]
}

var (
	_ payment.Terminal          = (*Terminal)(nil)
	_ payment.CashbackPurchaser = (*Terminal)(nil)
	_ payment.MerchantLister    = (*Terminal)(nil)
	_ payment.BankEchoer        = (*Terminal)(nil)
	_ payment.StatusReader      = (*Terminal)(nil)
	_ payment.LastTransactioner = (*Terminal)(nil)
)

// portName names the terminal in the default journal key.
type portName string

// String returns the port name.
func (p portName) String() string { return string(p) }

// NewTerminal returns the adapter. It fails when the bank has no POSAPI row in DM's table.
func NewTerminal(c *Client, cfg TerminalConfig) (*Terminal, error) {
	if c == nil {
		return nil, fmt.Errorf("posapi: %w", adapter.ErrNilClient)
	}
	t := &Terminal{}
	b, err := adapter.New(c, cfg, adapter.Spec{Protocol: payment.ProtoPOSAPI, DefaultBank: payment.BankRaiffeisen,
		KeyPrefix: "posapi", Link: portName(c.cfg.Port), Reconcile: t.reconcile})
	if err != nil {
		return nil, err
	}
	t.Base = b
	return t, nil
}

// Purchase is task 1: ACTION_PAYMENT with POS_AMOUNT and POS_CURRENCY, POS_MERCHANT_ID from
// req.Merchant. A req.Discount runs the revision flow: after the card read the amount is
// revised to Amount-Discount with ACTION_REVISION.
func (t *Terminal) Purchase(ctx context.Context, req payment.Request) (*payment.Result, error) {
	args, err := t.moneyArgs(req, capi.ParamAmount, req.Amount)
	if err != nil {
		return nil, err
	}
	call := Call{Action: capi.ActionPayment, Args: args}
	if req.Discount > 0 {
		if req.Discount > req.Amount {
			return nil, &payment.Error{Code: payment.CodeTerminal, Kind: payment.ErrNotSupported, DeviceText: "discount exceeds the amount"}
		}
		revised, err := FormatAmount(req.Amount - req.Discount)
		if err != nil {
			return nil, badRequest(err)
		}
		call.Revise = func(Identifier) (string, error) { return revised, nil }
	}
	return t.money(ctx, payment.OpPurchase, req, call)
}

// Refund is task 2: ACTION_RETURN with the amount and POS_TRANS_CODE = req.RRN (when given).
func (t *Terminal) Refund(ctx context.Context, req payment.Request) (*payment.Result, error) {
	args, err := t.moneyArgs(req, capi.ParamAmount, req.Amount)
	if err != nil {
		return nil, err
	}
	if req.RRN != "" {
		args = append(args, Arg{capi.ParamTransCode, req.RRN})
	}
	return t.money(ctx, payment.OpRefund, req, Call{Action: capi.ActionReturn, Args: args})
}

// Cancel is task 3: ACTION_REVERSAL of the whole operation with POS_TRANS_RECEIPT =
// req.Invoice; the card is not needed.
func (t *Terminal) Cancel(ctx context.Context, req payment.Request) (*payment.Result, error) {
	if req.Invoice == "" {
		if err := t.Capabilities().Check(payment.OpCancel); err != nil {
			return nil, err
		}
		return nil, &payment.Error{Code: payment.CodeOperationNotFound, DeviceText: "no invoice to cancel"}
	}
	call := Call{Action: capi.ActionReversal, Args: []Arg{{capi.ParamTransReceipt, req.Invoice}}}
	return t.money(ctx, payment.OpCancel, req, call)
}

// PurchaseCashback is task 14: ACTION_PAYMENT_WITH_CASH with POS_GOODS_AMOUNT = req.Amount
// and POS_CASHBACK_AMOUNT = req.CashAmount. POS_CASHBACK_AMOUNT has no public wire name: the
// loaded library must export it. On a partial approval no cash is paid.
func (t *Terminal) PurchaseCashback(ctx context.Context, req payment.Request) (*payment.Result, error) {
	args, err := t.moneyArgs(req, capi.ParamGoodsAmount, req.Amount)
	if err != nil {
		return nil, err
	}
	cash, err := FormatAmount(req.CashAmount)
	if err != nil {
		return nil, badRequest(err)
	}
	args = append(args, Arg{capi.ParamCashbackAmount, cash})
	return t.money(ctx, payment.OpPurchaseCashback, req, Call{Action: capi.ActionPaymentWithCash, Args: args})
}

// XReport is task 10: ACTION_REPORT with POS_REPORT "1"; the slip is Result.Receipt (the
// report has no totals as fields, so Result.Totals stays nil).
func (t *Terminal) XReport(ctx context.Context, req payment.Request) (*payment.Result, error) {
	leave, err := t.Enter(ctx, payment.OpXReport)
	if err != nil {
		return nil, err
	}
	defer leave()
	r, err := t.Client().Report(ctx, "1")
	if err != nil {
		return nil, t.mapError(payment.OpXReport, err)
	}
	return &payment.Result{Operation: payment.OpXReport, Approved: true, Receipt: r.Get(capi.ParamPrint), Raw: r.Values}, nil
}

// CloseBatch is task 11: ACTION_CLOSE_DAY; req.Merchant, when set, closes that merchant
// only (POS_MERCHANT_ID), which is the only way to see one host's own outcome.
func (t *Terminal) CloseBatch(ctx context.Context, req payment.Request) (*payment.Result, error) {
	leave, err := t.Enter(ctx, payment.OpCloseBatch)
	if err != nil {
		return nil, err
	}
	defer leave()
	r, err := t.Client().CloseDay(ctx, req.Merchant)
	if err != nil {
		return nil, t.mapError(payment.OpCloseBatch, err)
	}
	return &payment.Result{Operation: payment.OpCloseBatch, Approved: true, Receipt: r.Get(capi.ParamPrint), MerchantID: req.Merchant, Raw: r.Values}, nil
}

// Merchants is service 2: ACTION_HOST_COUNT, then ACTION_HOST_INFO per host. Index is the
// merchant id (DM: Raiffeisen and PUMB select merchants by a 7-digit code).
func (t *Terminal) Merchants(ctx context.Context) ([]payment.Merchant, error) {
	leave, err := t.EnterService(ctx, payment.SvcMerchantList, true)
	if err != nil {
		return nil, err
	}
	defer leave()
	hosts, err := t.Client().Hosts(ctx)
	if err != nil {
		return nil, t.mapError(0, err)
	}
	out := make([]payment.Merchant, 0, len(hosts))
	for _, h := range hosts {
		out = append(out, payment.Merchant{Index: h.MerchantID, Name: h.Name, MerchantID: h.MerchantID, TerminalID: h.TerminalID})
	}
	return out, nil
}

// BankEcho is service 4: ACTION_HOST_ECHO_TEST. A multi-host terminal refuses an echo
// without a profile (RESP_BREAK); the adapter then echoes each host by its terminal id.
func (t *Terminal) BankEcho(ctx context.Context) error {
	leave, err := t.EnterService(ctx, payment.SvcBankEcho, true)
	if err != nil {
		return err
	}
	defer leave()
	c := t.Client()
	err = c.HostEcho(ctx, "")
	if !errors.Is(err, ErrBreak) {
		return t.mapError(0, err)
	}
	hosts, herr := c.Hosts(ctx)
	if herr != nil || len(hosts) < 2 {
		return t.mapError(0, err)
	}
	for _, h := range hosts {
		if err := c.HostEcho(ctx, h.TerminalID); err != nil {
			return t.mapError(0, err)
		}
	}
	return nil
}

// TransactionStatus is service 5. While an operation runs it returns the terminal's last
// progress message (Code 5, RESP_MESSAGE) without touching the terminal, which allows one
// session at a time; when idle it asks ACTION_STATUS for the last journaled transaction and
// returns the response's code and name (Code 0 "idle" when there is none).
func (t *Terminal) TransactionStatus(ctx context.Context) (payment.Event, error) {
	if _, err := t.EnterService(ctx, payment.SvcTransactionStatus, false); err != nil {
		return payment.Event{}, err
	}
	c := t.Client()
	if running, m := c.Running(); running {
		return payment.Event{Code: int(capi.RespMessage), Text: strings.TrimSpace(m.Title + " " + m.Body)}, nil
	}
	leave, err := t.EnterService(ctx, payment.SvcTransactionStatus, true)
	if err != nil {
		if running, m := c.Running(); running {
			return payment.Event{Code: int(capi.RespMessage), Text: strings.TrimSpace(m.Title + " " + m.Body)}, nil
		}
		return payment.Event{}, err
	}
	defer leave()
	e, found, err := t.Journal().Last(ctx, t.Key())
	if err != nil {
		return payment.Event{}, &payment.Error{Code: payment.CodeJournal, Err: err}
	}
	id := e.Refs[RefTransID]
	if !found || id == "" || id == noIdentifier {
		return payment.Event{Code: 0, Text: "idle"}, nil
	}
	r, err := c.Status(ctx, id)
	if r != nil {
		return payment.Event{Code: int(r.Response), Text: r.Response.String()}, nil
	}
	return payment.Event{}, t.mapError(0, err)
}

// LastTransaction is service 6: the newest journal entry of this terminal, refreshed with
// ACTION_STATUS when it has a POS_TRANS_ID (so a reversal shows as such).
func (t *Terminal) LastTransaction(ctx context.Context) (*payment.Result, error) {
	leave, err := t.EnterService(ctx, payment.SvcLastTransaction, true)
	if err != nil {
		return nil, err
	}
	defer leave()
	e, found, err := t.Journal().Last(ctx, t.Key())
	if err != nil {
		return nil, &payment.Error{Code: payment.CodeJournal, Err: err}
	}
	if !found {
		return nil, &payment.Error{Code: payment.CodeTransactionUnknown, Args: []string{"last"}}
	}
	if id := e.Refs[RefTransID]; id != "" && id != noIdentifier {
		r, err := t.Client().Status(ctx, id)
		if err == nil {
			res := t.toResult(e.Operation, e.Request, r)
			res.TransactionID = e.TransactionID
			return res, nil
		}
		if !errors.Is(err, ErrDeclined) && !errors.Is(err, ErrBreak) {
			return nil, t.mapError(0, err)
		}
	}
	if e.Result != nil {
		return e.Result, nil
	}
	if err := e.Err(); err != nil {
		return nil, err
	}
	return nil, &payment.Error{Code: payment.CodeTransactionUnknown, Args: []string{e.TransactionID}}
}

// moneyArgs builds the amount, currency and merchant arguments.
func (t *Terminal) moneyArgs(req payment.Request, amountParam capi.Param, amount payment.Amount) ([]Arg, error) {
	s, err := FormatAmount(amount)
	if err != nil {
		return nil, badRequest(err)
	}
	args := []Arg{{amountParam, s}, {capi.ParamCurrency, t.Client().Currency()}}
	if req.Merchant != "" {
		args = append(args, Arg{capi.ParamMerchantID, req.Merchant})
	}
	return args, nil
}

func badRequest(err error) error {
	return &payment.Error{Code: payment.CodeTerminal, Kind: payment.ErrNotSupported, DeviceText: "bad request", Err: err}
}

// money runs a money-moving call under the gate and the ledger. POS_TRANS_ID goes to the
// journal before anything else happens on RESP_IDENTIFIER; an exchange that ends with an
// unknown outcome and no RESP_IDENTIFIER notes that too ([RefTransID] "none"), so that a
// reconcile tells it from an application that stopped during the session.
func (t *Terminal) money(ctx context.Context, op payment.Operation, req payment.Request, call Call) (*payment.Result, error) {
	return t.Money(ctx, op, req, func(ctx context.Context) (*payment.Result, error) {
		j := t.Journal()
		if e, ok, err := j.Get(ctx, req.TransactionID); err == nil && ok && e.Refs[RefTransID] != "" {
			// A retry of a failed attempt: its POS_TRANS_ID is not this attempt's.
			if err := j.Note(ctx, req.TransactionID, RefTransID, ""); err != nil {
				return nil, &payment.Error{Code: payment.CodeJournal, Err: err}
			}
		}
		identified := false
		call.OnIdentifier = func(id Identifier) error {
			if id.TransID == "" {
				return nil
			}
			if err := j.Note(ctx, req.TransactionID, RefTransID, id.TransID); err != nil {
				return &payment.Error{Code: payment.CodeJournal, Err: err}
			}
			identified = true
			return nil
		}
		call.OnMessage = func(m Message) {
			req.Send(payment.Event{Code: int(capi.RespMessage), Text: strings.TrimSpace(m.Title + " " + m.Body)})
		}
		r, err := t.Client().Do(ctx, call)
		var res *payment.Result
		if r != nil {
			res = t.toResult(op, req, r)
			res.TransactionID = req.TransactionID
		}
		if err == nil {
			return res, nil
		}
		perr := t.mapError(op, err)
		if !identified && journal.Classify(res, perr) == journal.StateUnknown {
			t.Note(context.WithoutCancel(ctx), req.TransactionID, RefTransID, noIdentifier)
		}
		return res, perr
	})
}

// reconcile resolves an entry whose outcome is unknown. POSAPI gives the strongest evidence
// there is: POS_TRANS_ID, the terminal's own id for this very request, delivered in
// RESP_IDENTIFIER before the terminal goes to the host (posapi.md 1.8.2) and noted at once.
// ACTION_STATUS by that id returns that operation and no other, so the evidence names it
// (Evidence.Reference [RefTransID]); not found (RESP_DECLINE or RESP_BREAK: only successful
// operations are in the terminal journal) means it did not happen. Without an id there is
// nothing to match by likeness (the adapter has no last-transaction query):
//   - the session ended without RESP_IDENTIFIER ("none"): the terminal, which does not go to
//     the host before that message is delivered, did nothing; a reversal (which reads no card
//     and has no RESP_IDENTIFIER) is refused by the terminal once its original is replaced,
//     so running it again is safe;
//   - the application stopped during the session: the library may have taken a
//     RESP_IDENTIFIER the application never saw, and the terminal then finishes on its own.
//     That cannot be told: the entry stays unknown with "ask the bank" (7002), except for a
//     reversal, safe to run again as above.
func (t *Terminal) reconcile(ctx context.Context, e journal.Entry) (*journal.Evidence, error) {
	id := e.Refs[RefTransID]
	switch {
	case id == noIdentifier || id == "" && e.Operation == payment.OpCancel:
		return nil, &payment.Error{Code: payment.CodeOperationNotFound, DeviceText: "no POS_TRANS_ID was delivered"}
	case id == "":
		t.Note(ctx, e.TransactionID, journal.RefAskBank, "the application stopped during the POSAPI session before it saw a POS_TRANS_ID: the terminal may have gone to the host")
		return nil, nil
	}
	r, err := t.Client().Status(ctx, id)
	switch {
	case err == nil:
		res := t.toResult(e.Operation, e.Request, r)
		res.TransactionID = e.TransactionID
		return &journal.Evidence{Result: res, Reference: RefTransID}, nil
	case errors.Is(err, ErrDeclined), errors.Is(err, ErrBreak):
		// Only successful operations are in the terminal's journal.
		return nil, &payment.Error{Code: payment.CodeOperationNotFound, DeviceText: "transaction " + id + " not in the terminal journal", Err: err}
	}
	return nil, t.mapError(e.Operation, err)
}

// toResult maps a reply onto a payment.Result.
func (t *Terminal) toResult(op payment.Operation, req payment.Request, r *Reply) *payment.Result {
	res := &payment.Result{
		Operation:     op,
		Approved:      r.Response == capi.RespConfirm,
		ResponseCode:  r.Get(capi.ParamHostCode),
		ResponseText:  r.Get(capi.ParamTransStatus),
		RRN:           r.Get(capi.ParamTransCode),
		AuthCode:      r.Get(capi.ParamTransApproval),
		Invoice:       r.Get(capi.ParamTransReceipt),
		PAN:           payment.MaskPAN(r.Get(capi.ParamCardPAN)),
		PaymentSystem: r.Get(capi.ParamPaymentSys),
		AcquirerBank:  r.Get(capi.ParamBankAcquirer),
		TerminalID:    r.Get(capi.ParamTerminalID),
		MerchantID:    r.Get(capi.ParamMerchantID),
		Currency:      r.Get(capi.ParamCurrency),
		Receipt:       r.Get(capi.ParamPrint),
		Raw:           r.Values,
	}
	if res.ResponseText == "" {
		res.ResponseText = r.Get(capi.ParamActionName)
	}
	res.SignatureRequired = r.Get(capi.ParamClientCheckType) == "1"
	if tm, err := ParseDateTime(r.Get(capi.ParamDateTime), t.Client().cfg.Location); err == nil {
		res.Time = tm
	}
	amountParam := capi.ParamAmount
	if op == payment.OpPurchaseCashback && r.Has(capi.ParamGoodsAmount) && !r.Has(capi.ParamAmount) {
		amountParam = capi.ParamGoodsAmount
	}
	if a, err := ParseAmount(r.Get(amountParam)); err == nil {
		res.Amount = a
	}
	if o, err := ParseAmount(r.Get(capi.ParamOrigAmount)); err == nil && o > res.Amount {
		res.DiscountAmount = o - res.Amount
	}
	want := req.Amount - req.Discount
	res.Partial = r.Get(capi.ParamTransPartApprove) == "1" ||
		(res.Approved && (op == payment.OpPurchase || op == payment.OpPurchaseCashback) && want > 0 && res.Amount > 0 && res.Amount < want)
	if c, err := ParseAmount(r.Get(capi.ParamCashbackAmount)); err == nil {
		res.CashAmount = c
	}
	if res.Partial && op == payment.OpPurchaseCashback {
		res.CashAmount = 0 // on partial approval PAYMENT_WITH_CASH pays no cash
	}
	return res
}

// mapError turns a client error into a *payment.Error with DM's codes.
func (t *Terminal) mapError(op payment.Operation, err error) error {
	if err == nil {
		return nil
	}
	var pe *payment.Error
	var de *DeclineError
	var be *BreakError
	var le *LibraryError
	var ue *UnknownError
	switch {
	case errors.As(err, &ue):
		if errors.Is(err, context.DeadlineExceeded) {
			return &payment.Error{Code: payment.CodeLinkTimeout, Kind: payment.ErrTimeout, Args: []string{"-"}, Err: err}
		}
		return &payment.Error{Code: payment.CodeInternal, Kind: payment.ErrLink, Args: []string{"outcome unknown"}, Err: err}
	case errors.As(err, &de):
		return &payment.Error{Code: payment.CodePOSAPIBankMessage, Args: []string{de.Text, de.Status, de.HostCode},
			ResponseCode: de.HostCode, DeviceText: de.Text, Receipt: de.Reply.Get(capi.ParamPrint), Err: err}
	case errors.As(err, &be):
		return &payment.Error{Code: payment.CodePOSAPICancelled, Receipt: be.Reply.Get(capi.ParamPrint), Err: err}
	case errors.Is(err, ErrWrongMAC):
		return &payment.Error{Code: payment.CodeTerminal, Kind: payment.ErrDevice, DeviceText: "wrong MAC", Err: err}
	case errors.Is(err, ErrUnknownSymbol):
		return &payment.Error{Code: payment.CodeNotSupportedTask, Args: []string{string(t.Capabilities().Bank), string(t.Capabilities().Protocol), opName(op)}, Err: err}
	case errors.As(err, &pe):
		return err
	case errors.As(err, &le):
		if le.Op == "pos_open" {
			return &payment.Error{Code: payment.CodeConnectFailed, Args: []string{"POSAPI", t.Client().cfg.Port}, Err: err}
		}
		return &payment.Error{Code: payment.CodeDeviceError, Kind: payment.ErrDevice, Args: []string{le.Op}, Err: err}
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		// Do never started a session: nothing reached the terminal.
		return &payment.Error{Code: payment.CodeBusy, Err: err}
	}
	return &payment.Error{Code: payment.CodeInternal, Kind: payment.ErrLink, Args: []string{"unknown"}, Err: err}
}

func opName(op payment.Operation) string {
	if op == 0 {
		return "service"
	}
	return op.String()
}
