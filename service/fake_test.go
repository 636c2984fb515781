package service

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/uapos/uapos/adapter"
	"github.com/uapos/uapos/journal"
	"github.com/uapos/uapos/payment"
)

// fakeBank is a terminal and its bank in one: it records what the bank saw (the charge
// ledger), can lose the reply of an exchange that happened, can hold an exchange until
// released or aborted, and answers the ledger's reconciliation from its last transaction.
type fakeBank struct {
	mu        sync.Mutex
	seq       int
	purchases int // approved purchases the bank saw
	refunds   int
	cancels   int
	aborts    int // exchanges aborted by a cancelled context
	last      *payment.Result
	loseNext  bool          // the next money exchange happens and its reply is lost
	hold      chan struct{} // when not nil, purchases wait for it to close (or the context)
	started   chan struct{} // receives one value when a held purchase starts
	opens     int           // times the terminal was opened
	closes    int
	failOpen  int // the next failOpen opens fail
	linkDown  bool
}

func newFakeBank() *fakeBank { return &fakeBank{started: make(chan struct{}, 16)} }

func (b *fakeBank) counts() (purchases, refunds, cancels, aborts int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.purchases, b.refunds, b.cancels, b.aborts
}

func (b *fakeBank) exchange(ctx context.Context, op payment.Operation, req payment.Request) (*payment.Result, error) {
	b.mu.Lock()
	hold := b.hold
	down := b.linkDown
	b.mu.Unlock()
	if down {
		return nil, &payment.Error{Code: payment.CodeConnectFailed, Kind: payment.ErrLink, Args: []string{"fake", "link down"}}
	}
	req.Send(payment.Event{Code: 1, Text: "insert card"})
	req.Send(payment.Event{Code: 2, Text: "enter PIN"})
	if hold != nil && op == payment.OpPurchase {
		b.started <- struct{}{}
		select {
		case <-hold:
		case <-ctx.Done():
			b.mu.Lock()
			b.aborts++
			b.mu.Unlock()
			return nil, &payment.Error{Code: payment.CodeUserCancelled, DeviceText: "aborted by the caller", Err: ctx.Err()}
		}
	}
	req.Send(payment.Event{Code: 3, Text: "host"})
	if op == payment.OpPurchase && req.Amount == 5 { // 0.05 declines, as the simulators' table
		res := &payment.Result{Operation: op, Approved: false, ResponseCode: "05", ResponseText: "DECLINED", Amount: req.Amount}
		return res, &payment.Error{Code: payment.CodeEMVDecline, ResponseCode: "05", DeviceText: "EMV Decline"}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.seq++
	res := &payment.Result{
		Operation: op, Approved: true, ResponseCode: "00", ResponseText: "APPROVED",
		RRN: fmt.Sprintf("%012d", 500000+b.seq), AuthCode: fmt.Sprintf("A%05d", b.seq), Invoice: fmt.Sprintf("%06d", b.seq),
		PAN: "4731XXXXXXXX9838", PaymentSystem: "VISA", AcquirerBank: "ПриватБанк", TerminalID: "T0000001", MerchantID: "M000000001",
		Amount: req.Amount, Time: time.Date(2025, 4, 22, 12, 0, b.seq, 0, time.UTC), Receipt: "ЧЕК\nVISA 4731XXXXXXXX9838\nСУМА " + req.Amount.String(),
	}
	switch op {
	case payment.OpPurchase, payment.OpPurchaseCashback:
		b.purchases++
	case payment.OpRefund:
		b.refunds++
	case payment.OpCancel:
		b.cancels++
	}
	last := *res
	b.last = &last
	if b.loseNext {
		b.loseNext = false
		return nil, &payment.Error{Code: payment.CodeInternal, Kind: payment.ErrLink, DeviceText: "Connection Closed Gracefully"}
	}
	return res, nil
}

// reconcile answers the ledger from the terminal's last transaction, matched by likeness.
func (b *fakeBank) reconcile(ctx context.Context, e journal.Entry) (*journal.Evidence, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.last != nil && b.last.Operation == e.Operation && b.last.Amount == e.Request.Amount {
		r := *b.last
		return &journal.Evidence{Result: &r}, nil
	}
	return nil, &payment.Error{Code: payment.CodeOperationNotFound}
}

// fakeTerminal is a payment.Terminal on the adapter base, as the protocol adapters are.
type fakeTerminal struct {
	*adapter.Base[*fakeBank]
	bank *fakeBank
}

func newFakeTerminal(b *fakeBank, j journal.Journal, key string, bank payment.Bank, proto payment.Protocol) (*fakeTerminal, error) {
	t := &fakeTerminal{bank: b}
	base, err := adapter.New(b, adapter.Config{Bank: bank, Journal: j, Key: key}, adapter.Spec{Protocol: proto, DefaultBank: bank, KeyPrefix: "fake", Reconcile: b.reconcile})
	if err != nil {
		return nil, err
	}
	t.Base = base
	return t, nil
}

func (t *fakeTerminal) money(ctx context.Context, op payment.Operation, req payment.Request) (*payment.Result, error) {
	return t.Money(ctx, op, req, func(ctx context.Context) (*payment.Result, error) { return t.bank.exchange(ctx, op, req) })
}

func (t *fakeTerminal) Purchase(ctx context.Context, req payment.Request) (*payment.Result, error) {
	return t.money(ctx, payment.OpPurchase, req)
}

func (t *fakeTerminal) Refund(ctx context.Context, req payment.Request) (*payment.Result, error) {
	return t.money(ctx, payment.OpRefund, req)
}

func (t *fakeTerminal) Cancel(ctx context.Context, req payment.Request) (*payment.Result, error) {
	return t.money(ctx, payment.OpCancel, req)
}

func (t *fakeTerminal) PurchaseCashback(ctx context.Context, req payment.Request) (*payment.Result, error) {
	return t.money(ctx, payment.OpPurchaseCashback, req)
}

func (t *fakeTerminal) totals(ctx context.Context, op payment.Operation) (*payment.Result, error) {
	leave, err := t.Enter(ctx, op)
	if err != nil {
		return nil, err
	}
	defer leave()
	b := t.bank
	b.mu.Lock()
	defer b.mu.Unlock()
	tot := &payment.Totals{Batch: "1", PurchaseCount: b.purchases, RefundCount: b.refunds, CancelCount: b.cancels}
	if op == payment.OpCloseBatch {
		b.purchases, b.refunds, b.cancels = 0, 0, 0
	}
	return &payment.Result{Operation: op, Approved: true, Totals: tot}, nil
}

func (t *fakeTerminal) XReport(ctx context.Context, req payment.Request) (*payment.Result, error) {
	return t.totals(ctx, payment.OpXReport)
}

func (t *fakeTerminal) CloseBatch(ctx context.Context, req payment.Request) (*payment.Result, error) {
	return t.totals(ctx, payment.OpCloseBatch)
}

func (t *fakeTerminal) Ping(ctx context.Context) error {
	leave, err := t.EnterService(ctx, payment.SvcPing, true)
	if err != nil {
		return err
	}
	leave()
	return nil
}

func (t *fakeTerminal) Merchants(ctx context.Context) ([]payment.Merchant, error) {
	return []payment.Merchant{{Index: "1", Name: "ФОП Тест", MerchantID: "M000000001", TerminalID: "T0000001"}}, nil
}

func (t *fakeTerminal) LastTransaction(ctx context.Context) (*payment.Result, error) {
	t.bank.mu.Lock()
	defer t.bank.mu.Unlock()
	if t.bank.last == nil {
		return nil, &payment.Error{Code: payment.CodeOperationNotFound}
	}
	r := *t.bank.last
	return &r, nil
}

// device returns the service's view of the terminal: opened through Open, which counts.
func (b *fakeBank) device(name string, j journal.Journal, bank payment.Bank, proto payment.Protocol) TerminalDevice {
	caps, _ := payment.Capabilities(bank, proto)
	return TerminalDevice{Name: name, Protocol: "fake", Caps: caps, JournalKey: "fake:" + name,
		Open: func(ctx context.Context) (payment.Terminal, io.Closer, error) {
			b.mu.Lock()
			b.opens++
			fail := b.failOpen > 0
			if fail {
				b.failOpen--
			}
			b.mu.Unlock()
			if fail {
				return nil, nil, fmt.Errorf("dial tcp 127.0.0.1:1: connection refused")
			}
			t, err := newFakeTerminal(b, j, "fake:"+name, bank, proto)
			return t, closerFunc(func() error { b.mu.Lock(); b.closes++; b.mu.Unlock(); return nil }), err
		}}
}

type closerFunc func() error

func (f closerFunc) Close() error { return f() }
