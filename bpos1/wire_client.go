package bpos1

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/uapos/uapos/internal/stxlink"
	"github.com/uapos/uapos/payment"
	"github.com/uapos/uapos/transport"
)

// DefaultReplyTimeout bounds one wire exchange, from the request to the final answer
// (device-manager.md recommends about 310 s for terminals).
const DefaultReplyTimeout = 310 * time.Second

// WireConfig configures a [WireClient] (and the deprecated [WireLib]). The zero value works.
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
	// ReplyTimeout bounds one exchange, from the request to the final answer, when ctx
	// has no earlier deadline; zero means DefaultReplyTimeout. Running out of it aborts
	// the exchange as ending ctx does.
	ReplyTimeout time.Duration
	// AbortGrace bounds the abort: writing the EOT and waiting for the terminal's answer
	// to it. Zero means the ACK timeout (the window the note gives for any answer).
	AbortGrace time.Duration
	// Name describes the link ("tcp:10.1.1.2:2100"); the adapter derives its journal key
	// from it. Empty means the conn's String() when it has one, else "wire".
	Name string
	// Logger receives Debug records of the exchanges (tags, never card data). Nil discards.
	Logger *slog.Logger
}

// Errors of the native wire.
var (
	// ErrAbortUnanswered: after the client aborted an exchange, the terminal answered
	// neither EOT nor a final frame within WireConfig.AbortGrace; the outcome is unknown.
	ErrAbortUnanswered = errors.New("bpos1: the terminal did not answer the abort")
	// ErrAnsweredAfterAbort: the terminal's final answer came after the client's abort,
	// so the operation ended before the abort took effect. An approved financial answer is
	// left unconfirmed (the caller has gone); bpos1.md §2.3 says the terminal then cancels
	// it, but when is not documented (§7 item 7): the outcome is unknown.
	ErrAnsweredAfterAbort = errors.New("bpos1: the terminal answered after the abort")
	// ErrReplyTimeout is the cause of an exchange that ran out of WireConfig.ReplyTimeout;
	// it matches context.DeadlineExceeded.
	ErrReplyTimeout = fmt.Errorf("bpos1: no final answer within the reply timeout: %w", context.DeadlineExceeded)
)

// WireError is a failure of the native wire's link: no ACK, a NAK limit, a frame or TLV
// that breaks the rules, an I/O error, an abort the terminal did not answer. Once the
// request may have reached the terminal, the outcome of the operation is unknown.
type WireError struct {
	Op    string // the operation, by its vendor name ("Purchase")
	Stage string // "send", "receive", "abort" or "confirm"
	Err   error
}

// Error implements error.
func (e *WireError) Error() string {
	return "bpos1: " + e.Op + ": wire " + e.Stage + ": " + e.Err.Error()
}

// Unwrap returns the cause (stxlink's sentinels, ErrBadTLV, I/O and context errors,
// ErrAbortUnanswered, ErrAnsweredAfterAbort).
func (e *WireError) Unwrap() error { return e.Err }

// Violation reports whether the terminal broke the framing or TLV rules (as opposed to
// the link failing or staying silent).
func (e *WireError) Violation() bool {
	for _, s := range []error{ErrBadTLV, stxlink.ErrFrameTooLong, stxlink.ErrEmptyFrame, stxlink.ErrNoSTX,
		stxlink.ErrUnexpectedByte, stxlink.ErrTrailingBytes, stxlink.ErrShortFrame} {
		if errors.Is(e.Err, s) {
			return true
		}
	}
	return false
}

// WireReply is the terminal's final answer on the native wire (bpos1.md §B.4 reply tags).
// Text fields are UTF-8 (the terminal's bytes read as Windows-1251). Message keeps every
// field as received, unknown tags included; it holds the PAN field as the terminal sent
// it, so do not log its values (its GoString hides tag 4).
type WireReply struct {
	Class  uint32 // tag 1, message class
	Result uint32 // tag 14, 0 = success; otherwise the response code
	Text   string // tag 15, error description (or the POS info text)
	// WireTxnType is tag 2 as sent ([WireTxnPurchase], ...); TxnType is it mapped onto the
	// vendor's [TxnType] (0 when absent or unknown).
	WireTxnType   uint32
	TxnType       TxnType
	Amount        uint32            // tag 3, kopecks
	Invoice       uint32            // tag 17
	RRN           string            // tag 18
	AuthCode      string            // tag 16
	PAN           payment.MaskedPAN // tag 4, masked again on arrival
	TerminalID    string            // tag 5
	Merchant      string            // tag 6
	PaymentSystem string            // tag 26
	Message       Message
	Order         binary.ByteOrder
}

