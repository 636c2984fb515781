package bposlight

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"

	"github.com/uapos/uapos/adapter"
	"github.com/uapos/uapos/journal"
	"github.com/uapos/uapos/payment"
)

// TerminalConfig configures the [payment.Terminal] adapter ([adapter.Config]). Bank selects
// DM's capability row; default payment.BankPivdennyi. The B-POS Light rows are Bank
// Pivdennyi, Ukrsibbank and Bank Vostok (tasks 1, 3, 11; services merchant list and last
// transaction). The journal key defaults to "bposlight:" + the link's name (fmt.Stringer of
// the conn).
type TerminalConfig = adapter.Config

// Terminal adapts a [Client] to [payment.Terminal].
//
// Request mapping: Request.Merchant is the MID (empty = the client's default, else the
// terminal's first TID); Request.Extra["TID"] selects by TID instead; Extra["GOODS"] is a
// GOODS list in the wire form (checked with [ParseGoods]); Extra["SERVID"] is SERVID;
// Extra["QR"] = "1" or "2" makes a purchase with QR (CARDTYPE 1 or 2). Request.Invoice is
// the INVOICE to cancel.
type Terminal struct {
	*adapter.Base[*Client]
}

var (
	_ payment.Terminal          = (*Terminal)(nil)
	_ payment.MerchantLister    = (*Terminal)(nil)
	_ payment.LastTransactioner = (*Terminal)(nil)
)

// Journal notes of a running purchase: the INVOICE of the terminal's answer to PUR, and
// where the mandatory CON stands ("sending", then "confirmed").
const (
	refInvoice = "INVOICE"
	refCON     = "CON"
)

// NewTerminal returns the adapter. It fails when the bank has no B-POS Light row.
func NewTerminal(c *Client, cfg TerminalConfig) (*Terminal, error) {
	if c == nil {
		return nil, fmt.Errorf("bposlight: %w", adapter.ErrNilClient)
	}
	t := &Terminal{}
	b, err := adapter.New(c, cfg, adapter.Spec{Protocol: payment.ProtoBPOSLight, DefaultBank: payment.BankPivdennyi,
		KeyPrefix: "bposlight", Link: c.Conn(), Reconcile: t.reconcile})
	if err != nil {
		return nil, err
	}
	t.Base = b
	return t, nil
}

func merchantOf(req payment.Request) Merchant {
	return Merchant{MID: req.Merchant, TID: req.Extra["TID"]}
}

func goodsOf(req payment.Request) (*Goods, error) {
	s, ok := req.Extra["GOODS"]
	if !ok || s == "" {
		return nil, nil
	}
	g, err := ParseGoods(s)
	if err != nil {
		return nil, &payment.Error{Code: payment.CodeDeviceError, Kind: payment.ErrProtocol, DeviceText: "GOODS: " + err.Error(), Err: err}
	}
	return &g, nil
}

