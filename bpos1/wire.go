package bpos1

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/uapos/uapos/internal/stxlink"
	"github.com/uapos/uapos/transport"
)

// DefaultReplyTimeout bounds one wire exchange, from the request to the final answer
// (device-manager.md recommends about 310 s for terminals).
const DefaultReplyTimeout = 310 * time.Second

// WireConfig configures a [WireLib]. The zero value works.
type WireConfig struct {
	// RequestOrder is the byte order of the TLV tag, length and numeric values the ECR
	// sends. Nil means big-endian, as WebCheck's builder writes them (bpos1.md §B.2).
	RequestOrder binary.ByteOrder
	// ReplyOrder is the byte order of the terminal's TLVs. Nil means detect per frame:
	// little-endian first, as WebCheck's parser reads them (bpos1.md §B.4), big-endian when
	// that does not parse (§B.5: the evidence conflicts).
	ReplyOrder binary.ByteOrder
	// ACKTimeout bounds the wait for ACK after each frame; zero means 6 s (bpos1.md §1.1).
	ACKTimeout time.Duration
	// ReplyTimeout bounds one exchange; zero means DefaultReplyTimeout.
	ReplyTimeout time.Duration
	// Logger receives Debug records of the exchanges (tags, never card data). Nil discards.
	Logger *slog.Logger
}

// WireLib is backend B: a PROVISIONAL implementation of [Lib] over the native BPOS1 wire
// as one production client (WebCheck) speaks it (bpos1.md §B): STX / 2-byte big-endian
// length / TLV / XOR LRC frames with ACK after every frame (package internal/stxlink), the
// request TLVs of §B.3, status frames of class 13 (tags 30/31) and the confirm frame.
//
// No specification or capture of this wire is public, so only the operations WebCheck
// sends are available: Purchase, Refund, Void, Confirm, Cancel (EOT), Settlement,
// PrintBatchTotals (X-report), POSGetInfo and Ping. Every other action returns ECRC 8
// (NODATA), which [Client] reports as ErrNotSupported: receipts, journal queries,
// CheckConnection, cash advance. The replies carry no totals, so the Totals properties
// stay 0 (the adapter leaves Result.Totals nil). Void sends the amount (tag 3) only when
// this WireLib saw the invoice's purchase or refund. Use the vendor library (package
// bpos1/vendorlib) for production.
type WireLib struct {
	cfg  WireConfig
	link *stxlink.Link
	log  *slog.Logger

	mu         sync.Mutex
	running    bool
	cancelled  bool
	stop       context.CancelFunc
	done       chan struct{}
	lastResult uint8
	lastErr    uint8
	resp       uint32
	errDesc    string
	stat       uint8
	statDesc   string
	reply      Message
	order      binary.ByteOrder
	txn        wireTxn
	info       string
	amounts    map[uint32]uint32
}

type wireTxn struct {
	txnType, trnStatus                uint8
	amount, invoice                   uint32
	rrn, auth, pan, tid, mid, paySyst string
}

var _ Lib = (*WireLib)(nil)

// NewWireLib returns a WireLib over c. The caller keeps ownership of c.
func NewWireLib(c transport.Conn, cfg WireConfig) *WireLib {
	if cfg.RequestOrder == nil {
		cfg.RequestOrder = binary.BigEndian
	}
	if cfg.ReplyTimeout <= 0 {
		cfg.ReplyTimeout = DefaultReplyTimeout
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &WireLib{
		cfg:     cfg,
		link:    stxlink.NewLink(&lockedConn{Conn: c}, stxlink.Config{ACKTimeout: cfg.ACKTimeout, Logger: cfg.Logger}),
		log:     log,
		amounts: map[uint32]uint32{},
	}
}

// lockedConn serialises writes: Cancel writes EOT while the exchange goroutine ACKs.
type lockedConn struct {
	transport.Conn
	mu sync.Mutex
}

// Write implements io.Writer under the lock.
func (c *lockedConn) Write(b []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.Conn.Write(b)
}

// SetWriteDeadline sets the write deadline under the lock.
func (c *lockedConn) SetWriteDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.Conn.SetWriteDeadline(t)
}

func (w *WireLib) totalsUnknown() bool { return true }

