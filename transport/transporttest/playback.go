package transporttest

import (
	"sync"
	"time"

	"github.com/uapos/uapos/transport"
	"github.com/uapos/uapos/transport/capture"
)

// IO is one turn of a scripted exchange: the host writes W, then the device answers R.
// Either may be empty (a write-only command, or bytes the device sends unasked).
type IO struct {
	W, R []byte
}

// Playback is a [transport.Conn] that plays the device side of a script, as periph's
// conntest.Playback does for buses, adapted to byte streams: the host's writes must equal
// the concatenated W bytes (in any fragmentation), and each R becomes readable once the W
// bytes before it have been written. With MaxRead > 0 every answer is delivered in pieces
// of at most MaxRead bytes, to test that a client reassembles frames. Close returns an
// error when the script was not played to the end or a write differed
// (capture.ErrUnconsumed, capture.ErrMismatch). Set the fields before the first call.
type Playback struct {
	Ops     []IO
	MaxRead int // 0: each R in one Read (if the buffer is large enough)

	once sync.Once
	c    transport.Conn
}

var _ transport.Conn = (*Playback)(nil)

func (p *Playback) conn() transport.Conn {
	p.once.Do(func() { p.c = capture.Replay(Chunks(p.Ops, p.MaxRead)) })
	return p.c
}

// Chunks turns a script into capture chunks (no times), splitting answers into pieces of
// at most maxRead bytes when maxRead > 0.
func Chunks(ops []IO, maxRead int) []capture.Chunk {
	var out []capture.Chunk
	for _, op := range ops {
		if len(op.W) > 0 {
			out = append(out, capture.Chunk{Dir: capture.HostToDevice, Data: op.W})
		}
		for r := op.R; len(r) > 0; {
			n := len(r)
			if maxRead > 0 && n > maxRead {
				n = maxRead
			}
			out = append(out, capture.Chunk{Dir: capture.DeviceToHost, Data: r[:n]})
			r = r[n:]
		}
	}
	return out
}

// Read returns the device's next answer bytes.
func (p *Playback) Read(b []byte) (int, error) { return p.conn().Read(b) }

// Write checks b against the script.
func (p *Playback) Write(b []byte) (int, error) { return p.conn().Write(b) }

// Close reports a script not played to the end or a mismatching write.
func (p *Playback) Close() error { return p.conn().Close() }

// SetDeadline sets both deadlines.
func (p *Playback) SetDeadline(t time.Time) error { return p.conn().SetDeadline(t) }

// SetReadDeadline bounds a Read waiting for the host's next write.
func (p *Playback) SetReadDeadline(t time.Time) error { return p.conn().SetReadDeadline(t) }

// SetWriteDeadline sets the write deadline.
func (p *Playback) SetWriteDeadline(t time.Time) error { return p.conn().SetWriteDeadline(t) }

// Record wraps Conn and appends what passes through to Ops, one IO per turn (a Write
// after a Read starts a new turn), so a live exchange can become a Playback script.
type Record struct {
	transport.Conn

	mu  sync.Mutex
	ops []IO
}

var _ transport.Conn = (*Record)(nil)

// Read reads from Conn and records the answer.
func (r *Record) Read(b []byte) (int, error) {
	n, err := r.Conn.Read(b)
	if n > 0 && n <= len(b) {
		r.mu.Lock()
		if len(r.ops) == 0 {
			r.ops = append(r.ops, IO{})
		}
		last := &r.ops[len(r.ops)-1]
		last.R = append(last.R, b[:n]...)
		r.mu.Unlock()
	}
	return n, err
}

// Write writes to Conn and records the request.
func (r *Record) Write(b []byte) (int, error) {
	n, err := r.Conn.Write(b)
	if n > 0 && n <= len(b) {
		r.mu.Lock()
		if len(r.ops) == 0 || len(r.ops[len(r.ops)-1].R) > 0 {
			r.ops = append(r.ops, IO{})
		}
		last := &r.ops[len(r.ops)-1]
		last.W = append(last.W, b[:n]...)
		r.mu.Unlock()
	}
	return n, err
}

// Ops returns a copy of the turns recorded so far.
func (r *Record) Ops() []IO {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]IO, len(r.ops))
	for i, op := range r.ops {
		out[i] = IO{W: append([]byte(nil), op.W...), R: append([]byte(nil), op.R...)}
	}
	return out
}