// Purchase implements payment.Terminal (task 1): PUR, then the mandatory CON. That the CON
// is going out is durable in the journal before it does: a purchase without that note was
// never confirmed, so the terminal cancelled it (see reconcile).
func (t *Terminal) Purchase(ctx context.Context, req payment.Request) (*payment.Result, error) {
	if err := t.Capabilities().Check(payment.OpPurchase); err != nil {
		return nil, err
	}
	if req.Amount <= 0 || req.Amount > 0xFFFFFFFF {
		return nil, &payment.Error{Code: payment.CodeDeviceError, Kind: payment.ErrNotSupported, DeviceText: "amount must be 1..4294967295 kopecks"}
	}
	goods, err := goodsOf(req)
	if err != nil {
		return nil, err
	}
	pr := PurchaseRequest{Amount: uint32(req.Amount), Merchant: merchantOf(req), ServiceID: req.Extra["SERVID"], Goods: goods}
	switch req.Extra["QR"] {
	case "1":
		pr.QR = QRWindow
	case "2":
		pr.QR = QRCardWindow
	}
	return t.Money(ctx, payment.OpPurchase, req, func(ctx context.Context) (*payment.Result, error) {
		c := t.Client()
		p, err := c.StartPurchase(ctx, pr)
		if err != nil {
			return t.result(payment.OpPurchase, p), t.mapErr(err)
		}
		res := t.result(payment.OpPurchase, p)
		wctx := context.WithoutCancel(ctx)
		t.Note(wctx, req.TransactionID, refInvoice, strconv.FormatUint(uint64(p.Invoice), 10))
		if err := t.Journal().Note(wctx, req.TransactionID, refCON, "sending"); err != nil {
			// Unconfirmed, the terminal cancels the purchase itself: no CON without the note.
			res.Approved = false
			return res, &payment.Error{Code: payment.CodeJournal, DeviceText: "not confirmed: the journal could not record the CON; the terminal cancels the purchase", Err: err}
		}
		cctx, cancel := context.WithTimeout(wctx, c.cfg.ConfirmTimeout)
		defer cancel()
		if _, err := c.Confirm(cctx, p); err != nil {
			var re *ResponseError
			if errors.As(err, &re) {
				// The terminal refused the CON: it cancels the unconfirmed purchase itself.
				res.Approved = false
				return res, &payment.Error{Code: payment.CodeTerminal, Kind: payment.ErrCancelled, ResponseCode: re.RC,
					DeviceText: "confirm refused (RC=" + re.RC + "); the terminal cancels the purchase", Err: err}
			}
			return res, t.mapErr(err)
		}
		t.Note(wctx, req.TransactionID, refCON, "confirmed")
		return res, nil
	})
}

// Cancel implements payment.Terminal (task 3): CAN by invoice within the batch.
func (t *Terminal) Cancel(ctx context.Context, req payment.Request) (*payment.Result, error) {
	if err := t.Capabilities().Check(payment.OpCancel); err != nil {
		return nil, err
	}
	inv, perr := strconv.ParseUint(req.Invoice, 10, 32)
	if perr != nil {
		return nil, &payment.Error{Code: payment.CodeOperationNotFound, DeviceText: "invoice must be a number", Err: perr}
	}
	goods, err := goodsOf(req)
	if err != nil {
		return nil, err
	}
	cr := CancelRequest{Invoice: uint32(inv), Merchant: merchantOf(req), Goods: goods}
	return t.Money(ctx, payment.OpCancel, req, func(ctx context.Context) (*payment.Result, error) {
		r, err := t.Client().Cancel(ctx, cr)
		if err != nil {
			return t.result(payment.OpCancel, r), t.mapErr(err)
		}
		return t.result(payment.OpCancel, r), nil
	})
}

// CloseBatch implements payment.Terminal (task 11): SET with the totals.
func (t *Terminal) CloseBatch(ctx context.Context, req payment.Request) (*payment.Result, error) {
	leave, err := t.Enter(ctx, payment.OpCloseBatch)
	if err != nil {
		return nil, err
	}
	defer leave()
	r, err := t.Client().Settle(ctx, merchantOf(req))
	if err != nil {
		return t.result(payment.OpCloseBatch, r), t.mapErr(err)
	}
	res := t.result(payment.OpCloseBatch, r)
	res.Totals = &payment.Totals{
		Batch:          strconv.FormatUint(uint64(r.Batch), 10),
		PurchaseCount:  int(r.Totals.DebitCount),
		PurchaseAmount: payment.Amount(r.Totals.DebitAmount),
		RefundCount:    int(r.Totals.CreditCount),
		RefundAmount:   payment.Amount(r.Totals.CreditAmount),
		CancelCount:    int(r.Totals.CancelledCount),
		CancelAmount:   payment.Amount(r.Totals.CancelledAmount),
	}
	return res, nil
}

