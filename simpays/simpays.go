package simpays

import (
	"context"
	"errors"
	"fmt"

	"github.com/uapos/uapos/payment"
)

// ErrWireUnknown is the cause of every error [Terminal] returns: the SimPays KKM wire format
// is not described by any public source.
var ErrWireUnknown = errors.New("simpays: the SimPays KKM wire format is not public; see the package doc to send a capture")

// explanation is the device text of the errors, added to payment's 5029 message.
const explanation = "uapos has no SimPays KKM driver because the wire format is not public"

// Banks are the banks DM lists with SimPays KKM.
var Banks = []payment.Bank{payment.BankSense, payment.BankTAS}

// Rows returns DM's capability rows for SimPays KKM: Sense Bank and TAS Bank.
func Rows() []payment.CapabilitySet {
	out := make([]payment.CapabilitySet, 0, len(Banks))
	for _, b := range Banks {
		out = append(out, payment.MustCapabilities(b, payment.ProtoSimPays))
	}
	return out
}

// Config selects the DM row of a [Terminal].
type Config struct {
	// Bank is the DM row: payment.BankSense (the default) or payment.BankTAS.
	Bank payment.Bank
}

// Terminal is a payment.Terminal for SimPays KKM that cannot reach the wire: Capabilities
// returns DM's row, and every operation returns a 5029 *payment.Error wrapping
// [ErrWireUnknown] without doing any I/O. It lets an application list SimPays terminals with
// the others and show the user why they cannot be driven yet.
type Terminal struct {
	caps payment.CapabilitySet
}

var (
	_ payment.Terminal          = (*Terminal)(nil)
	_ payment.MerchantLister    = (*Terminal)(nil)
	_ payment.LastTransactioner = (*Terminal)(nil)
)

// New returns a Terminal for cfg.Bank; it fails for a bank DM does not list with SimPays KKM.
func New(cfg Config) (*Terminal, error) {
	bank := cfg.Bank
	if bank == "" {
		bank = payment.BankSense
	}
	caps, ok := payment.Capabilities(bank, payment.ProtoSimPays)
	if !ok {
		return nil, fmt.Errorf("simpays: DM lists no SimPays KKM row for bank %q (only Sense Bank and TAS Bank)", bank)
	}
	return &Terminal{caps: caps}, nil
}

// Capabilities returns DM's row for the terminal's bank.
func (t *Terminal) Capabilities() payment.CapabilitySet { return t.caps }

func (t *Terminal) unsupported(what string) error {
	return &payment.Error{
		Code:       payment.CodeNotSupportedTask,
		Kind:       payment.ErrNotSupported,
		Args:       []string{string(t.caps.Bank), string(t.caps.Protocol), what},
		DeviceText: explanation,
		Err:        ErrWireUnknown,
	}
}

// Purchase implements payment.Terminal; it always fails with code 5029.
func (t *Terminal) Purchase(context.Context, payment.Request) (*payment.Result, error) {
	return nil, t.unsupported(payment.OpPurchase.String())
}

// Refund implements payment.Terminal; it always fails with code 5029.
func (t *Terminal) Refund(context.Context, payment.Request) (*payment.Result, error) {
	return nil, t.unsupported(payment.OpRefund.String())
}

// Cancel implements payment.Terminal; it always fails with code 5029.
func (t *Terminal) Cancel(context.Context, payment.Request) (*payment.Result, error) {
	return nil, t.unsupported(payment.OpCancel.String())
}

// XReport implements payment.Terminal; it always fails with code 5029.
func (t *Terminal) XReport(context.Context, payment.Request) (*payment.Result, error) {
	return nil, t.unsupported(payment.OpXReport.String())
}

// CloseBatch implements payment.Terminal; it always fails with code 5029.
func (t *Terminal) CloseBatch(context.Context, payment.Request) (*payment.Result, error) {
	return nil, t.unsupported(payment.OpCloseBatch.String())
}

// Merchants implements payment.MerchantLister; it always fails with code 5029.
func (t *Terminal) Merchants(context.Context) ([]payment.Merchant, error) {
	return nil, t.unsupported(payment.SvcMerchantList.String())
}

// LastTransaction implements payment.LastTransactioner; it always fails with code 5029.
func (t *Terminal) LastTransaction(context.Context) (*payment.Result, error) {
	return nil, t.unsupported(payment.SvcLastTransaction.String())
}
