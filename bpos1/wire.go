package bpos1

import (
	"context"
	"encoding/binary"
	"errors"
	"sync"

	"github.com/uapos/uapos/transport"
)

// WireLib is the native wire dressed as the vendor library's asynchronous API ([Lib]), so
// that a [Client] can poll it: each action runs the matching [WireClient] call in a
// goroutine, and Cancel ends that call's context, which puts the abort on the wire.
//
// Deprecated: use [WireClient] (and [NewWireTerminal]): it runs every exchange on the
// caller's goroutine under the caller's ctx, with no polling. [NewTerminal] given a Client
// over a WireLib already drives the WireLib's WireClient directly.
//
// Only the operations of the wire exist (see [WireClient]); every other action returns ECRC
// 8 (NODATA), which [Client] reports as ErrNotSupported: receipts, journal queries,
// CheckConnection, cash advance. The replies carry no totals, so the Totals properties
// stay 0.
type WireLib struct {
	wc *WireClient

	mu         sync.Mutex
	running    bool
	stop       context.CancelFunc
	done       chan struct{}
	lastResult uint8
	lastErr    uint8
	resp       uint32
	errDesc    string // Windows-1251, as the Lib contract wants
	reply      Message
	order      binary.ByteOrder
	txn        wireTxn
	info       string
}

// wireTxn holds the transaction properties as raw (Windows-1251) strings.
type wireTxn struct {
	txnType, trnStatus                uint8
	amount, invoice                   uint32
	rrn, auth, pan, tid, mid, paySyst string
}

var _ Lib = (*WireLib)(nil)

// NewWireLib returns a WireLib over c. The caller keeps ownership of c.
//
// Deprecated: use [NewWireClient].
func NewWireLib(c transport.Conn, cfg WireConfig) *WireLib {
	return &WireLib{wc: NewWireClient(c, cfg)}
}

// WireClient returns the synchronous client the WireLib runs on.
func (w *WireLib) WireClient() *WireClient { return w.wc }

func (w *WireLib) totalsUnknown() bool { return true }

// LastReply returns the last final answer (not status frame) and the byte order it was
// read in: tags the Lib properties do not cover (26 payment system, 71 acquirer, 68, and
// unknown tags) are there.
func (w *WireLib) LastReply() (Message, binary.ByteOrder) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.reply, w.order
}

// Close stops a running exchange (aborting it on the wire) and waits for its goroutine. It
// does not close the conn.
func (w *WireLib) Close() error {
	w.mu.Lock()
	stop, done := w.stop, w.done
	w.mu.Unlock()
	if stop != nil {
		stop()
		<-done
	}
	return nil
}

type wireKind int

const (
	kindFinancial wireKind = iota
	kindOther
	kindInfo
)

const ecrcNoData = int(ECRCNoData)

// start runs call in the background as the WireClient's one exchange: ECRC BUSY when one
// runs already (through this WireLib or its WireClient).
func (w *WireLib) start(kind wireKind, call func(ctx context.Context) (*WireReply, error)) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.running || !w.wc.acquire() {
		return int(ECRCBusy)
	}
	w.running = true
	w.lastResult = uint8(LastInProgress)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	w.stop, w.done = cancel, done
	go func() {
		defer close(done)
		defer cancel()
		r, err := call(ctx)
		w.wc.release()
		w.end(kind, r, err)
	}()
	return 0
}

// end records an exchange's outcome in the properties.
func (w *WireLib) end(kind wireKind, r *WireReply, err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.running = false
	if r != nil {
		w.reply, w.order = r.Message, r.Order
		if kind == kindFinancial {
			w.txn = rawTxn(r)
		}
		if kind == kindInfo && err == nil {
			w.info, _ = r.Message.String(TagErrorText)
		}
	}
	var re *ResultError
	switch {
	case err == nil:
		w.lastResult, w.lastErr, w.resp, w.errDesc = uint8(LastOK), 0, 0, ""
		return
	case errors.As(err, &re):
		w.lastErr, w.resp, w.errDesc = uint8(re.ErrorCode), re.ResponseCode, raw(re.Description)
	default: // link failures, a lost abort: the vendor library's "error connecting with terminal"
		w.lastErr, w.resp, w.errDesc = uint8(ErrCodeConnect), 0, raw(err.Error())
	}
	w.lastResult = uint8(LastFailed)
}

