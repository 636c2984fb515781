package transport

import (
	"os"
	"sync"
	"time"
)

// errDeadline is the error class every time-out wraps.
var errDeadline = os.ErrDeadlineExceeded

// deadline is one settable deadline: expired() returns a channel that is closed once the
// deadline has passed, and a new set() replaces the channel when the deadline moves into
// the future again. The zero value has no deadline.
type deadline struct {
	mu    sync.Mutex
	t     time.Time
	timer *time.Timer
	done  chan struct{} // closed when t has passed
}

// set moves the deadline to t; the zero time means none.
func (d *deadline) set(t time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.timer != nil {
		d.timer.Stop()
		d.timer = nil
	}
	d.t = t
	if d.done == nil {
		d.done = make(chan struct{})
	}
	closed := isClosed(d.done)
	if t.IsZero() {
		if closed {
			d.done = make(chan struct{})
		}
		return
	}
	wait := time.Until(t)
	if wait <= 0 {
		if !closed {
			close(d.done)
		}
		return
	}
	if closed {
		d.done = make(chan struct{})
	}
	ch := d.done
	d.timer = time.AfterFunc(wait, func() {
		d.mu.Lock()
		defer d.mu.Unlock()
		if d.done == ch && !isClosed(ch) {
			close(ch)
		}
	})
}

// expired returns a channel closed when the current deadline passes.
func (d *deadline) expired() <-chan struct{} {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.done == nil {
		d.done = make(chan struct{})
	}
	return d.done
}

// get returns the current deadline (zero for none).
func (d *deadline) get() time.Time {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.t
}

func isClosed(c <-chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}
