package posapi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/uapos/uapos/posapi/capi"
)

// Config configures a [Client]. The zero value works against a library that knows its
// terminal without a port name.
type Config struct {
	// Port is pos_open's name: an OS serial port ("COM3", "/dev/ttyACM0") or "ip:port".
	// Default "".
	Port string
	// LogFile is pos_open's log argument: a file path for the library's own log; "" (default)
	// turns it off.
	LogFile string
	// OpenTimeout, when positive, opens with pos_open_with_timeout (C header argument order,
	// value in ms; the function is undocumented, see the package doc). 0 (default) uses pos_open.
	OpenTimeout time.Duration
	// Poll is the timeout of each pos_receive call; the context is checked between calls,
	// and a call never waits past the context's deadline. 0 means 1 s. The guide's own
	// examples wait 180 s per call; a shorter poll lets a cancelled context be noticed.
	Poll time.Duration
	// BreakWait is how long to keep receiving after we sent ACTION_BREAK on a cancelled
	// context, for the terminal's final answer. 0 means 30 s.
	BreakWait time.Duration
	// Currency is POS_CURRENCY for money-moving operations; "" means "980" (UAH).
	Currency string
	// Symbols supplies values for symbols the loaded library does not export, by symbol name:
	// "ACTION_HOST_COUNT": "0x0601", "POS_HOST_CODE": "host_code". The library's own exports
	// win. Default none.
	Symbols map[string]string
	// Location is the terminal's time zone for POS_DATE_TIME; nil means time.Local.
	Location *time.Location
	// Logger receives Debug records of the session (no card data); nil discards.
	Logger *slog.Logger
}

// Client runs POSAPI operations over a [capi.Library], one session per operation, one
// session at a time. It is safe for concurrent use; concurrent calls queue.
type Client struct {
	lib capi.Library
	cfg Config
	sym *symbols
	log *slog.Logger
	sem chan struct{}

	mu      sync.Mutex
	running bool
	last    Message
}

// Message is a RESP_MESSAGE: text for the cashier's display.
type Message struct {
	Title, Body string
	// CanBreak is msg_break: the step can still be interrupted with ACTION_BREAK.
	CanBreak bool
}

// Identifier is a RESP_IDENTIFIER: the terminal read the card and assigned a transaction id,
// before going to the host.
type Identifier struct {
	// TransID is POS_TRANS_ID, the key of ACTION_STATUS.
	TransID string
	// CanBreak is msg_break.
	CanBreak bool
	// Reply holds the rest (masked PAN, pan_sha256, card_type, loyalty code).
	Reply *Reply
}

// Arg is one request parameter.
type Arg struct {
	Param capi.Param
	Value string
}

// Call is one operation: the action, its parameters and the callbacks of the receive loop.
type Call struct {
	Action capi.Action
	Args   []Arg
	// OnMessage receives each RESP_MESSAGE. Optional.
	OnMessage func(Message)
	// OnIdentifier runs first on RESP_IDENTIFIER, before anything else; the caller stores
	// TransID durably there. An error makes the client interrupt the operation (ACTION_BREAK,
	// when msg_break allows) and return it.
	OnIdentifier func(Identifier) error
	// Revise, when set, is the discount revision flow: the client sets POS_REVISION_SIGN=1,
	// and after RESP_IDENTIFIER sends ACTION_REVISION with the POS_AMOUNT Revise returns
	// (it must not exceed the original). An error interrupts.
	Revise func(Identifier) (amount string, err error)
	// Confirm, when set, is the cashier confirmation flow: POS_CONFIRM_SIGN=1, and after
	// RESP_IDENTIFIER ACTION_CONFIRM with POS_STATUS 1 (plus POS_DOCUMENT) or 0.
	// POS_CONFIRM_SIGN and ACTION_CONFIRM have no public value: the flow needs a library that
	// exports them (or Config.Symbols), else Do fails with [ErrUnknownSymbol] before opening.
	Confirm func(Identifier) (ok bool, document string, err error)
}