func rawTxn(r *WireReply) wireTxn {
	s := func(tag uint32) string { v, _ := r.Message.String(tag); return v }
	t := wireTxn{txnType: uint8(r.TxnType), trnStatus: uint8(TrnApproved), amount: r.Amount, invoice: r.Invoice,
		rrn: s(TagRRN), auth: s(TagAuthCode), pan: string(r.PAN), tid: s(TagTerminalID), mid: s(TagMerchant),
		paySyst: s(TagPaymentSystem)}
	if !r.Approved() {
		t.trnStatus = uint8(TrnDeclined)
	}
	return t
}

// raw turns UTF-8 text back into the Windows-1251 bytes the Lib contract hands over.
func raw(s string) string {
	if r, err := encode(s); err == nil {
		return r
	}
	return s
}

// CommOpen implements [Lib]: the link is the conn given to NewWireLib.
func (w *WireLib) CommOpen(port string, baud uint32) int { return w.opened() }

// CommOpenTCP implements [Lib]: the link is the conn given to NewWireLib.
func (w *WireLib) CommOpenTCP(ip, port string) int { return w.opened() }

func (w *WireLib) opened() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.running {
		return int(ECRCBusy)
	}
	w.lastResult, w.lastErr = uint8(LastOK), 0
	return 0
}

// CommClose implements [Lib]; the conn stays open (its owner closes it).
func (w *WireLib) CommClose() int { return 0 }

// Purchase runs [WireClient]'s purchase exchange without its confirm ([Client] confirms).
func (w *WireLib) Purchase(amount, addAmount uint32, merchIdx uint8) int {
	if addAmount != 0 {
		return ecrcNoData // the wire has no documented discount tag
	}
	return w.start(kindFinancial, func(ctx context.Context) (*WireReply, error) {
		return w.wc.financial(ctx, "Purchase", PurchaseRequest(amount, merchIdx), false)
	})
}

// Refund runs the refund exchange without its confirm.
func (w *WireLib) Refund(amount, addAmount uint32, merchIdx uint8, rrn string) int {
	return w.start(kindFinancial, func(ctx context.Context) (*WireReply, error) {
		return w.wc.financial(ctx, "Refund", RefundRequest(amount, merchIdx, rrn), false)
	})
}

// Void runs the void exchange (tag 3 when the WireClient saw the invoice's amount).
func (w *WireLib) Void(invoiceNum uint32, merchIdx uint8) int {
	return w.start(kindFinancial, func(ctx context.Context) (*WireReply, error) {
		return w.wc.financial(ctx, "Void", w.wc.voidRequest(invoiceNum, merchIdx, 0), false)
	})
}

// Confirm sends the confirm frame (1=5); it completes on the terminal's ACK.
func (w *WireLib) Confirm() int {
	return w.start(kindOther, func(ctx context.Context) (*WireReply, error) { return nil, w.wc.confirm(ctx) })
}

// Cancel ends the running exchange's context: the WireClient writes the abort (EOT) and
// waits for the terminal's answer, as its type doc says.
func (w *WireLib) Cancel() int {
	w.mu.Lock()
	stop, running := w.stop, w.running
	w.mu.Unlock()
	if running && stop != nil {
		stop()
	}
	return 0
}

// Settlement runs the settlement exchange (1=3, 27=1).
func (w *WireLib) Settlement(merchIdx uint8) int {
	return w.start(kindOther, func(ctx context.Context) (*WireReply, error) {
		return w.wc.exchange(ctx, "Settlement", SettlementRequest(merchIdx))
	})
}

// PrintBatchTotals runs the X-report exchange (1=3, 27=2, 47=1).
func (w *WireLib) PrintBatchTotals(merchIdx uint8) int {
	return w.start(kindOther, func(ctx context.Context) (*WireReply, error) {
		return w.wc.exchange(ctx, "PrintBatchTotals", XReportRequest(merchIdx))
	})
}

// POSGetInfo runs the POS info exchange (1=3, 27=8); TerminalInfo is the answer's tag 15.
func (w *WireLib) POSGetInfo() int {
	return w.start(kindInfo, func(ctx context.Context) (*WireReply, error) {
		return w.wc.exchange(ctx, "POSGetInfo", POSInfoRequest())
	})
}

// Ping runs the ping exchange (1=11).
func (w *WireLib) Ping() int {
	return w.start(kindOther, func(ctx context.Context) (*WireReply, error) {
		return w.wc.exchange(ctx, "Ping", PingRequest())
	})
}

// SetErrorLang is accepted and ignored: the language is a library setting.
func (w *WireLib) SetErrorLang(lang uint8) int { return 0 }

