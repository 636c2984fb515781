package privatjson

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/uapos/uapos/internal/aborttest"
	"github.com/uapos/uapos/transport"
)

// abortSeen is what the fake terminal saw of one purchase call.
type abortSeen struct {
	purchase  bool // a Purchase request arrived: the terminal waits for the card
	interrupt bool // ServiceMessage interrupt arrived while the purchase ran
	stray     int  // interrupts with no purchase of this run (a late one lands in the next run)
	err       error
}

// fakeCardWait is a hand-written PrivatBank JSON terminal that never sees a card: it takes a
// Purchase and stays silent; on interrupt it answers interruptTransmitted and the purchase's
// final 1001 (spec §6.2, golden replies of note §4/§5). With answer set it answers every
// Purchase at once with it instead (a terminal that declines at once), and an interrupt
// after that gets interruptTransmitted only. A lone 0x00 (an empty frame, which the client
// never sends outside the handshake) is the test's probe: the fake reports the run.
func fakeCardWait(c io.ReadWriter, transmitted, final, answer []byte, runs chan<- abortSeen) {
	r := bufio.NewReader(c)
	var cur abortSeen
	for {
		frame, err := r.ReadBytes(0x00)
		if err != nil {
			cur.err = err
			runs <- cur
			return
		}
		frame = frame[:len(frame)-1]
		if len(frame) == 0 {
			runs <- cur
			cur = abortSeen{}
			continue
		}
		var m struct {
			Method string
			Params map[string]string
		}
		if json.Unmarshal(frame, &m) != nil {
			continue
		}
		switch {
		case m.Method == "Purchase":
			cur.purchase = true
			if answer != nil {
				_, _ = c.Write(answer)
			}
		case m.Method == "ServiceMessage" && m.Params["msgType"] == "interrupt":
			_, _ = c.Write(transmitted)
			switch {
			case !cur.purchase || cur.interrupt:
				cur.stray++
			case answer == nil:
				cur.interrupt = true
				_, _ = c.Write(final)
			default:
				cur.interrupt = true // after the answer: nothing left to cancel
			}
		}
	}
}

func goldenFrame(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/golden/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return append([]byte(strings.TrimSpace(string(b))), 0x00)
}

// fakeRun is one client on a link to fakeCardWait.
type fakeRun struct {
	conn transport.Conn
	c    *Client
	runs chan abortSeen
}

func startFake(t *testing.T, lk aborttest.Link, final, answer []byte) *fakeRun {
	conn, dev := lk.Open(t)
	f := &fakeRun{conn: conn, c: New(conn, testConfig), runs: make(chan abortSeen, 1)}
	go fakeCardWait(dev, goldenFrame(t, "sm-interrupttransmitted.json"), final, answer, f.runs)
	t.Cleanup(func() {
		f.c.Close()
		dev.Close()
		<-f.runs
	})
	return f
}

// purchase runs one Purchase under ctx, then probes the fake for what it saw of it. It
// fails the test on a fake error or an interrupt that came with no purchase of the run.
func (f *fakeRun) purchase(t *testing.T, ctx context.Context, n int) (abortSeen, *Transaction, error) {
	tx, err := f.c.Purchase(ctx, PurchaseRequest{Amount: 100})
	// the call is over: the probe follows whatever the client wrote for it
	_ = f.conn.SetWriteDeadline(time.Time{})
	if _, werr := f.conn.Write([]byte{0x00}); werr != nil {
		t.Fatalf("run %d: probe: %v (purchase err %v)", n, werr, err)
	}
	seen := <-f.runs
	if seen.err != nil {
		t.Fatalf("run %d: fake terminal: %v", n, seen.err)
	}
	if seen.stray != 0 {
		t.Fatalf("run %d: an interrupt reached the terminal with no purchase of this call running (err %v)", n, err)
	}
	return seen, tx, err
}

// TestDeadlineAbortPurchase: a Purchase whose card wait is ended by a context deadline
// (context.WithTimeout, 1 µs to a few ms) sends interrupt every time the request reached the
// terminal, and returns the terminal's 1001 joined with the deadline; a request that never
// left the client is not interrupted. 200 runs that reached the card wait, zero misses.
func TestDeadlineAbortPurchase(t *testing.T) {
	final := goldenFrame(t, "purchase-response-1001.json")
	for _, lk := range aborttest.Links {
		t.Run(lk.Name, func(t *testing.T) {
			f := startFake(t, lk, final, nil)
			aborttest.Run(t, 200, func(ctx context.Context, n int) bool {
				seen, tx, err := f.purchase(t, ctx, n)
				switch {
				case !seen.purchase && err == nil:
					t.Fatalf("run %d: purchase = %+v with no request on the wire", n, tx)
				case !seen.purchase:
					return false // the deadline came before the request left
				case !seen.interrupt:
					t.Fatalf("run %d: deadline ended the card wait but no interrupt reached the terminal (err %v)", n, err)
				}
				var re *ResponseError
				if !errors.As(err, &re) || re.ResponseCode != "1001" || !errors.Is(err, context.DeadlineExceeded) {
					t.Fatalf("run %d: err = %v, want 1001 joined with the deadline", n, err)
				}
				return true
			})
		})
	}
}

// TestDeadlineAbortNoLateInterrupt: the terminal declines at once, so the decline and the
// deadline race. Whichever wins, an interrupt the client sends goes out before Purchase
// returns, never later where it would cancel the next customer's purchase (the fake counts
// it as stray in the next run).
func TestDeadlineAbortNoLateInterrupt(t *testing.T) {
	decline := goldenFrame(t, "purchase-response-0005.json")
	for _, lk := range aborttest.Links {
		t.Run(lk.Name, func(t *testing.T) {
			f := startFake(t, lk, nil, decline)
			interrupted := 0
			aborttest.Run(t, 200, func(ctx context.Context, n int) bool {
				seen, _, err := f.purchase(t, ctx, n)
				var re *ResponseError
				if seen.purchase && (!errors.As(err, &re) || re.ResponseCode != "0005") {
					t.Fatalf("run %d: err = %v, want the decline 0005", n, err)
				}
				if seen.interrupt {
					interrupted++
				}
				return seen.purchase
			})
			t.Logf("%d runs sent interrupt", interrupted)
		})
	}
}
