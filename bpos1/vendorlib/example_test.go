package vendorlib_test

import (
	"context"
	"fmt"

	"github.com/uapos/uapos/bpos1"
	"github.com/uapos/uapos/bpos1/vendorlib"
	"github.com/uapos/uapos/payment"
)

// Driving a terminal through the vendor library installed on the machine (not run: it
// needs the library and a terminal).
func Example() {
	ctx := context.Background()
	lib, err := vendorlib.Open(vendorlib.Config{Path: "/usr/lib/libcBPOSLib.so"})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer lib.Close()
	c, err := bpos1.New(lib, bpos1.Config{Name: "tcp:127.0.0.1:2100"})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := c.OpenTCP(ctx, "127.0.0.1", "2100"); err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	term, err := bpos1.NewTerminal(c, bpos1.TerminalConfig{Bank: payment.BankOschad})
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := term.Purchase(ctx, payment.Request{TransactionID: "order-1", Amount: 12345})
	fmt.Println(res, err)
}
