package bposlight_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/uapos/uapos/bposlight"
	"github.com/uapos/uapos/internal/aborttest"
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
// (context.WithTimeout, 1 µs to a few ms) must abort with EOT every time, also when the
// link's read deadline (set from ctx.Deadline()) fires before ctx's own timer. 200 runs that
// reached the card wait, zero misses; a run whose request never left the client must send
// no EOT.
func TestDeadlineAbortPurchase(t *testing.T) {
	for _, lk := range aborttest.Links {
		t.Run(lk.Name, func(t *testing.T) {
			client, dev := lk.Open(t)
			runs := make(chan runSeen, 1)
			go fakeTerminal(dev, runs)
			t.Cleanup(func() {
				client.Close()
				dev.Close()
				<-runs
			})
			cl := bposlight.New(client, bposlight.Config{})
			aborttest.Run(t, 200, func(ctx context.Context, n int) bool {
				p, err := cl.StartPurchase(ctx, bposlight.PurchaseRequest{Amount: 100})
				// the client is idle now: the probe follows whatever it wrote
				_ = client.SetWriteDeadline(time.Time{})
				if _, werr := client.Write([]byte{probe}); werr != nil {
					t.Fatal(werr)
				}
				seen := <-runs
				switch {
				case seen.err != nil:
					t.Fatalf("run %d: fake terminal: %v", n, seen.err)
				case seen.stray != 0:
					t.Fatalf("run %d: %d EOT sent with no purchase on the terminal (err %v)", n, seen.stray, err)
				case !seen.pur && err == nil:
					t.Fatalf("run %d: purchase = %+v with no request on the wire", n, p)
				case !seen.pur:
					return false // the deadline came before the request left: nothing to abort
				case !seen.eot:
					t.Fatalf("run %d: deadline ended the card wait but no EOT reached the terminal (err %v)", n, err)
				}
				var re *bposlight.ResponseError
				if !errors.As(err, &re) || re.Code != bposlight.RCUserCancelled || !errors.Is(err, context.DeadlineExceeded) {
					t.Fatalf("run %d: err = %v, want RC 1001 joined with the deadline", n, err)
				}
				return true
			})
		})
	}
}
