package privatjson

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/uapos/uapos/transport"
	"github.com/uapos/uapos/transport/transporttest"
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

// fakeLinks connect the client to a hand-written fake terminal.
var fakeLinks = []struct {
	name string
	open func(t *testing.T) (client transport.Conn, dev io.ReadWriteCloser)
}{
	{"pipe", func(t *testing.T) (transport.Conn, io.ReadWriteCloser) {
		a, b := transporttest.Pipe()
		return a, b
	}},
	{"tcp", func(t *testing.T) (transport.Conn, io.ReadWriteCloser) {
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

// TestDeadlineAbortPurchase: a Purchase whose card wait is ended by a context deadline
// (context.WithTimeout, 1 µs to a few ms) sends interrupt every time the request reached the
// terminal, and returns the terminal's 1001 joined with the deadline; a request that never
// left the client is not interrupted. 200 runs that reached the card wait, zero misses.
func TestDeadlineAbortPurchase(t *testing.T) {
	transmitted := goldenFrame(t, "sm-interrupttransmitted.json")
	final := goldenFrame(t, "purchase-response-1001.json")
	for _, lk := range fakeLinks {
		t.Run(lk.name, func(t *testing.T) {
			conn, dev := lk.open(t)
			runs := make(chan abortSeen, 1)
			go fakeCardWait(dev, transmitted, final, nil, runs)
			c := New(conn, testConfig)
			t.Cleanup(func() {
				c.Close()
				dev.Close()
				<-runs
			})
			const want = 200
			base, waited, attempts := 2*time.Millisecond, 0, 0
			for waited < want {
				if attempts++; attempts > 20*want {
					t.Fatalf("only %d of %d runs reached the card wait", waited, attempts)
				}
				timeout := []time.Duration{time.Microsecond, 20 * time.Microsecond, 100 * time.Microsecond, base}[attempts%4]
				ctx, cancel := context.WithTimeout(context.Background(), timeout)
				tx, err := c.Purchase(ctx, PurchaseRequest{Amount: 100})
				cancel()
				// the call is over: the probe follows whatever the client wrote for it
				_ = conn.SetWriteDeadline(time.Time{})
				if _, werr := conn.Write([]byte{0x00}); werr != nil {
					t.Fatalf("run %d: probe: %v (purchase err %v)", attempts, werr, err)
				}
				seen := <-runs
				if seen.err != nil {
					t.Fatalf("run %d: fake terminal: %v", attempts, seen.err)
				}
				if seen.stray != 0 {
					t.Fatalf("run %d: interrupt sent with no purchase on the terminal (err %v)", attempts, err)
				}
				if !seen.purchase {
					if err == nil {
						t.Fatalf("run %d: purchase = %+v with no request on the wire", attempts, tx)
					}
					if timeout == base && base < time.Second {
						base *= 2
					}
					continue
				}
				waited++
				if !seen.interrupt {
					t.Fatalf("run %d: deadline ended the card wait but no interrupt reached the terminal (err %v)", attempts, err)
				}
				var re *ResponseError
				if !errors.As(err, &re) || re.ResponseCode != "1001" || !errors.Is(err, context.DeadlineExceeded) {
					t.Fatalf("run %d: err = %v, want 1001 joined with the deadline", attempts, err)
				}
			}
			t.Logf("%d runs, %d reached the card wait, every one interrupted", attempts, waited)
		})
	}
}

// TestDeadlineAbortNoLateInterrupt: the terminal declines at once, so the decline and the
// deadline race. Whichever wins, an interrupt the client sends goes out before Purchase
// returns, never later where it would cancel the next customer's purchase.
func TestDeadlineAbortNoLateInterrupt(t *testing.T) {
	transmitted := goldenFrame(t, "sm-interrupttransmitted.json")
	decline := goldenFrame(t, "purchase-response-0005.json")
	for _, lk := range fakeLinks {
		t.Run(lk.name, func(t *testing.T) {
			conn, dev := lk.open(t)
			runs := make(chan abortSeen, 1)
			go fakeCardWait(dev, transmitted, nil, decline, runs)
			c := New(conn, testConfig)
			t.Cleanup(func() {
				c.Close()
				dev.Close()
				<-runs
			})
			interrupted := 0
			for i := range 200 {
				timeout := []time.Duration{time.Microsecond, 20 * time.Microsecond, 100 * time.Microsecond, 500 * time.Microsecond}[i%4]
				ctx, cancel := context.WithTimeout(context.Background(), timeout)
				_, err := c.Purchase(ctx, PurchaseRequest{Amount: 100})
				cancel()
				_ = conn.SetWriteDeadline(time.Time{})
				if _, werr := conn.Write([]byte{0x00}); werr != nil {
					t.Fatalf("run %d: probe: %v (purchase err %v)", i, werr, err)
				}
				seen := <-runs
				if seen.err != nil {
					t.Fatalf("run %d: fake terminal: %v", i, seen.err)
				}
				if seen.stray != 0 {
					t.Fatalf("run %d: an interrupt reached the terminal after its Purchase call returned (err %v)", i, err)
				}
				var re *ResponseError
				if seen.purchase && (!errors.As(err, &re) || re.ResponseCode != "0005") {
					t.Fatalf("run %d: err = %v, want the decline 0005", i, err)
				}
				if seen.interrupt {
					interrupted++
				}
			}
			t.Logf("200 runs, %d sent interrupt", interrupted)
		})
	}
}
