package bposlight_test

import (
	"context"
	"fmt"
	"time"

	"github.com/uapos/uapos/bposlight"
	"github.com/uapos/uapos/payment"
	"github.com/uapos/uapos/simulators/bposlightsim"
	"github.com/uapos/uapos/transport/transporttest"
)

// A purchase through payment.Terminal against the simulator: PUR, then the mandatory CON.
func ExampleTerminal_Purchase() {
	sim := bposlightsim.New(bposlightsim.Config{})
	defer sim.Close()
	ecr, dev := transporttest.Pipe()
	defer ecr.Close()
	go sim.ServeConn(context.Background(), dev)

	term, err := bposlight.NewTerminal(bposlight.New(ecr, bposlight.Config{}), bposlight.TerminalConfig{Bank: payment.BankPivdennyi})
	if err != nil {
		panic(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res, err := term.Purchase(ctx, payment.Request{TransactionID: "order-42", Amount: 12550})
	if err != nil {
		panic(err)
	}
	fmt.Println(res.Approved, res.Amount, res.Invoice, res.MerchantID, res.TerminalID, res.PAN)
	// Output:
	// true 125.50 1 BANK 12123123 4731*9838
}

// The wire form of a request, as the spec's examples write it.
func ExampleAppendFrame() {
	m, _ := bposlight.PurchaseRequest{Amount: 10, Merchant: bposlight.Merchant{MID: "BANK"}, ServiceID: "1234"}.Message()
	frame, _ := bposlight.AppendFrame(nil, m)
	fmt.Printf("%q\n", frame)
	// Output:
	// "\x02\x00'REQ=PUR;AMOUNT=10;MID=BANK;SERVID=1234;A"
}
