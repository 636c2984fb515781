package harness

import (
	"runtime"
	"time"
)

// WaitGoroutines waits until at most limit goroutines run, yielding and pausing briefly
// between up to tries looks (each pause 2 ms: the bound on the wait is tries × 2 ms, not a
// timed assertion). It returns the last count and whether it got down to limit. Call it
// after closing every client, link and simulator of a test, with limit the count taken
// before the test started them.
func WaitGoroutines(limit, tries int) (int, bool) {
	n := runtime.NumGoroutine()
	for i := 0; i < tries && n > limit; i++ {
		runtime.Gosched()
		if i > 10 {
			time.Sleep(2 * time.Millisecond)
		}
		n = runtime.NumGoroutine()
	}
	return n, n <= limit
}
