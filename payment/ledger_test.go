package payment

import (
	"context"
	"errors"
	"io"
	"sync"
	"testing"
)

// fakeBank is a terminal's memory of what it did, as a reconcile query sees it.
type fakeBank struct {
	mu      sync.Mutex
	charged map[string]int // transaction id -> times charged
}

func (b *fakeBank) charge(id string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.charged == nil {
		b.charged = map[string]int{}
	}
	b.charged[id]++
}

func (b *fakeBank) reconcile(_ context.Context, e Entry) (*Result, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.charged[e.TransactionID] > 0 {
		return &Result{Approved: true, Amount: e.Request.Amount, RRN: "R-" + e.TransactionID}, nil
	}
	return nil, &Error{Code: CodeOperationNotFound}
}

func TestLedgerLostReplyChargesOnce(t *testing.T) {
	bank := &fakeBank{}
	j := NewMemoryJournal()
	l := &Ledger{Journal: j, Terminal: "t", Reconcile: bank.reconcile}
	req := Request{TransactionID: "sale-1", Amount: 1000}
	ctx := context.Background()

	// The terminal charges, but the reply is lost on the way back.
	_, err := l.Run(ctx, OpPurchase, req, func(context.Context) (*Result, error) {
		bank.charge("sale-1")
		return nil, io.ErrUnexpectedEOF
	})
	if !errors.Is(err, ErrOutcomeUnknown) || !errors.Is(err, ErrLink) {
		t.Fatalf("lost reply: err = %v, want outcome unknown (link)", err)
	}
	if e, _, _ := j.Get("sale-1"); e.State != StateUnknown {
		t.Fatalf("state = %s, want unknown", e.State)
	}

	// The retry with the same id reconciles and never reaches the exchange.
	res, err := l.Run(ctx, OpPurchase, req, func(context.Context) (*Result, error) {
		t.Fatal("retry went to the wire")
		return nil, nil
	})
	if err != nil || !res.Approved || res.RRN != "R-sale-1" {
		t.Fatalf("retry = %+v, %v", res, err)
	}
	if bank.charged["sale-1"] != 1 {
		t.Fatalf("charged %d times", bank.charged["sale-1"])
	}
	// And once more: the recorded outcome comes back.
	res, err = l.Run(ctx, OpPurchase, req, nil)
	if err != nil || res.RRN != "R-sale-1" {
		t.Fatalf("third call = %+v, %v", res, err)
	}
}

func TestLedgerReconcileNotDoneThenRuns(t *testing.T) {
	bank := &fakeBank{}
	l := &Ledger{Terminal: "t", Reconcile: bank.reconcile}
	ctx := context.Background()
	req := Request{TransactionID: "s2", Amount: 10}
	l.Run(ctx, OpPurchase, req, func(context.Context) (*Result, error) { return nil, io.EOF }) // lost before the terminal saw it
	calls := 0
	res, err := l.Run(ctx, OpPurchase, req, func(context.Context) (*Result, error) {
		calls++
		bank.charge("s2")
		return &Result{Approved: true}, nil
	})
	if err != nil || !res.Approved || calls != 1 || bank.charged["s2"] != 1 {
		t.Fatalf("res=%+v err=%v calls=%d charged=%d", res, err, calls, bank.charged["s2"])
	}
}

func TestLedgerUnreachableTerminalBlocksNewOperations(t *testing.T) {
	j := NewMemoryJournal()
	down := &Error{Code: CodeTerminalLink}
	l := &Ledger{Journal: j, Terminal: "t", Reconcile: func(context.Context, Entry) (*Result, error) { return nil, down }}
	ctx := context.Background()
	l.Run(ctx, OpPurchase, Request{TransactionID: "a", Amount: 1}, func(context.Context) (*Result, error) { return nil, io.EOF })
	_, err := l.Run(ctx, OpPurchase, Request{TransactionID: "b", Amount: 1}, func(context.Context) (*Result, error) {
		t.Fatal("a new operation ran while an earlier outcome is unknown")
		return nil, nil
	})
	if !errors.Is(err, ErrLink) {
		t.Fatalf("err = %v", err)
	}
}

