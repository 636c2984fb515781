package bpos1_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/uapos/uapos/bpos1"
	"github.com/uapos/uapos/journal"
	"github.com/uapos/uapos/payment"
	"github.com/uapos/uapos/simulators/bpos1sim"
	"github.com/uapos/uapos/transport"
	"github.com/uapos/uapos/transport/transporttest"
)

// abortRuns is how many purchases each abort test ends early.
const abortRuns = 200

// sawWire is what a fake terminal saw of one exchange.
type sawWire struct{ request, abort bool }

// fakeCardWait is a hand-written terminal on b: it ACKs a request frame and answers it with
// the "waiting for card" status frame, then waits for the card forever; an EOT (the ECR's
// abort) is answered with EOT. When the ECR's end closes, it reports what it saw.
func fakeCardWait(b transport.Conn, status []byte) <-chan sawWire {
	out := make(chan sawWire, 1)
	go func() {
		var saw sawWire
		defer func() { out <- saw }()
		r := bufio.NewReader(b)
		for {
			c, err := r.ReadByte()
			if err != nil {
				return
			}
			switch c {
			case 0x02:
				var ll [2]byte
				if _, err := io.ReadFull(r, ll[:]); err != nil {
					return
				}
				if _, err := io.ReadFull(r, make([]byte, int(ll[0])<<8|int(ll[1])+1)); err != nil {
					return
				}
				saw.request = true
				_, _ = b.Write(ackB)
				_, _ = b.Write(status)
			case 0x04:
				saw.abort = true
				_, _ = b.Write(eotB)
			}
			// 0x06: the ECR's ACK of the status frame
		}
	}()
	return out
}

// TestDeadlineAbortWire: a purchase whose card wait is ended by a 2 ms deadline, or by
// cancel() once the terminal says it waits for the card, puts the abort (EOT) on the wire
// every time, and the terminal's EOT answer ends it as cancelled (1001). A deadline that
// passes before any byte of the request left sends nothing (there is nothing to abort).
func TestDeadlineAbortWire(t *testing.T) {
	rep := loadGolden(t, "testdata/golden/replies.txt")
	run := func(t *testing.T, deadline bool) {
		var aborted, unsent int
		for i := range abortRuns {
			a, b := transporttest.Pipe()
			saw := fakeCardWait(b, rep["status-wait-card"])
			wc := bpos1.NewWireClient(a, bpos1.WireConfig{})
			var ctx context.Context
			var cancel context.CancelFunc
			if deadline {
				ctx, cancel = context.WithTimeout(t.Context(), 2*time.Millisecond)
			} else {
				ctx, cancel = context.WithCancel(t.Context())
				ctx = bpos1.WithProgress(ctx, func(s bpos1.Status) {
					if s.Code == bpos1.StatusWaitCard {
						cancel()
					}
				})
			}
			_, err := wc.Purchase(ctx, 100, 1)
			cancel()
			a.Close()
			got := <-saw
			b.Close()
			want := context.Canceled
			if deadline {
				want = context.DeadlineExceeded
			}
			switch {
			case got.request && !got.abort:
				t.Fatalf("run %d: MISS: the terminal got the request but no abort (err %v)", i, err)
			case !got.request && got.abort:
				t.Fatalf("run %d: abort without a request", i)
			case !got.request && !deadline:
				t.Fatalf("run %d: cancel during the card wait, but no request on the wire", i)
			case !errors.Is(err, want):
				t.Fatalf("run %d: error %v, want %v", i, err, want)
			case got.request:
				var re *bpos1.ResultError
				if !errors.As(err, &re) || re.ResponseCode != bpos1.RCCancelledByUser {
					t.Fatalf("run %d: error %v, want response code 1001 (the terminal's EOT)", i, err)
				}
				aborted++
			default:
				unsent++
			}
		}
		t.Logf("%d card waits aborted on the wire, %d requests never sent", aborted, unsent)
		if aborted == 0 {
			t.Fatal("no run reached the card wait")
		}
	}
	t.Run("deadline", func(t *testing.T) { run(t, true) })
	t.Run("cancel", func(t *testing.T) { run(t, false) })
}

