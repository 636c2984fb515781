package stxlink

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/uapos/uapos/transport/transporttest"
)

// lateCtx is a context caught between its deadline and its own timer: the deadline has
// passed, but Done is not closed and Err is nil yet.
type lateCtx struct{ context.Context }

func (lateCtx) Deadline() (time.Time, bool) { return time.Now().Add(-time.Millisecond), true }

func newLateCtx() lateCtx { return lateCtx{context.Background()} }

// A deadline that has passed before the write: nothing goes out, and the error says so
// (ErrNotSent) and carries context.DeadlineExceeded although ctx.Err() is still nil.
func TestSendDeadlinePassedNothingSent(t *testing.T) {
	a, b := transporttest.Pipe()
	defer b.Close()
	err := NewLink(a, Config{}).Send(newLateCtx(), []byte("REQ=SET;MID=BANK;"))
	if !errors.Is(err, ErrNotSent) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want ErrNotSent and context.DeadlineExceeded", err)
	}
	a.Close()
	if got, _ := io.ReadAll(b); len(got) != 0 {
		t.Fatalf("the peer got % x", got)
	}
}

// A frame read after ctx's deadline passed (its timer not fired) is still ACKed and
// returned: the frame is taken, so the peer must not be left to resend it.
func TestReceiveACKsAfterDeadline(t *testing.T) {
	a, b := transporttest.Pipe()
	defer b.Close()
	if _, err := b.Write(respCon); err != nil {
		t.Fatal(err)
	}
	data, err := NewLink(a, Config{}).Receive(newLateCtx())
	if err != nil || string(data) != "RESP=CON;RC=0000;" {
		t.Fatalf("Receive = %q, %v", data, err)
	}
	a.Close()
	if got, _ := io.ReadAll(b); !bytes.Equal(got, []byte{ACK}) {
		t.Fatalf("the peer got % x, want the ACK", got)
	}
}

// ctx's deadline ends the wait for the ACK: Send returns the deadline (also when the
// connection's read deadline fires before ctx's timer) and writes no EOT of its own; the
// link's no-ACK EOT is for its own ACK timeout only. The caller decides the abort.
func TestSendACKWaitEndedByDeadline(t *testing.T) {
	for i := range 100 {
		a, b := transporttest.Pipe()
		ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
		err := NewLink(a, Config{}).Send(ctx, []byte("REQ=SET;MID=BANK;"))
		cancel()
		a.Close()
		got, _ := io.ReadAll(b)
		b.Close()
		if errors.Is(err, ErrNotSent) {
			continue // the deadline came before the write
		}
		if !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, ErrNoACK) {
			t.Fatalf("run %d: err = %v, want context.DeadlineExceeded, not ErrNoACK", i, err)
		}
		if !bytes.Equal(got, setFrame) {
			t.Fatalf("run %d: the peer got % x, want only the frame", i, got)
		}
	}
}
