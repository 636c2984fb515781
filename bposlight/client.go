package bposlight

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/uapos/uapos/internal/stxlink"
	"github.com/uapos/uapos/transport"
)

// Config configures a [Client]. The zero value works with a terminal speaking the spec.
type Config struct {
	// Merchant is used when a request selects none. Zero sends neither MID nor TID, so the
	// terminal uses its first TID (bposlight.md §1.4).
	Merchant Merchant
	// ACKTimeout is the wait for ACK after each frame; zero means 6 s (bposlight.md §1.2).
	ACKTimeout time.Duration
	// MaxNAK is how many NAKs one frame may collect before EOT; zero means 3.
	MaxNAK int
	// ResponseTimeout bounds the wait for the terminal's answer when ctx has no deadline
	// (a purchase waits for the card, the PIN and the host). Zero means 3 minutes.
	ResponseTimeout time.Duration
	// AbortGrace is how long the client waits for the terminal's answer (RC=1001) after it
	// aborted the card wait with EOT. Zero means 10 s.
	AbortGrace time.Duration
	// ConfirmTimeout bounds the CON exchange that [Client.Purchase] runs after an approved
	// PUR even when ctx is already done (an approved purchase must be confirmed, or the
	// terminal cancels it). Zero means 30 s.
	ConfirmTimeout time.Duration
	// Tolerant accepts the LL = len+3 / trailing-NUL frames of the older hobby
	// implementation (bposlight.md §2) from the terminal. Default false: strict spec framing.
	Tolerant bool
	// Location is the zone of DATETIM; nil means time.Local.
	Location *time.Location
	// Logger receives Debug records (request types, RC codes, link events; never card data).
	// Nil discards.
	Logger *slog.Logger
}

// Client speaks B-POS Light over one link. Its methods are safe for concurrent use; they
// run one exchange at a time.
type Client struct {
	mu   sync.Mutex
	conn transport.Conn
	link *stxlink.Link
	cfg  Config
	log  *slog.Logger
}

// New returns a Client over c. The caller keeps ownership of c.
func New(c transport.Conn, cfg Config) *Client {
	if cfg.ResponseTimeout <= 0 {
		cfg.ResponseTimeout = 3 * time.Minute
	}
	if cfg.AbortGrace <= 0 {
		cfg.AbortGrace = 10 * time.Second
	}
	if cfg.ConfirmTimeout <= 0 {
		cfg.ConfirmTimeout = 30 * time.Second
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	f := frameFormat
	f.Tolerant = cfg.Tolerant
	l := stxlink.NewLink(c, stxlink.Config{Format: f, ACKTimeout: cfg.ACKTimeout, MaxNAK: cfg.MaxNAK, Logger: cfg.Logger})
	return &Client{conn: c, link: l, cfg: cfg, log: log}
}

// Conn returns the link the client talks over.
func (c *Client) Conn() transport.Conn { return c.conn }

// Config returns the client's configuration with defaults filled in.
func (c *Client) Config() Config { return c.cfg }

func (c *Client) merchant(m Merchant) Merchant {
	if m.MID == "" && m.TID == "" {
		return c.cfg.Merchant
	}
	return m
}

// StartPurchase sends REQ=PUR and returns the terminal's answer WITHOUT confirming it.
// An approved answer must be passed to [Client.Confirm], or the terminal cancels the
// purchase when its confirm time runs out (bposlight.md §1.4). When ctx ends (cancelled, or
// its deadline passed) or the wait times out after the request may have reached the
// terminal, the client sends EOT and returns the terminal's RC=1001 answer as a
// *ResponseError joined with ctx's error. A request that never left the client is not
// aborted.
func (c *Client) StartPurchase(ctx context.Context, req PurchaseRequest) (*Response, error) {
	req.Merchant = c.merchant(req.Merchant)
	m, err := req.Message()
	if err != nil {
		return nil, err
	}
	return c.exchange(ctx, OpPurchase, m, true)
}

// Confirm sends REQ=CON for an approved purchase: CON with QRDATA for a QR purchase
// (CARDTYPE=QR), CON with INVOICE otherwise.
func (c *Client) Confirm(ctx context.Context, p *Response) (*Response, error) {
	if p == nil {
		return nil, errors.New("bposlight: confirm: no purchase")
	}
	m := ConfirmMessage(p.Invoice)
	if p.CardType == "QR" && p.QRData != "" {
		m = ConfirmQRMessage(p.QRData)
	} else if !p.Raw.Has(TagINVOICE) {
		return nil, &ProtocolError{Op: "CON", Offset: -1, Err: fmt.Errorf("%w INVOICE in the purchase answer", ErrMissingTag)}
	}
	return c.exchange(ctx, OpConfirm, m, false)
}

// Purchase runs PUR and, when approved, the mandatory CON. The CON runs even if ctx ends
// after the approval (bounded by ConfirmTimeout): the result is recorded, so the purchase
// is confirmed. It returns the PUR answer. If the CON fails the purchase is returned with
// the error: after a CON refused by the terminal, the terminal cancels the purchase.
func (c *Client) Purchase(ctx context.Context, req PurchaseRequest) (*Response, error) {
	p, err := c.StartPurchase(ctx, req)
	if err != nil {
		return p, err
	}
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.cfg.ConfirmTimeout)
	defer cancel()
	if _, err := c.Confirm(cctx, p); err != nil {
		return p, &ConfirmError{Purchase: p, Err: err}
	}
	return p, nil
}

