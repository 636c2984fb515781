// Package aborttest holds what the terminal packages' TestDeadlineAbort tests share: the
// links to a hand-written fake terminal and the loop of purchases ended by tiny context
// deadlines. The protocol (what the abort looks like, how the fake reports a run) stays in
// each test.
package aborttest

import (
	"context"
	"io"
	"net"
	"testing"
	"time"

	"github.com/uapos/uapos/transport"
	"github.com/uapos/uapos/transport/transporttest"
)

// Link connects a client to a fake terminal: client is the client's end, dev the fake's.
type Link struct {
	Name string
	Open func(t testing.TB) (client transport.Conn, dev io.ReadWriteCloser)
}

// Links are an in-memory pipe and a loopback TCP connection (where the connection's read
// deadline is the OS's own timer, racing ctx's).
var Links = []Link{
	{"pipe", func(t testing.TB) (transport.Conn, io.ReadWriteCloser) {
		a, b := transporttest.Pipe()
		return a, b
	}},
	{"tcp", func(t testing.TB) (transport.Conn, io.ReadWriteCloser) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		accepted := make(chan net.Conn, 1)
		go func() {
			c, _ := ln.Accept()
			accepted <- c
		}()
		c, err := transport.Open(context.Background(), "tcp://"+ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		dev := <-accepted
		if dev == nil {
			t.Fatal("accept failed")
		}
		return c, dev
	}},
}

// Run calls run with contexts whose deadlines range from 1 µs to a few ms (the short ones
// end some runs before the request leaves, while it is written, or before it is
// acknowledged) until want runs have reached the terminal's card wait (run returned true),
// and fails the test when that takes more than 20*want runs. run checks the abort itself;
// n counts the runs from 1. The longest deadline doubles, up to 1 s, whenever a run with it
// did not reach the card wait, so a slow machine still gets there. Run logs the counts.
func Run(t testing.TB, want int, run func(ctx context.Context, n int) (reached bool)) {
	t.Helper()
	base, reached := 2*time.Millisecond, 0
	for n := 1; reached < want; n++ {
		if n > 20*want {
			t.Fatalf("only %d of %d runs reached the card wait", reached, n-1)
		}
		timeout := []time.Duration{time.Microsecond, 20 * time.Microsecond, 100 * time.Microsecond, base}[n%4]
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		ok := run(ctx, n)
		cancel()
		switch {
		case ok:
			reached++
		case timeout == base && base < time.Second:
			base *= 2
		}
		if reached == want {
			t.Logf("%d runs, %d reached the terminal", n, reached)
		}
	}
}