// GetBatchTotals is not available on the wire (ECRC 8).
func (w *WireLib) GetBatchTotals(merchIdx uint8) int { return ecrcNoData }

// GetTxnNum is not available on the wire (ECRC 8).
func (w *WireLib) GetTxnNum() int { return ecrcNoData }

// GetTxnDataByOrder is not available on the wire (ECRC 8).
func (w *WireLib) GetTxnDataByOrder(orderNum uint32) int { return ecrcNoData }

// GetTxnDataByInv is not available on the wire (ECRC 8).
func (w *WireLib) GetTxnDataByInv(invoiceNum uint32, merchIdx uint8) int { return ecrcNoData }

// CheckConnection is not available on the wire (ECRC 8).
func (w *WireLib) CheckConnection(merchIdx uint8) int { return ecrcNoData }

// ReqCurrReceipt is not available on the wire (ECRC 8).
func (w *WireLib) ReqCurrReceipt() int { return ecrcNoData }

// ReqReceiptByInv is not available on the wire (ECRC 8).
func (w *WireLib) ReqReceiptByInv(invoiceNum uint32, merchIdx uint8) int { return ecrcNoData }

// Completion is not available on the wire (ECRC 8).
func (w *WireLib) Completion(merchIdx uint8, amount uint32, rrn string, inv uint32) int {
	return ecrcNoData
}

// ReadCard is not available on the wire (ECRC 8).
func (w *WireLib) ReadCard() int { return ecrcNoData }

// PurchaseService is not available on the wire (ECRC 8).
func (w *WireLib) PurchaseService(merchIdx uint8, amount uint32, params string) int {
	return ecrcNoData
}

// IdentifyCard is not available on the wire (ECRC 8).
func (w *WireLib) IdentifyCard(merchIdx uint8, currCode string, accNumber uint8) int {
	return ecrcNoData
}

// StartScenario is not available on the wire (ECRC 8).
func (w *WireLib) StartScenario(scenarioID uint32, scenarioData string) int { return ecrcNoData }

// CorrectTransaction is not available on the wire (ECRC 8).
func (w *WireLib) CorrectTransaction(amount, addAmount uint32) int { return ecrcNoData }

// CashAdvance is not available on the wire (ECRC 8).
func (w *WireLib) CashAdvance(merchIdx uint8, amount uint32, currCode string, accNumber uint8) int {
	return ecrcNoData
}

// ReadBankCard is not available on the wire (ECRC 8).
func (w *WireLib) ReadBankCard() int { return ecrcNoData }

func (w *WireLib) get(f func()) {
	w.mu.Lock()
	defer w.mu.Unlock()
	f()
}

// LastResult implements [Lib].
func (w *WireLib) LastResult() (v uint8) { w.get(func() { v = w.lastResult }); return }

// LastErrorCode implements [Lib].
func (w *WireLib) LastErrorCode() (v uint8) { w.get(func() { v = w.lastErr }); return }

// LastErrorDescription implements [Lib] (tag 15 of the answer, or the link error).
func (w *WireLib) LastErrorDescription() (v string) { w.get(func() { v = w.errDesc }); return }

// LastStatMsgCode implements [Lib] (tag 30 of the last status frame).
func (w *WireLib) LastStatMsgCode() uint8 { return uint8(w.wc.Status().Code) }

// LastStatMsgDescription implements [Lib] (tag 31 of the last status frame).
func (w *WireLib) LastStatMsgDescription() string { return raw(w.wc.Status().Text) }

// ResponseCode implements [Lib] (tag 14 of the answer).
func (w *WireLib) ResponseCode() (v uint32) { w.get(func() { v = w.resp }); return }

// PAN implements [Lib] (tag 4).
func (w *WireLib) PAN() (v string) { w.get(func() { v = w.txn.pan }); return }

// DateTime implements [Lib]; the wire's date format is unknown, so it is "".
func (w *WireLib) DateTime() string { return "" }

// TerminalID implements [Lib] (tag 5).
func (w *WireLib) TerminalID() (v string) { w.get(func() { v = w.txn.tid }); return }

// MerchantID implements [Lib] (tag 6).
func (w *WireLib) MerchantID() (v string) { w.get(func() { v = w.txn.mid }); return }

// AuthCode implements [Lib] (tag 16).
func (w *WireLib) AuthCode() (v string) { w.get(func() { v = w.txn.auth }); return }

