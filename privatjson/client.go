package privatjson

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/uapos/uapos/transport"
)

// ErrNoMsgType: the terminal answered a service message with a ServiceMessage that carries
// no msgType, typically an error ("error":true with an errorDescription). The call fails at
// once with a [*ProtocolError] wrapping it (and a [*ResponseError] with the terminal's text,
// when it sent one) instead of waiting for a reply that will not come.
var ErrNoMsgType = errors.New("privatjson: service reply without msgType")

// DialFunc opens a new link to the terminal (a TCP connection, a serial port).
type DialFunc func(ctx context.Context) (transport.Conn, error)

// Config tunes a [Client]. The zero value follows the spec and the field reports.
type Config struct {
	// SendGap is the least time between two sends on the link. 0 means 100 ms, the gap field
	// reports advise ([1.0.3.5 per SimplyAddinConnect], privatjson.md §1.5); negative means none.
	SendGap time.Duration
	// PingPause is the pause after the handshake reply before the next send. 0 means 1 s
	// ([1.0.3.5 per SimplyAddinConnect]; Verifone may need 3-5 s); negative means none.
	PingPause time.Duration
	// PollInterval is how often a card operation with a progress callback polls
	// getLastStatMsgCode. 0 means 500 ms; negative means no polling.
	PollInterval time.Duration
	// Timeout bounds a card operation whose context has no deadline. 0 means 120 s (what the
	// public clients use for Purchase, privatjson.md §1.5; the spec sets none).
	Timeout time.Duration
	// ServiceTimeout bounds service messages and quick methods (PingDevice, identify,
	// GetTerminalInfo, GetReceiptInfo) whose context has no deadline. 0 means 10 s.
	ServiceTimeout time.Duration
	// InterruptWait is how long a cancelled card operation waits, after sending interrupt, for
	// the operation's final reply. 0 means 10 s.
	InterruptWait time.Duration
	// MaxFrame bounds one incoming frame. 0 means [DefaultMaxFrame].
	MaxFrame int
	// SingleConnection makes [Open] do the handshake and identify on the one connection it
	// keeps, instead of the spec's reference scheme of three connections (spec §2). Serial
	// links opened from a pty want it.
	SingleConnection bool
	// Logger receives Debug records of the exchange (methods and codes, never params). nil
	// discards.
	Logger *slog.Logger
}

func dur(v, def time.Duration) time.Duration {
	switch {
	case v == 0:
		return def
	case v < 0:
		return 0
	}
	return v
}

// Client speaks the PrivatBank ECR JSON protocol over one persistent link: one card operation
// at a time (the primary lane), while service messages (status, interrupt, correction) go
// alongside on the service lane (spec §3). Its methods are safe for concurrent use; a second
// card operation waits for the first.
type Client struct {
	cfg  Config
	log  *slog.Logger
	dial DialFunc

	op  chan struct{} // primary lane
	svc chan struct{} // service lane

	connMu   sync.Mutex // serialises connecting
	mu       sync.Mutex
	link     *link
	closed   bool
	identity Identity

	sendMu    sync.Mutex
	lastSend  time.Time
	notBefore time.Time                                        // PingPause
	pause     func(ctx context.Context, d time.Duration) error // the gap wait; a seam for tests
}

func newClient(cfg Config) *Client {
	lg := cfg.Logger
	if lg == nil {
		lg = slog.New(slog.DiscardHandler)
	}
	return &Client{cfg: cfg, log: lg, op: make(chan struct{}, 1), svc: make(chan struct{}, 1), pause: sleepCtx}
}

// New returns a client on an open link. It does not send anything: call [Client.Handshake]
// to run the handshake and identify on it. The client cannot reconnect; when the link breaks
// every call fails with an error wrapping [ErrClosed]. Close closes conn.
func New(conn transport.Conn, cfg Config) *Client {
	c := newClient(cfg)
	c.link = c.newLink(conn)
	return c
}