func TestLedgerDeclineIsFinal(t *testing.T) {
	l := &Ledger{Terminal: "t"}
	ctx := context.Background()
	req := Request{TransactionID: "d", Amount: 1}
	decline := &Error{Code: CodeEMVDecline, ResponseCode: "1002"}
	_, err := l.Run(ctx, OpPurchase, req, func(context.Context) (*Result, error) { return nil, decline })
	if !errors.Is(err, ErrDeclined) {
		t.Fatal(err)
	}
	_, err = l.Run(ctx, OpPurchase, req, func(context.Context) (*Result, error) {
		t.Fatal("a declined id was sent again")
		return nil, nil
	})
	var pe *Error
	if !errors.As(err, &pe) || pe.Code != CodeEMVDecline || pe.ResponseCode != "1002" {
		t.Fatalf("replayed decline = %v", err)
	}
	// An explicit kind survives the journal too (a host decline reported with DM's 5000).
	hostDecline := &Error{Code: CodeTerminal, Kind: ErrDeclined, ResponseCode: "0051", DeviceText: "ВІДМОВА"}
	l.Run(ctx, OpPurchase, Request{TransactionID: "d2", Amount: 1}, func(context.Context) (*Result, error) { return nil, hostDecline })
	_, err = l.Run(ctx, OpPurchase, Request{TransactionID: "d2", Amount: 1}, nil)
	if !errors.Is(err, ErrDeclined) || ErrorCode(err) != CodeTerminal {
		t.Fatalf("replayed host decline = %v", err)
	}
	// Busy never happened: the same id may run again.
	busyReq := Request{TransactionID: "b", Amount: 1}
	l.Run(ctx, OpPurchase, busyReq, func(context.Context) (*Result, error) { return nil, &Error{Code: CodeBusy} })
	ran := false
	if _, err := l.Run(ctx, OpPurchase, busyReq, func(context.Context) (*Result, error) { ran = true; return &Result{Approved: true}, nil }); err != nil || !ran {
		t.Fatalf("retry after busy: ran=%v err=%v", ran, err)
	}
	// The same id for another operation is refused.
	if _, err := l.Run(ctx, OpRefund, busyReq, nil); !errors.Is(err, ErrDuplicateTransaction) {
		t.Fatalf("id reuse across operations = %v", err)
	}
	if _, err := l.Run(ctx, OpPurchase, Request{}, nil); !errors.Is(err, ErrNoTransactionID) {
		t.Fatalf("no id = %v", err)
	}
}

func TestClassify(t *testing.T) {
	cases := []struct {
		res  *Result
		err  error
		want State
	}{
		{&Result{Approved: true}, nil, StateApproved},
		{&Result{Approved: false}, nil, StateDeclined},
		{nil, &Error{Code: 5002}, StateDeclined},
		{nil, &Error{Code: 1105}, StateFailed},
		{nil, &Error{Code: 5001}, StateFailed},
		{nil, &Error{Code: 5029}, StateFailed},
		{nil, &Error{Code: 5014}, StateUnknown},
		{nil, &Error{Code: 411}, StateUnknown},
		{nil, &Error{Code: 5009}, StateUnknown},
		{nil, context.DeadlineExceeded, StateUnknown},
		{nil, io.EOF, StateUnknown},
	}
	for _, c := range cases {
		if got := Classify(c.res, c.err); got != c.want {
			t.Errorf("Classify(%+v, %v) = %s, want %s", c.res, c.err, got, c.want)
		}
	}
}

func TestGate(t *testing.T) {
	var g Gate
	ctx := context.Background()
	leave, err := g.Enter(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := g.Enter(ctx, false); ErrorCode(err) != CodeBusy || !errors.Is(err, ErrBusy) {
		t.Fatalf("second caller = %v, want 1105 busy", err)
	}
	got := make(chan error)
	go func() {
		l2, err := g.Enter(ctx, true)
		if err == nil {
			l2()
		}
		got <- err
	}()
	leave()
	leave() // leaving twice is harmless
	if err := <-got; err != nil {
		t.Fatalf("waiting caller = %v", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	leave, _ = g.Enter(ctx, false)
	cancel()
	if _, err := g.Enter(cctx, true); !errors.Is(err, ErrBusy) || !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled wait = %v", err)
	}
	leave()
}

// 100 goroutines on one gate: each gets in exactly once, never two at a time.
func TestGateSerialises(t *testing.T) {
	var g Gate
	var mu sync.Mutex
	inside, maxInside, done := 0, 0, 0
	var wg sync.WaitGroup
	for range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			leave, err := g.Enter(context.Background(), true)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			inside++
			if inside > maxInside {
				maxInside = inside
			}
			mu.Unlock()
			mu.Lock()
			inside--
			done++
			mu.Unlock()
			leave()
		}()
	}
	wg.Wait()
	if maxInside != 1 || done != 100 {
		t.Fatalf("max inside %d, done %d", maxInside, done)
	}
}
