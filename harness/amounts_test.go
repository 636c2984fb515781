package harness

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/uapos/uapos/journal"
	"github.com/uapos/uapos/payment"
	"github.com/uapos/uapos/simulators/control"
)

// TestTestAmounts: every row of the test amount table (control.TestAmounts) on every
// protocol, through the real driver: a host decline is a decline with the host's code, the
// terminal's own codes are its own, a partial approval approves half where the protocol
// has partial approvals (and in full where it has none), and the ledger says what the bank
// saw.
func TestTestAmounts(t *testing.T) {
	eachProtocol(t, func(t *testing.T, p protocol, e *cellEnv) {
		_, partialOK := p.support.NotExpressible["partial"]
		partialOK = !partialOK
		for i, o := range append([]control.Outcome{{Kopecks: 0, Name: "approved"}}, control.TestAmounts...) {
			amount := payment.Amount(1200 + o.Kopecks)
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			seen := len(e.ctl.Ledger())
			res, err := e.term.Purchase(ctx, payment.Request{TransactionID: fmt.Sprintf("a%d", i), Amount: amount})
			cancel()
			var pe *payment.Error
			errors.As(err, &pe)
			var outcomes []string
			for _, c := range e.ctl.Ledger()[seen:] {
				if c.Operation == "purchase" {
					outcomes = append(outcomes, c.Outcome)
				}
			}
			ledger := strings.Join(outcomes, ",")
			switch {
			case o.Kopecks == 0 || o.Partial && !partialOK:
				if err != nil || !res.Approved || res.Partial || res.Amount != amount || ledger != control.Approved {
					t.Errorf("%s (%d): %+v, %v, ledger %q; want approved in full", o.Name, amount, res, err, ledger)
				}
			case o.Partial:
				if err != nil || !res.Approved || !res.Partial || res.Amount != amount/2 || ledger != control.Partial {
					t.Errorf("%s (%d): %+v, %v, ledger %q; want half approved", o.Name, amount, res, err, ledger)
				}
			case o.Host != 0:
				if pe == nil || !errors.Is(err, payment.ErrDeclined) || !strings.HasSuffix(pe.ResponseCode, fmt.Sprint(o.Host)) || ledger != control.Declined {
					t.Errorf("%s (%d): %v (response %q), ledger %q; want a decline with host code %d", o.Name, amount, err, code(pe), ledger, o.Host)
				}
			case p.name == "posapi": // a terminal code: POSAPI says it with a class
				if pe == nil || !errors.Is(err, payment.ErrDeclined) || ledger != "" {
					t.Errorf("%s (%d): %v, ledger %q; want RESP_DECLINE class %d and nothing at the bank", o.Name, amount, err, ledger, o.Class)
				}
			default:
				if pe == nil || pe.Code != payment.TerminalCode(o.Terminal) || ledger != "" {
					t.Errorf("%s (%d): %v, ledger %q; want DM %d and nothing at the bank", o.Name, amount, err, ledger, payment.TerminalCode(o.Terminal))
				}
			}
		}
	})
}

func code(pe *payment.Error) string {
	if pe == nil {
		return ""
	}
	return pe.ResponseCode
}

// TestPresentCard: with card-timeout armed, a card presented through the control goes to
// the next card wait, and the purchase is approved, on every protocol.
func TestPresentCard(t *testing.T) {
	eachProtocol(t, func(t *testing.T, p protocol, e *cellEnv) {
		if err := e.ctl.SetFaults(control.Fault{Name: "card-timeout", Times: 1}); err != nil {
			t.Fatal(err)
		}
		if err := e.ctl.PresentCard(); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		res, err := e.term.Purchase(ctx, payment.Request{TransactionID: "card", Amount: 1000})
		if err != nil || !res.Approved {
			t.Fatalf("purchase after the card: %+v, %v", res, err)
		}
		if f := e.ctl.Faults(); len(f) != 0 {
			t.Errorf("card-timeout still armed: %v", f)
		}
	})
}

// eachProtocol runs f on a fresh terminal of every protocol, in parallel.
func eachProtocol(t *testing.T, f func(t *testing.T, p protocol, e *cellEnv)) {
	for _, p := range protocols() {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			log, _ := debugLogger()
			e := p.open(t, payment.OpPurchase, "", log, journal.NewMemory())
			defer e.close()
			f(t, p, e)
		})
	}
}
