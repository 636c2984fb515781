package ssijson_test

import (
	"context"
	"fmt"
	"net"
	"strconv"

	"github.com/uapos/uapos/payment"
	"github.com/uapos/uapos/simulators/privatsim"
	"github.com/uapos/uapos/ssijson"
)

// A bank app of an SSI JSON terminal listens on its own port; pay through payment.Terminal.
func Example() {
	sim := privatsim.New(privatsim.Config{})
	defer sim.Close()
	addr, _ := sim.ListenTCP("")
	host, p, _ := net.SplitHostPort(addr)
	port, _ := strconv.Atoi(p)
	ctx := context.Background()
	c, err := ssijson.Open(ctx, host, port, ssijson.Config{PingPause: -1})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	term, _ := ssijson.NewTerminal(c, ssijson.TerminalConfig{})
	res, err := term.Purchase(ctx, payment.Request{TransactionID: "sale-1", Amount: 500})
	fmt.Println(term.Capabilities(), res.Approved, res.Amount, err)
	// Output:
	// SSI JSON true 5.00 <nil>
}
