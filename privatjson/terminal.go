package privatjson

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/uapos/uapos/journal"
	"github.com/uapos/uapos/payment"
)

// TerminalConfig configures a [Terminal] (the suite's adapter convention).
type TerminalConfig struct {
	// Bank selects the DM capability row: [payment.BankPrivat] (default) or
	// [payment.BankABank], both over [payment.ProtoPrivatJSON].
	Bank payment.Bank
	// Protocol is the row's protocol; "" means [payment.ProtoPrivatJSON]. Package ssijson sets
	// [payment.ProtoSSIJSON].
	Protocol payment.Protocol
	// Journal records money-moving operations; nil means an in-memory journal.
	Journal journal.Journal
	// Key is this terminal's key in the journal; "" means "privatjson:" plus the link's name
	// when it has one, else "privatjson".
	Key string
	// Wait makes a second caller wait for the running operation instead of getting 1105 busy.
	Wait bool
	// ReconcileWindow is how far the time of the terminal's last receipt may be from the time
	// a lost request was sent for the receipt to be taken as that request's. 0 means 10 min;
	// negative disables the time check (amount and type must still match).
	ReconcileWindow time.Duration
	// Logger receives Debug records; nil discards.
	Logger *slog.Logger
}

// Terminal adapts a [Client] to [payment.Terminal] with DM's mapping (issue 5): task 1
// Purchase, 2 Refund, 3 Withdrawal (void by invoice), 5 ServiceGeneric, 10 Audit, 11 Verify,
// 14 Cashback, 15 ServicePbP, 16 ServiceRefPbP, 17 GetReceiptInfo; services: ping =
// PingDevice, merchant list = getMerchantList, mask list = getMaskList, bank echo =
// CheckConnection, status = getLastStatMsgCode, last transaction = GetReceiptInfo("").
type Terminal struct {
	c      *Client
	cfg    TerminalConfig
	caps   payment.CapabilitySet
	gate   payment.Gate
	ledger *journal.Ledger
	log    *slog.Logger
	window time.Duration
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

// NewTerminal returns the adapter. It fails when the bank has no row for the protocol in DM's
// table.
func NewTerminal(c *Client, cfg TerminalConfig) (*Terminal, error) {
	if c == nil {
		return nil, errors.New("privatjson: nil client")
	}
	if cfg.Bank == "" {
		cfg.Bank = payment.BankPrivat
	}
	if cfg.Protocol == "" {
		cfg.Protocol = payment.ProtoPrivatJSON
	}
	caps, ok := payment.Capabilities(cfg.Bank, cfg.Protocol)
	if !ok {
		return nil, fmt.Errorf("privatjson: no DM capability row for %s (%s)", cfg.Bank, cfg.Protocol)
	}
	if cfg.Key == "" {
		cfg.Key = "privatjson"
		c.mu.Lock()
		if l := c.link; l != nil {
			if s, ok := l.conn.(fmt.Stringer); ok {
				cfg.Key += ":" + s.String()
			}
		}
		c.mu.Unlock()
	}
	lg := cfg.Logger
	if lg == nil {
		lg = slog.New(slog.DiscardHandler)
	}
	t := &Terminal{c: c, cfg: cfg, caps: caps, log: lg, window: dur(cfg.ReconcileWindow, 10*time.Minute)}
	t.ledger = &journal.Ledger{Journal: cfg.Journal, Terminal: cfg.Key, Reconcile: t.reconcile}
	return t, nil
}

// Client returns the underlying client, for the protocol's methods DM has no task for.
func (t *Terminal) Client() *Client { return t.c }

// Capabilities returns the DM row.
func (t *Terminal) Capabilities() payment.CapabilitySet { return t.caps }

// enter checks the row and takes the gate.
func (t *Terminal) enter(ctx context.Context, op payment.Operation) (func(), error) {
	if err := t.caps.Check(op); err != nil {
		return nil, err
	}
	return t.gate.Enter(ctx, t.cfg.Wait)
}

func (t *Terminal) enterService(ctx context.Context, s payment.Service, gate bool) (func(), error) {
	if err := t.caps.CheckService(s); err != nil {
		return nil, err
	}
	if !gate {
		return func() {}, nil
	}
	return t.gate.Enter(ctx, t.cfg.Wait)
}

// money runs a money-moving exchange under the gate and the ledger.
func (t *Terminal) money(ctx context.Context, op payment.Operation, req payment.Request, run func(ctx context.Context, progress ProgressFunc) (*Transaction, error)) (*payment.Result, error) {
	leave, err := t.enter(ctx, op)
	if err != nil {
		return nil, err
	}
	defer leave()
	return t.ledger.Run(ctx, op, req, func(ctx context.Context) (*payment.Result, error) {
		if j := t.ledger.Journal; j != nil {
			j.Note(req.TransactionID, "sent", time.Now().UTC().Format(time.RFC3339))
		}
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
		return t.c.Purchase(ctx, PurchaseRequest{Amount: req.Amount, Discount: req.Discount, MerchantID: req.Merchant, SubMerchant: req.Extra["subMerchant"], Progress: pr})
	})
}

// Refund implements payment.Terminal (task 2): Refund by req.RRN.
func (t *Terminal) Refund(ctx context.Context, req payment.Request) (*payment.Result, error) {
	return t.money(ctx, payment.OpRefund, req, func(ctx context.Context, pr ProgressFunc) (*Transaction, error) {
		return t.c.Refund(ctx, RefundRequest{Amount: req.Amount, Discount: req.Discount, MerchantID: req.Merchant, RRN: req.RRN, SubMerchant: req.Extra["subMerchant"], Progress: pr})
	})
}

// Cancel implements payment.Terminal (task 3): Withdrawal by req.Invoice (no card needed).
func (t *Terminal) Cancel(ctx context.Context, req payment.Request) (*payment.Result, error) {
	return t.money(ctx, payment.OpCancel, req, func(ctx context.Context, pr ProgressFunc) (*Transaction, error) {
		return t.c.Withdrawal(ctx, WithdrawalRequest{InvoiceNumber: req.Invoice, Progress: pr})
	})
}

// PayService implements payment.ServicePayer (task 5): ServiceGeneric with req.Extra "srvNum"
// and "param".
func (t *Terminal) PayService(ctx context.Context, req payment.Request) (*payment.Result, error) {
	return t.money(ctx, payment.OpServicePayment, req, func(ctx context.Context, pr ProgressFunc) (*Transaction, error) {
		return t.c.ServiceGeneric(ctx, ServiceGenericRequest{Amount: req.Amount, Param: req.Extra["param"], SrvNum: req.Extra["srvNum"], MerchantID: req.Merchant, Progress: pr})
	})
}

// PurchaseCashback implements payment.CashbackPurchaser (task 14): Cashback.
func (t *Terminal) PurchaseCashback(ctx context.Context, req payment.Request) (*payment.Result, error) {
	return t.money(ctx, payment.OpPurchaseCashback, req, func(ctx context.Context, pr ProgressFunc) (*Transaction, error) {
		return t.c.Cashback(ctx, CashbackRequest{Amount: req.Amount, AmountCash: req.CashAmount, MerchantID: req.Merchant, SubMerchant: req.Extra["subMerchant"], Progress: pr})
	})
}

// PurchaseInstalments implements payment.InstalmentPayer (task 15): ServicePbP with
// req.Instalments parts; the agreement number comes back in Result.AgreementNumber.
func (t *Terminal) PurchaseInstalments(ctx context.Context, req payment.Request) (*payment.Result, error) {
	return t.money(ctx, payment.OpInstalment, req, func(ctx context.Context, pr ProgressFunc) (*Transaction, error) {
		return t.c.Instalment(ctx, InstalmentRequest{Method: MethodServicePbP, Amount: req.Amount, AmountOfParts: req.Instalments, SubMerchant: req.Extra["subMerchant"], Progress: pr})
	})
}

// RefundInstalments implements payment.InstalmentPayer (task 16): ServiceRefPbP with
// req.AgreementNumber.
func (t *Terminal) RefundInstalments(ctx context.Context, req payment.Request) (*payment.Result, error) {
	return t.money(ctx, payment.OpInstalmentRefund, req, func(ctx context.Context, pr ProgressFunc) (*Transaction, error) {
		return t.c.Instalment(ctx, InstalmentRequest{Method: MethodServiceRefPbP, Amount: req.Amount, AgreementNum: req.AgreementNumber, Progress: pr})
	})
}

func (t *Terminal) report(ctx context.Context, op payment.Operation, req payment.Request, run func(context.Context, string) (*Report, error)) (*payment.Result, error) {
	leave, err := t.enter(ctx, op)
	if err != nil {
		return nil, err
	}
	defer leave()
	rep, err := run(ctx, req.Merchant)
	if err != nil {
		return nil, t.mapError(op, err)
	}
	return &payment.Result{Operation: op, Approved: true, ResponseCode: rep.ResponseCode, Receipt: rep.Receipt}, nil
}

// XReport implements payment.Terminal (task 10): Audit. The totals are in the slip text
// only; the spec gives no structured totals, so Result.Totals stays nil.
func (t *Terminal) XReport(ctx context.Context, req payment.Request) (*payment.Result, error) {
	return t.report(ctx, payment.OpXReport, req, t.c.Audit)
}

// CloseBatch implements payment.Terminal (task 11): Verify.
func (t *Terminal) CloseBatch(ctx context.Context, req payment.Request) (*payment.Result, error) {
	return t.report(ctx, payment.OpCloseBatch, req, t.c.Verify)
}

// GetTransaction implements payment.TransactionGetter (task 17): GetReceiptInfo by
// req.Invoice, or the last one.
func (t *Terminal) GetTransaction(ctx context.Context, req payment.Request) (*payment.Result, error) {
	leave, err := t.enter(ctx, payment.OpGetTransaction)
	if err != nil {
		return nil, err
	}
	defer leave()
	return t.receiptInfo(ctx, payment.OpGetTransaction, req.Invoice)
}

func (t *Terminal) receiptInfo(ctx context.Context, op payment.Operation, invoice string) (*payment.Result, error) {
	tx, err := t.c.GetReceiptInfo(ctx, invoice)
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
	leave, err := t.enterService(ctx, payment.SvcPing, true)
	if err != nil {
		return err
	}
	defer leave()
	if err := t.c.PingDevice(ctx); err != nil {
		return t.mapErrorFor(payment.OpGetTransaction, payment.SvcPing.String(), err)
	}
	return nil
}

// BankEcho implements payment.BankEchoer (service 4): CheckConnection. The operator picks the
// merchant on the terminal.
func (t *Terminal) BankEcho(ctx context.Context) error {
	leave, err := t.enterService(ctx, payment.SvcBankEcho, true)
	if err != nil {
		return err
	}
	defer leave()
	if err := t.c.CheckConnection(ctx); err != nil {
		return t.mapErrorFor(payment.OpGetTransaction, payment.SvcBankEcho.String(), err)
	}
	return nil
}

// Merchants implements payment.MerchantLister (service 2): getMerchantList. It is a service
// message, so it runs alongside an operation.
func (t *Terminal) Merchants(ctx context.Context) ([]payment.Merchant, error) {
	if _, err := t.enterService(ctx, payment.SvcMerchantList, false); err != nil {
		return nil, err
	}
	list, err := t.c.MerchantList(ctx)
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
	if _, err := t.enterService(ctx, payment.SvcMaskList, false); err != nil {
		return nil, err
	}
	list, err := t.c.MaskList(ctx)
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
	if _, err := t.enterService(ctx, payment.SvcTransactionStatus, false); err != nil {
		return payment.Event{}, err
	}
	s, err := t.c.LastStatMsgCode(ctx)
	if err != nil {
		return payment.Event{}, t.mapErrorFor(payment.OpGetTransaction, payment.SvcTransactionStatus.String(), err)
	}
	return payment.Event{Code: int(s), Text: s.String()}, nil
}

// LastTransaction implements payment.LastTransactioner (service 6): GetReceiptInfo("").
func (t *Terminal) LastTransaction(ctx context.Context) (*payment.Result, error) {
	leave, err := t.enterService(ctx, payment.SvcLastTransaction, true)
	if err != nil {
		return nil, err
	}
	defer leave()
	return t.receiptInfo(ctx, payment.OpGetTransaction, "")
}
