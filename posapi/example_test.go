package posapi_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/uapos/uapos/payment"
	"github.com/uapos/uapos/posapi"
	"github.com/uapos/uapos/simulators/posapisim"
)

// Example drives a POSAPI terminal through payment.Terminal. With a real terminal the
// library is the vendor's, loaded at run time:
//
//	lib, err := posapi.Load("/opt/printec/libpos.so", posapi.LoadOptions{})
//
// Here the simulator stands in for it.
func Example() {
	lib := posapisim.New(posapisim.Config{})
	client, err := posapi.New(lib, posapi.Config{Port: "127.0.0.1:2000"})
	if err != nil {
		panic(err)
	}
	term, err := posapi.NewTerminal(client, posapi.TerminalConfig{Bank: payment.BankRaiffeisen})
	if err != nil {
		panic(err)
	}
	ctx := context.Background()

	res, err := term.Purchase(ctx, payment.Request{TransactionID: "order-1", Amount: 12345})
	if err != nil {
		panic(err)
	}
	fmt.Println(res.Approved, res.Amount, res.PAN, res.Invoice)

	_, err = term.Cancel(ctx, payment.Request{TransactionID: "order-1-void", Invoice: res.Invoice})
	fmt.Println("cancel:", err)

	_, err = term.Cancel(ctx, payment.Request{TransactionID: "order-1-void-again", Invoice: res.Invoice})
	var pe *payment.Error
	if errors.As(err, &pe) {
		fmt.Println(pe.Code, pe.Ukrainian())
	}
	// Output:
	// true 123.45 4731XXXXXXXX9838 000001
	// cancel: <nil>
	// 5024 Повідомлення від банку: ОПЕРАЦІЮ НЕ ЗНАЙДЕНО Статус: 1 Код відповіді банку:
}