// Approved reports whether tag 14 is 0.
func (r *WireReply) Approved() bool { return r.Result == 0 }

var wireTxnTypes = map[uint32]TxnType{WireTxnPurchase: TxnPurchase, WireTxnRefund: TxnRefund, WireTxnVoid: TxnVoid}

func newWireReply(m Message, order binary.ByteOrder) *WireReply {
	u := func(tag uint32) uint32 { v, _ := m.Uint(tag, order); return uint32(v) }
	s := func(tag uint32) string { v, _ := m.String(tag); return decode(v) }
	r := &WireReply{
		Class: u(TagClass), Result: u(TagResult), Text: s(TagErrorText),
		WireTxnType: u(TagTxnType), Amount: u(TagAmount), Invoice: u(TagInvoice),
		RRN: s(TagRRN), AuthCode: s(TagAuthCode), PAN: payment.MaskPAN(s(TagPAN)),
		TerminalID: s(TagTerminalID), Merchant: s(TagMerchant), PaymentSystem: s(TagPaymentSystem),
		Message: m, Order: order,
	}
	r.TxnType = wireTxnTypes[r.WireTxnType]
	return r
}

// Txn returns the reply as the vendor API's transaction properties: what the wire carries
// (type, amount, invoice, RRN, auth code, PAN, TID, merchant, payment system, result),
// zero for the rest (no date, entry mode, batch or receipt on the wire).
func (r *WireReply) Txn() *Txn {
	t := &Txn{
		TxnType: r.TxnType, TrnStatus: TrnApproved, Amount: r.Amount, InvoiceNum: r.Invoice,
		ResponseCode: r.Result, RRN: r.RRN, AuthCode: r.AuthCode, TerminalID: r.TerminalID,
		MerchantID: r.Merchant, PAN: r.PAN, PaymentSystem: r.PaymentSystem,
	}
	if r.Result != 0 {
		t.TrnStatus = TrnDeclined
	}
	return t
}

// WireClient speaks the PROVISIONAL native BPOS1 wire (bpos1.md §B) synchronously: every
// call runs its exchange on the caller's goroutine and honours ctx down to the bytes, its
// deadline included. Frames are STX / 2-byte big-endian length / TLV (u32 tag, u32 length,
// value) / XOR LRC with ACK after every frame (package internal/stxlink); status frames of
// class 13 are reported as progress ([WithProgress]) and by [WireClient.Status].
//
// # Abort
//
// When ctx ends, or WireConfig.ReplyTimeout runs out, while the request may have reached
// the terminal (during its ACK wait or the card wait that follows), the client writes a
// bare EOT (0x04) and waits, within WireConfig.AbortGrace, for the terminal's answer to
// it: EOT means aborted (a [*ResultError] with response code 1001, wrapping the context's
// error); a final answer means the operation ended first ([ErrAnsweredAfterAbort]); no
// answer leaves the outcome unknown ([ErrAbortUnanswered]). The abort runs on a context
// detached from the caller's (context.WithoutCancel), and whether ctx ended is decided from
// the error chain and ctx's deadline, never from a later look at ctx.Err(), so a cancel or
// a deadline always puts the EOT on the wire. PROVISIONAL: the BPOS1 abort message is not
// public (bpos1.md §B.5 "GAP"); §1.1 knows from the vendor library's strings that Cancel()
// sends an abort and that EOT means abort, and the EOT byte is B-POS Light's ("The ECR
// sends a bare 04 (EOT) to cancel card waiting", §1.2), whose link §B.5 infers BPOS1 shares.
//
// # Operations
//
// Only the requests one production client sends exist (§B.3), under the vendor API's
// names: Purchase, Refund, Void, Confirm, Settlement, PrintBatchTotals (the X-report),
// POSGetInfo and Ping, plus [WireClient.Exchange] for any request message. Receipts,
// totals, journal queries and the bank echo have no known frame. Not validated against a
// terminal: use the vendor library (package bpos1/vendorlib) in production.
//
// A WireClient runs one exchange at a time; a concurrent call fails at once with a
// [*CallError] of code [ECRCBusy]. It does not close the conn.
type WireClient struct {
	cw   *countingConn
	link *stxlink.Link
	cfg  WireConfig
	log  *slog.Logger
	sem  chan struct{} // one exchange at a time

	mu      sync.Mutex // guards status and amounts
	status  Status
	amounts map[uint32]uint32 // invoice -> amount of the purchases and refunds seen
}

