package transporttest

import (
	"io"
	"net"
	"os"
	"sync"
	"time"

	"github.com/uapos/uapos/transport"
)

// Pipe returns the two ends of an in-memory, buffered, full-duplex link. Unlike [net.Pipe],
// a Write returns as soon as its bytes are buffered, so a device simulator can answer before
// the client reads. Both ends honour deadlines (errors wrap [os.ErrDeadlineExceeded]);
// closing one end makes the other's Read return [io.EOF] after the buffered bytes and its
// Write return [io.ErrClosedPipe].
func Pipe() (a, b transport.Conn) {
	ab := newQueue()
	ba := newQueue()
	return &pipeEnd{r: ba, w: ab, name: "pipe:a"}, &pipeEnd{r: ab, w: ba, name: "pipe:b"}
}

type queue struct {
	mu     sync.Mutex
	cond   *sync.Cond
	buf    []byte
	closed bool // writer side closed
	rdead  bool // reader side closed
}

func newQueue() *queue {
	q := &queue{}
	q.cond = sync.NewCond(&q.mu)
	return q
}

type pipeEnd struct {
	r, w *queue
	name string

	dmu       sync.Mutex
	readDL    time.Time
	writeDL   time.Time
	closeOnce sync.Once
}

var _ transport.Conn = (*pipeEnd)(nil)

func (p *pipeEnd) String() string { return p.name }

func (p *pipeEnd) Read(b []byte) (int, error) {
	q := p.r
	q.mu.Lock()
	defer q.mu.Unlock()
	for {
		if q.rdead {
			return 0, net.ErrClosed
		}
		if len(q.buf) > 0 {
			n := copy(b, q.buf)
			q.buf = q.buf[n:]
			return n, nil
		}
		if q.closed {
			return 0, io.EOF
		}
		if len(b) == 0 {
			return 0, nil
		}
		p.dmu.Lock()
		dl := p.readDL
		p.dmu.Unlock()
		if !dl.IsZero() {
			d := time.Until(dl)
			if d <= 0 {
				return 0, os.ErrDeadlineExceeded
			}
			t := time.AfterFunc(d, func() {
				q.mu.Lock()
				q.cond.Broadcast()
				q.mu.Unlock()
			})
			q.cond.Wait()
			t.Stop()
			continue
		}
		q.cond.Wait()
	}
}

func (p *pipeEnd) Write(b []byte) (int, error) {
	p.dmu.Lock()
	dl := p.writeDL
	p.dmu.Unlock()
	if !dl.IsZero() && !time.Now().Before(dl) {
		return 0, os.ErrDeadlineExceeded
	}
	q := p.w
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed || q.rdead {
		return 0, io.ErrClosedPipe
	}
	q.buf = append(q.buf, b...)
	q.cond.Broadcast()
	return len(b), nil
}

func (p *pipeEnd) Close() error {
	p.closeOnce.Do(func() {
		for _, q := range []*queue{p.r, p.w} {
			q.mu.Lock()
			if q == p.r {
				q.rdead = true
			} else {
				q.closed = true
			}
			q.cond.Broadcast()
			q.mu.Unlock()
		}
	})
	return nil
}

func (p *pipeEnd) SetDeadline(t time.Time) error {
	p.SetWriteDeadline(t)
	return p.SetReadDeadline(t)
}

func (p *pipeEnd) SetReadDeadline(t time.Time) error {
	p.dmu.Lock()
	p.readDL = t
	p.dmu.Unlock()
	// wake a blocked reader so it sees the new deadline
	p.r.mu.Lock()
	p.r.cond.Broadcast()
	p.r.mu.Unlock()
	return nil
}

func (p *pipeEnd) SetWriteDeadline(t time.Time) error {
	p.dmu.Lock()
	p.writeDL = t
	p.dmu.Unlock()
	return nil
}