// LastReply returns the last final answer (not status frame) and the byte order it was
// read in: tags the Lib properties do not cover (26 payment system, 71 acquirer, 68, and
// unknown tags) are there.
func (w *WireLib) LastReply() (Message, binary.ByteOrder) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.reply, w.order
}

// Close stops a running exchange and waits for its goroutine. It does not close the conn.
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
	kindConfirm
	kindService
	kindInfo
	kindPing
)

const ecrcNoData = int(ECRCNoData)

func (w *WireLib) start(name string, req Message, kind wireKind) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.running {
		return int(ECRCBusy)
	}
	w.running, w.cancelled = true, false
	w.lastResult, w.stat, w.statDesc = uint8(LastInProgress), 0, ""
	ctx, cancel := context.WithTimeout(context.Background(), w.cfg.ReplyTimeout)
	w.stop = cancel
	w.done = make(chan struct{})
	w.log.Debug("bpos1: wire request", "op", name, "tlv", req.GoString())
	go w.exchange(ctx, cancel, w.done, req, kind)
	return 0
}

func (w *WireLib) exchange(ctx context.Context, cancel context.CancelFunc, done chan struct{}, req Message, kind wireKind) {
	defer close(done)
	defer cancel()
	w.link.Discard()
	if err := w.link.Send(ctx, AppendMessage(nil, req, w.cfg.RequestOrder)); err != nil {
		w.linkFailed(ctx, "send", err)
		return
	}
	if kind == kindConfirm {
		w.succeed()
		return
	}
	for {
		data, err := w.link.Receive(ctx)
		if err != nil {
			w.linkFailed(ctx, "receive", err)
			return
		}
		msg, order, err := w.parse(data)
		if err != nil {
			w.end(uint8(ErrCodeConnect), 0, err.Error())
			return
		}
		if class, _ := msg.Uint(TagClass, order); class == ClassStatus {
			code, _ := msg.Uint(TagStatusCode, order)
			text, _ := msg.String(TagStatusText)
			w.mu.Lock()
			w.stat, w.statDesc = uint8(code), text
			w.mu.Unlock()
			continue
		}
		w.final(kind, msg, order)
		return
	}
}

func (w *WireLib) parse(data []byte) (Message, binary.ByteOrder, error) {
	if w.cfg.ReplyOrder != nil {
		m, err := ParseMessage(data, w.cfg.ReplyOrder)
		return m, w.cfg.ReplyOrder, err
	}
	return ParseMessageAuto(data)
}

func (w *WireLib) linkFailed(ctx context.Context, op string, err error) {
	w.mu.Lock()
	cancelled := w.cancelled
	w.mu.Unlock()
	switch {
	case errors.Is(err, stxlink.ErrEOT) && cancelled:
		w.end(uint8(ErrCodeTerminal), RCCancelledByUser, "cancelled")
	case errors.Is(err, stxlink.ErrEOT):
		w.end(uint8(ErrCodeTerminal), RCGeneralError, "terminal aborted the exchange (EOT)")
	case errors.Is(err, os.ErrDeadlineExceeded), errors.Is(ctx.Err(), context.DeadlineExceeded):
		w.end(uint8(ErrCodeConnect), 0, op+": no answer in time")
	case cancelled && ctx.Err() != nil:
		w.end(uint8(ErrCodeConnect), 0, op+": no answer to the abort; outcome unknown")
	default:
		w.end(uint8(ErrCodeConnect), 0, fmt.Sprintf("%s: %v", op, err))
	}
}

func (w *WireLib) final(kind wireKind, m Message, order binary.ByteOrder) {
	rc, _ := m.Uint(TagResult, order)
	text, _ := m.String(TagErrorText)
	w.mu.Lock()
	w.reply, w.order = m, order
	if kind == kindFinancial {
		t := wireTxn{trnStatus: uint8(TrnApproved)}
		if rc != 0 {
			t.trnStatus = uint8(TrnDeclined)
		}
		if v, ok := m.Uint(TagTxnType, order); ok {
			t.txnType = uint8(map[uint64]TxnType{WireTxnPurchase: TxnPurchase, WireTxnRefund: TxnRefund, WireTxnVoid: TxnVoid}[v])
		}
		a, _ := m.Uint(TagAmount, order)
		inv, _ := m.Uint(TagInvoice, order)
		t.amount, t.invoice = uint32(a), uint32(inv)
		t.rrn, _ = m.String(TagRRN)
		t.auth, _ = m.String(TagAuthCode)
		t.pan, _ = m.String(TagPAN)
		t.tid, _ = m.String(TagTerminalID)
		t.mid, _ = m.String(TagMerchant)
		t.paySyst, _ = m.String(TagPaymentSystem)
		w.txn = t
		if rc == 0 && t.invoice != 0 && t.txnType != uint8(TxnVoid) {
			w.amounts[t.invoice] = t.amount
		}
	}
	if kind == kindInfo && rc == 0 {
		w.info = text
	}
	w.mu.Unlock()
	if rc != 0 {
		w.end(uint8(ErrCodeTerminal), uint32(rc), text)
		return
	}
	w.succeed()
}