// ConfirmError is returned by [Client.Purchase] when the PUR was approved but the CON
// failed. If Err is a *ResponseError the terminal refused the CON and will cancel the
// purchase; if it is a link error the outcome is unknown.
type ConfirmError struct {
	Purchase *Response
	Err      error
}

// Error implements error.
func (e *ConfirmError) Error() string { return "bposlight: confirm failed: " + e.Err.Error() }

// Unwrap returns the CON error.
func (e *ConfirmError) Unwrap() error { return e.Err }

// Cancel sends REQ=CAN for an invoice of the current batch (no confirm needed).
func (c *Client) Cancel(ctx context.Context, req CancelRequest) (*Response, error) {
	req.Merchant = c.merchant(req.Merchant)
	m, err := req.Message()
	if err != nil {
		return nil, err
	}
	return c.exchange(ctx, OpCancel, m, false)
}

// Settle sends REQ=SET (Z-balance) for the merchant (zero = the client's default) and
// returns the answer with its Totals.
func (c *Client) Settle(ctx context.Context, m Merchant) (*Response, error) {
	return c.exchange(ctx, OpSettlement, SettlementMessage(c.merchant(m)), false)
}

// Acquirers sends REQ=ACQ and returns the TID/MID pairs of the terminal.
func (c *Client) Acquirers(ctx context.Context) ([]Acquirer, error) {
	r, err := c.exchange(ctx, OpAcquirers, AcquirersMessage(), false)
	if err != nil {
		return nil, err
	}
	return r.Acquirers(), nil
}

// Exchange sends any request message and returns the decoded answer; RC != 0 gives a
// *ResponseError with the answer. It does not abort with EOT on ctx end.
func (c *Client) Exchange(ctx context.Context, m Message) (*Response, error) {
	op, _ := m.Get(TagREQ)
	return c.exchange(ctx, Op(op), m, false)
}

func (c *Client) exchange(ctx context.Context, op Op, m Message, abortable bool) (*Response, error) {
	data, err := m.Encode()
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if n := c.link.Discard(); n > 0 {
		c.log.Debug("bposlight: dropped stale bytes", "n", n)
	}
	c.log.Debug("bposlight: request", "op", op)
	if err := c.link.Send(ctx, data); err != nil {
		if cause := abortCause(ctx, err); abortable && cause != nil && !errors.Is(err, stxlink.ErrNotSent) {
			// The frame may have reached the terminal: abort as during the card wait.
			return c.abort(ctx, op, cause)
		}
		return nil, c.linkErr(op, "send", err)
	}
	rctx, cancel := ctx, context.CancelFunc(func() {})
	if _, ok := ctx.Deadline(); !ok {
		rctx, cancel = context.WithTimeout(ctx, c.cfg.ResponseTimeout)
	}
	defer cancel()
	r, err := c.receive(rctx, op)
	if err != nil {
		if cause := abortCause(rctx, err); abortable && cause != nil {
			return c.abort(ctx, op, cause)
		}
		return nil, err
	}
	if r.RC != 0 {
		c.log.Debug("bposlight: non-zero RC", "op", op, "rc", r.RCText)
		return r, &ResponseError{Op: op, Code: r.RC, RC: r.RCText, Response: r}
	}
	return r, nil
}

