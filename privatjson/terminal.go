package privatjson

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/uapos/uapos/adapter"
	"github.com/uapos/uapos/payment"
)

// TerminalConfig configures a [Terminal]: the suite's adapter configuration ([adapter.Config]).
// Bank selects the DM capability row of the terminal's [Variant]: for [PrivatBank],
// [payment.BankPrivat] (the default) or [payment.BankABank]. The key in the journal defaults
// to the variant's name plus the link's name ("privatjson:tcp://127.0.0.1:2000").
type TerminalConfig = adapter.Config

// Variant is one configuration of the JSON ECR terminal: the DM protocol whose capability row
// it follows and the name it goes by. The wire is the same for every variant.
type Variant struct {
	// Protocol is DM's protocol of the row.
	Protocol payment.Protocol
	// DefaultBank is the bank when TerminalConfig.Bank is "".
	DefaultBank payment.Bank
	// Name starts the default journal key and the adapter's errors ("privatjson").
	Name string
}

// PrivatBank is the variant of DM's "JSON" rows: PrivatBank and A-Bank terminals.
var PrivatBank = Variant{Protocol: payment.ProtoPrivatJSON, DefaultBank: payment.BankPrivat, Name: "privatjson"}

// Terminal adapts a [Client] to [payment.Terminal] with DM's mapping (issue 5): task 1
// Purchase, 2 Refund, 3 Withdrawal (void by invoice), 5 ServiceGeneric, 10 Audit, 11 Verify,
// 14 Cashback, 15 ServicePbP, 16 ServiceRefPbP, 17 GetReceiptInfo; services: ping =
// PingDevice, merchant list = getMerchantList, mask list = getMaskList, bank echo =
// CheckConnection, status = getLastStatMsgCode, last transaction = GetReceiptInfo(""). A task
// or service outside the variant's DM row is refused with 5029 before the wire.
type Terminal struct {
	*adapter.Base[*Client]
}

var (
	_ payment.Terminal          = (*Terminal)(nil)
	_ payment.Pinger            = (*Terminal)(nil)
	_ payment.CashbackPurchaser = (*Terminal)(nil)
	_ payment.ServicePayer      = (*Terminal)(nil)
	_ payment.InstalmentPayer   = (*Terminal)(nil)
	_ payment.TransactionGetter = (*Terminal)(nil)
	_ payment.MerchantLister    = (*Terminal)(nil)
	_ payment.MaskLister        = (*Terminal)(nil)
	_ payment.BankEchoer        = (*Terminal)(nil)
	_ payment.StatusReader      = (*Terminal)(nil)
	_ payment.LastTransactioner = (*Terminal)(nil)
)

// NewTerminal returns the adapter of the [PrivatBank] variant. It fails when the bank has no
// JSON row in DM's table.
func NewTerminal(c *Client, cfg TerminalConfig) (*Terminal, error) {
	return NewTerminalFor(c, cfg, PrivatBank)
}

// NewTerminalFor returns the adapter of variant v (package ssijson passes its own). It fails
// when the bank has no row for v's protocol in DM's table.
func NewTerminalFor(c *Client, cfg TerminalConfig, v Variant) (*Terminal, error) {
	if c == nil {
		return nil, fmt.Errorf("%s: %w", v.Name, adapter.ErrNilClient)
	}
	t := &Terminal{}
	b, err := adapter.New(c, cfg, adapter.Spec{Protocol: v.Protocol, DefaultBank: v.DefaultBank,
		KeyPrefix: v.Name, Link: linkConn(c), Reconcile: t.reconcile})
	if err != nil {
		return nil, err
	}
	t.Base = b
	return t, nil
}

// linkConn returns the client's current connection, which names the device in the journal key.
func linkConn(c *Client) any {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.link == nil || c.link.conn == nil {
		return nil
	}
	return c.link.conn
}

// money runs a money-moving exchange under the gate and the ledger. The time the request goes
// out is noted first: the only reference a lost reply can be matched by (see reconcile).
func (t *Terminal) money(ctx context.Context, op payment.Operation, req payment.Request, run func(ctx context.Context, progress ProgressFunc) (*Transaction, error)) (*payment.Result, error) {
	return t.Money(ctx, op, req, func(ctx context.Context) (*payment.Result, error) {
		t.Note(ctx, req.TransactionID, RefSent, time.Now().UTC().Format(time.RFC3339))
		var progress ProgressFunc
		if req.Events != nil {
			progress = func(s Status) { req.Send(payment.Event{Code: int(s), Text: s.String()}) }
		}
		tx, err := run(ctx, progress)
		return t.result(op, req, tx, err)
	})
}

// result maps a client outcome onto the payment vocabulary.
func (t *Terminal) result(op payment.Operation, req payment.Request, tx *Transaction, err error) (*payment.Result, error) {
	var res *payment.Result
	if tx != nil {
		res = ToResult(op, tx)
		res.TransactionID = req.TransactionID
	}
	if err != nil {
		return nil, t.mapError(op, err)
	}
	return res, nil
}

