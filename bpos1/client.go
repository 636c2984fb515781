package bpos1

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"
)

// DefaultPollInterval is the pause between two LastResult polls (the SELF2000 and Qt
// samples poll every 50 ms, bpos1.md Addendum A.2).
const DefaultPollInterval = 50 * time.Millisecond

// DefaultCancelWait bounds the polling after Cancel (bpos1.md §2.5 "Cancel": call Cancel,
// then keep polling until LastResult is not 2).
const DefaultCancelWait = 30 * time.Second

// Config configures a [Client]. The zero value works.
type Config struct {
	// PollInterval is the pause between LastResult polls. Zero means DefaultPollInterval;
	// a negative value polls without pausing (for in-process simulators).
	PollInterval time.Duration
	// CancelWait bounds the polling after Cancel once ctx is done. Zero means
	// DefaultCancelWait.
	CancelWait time.Duration
	// Name describes the link ("tcp:127.0.0.1:2100"); the adapter derives its journal key
	// from it. Empty means "bpos1".
	Name string
	// Logger receives Debug records of calls and results (no card data). Nil discards.
	Logger *slog.Logger
}

// Status is a progress message of the terminal: LastStatMsgCode and its description.
type Status struct {
	Code StatusCode
	Text string // UTF-8
}

type progressKey struct{}

// WithProgress returns a context whose operations report every change of LastStatMsgCode
// to fn, from the polling goroutine (the pattern of net/http/httptrace).
func WithProgress(ctx context.Context, fn func(Status)) context.Context {
	return context.WithValue(ctx, progressKey{}, fn)
}

func progressFrom(ctx context.Context) func(Status) {
	if fn, ok := ctx.Value(progressKey{}).(func(Status)); ok && fn != nil {
		return fn
	}
	return func(Status) {}
}

// Client runs the documented call sequences of bpos1.md §2.5 over a [Lib]: start an
// action, poll LastResult (reporting progress), Confirm after the operations that need it
// (never after Void), fetch the receipt with ReqCurrReceipt, and Cancel when ctx ends.
//
// A Client runs one operation at a time; a second concurrent one fails with a [*CallError]
// of code [ECRCBusy]. Property reads are serialised with the operations, so [Client.Status]
// may be called while an operation runs.
type Client struct {
	lib Lib
	cfg Config
	log *slog.Logger

	mu   sync.Mutex // serialises every Lib call
	opMu sync.Mutex // one operation at a time
}

// New returns a Client over lib.
func New(lib Lib, cfg Config) (*Client, error) {
	if lib == nil {
		return nil, errors.New("bpos1: nil Lib")
	}
	if cfg.PollInterval == 0 {
		cfg.PollInterval = DefaultPollInterval
	}
	if cfg.CancelWait <= 0 {
		cfg.CancelWait = DefaultCancelWait
	}
	if cfg.Name == "" {
		cfg.Name = "bpos1"
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Client{lib: lib, cfg: cfg, log: log}, nil
}

// Lib returns the backend.
func (c *Client) Lib() Lib { return c.lib }

// Name returns Config.Name.
func (c *Client) Name() string { return c.cfg.Name }

// locked runs f with the Lib lock held.
func (c *Client) locked(f func(Lib)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	f(c.lib)
}

// begin takes the operation lock without waiting.
func (c *Client) begin(op string) (func(), error) {
	if !c.opMu.TryLock() {
		return nil, &CallError{Op: op, Code: ECRCBusy}
	}
	return c.opMu.Unlock, nil
}

// run starts an action and waits for its end.
func (c *Client) run(ctx context.Context, op string, start func(Lib) int) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("bpos1: %s: %w", op, err)
	}
	var code int
	c.locked(func(l Lib) { code = start(l) })
	c.log.Debug("bpos1: call", "op", op, "ecrc", code)
	if code != 0 {
		return &CallError{Op: op, Code: ECRC(code)}
	}
	return c.wait(ctx, op)
}