// abortSendTimeout bounds the write of the abort's EOT: one byte, on a context of its own.
const abortSendTimeout = 2 * time.Second

// abortCause reports whether err, from the link under ctx, ended the wait because ctx ended
// or a deadline passed, and returns the cause to report: ctx's error, or, when ctx's own
// timer has not fired yet (the connection's deadline, set from ctx's, fired first),
// context.DeadlineExceeded. It returns nil for every other error, and for the link's own
// ACK timeout (the link has sent EOT itself).
func abortCause(ctx context.Context, err error) error {
	if errors.Is(err, stxlink.ErrNoACK) {
		return nil
	}
	timeout := errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded)
	if !timeout && !errors.Is(err, context.Canceled) {
		return nil
	}
	if cerr := ctx.Err(); cerr != nil {
		return cerr
	}
	if timeout {
		return context.DeadlineExceeded
	}
	return context.Canceled
}

// abort sends the bare EOT that aborts the card wait (bposlight.md §1.4) and waits up to
// AbortGrace for the terminal's answer (RC=1001). cause is the context error that made the
// client give up. The EOT goes out on a fresh context (ctx's values, not its end), so a
// caller's ctx that is already done never skips it. An RC=0 answer (approved just before
// the abort) is returned without error: the caller must confirm it.
func (c *Client) abort(ctx context.Context, op Op, cause error) (*Response, error) {
	c.log.Debug("bposlight: aborting with EOT", "op", op)
	ectx, ecancel := context.WithTimeout(context.WithoutCancel(ctx), abortSendTimeout)
	err := c.link.SendEOT(ectx)
	ecancel()
	if err != nil {
		return nil, errors.Join(cause, c.linkErr(op, "abort", err))
	}
	gctx, gcancel := context.WithTimeout(context.WithoutCancel(ctx), c.cfg.AbortGrace)
	defer gcancel()
	r, err := c.receive(gctx, op)
	if err != nil {
		return nil, errors.Join(cause, err)
	}
	if r.RC != 0 {
		return r, errors.Join(&ResponseError{Op: op, Code: r.RC, RC: r.RCText, Response: r}, cause)
	}
	return r, nil
}

func (c *Client) receive(ctx context.Context, op Op) (*Response, error) {
	data, err := c.link.Receive(ctx)
	if err != nil {
		return nil, c.linkErr(op, "receive", err)
	}
	r, err := DecodeResponse(data)
	if err != nil {
		var pe *ProtocolError
		if errors.As(err, &pe) {
			pe.Op = string(op)
		}
		return nil, err
	}
	c.log.Debug("bposlight: response", "op", r.Op, "rc", r.RCText)
	if r.Op != op {
		return r, &ProtocolError{Op: string(op), Offset: -1, Err: fmt.Errorf("%w RESP=%s", ErrUnexpectedResponse, r.Op)}
	}
	return r, nil
}

// linkErr wraps a link-layer error once: framing violations become *ProtocolError, I/O
// and context errors keep their identity for errors.Is.
func (c *Client) linkErr(op Op, stage string, err error) error {
	if stage == "send" {
		err = fmt.Errorf("%w: %w", ErrNotDelivered, err)
	}
	var se *stxlink.ProtocolError
	if errors.As(err, &se) {
		return &ProtocolError{Op: string(op), Offset: se.Offset, Err: fmt.Errorf("%s: %w", stage, err)}
	}
	return fmt.Errorf("bposlight: %s: %s: %w", op, stage, err)
}