// Refund implements payment.Terminal: B-POS Light has no refund (5029 before the wire).
func (t *Terminal) Refund(ctx context.Context, req payment.Request) (*payment.Result, error) {
	return nil, t.Capabilities().Check(payment.OpRefund)
}

// XReport implements payment.Terminal: B-POS Light has no X-report (5029 before the wire).
func (t *Terminal) XReport(ctx context.Context, req payment.Request) (*payment.Result, error) {
	return nil, t.Capabilities().Check(payment.OpXReport)
}

// Merchants implements payment.MerchantLister (service 2) with ACQ. Index is the MID,
// which is how a Request selects the merchant.
func (t *Terminal) Merchants(ctx context.Context) ([]payment.Merchant, error) {
	leave, err := t.EnterService(ctx, payment.SvcMerchantList, true)
	if err != nil {
		return nil, err
	}
	defer leave()
	acq, err := t.Client().Acquirers(ctx)
	if err != nil {
		return nil, t.mapErr(err)
	}
	out := make([]payment.Merchant, len(acq))
	for i, a := range acq {
		out[i] = payment.Merchant{Index: a.MID, MerchantID: a.MID, TerminalID: a.TID}
	}
	return out, nil
}

// LastTransaction implements payment.LastTransactioner (service 6). The protocol has no
// query for it, so the answer is the newest journal entry of this terminal.
func (t *Terminal) LastTransaction(ctx context.Context) (*payment.Result, error) {
	if _, err := t.EnterService(ctx, payment.SvcLastTransaction, false); err != nil {
		return nil, err
	}
	e, ok, err := t.Journal().Last(ctx, t.Key())
	if err != nil {
		return nil, &payment.Error{Code: payment.CodeJournal, Err: err}
	}
	if !ok {
		return nil, &payment.Error{Code: payment.CodeOperationNotFound, DeviceText: "no transaction in the journal"}
	}
	if !e.State.Final() && e.State != journal.StateFailed {
		if why := e.Refs[journal.RefAskBank]; why != "" {
			return nil, journal.AskBank(e.TransactionID, why)
		}
		return nil, &payment.Error{Code: payment.CodeInternal, Kind: payment.ErrLink, DeviceText: "outcome of " + e.TransactionID + " unknown", Err: payment.ErrOutcomeUnknown}
	}
	if e.Result == nil {
		if err := e.Err(); err != nil {
			return nil, err
		}
		return nil, &payment.Error{Code: payment.CodeOperationNotFound, DeviceText: "the last operation did not happen"}
	}
	r := *e.Result
	return &r, e.Err()
}

// reconcile settles a journal entry whose outcome is unknown. B-POS Light cannot be asked:
// it has no status, receipt or journal query (bposlight.md §1.4: PUR, CAN, CON, SET and ACQ
// only). One rule of the spec still tells: a purchase the ECR never confirmed is cancelled by
// the terminal, so a purchase whose CON was never sent did not happen. Every other unknown
// outcome (a CON sent with no answer, a CAN with no answer) cannot be reconciled: it is
// reported, not guessed. The entry is noted "ask the bank" (the retry answers 7002) and new
// operations go on.
func (t *Terminal) reconcile(ctx context.Context, e journal.Entry) (*journal.Evidence, error) {
	if e.Operation == payment.OpPurchase && e.Refs[refCON] == "" {
		return nil, &payment.Error{Code: payment.CodeOperationNotFound, DeviceText: "never confirmed: the terminal cancelled it"}
	}
	why := "B-POS Light has no query for the outcome of " + e.Operation.String()
	if inv := e.Refs[refInvoice]; inv != "" {
		why += " (INVOICE " + inv + ", CON " + e.Refs[refCON] + ")"
	}
	t.Note(ctx, e.TransactionID, journal.RefAskBank, why)
	return nil, nil
}

