package bpos1

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/uapos/uapos/adapter"
	"github.com/uapos/uapos/payment"
)

// TerminalConfig configures a [Terminal]: Bank ("" means payment.BankOschad; it must have a
// BPOS1 row: Oschadbank, Ukrsibbank, Bank Vostok, A-Bank, Bank Pivdennyi or Sense Bank),
// Journal, Key ("" means "bpos1:" + the client's Name), Wait, ReconcileWindow and Logger.
type TerminalConfig = adapter.Config

// Terminal adapts a BPOS1 client to payment.Terminal with one bank's DM capability row:
// the vendor library's [Client] ([NewTerminal]) or the native wire's [WireClient]
// ([NewWireTerminal]).
type Terminal struct {
	*adapter.Base[backend]
	lib  *Client     // the library client given to NewTerminal; nil on NewWireTerminal
	wire *WireClient // the native wire's client; nil on the vendor library
}

var (
	_ payment.Terminal          = (*Terminal)(nil)
	_ payment.Pinger            = (*Terminal)(nil)
	_ payment.CashbackPurchaser = (*Terminal)(nil)
	_ payment.P2PTransferer     = (*Terminal)(nil)
	_ payment.TransactionGetter = (*Terminal)(nil)
	_ payment.MerchantLister    = (*Terminal)(nil)
	_ payment.BankEchoer        = (*Terminal)(nil)
	_ payment.StatusReader      = (*Terminal)(nil)
	_ payment.LastTransactioner = (*Terminal)(nil)
)

// NewTerminal returns the adapter over a library Client. It fails when cfg.Bank has no
// BPOS1 row in DM's table. A Client over the deprecated [WireLib] is driven through the
// WireLib's [WireClient], so that ctx reaches the wire (as [NewWireTerminal]).
func NewTerminal(c *Client, cfg TerminalConfig) (*Terminal, error) {
	if c == nil {
		return nil, fmt.Errorf("bpos1: %w", adapter.ErrNilClient)
	}
	if wl, ok := c.lib.(*WireLib); ok {
		return newTerminal(c, wl.wc, cfg, c.Name())
	}
	return newTerminal(c, nil, cfg, c.Name())
}

// NewWireTerminal returns the adapter over the PROVISIONAL native wire. It fails when
// cfg.Bank has no BPOS1 row in DM's table. The wire has no journal query, so an outcome
// left unknown (a lost answer, an abort the terminal did not answer) cannot be reconciled:
// the entry stays unknown, noted "ask the bank" (code 7002 when its id comes again).
func NewWireTerminal(w *WireClient, cfg TerminalConfig) (*Terminal, error) {
	if w == nil {
		return nil, fmt.Errorf("bpos1: %w", adapter.ErrNilClient)
	}
	return newTerminal(nil, w, cfg, w.Name())
}

// linkName names the link in the default journal key.
type linkName string

func (n linkName) String() string { return string(n) }

func newTerminal(lib *Client, wire *WireClient, cfg TerminalConfig, name string) (*Terminal, error) {
	t := &Terminal{lib: lib, wire: wire}
	var b backend = lib
	reconcile := t.reconcile
	if wire != nil {
		b, reconcile = wireBackend{wire}, t.reconcileWire
	}
	base, err := adapter.New(b, cfg, adapter.Spec{Protocol: payment.ProtoBPOS1, DefaultBank: payment.BankOschad,
		KeyPrefix: "bpos1", Link: linkName(name), Reconcile: reconcile})
	if err != nil {
		return nil, err
	}
	t.Base = base
	return t, nil
}

// Client returns the library client the Terminal was built on, nil for [NewWireTerminal].
func (t *Terminal) Client() *Client { return t.lib }

// WireClient returns the native wire's client, nil on the vendor library.
func (t *Terminal) WireClient() *WireClient { return t.wire }

// c is the client the adapter drives.
func (t *Terminal) c() backend { return t.Base.Client() }

func badRequest(format string, args ...any) error {
	return &payment.Error{Code: payment.CodeTerminal, Kind: payment.ErrNotSupported, DeviceText: fmt.Sprintf(format, args...)}
}

// merchant parses req.Merchant (1-based index); "" gives def.
func merchant(s string, def uint8) (uint8, error) {
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 0 || n > 255 {
		return 0, badRequest("merchant %q is not an index 0-255", s)
	}
	return uint8(n), nil
}

// kopecks checks an amount against the flat C API's signed int.
func kopecks(a payment.Amount, what string) (uint32, error) {
	if a < 0 || int64(a) > math.MaxInt32 {
		return 0, badRequest("%s %s out of range", what, a)
	}
	return uint32(a), nil
}