// wait polls LastResult until it is not 2, reporting progress; when ctx ends it calls
// Cancel and keeps polling for at most CancelWait.
func (c *Client) wait(ctx context.Context, op string) error {
	progress := progressFrom(ctx)
	last := StatusCode(0)
	var cancelled bool
	var cancelDeadline <-chan time.Time
	var pause *time.Timer
	defer func() {
		if pause != nil {
			pause.Stop()
		}
	}()
	for {
		var r LastResult
		var st StatusCode
		var desc string
		c.locked(func(l Lib) {
			r = LastResult(l.LastResult())
			if r == LastInProgress {
				st = StatusCode(l.LastStatMsgCode())
				if st != last && st != StatusNone {
					desc = decode(l.LastStatMsgDescription())
				}
			}
		})
		if r != LastInProgress {
			return c.finish(ctx, op, r, cancelled)
		}
		if st != last && st != StatusNone {
			progress(Status{Code: st, Text: desc})
		}
		last = st
		if !cancelled && ctx.Err() != nil {
			cancelled = true
			var code int
			c.locked(func(l Lib) { code = l.Cancel() })
			c.log.Debug("bpos1: cancel", "op", op, "ecrc", code)
			t := time.NewTimer(c.cfg.CancelWait)
			defer t.Stop()
			cancelDeadline = t.C
		}
		if c.cfg.PollInterval < 0 {
			if cancelled {
				select {
				case <-cancelDeadline:
					return fmt.Errorf("bpos1: %s: %w: %w", op, ErrStillRunning, context.Cause(ctx))
				default:
				}
			}
			continue
		}
		if pause == nil {
			pause = time.NewTimer(c.cfg.PollInterval)
		} else {
			pause.Reset(c.cfg.PollInterval)
		}
		done := ctx.Done()
		if cancelled {
			done = nil
		}
		select {
		case <-pause.C:
		case <-done:
		case <-cancelDeadline:
			return fmt.Errorf("bpos1: %s: %w: %w", op, ErrStillRunning, context.Cause(ctx))
		}
	}
}

func (c *Client) finish(ctx context.Context, op string, r LastResult, cancelled bool) error {
	switch r {
	case LastOK:
		if cancelled {
			// The terminal finished before the cancel took; the caller has gone, so the
			// operation is not confirmed and the terminal reverses it (bpos1.md §2.3 Confirm).
			return fmt.Errorf("bpos1: %s: completed after cancel, left unconfirmed: %w", op, context.Cause(ctx))
		}
		return nil
	case LastFailed:
		e := &ResultError{Op: op}
		c.locked(func(l Lib) {
			e.ErrorCode = ErrorCode(l.LastErrorCode())
			e.ResponseCode = l.ResponseCode()
			e.Description = decode(l.LastErrorDescription())
		})
		c.log.Debug("bpos1: result error", "op", op, "error_code", int(e.ErrorCode), "response_code", e.ResponseCode)
		return e
	}
	return &ProtocolError{Op: op, Msg: "LastResult " + strconv.Itoa(int(r)) + " is not 0, 1 or 2"}
}

// financial runs a financial action: start, wait, read the transaction, Confirm when
// confirm is true, fetch the receipt. A terminal decline (LastErrorCode 4) carries its slip
// in ResultError.Receipt.
func (c *Client) financial(ctx context.Context, op string, confirm bool, start func(Lib) int) (*Txn, error) {
	unlock, err := c.begin(op)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if err := c.run(ctx, op, start); err != nil {
		var re *ResultError
		if errors.As(err, &re) && re.Declined() {
			re.Receipt, _ = c.receipt(ctx)
		}
		return nil, err
	}
	var t *Txn
	c.locked(func(l Lib) { t = readTxn(l) })
	if confirm {
		if err := c.run(ctx, "Confirm", func(l Lib) int { return l.Confirm() }); err != nil {
			return t, &ConfirmError{Op: op, Txn: t, Err: err}
		}
	}
	t.Receipt, err = c.receipt(ctx)
	if err != nil {
		c.log.Debug("bpos1: no receipt", "op", op, "err", err)
	}
	return t, nil
}

// ConfirmError is an approved financial operation whose Confirm failed: the terminal may
// have reversed it, so its outcome is unknown until the journal is read.
type ConfirmError struct {
	Op  string
	Txn *Txn // the transaction as approved, before Confirm
	Err error
}

// Error implements error.
func (e *ConfirmError) Error() string { return "bpos1: " + e.Op + ": confirm failed: " + e.Err.Error() }

// Unwrap returns the cause.
func (e *ConfirmError) Unwrap() error { return e.Err }

// receipt runs ReqCurrReceipt and reads Receipt. A backend without receipts answers ECRC
// NODATA, which yields "" and an error matching ErrNotSupported.
func (c *Client) receipt(ctx context.Context) (string, error) {
	if err := c.run(ctx, "ReqCurrReceipt", func(l Lib) int { return l.ReqCurrReceipt() }); err != nil {
		return "", err
	}
	var s string
	c.locked(func(l Lib) { s = decode(l.Receipt()) })
	return s, nil
}