// ExpDate implements [Lib]; not on the wire.
func (w *WireLib) ExpDate() string { return "" }

// CardHolder implements [Lib]; not on the wire.
func (w *WireLib) CardHolder() string { return "" }

// IssuerName implements [Lib]; not on the wire.
func (w *WireLib) IssuerName() string { return "" }

// InvoiceNum implements [Lib] (tag 17).
func (w *WireLib) InvoiceNum() (v uint32) { w.get(func() { v = w.txn.invoice }); return }

// RRN implements [Lib] (tag 18).
func (w *WireLib) RRN() (v string) { w.get(func() { v = w.txn.rrn }); return }

// SignVerif implements [Lib]; not on the wire.
func (w *WireLib) SignVerif() uint8 { return 0 }

// Amount implements [Lib] (tag 3).
func (w *WireLib) Amount() (v uint32) { w.get(func() { v = w.txn.amount }); return }

// AddAmount implements [Lib]; not on the wire.
func (w *WireLib) AddAmount() uint32 { return 0 }

// EmvAID implements [Lib]; not on the wire.
func (w *WireLib) EmvAID() string { return "" }

// EntryMode implements [Lib]; not on the wire.
func (w *WireLib) EntryMode() uint8 { return 0 }

// TxnType implements [Lib] (tag 2, mapped onto [TxnType]).
func (w *WireLib) TxnType() (v uint8) { w.get(func() { v = w.txn.txnType }); return }

// TrnStatus implements [Lib]: approved when tag 14 is 0, declined otherwise.
func (w *WireLib) TrnStatus() (v uint8) { w.get(func() { v = w.txn.trnStatus }); return }

// Currency implements [Lib]; not on the wire.
func (w *WireLib) Currency() string { return "" }

// CurrencyCode implements [Lib]; not on the wire.
func (w *WireLib) CurrencyCode() string { return "" }

// TrnBatchNum implements [Lib]; not on the wire.
func (w *WireLib) TrnBatchNum() uint32 { return 0 }

// FlagAcquirer implements [Lib]; not on the wire.
func (w *WireLib) FlagAcquirer() uint32 { return 0 }

// RNK implements [Lib]; not on the wire.
func (w *WireLib) RNK() string { return "" }

// TotalsDebitAmt implements [Lib]; the wire carries no totals.
func (w *WireLib) TotalsDebitAmt() uint32 { return 0 }

// TotalsDebitNum implements [Lib]; the wire carries no totals.
func (w *WireLib) TotalsDebitNum() uint32 { return 0 }

// TotalsCreditAmt implements [Lib]; the wire carries no totals.
func (w *WireLib) TotalsCreditAmt() uint32 { return 0 }

// TotalsCreditNum implements [Lib]; the wire carries no totals.
func (w *WireLib) TotalsCreditNum() uint32 { return 0 }

// TotalsCancelledAmt implements [Lib]; the wire carries no totals.
func (w *WireLib) TotalsCancelledAmt() uint32 { return 0 }

// TotalsCancelledNum implements [Lib]; the wire carries no totals.
func (w *WireLib) TotalsCancelledNum() uint32 { return 0 }

// TxnNum implements [Lib]; not on the wire.
func (w *WireLib) TxnNum() uint32 { return 0 }

// Receipt implements [Lib]; not on the wire.
func (w *WireLib) Receipt() string { return "" }

// TerminalInfo implements [Lib] (tag 15 of the POS info answer).
func (w *WireLib) TerminalInfo() (v string) { w.get(func() { v = w.info }); return }

// ScenarioData implements [Lib]; not on the wire.
func (w *WireLib) ScenarioData() string { return "" }

// AddData implements [Lib]; not on the wire.
func (w *WireLib) AddData() string { return "" }

// ECRDataTM implements [Lib]; not on the wire.
func (w *WireLib) ECRDataTM() string { return "" }

// SlipPrinted implements [Lib]; not on the wire.
func (w *WireLib) SlipPrinted() uint8 { return 0 }

// DiscountName implements [Lib]; not on the wire.
func (w *WireLib) DiscountName() string { return "" }

// DiscountAttribute implements [Lib]; not on the wire.
func (w *WireLib) DiscountAttribute() uint32 { return 0 }

// CompletionInvoiceNum implements [Lib]; not on the wire.
func (w *WireLib) CompletionInvoiceNum() uint32 { return 0 }

// LibraryVersion implements [Lib]: "native wire (provisional)".
func (w *WireLib) LibraryVersion() string { return "native wire (provisional)" }
