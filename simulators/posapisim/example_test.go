package posapisim_test

import (
	"fmt"

	"github.com/uapos/uapos/simulators/posapisim"
)

// A payment of 12.50 UAH driven through the simulated library the way a C caller drives the
// vendor's: pos_open, pos_set, pos_send(ACTION_PAYMENT), then pos_receive until a final
// response (protocols/posapi.md 1.3-1.4). The symbol values are the library's own.
func Example() {
	l := posapisim.New(posapisim.Config{})
	payment, _ := l.IntSymbol("ACTION_PAYMENT")
	confirm, _ := l.IntSymbol("RESP_CONFIRM")
	identifier, _ := l.IntSymbol("RESP_IDENTIFIER")
	final := map[int]bool{confirm: true}
	for _, name := range []string{"RESP_ERROR", "RESP_BREAK", "RESP_DECLINE", "RESP_WRONG_MAC"} {
		v, _ := l.IntSymbol(name)
		final[v] = true
	}

	h, ok := l.Open("sim", "")
	if !ok {
		fmt.Println("open failed")
		return
	}
	defer l.Close(h)
	l.Set(h, "amount", "1250")
	l.Set(h, "currency", "980")
	if !l.Send(h, payment) {
		fmt.Println("send failed, error", l.Error(h))
		return
	}
	for range 20 {
		switch r := l.Receive(h, 0); r {
		case identifier:
			fmt.Println("identifier assigned")
		case confirm:
			amount, _ := l.Get(h, "amount")
			fmt.Println("confirmed, amount", amount, "charges", l.Charges())
			return
		default:
			if final[r] {
				fmt.Println("final response", r, "error", l.Error(h))
				return
			}
		}
	}
	// Output:
	// identifier assigned
	// confirmed, amount 1250 charges 1
}
