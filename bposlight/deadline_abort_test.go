package bposlight_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/uapos/uapos/bposlight"
	"github.com/uapos/uapos/transport"
	"github.com/uapos/uapos/transport/transporttest"
)

// abortPOS is the terminal's answer to the ECR's EOT, the spec's example frame (bposlight.md
// §3 "Abort while waiting for the card"; testdata/spec_frames.txt "abort pos"): LL 003E and
// LRC 0B as the notes give them.
var abortPOS = append(append([]byte{0x02, 0x00, 0x3e},
	"RESP=PUR;RC=1001;DATETIM=20170101120000;MID=BANK;TID=12123123;"...), 0x0b)

// probe is a byte the test writes on the client's side of the link once a purchase call has
// returned: everything the client wrote comes before it, so when the fake reads it the fake
// has seen the whole run.
const probe = 0xff

// runSeen is what the fake terminal saw of one purchase call.
type runSeen struct {
	pur   bool // a good REQ=PUR frame arrived (and was ACKed): the terminal waits for the card
	eot   bool // the ECR's EOT arrived while the terminal waited for the card
	stray int  // EOTs that came while no purchase was waiting
	err   error
}

// fakeTerminal is a hand-written B-POS Light terminal that never sees a card: it ACKs a
// purchase, then waits; on EOT it answers RC=1001. At each probe byte it reports the run.
func fakeTerminal(c io.ReadWriter, runs chan<- runSeen) {
	r := bufio.NewReader(c)
	var cur runSeen
	for {
		b, err := r.ReadByte()
		if err != nil {
			cur.err = err
			runs <- cur
			return
		}
		switch b {
		case 0x02: // STX: LL (big-endian), data, LRC
			var hdr [2]byte
			if _, err := io.ReadFull(r, hdr[:]); err != nil {
				continue
			}
			data := make([]byte, int(hdr[0])<<8|int(hdr[1])+1)
			if _, err := io.ReadFull(r, data); err != nil {
				continue
			}
			var lrc byte
			for _, d := range data[:len(data)-1] {
				lrc ^= d
			}
			if lrc != data[len(data)-1] || !strings.HasPrefix(string(data), "REQ=PUR;") {
				_, _ = c.Write([]byte{0x15}) // NAK
				continue
			}
			cur.pur = true
			_, _ = c.Write([]byte{0x06}) // ACK; no card will ever come
		case 0x04: // EOT
			if cur.pur && !cur.eot {
				cur.eot = true
				_, _ = c.Write(abortPOS)
			} else {
				cur.stray++
			}
		case probe:
			runs <- cur
			cur = runSeen{}
		}
		// 0x06 (the client's ACK of our answer) and anything else: nothing to do
	}
}

// TestDeadlineAbortPurchase: a purchase whose card wait is ended by a context deadline
// (context.WithTimeout, a few ms) must abort with EOT every time, also when the link's read
// deadline (set from ctx.Deadline()) fires before ctx's own timer. 200 runs that reached the
// card wait, zero misses; a run whose request never left the client must send no EOT.
func TestDeadlineAbortPurchase(t *testing.T) {
	for _, lk := range []struct {
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
	} {
		t.Run(lk.name, func(t *testing.T) {
			client, dev := lk.open(t)
			runs := make(chan runSeen, 1)
			go fakeTerminal(dev, runs)
			t.Cleanup(func() {
				client.Close()
				dev.Close()
				<-runs
			})
			cl := bposlight.New(client, bposlight.Config{})
			const want = 200
			base, waited, attempts := 2*time.Millisecond, 0, 0
			for waited < want {
				if attempts++; attempts > 20*want {
					t.Fatalf("only %d of %d runs reached the card wait", waited, attempts)
				}
				// Deadlines from 1 µs to base: the short ones end some runs before the request
				// leaves, while it is written, or while the client waits for the ACK.
				timeout := []time.Duration{time.Microsecond, 20 * time.Microsecond, 100 * time.Microsecond, base}[attempts%4]
				ctx, cancel := context.WithTimeout(context.Background(), timeout)
				p, err := cl.StartPurchase(ctx, bposlight.PurchaseRequest{Amount: 100})
				cancel()
				// the client is idle now: the probe follows whatever it wrote
				_ = client.SetWriteDeadline(time.Time{})
				if _, werr := client.Write([]byte{probe}); werr != nil {
					t.Fatal(werr)
				}
				seen := <-runs
				if seen.err != nil {
					t.Fatalf("run %d: fake terminal: %v", attempts, seen.err)
				}
				if seen.stray != 0 {
					t.Fatalf("run %d: %d EOT sent with no purchase on the terminal (err %v)", attempts, seen.stray, err)
				}
				if !seen.pur {
					// The deadline ended the call before the request left: nothing to abort.
					if err == nil {
						t.Fatalf("run %d: purchase = %+v with no request on the wire", attempts, p)
					}
					if timeout == base && base < time.Second {
						base *= 2 // a slow machine: give the longest deadline more time
					}
					continue
				}
				waited++
				if !seen.eot {
					t.Fatalf("run %d: deadline ended the card wait but no EOT reached the terminal (err %v)", attempts, err)
				}
				var re *bposlight.ResponseError
				if !errors.As(err, &re) || re.Code != bposlight.RCUserCancelled || !errors.Is(err, context.DeadlineExceeded) {
					t.Fatalf("run %d: err = %v, want RC 1001 joined with the deadline", attempts, err)
				}
			}
			t.Logf("%d runs, %d reached the card wait, every one aborted with EOT", attempts, waited)
		})
	}
}