// Open dials the terminal and follows the spec's reference connection scheme (spec §2,
// privatjson.md §1.3): connect, handshake (PingDevice with the leading 0x00), disconnect;
// connect, identify, disconnect; connect and keep that connection. When the kept connection
// breaks, the next call dials again and repeats the scheme. With Config.SingleConnection
// the handshake and identify run on the kept connection.
func Open(ctx context.Context, dial DialFunc, cfg Config) (*Client, error) {
	if dial == nil {
		return nil, errors.New("privatjson: nil dial function")
	}
	c := newClient(cfg)
	c.dial = dial
	if _, err := c.getLink(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

// Identity returns what the terminal said to identify during the last handshake.
func (c *Client) Identity() Identity {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.identity
}

// Close closes the link. Calls in progress fail.
func (c *Client) Close() error {
	c.mu.Lock()
	c.closed = true
	l := c.link
	c.mu.Unlock()
	if l != nil {
		return l.conn.Close()
	}
	return nil
}

// Handshake sends PingDevice with the leading 0x00 and then identify on the current link,
// and remembers the identity. [Open] does it by itself.
func (c *Client) Handshake(ctx context.Context) error {
	l, err := c.getLink(ctx)
	if err != nil {
		return err
	}
	return c.handshakeOn(ctx, l, true)
}

func (c *Client) handshakeOn(ctx context.Context, l *link, identify bool) error {
	ctx, cancel := c.bound(ctx, c.cfg.ServiceTimeout, 10*time.Second)
	defer cancel()
	if _, err := c.callOn(ctx, l, Request{Method: MethodPingDevice}, true, nil); err != nil {
		return err
	}
	c.sendMu.Lock()
	c.notBefore = time.Now().Add(dur(c.cfg.PingPause, time.Second))
	c.sendMu.Unlock()
	if !identify {
		return nil
	}
	return c.identifyOn(ctx, l)
}

func (c *Client) identifyOn(ctx context.Context, l *link) error {
	m, err := c.serviceOn(ctx, l, ServiceRequest(MsgIdentify))
	if err != nil {
		return err
	}
	id := Identity{Result: m.Params.Get("result"), Vendor: m.Params.Get("vendor"), Model: m.Params.Get("model"), Params: m.Params}
	c.mu.Lock()
	c.identity = id
	c.mu.Unlock()
	c.log.Debug("privatjson: identify", "vendor", id.Vendor, "model", id.Model)
	return nil
}

// bound gives ctx the default timeout when it has no deadline.
func (c *Client) bound(ctx context.Context, v, def time.Duration) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, dur(v, def))
}

// getLink returns the live link, dialing (and running the reference scheme) when there is
// none and the client can dial.
func (c *Client) getLink(ctx context.Context) (*link, error) {
	c.mu.Lock()
	l, closed := c.link, c.closed
	c.mu.Unlock()
	if closed {
		return nil, &LinkError{Op: "connect", Err: ErrClosed}
	}
	if l != nil && !l.isDone() {
		return l, nil
	}
	if c.dial == nil {
		var cause error
		if l != nil {
			cause = l.err
		}
		return nil, &LinkError{Op: "connect", Err: errors.Join(ErrClosed, cause)}
	}
	c.connMu.Lock()
	defer c.connMu.Unlock()
	c.mu.Lock()
	l = c.link
	c.mu.Unlock()
	if l != nil && !l.isDone() {
		return l, nil
	}
	l, err := c.connect(ctx)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		l.conn.Close()
		return nil, &LinkError{Op: "connect", Err: ErrClosed}
	}
	c.link = l
	return l, nil
}

func (c *Client) dialLink(ctx context.Context) (*link, error) {
	conn, err := c.dial(ctx)
	if err != nil {
		return nil, &LinkError{Op: "connect", Err: err}
	}
	return c.newLink(conn), nil
}

func (c *Client) connect(ctx context.Context) (*link, error) {
	ctx, cancel := c.bound(ctx, c.cfg.ServiceTimeout, 10*time.Second)
	defer cancel()
	if c.cfg.SingleConnection {
		l, err := c.dialLink(ctx)
		if err != nil {
			return nil, err
		}
		if err := c.handshakeOn(ctx, l, true); err != nil {
			l.close(err)
			return nil, err
		}
		return l, nil
	}
	l, err := c.dialLink(ctx)
	if err != nil {
		return nil, err
	}
	err = c.handshakeOn(ctx, l, false)
	l.close(io.EOF)
	if err != nil {
		return nil, err
	}
	if l, err = c.dialLink(ctx); err != nil {
		return nil, err
	}
	err = c.identifyOn(ctx, l)
	l.close(io.EOF)
	if err != nil {
		return nil, err
	}
	return c.dialLink(ctx)
}

