package privatjson

import (
	"context"
	"errors"
	"os"
	"strings"
	"sync"

	"github.com/uapos/uapos/transport"
)

type lane int

const (
	lanePrimary lane = iota
	laneService
)

type reply struct {
	m   *Message
	err error
}

// waiter is one request waiting for its reply: by method on the primary lane, by reply
// msgType on the service lane.
type waiter struct {
	lane lane
	key  string
	seq  uint64
	ch   chan reply
}

// link is one connection and its reader goroutine, which sorts incoming frames into the
// primary and the service lane (spec §3: "three logical streams within one connection").
type link struct {
	conn   transport.Conn
	done   chan struct{}
	exited chan struct{} // closed when the reader goroutine returns
	err    error         // why the link ended; set before done closes

	mu       sync.Mutex
	seq      uint64
	primary  *waiter
	service  *waiter
	once     sync.Once
	c        *Client
	maxFrame int
}

func (c *Client) newLink(conn transport.Conn) *link {
	l := &link{conn: conn, done: make(chan struct{}), exited: make(chan struct{}), c: c, maxFrame: c.cfg.MaxFrame}
	go l.readLoop()
	return l
}

func (l *link) isDone() bool {
	select {
	case <-l.done:
		return true
	default:
		return false
	}
}

// close ends the link with err as the reason and closes the connection.
func (l *link) close(err error) {
	l.once.Do(func() {
		l.err = err
		close(l.done)
		l.conn.Close()
	})
}

// sendFailed closes the link after a failed write, unless nothing was written because the
// caller's context ended: then the link is still in order.
func (l *link) sendFailed(n int, err error) {
	if n == 0 && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded)) {
		return
	}
	l.close(err)
}

func (l *link) register(ln lane, key string) *waiter {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.seq++
	w := &waiter{lane: ln, key: key, seq: l.seq, ch: make(chan reply, 1)}
	if ln == lanePrimary {
		l.primary = w
	} else {
		l.service = w
	}
	return w
}

func (l *link) unregister(w *waiter) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.primary == w {
		l.primary = nil
	}
	if l.service == w {
		l.service = nil
	}
}

// deliver hands r to w and retires w; the caller holds l.mu.
func (l *link) deliver(w *waiter, r reply) {
	w.ch <- r
	if l.primary == w {
		l.primary = nil
	}
	if l.service == w {
		l.service = nil
	}
}

func (l *link) readLoop() {
	defer close(l.exited)
	fr := NewFrameReader(l.conn, l.maxFrame)
	for {
		b, err := fr.ReadFrame()
		if err != nil {
			if errors.Is(err, ErrFrameTooLarge) {
				// Hostile or broken bytes: fail whoever waits; the reader skips to the next 0x00.
				l.mu.Lock()
				for _, w := range []*waiter{l.primary, l.service} {
					if w != nil {
						l.deliver(w, reply{err: err})
					}
				}
				l.mu.Unlock()
				continue
			}
			l.close(err)
			return
		}
		m, err := ParseMessage(b)
		if err != nil {
			l.c.log.Debug("privatjson: dropped a frame that is not JSON", "len", len(b))
			continue
		}
		l.dispatch(m)
	}
}

func (l *link) dispatch(m *Message) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if m.IsService() {
		mt := m.MsgType()
		switch {
		case strings.EqualFold(mt, MsgDeviceBusy):
			// A refusal of a competing non-service request (spec §6.1).
			if l.primary != nil {
				l.deliver(l.primary, reply{m: m})
				return
			}
		case strings.EqualFold(mt, MsgMethodNotImplemented):
			// It does not name the method (spec §6.3): give it to the latest pending request.
			w := l.primary
			if w == nil || (l.service != nil && l.service.seq > w.seq) {
				w = l.service
			}
			if w != nil {
				l.deliver(w, reply{m: m})
				return
			}
		default:
			// A reply without msgType (a terminal's service error) is matched by its method
			// alone: it can only answer the pending service message, which fails fast on it.
			if l.service != nil && (mt == "" || replyMatches(l.service.key, mt)) {
				l.deliver(l.service, reply{m: m})
				return
			}
		}
	} else if l.primary != nil && strings.EqualFold(m.Method, l.primary.key) {
		l.deliver(l.primary, reply{m: m})
		return
	}
	l.c.log.Debug("privatjson: dropped an unexpected reply", "method", m.Method, "msgType", m.MsgType())
}

// replyMatches reports whether a service reply's msgType answers the request awaiting key;
// debug is answered by debugOn or debugOff (spec §6.6).
func replyMatches(key, msgType string) bool {
	if strings.EqualFold(key, msgType) {
		return true
	}
	return strings.EqualFold(key, "debug") && len(msgType) > 5 && strings.EqualFold(msgType[:5], "debug")
}
