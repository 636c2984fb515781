package control_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/uapos/uapos/payment"
	"github.com/uapos/uapos/privatjson"
	"github.com/uapos/uapos/simulators"
	"github.com/uapos/uapos/simulators/control"
	"github.com/uapos/uapos/transport"
)

// A Go test steers a simulator through its Controller: start the PrivatBank JSON terminal
// simulator on loopback, arm a one-shot decline, run two purchases with the real client (the
// first is declined, the second approved: the fault is used up), then read what the bank saw.
func Example() {
	ctx := context.Background()
	r, err := simulators.Start(ctx, simulators.Spec{Name: "privatjson"}) // 127.0.0.1, a free port
	if err != nil {
		fmt.Println(err)
		return
	}
	defer r.Close()
	ctl := r.Controller()

	f, err := control.ParseFault("decline=05", false) // one-shot: the next purchase only
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := ctl.SetFaults(f); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("armed:", ctl.Faults())

	dial := func(ctx context.Context) (transport.Conn, error) { return transport.Open(ctx, "tcp://"+r.Addr()) }
	c, err := privatjson.Open(ctx, dial, privatjson.Config{PingPause: -1})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	term, err := privatjson.NewTerminal(c, privatjson.TerminalConfig{})
	if err != nil {
		fmt.Println(err)
		return
	}

	_, err = term.Purchase(ctx, payment.Request{TransactionID: "sale-1", Amount: 1234})
	var pe *payment.Error
	if errors.As(err, &pe) {
		fmt.Println("declined:", errors.Is(err, payment.ErrDeclined), pe.Code, pe.ResponseCode)
	}
	res, err := term.Purchase(ctx, payment.Request{TransactionID: "sale-2", Amount: 1234})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("approved:", res.Approved, res.Amount)
	fmt.Println("armed:", ctl.Faults())

	for _, ch := range ctl.Ledger() {
		fmt.Println(ch.Seq, ch.Operation, ch.Amount, ch.Outcome, ch.Code, ch.PAN)
	}
	// Output:
	// armed: [decline=05]
	// declined: true 5015 0005
	// approved: true 12.34
	// armed: []
	// 1 purchase 1234 declined 0005 4731XXXXXXXX9838
	// 2 purchase 1234 approved 0000 4731XXXXXXXX9838
}

// The fault syntax NAME[=VALUE][@N|@sticky]: without "@" a fault is one-shot, unless it is
// parsed as given at start-up (sticky true), as simulators.Spec.Faults are.
func ExampleParseFaults() {
	fs, err := control.ParseFaults([]string{"decline=05@2", "slow=2s@sticky", "busy"}, false)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range fs {
		fmt.Printf("%-16s name=%s value=%q times=%d\n", f, f.Name, f.Value, f.Times)
	}
	startUp, _ := control.ParseFault("busy", true)
	fmt.Println(startUp, startUp.Times == control.Sticky)

	_, err = control.ParseFaults([]string{"Decline"}, false)
	fmt.Println(errors.Is(err, control.ErrSyntax))
	// Output:
	// decline=05@2     name=decline value="05" times=2
	// slow=2s@sticky   name=slow value="2s" times=-1
	// busy             name=busy value="" times=1
	// busy@sticky true
	// true
}
