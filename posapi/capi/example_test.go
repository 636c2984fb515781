package capi_test

import (
	"fmt"

	"github.com/uapos/uapos/posapi/capi"
)

// The fallback values of the public record (protocols/posapi.md A.3 and 1.5): a client
// reads ACTION_PAYMENT and POS_AMOUNT from the loaded library by name and falls back to
// these only when the library does not export them.
func Example() {
	v, ok := capi.ActionPayment.Known()
	fmt.Printf("%s = %#04x (%v)\n", capi.ActionPayment, v, ok)
	wire, ok := capi.ParamAmount.Known()
	fmt.Printf("%s -> %q (%v)\n", capi.ParamAmount, wire, ok)
	for _, r := range []capi.Response{capi.RespMessage, capi.RespConfirm, capi.Response(42)} {
		fmt.Println(r, r.Final())
	}
	// Output:
	// ACTION_PAYMENT = 0x0103 (true)
	// POS_AMOUNT -> "amount" (true)
	// RESP_MESSAGE false
	// RESP_CONFIRM true
	// RESP(42) false
}
