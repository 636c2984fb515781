package main

import (
	"context"
	"errors"

	"github.com/uapos/uapos/payment"
	"github.com/uapos/uapos/simpays"
)

// protoSimPays is SimPays KKM (Sense Bank, TAS Bank): listed so users see why it cannot be
// driven. No public source describes its wire; package simpays says how to send a capture.
var protoSimPays = protocol{
	name:  "simpays",
	title: "SimPays KKM (Sense Bank, TAS Bank): not supported, the wire format is not public (see package simpays)",
	demo:  demoSimPays,
}

func demoSimPays(ctx context.Context, _ *demoEnv) []demoRow {
	t, err := simpays.New(simpays.Config{})
	if err != nil {
		return demoFail("simpays", "adapter", err)
	}
	_, err = t.Purchase(ctx, payment.Request{TransactionID: "demo", Amount: demoPurchase})
	if !errors.Is(err, simpays.ErrWireUnknown) {
		return demoFail("simpays", "purchase", errors.New("expected the wire-unknown error"))
	}
	return []demoRow{{"simpays", "all", "skip", "wire format not public: every operation answers code 5029 (package simpays tells how to send a capture)"}}
}