// Purchase sells amount kopecks minus discount on merchant merch (1-based), confirms and
// fetches the slip (bpos1.md §2.5 "Purchase").
func (c *Client) Purchase(ctx context.Context, amount, discount uint32, merch uint8) (*Txn, error) {
	return c.financial(ctx, "Purchase", true, func(l Lib) int { return l.Purchase(amount, discount, merch) })
}

// Refund returns amount kopecks of the purchase with the 12-character rrn, confirms and
// fetches the slip (bpos1.md §2.5 "Refund").
func (c *Client) Refund(ctx context.Context, amount uint32, merch uint8, rrn string) (*Txn, error) {
	r, err := encode(rrn)
	if err != nil {
		return nil, err
	}
	return c.financial(ctx, "Refund", true, func(l Lib) int { return l.Refund(amount, 0, merch, r) })
}

// Void cancels the operation with the invoice number in the current batch; it is never
// confirmed (bpos1.md §2.5 "Void").
func (c *Client) Void(ctx context.Context, invoice uint32, merch uint8) (*Txn, error) {
	return c.financial(ctx, "Void", false, func(l Lib) int { return l.Void(invoice, merch) })
}

// CashAdvance withdraws amount kopecks of cash from the card (bpos1.md §2.3 DISPID 90),
// confirms and fetches the slip. currCode is the ISO numeric currency ("980"), acc the
// account type (0 default).
func (c *Client) CashAdvance(ctx context.Context, amount uint32, merch uint8, currCode string, acc uint8) (*Txn, error) {
	cc, err := encode(currCode)
	if err != nil {
		return nil, err
	}
	return c.financial(ctx, "CashAdvance", true, func(l Lib) int { return l.CashAdvance(merch, amount, cc, acc) })
}

// totals runs a totals action and reads the Totals properties and the receipt.
func (c *Client) totals(ctx context.Context, op string, start func(Lib) int, withReceipt bool) (*Totals, error) {
	unlock, err := c.begin(op)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if err := c.run(ctx, op, start); err != nil {
		return nil, err
	}
	var t *Totals
	c.locked(func(l Lib) { t = readTotals(l) })
	if withReceipt {
		t.Receipt, _ = c.receipt(ctx)
	}
	return t, nil
}

// Settlement closes the batch of merchant merch (0 = all), returning the totals and the
// report (bpos1.md §2.5 "Z / settlement").
func (c *Client) Settlement(ctx context.Context, merch uint8) (*Totals, error) {
	return c.totals(ctx, "Settlement", func(l Lib) int { return l.Settlement(merch) }, true)
}

// PrintBatchTotals prints the X-report of merchant merch (0 = all) and returns the totals
// and the report (bpos1.md §2.5 "X report").
func (c *Client) PrintBatchTotals(ctx context.Context, merch uint8) (*Totals, error) {
	return c.totals(ctx, "PrintBatchTotals", func(l Lib) int { return l.PrintBatchTotals(merch) }, true)
}

// GetBatchTotals returns the totals without printing.
func (c *Client) GetBatchTotals(ctx context.Context, merch uint8) (*Totals, error) {
	return c.totals(ctx, "GetBatchTotals", func(l Lib) int { return l.GetBatchTotals(merch) }, false)
}

// simple runs an action that has no result properties.
func (c *Client) simple(ctx context.Context, op string, start func(Lib) int) error {
	unlock, err := c.begin(op)
	if err != nil {
		return err
	}
	defer unlock()
	return c.run(ctx, op, start)
}

// TxnCount returns the number of journal records (GetTxnNum).
func (c *Client) TxnCount(ctx context.Context) (uint32, error) {
	unlock, err := c.begin("GetTxnNum")
	if err != nil {
		return 0, err
	}
	defer unlock()
	return c.txnCount(ctx)
}

func (c *Client) txnCount(ctx context.Context) (uint32, error) {
	if err := c.run(ctx, "GetTxnNum", func(l Lib) int { return l.GetTxnNum() }); err != nil {
		return 0, err
	}
	var n uint32
	c.locked(func(l Lib) { n = l.TxnNum() })
	return n, nil
}

// TxnByOrder returns journal record n (1..TxnCount).
func (c *Client) TxnByOrder(ctx context.Context, n uint32) (*Txn, error) {
	unlock, err := c.begin("GetTxnDataByOrder")
	if err != nil {
		return nil, err
	}
	defer unlock()
	return c.txnBy(ctx, "GetTxnDataByOrder", func(l Lib) int { return l.GetTxnDataByOrder(n) })
}