// TestDeadlineAbortWireSim: the same through the adapter against the wire simulator, on one
// link for every run (so each abort also leaves the link usable): every purchase the
// simulator received was aborted, which it answers with EOT (1001, DM 5001 cancelled).
func TestDeadlineAbortWireSim(t *testing.T) {
	run := func(t *testing.T, deadline bool) {
		srv := bpos1sim.New(bpos1sim.Config{Hang: true})
		a, b := transporttest.Pipe()
		served := make(chan error, 1)
		go func() { served <- srv.ServeConn(context.Background(), b) }()
		defer func() {
			a.Close()
			<-served
		}()
		term, err := bpos1.NewWireTerminal(bpos1.NewWireClient(a, bpos1.WireConfig{}), bpos1.TerminalConfig{})
		if err != nil {
			t.Fatal(err)
		}
		var aborted int
		for i := range abortRuns {
			before := srv.Calls("Purchase")
			var ctx context.Context
			var cancel context.CancelFunc
			events := make(chan payment.Event, 16)
			if deadline {
				ctx, cancel = context.WithTimeout(t.Context(), 2*time.Millisecond)
			} else {
				ctx, cancel = context.WithCancel(t.Context())
				go func() {
					for ev := range events {
						if ev.Code == int(bpos1.StatusWaitCard) {
							cancel()
						}
					}
				}()
			}
			_, err := term.Purchase(ctx, payment.Request{TransactionID: fmt.Sprintf("p%d", i), Amount: 100, Events: events})
			cancel()
			close(events)
			wantCode(t, err, payment.CodeUserCancelled, payment.ErrCancelled)
			if srv.Calls("Purchase") == before {
				if !deadline {
					t.Fatalf("run %d: cancel during the card wait, but the simulator got no purchase", i)
				}
				continue
			}
			var re *bpos1.ResultError
			if !errors.As(err, &re) || re.ResponseCode != bpos1.RCCancelledByUser {
				t.Fatalf("run %d: MISS: the simulator got the purchase; error %v, want its EOT answer (1001)", i, err)
			}
			aborted++
		}
		t.Logf("%d card waits aborted", aborted)
		if aborted == 0 {
			t.Fatal("no run reached the card wait")
		}
		if len(srv.Journal()) != 0 {
			t.Fatalf("terminal journal %+v after aborts", srv.Journal())
		}
	}
	t.Run("deadline", func(t *testing.T) { run(t, true) })
	t.Run("cancel", func(t *testing.T) { run(t, false) })
}

// scripted returns a WireClient over a pipe whose far end runs script; wait waits for it.
func scripted(t *testing.T, cfg bpos1.WireConfig, script func(p peer)) (wc *bpos1.WireClient, wait func()) {
	a, b := transporttest.Pipe()
	t.Cleanup(func() { a.Close(); b.Close() })
	return bpos1.NewWireClient(a, cfg), runPeer(t, b, script)
}

// TestWireClientPurchase drives the WireClient against hand-written frames: the reply's
// fields under their own names, the confirm frame after the approval, progress.
func TestWireClientPurchase(t *testing.T) {
	req := loadGolden(t, "testdata/golden/requests.txt")
	rep := loadGolden(t, "testdata/golden/replies.txt")
	wc, wait := scripted(t, bpos1.WireConfig{}, func(p peer) {
		p.expect(req["purchase-100-m1"])
		p.send(ackB)
		p.send(rep["status-auth"])
		p.expect(ackB)
		p.send(rep["purchase-ok-visa"])
		p.expect(ackB)
		p.expect(req["confirm"])
		p.send(ackB)
	})
	var st []bpos1.Status
	r, err := wc.Purchase(bpos1.WithProgress(t.Context(), func(s bpos1.Status) { st = append(st, s) }), 100, 1)
	wait()
	if err != nil {
		t.Fatal(err)
	}
	if len(st) != 1 || st[0].Code != bpos1.StatusAuthorization || st[0].Text != "AUTH" || wc.Status() != st[0] {
		t.Fatalf("progress %+v, status %+v", st, wc.Status())
	}
	if !r.Approved() || r.Class != 1 || r.TxnType != bpos1.TxnPurchase || r.WireTxnType != bpos1.WireTxnPurchase ||
		r.Amount != 5000 || r.Invoice != 3 || r.RRN != "000000000042" || r.AuthCode != "A1B2C3" ||
		r.PAN != "4731XXXXXXXX9838" || r.TerminalID != "T0000001" || r.Merchant != "M1" || r.PaymentSystem != "VISA" {
		t.Fatalf("reply %+v", r)
	}
	x := r.Txn()
	if x.TrnStatus != bpos1.TrnApproved || x.InvoiceNum != 3 || x.PaymentSystem != "VISA" || x.MerchantID != "M1" {
		t.Fatalf("txn %+v", x)
	}
}

