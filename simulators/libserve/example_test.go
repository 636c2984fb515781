package libserve_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/uapos/uapos/payment"
	"github.com/uapos/uapos/posapi"
	"github.com/uapos/uapos/simulators/control"
	"github.com/uapos/uapos/simulators/libserve"
)

// Serve the POSAPI library simulator on loopback, as `hwprobe sim posapi` does, and run a
// purchase through it with the Go POSAPI driver over [libserve.POSAPIClient]: the same calls
// a fake LIBPOS.SO (cmd/fakelibs) forwards for a program in another language, which finds
// the server in the environment variable [libserve.EnvVar] names.
func Example() {
	ctx := context.Background()
	srv, err := libserve.StartWith(ctx, libserve.KindPOSAPI, "127.0.0.1:0", libserve.SimOptions{AnswerDelay: 0})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	fmt.Println(srv.Kind(), "on loopback:", strings.HasPrefix(srv.Addr(), "127.0.0.1:"))
	fmt.Println("fake library reads", libserve.EnvVar(srv.Kind()))

	lib := libserve.NewPOSAPIClient(srv.Addr(), libserve.ClientConfig{})
	defer lib.Conn().Close()
	client, err := posapi.New(lib, posapi.Config{Port: "127.0.0.1:2000"})
	if err != nil {
		fmt.Println(err)
		return
	}
	term, err := posapi.NewTerminal(client, posapi.TerminalConfig{})
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := term.Purchase(ctx, payment.Request{TransactionID: "order-1", Amount: 12345})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Approved, res.Amount, res.PAN)

	// The simulator behind the server has the suite's control: here, its charge ledger.
	if c, ok := srv.Sim().(interface{ Control() control.Controller }); ok {
		for _, ch := range c.Control().Ledger() {
			fmt.Println(ch.Seq, ch.Operation, ch.Amount, ch.Outcome)
		}
	}
	// Output:
	// posapi on loopback: true
	// fake library reads UAPOS_POSAPI_ADDR
	// true 123.45 4731XXXXXXXX9838
	// 1 purchase 12345 approved
}
