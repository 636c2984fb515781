package checkout

import (
	"context"
	"fmt"

	"github.com/uapos/uapos/escpos"
	"github.com/uapos/uapos/journal"
	"github.com/uapos/uapos/payment"
)

// ReturnMode says how the card part of a return goes back to the customer.
type ReturnMode int

// Return modes, as DM's pay.task: 2 refund by RRN, 3 cancel by the terminal's invoice.
const (
	ReturnRefund ReturnMode = 2 // refund by the RRN of the purchase (any day; the card is needed)
	ReturnCancel ReturnMode = 3 // void by invoice number (same batch only)
)

// Return is a return of goods.
type Return struct {
	// TransactionID is the caller's unique id of the return.
	TransactionID string
	Parts         []Part
	TerminalTypes []PaymentType
	Merchant      string
	Mode          ReturnMode
	// RRN of the purchase (ReturnRefund) or Invoice of it (ReturnCancel).
	RRN, Invoice string
	Receipt      *escpos.Document
	Drawer       DrawerPolicy
}

func (r Return) sale() Sale {
	return Sale{TransactionID: r.TransactionID, Parts: r.Parts, TerminalTypes: r.TerminalTypes,
		Merchant: r.Merchant, Receipt: r.Receipt, Drawer: r.Drawer}
}

// Return runs a return: the card part back through the terminal (refund by RRN or void by
// invoice), then the fiscal hook (Kind "return"), the receipt and the drawer (cash goes out).
// A fiscal failure after the money went back is returned as an error with the card result in
// the outcome: a refund cannot be undone by the flow.
func (c *Checkout) Return(ctx context.Context, r Return) (*Outcome, error) {
	if r.TransactionID == "" {
		return nil, payment.ErrNoTransactionID
	}
	s := r.sale()
	_, p, found, err := c.load(ctx, r.TransactionID)
	if err != nil {
		return nil, err
	}
	op := payment.OpRefund
	if r.Mode == ReturnCancel {
		op = payment.OpCancel
	}
	if !found {
		if err := c.cfg.Journal.Begin(ctx, journal.Entry{TransactionID: key(r.TransactionID), Terminal: "checkout", Operation: op,
			Request: payment.Request{TransactionID: r.TransactionID, Amount: s.Total(), RRN: r.RRN, Invoice: r.Invoice}}); err != nil {
			return nil, &payment.Error{Code: payment.CodeJournal, Err: err}
		}
	}
	out := &Outcome{TransactionID: r.TransactionID}
	if amt := s.TerminalAmount(); amt > 0 && p.card == nil {
		req := payment.Request{TransactionID: r.TransactionID, Amount: amt, Merchant: r.Merchant, RRN: r.RRN, Invoice: r.Invoice}
		card, err := c.cardStep(ctx, out, func(t payment.Terminal) (*payment.Result, error) {
			if r.Mode == ReturnCancel {
				return t.Cancel(ctx, req)
			}
			return t.Refund(ctx, req)
		})
		if err != nil {
			return out, err
		}
		p.card = card
	}
	out.Card = p.card
	if p.fiscal == nil {
		f, ferr := c.cfg.Fiscalize(ctx, FiscalRequest{Kind: "return", TransactionID: r.TransactionID, Sale: s, Card: p.card})
		if ferr != nil {
			return out, fmt.Errorf("%w (the card return stands; fiscalise it again with the same id): %w", ErrFiscal, ferr)
		}
		if err := c.note(ctx, r.TransactionID, refFiscal, f); err != nil {
			return out, err
		}
		p.fiscal = &f
	}
	out.Fiscal = p.fiscal
	return c.complete(ctx, s, p, out)
}

// ReportKind is X (totals, batch stays open) or Z (batch closed).
type ReportKind int

// Report kinds.
const (
	ReportX ReportKind = 10 // DM task 10
	ReportZ ReportKind = 11 // DM task 11
)

// Report runs the terminal's X-report or batch close together with the caller's fiscal
// report (the hook gets Kind "x-report" or "z-report" and the terminal's totals) and prints
// both. With no terminal only the fiscal report runs.
func (c *Checkout) Report(ctx context.Context, kind ReportKind, body *escpos.Document) (*Outcome, error) {
	out := &Outcome{}
	name := "x-report"
	if kind == ReportZ {
		name = "z-report"
	}
	if c.cfg.Terminal != nil {
		var err error
		if kind == ReportZ {
			out.Card, err = c.cfg.Terminal.CloseBatch(ctx, payment.Request{})
		} else {
			out.Card, err = c.cfg.Terminal.XReport(ctx, payment.Request{})
		}
		if err != nil {
			return out, err
		}
	}
	f, err := c.cfg.Fiscalize(ctx, FiscalRequest{Kind: name, Card: out.Card})
	if err != nil {
		return out, fmt.Errorf("%w: %w", ErrFiscal, err)
	}
	out.Fiscal = &f
	out.PrintErr = c.print(ctx, Sale{Receipt: body}, progress{card: out.Card, fiscal: &f})
	out.Printed = out.PrintErr == nil
	return out, nil
}