// maxAmounts bounds the invoice -> amount memory Void uses.
const maxAmounts = 4096

// NewWireClient returns a WireClient over c. The caller keeps ownership of c.
func NewWireClient(c transport.Conn, cfg WireConfig) *WireClient {
	if cfg.RequestOrder == nil {
		cfg.RequestOrder = binary.BigEndian
	}
	if cfg.ACKTimeout <= 0 {
		cfg.ACKTimeout = stxlink.DefaultACKTimeout
	}
	if cfg.ReplyTimeout <= 0 {
		cfg.ReplyTimeout = DefaultReplyTimeout
	}
	if cfg.AbortGrace <= 0 {
		cfg.AbortGrace = cfg.ACKTimeout
	}
	if cfg.Name == "" {
		cfg.Name = "wire"
		if s, ok := c.(fmt.Stringer); ok {
			cfg.Name = s.String()
		}
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cw := &countingConn{Conn: c}
	return &WireClient{
		cw:      cw,
		link:    stxlink.NewLink(cw, stxlink.Config{ACKTimeout: cfg.ACKTimeout, Logger: cfg.Logger}),
		cfg:     cfg,
		log:     log,
		sem:     make(chan struct{}, 1),
		amounts: map[uint32]uint32{},
	}
}

// countingConn counts the bytes written, so that a failed send can tell whether any byte
// of the request left.
type countingConn struct {
	transport.Conn
	n atomic.Uint64
}

// Write implements io.Writer.
func (c *countingConn) Write(b []byte) (int, error) {
	n, err := c.Conn.Write(b)
	c.n.Add(uint64(n))
	return n, err
}

// Name returns WireConfig.Name.
func (w *WireClient) Name() string { return w.cfg.Name }

// Config returns the configuration with its defaults filled in.
func (w *WireClient) Config() WireConfig { return w.cfg }

// Conn returns the link.
func (w *WireClient) Conn() transport.Conn { return w.cw.Conn }

// Status returns the last status frame of the running (or last) exchange; it may be called
// while an exchange runs.
func (w *WireClient) Status() Status {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.status
}

func (w *WireClient) setStatus(s Status) {
	w.mu.Lock()
	w.status = s
	w.mu.Unlock()
}

func (w *WireClient) acquire() bool {
	select {
	case w.sem <- struct{}{}:
		return true
	default:
		return false
	}
}

func (w *WireClient) release() { <-w.sem }

// locked runs f as the one exchange in flight, or fails with ECRC BUSY.
func locked[T any](w *WireClient, op string, f func() (T, error)) (T, error) {
	if !w.acquire() {
		var zero T
		return zero, &CallError{Op: op, Code: ECRCBusy}
	}
	defer w.release()
	return f()
}

// Purchase sends 1=1, 2=1, 33=merch, 3=amount (bpos1.md §B.3) and, when approved, the
// confirm frame (§B.4: "if tag 14 == 0, the ECR sends the Confirm frame"). The confirm is
// sent even if ctx ends after the approval, bounded by twice the ACK timeout; if it fails
// the error is a [*ConfirmError] and the outcome unknown. A decline is a [*ResultError]
// with the reply.
func (w *WireClient) Purchase(ctx context.Context, amount uint32, merch uint8) (*WireReply, error) {
	return locked(w, "Purchase", func() (*WireReply, error) {
		return w.financial(ctx, "Purchase", PurchaseRequest(amount, merch), true)
	})
}

// Refund sends 1=1, 2=10, 33=merch, 3=amount, 18=rrn and, when approved, the confirm
// frame, as [WireClient.Purchase].
func (w *WireClient) Refund(ctx context.Context, amount uint32, merch uint8, rrn string) (*WireReply, error) {
	return locked(w, "Refund", func() (*WireReply, error) {
		return w.financial(ctx, "Refund", RefundRequest(amount, merch, rrn), true)
	})
}

// Void sends 1=1, 2=11, 33=merch, 3=amount, 17=invoice, and no confirm (§B.4: "withdrawal
// (void) [is] not confirmed"). WebCheck sends the original amount; amount 0 means the
// amount this client saw for the invoice, or no tag 3 when it saw none.
func (w *WireClient) Void(ctx context.Context, invoice uint32, merch uint8, amount uint32) (*WireReply, error) {
	return locked(w, "Void", func() (*WireReply, error) {
		return w.financial(ctx, "Void", w.voidRequest(invoice, merch, amount), false)
	})
}

func (w *WireClient) voidRequest(invoice uint32, merch uint8, amount uint32) Message {
	if amount == 0 {
		w.mu.Lock()
		amount = w.amounts[invoice]
		w.mu.Unlock()
	}
	return VoidRequest(amount, merch, invoice)
}

// Confirm sends the confirm frame (1=5) for the last approved financial answer; it
// completes on the terminal's ACK (no answer frame is known).
func (w *WireClient) Confirm(ctx context.Context) error {
	_, err := locked(w, "Confirm", func() (struct{}, error) { return struct{}{}, w.confirm(ctx) })
	return err
}

// Settlement sends 1=3, 27=1, 33=merch (close the batch; 0 = all merchants). The answer
// carries no totals.
func (w *WireClient) Settlement(ctx context.Context, merch uint8) (*WireReply, error) {
	return locked(w, "Settlement", func() (*WireReply, error) {
		r, err := w.exchange(ctx, "Settlement", SettlementRequest(merch))
		if err == nil {
			w.mu.Lock()
			clear(w.amounts) // a void needs an invoice of the current batch
			w.mu.Unlock()
		}
		return r, err
	})
}

// PrintBatchTotals sends 1=3, 27=2, 33=merch, 47=1 (the X-report, printed). The answer
// carries no totals.
func (w *WireClient) PrintBatchTotals(ctx context.Context, merch uint8) (*WireReply, error) {
	return locked(w, "PrintBatchTotals", func() (*WireReply, error) {
		return w.exchange(ctx, "PrintBatchTotals", XReportRequest(merch))
	})
}

// POSGetInfo sends 1=3, 27=8 and parses tag 15 of the answer as TerminalInfo.
func (w *WireClient) POSGetInfo(ctx context.Context) (TerminalInfo, error) {
	return locked(w, "POSGetInfo", func() (TerminalInfo, error) {
		r, err := w.exchange(ctx, "POSGetInfo", POSInfoRequest())
		if err != nil {
			return TerminalInfo{}, err
		}
		return ParseTerminalInfo(r.Text), nil
	})
}

// Ping sends 1=11 and expects result 0.
func (w *WireClient) Ping(ctx context.Context) error {
	_, err := locked(w, "Ping", func() (*WireReply, error) { return w.exchange(ctx, "Ping", PingRequest()) })
	return err
}

// Exchange sends any request message and returns the terminal's final answer, with the
// abort of the type doc when ctx ends; a non-zero tag 14 gives a [*ResultError] with the
// reply. It never confirms: after an approved financial answer call [WireClient.Confirm].
// A confirm message (1=5) completes on the ACK, with a nil reply.
func (w *WireClient) Exchange(ctx context.Context, req Message) (*WireReply, error) {
	return locked(w, "Exchange", func() (*WireReply, error) {
		if c, _ := req.Uint(TagClass, w.cfg.RequestOrder); c == ClassConfirm {
			return nil, w.send(ctx, "Confirm", req)
		}
		return w.exchange(ctx, "Exchange", req)
	})
}

// financial runs a financial exchange and, when confirm is true and it was approved, the
// confirm frame on a context detached from ctx (an approved sale must be confirmed once the
// caller has its answer).
func (w *WireClient) financial(ctx context.Context, op string, req Message, confirm bool) (*WireReply, error) {
	r, err := w.exchange(ctx, op, req)
	if err != nil || !confirm {
		return r, err
	}
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*w.cfg.ACKTimeout)
	defer cancel()
	if err := w.confirm(cctx); err != nil {
		return r, &ConfirmError{Op: op, Txn: r.Txn(), Err: err}
	}
	return r, nil
}

