package privatjson_test

import (
	"context"
	"fmt"

	"github.com/uapos/uapos/payment"
	"github.com/uapos/uapos/privatjson"
	"github.com/uapos/uapos/simulators/privatsim"
	"github.com/uapos/uapos/transport"
)

// The handshake frame of spec §2: PingDevice with an extra leading 0x00.
func ExampleAppendHandshake() {
	fmt.Printf("% x\n", privatjson.AppendHandshake(nil)[:8])
	fmt.Printf("%q\n", privatjson.AppendHandshake(nil))
	// Output:
	// 00 7b 22 6d 65 74 68 6f
	// "\x00{\"method\":\"PingDevice\",\"step\":0}\x00"
}

// A purchase through payment.Terminal against the simulator: open with the spec's connection
// scheme, then pay under the journal.
func Example() {
	sim := privatsim.New(privatsim.Config{})
	defer sim.Close()
	addr, _ := sim.ListenTCP("") // a real terminal listens on port 2000
	ctx := context.Background()
	dial := func(ctx context.Context) (transport.Conn, error) { return transport.Open(ctx, "tcp://"+addr) }
	c, err := privatjson.Open(ctx, dial, privatjson.Config{PingPause: -1})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	fmt.Println("terminal:", c.Identity())
	term, _ := privatjson.NewTerminal(c, privatjson.TerminalConfig{})
	res, err := term.Purchase(ctx, payment.Request{TransactionID: "sale-1", Amount: 1234})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Approved, res.Amount, res.PAN, res.PaymentSystem)
	// Output:
	// terminal: PAX s800
	// true 12.34 4731XXXXXXXX9838 VISA
}
