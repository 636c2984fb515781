package transport

import (
	"context"
	"time"
)

// aLongTimeAgo is a deadline in the past: it ends a pending Read or Write at once.
var aLongTimeAgo = time.Unix(1, 0)

// InterruptOnDone makes ctx's end interrupt the I/O that a deadline setter governs (a Conn's
// SetWriteDeadline, SetReadDeadline or SetDeadline) by moving that deadline into the past.
// Call release when the I/O is over: it stops the watch, waits for an interruption already
// running (so that it cannot land after release and poison the next call), and clears the
// deadline.
//
//	release := transport.InterruptOnDone(ctx, c.SetWriteDeadline)
//	n, err := c.Write(frame)
//	release()
func InterruptOnDone(ctx context.Context, set func(time.Time) error) (release func()) {
	fired := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		_ = set(aLongTimeAgo)
		close(fired)
	})
	return func() {
		if !stop() {
			<-fired
		}
		_ = set(time.Time{})
	}
}
