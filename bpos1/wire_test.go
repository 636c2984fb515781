package bpos1_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/uapos/uapos/bpos1"
	"github.com/uapos/uapos/transport"
	"github.com/uapos/uapos/transport/transporttest"
)

// peer is a scripted terminal on the far end of a pipe, speaking hand-written bytes.
type peer struct {
	t *testing.T
	c transport.Conn
}

func (p peer) expect(want []byte) {
	p.t.Helper()
	got := make([]byte, len(want))
	if _, err := io.ReadFull(p.c, got); err != nil {
		p.t.Errorf("peer read: %v", err)
		return
	}
	if !bytes.Equal(got, want) {
		p.t.Errorf("peer got %x, want %x", got, want)
	}
}

func (p peer) send(b []byte) {
	if _, err := p.c.Write(b); err != nil {
		p.t.Errorf("peer write: %v", err)
	}
}

// runPeer runs script on b in a goroutine; the returned func waits for it.
func runPeer(t *testing.T, b transport.Conn, script func(p peer)) (wait func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		script(peer{t, b})
	}()
	return func() { <-done }
}

var (
	ackB = []byte{0x06}
	eotB = []byte{0x04}
)

// TestWirePurchaseScript drives a purchase over the wire against the hand-written frames:
// request, ACK, status frame, ACK, answer, ACK, confirm frame, ACK.
func TestWirePurchaseScript(t *testing.T) {
	req := loadGolden(t, "testdata/golden/requests.txt")
	rep := loadGolden(t, "testdata/golden/replies.txt")
	a, b := transporttest.Pipe()
	defer a.Close()
	defer b.Close()
	wl := bpos1.NewWireLib(a, bpos1.WireConfig{})
	defer wl.Close()
	c, _ := bpos1.New(wl, bpos1.Config{PollInterval: -1})

	sawStatus := make(chan bpos1.Status, 1)
	wait := runPeer(t, b, func(p peer) {
		p.expect(req["purchase-100-m1"])
		p.send(ackB)
		p.send(rep["status-auth"])
		p.expect(ackB)
		<-sawStatus // the answer comes once the client has reported the progress
		p.send(rep["purchase-ok"])
		p.expect(ackB)
		p.expect(req["confirm"])
		p.send(ackB)
	})
	var st bpos1.Status
	txn, err := c.Purchase(bpos1.WithProgress(t.Context(), func(s bpos1.Status) {
		st = s
		select {
		case sawStatus <- s:
		default:
		}
	}), 100, 0, 1)
	wait()
	if err != nil {
		t.Fatal(err)
	}
	if st.Code != bpos1.StatusAuthorization || st.Text != "AUTH" {
		t.Fatalf("status %+v", st)
	}
	if txn.Amount != 100 || txn.InvoiceNum != 7 || txn.RRN != "123456789012" || txn.TxnType != bpos1.TxnPurchase || txn.Receipt != "" {
		t.Fatalf("txn %+v", txn)
	}
	m, order := wl.LastReply()
	if v, ok := m.Get(99); !ok || len(v) != 2 || order == nil {
		t.Fatal("unknown tag 99 not kept in LastReply")
	}
}

// TestWireDecline: a non-zero tag 14 is a terminal decline; nothing is confirmed.
func TestWireDecline(t *testing.T) {
	req := loadGolden(t, "testdata/golden/requests.txt")
	rep := loadGolden(t, "testdata/golden/replies.txt")
	a, b := transporttest.Pipe()
	defer a.Close()
	defer b.Close()
	wl := bpos1.NewWireLib(a, bpos1.WireConfig{})
	defer wl.Close()
	c, _ := bpos1.New(wl, bpos1.Config{PollInterval: -1})
	wait := runPeer(t, b, func(p peer) {
		p.expect(req["purchase-100-m1"])
		p.send(ackB)
		p.send(rep["purchase-declined"])
		p.expect(ackB)
	})
	_, err := c.Purchase(t.Context(), 100, 0, 1)
	wait()
	var re *bpos1.ResultError
	if !errors.As(err, &re) || re.ResponseCode != 51 || re.Description != "DECLINED" || !re.Declined() {
		t.Fatalf("error %v", err)
	}
}