// Purchase implements payment.Terminal (task 1): Purchase with amount, discount, merchantId.
func (t *Terminal) Purchase(ctx context.Context, req payment.Request) (*payment.Result, error) {
	return t.money(ctx, payment.OpPurchase, req, func(ctx context.Context, pr ProgressFunc) (*Transaction, error) {
		return t.Client().Purchase(ctx, PurchaseRequest{Amount: req.Amount, Discount: req.Discount, MerchantID: req.Merchant, SubMerchant: req.Extra["subMerchant"], Progress: pr})
	})
}

// Refund implements payment.Terminal (task 2): Refund by req.RRN.
func (t *Terminal) Refund(ctx context.Context, req payment.Request) (*payment.Result, error) {
	return t.money(ctx, payment.OpRefund, req, func(ctx context.Context, pr ProgressFunc) (*Transaction, error) {
		return t.Client().Refund(ctx, RefundRequest{Amount: req.Amount, Discount: req.Discount, MerchantID: req.Merchant, RRN: req.RRN, SubMerchant: req.Extra["subMerchant"], Progress: pr})
	})
}

// Cancel implements payment.Terminal (task 3): Withdrawal by req.Invoice (no card needed).
func (t *Terminal) Cancel(ctx context.Context, req payment.Request) (*payment.Result, error) {
	return t.money(ctx, payment.OpCancel, req, func(ctx context.Context, pr ProgressFunc) (*Transaction, error) {
		return t.Client().Withdrawal(ctx, WithdrawalRequest{InvoiceNumber: req.Invoice, Progress: pr})
	})
}

// PayService implements payment.ServicePayer (task 5): ServiceGeneric with req.Extra "srvNum"
// and "param".
func (t *Terminal) PayService(ctx context.Context, req payment.Request) (*payment.Result, error) {
	return t.money(ctx, payment.OpServicePayment, req, func(ctx context.Context, pr ProgressFunc) (*Transaction, error) {
		return t.Client().ServiceGeneric(ctx, ServiceGenericRequest{Amount: req.Amount, Param: req.Extra["param"], SrvNum: req.Extra["srvNum"], MerchantID: req.Merchant, Progress: pr})
	})
}

// PurchaseCashback implements payment.CashbackPurchaser (task 14): Cashback.
func (t *Terminal) PurchaseCashback(ctx context.Context, req payment.Request) (*payment.Result, error) {
	return t.money(ctx, payment.OpPurchaseCashback, req, func(ctx context.Context, pr ProgressFunc) (*Transaction, error) {
		return t.Client().Cashback(ctx, CashbackRequest{Amount: req.Amount, AmountCash: req.CashAmount, MerchantID: req.Merchant, SubMerchant: req.Extra["subMerchant"], Progress: pr})
	})
}

// PurchaseInstalments implements payment.InstalmentPayer (task 15): ServicePbP with
// req.Instalments parts; the agreement number comes back in Result.AgreementNumber.
func (t *Terminal) PurchaseInstalments(ctx context.Context, req payment.Request) (*payment.Result, error) {
	return t.money(ctx, payment.OpInstalment, req, func(ctx context.Context, pr ProgressFunc) (*Transaction, error) {
		return t.Client().Instalment(ctx, InstalmentRequest{Method: MethodServicePbP, Amount: req.Amount, AmountOfParts: req.Instalments, SubMerchant: req.Extra["subMerchant"], Progress: pr})
	})
}

// RefundInstalments implements payment.InstalmentPayer (task 16): ServiceRefPbP with
// req.AgreementNumber.
func (t *Terminal) RefundInstalments(ctx context.Context, req payment.Request) (*payment.Result, error) {
	return t.money(ctx, payment.OpInstalmentRefund, req, func(ctx context.Context, pr ProgressFunc) (*Transaction, error) {
		return t.Client().Instalment(ctx, InstalmentRequest{Method: MethodServiceRefPbP, Amount: req.Amount, AgreementNum: req.AgreementNumber, Progress: pr})
	})
}

func (t *Terminal) report(ctx context.Context, op payment.Operation, req payment.Request, run func(context.Context, string) (*Report, error)) (*payment.Result, error) {
	leave, err := t.Enter(ctx, op)
	if err != nil {
		return nil, err
	}
	defer leave()
	if op == payment.OpCloseBatch {
		// Verify empties the batch, and with it the last receipt a lost reply is reconciled
		// by: settle unknown outcomes first.
		if err := t.Ledger().Resolve(ctx); err != nil {
			return nil, err
		}
	}
	rep, err := run(ctx, req.Merchant)
	if err != nil {
		return nil, t.mapError(op, err)
	}
	return &payment.Result{Operation: op, Approved: true, ResponseCode: rep.ResponseCode, Receipt: rep.Receipt}, nil
}

// XReport implements payment.Terminal (task 10): Audit. The totals are in the slip text
// only; the spec gives no structured totals, so Result.Totals stays nil.
func (t *Terminal) XReport(ctx context.Context, req payment.Request) (*payment.Result, error) {
	return t.report(ctx, payment.OpXReport, req, t.Client().Audit)
}