func (w *WireClient) confirm(ctx context.Context) error {
	return w.send(ctx, "Confirm", ConfirmRequest())
}

// send writes a request that the terminal only ACKs.
func (w *WireClient) send(ctx context.Context, op string, req Message) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("bpos1: %s: not sent: %w", op, err)
	}
	w.link.Discard()
	w.log.Debug("bpos1: wire request", "op", op, "tlv", req.GoString())
	if err := w.link.Send(ctx, AppendMessage(nil, req, w.cfg.RequestOrder)); err != nil {
		return w.linkErr(op, "send", err)
	}
	return nil
}

// exchange sends req and returns the final answer, reporting status frames on the way. The
// caller holds the exchange slot.
func (w *WireClient) exchange(ctx context.Context, op string, req Message) (*WireReply, error) {
	w.setStatus(Status{})
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("bpos1: %s: not sent: %w", op, err)
	}
	xctx, cancel := context.WithTimeoutCause(ctx, w.cfg.ReplyTimeout, ErrReplyTimeout)
	defer cancel()
	if n := w.link.Discard(); n > 0 {
		w.log.Debug("bpos1: dropped stale bytes", "n", n)
	}
	w.log.Debug("bpos1: wire request", "op", op, "tlv", req.GoString())
	mark := w.cw.n.Load()
	if err := w.link.Send(xctx, AppendMessage(nil, req, w.cfg.RequestOrder)); err != nil {
		if !ended(xctx, err) {
			return nil, w.linkErr(op, "send", err)
		}
		if w.cw.n.Load() == mark {
			// ctx ended before any byte of the request left: nothing to abort.
			return nil, fmt.Errorf("bpos1: %s: not sent: %w", op, endCause(ctx, xctx, err))
		}
		return w.abort(ctx, xctx, op, err)
	}
	progress := progressFrom(ctx)
	for {
		data, err := w.link.Receive(xctx)
		if err != nil {
			if ended(xctx, err) {
				return w.abort(ctx, xctx, op, err)
			}
			return nil, w.linkErr(op, "receive", err)
		}
		r, st, err := w.parse(op, "receive", data)
		if err != nil {
			return nil, err
		}
		if r == nil {
			if st.Code != StatusNone {
				progress(st)
			}
			continue
		}
		return w.final(op, r)
	}
}

