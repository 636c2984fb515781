package libserve

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"sync"
	"time"
)

// ErrWrongKind is returned when the server at the address serves another kind of library
// (or another protocol version).
var ErrWrongKind = errors.New("libserve: the server serves another library")

// ErrUnreachable wraps the failure to connect to the server.
var ErrUnreachable = errors.New("libserve: simulator unreachable")

// ClientConfig configures a client. The zero value works.
type ClientConfig struct {
	// DialTimeout bounds connecting and the hello exchange; 0 means 5 s.
	DialTimeout time.Duration
	// CallTimeout bounds one call beyond the time the call itself may wait (pos_receive's
	// timeout); 0 means 30 s.
	CallTimeout time.Duration
}

func (c ClientConfig) withDefaults() ClientConfig {
	if c.DialTimeout <= 0 {
		c.DialTimeout = 5 * time.Second
	}
	if c.CallTimeout <= 0 {
		c.CallTimeout = 30 * time.Second
	}
	return c
}

// Conn is the client end of one server connection. It dials lazily on the first call and
// again on the call after a failure; a failed call is never retried (it may have run: a
// purchase must not run twice). Safe for concurrent use: calls are serialised.
type Conn struct {
	kind string
	addr string
	cfg  ClientConfig

	mu  sync.Mutex
	nc  net.Conn
	br  *bufio.Reader
	buf []byte
}

// NewConn returns a connection to the server of kind at addr; it does not dial yet.
func NewConn(kind, addr string, cfg ClientConfig) *Conn {
	return &Conn{kind: kind, addr: addr, cfg: cfg.withDefaults()}
}

// Addr returns the server address.
func (c *Conn) Addr() string { return c.addr }

// Connect dials now (if not connected) and exchanges hello; ctx bounds it.
func (c *Conn) Connect(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.connect(ctx)
}

// Close closes the connection; the next call dials again.
func (c *Conn) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.drop()
	return nil
}

func (c *Conn) drop() {
	if c.nc != nil {
		c.nc.Close()
		c.nc, c.br = nil, nil
	}
}

func (c *Conn) connect(ctx context.Context) error {
	if c.nc != nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, c.cfg.DialTimeout)
	defer cancel()
	var d net.Dialer
	nc, err := d.DialContext(ctx, "tcp", c.addr)
	if err != nil {
		return fmt.Errorf("%w: %s at %s: %w", ErrUnreachable, c.kind, c.addr, err)
	}
	c.nc, c.br = nc, bufio.NewReader(nc)
	r, err := c.roundTrip(ctx, &Request{Call: callHello, Ints: []int64{Version}, Strs: [][]byte{[]byte(c.kind)}})
	if err == nil && r.Err != nil {
		err = r.Err
		if r.Err.Code == CodeWrongKind {
			err = fmt.Errorf("%w: %w", ErrWrongKind, r.Err)
		}
	}
	if err == nil && (r.Ret != Version || string(r.Str) != c.kind) {
		err = fmt.Errorf("%w: %s at %s answers %q version %d", ErrWrongKind, c.kind, c.addr, truncate(string(r.Str)), r.Ret)
	}
	if err != nil {
		c.drop()
		return err
	}
	return nil
}

// Call sends one request and returns its answer: a *RemoteError when the server refused
// it, a *ProtocolError for an answer that does not decode, or the I/O error (then the
// connection is dropped). wait is how long the call itself may take on the server (a
// pos_receive timeout); ctx and CallTimeout bound the rest.
func (c *Conn) Call(ctx context.Context, r *Request, wait time.Duration) (*Response, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.connect(ctx); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, c.cfg.CallTimeout+max(wait, 0))
	defer cancel()
	resp, err := c.roundTrip(ctx, r)
	if err != nil {
		c.drop()
		return nil, err
	}
	if resp.Err != nil {
		return nil, resp.Err
	}
	return resp, nil
}

// roundTrip writes r and reads its answer under ctx.
func (c *Conn) roundTrip(ctx context.Context, r *Request) (*Response, error) {
	if dl, ok := ctx.Deadline(); ok {
		c.nc.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { c.nc.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	body, err := encodeRequest(r)
	if err != nil {
		return nil, fmt.Errorf("libserve: encode %s: %w", r.Call, err)
	}
	if len(body) > MaxRequest {
		return nil, &ProtocolError{Op: "send " + r.Call, Err: fmt.Errorf("%w: %d bytes (limit %d)", ErrTooLarge, len(body), MaxRequest)}
	}
	c.buf = appendFrame(c.buf[:0], body)
	if _, err := c.nc.Write(c.buf); err != nil {
		return nil, c.ioErr(ctx, "send "+r.Call, err)
	}
	b, err := readFrame(c.br, MaxResponse)
	if err != nil {
		var pe *ProtocolError
		if errors.As(err, &pe) {
			return nil, err
		}
		return nil, c.ioErr(ctx, "answer to "+r.Call, err)
	}
	return decodeResponse(b)
}

func (c *Conn) ioErr(ctx context.Context, op string, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("libserve: %s: %w (%w)", op, ctx.Err(), err)
	}
	return fmt.Errorf("libserve: %s: %w", op, err)
}

// Environment variables the fake libraries read their server address from: the kind's own
// first, then the common one.
const (
	EnvPOSAPIAddr = "UAPOS_POSAPI_ADDR"
	EnvBPOS1Addr  = "UAPOS_BPOS1_ADDR"
	EnvAddr       = "UAPOS_SIM_ADDR"
)

// EnvVar returns the environment variable of kind's own address: EnvPOSAPIAddr or
// EnvBPOS1Addr.
func EnvVar(kind string) string {
	if kind == KindBPOS1 {
		return EnvBPOS1Addr
	}
	return EnvPOSAPIAddr
}

// AddrFromEnv returns the server address of kind from the environment: EnvPOSAPIAddr or
// EnvBPOS1Addr, else EnvAddr, else DefaultPOSAPIAddr or DefaultBPOS1Addr.
func AddrFromEnv(kind string) string {
	own, def := EnvVar(kind), DefaultPOSAPIAddr
	if kind == KindBPOS1 {
		def = DefaultBPOS1Addr
	}
	for _, k := range []string{own, EnvAddr} {
		if v := os.Getenv(k); v != "" {
			return v
		}
	}
	return def
}
