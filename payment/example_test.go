package payment_test

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/uapos/uapos/payment"
)

// A money-moving exchange under the journal: the retry with the same transaction id returns
// the recorded outcome and does not charge again.
func Example() {
	ledger := &payment.Ledger{Journal: payment.NewMemoryJournal(), Terminal: "demo"}
	amount, _ := payment.ParseAmount("12.34")
	req := payment.Request{TransactionID: "sale-0001", Amount: amount}
	charges := 0
	purchase := func(ctx context.Context) (*payment.Result, error) {
		charges++ // a real adapter talks to the terminal here
		return &payment.Result{Approved: true, Amount: req.Amount, RRN: "000018706638",
			PAN: payment.MaskPAN("4731" + strings.Repeat("0", 8) + "9838")}, nil
	}
	for range 2 {
		res, err := ledger.Run(context.Background(), payment.OpPurchase, req, purchase)
		fmt.Println(res.Amount, res.RRN, res.PAN, err)
	}
	fmt.Println("charged", charges, "time")

	caps := payment.MustCapabilities(payment.BankPivdennyi, payment.ProtoBPOSLight)
	err := caps.Check(payment.OpRefund)
	fmt.Println(errors.Is(err, payment.ErrNotSupported), payment.ErrorCode(err))
	var perr *payment.Error
	if errors.As(err, &perr) {
		fmt.Println(perr.Ukrainian())
	}
	// Output:
	// 12.34 000018706638 473100XXXXXX9838 <nil>
	// 12.34 000018706638 473100XXXXXX9838 <nil>
	// charged 1 time
	// true 5029
	// Термінал Bank Pivdennyi (BPOS Light) не підтримує завдання з типом refund
}