func (t *Terminal) progressCtx(ctx context.Context, req payment.Request) context.Context {
	if req.Events == nil {
		return ctx
	}
	return WithProgress(ctx, func(s Status) { req.Send(payment.Event{Code: int(s.Code), Text: s.Text}) })
}

// Purchase runs Purchase + Confirm + ReqCurrReceipt (task 1).
func (t *Terminal) Purchase(ctx context.Context, req payment.Request) (*payment.Result, error) {
	m, err := merchant(req.Merchant, 1)
	if err != nil {
		return nil, err
	}
	amount, err := kopecks(req.Amount, "amount")
	if err != nil {
		return nil, err
	}
	disc, err := kopecks(req.Discount, "discount")
	if err != nil {
		return nil, err
	}
	if amount == 0 || disc > amount {
		return nil, badRequest("amount %s with discount %s", req.Amount, req.Discount)
	}
	return t.Money(ctx, payment.OpPurchase, req, func(ctx context.Context) (*payment.Result, error) {
		txn, err := t.c().Purchase(t.progressCtx(ctx, req), amount, disc, m)
		return t.result(payment.OpPurchase, txn, err)
	})
}

// ValidRRN reports whether s is the 12-digit RRN a refund needs (bpos1.md §2.4 RRN).
func ValidRRN(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Refund runs Refund(amount, 0, merchant, RRN) + Confirm + ReqCurrReceipt (task 2). An RRN
// that is not 12 digits is refused before the wire with 5025.
func (t *Terminal) Refund(ctx context.Context, req payment.Request) (*payment.Result, error) {
	m, err := merchant(req.Merchant, 1)
	if err != nil {
		return nil, err
	}
	amount, err := kopecks(req.Amount, "amount")
	if err != nil {
		return nil, err
	}
	if amount == 0 {
		return nil, badRequest("refund of zero")
	}
	if !ValidRRN(req.RRN) {
		return nil, &payment.Error{Code: 5025, DeviceText: "RRN must be 12 digits"}
	}
	return t.Money(ctx, payment.OpRefund, req, func(ctx context.Context) (*payment.Result, error) {
		txn, err := t.c().Refund(t.progressCtx(ctx, req), amount, m, req.RRN)
		return t.result(payment.OpRefund, txn, err)
	})
}

// Cancel voids invoice req.Invoice of the current batch, with no Confirm (task 3). Where
// the backend has a journal, the invoice is looked up first: an unknown one gives 5027.
func (t *Terminal) Cancel(ctx context.Context, req payment.Request) (*payment.Result, error) {
	m, err := merchant(req.Merchant, 1)
	if err != nil {
		return nil, err
	}
	inv, err := strconv.ParseUint(strings.TrimSpace(req.Invoice), 10, 32)
	if err != nil || inv == 0 {
		return nil, badRequest("invoice %q is not a number", req.Invoice)
	}
	return t.Money(ctx, payment.OpCancel, req, func(ctx context.Context) (*payment.Result, error) {
		orig, err := t.c().TxnByInvoice(ctx, uint32(inv), m)
		var re *ResultError
		switch {
		case errors.As(err, &re) && re.Declined():
			return nil, &payment.Error{Code: payment.CodeOperationNotFound, ResponseCode: strconv.Itoa(int(re.ResponseCode)), DeviceText: re.Description}
		case err == nil && orig.TrnStatus != TrnApproved:
			return nil, &payment.Error{Code: payment.CodeOperationNotFound, DeviceText: "invoice " + req.Invoice + " is " + orig.TrnStatus.String()}
		case err != nil && !errors.Is(err, ErrNotSupported):
			return t.result(payment.OpCancel, nil, err)
		}
		txn, err := t.c().Void(t.progressCtx(ctx, req), uint32(inv), m)
		return t.result(payment.OpCancel, txn, err)
	})
}

// XReport prints the X-report with PrintBatchTotals (task 10); merchant "" means all (0).
func (t *Terminal) XReport(ctx context.Context, req payment.Request) (*payment.Result, error) {
	return t.totals(ctx, payment.OpXReport, req, t.c().PrintBatchTotals)
}

// CloseBatch runs Settlement (task 11); merchant "" means all (0).
func (t *Terminal) CloseBatch(ctx context.Context, req payment.Request) (*payment.Result, error) {
	return t.totals(ctx, payment.OpCloseBatch, req, t.c().Settlement)
}

// totals runs a batch-totals operation (X or Z) for the request's merchant, 0 meaning all.
func (t *Terminal) totals(ctx context.Context, op payment.Operation, req payment.Request, run func(context.Context, uint8) (*Totals, error)) (*payment.Result, error) {
	leave, err := t.Enter(ctx, op)
	if err != nil {
		return nil, err
	}
	defer leave()
	m, err := merchant(req.Merchant, 0)
	if err != nil {
		return nil, err
	}
	tot, err := run(ctx, m)
	return t.totalsResult(op, tot, err)
}

// PurchaseCashback (task 14). BPOS1 has no purchase-with-cashback method (bpos1.md §3);
// the documented cash withdrawal CashAdvance serves the "cash only" case DM describes for
// Oschadbank: Amount 0 and CashAmount > 0. Any purchase amount gives 5029.
func (t *Terminal) PurchaseCashback(ctx context.Context, req payment.Request) (*payment.Result, error) {
	if err := t.Capabilities().Check(payment.OpPurchaseCashback); err != nil {
		return nil, err
	}
	if req.Amount != 0 || req.CashAmount <= 0 {
		return nil, &payment.Error{Code: payment.CodeNotSupportedTask,
			Args:       []string{string(t.Capabilities().Bank), string(t.Capabilities().Protocol), payment.OpPurchaseCashback.String()},
			DeviceText: "BPOS1 has no purchase-with-cash method; only cash withdrawal (Amount 0, CashAmount > 0) via CashAdvance is documented"}
	}
	m, err := merchant(req.Merchant, 1)
	if err != nil {
		return nil, err
	}
	cash, err := kopecks(req.CashAmount, "cash amount")
	if err != nil {
		return nil, err
	}
	return t.Money(ctx, payment.OpPurchaseCashback, req, func(ctx context.Context) (*payment.Result, error) {
		txn, err := t.c().CashAdvance(t.progressCtx(ctx, req), cash, m, "980", 0)
		res, err := t.result(payment.OpPurchaseCashback, txn, err)
		if res != nil {
			res.CashAmount = res.Amount
		}
		return res, err
	})
}

// TransferP2P (task 4) always fails with 5029: the vendor API has no P2P method (bpos1.md
// §3; TxnType 21/22 exist but nothing public starts them).
func (t *Terminal) TransferP2P(ctx context.Context, req payment.Request) (*payment.Result, error) {
	if err := t.Capabilities().Check(payment.OpP2P); err != nil {
		return nil, err
	}
	return nil, &payment.Error{Code: payment.CodeNotSupportedTask,
		Args:       []string{string(t.Capabilities().Bank), string(t.Capabilities().Protocol), payment.OpP2P.String()},
		DeviceText: "the BPOS1 library has no documented P2P method (TxnType 21/22 exist, no call starts them)"}
}

// GetTransaction returns the journal record with req.Invoice, or the newest one (task 17).
func (t *Terminal) GetTransaction(ctx context.Context, req payment.Request) (*payment.Result, error) {
	leave, err := t.Enter(ctx, payment.OpGetTransaction)
	if err != nil {
		return nil, err
	}
	defer leave()
	if strings.TrimSpace(req.Invoice) == "" {
		return t.last(ctx)
	}
	m, err := merchant(req.Merchant, 1)
	if err != nil {
		return nil, err
	}
	inv, err := strconv.ParseUint(strings.TrimSpace(req.Invoice), 10, 32)
	if err != nil {
		return nil, badRequest("invoice %q is not a number", req.Invoice)
	}
	txn, err := t.c().TxnByInvoice(ctx, uint32(inv), m)
	var re *ResultError
	if errors.As(err, &re) && re.Declined() {
		return nil, &payment.Error{Code: payment.CodeOperationNotFound, ResponseCode: strconv.Itoa(int(re.ResponseCode)), DeviceText: re.Description}
	}
	return t.journalResult(txn, err)
}

func (t *Terminal) last(ctx context.Context) (*payment.Result, error) {
	txn, err := t.c().LastTxn(ctx)
	if errors.Is(err, ErrNoTransaction) {
		return nil, &payment.Error{Code: payment.CodeOperationNotFound, DeviceText: "the terminal's journal is empty", Err: err}
	}
	return t.journalResult(txn, err)
}

// LastTransaction returns the newest journal record (service 6).
func (t *Terminal) LastTransaction(ctx context.Context) (*payment.Result, error) {
	leave, err := t.EnterService(ctx, payment.SvcLastTransaction, true)
	if err != nil {
		return nil, err
	}
	defer leave()
	return t.last(ctx)
}

// Merchants lists the acquirers of POSGetInfo's TerminalInfo, split on '/' (service 2).
func (t *Terminal) Merchants(ctx context.Context) ([]payment.Merchant, error) {
	leave, err := t.EnterService(ctx, payment.SvcMerchantList, true)
	if err != nil {
		return nil, err
	}
	defer leave()
	ti, err := t.c().TerminalInfo(ctx)
	if err != nil {
		return nil, t.mapErr(err)
	}
	out := make([]payment.Merchant, 0, len(ti.Acquirers))
	for i, a := range ti.Acquirers {
		out = append(out, payment.Merchant{Index: strconv.Itoa(i + 1), Name: a})
	}
	return out, nil
}

// BankEcho makes the terminal test its host link for merchant 1 (service 4).
func (t *Terminal) BankEcho(ctx context.Context) error {
	leave, err := t.EnterService(ctx, payment.SvcBankEcho, true)
	if err != nil {
		return err
	}
	defer leave()
	return t.mapErr(t.c().CheckConnection(ctx, 1))
}

// TransactionStatus returns the progress of the running operation (service 5). It does not
// wait for the running operation.
func (t *Terminal) TransactionStatus(ctx context.Context) (payment.Event, error) {
	if err := t.Capabilities().CheckService(payment.SvcTransactionStatus); err != nil {
		return payment.Event{}, err
	}
	s := t.c().Status()
	return payment.Event{Code: int(s.Code), Text: s.Text}, nil
}

// Ping checks the ECR-terminal link with the library's Ping. DM has no ping service for
// BPOS1; payment.Pinger allows the protocol's own link check.
func (t *Terminal) Ping(ctx context.Context) error {
	leave, err := t.EnterLink(ctx)
	if err != nil {
		return err
	}
	defer leave()
	return t.mapErr(t.c().Ping(ctx))
}

var wireTxnOp = map[TxnType]payment.Operation{
	TxnPurchase: payment.OpPurchase, TxnRefund: payment.OpRefund, TxnVoid: payment.OpCancel,
	TxnCashAdvance: payment.OpPurchaseCashback,
}

func entryName(e EntryMode) string {
	switch e {
	case EntryMagstripe, EntryFallback:
		return "magstripe"
	case EntryChip:
		return "chip"
	case EntryContactlessChip, EntryContactlessStripe:
		return "contactless"
	case EntryManual:
		return "manual"
	}
	return ""
}

// toResult converts a transaction.
func toResult(op payment.Operation, x *Txn) *payment.Result {
	r := &payment.Result{
		Operation: op, Approved: true, ResponseCode: strconv.Itoa(int(x.ResponseCode)),
		RRN: x.RRN, AuthCode: x.AuthCode, PAN: x.PAN, Issuer: x.IssuerName,
		TerminalID: x.TerminalID, MerchantID: x.MerchantID, EntryMode: entryName(x.EntryMode),
		Amount: payment.Amount(x.Amount), DiscountAmount: payment.Amount(x.AddAmount),
		Currency: x.CurrencyCode, SignatureRequired: x.SignatureRequired, PaymentSystem: x.PaymentSystem,
		Receipt: payment.RedactPANs(x.Receipt),
		Raw: map[string]string{
			"TxnType": strconv.Itoa(int(x.TxnType)), "TrnStatus": strconv.Itoa(int(x.TrnStatus)),
			"TrnBatchNum": strconv.Itoa(int(x.BatchNum)), "DateTime": x.DateTime,
		},
	}
	if x.InvoiceNum != 0 {
		r.Invoice = strconv.Itoa(int(x.InvoiceNum))
	}
	if r.Currency == "" {
		r.Currency = x.Currency
	}
	if tm, ok := txnTime(x); ok {
		r.Time = tm
	}
	return r
}

// result converts a financial operation's outcome.
func (t *Terminal) result(op payment.Operation, x *Txn, err error) (*payment.Result, error) {
	if err != nil {
		return nil, t.mapErr(err)
	}
	return toResult(op, x), nil
}

func (t *Terminal) journalResult(x *Txn, err error) (*payment.Result, error) {
	if err != nil {
		return nil, t.mapErr(err)
	}
	op, ok := wireTxnOp[x.TxnType]
	if !ok {
		op = payment.OpGetTransaction
	}
	r := toResult(op, x)
	r.Approved = x.TrnStatus == TrnApproved
	return r, nil
}

func (t *Terminal) totalsResult(op payment.Operation, tot *Totals, err error) (*payment.Result, error) {
	if err != nil {
		return nil, t.mapErr(err)
	}
	r := &payment.Result{Operation: op, Approved: true, Receipt: payment.RedactPANs(tot.Receipt)}
	if t.c().hasTotals() {
		r.Totals = &payment.Totals{
			PurchaseCount: int(tot.DebitNum), PurchaseAmount: payment.Amount(tot.DebitAmt),
			RefundCount: int(tot.CreditNum), RefundAmount: payment.Amount(tot.CreditAmt),
			CancelCount: int(tot.CancelledNum), CancelAmount: payment.Amount(tot.CancelledAmt),
		}
	}
	return r, nil
}