func (w *WireLib) succeed() { w.end(0, 0, "") }

func (w *WireLib) end(code uint8, rc uint32, desc string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.running = false
	w.lastErr, w.resp, w.errDesc = code, rc, desc
	w.lastResult = uint8(LastOK)
	if code != 0 {
		w.lastResult = uint8(LastFailed)
	}
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

// Purchase sends 1=1, 2=1, 33, 3 (bpos1.md §B.3).
func (w *WireLib) Purchase(amount, addAmount uint32, merchIdx uint8) int {
	if addAmount != 0 {
		return ecrcNoData // the wire has no documented discount tag
	}
	return w.start("Purchase", PurchaseRequest(amount, merchIdx), kindFinancial)
}

// Refund sends 1=1, 2=10, 33, 3, 18.
func (w *WireLib) Refund(amount, addAmount uint32, merchIdx uint8, rrn string) int {
	return w.start("Refund", RefundRequest(amount, merchIdx, rrn), kindFinancial)
}

// Void sends 1=1, 2=11, 33, [3], 17.
func (w *WireLib) Void(invoiceNum uint32, merchIdx uint8) int {
	w.mu.Lock()
	a := w.amounts[invoiceNum]
	w.mu.Unlock()
	return w.start("Void", VoidRequest(a, merchIdx, invoiceNum), kindFinancial)
}

// Confirm sends the confirm frame (1=5); it completes on the terminal's ACK.
func (w *WireLib) Confirm() int { return w.start("Confirm", ConfirmRequest(), kindConfirm) }

// Cancel sends EOT while an exchange runs (the abort of bpos1.md §1.1 / §1.2).
func (w *WireLib) Cancel() int {
	w.mu.Lock()
	if !w.running || w.cancelled {
		w.mu.Unlock()
		return 0
	}
	w.cancelled = true
	stop, done := w.stop, w.done
	w.mu.Unlock()
	window := w.cfg.ACKTimeout
	if window <= 0 {
		window = stxlink.DefaultACKTimeout
	}
	ctx, cancel := context.WithTimeout(context.Background(), window)
	defer cancel()
	if err := w.link.SendEOT(ctx); err != nil {
		return int(ECRCSendMessage)
	}
	// The terminal answers the abort with EOT or a final frame; without either within the
	// ACK window the exchange is stopped and its outcome left unknown (LastErrorCode 3).
	go func() {
		t := time.NewTimer(window)
		defer t.Stop()
		select {
		case <-done:
		case <-t.C:
			stop()
		}
	}()
	return 0
}

// Settlement sends 1=3, 27=1, 33.
func (w *WireLib) Settlement(merchIdx uint8) int {
	return w.start("Settlement", SettlementRequest(merchIdx), kindService)
}

// PrintBatchTotals sends 1=3, 27=2, 33, 47=1 (the X-report).
func (w *WireLib) PrintBatchTotals(merchIdx uint8) int {
	return w.start("PrintBatchTotals", XReportRequest(merchIdx), kindService)
}

// POSGetInfo sends 1=3, 27=8; TerminalInfo is the answer's tag 15.
func (w *WireLib) POSGetInfo() int { return w.start("POSGetInfo", POSInfoRequest(), kindInfo) }

// Ping sends 1=11.
func (w *WireLib) Ping() int { return w.start("Ping", PingRequest(), kindPing) }

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
func (w *WireLib) LastStatMsgCode() (v uint8) { w.get(func() { v = w.stat }); return }

// LastStatMsgDescription implements [Lib] (tag 31 of the last status frame).
func (w *WireLib) LastStatMsgDescription() (v string) { w.get(func() { v = w.statDesc }); return }

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
