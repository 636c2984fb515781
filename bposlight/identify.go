package bposlight

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/uapos/uapos/transport"
)

// Identify asks the terminal on c for its acquirer list (REQ=ACQ: no payment, nothing
// printed) and returns a short description such as
// "B-POS Light terminal: 1 acquirer (MID BANK, TID 12123123)". Without a ctx deadline it
// gives up after 15 s.
func Identify(ctx context.Context, c transport.Conn) (string, error) {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, 15*time.Second)
		defer cancel()
	}
	acq, err := New(c, Config{}).Acquirers(ctx)
	if err != nil {
		return "", fmt.Errorf("bposlight: identify: %w", err)
	}
	parts := make([]string, len(acq))
	for i, a := range acq {
		parts[i] = "MID " + a.MID + ", TID " + a.TID
	}
	noun := "acquirers"
	if len(acq) == 1 {
		noun = "acquirer"
	}
	return fmt.Sprintf("B-POS Light terminal: %d %s (%s)", len(acq), noun, strings.Join(parts, "; ")), nil
}