func (c *Client) txnBy(ctx context.Context, op string, start func(Lib) int) (*Txn, error) {
	if err := c.run(ctx, op, start); err != nil {
		return nil, err
	}
	var t *Txn
	c.locked(func(l Lib) { t = readTxn(l) })
	return t, nil
}

// TxnByInvoice returns the journal record with the invoice number (GetTxnDataByInv).
func (c *Client) TxnByInvoice(ctx context.Context, invoice uint32, merch uint8) (*Txn, error) {
	unlock, err := c.begin("GetTxnDataByInv")
	if err != nil {
		return nil, err
	}
	defer unlock()
	return c.txnBy(ctx, "GetTxnDataByInv", func(l Lib) int { return l.GetTxnDataByInv(invoice, merch) })
}

// LastTxn returns the newest journal record: GetTxnNum, then GetTxnDataByOrder(TxnNum)
// (bpos1.md §3 "last transaction"; that the last order is the newest is the note's
// inference). It returns ErrNoTransaction when the journal is empty.
func (c *Client) LastTxn(ctx context.Context) (*Txn, error) {
	unlock, err := c.begin("GetTxnNum")
	if err != nil {
		return nil, err
	}
	defer unlock()
	n, err := c.txnCount(ctx)
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, ErrNoTransaction
	}
	return c.txnBy(ctx, "GetTxnDataByOrder", func(l Lib) int { return l.GetTxnDataByOrder(n) })
}

// Receipt fetches the slip of the current or last operation (ReqCurrReceipt).
func (c *Client) Receipt(ctx context.Context) (string, error) {
	unlock, err := c.begin("ReqCurrReceipt")
	if err != nil {
		return "", err
	}
	defer unlock()
	return c.receipt(ctx)
}

// TerminalInfo runs POSGetInfo and parses TerminalInfo.
func (c *Client) TerminalInfo(ctx context.Context) (TerminalInfo, error) {
	if err := c.simple(ctx, "POSGetInfo", func(l Lib) int { return l.POSGetInfo() }); err != nil {
		return TerminalInfo{}, err
	}
	var s string
	c.locked(func(l Lib) { s = decode(l.TerminalInfo()) })
	return ParseTerminalInfo(s), nil
}

// CheckConnection makes the terminal test its link to the authorisation host for merchant
// merch (bpos1.md §2.3 DISPID 40, the bank echo).
func (c *Client) CheckConnection(ctx context.Context, merch uint8) error {
	return c.simple(ctx, "CheckConnection", func(l Lib) int { return l.CheckConnection(merch) })
}

// Ping checks the link to an idle terminal (bpos1.md §2.3 DISPID 97).
func (c *Client) Ping(ctx context.Context) error {
	return c.simple(ctx, "Ping", func(l Lib) int { return l.Ping() })
}

// SetErrorLang selects the language of the library's messages. It is a setting of the
// library, not an exchange: only its ECRC is checked (the samples do not poll after it).
func (c *Client) SetErrorLang(lang ErrorLang) error {
	var code int
	c.locked(func(l Lib) { code = l.SetErrorLang(uint8(lang)) })
	if code != 0 {
		return &CallError{Op: "SetErrorLang", Code: ECRC(code)}
	}
	return nil
}

// OpenTCP opens the link to the terminal at ip:port (CommOpenTCP; the ECR is the TCP
// client) and waits for it.
func (c *Client) OpenTCP(ctx context.Context, ip, port string) error {
	return c.simple(ctx, "CommOpenTCP", func(l Lib) int { return l.CommOpenTCP(ip, port) })
}

// OpenSerial opens the serial link (CommOpen) and waits for it.
func (c *Client) OpenSerial(ctx context.Context, port string, baud uint32) error {
	return c.simple(ctx, "CommOpen", func(l Lib) int { return l.CommOpen(port, baud) })
}

// Close closes the link (CommClose).
func (c *Client) Close() error {
	var code int
	c.locked(func(l Lib) { code = l.CommClose() })
	if code != 0 {
		return &CallError{Op: "CommClose", Code: ECRC(code)}
	}
	return nil
}

// Status returns the current progress message (LastStatMsgCode / LastStatMsgDescription);
// it may be called while an operation runs.
func (c *Client) Status() Status {
	var s Status
	c.locked(func(l Lib) {
		s.Code = StatusCode(l.LastStatMsgCode())
		s.Text = decode(l.LastStatMsgDescription())
	})
	return s
}
