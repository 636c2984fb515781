package capture

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"time"

	"github.com/uapos/uapos/transport"
)

// Replay errors.
var (
	// ErrMismatch: the host wrote bytes other than the capture's next '>' bytes, or wrote
	// after the last of them. The replay refuses every later call with the same error.
	ErrMismatch = errors.New("write differs from the capture")
	// ErrUnconsumed: Close was called before every chunk was played.
	ErrUnconsumed = errors.New("capture not fully played")
)

// Replay returns a Conn that plays the device side of chunks (see the package doc). Reads
// return the '<' chunks in order, one chunk (or the rest of one) per Read, each once every
// '>' byte recorded before it has been written; after the last '<' chunk Read returns
// io.EOF. A Read that must wait for writes blocks until its deadline or Close. Writes
// never block. Close returns an error wrapping ErrUnconsumed if chunks are left, and any
// ErrMismatch seen. chunks is not modified.
func Replay(chunks []Chunk) transport.Conn {
	r := &replayer{chunks: chunks}
	r.cond = sync.NewCond(&r.mu)
	r.wi = r.nextDir(0, HostToDevice)
	r.ri = r.nextDir(0, DeviceToHost)
	return r
}

type replayer struct {
	mu     sync.Mutex
	cond   *sync.Cond
	chunks []Chunk
	wi     int // next '>' chunk, len(chunks) when none is left
	woff   int // bytes of chunks[wi] written
	ri     int // next '<' chunk
	roff   int // bytes of chunks[ri] read
	err    error
	closed bool
	rdl    time.Time
	wdl    time.Time
	wrote  int64 // '>' bytes matched so far
}

var _ transport.Conn = (*replayer)(nil)

func (r *replayer) nextDir(i int, d Direction) int {
	for i < len(r.chunks) && (r.chunks[i].Dir != d || len(r.chunks[i].Data) == 0) {
		i++
	}
	return i
}

// String names the link.
func (r *replayer) String() string { return "replay" }

// Read returns the next '<' bytes once the writes recorded before them have happened.
func (r *replayer) Read(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for {
		switch {
		case r.closed:
			return 0, fmt.Errorf("capture: replay read: %w", net.ErrClosed)
		case r.err != nil:
			return 0, r.err
		case r.ri >= len(r.chunks):
			return 0, io.EOF
		case r.wi > r.ri:
			if len(p) == 0 {
				return 0, nil
			}
			data := r.chunks[r.ri].Data[r.roff:]
			n := copy(p, data)
			r.roff += n
			if r.roff == len(r.chunks[r.ri].Data) {
				r.ri = r.nextDir(r.ri+1, DeviceToHost)
				r.roff = 0
			}
			return n, nil
		}
		// The device answers only after the host's next write; wait for it.
		if !r.rdl.IsZero() {
			d := time.Until(r.rdl)
			if d <= 0 {
				return 0, fmt.Errorf("capture: replay read: %w", os.ErrDeadlineExceeded)
			}
			t := time.AfterFunc(d, func() {
				r.mu.Lock()
				r.cond.Broadcast()
				r.mu.Unlock()
			})
			r.cond.Wait()
			t.Stop()
			continue
		}
		r.cond.Wait()
	}
}

// Write checks p against the next '>' bytes of the capture.
func (r *replayer) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case r.closed:
		return 0, fmt.Errorf("capture: replay write: %w", net.ErrClosed)
	case r.err != nil:
		return 0, r.err
	case !r.wdl.IsZero() && !time.Now().Before(r.wdl):
		return 0, fmt.Errorf("capture: replay write: %w", os.ErrDeadlineExceeded)
	}
	defer r.cond.Broadcast()
	for k, b := range p {
		if r.wi >= len(r.chunks) {
			r.err = fmt.Errorf("capture: replay: %w: byte %d of the host's output is 0x%02x, the capture has no more output",
				ErrMismatch, r.wrote, b)
			return k, r.err
		}
		want := r.chunks[r.wi].Data[r.woff]
		if b != want {
			r.err = fmt.Errorf("capture: replay: %w: byte %d of the host's output (chunk %d, offset %d) is 0x%02x, the capture has 0x%02x",
				ErrMismatch, r.wrote, r.wi, r.woff, b, want)
			return k, r.err
		}
		r.wrote++
		r.woff++
		if r.woff == len(r.chunks[r.wi].Data) {
			r.wi = r.nextDir(r.wi+1, HostToDevice)
			r.woff = 0
		}
	}
	return len(p), nil
}

// Close ends the replay and reports chunks left unplayed and any mismatch.
func (r *replayer) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return fmt.Errorf("capture: replay close: %w", net.ErrClosed)
	}
	r.closed = true
	r.cond.Broadcast()
	if r.err != nil {
		return r.err
	}
	left := 0
	for i := range r.chunks {
		if (r.chunks[i].Dir == HostToDevice && i >= r.wi) || (r.chunks[i].Dir == DeviceToHost && i >= r.ri) {
			left++
		}
	}
	if left > 0 {
		return fmt.Errorf("capture: replay: %w: %d of %d chunks left", ErrUnconsumed, left, len(r.chunks))
	}
	return nil
}

// SetDeadline sets both deadlines.
func (r *replayer) SetDeadline(t time.Time) error {
	r.SetWriteDeadline(t)
	return r.SetReadDeadline(t)
}

// SetReadDeadline sets the read deadline and wakes a waiting Read.
func (r *replayer) SetReadDeadline(t time.Time) error {
	r.mu.Lock()
	r.rdl = t
	r.cond.Broadcast()
	r.mu.Unlock()
	return nil
}

// SetWriteDeadline sets the write deadline (writes never block; a past deadline fails them).
func (r *replayer) SetWriteDeadline(t time.Time) error {
	r.mu.Lock()
	r.wdl = t
	r.mu.Unlock()
	return nil
}