// ended reports whether err ended an exchange because ctx ended (cancelled or past its
// deadline). It reads the error chain and ctx's deadline, not ctx.Err(): a conn deadline
// set from ctx's deadline can fire before ctx's own timer, and then ctx.Err() is still nil
// while the wait is over.
func ended(ctx context.Context, err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	if errors.Is(err, os.ErrDeadlineExceeded) {
		if dl, ok := ctx.Deadline(); ok && !time.Now().Before(dl) {
			return true
		}
	}
	return false
}

// endCause returns why the exchange context xctx (ctx bounded by the reply timeout) ended:
// its cause when it says so already; else, as its timer may not have fired yet, the
// context error the chain carries, or which of the two deadlines has passed.
func endCause(ctx, xctx context.Context, err error) error {
	if c := context.Cause(xctx); c != nil {
		return c
	}
	if errors.Is(err, context.Canceled) {
		return context.Canceled
	}
	if dl, ok := ctx.Deadline(); ok && !time.Now().Before(dl) {
		return context.DeadlineExceeded
	}
	return ErrReplyTimeout
}

// abort writes the EOT that aborts the exchange ctx gave up on and waits for the
// terminal's answer to it (see the type doc). why is the error that ended the wait.
func (w *WireClient) abort(ctx, xctx context.Context, op string, why error) (*WireReply, error) {
	cause := endCause(ctx, xctx, why)
	actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), w.cfg.AbortGrace)
	defer cancel()
	w.log.Debug("bpos1: aborting with EOT", "op", op, "cause", cause)
	if err := w.link.SendEOT(actx); err != nil {
		return nil, &WireError{Op: op, Stage: "abort", Err: fmt.Errorf("%w: %w (%w)", ErrAbortUnanswered, err, cause)}
	}
	for {
		data, err := w.link.Receive(actx)
		if errors.Is(err, stxlink.ErrEOT) {
			w.log.Debug("bpos1: abort answered with EOT", "op", op)
			return nil, fmt.Errorf("%w (%w)", &ResultError{Op: op, ErrorCode: ErrCodeTerminal, ResponseCode: RCCancelledByUser,
				Description: "aborted"}, cause)
		}
		if err != nil {
			return nil, &WireError{Op: op, Stage: "abort", Err: fmt.Errorf("%w: %w (%w)", ErrAbortUnanswered, err, cause)}
		}
		r, _, err := w.parse(op, "abort", data)
		if err != nil {
			return nil, err
		}
		if r == nil {
			continue // a status frame still on its way
		}
		r, err = w.final(op, r)
		if err != nil {
			return r, fmt.Errorf("%w (%w)", err, cause)
		}
		return r, &WireError{Op: op, Stage: "abort", Err: fmt.Errorf("%w (%w)", ErrAnsweredAfterAbort, cause)}
	}
}