// CloseBatch implements payment.Terminal (task 11): Verify.
func (t *Terminal) CloseBatch(ctx context.Context, req payment.Request) (*payment.Result, error) {
	return t.report(ctx, payment.OpCloseBatch, req, t.Client().Verify)
}

// GetTransaction implements payment.TransactionGetter (task 17): GetReceiptInfo by
// req.Invoice, or the last one.
func (t *Terminal) GetTransaction(ctx context.Context, req payment.Request) (*payment.Result, error) {
	leave, err := t.Enter(ctx, payment.OpGetTransaction)
	if err != nil {
		return nil, err
	}
	defer leave()
	return t.receiptInfo(ctx, payment.OpGetTransaction, req.Invoice)
}

func (t *Terminal) receiptInfo(ctx context.Context, op payment.Operation, invoice string) (*payment.Result, error) {
	tx, err := t.Client().GetReceiptInfo(ctx, invoice)
	if err != nil {
		var re *ResponseError
		if errors.As(err, &re) && re.Code() == 1000 {
			return nil, &payment.Error{Code: payment.CodeOperationNotFound, ResponseCode: re.ResponseCode, DeviceText: re.Description, Err: err}
		}
		return nil, t.mapError(op, err)
	}
	return ToResult(txnOperation(tx.TxnType), tx), nil
}

func txnOperation(tt TxnType) payment.Operation {
	switch tt {
	case TxnRefund:
		return payment.OpRefund
	case TxnVoid:
		return payment.OpCancel
	case TxnInstalment:
		return payment.OpInstalment
	}
	return payment.OpPurchase
}

// Ping implements payment.Pinger (service 1): PingDevice; a busy terminal gives ErrBusy.
func (t *Terminal) Ping(ctx context.Context) error {
	return t.service(ctx, payment.SvcPing, t.Client().PingDevice)
}

// BankEcho implements payment.BankEchoer (service 4): CheckConnection. The operator picks the
// merchant on the terminal.
func (t *Terminal) BankEcho(ctx context.Context) error {
	return t.service(ctx, payment.SvcBankEcho, t.Client().CheckConnection)
}

// service runs a service call of the row under the gate.
func (t *Terminal) service(ctx context.Context, s payment.Service, call func(context.Context) error) error {
	leave, err := t.EnterService(ctx, s, true)
	if err != nil {
		return err
	}
	defer leave()
	if err := call(ctx); err != nil {
		return t.mapErrorFor(payment.OpGetTransaction, s.String(), err)
	}
	return nil
}

// Merchants implements payment.MerchantLister (service 2): getMerchantList. It is a service
// message, so it runs alongside an operation.
func (t *Terminal) Merchants(ctx context.Context) ([]payment.Merchant, error) {
	if _, err := t.EnterService(ctx, payment.SvcMerchantList, false); err != nil {
		return nil, err
	}
	list, err := t.Client().MerchantList(ctx)
	if err != nil {
		return nil, t.mapErrorFor(payment.OpGetTransaction, payment.SvcMerchantList.String(), err)
	}
	out := make([]payment.Merchant, 0, len(list))
	for _, kv := range list {
		out = append(out, payment.Merchant{Index: kv[0], Name: kv[1]})
	}
	return out, nil
}

// MerchantMasks implements payment.MaskLister (service 3): getMaskList, in index order.
func (t *Terminal) MerchantMasks(ctx context.Context) ([]string, error) {
	if _, err := t.EnterService(ctx, payment.SvcMaskList, false); err != nil {
		return nil, err
	}
	list, err := t.Client().MaskList(ctx)
	if err != nil {
		return nil, t.mapErrorFor(payment.OpGetTransaction, payment.SvcMaskList.String(), err)
	}
	out := make([]string, 0, len(list))
	for _, kv := range list {
		out = append(out, kv[1])
	}
	return out, nil
}

// TransactionStatus implements payment.StatusReader (service 5): getLastStatMsgCode, alongside
// the running operation.
func (t *Terminal) TransactionStatus(ctx context.Context) (payment.Event, error) {
	if _, err := t.EnterService(ctx, payment.SvcTransactionStatus, false); err != nil {
		return payment.Event{}, err
	}
	s, err := t.Client().LastStatMsgCode(ctx)
	if err != nil {
		return payment.Event{}, t.mapErrorFor(payment.OpGetTransaction, payment.SvcTransactionStatus.String(), err)
	}
	return payment.Event{Code: int(s), Text: s.String()}, nil
}

// LastTransaction implements payment.LastTransactioner (service 6): GetReceiptInfo("").
func (t *Terminal) LastTransaction(ctx context.Context) (*payment.Result, error) {
	leave, err := t.EnterService(ctx, payment.SvcLastTransaction, true)
	if err != nil {
		return nil, err
	}
	defer leave()
	return t.receiptInfo(ctx, payment.OpGetTransaction, "")
}