// send writes one frame, keeping the configured gap since the previous send.
func (c *Client) send(ctx context.Context, l *link, frame []byte) (int, error) {
	c.sendMu.Lock()
	defer c.sendMu.Unlock()
	wait := time.Until(c.lastSend.Add(dur(c.cfg.SendGap, 100*time.Millisecond)))
	if d := time.Until(c.notBefore); d > wait {
		wait = d
	}
	if wait > 0 {
		if err := c.pause(ctx, wait); err != nil {
			return 0, err
		}
	}
	dl, _ := ctx.Deadline()
	l.conn.SetWriteDeadline(dl)
	release := transport.InterruptOnDone(ctx, l.conn.SetWriteDeadline)
	n, err := l.conn.Write(frame)
	release()
	c.lastSend = time.Now()
	if err == nil && n < len(frame) {
		err = io.ErrShortWrite
	}
	return n, err
}

// call runs one request on the primary lane.
func (c *Client) call(ctx context.Context, req Request, long bool, progress ProgressFunc) (*Message, error) {
	select {
	case c.op <- struct{}{}:
	case <-ctx.Done():
		return nil, &LinkError{Op: req.Method, Err: ctx.Err()}
	}
	defer func() { <-c.op }()
	var cancel context.CancelFunc
	if long {
		ctx, cancel = c.bound(ctx, c.cfg.Timeout, 120*time.Second)
	} else {
		ctx, cancel = c.bound(ctx, c.cfg.ServiceTimeout, 10*time.Second)
	}
	defer cancel()
	l, err := c.getLink(ctx)
	if err != nil {
		return nil, err
	}
	return c.callOn(ctx, l, req, false, progress)
}

func (c *Client) callOn(ctx context.Context, l *link, req Request, handshake bool, progress ProgressFunc) (*Message, error) {
	w := l.register(lanePrimary, req.Method)
	var frame []byte
	if handshake {
		frame = AppendHandshake(nil)
	} else {
		frame = append(AppendRequest(nil, req), Terminator)
	}
	c.log.Debug("privatjson: send", "method", req.Method)
	if n, err := c.send(ctx, l, frame); err != nil {
		l.unregister(w)
		l.sendFailed(n, err)
		return nil, &LinkError{Op: req.Method, Sent: n > 0, Err: err}
	}
	stopPoll := func() {}
	if progress != nil && c.cfg.PollInterval >= 0 {
		pctx, pcancel := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { defer close(done); c.poll(pctx, progress) }()
		stopPoll = func() { pcancel(); <-done }
	}
	select {
	case r := <-w.ch:
		stopPoll()
		return c.finish(l, req.Method, r)
	case <-l.done:
		stopPoll()
		if r, ok := delivered(w); ok {
			// The reply came before the link closed; select picked the close at random.
			return c.finish(l, req.Method, r)
		}
		return nil, &LinkError{Op: req.Method, Sent: true, Err: l.err}
	case <-ctx.Done():
		stopPoll()
	}
	cause := ctx.Err()
	if handshake {
		l.unregister(w)
		l.close(ErrNoReply)
		return nil, &LinkError{Op: req.Method, Sent: true, Err: errors.Join(ErrNoReply, cause)}
	}
	// The context ended with the operation running: ask the terminal to interrupt it
	// (spec §6.2) and wait a little for its final reply. The interrupt runs on a context of
	// its own (ctx's values, not its end: cancelling a write half-way would leave a broken
	// frame on the wire), alongside the wait for the final reply, which may come first.
	// The call does not return before the interrupt is done: a late one would cancel the
	// next operation.
	ictx, icancel := context.WithTimeout(context.WithoutCancel(ctx), dur(c.cfg.InterruptWait, 10*time.Second))
	defer icancel()
	c.log.Debug("privatjson: interrupt on cancel", "method", req.Method)
	idone := make(chan struct{})
	defer func() { <-idone }()
	go func() {
		defer close(idone)
		sctx, scancel := context.WithTimeout(context.WithoutCancel(ctx), dur(c.cfg.ServiceTimeout, 10*time.Second))
		defer scancel()
		if err := c.Interrupt(sctx); err != nil {
			c.log.Debug("privatjson: interrupt failed", "method", req.Method, "error", err)
		}
	}()
	select {
	case r := <-w.ch:
		m, err := c.finish(l, req.Method, r)
		if err == nil {
			return m, nil // it completed after all
		}
		return m, errors.Join(err, cause)
	case <-l.done:
		if r, ok := delivered(w); ok {
			return c.finish(l, req.Method, r)
		}
	case <-ictx.Done():
	}
	l.unregister(w)
	// The reply may still come later and would be taken for another request's: drop the link.
	l.close(ErrNoReply)
	return nil, &LinkError{Op: req.Method, Sent: true, Err: errors.Join(ErrNoReply, cause)}
}

