package bpos1_test

import (
	"context"
	"fmt"

	"github.com/uapos/uapos/bpos1"
	"github.com/uapos/uapos/payment"
	"github.com/uapos/uapos/simulators/bpos1sim"
	"github.com/uapos/uapos/transport"
)

// A purchase through payment.Terminal, against the in-process library simulator. With
// the vendor library, replace the simulator by vendorlib.Open(vendorlib.Config{Path: ...}).
func Example() {
	ctx := context.Background()
	lib := bpos1sim.NewLibrary(bpos1sim.Config{})
	c, err := bpos1.New(lib, bpos1.Config{PollInterval: -1})
	if err != nil {
		panic(err)
	}
	if err := c.OpenTCP(ctx, "127.0.0.1", "2000"); err != nil {
		panic(err)
	}
	term, err := bpos1.NewTerminal(c, bpos1.TerminalConfig{Bank: payment.BankOschad})
	if err != nil {
		panic(err)
	}
	res, err := term.Purchase(ctx, payment.Request{TransactionID: "order-1", Amount: 12345})
	if err != nil {
		panic(err)
	}
	fmt.Println(res.Approved, res.Amount, res.Invoice, res.PAN)
	// Output: true 123.45 1 4731XXXXXXXX9838
}

// Building and reading frames of the provisional native wire.
func ExampleAppendFrame() {
	frame, _ := bpos1.AppendFrame(nil, bpos1.PurchaseRequest(100, 1), nil)
	fmt.Printf("%x\n", frame)
	m, order, _ := bpos1.ParseFrame(frame)
	amount, _ := m.Uint(bpos1.TagAmount, order)
	fmt.Println(amount)
	// Output:
	// 02003000000001000000040000000100000002000000040000000100000021000000040000000100000003000000040000006444
	// 100
}

// A purchase over the provisional native wire, against the wire simulator on loopback.
// Ending ctx during the card wait would put the abort on the wire.
func ExampleNewWireTerminal() {
	ctx := context.Background()
	sim := bpos1sim.New(bpos1sim.Config{})
	defer sim.Close()
	addr, err := sim.ListenTCP("127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	conn, err := transport.Open(ctx, "tcp://"+addr)
	if err != nil {
		panic(err)
	}
	defer conn.Close()
	wc := bpos1.NewWireClient(conn, bpos1.WireConfig{Name: "till-1"})
	term, err := bpos1.NewWireTerminal(wc, bpos1.TerminalConfig{Bank: payment.BankOschad})
	if err != nil {
		panic(err)
	}
	res, err := term.Purchase(ctx, payment.Request{TransactionID: "order-2", Amount: 5000})
	if err != nil {
		panic(err)
	}
	fmt.Println(res.Approved, res.Amount, res.Invoice, res.PaymentSystem, term.Key())
	// Output: true 50.00 1 VISA bpos1:till-1
}
