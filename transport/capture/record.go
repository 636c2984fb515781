package capture

import (
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/uapos/uapos/transport"
)

// Record wraps c so that every successful Read and Write is also written to w as one line
// (format in the package doc), after a [Header] comment. Times count from the call to Record.
// Each line is written whole, right after its call returns, so concurrent Reads and
// Writes never interleave within a line; times never go back. A failure to write to w does not
// disturb the link; the first such failure is returned by Close. Record does not close w.
func Record(c transport.Conn, w io.Writer) transport.Conn {
	r := &recorder{Conn: c, w: w, start: time.Now()}
	if _, err := io.WriteString(w, Header+"\n"); err != nil {
		r.err = fmt.Errorf("capture: write: %w", err)
	}
	return r
}

type recorder struct {
	transport.Conn
	// order is held by a Write from before it reaches the link until it is logged, and by a
	// Read while it logs: a device's answer to bytes just written is never logged before
	// them, however the goroutines are scheduled (a replay would serve it too early, and a
	// client's reader would drop it as unasked for).
	order sync.Mutex
	mu    sync.Mutex
	w     io.Writer
	start time.Time
	line  []byte
	err   error
}

func (r *recorder) log(dir Direction, p []byte) {
	if len(p) == 0 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return
	}
	var err error
	r.line, err = appendLine(r.line[:0], Chunk{At: time.Since(r.start), Dir: dir, Data: p})
	if err == nil {
		_, err = r.w.Write(r.line)
	}
	if err != nil {
		r.err = fmt.Errorf("capture: write: %w", err)
	}
}

// Read reads from the link and records what arrived.
func (r *recorder) Read(p []byte) (int, error) {
	n, err := r.Conn.Read(p)
	if n > 0 && n <= len(p) {
		r.order.Lock()
		r.log(DeviceToHost, p[:n])
		r.order.Unlock()
	}
	return n, err
}

// Write writes to the link and records what was accepted.
func (r *recorder) Write(p []byte) (int, error) {
	r.order.Lock()
	defer r.order.Unlock()
	n, err := r.Conn.Write(p)
	if n > 0 && n <= len(p) {
		r.log(HostToDevice, p[:n])
	}
	return n, err
}

// Close closes the link and reports the first error writing the capture, if any.
func (r *recorder) Close() error {
	err := r.Conn.Close()
	r.mu.Lock()
	werr := r.err
	r.mu.Unlock()
	return errors.Join(err, werr)
}

// String names the link being recorded.
func (r *recorder) String() string {
	if s, ok := r.Conn.(fmt.Stringer); ok {
		return "capture(" + s.String() + ")"
	}
	return "capture"
}