// finish turns a delivered reply into the call's result.
func (c *Client) finish(l *link, method string, r reply) (*Message, error) {
	if r.err != nil {
		l.close(r.err)
		return nil, &ProtocolError{Op: method, Err: r.err}
	}
	m := r.m
	if m.IsService() {
		switch strings.ToLower(m.MsgType()) {
		case strings.ToLower(MsgDeviceBusy):
			c.log.Debug("privatjson: device busy", "method", method)
			return nil, fmt.Errorf("privatjson: %s: %w", method, ErrBusy)
		case strings.ToLower(MsgMethodNotImplemented):
			return nil, fmt.Errorf("privatjson: %s: %w", method, ErrNotImplemented)
		}
	}
	c.log.Debug("privatjson: reply", "method", m.Method, "responseCode", m.ResponseCode(), "error", m.Error)
	failed := m.Failed()
	if strings.EqualFold(method, MethodGetReceiptInfo) {
		// responseCode mirrors the queried transaction; error refers to the call (spec §5.30).
		failed = m.HasError && m.Error
	}
	if failed {
		return m, &ResponseError{Method: method, ResponseCode: m.ResponseCode(), Description: m.ErrorDescription, Receipt: m.Params.Get("receipt"), Message: m}
	}
	return m, nil
}

func (c *Client) poll(ctx context.Context, progress ProgressFunc) {
	t := time.NewTicker(dur(c.cfg.PollInterval, 500*time.Millisecond))
	defer t.Stop()
	last := Status(-1)
	for {
		s, err := c.LastStatMsgCode(ctx)
		if ctx.Err() != nil {
			return
		}
		if err == nil && s != last {
			last = s
			progress(s)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// service runs one service message on the service lane.
func (c *Client) service(ctx context.Context, req Request) (*Message, error) {
	ctx, cancel := c.bound(ctx, c.cfg.ServiceTimeout, 10*time.Second)
	defer cancel()
	l, err := c.getLink(ctx)
	if err != nil {
		return nil, err
	}
	return c.serviceOn(ctx, l, req)
}

func (c *Client) serviceOn(ctx context.Context, l *link, req Request) (*Message, error) {
	msgType := req.Params[0].Value
	select {
	case c.svc <- struct{}{}:
	case <-ctx.Done():
		return nil, &LinkError{Op: msgType, Err: ctx.Err()}
	}
	defer func() { <-c.svc }()
	w := l.register(laneService, replyType(msgType))
	c.log.Debug("privatjson: send", "msgType", msgType)
	if n, err := c.send(ctx, l, append(AppendRequest(nil, req), Terminator)); err != nil {
		l.unregister(w)
		l.sendFailed(n, err)
		return nil, &LinkError{Op: msgType, Sent: n > 0, Err: err}
	}
	var r reply
	select {
	case r = <-w.ch:
	case <-l.done:
		var ok bool
		if r, ok = delivered(w); !ok {
			return nil, &LinkError{Op: msgType, Sent: true, Err: l.err}
		}
	case <-ctx.Done():
		// A late reply is dropped, or taken by the next request of the same type: service
		// replies carry state, not money, so the link stays.
		l.unregister(w)
		return nil, &LinkError{Op: msgType, Sent: true, Err: errors.Join(ErrNoReply, ctx.Err())}
	}
	if r.err != nil {
		return nil, &ProtocolError{Op: msgType, Err: r.err}
	}
	m := r.m
	if strings.EqualFold(m.MsgType(), MsgMethodNotImplemented) {
		return nil, fmt.Errorf("privatjson: %s: %w", msgType, ErrNotImplemented)
	}
	if m.MsgType() == "" {
		// Matched by method alone (a ServiceMessage without msgType): not the answer asked
		// for, so no result; the terminal's error, if it sent one, goes with it.
		err := error(ErrNoMsgType)
		if m.HasError && m.Error || m.ErrorDescription != "" {
			err = fmt.Errorf("%w (the terminal answered: %w)", ErrNoMsgType,
				&ResponseError{Method: msgType, ResponseCode: m.ResponseCode(), Description: m.ErrorDescription, Message: m})
		}
		return nil, &ProtocolError{Op: msgType, Err: err}
	}
	if m.HasError && m.Error {
		return m, &ResponseError{Method: msgType, ResponseCode: m.ResponseCode(), Description: m.ErrorDescription, Message: m}
	}
	return m, nil
}

// delivered returns the reply already handed to w, if any. The reader delivers a reply
// before it can close the link, so after the link is done a buffered reply is the answer.
func delivered(w *waiter) (reply, bool) {
	select {
	case r := <-w.ch:
		return r, true
	default:
		return reply{}, false
	}
}

// sleepCtx waits d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