// parse decodes a received frame: a final answer (r != nil) or a status frame (recorded,
// returned as st).
func (w *WireClient) parse(op, stage string, data []byte) (r *WireReply, st Status, err error) {
	var m Message
	order := w.cfg.ReplyOrder
	if order != nil {
		m, err = ParseMessage(data, order)
	} else {
		m, order, err = ParseMessageAuto(data)
	}
	if err != nil {
		return nil, st, &WireError{Op: op, Stage: stage, Err: err}
	}
	if class, _ := m.Uint(TagClass, order); class == ClassStatus {
		code, _ := m.Uint(TagStatusCode, order)
		text, _ := m.String(TagStatusText)
		if code > 0xFF {
			code = 0xFF
		}
		st = Status{Code: StatusCode(code), Text: decode(text)}
		w.setStatus(st)
		w.log.Debug("bpos1: status frame", "op", op, "code", int(st.Code))
		return nil, st, nil
	}
	w.log.Debug("bpos1: wire answer", "op", op, "tlv", m.GoString())
	return newWireReply(m, order), st, nil
}

// final records an answer and turns a non-zero result into a *ResultError.
func (w *WireClient) final(op string, r *WireReply) (*WireReply, error) {
	if r.Approved() && r.Invoice != 0 && (r.TxnType == TxnPurchase || r.TxnType == TxnRefund) {
		w.mu.Lock()
		if len(w.amounts) >= maxAmounts {
			clear(w.amounts)
		}
		w.amounts[r.Invoice] = r.Amount
		w.mu.Unlock()
	}
	if !r.Approved() {
		return r, &ResultError{Op: op, ErrorCode: ErrCodeTerminal, ResponseCode: r.Result, Description: r.Text}
	}
	return r, nil
}

// linkErr classifies a link failure: an EOT from the terminal is its own abort (response
// code 1000, as the vendor library reports a terminal error); the rest is a *WireError.
func (w *WireClient) linkErr(op, stage string, err error) error {
	if errors.Is(err, stxlink.ErrEOT) {
		return &ResultError{Op: op, ErrorCode: ErrCodeTerminal, ResponseCode: RCGeneralError,
			Description: "the terminal aborted the exchange (EOT)"}
	}
	w.log.Debug("bpos1: wire failure", "op", op, "stage", stage, "err", err)
	return &WireError{Op: op, Stage: stage, Err: err}
}

// String describes the reply for logs: class, result and the TLVs (no card number).
func (r *WireReply) String() string {
	return "class " + strconv.Itoa(int(r.Class)) + " result " + strconv.Itoa(int(r.Result)) + " " + r.Message.GoString()
}
