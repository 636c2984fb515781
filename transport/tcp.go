package transport

import (
	"context"
	"errors"
	"net"
	"syscall"
)

// tcpConn is a TCP connection named for logs ("tcp:127.0.0.1:9100"). *net.TCPConn already
// reports time-outs as errors wrapping os.ErrDeadlineExceeded.
type tcpConn struct {
	*net.TCPConn
	name string
}

// String names the link: "tcp:host:port".
func (c *tcpConn) String() string { return c.name }

// openTCP dials addr (host:port) under ctx.
func openTCP(ctx context.Context, addr string) (Conn, error) {
	link := "tcp:" + addr
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return nil, &Error{Op: "open", Link: link, Kind: ErrBadURL, Err: err}
	}
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		e := &Error{Op: "open", Link: link, Err: err}
		switch {
		case errors.Is(err, context.DeadlineExceeded), isTimeout(err):
			e.Kind = errDeadline
		case errors.Is(err, syscall.ECONNREFUSED):
			e.Hint = "nothing listens on that port: check the device is on and the address is right"
		}
		return nil, e
	}
	tc, ok := c.(*net.TCPConn)
	if !ok { // cannot happen for "tcp", but do not panic on it
		return c, nil
	}
	return &tcpConn{TCPConn: tc, name: link}, nil
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
