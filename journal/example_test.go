package journal_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/uapos/uapos/journal"
	"github.com/uapos/uapos/payment"
)

// The store by hand: the intent is written before the wire exchange, the outcome after it,
// and the entry is read back by the caller's transaction id. Adapters do this through a
// [journal.Ledger]; a support tool reads the file the same way.
func ExampleOpenSQLite() {
	dir, err := os.MkdirTemp("", "journal-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)

	j, err := journal.OpenSQLite(filepath.Join(dir, "uapos-journal.db"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer j.Close()

	ctx := context.Background()
	const terminal = "privatjson:tcp://127.0.0.1:2000"
	req := payment.Request{TransactionID: "sale-42", Amount: 12345}

	// Before the request goes to the terminal.
	err = j.Begin(ctx, journal.Entry{TransactionID: req.TransactionID, Terminal: terminal, Operation: payment.OpPurchase, Request: req})
	if err != nil {
		fmt.Println(err)
		return
	}

	// After the terminal answered: the outcome, and the receipt it claims.
	res := &payment.Result{Operation: payment.OpPurchase, TransactionID: req.TransactionID, Approved: true,
		ResponseCode: "0000", RRN: "512345678901", AuthCode: "A1B2C3", PAN: "4731XXXXXXXX9838", Amount: 12345}
	err = j.Finish(ctx, req.TransactionID, journal.Outcome{State: journal.StateApproved, Result: res,
		Claims: journal.ReceiptKeys(terminal, res)})
	if err != nil {
		fmt.Println(err)
		return
	}

	e, ok, err := j.Get(ctx, "sale-42")
	if err != nil || !ok {
		fmt.Println(ok, err)
		return
	}
	fmt.Println(e.State, e.Operation, e.Request.Amount, e.State.Final())
	fmt.Println(e.Result.RRN, e.Result.PAN)

	// The receipt belongs to this entry, and the id cannot be begun again.
	holder, _, _ := j.Claimant(ctx, journal.ReceiptKeys(terminal, res)[0])
	fmt.Println("receipt held by", holder)
	err = j.Begin(ctx, journal.Entry{TransactionID: "sale-42", Terminal: terminal, Operation: payment.OpPurchase, Request: req})
	fmt.Println(errors.Is(err, journal.ErrDuplicateTransaction))
	// Output:
	// approved purchase 123.45 true
	// 512345678901 4731XXXXXXXX9838
	// receipt held by sale-42
	// true
}

// A retry with the same transaction id returns the recorded outcome without a second wire
// exchange, so a lost reply never charges the card twice; the same id with another amount is
// refused with code 7001.
func ExampleLedger_Run() {
	ctx := context.Background()
	l := &journal.Ledger{Journal: journal.NewMemory(), Terminal: "privatjson:tcp://127.0.0.1:2000"}

	runs := 0
	exchange := func(context.Context) (*payment.Result, error) {
		runs++ // a real exchange talks to the terminal here
		return &payment.Result{Operation: payment.OpPurchase, Approved: true, ResponseCode: "0000",
			RRN: "512345678901", PAN: "4731XXXXXXXX9838", Amount: 12345}, nil
	}
	req := payment.Request{TransactionID: "sale-42", Amount: 12345}

	res, err := l.Run(ctx, payment.OpPurchase, req, exchange)
	fmt.Println(res.Approved, res.Amount, res.TransactionID, err)

	// The caller did not see the answer and asks again with the same id.
	res, err = l.Run(ctx, payment.OpPurchase, req, exchange)
	fmt.Println(res.Approved, res.RRN, err)
	fmt.Println("exchanges run:", runs)

	// The same id for another sale.
	other := payment.Request{TransactionID: "sale-42", Amount: 50000}
	_, err = l.Run(ctx, payment.OpPurchase, other, exchange)
	fmt.Println(payment.ErrorCode(err), errors.Is(err, payment.ErrProtocol))
	fmt.Println("exchanges run:", runs)
	// Output:
	// true 123.45 sale-42 <nil>
	// true 512345678901 <nil>
	// exchanges run: 1
	// 7001 true
	// exchanges run: 1
}
