package payment_test

import (
	"errors"
	"fmt"

	"github.com/uapos/uapos/payment"
)

// The capability row refuses an operation outside DM's table before any wire exchange, with
// DM's code and Ukrainian text.
func Example() {
	amount, _ := payment.ParseAmount("12.34")
	fmt.Println(amount, int64(amount))

	caps := payment.MustCapabilities(payment.BankPivdennyi, payment.ProtoBPOSLight)
	err := caps.Check(payment.OpRefund)
	fmt.Println(errors.Is(err, payment.ErrNotSupported), payment.ErrorCode(err))
	var perr *payment.Error
	if errors.As(err, &perr) {
		fmt.Println(perr.Ukrainian())
	}
	// Output:
	// 12.34 1234
	// true 5029
	// Термінал Bank Pivdennyi (BPOS Light) не підтримує завдання з типом refund
}