// New returns a client over lib.
func New(lib capi.Library, cfg Config) (*Client, error) {
	if lib == nil {
		return nil, errors.New("posapi: nil library")
	}
	if cfg.Poll <= 0 {
		cfg.Poll = time.Second
	}
	if cfg.BreakWait <= 0 {
		cfg.BreakWait = 30 * time.Second
	}
	if cfg.Currency == "" {
		cfg.Currency = "980"
	}
	lg := cfg.Logger
	if lg == nil {
		lg = slog.New(slog.DiscardHandler)
	}
	return &Client{lib: lib, cfg: cfg, sym: newSymbols(lib, cfg.Symbols), log: lg, sem: make(chan struct{}, 1)}, nil
}

// Currency returns the configured POS_CURRENCY.
func (c *Client) Currency() string { return c.cfg.Currency }

// Resolve returns the numeric value of an action as the loaded library defines it.
func (c *Client) Resolve(a capi.Action) (int, error) { return c.sym.action(a) }

// WireName returns the wire name of a parameter as the loaded library defines it.
func (c *Client) WireName(p capi.Param) (string, bool) { return c.sym.param(p) }

// Running reports whether a session is open and returns the last progress message of it.
func (c *Client) Running() (bool, Message) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.running, c.last
}

// Do runs one operation in its own session (pos_open, pos_set*, pos_send, the receive loop,
// pos_close) and returns the final response's parameters. RESP_CONFIRM returns a nil error;
// RESP_DECLINE a [*DeclineError], RESP_BREAK a [*BreakError] and RESP_WRONG_MAC an error
// matching [ErrWrongMAC], each with the reply. When ctx ends while the terminal's last
// message allows it, the client sends ACTION_BREAK and waits up to Config.BreakWait for the
// final answer; when it does not allow it, Do returns an [*UnknownError] (ask ACTION_STATUS).
// Before the terminal's first message the operation is taken as interruptible.
func (c *Client) Do(ctx context.Context, call Call) (*Reply, error) {
	select {
	case c.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("posapi: waiting for the terminal: %w", ctx.Err())
	}
	defer func() { <-c.sem }()
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("posapi: %w", err)
	}
	code, err := c.sym.action(call.Action)
	if err != nil {
		return nil, err
	}
	args := call.Args
	if call.Revise != nil {
		args = append(args[:len(args):len(args)], Arg{capi.ParamRevisionSign, "1"})
	}
	if call.Confirm != nil {
		args = append(args[:len(args):len(args)], Arg{capi.ParamConfirmSign, "1"})
	}
	wires := make([]string, len(args))
	for i, a := range args {
		w, ok := c.sym.param(a.Param)
		if !ok {
			return nil, &SymbolError{Name: string(a.Param)}
		}
		wires[i] = w
	}

	h, ok := c.open()
	if !ok {
		return nil, &LibraryError{Op: "pos_open", Code: c.lib.Error(capi.NoHandle)}
	}
	c.mu.Lock()
	c.running, c.last = true, Message{}
	c.mu.Unlock()
	defer func() {
		c.lib.Close(h)
		c.mu.Lock()
		c.running = false
		c.mu.Unlock()
	}()
	for i, a := range args {
		if !c.lib.Set(h, wires[i], a.Value) {
			return nil, &LibraryError{Op: "pos_set " + wires[i], Code: c.lib.Error(h)}
		}
	}
	if err := ended(ctx); err != nil {
		// Nothing sent yet: do not start an operation only to break it.
		return nil, fmt.Errorf("posapi: %w", err)
	}
	c.log.Debug("posapi: send", "action", call.Action, "code", code)
	if !c.lib.Send(h, code) {
		// The library may have written part of the request: the outcome is not known.
		return nil, &UnknownError{Err: &LibraryError{Op: "pos_send", Code: c.lib.Error(h), Sent: true}}
	}
	return c.loop(ctx, h, call)
}