// TestWireClientVoidAmount: Void sends the amount the client saw for the invoice (tag 3,
// as WebCheck does), and no confirm.
func TestWireClientVoidAmount(t *testing.T) {
	req := loadGolden(t, "testdata/golden/requests.txt")
	rep := loadGolden(t, "testdata/golden/replies.txt")
	// 1=1, 2=11, 33=1, 3=5000, 17=3 big-endian, by hand from bpos1.md §B.3 ("withdrawal");
	// LRC 01^04^01 ^ 02^04^0b ^ 21^04^01 ^ 03^04^13^88 ^ 11^04^03 = a7
	void := []byte{0x02, 0x00, 0x3c,
		0, 0, 0, 1, 0, 0, 0, 4, 0, 0, 0, 1,
		0, 0, 0, 2, 0, 0, 0, 4, 0, 0, 0, 0x0b,
		0, 0, 0, 0x21, 0, 0, 0, 4, 0, 0, 0, 1,
		0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0x13, 0x88,
		0, 0, 0, 0x11, 0, 0, 0, 4, 0, 0, 0, 3,
		0xa7}
	wc, wait := scripted(t, bpos1.WireConfig{}, func(p peer) {
		p.expect(req["purchase-100-m1"])
		p.send(ackB)
		p.send(rep["purchase-ok-visa"])
		p.expect(ackB)
		p.expect(req["confirm"])
		p.send(ackB)
		p.expect(void)
		p.send(ackB)
		p.send(rep["purchase-declined"])
		p.expect(ackB)
	})
	if _, err := wc.Purchase(t.Context(), 100, 1); err != nil {
		t.Fatal(err)
	}
	_, err := wc.Void(t.Context(), 3, 1, 0)
	wait()
	var re *bpos1.ResultError
	if !errors.As(err, &re) || re.ResponseCode != 51 {
		t.Fatalf("void: %v", err)
	}
}

// TestWireClientAbortAnswers: what the terminal does after the abort decides the outcome:
// a final answer means the operation ended first (unknown once approved: not confirmed);
// silence leaves it unknown; a ctx already done sends nothing.
func TestWireClientAbortAnswers(t *testing.T) {
	req := loadGolden(t, "testdata/golden/requests.txt")
	rep := loadGolden(t, "testdata/golden/replies.txt")
	// The peer answers every abort here, so the grace is long: a loaded machine must not turn
	// "answered" into "unanswered" (the peer would then wait for an ACK that never comes).
	t.Run("approved after the abort", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		wc, wait := scripted(t, bpos1.WireConfig{AbortGrace: time.Minute}, func(p peer) {
			p.expect(req["purchase-100-m1"])
			p.send(ackB)
			p.send(rep["status-wait-card"])
			p.expect(ackB)
			p.expect(eotB)
			p.send(rep["purchase-ok-visa"]) // the answer was on its way
			p.expect(ackB)                  // and no confirm follows
		})
		r, err := wc.Purchase(bpos1.WithProgress(ctx, func(bpos1.Status) { cancel() }), 100, 1)
		wait()
		var we *bpos1.WireError
		if !errors.As(err, &we) || !errors.Is(err, bpos1.ErrAnsweredAfterAbort) || !errors.Is(err, context.Canceled) || r == nil || r.RRN != "000000000042" {
			t.Fatalf("%+v %v", r, err)
		}
	})
	t.Run("silence after the abort", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		wc, wait := scripted(t, bpos1.WireConfig{AbortGrace: 5 * time.Millisecond}, func(p peer) {
			p.expect(req["purchase-100-m1"])
			p.send(ackB)
			p.send(rep["status-wait-card"])
			p.expect(ackB)
			p.expect(eotB)
		})
		_, err := wc.Purchase(bpos1.WithProgress(ctx, func(bpos1.Status) { cancel() }), 100, 1)
		wait()
		if !errors.Is(err, bpos1.ErrAbortUnanswered) || !errors.Is(err, context.Canceled) {
			t.Fatalf("%v", err)
		}
	})
	t.Run("reply timeout aborts too", func(t *testing.T) {
		wc, wait := scripted(t, bpos1.WireConfig{ReplyTimeout: time.Millisecond, AbortGrace: time.Minute}, func(p peer) {
			p.expect(req["purchase-100-m1"])
			p.send(ackB)
			p.expect(eotB)
			p.send(eotB)
		})
		_, err := wc.Purchase(t.Context(), 100, 1)
		wait()
		var re *bpos1.ResultError
		if !errors.As(err, &re) || re.ResponseCode != bpos1.RCCancelledByUser || !errors.Is(err, bpos1.ErrReplyTimeout) {
			t.Fatalf("%v", err)
		}
	})
	t.Run("ctx done before the request", func(t *testing.T) {
		a, b := transporttest.Pipe()
		defer b.Close()
		wc := bpos1.NewWireClient(a, bpos1.WireConfig{})
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		_, err := wc.Purchase(ctx, 100, 1)
		a.Close()
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("%v", err)
		}
		if n, _ := io.ReadAll(b); len(n) != 0 {
			t.Fatalf("bytes on the wire: %x", n)
		}
	})
}