// result maps an answer to a payment.Result (nil r gives nil).
func (t *Terminal) result(op payment.Operation, r *Response) *payment.Result {
	if r == nil {
		return nil
	}
	res := &payment.Result{
		Operation:         op,
		Approved:          r.RC == 0,
		ResponseCode:      r.RCText,
		RRN:               r.RRN,
		AuthCode:          r.AuthCode,
		PAN:               payment.MaskPAN(r.PAN),
		PaymentSystem:     r.PaySys,
		TerminalID:        r.TID,
		MerchantID:        r.MID,
		EntryMode:         entryMode(r.CardType),
		Amount:            payment.Amount(r.Amount),
		SignatureRequired: r.Signature,
		Raw:               map[string]string{},
	}
	if r.Raw.Has(TagINVOICE) {
		res.Invoice = strconv.FormatUint(uint64(r.Invoice), 10)
	}
	if tm, ok := r.Time(t.Client().cfg.Location); ok {
		res.Time = tm
	}
	for _, f := range r.Raw.Fields {
		if f.Tag == TagPAN {
			res.Raw[string(f.Tag)] = string(payment.MaskPAN(f.Value))
			continue
		}
		res.Raw[string(f.Tag)] = f.Value
	}
	return res
}

func entryMode(cardType string) string {
	switch cardType {
	case "CHIP":
		return "chip"
	case "CLESS":
		return "contactless"
	case "MSTRIPE":
		return "magstripe"
	case "MANUAL":
		return "manual"
	case "QR":
		return "qr"
	}
	return ""
}

// mapErr turns client errors into *payment.Error with DM codes.
func (t *Terminal) mapErr(err error) error {
	var re *ResponseError
	if errors.As(err, &re) {
		pe := &payment.Error{ResponseCode: re.RC, Err: err}
		switch code := payment.TerminalCode(int(re.Code)); {
		case re.Code < 1000:
			pe.Code = payment.CodeBankDecline
		case code == payment.CodeTerminal:
			pe.Code = code
			pe.DeviceText = "RC=" + re.RC
		case code != 0:
			pe.Code = code
		default:
			pe.Code = payment.CodeTerminal
			pe.DeviceText = "RC=" + re.RC
		}
		return pe
	}
	var pe *payment.Error
	if errors.As(err, &pe) {
		return err
	}
	switch {
	case errors.Is(err, ErrEOT):
		// bposlight.md §2: a bare EOT from the terminal means the operation was rejected
		// or aborted.
		return &payment.Error{Code: payment.CodeTerminal, Kind: payment.ErrCancelled, DeviceText: "the terminal sent EOT: operation rejected or aborted", Err: err}
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded):
		// No answer: the request may have reached the terminal, so the outcome is unknown.
		return &payment.Error{Code: payment.CodeLinkTimeout, Args: []string{strconv.FormatInt(t.Client().cfg.ResponseTimeout.Milliseconds(), 10)}, Err: err}
	case errors.Is(err, ErrNAKLimit) && errors.Is(err, ErrBadLRC) && !errors.Is(err, ErrNotDelivered):
		// The request was acknowledged; the terminal's answer failed its LRC on every resend:
		// the operation may have run, so this is not DM's 5014 ("did not go through").
		return &payment.Error{Code: payment.CodeInternal, Kind: payment.ErrLink, DeviceText: "the terminal's answer kept failing its LRC after the request was acknowledged", Err: err}
	case errors.Is(err, ErrNotDelivered), errors.Is(err, ErrNAKLimit), errors.Is(err, ErrNoACK):
		return &payment.Error{Code: payment.CodeTerminalLink, Err: err}
	}
	var pr *ProtocolError
	if errors.As(err, &pr) {
		return &payment.Error{Code: payment.CodeDeviceError, Kind: payment.ErrProtocol, DeviceText: "protocol violation", Err: err}
	}
	// the request was acknowledged, then the link failed: the outcome is unknown
	return &payment.Error{Code: payment.CodeInternal, Kind: payment.ErrLink, DeviceText: "link lost after the request was sent", Err: err}
}