func (c *Client) open() (capi.Handle, bool) {
	if c.cfg.OpenTimeout > 0 {
		return c.lib.OpenWithTimeout(c.cfg.Port, int(c.cfg.OpenTimeout/time.Millisecond), c.cfg.LogFile)
	}
	return c.lib.Open(c.cfg.Port, c.cfg.LogFile)
}

// session is the state of one receive loop.
type session struct {
	h         capi.Handle
	canBreak  bool // msg_break of the last step; true before the first step
	breakSent bool
	breakAt   time.Time
	cause     error // why we sent ACTION_BREAK
	transID   string
}

func (c *Client) loop(ctx context.Context, h capi.Handle, call Call) (*Reply, error) {
	s := &session{h: h, canBreak: true}
	poll := int(c.cfg.Poll / time.Millisecond)
	if poll < 1 {
		poll = 1
	}
	for {
		if s.breakSent {
			if time.Since(s.breakAt) > c.cfg.BreakWait {
				return nil, &UnknownError{TransID: s.transID, Err: errors.Join(s.cause, errors.New("posapi: no answer to ACTION_BREAK"))}
			}
		} else if err := ended(ctx); err != nil {
			if !s.canBreak {
				return nil, &UnknownError{TransID: s.transID, Err: err}
			}
			if berr := c.sendBreak(s, err); berr != nil {
				return nil, &UnknownError{TransID: s.transID, Err: errors.Join(err, berr)}
			}
		}
		wait := poll
		if !s.breakSent {
			wait = untilDeadline(ctx, poll)
		}
		v := c.lib.Receive(h, wait)
		resp, known := c.sym.response(v)
		if !known {
			// The guide: any other value must be answered with ACTION_BREAK.
			c.log.Debug("posapi: unknown response", "value", v)
			if !s.breakSent {
				if err := c.sendBreak(s, fmt.Errorf("posapi: unknown response %d", v)); err != nil {
					return nil, &UnknownError{TransID: s.transID, Err: err}
				}
			}
			continue
		}
		switch resp {
		case capi.RespTimeout:
			continue
		case capi.RespError:
			return nil, &UnknownError{TransID: s.transID, Err: &LibraryError{Op: "pos_receive", Code: c.lib.Error(h), Sent: true}}
		case capi.RespMessage:
			r := readReply(c.lib, h, resp, c.sym)
			m := Message{Title: r.Get(capi.ParamMsgTitle), Body: r.Get(capi.ParamMsgBody), CanBreak: r.Get(capi.ParamMsgBreak) == "1"}
			s.canBreak = m.CanBreak
			c.mu.Lock()
			c.last = m
			c.mu.Unlock()
			c.log.Debug("posapi: message", "title", m.Title, "break", m.CanBreak)
			if call.OnMessage != nil {
				call.OnMessage(m)
			}
		case capi.RespIdentifier:
			r := readReply(c.lib, h, resp, c.sym)
			id := Identifier{TransID: r.Get(capi.ParamTransID), CanBreak: r.Get(capi.ParamMsgBreak) == "1", Reply: r}
			s.transID, s.canBreak = id.TransID, id.CanBreak
			c.log.Debug("posapi: identifier", "trans_id", id.TransID)
			if err := c.identified(s, call, id); err != nil {
				if !s.canBreak {
					return nil, &UnknownError{TransID: s.transID, Err: err}
				}
				if berr := c.sendBreak(s, err); berr != nil {
					return nil, &UnknownError{TransID: s.transID, Err: errors.Join(err, berr)}
				}
			}
		case capi.RespInput, capi.RespKeepalive:
			// Not described by the guide: treated like any other unexpected value.
			if !s.breakSent {
				if err := c.sendBreak(s, fmt.Errorf("posapi: unexpected %s", resp)); err != nil {
					return nil, &UnknownError{TransID: s.transID, Err: err}
				}
			}
		default:
			r := readReply(c.lib, h, resp, c.sym)
			return c.final(s, r)
		}
	}
}