// TestWireClientBusy: one exchange at a time; a second caller gets ECRC BUSY at once.
func TestWireClientBusy(t *testing.T) {
	req := loadGolden(t, "testdata/golden/requests.txt")
	rep := loadGolden(t, "testdata/golden/replies.txt")
	inWait := make(chan struct{})
	wc, wait := scripted(t, bpos1.WireConfig{}, func(p peer) {
		p.expect(req["purchase-100-m1"])
		p.send(ackB)
		p.send(rep["status-wait-card"])
		p.expect(ackB)
		p.expect(eotB)
		p.send(eotB)
	})
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		_, err := wc.Purchase(bpos1.WithProgress(ctx, func(bpos1.Status) { close(inWait) }), 100, 1)
		done <- err
	}()
	<-inWait
	var ce *bpos1.CallError
	if err := wc.Ping(t.Context()); !errors.As(err, &ce) || ce.Code != bpos1.ECRCBusy {
		t.Fatalf("ping while busy: %v", err)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("%v", err)
	}
	wait()
}

// TestWireAskBank: the native wire cannot reconcile. A purchase whose answer is lost stays
// unknown; the same id again gets 7002 "ask the bank" and is not charged again, and a new
// operation is not held up by it.
func TestWireAskBank(t *testing.T) {
	srv := bpos1sim.New(bpos1sim.Config{})
	defer srv.Close()
	j := journal.NewMemory()
	// a link that dies after the request: the answer is lost
	a, b := transporttest.Pipe()
	go func() {
		r := bufio.NewReader(b)
		var hdr [3]byte
		if _, err := io.ReadFull(r, hdr[:]); err == nil {
			_, _ = io.ReadFull(r, make([]byte, int(hdr[1])<<8|int(hdr[2])+1))
			_, _ = b.Write(ackB)
		}
		b.Close()
	}()
	term, err := bpos1.NewWireTerminal(bpos1.NewWireClient(a, bpos1.WireConfig{Name: "till-1"}), bpos1.TerminalConfig{Journal: j})
	if err != nil {
		t.Fatal(err)
	}
	_, err = term.Purchase(t.Context(), payment.Request{TransactionID: "lost", Amount: 100})
	if !errors.Is(err, payment.ErrOutcomeUnknown) {
		t.Fatalf("lost answer: %v, want unknown outcome", err)
	}
	a.Close()
	// the same terminal (same journal key) on a new link
	c, d := transporttest.Pipe()
	defer c.Close()
	served := make(chan error, 1)
	go func() { served <- srv.ServeConn(context.Background(), d) }()
	defer func() { c.Close(); <-served }()
	term, _ = bpos1.NewWireTerminal(bpos1.NewWireClient(c, bpos1.WireConfig{Name: "till-1"}), bpos1.TerminalConfig{Journal: j})
	res, err := term.Purchase(t.Context(), payment.Request{TransactionID: "next", Amount: 200})
	if err != nil || !res.Approved {
		t.Fatalf("next purchase held up: %+v %v", res, err)
	}
	_, err = term.Purchase(t.Context(), payment.Request{TransactionID: "lost", Amount: 100})
	wantCode(t, err, payment.CodeAskBank, payment.ErrLink)
	if !errors.Is(err, payment.ErrAskBank) || srv.Calls("Purchase") != 1 {
		t.Fatalf("%v; %d purchases on the terminal", err, srv.Calls("Purchase"))
	}
	e, _, _ := j.Get(t.Context(), "lost")
	if e.State != journal.StateUnknown || e.Refs[journal.RefAskBank] == "" {
		t.Fatalf("entry %+v", e)
	}
}
