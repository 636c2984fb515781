package gobench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/uapos/uapos/transport"
)

// turn is one step of a recorded exchange: the client writes out, then the peer answers in
// (either may be empty: a trailing ACK has no answer, an unsolicited message no request).
type turn struct {
	out, in []byte
}

// transcript is the exchange of one operation, as turns.
type transcript []turn

func (t transcript) sizes() (out, in int) {
	for _, tr := range t {
		out += len(tr.out)
		in += len(tr.in)
	}
	return out, in
}

// recorder wraps a link and notes every byte written and read, merging consecutive
// operations in the same direction into one turn.
type recorder struct {
	transport.Conn

	mu    sync.Mutex
	on    bool
	turns transcript
}

func (r *recorder) Write(p []byte) (int, error) {
	// Note the bytes before they go: a reader goroutine may get the answer before this
	// Write returns, and the answer must not be recorded ahead of its request.
	r.mu.Lock()
	if r.on && len(p) > 0 {
		if len(r.turns) == 0 || len(r.turns[len(r.turns)-1].in) > 0 {
			r.turns = append(r.turns, turn{})
		}
		last := &r.turns[len(r.turns)-1]
		last.out = append(last.out, p...)
	}
	r.mu.Unlock()
	n, err := r.Conn.Write(p)
	if n < len(p) {
		r.mu.Lock()
		if r.on && len(r.turns) > 0 {
			last := &r.turns[len(r.turns)-1]
			if len(last.in) == 0 && len(last.out) >= len(p)-n {
				last.out = last.out[:len(last.out)-(len(p)-n)]
			}
		}
		r.mu.Unlock()
	}
	return n, err
}

func (r *recorder) Read(p []byte) (int, error) {
	n, err := r.Conn.Read(p)
	r.mu.Lock()
	if r.on && n > 0 {
		if len(r.turns) == 0 {
			r.turns = append(r.turns, turn{})
		}
		last := &r.turns[len(r.turns)-1]
		last.in = append(last.in, p[:n]...)
	}
	r.mu.Unlock()
	return n, err
}

// start begins a recording; stop ends it and returns what was recorded.
func (r *recorder) start() {
	r.mu.Lock()
	r.on, r.turns = true, nil
	r.mu.Unlock()
}

func (r *recorder) stop() transcript {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.on = false
	return r.turns
}

// scriptPeer is the far end of a bare loop: on every connection it reads each turn's request
// bytes (io.ReadFull, no parsing) and writes the turn's recorded answer, round and round.
type scriptPeer struct {
	ln net.Listener
	t  transcript
	wg sync.WaitGroup
}

func newScriptPeer(t transcript) (*scriptPeer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &scriptPeer{ln: ln, t: t}
	p.wg.Add(1)
	go p.accept()
	return p, nil
}

func (p *scriptPeer) addr() string { return p.ln.Addr().String() }

func (p *scriptPeer) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			defer c.Close()
			buf := make([]byte, 64<<10)
			for {
				for _, tr := range p.t {
					if len(tr.out) > 0 {
						if len(tr.out) > len(buf) {
							buf = make([]byte, len(tr.out))
						}
						if _, err := io.ReadFull(c, buf[:len(tr.out)]); err != nil {
							return
						}
					}
					if len(tr.in) > 0 {
						if _, err := c.Write(tr.in); err != nil {
							return
						}
					}
				}
			}
		}()
	}
}

func (p *scriptPeer) close() {
	p.ln.Close()
	p.wg.Wait()
}

// bareLoop is the client side of a bare loop: it writes each turn's bytes and reads exactly
// the answer's size, without looking at the content.
type bareLoop struct {
	c   transport.Conn
	t   transcript
	buf []byte
}

func dialBare(ctx context.Context, addr string, t transcript) (*bareLoop, error) {
	c, err := transport.Open(ctx, "tcp://"+addr)
	if err != nil {
		return nil, err
	}
	size := 0
	for _, tr := range t {
		size = max(size, len(tr.in))
	}
	return &bareLoop{c: c, t: t, buf: make([]byte, size)}, nil
}

// once runs the transcript one time; check compares what came back with the recording.
func (l *bareLoop) once(check bool) error {
	if err := l.c.SetDeadline(time.Now().Add(30 * time.Second)); err != nil {
		return err
	}
	for i, tr := range l.t {
		if len(tr.out) > 0 {
			if _, err := l.c.Write(tr.out); err != nil {
				return err
			}
		}
		if len(tr.in) > 0 {
			got := l.buf[:len(tr.in)]
			if _, err := io.ReadFull(l.c, got); err != nil {
				return err
			}
			if check && !bytes.Equal(got, tr.in) {
				return fmt.Errorf("turn %d: answer differs from the recording", i)
			}
		}
	}
	return nil
}

func (l *bareLoop) close() error { return l.c.Close() }

// runBare benchmarks the bare loop of t and reports the sizes it moves.
func runBare(b *testing.B, t transcript) {
	if len(t) == 0 {
		b.Fatal("empty transcript")
	}
	p, err := newScriptPeer(t)
	if err != nil {
		b.Fatal(err)
	}
	defer p.close()
	l, err := dialBare(context.Background(), p.addr(), t)
	if err != nil {
		b.Fatal(err)
	}
	defer l.close()
	if err := l.once(true); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := l.once(false); err != nil {
			b.Fatal(err)
		}
	}
	reportSizes(b, t)
}

func reportSizes(b *testing.B, t transcript) {
	out, in := t.sizes()
	b.ReportMetric(float64(len(t)), "turns/op")
	b.ReportMetric(float64(out), "wbytes/op")
	b.ReportMetric(float64(in), "rbytes/op")
}

// The harness itself: a transcript recorded on a link replays byte for byte through the
// scripted peer, including a turn without an answer and one answered in two reads.
func TestBareLoopReplaysTranscript(t *testing.T) {
	want := transcript{
		{out: []byte("REQ1\x00"), in: []byte("ACK")},
		{out: []byte("x"), in: []byte("REPLY-LONGER\x00")},
		{out: []byte("ACK")},
	}
	p, err := newScriptPeer(want)
	if err != nil {
		t.Fatal(err)
	}
	defer p.close()
	c, err := transport.Open(context.Background(), "tcp://"+p.addr())
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{Conn: c}
	rec.start()
	buf := make([]byte, 64)
	for _, tr := range want {
		if _, err := rec.Write(tr.out); err != nil {
			t.Fatal(err)
		}
		// read the answer in pieces, as a client would
		for got := 0; got < len(tr.in); {
			n, err := rec.Read(buf[:min(5, len(tr.in)-got)])
			if err != nil {
				t.Fatal(err)
			}
			got += n
		}
	}
	got := rec.stop()
	rec.Close()
	if len(got) != len(want) {
		t.Fatalf("recorded %d turns, want %d", len(got), len(want))
	}
	for i := range want {
		if !bytes.Equal(got[i].out, want[i].out) || !bytes.Equal(got[i].in, want[i].in) {
			t.Fatalf("turn %d: recorded %q/%q, want %q/%q", i, got[i].out, got[i].in, want[i].out, want[i].in)
		}
	}
	l, err := dialBare(context.Background(), p.addr(), got)
	if err != nil {
		t.Fatal(err)
	}
	defer l.close()
	for range 3 {
		if err := l.once(true); err != nil {
			t.Fatal(err)
		}
	}
}