// TestWireCancel: ctx cancellation sends EOT; the terminal's EOT ends the operation as
// cancelled (1001).
func TestWireCancel(t *testing.T) {
	req := loadGolden(t, "testdata/golden/requests.txt")
	rep := loadGolden(t, "testdata/golden/replies.txt")
	a, b := transporttest.Pipe()
	defer a.Close()
	defer b.Close()
	wl := bpos1.NewWireLib(a, bpos1.WireConfig{})
	defer wl.Close()
	c, _ := bpos1.New(wl, bpos1.Config{PollInterval: -1})
	ctx, cancel := context.WithCancel(t.Context())
	wait := runPeer(t, b, func(p peer) {
		p.expect(req["purchase-100-m1"])
		p.send(ackB)
		p.send(rep["status-auth"])
		p.expect(ackB)
		p.expect(eotB)
		p.send(eotB)
	})
	_, err := c.Purchase(bpos1.WithProgress(ctx, func(bpos1.Status) { cancel() }), 100, 0, 1)
	wait()
	var re *bpos1.ResultError
	if !errors.As(err, &re) || re.ResponseCode != bpos1.RCCancelledByUser {
		t.Fatalf("error %v, want response code 1001", err)
	}
}

// TestWireUnsupported: what the wire has no frame for is ECRC 8 / ErrNotSupported.
func TestWireUnsupported(t *testing.T) {
	a, b := transporttest.Pipe()
	defer a.Close()
	defer b.Close()
	c, _ := bpos1.New(bpos1.NewWireLib(a, bpos1.WireConfig{}), bpos1.Config{PollInterval: -1})
	if _, err := c.LastTxn(t.Context()); !errors.Is(err, bpos1.ErrNotSupported) {
		t.Fatalf("LastTxn: %v", err)
	}
	if _, err := c.Receipt(t.Context()); !errors.Is(err, bpos1.ErrNotSupported) {
		t.Fatalf("Receipt: %v", err)
	}
}

func TestIdentify(t *testing.T) {
	req := loadGolden(t, "testdata/golden/requests.txt")
	a, b := transporttest.Pipe()
	defer a.Close()
	defer b.Close()
	wait := runPeer(t, b, func(p peer) {
		p.expect(req["ping"])
		p.send(ackB)
		// 1=11, 14=0, little-endian, LRC 04 (by hand: 01^04^0b ^ 0e^04^00)
		p.send([]byte{0x02, 0x00, 0x18, 1, 0, 0, 0, 4, 0, 0, 0, 0x0b, 0, 0, 0, 0x0e, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0x04})
		p.expect(ackB)
	})
	desc, err := bpos1.Identify(t.Context(), a)
	wait()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(desc, "BPOS1") || !strings.Contains(desc, "little-endian") {
		t.Fatalf("identify %q", desc)
	}
}

func TestIdentifyNoAnswer(t *testing.T) {
	a, b := transporttest.Pipe()
	defer a.Close()
	b.Close() // nobody there: EOF
	if _, err := bpos1.Identify(t.Context(), a); err == nil {
		t.Fatal("identified a closed link")
	}
}

// TestWireCancelNoAnswer: a terminal that ignores the abort leaves the outcome unknown
// (LastErrorCode 3) after the ACK window, instead of blocking until the reply timeout.
func TestWireCancelNoAnswer(t *testing.T) {
	req := loadGolden(t, "testdata/golden/requests.txt")
	rep := loadGolden(t, "testdata/golden/replies.txt")
	a, b := transporttest.Pipe()
	defer a.Close()
	defer b.Close()
	wl := bpos1.NewWireLib(a, bpos1.WireConfig{ACKTimeout: 20 * time.Millisecond})
	defer wl.Close()
	c, _ := bpos1.New(wl, bpos1.Config{PollInterval: time.Millisecond})
	ctx, cancel := context.WithCancel(t.Context())
	wait := runPeer(t, b, func(p peer) {
		p.expect(req["purchase-100-m1"])
		p.send(ackB)
		p.send(rep["status-auth"])
		p.expect(ackB)
		p.expect(eotB) // and no answer
	})
	_, err := c.Purchase(bpos1.WithProgress(ctx, func(bpos1.Status) { cancel() }), 100, 0, 1)
	wait()
	var re *bpos1.ResultError
	if !errors.As(err, &re) || re.ErrorCode != bpos1.ErrCodeConnect {
		t.Fatalf("error %v, want LastErrorCode 3", err)
	}
}
