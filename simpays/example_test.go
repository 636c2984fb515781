package simpays_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/uapos/uapos/payment"
	"github.com/uapos/uapos/simpays"
)

// A SimPays terminal can be listed with the others, but every operation explains why it
// cannot run.
func Example() {
	term, err := simpays.New(simpays.Config{Bank: payment.BankSense})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(term.Capabilities())
	_, err = term.Purchase(context.Background(), payment.Request{TransactionID: "1", Amount: 1000})
	fmt.Println(payment.ErrorCode(err), errors.Is(err, payment.ErrNotSupported), errors.Is(err, simpays.ErrWireUnknown))
	// Output:
	// Sense Bank (SimPays KKM)
	// 5029 true true
}