// ended returns ctx's error once ctx has ended: cancelled, or its deadline passed, also
// before ctx's own timer has fired (then context.DeadlineExceeded). Nil while it runs.
func ended(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if dl, ok := ctx.Deadline(); ok && !time.Now().Before(dl) {
		return context.DeadlineExceeded
	}
	return nil
}

// untilDeadline bounds one pos_receive wait (poll, in ms) by ctx's deadline, rounded up to
// whole milliseconds and at least 1, so that the deadline is seen when it passes and not a
// poll later.
func untilDeadline(ctx context.Context, poll int) int {
	dl, ok := ctx.Deadline()
	if !ok {
		return poll
	}
	ms := int((time.Until(dl) + time.Millisecond - 1) / time.Millisecond)
	return max(1, min(ms, poll))
}

// identified runs the IDENTIFIER step: the caller's record first, then revision or confirm.
func (c *Client) identified(s *session, call Call, id Identifier) error {
	if call.OnIdentifier != nil {
		if err := call.OnIdentifier(id); err != nil {
			return err
		}
	}
	if call.Revise != nil {
		amount, err := call.Revise(id)
		if err != nil {
			return err
		}
		if err := c.sendIn(s.h, capi.ActionRevision, Arg{capi.ParamAmount, amount}); err != nil {
			return err
		}
	}
	if call.Confirm != nil {
		ok, doc, err := call.Confirm(id)
		if err != nil {
			return err
		}
		args := []Arg{{capi.ParamStatus, "0"}}
		if ok {
			args[0].Value = "1"
			if doc != "" {
				args = append(args, Arg{capi.ParamDocument, doc})
			}
		}
		if err := c.sendIn(s.h, capi.ActionConfirm, args...); err != nil {
			return err
		}
	}
	return nil
}

// sendIn sends an in-session action (REVISION, CONFIRM) with its parameters.
func (c *Client) sendIn(h capi.Handle, a capi.Action, args ...Arg) error {
	code, err := c.sym.action(a)
	if err != nil {
		return err
	}
	for _, arg := range args {
		w, ok := c.sym.param(arg.Param)
		if !ok {
			return &SymbolError{Name: string(arg.Param)}
		}
		if !c.lib.Set(h, w, arg.Value) {
			return &LibraryError{Op: "pos_set " + w, Code: c.lib.Error(h)}
		}
	}
	if !c.lib.Send(h, code) {
		return &LibraryError{Op: "pos_send " + string(a), Code: c.lib.Error(h), Sent: true}
	}
	return nil
}

func (c *Client) sendBreak(s *session, cause error) error {
	s.breakSent, s.breakAt, s.cause = true, time.Now(), cause
	c.log.Debug("posapi: break", "cause", cause)
	code, err := c.sym.action(capi.ActionBreak)
	if err != nil {
		return err
	}
	if !c.lib.Send(s.h, code) {
		return &LibraryError{Op: "pos_send ACTION_BREAK", Code: c.lib.Error(s.h), Sent: true}
	}
	return nil
}

// final turns a final response into the Do result.
func (c *Client) final(s *session, r *Reply) (*Reply, error) {
	c.log.Debug("posapi: final", "response", r.Response)
	switch r.Response {
	case capi.RespConfirm:
		return r, nil
	case capi.RespDecline:
		return r, &DeclineError{Reply: r, Text: r.Get(capi.ParamTransStatus), Status: r.Get(capi.ParamStatus), HostCode: r.Get(capi.ParamHostCode)}
	case capi.RespWrongMAC:
		return r, fmt.Errorf("%w (%s)", ErrWrongMAC, r.Response)
	default: // RespBreak
		return r, &BreakError{Reply: r, Requested: s.breakSent, Cause: s.cause}
	}
}
