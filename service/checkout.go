package service

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/uapos/uapos/checkout"
	"github.com/uapos/uapos/escpos"
	"github.com/uapos/uapos/payment"
)

// SalePart is one payment of a sale: DM's payment type (0 cash, 2 card, others the shop's
// own) and its amount.
type SalePart struct {
	Type   int    `json:"type"`
	Amount Amount `json:"amount"`
	Name   string `json:"name,omitempty"`
}

// SaleRequest is the body of POST /v1/checkout/sale and /v1/checkout/return.
type SaleRequest struct {
	// TransactionID is the sale's id; the terminal operation and the fiscal webhook use it
	// too. Calling again with it resumes the sale and never charges twice.
	TransactionID string     `json:"transaction_id"`
	Parts         []SalePart `json:"parts"`
	// TerminalTypes are the payment types that go to the terminal (default [2]).
	TerminalTypes []int  `json:"terminal_types,omitempty"`
	Merchant      string `json:"merchant,omitempty"`
	// Receipt is the receipt body (an escpos document); the flow appends the fiscal block,
	// the terminal's slip and a cut.
	Receipt json.RawMessage `json:"receipt,omitempty"`
	// OpenDrawer is "when-cash" (default), "never" or "always".
	OpenDrawer string `json:"open_drawer,omitempty"`
	// Return only: Mode is "refund" (by RRN, default) or "cancel" (by invoice); RRN or Invoice
	// names the purchase.
	Mode    string `json:"mode,omitempty"`
	RRN     string `json:"rrn,omitempty"`
	Invoice string `json:"invoice,omitempty"`
	// FiscalURL overrides the configured fiscal webhook; it must be a loopback URL.
	FiscalURL string `json:"fiscal_url,omitempty"`
	// Terminal, Printer and Drawer override the configured package's devices.
	Terminal string `json:"terminal,omitempty"`
	Printer  string `json:"printer,omitempty"`
	Drawer   string `json:"drawer,omitempty"`
}

// CheckoutReply is the outcome of a sale or a return.
type CheckoutReply struct {
	TransactionID string           `json:"transaction_id"`
	Card          *payment.Result  `json:"card,omitempty"`
	Fiscal        *checkout.Fiscal `json:"fiscal,omitempty"`
	// Voided is true when fiscalisation failed and the card payment was cancelled.
	Voided      bool            `json:"voided,omitempty"`
	Void        *payment.Result `json:"void,omitempty"`
	VoidUnknown bool            `json:"void_unknown,omitempty"`
	// Printed is DM's isprint.
	Printed      bool       `json:"printed"`
	PrintError   *ErrorInfo `json:"print_error,omitempty"`
	DrawerOpened bool       `json:"drawer_opened,omitempty"`
	DrawerError  *ErrorInfo `json:"drawer_error,omitempty"`
}

func replyOf(o *checkout.Outcome) *CheckoutReply {
	if o == nil {
		return nil
	}
	r := &CheckoutReply{TransactionID: o.TransactionID, Card: o.Card, Fiscal: o.Fiscal, Voided: o.Voided, Void: o.Void,
		VoidUnknown: o.VoidUnknown, Printed: o.Printed, DrawerOpened: o.DrawerOpened}
	if o.PrintErr != nil {
		_, info := describe(&deviceError{"printer", o.PrintErr})
		r.PrintError = &info
	}
	if o.DrawerErr != nil {
		_, info := describe(&deviceError{"drawer", o.DrawerErr})
		r.DrawerError = &info
	}
	return r
}

// checkoutError maps the flow's own errors (the terminal's come as *payment.Error).
func checkoutError(err error) error {
	var pe *payment.Error
	if errors.As(err, &pe) {
		return err
	}
	switch {
	case errors.Is(err, payment.ErrNoTransactionID):
		return err
	case errors.Is(err, checkout.ErrNoTerm):
		return badRequest("the sale has a card part and no terminal is configured for checkout")
	case errors.Is(err, checkout.ErrNotPaid):
		return &payment.Error{Code: payment.CodeTerminal, Kind: payment.ErrDeclined, DeviceText: "the card payment was not approved", Err: err}
	case errors.Is(err, checkout.ErrVoidUnknown):
		return &payment.Error{Code: payment.CodeInternal, Kind: payment.ErrLink, DeviceText: err.Error(), Err: errors.Join(err, payment.ErrOutcomeUnknown)}
	}
	return &deviceError{"checkout", err}
}

func (s *Service) checkCheckout() error {
	c := &s.opts.Checkout
	only := func(names []string, kind string, name *string, m func(string) bool) error {
		if *name == "" {
			if len(names) == 1 {
				*name = names[0]
			}
			return nil
		}
		if !m(*name) {
			return fmt.Errorf("service: checkout %s %q is not configured", kind, *name)
		}
		return nil
	}
	var ts, ps, ds []string
	for _, n := range s.names {
		switch {
		case s.terminals[n] != nil:
			ts = append(ts, n)
		case s.printers[n] != nil:
			ps = append(ps, n)
		case s.drawers[n] != nil:
			ds = append(ds, n)
		}
	}
	if c.FiscalURL != "" {
		if err := checkWebhookURL(c.FiscalURL, true); err != nil {
			return fmt.Errorf("service: checkout fiscal URL: %w", err)
		}
	}
	return errors.Join(
		only(ts, KindTerminal, &c.Terminal, func(n string) bool { return s.terminals[n] != nil }),
		only(ps, KindPrinter, &c.Printer, func(n string) bool { return s.printers[n] != nil }),
		only(ds, KindDrawer, &c.Drawer, func(n string) bool { return s.drawers[n] != nil }),
	)
}

// gatedTerminal is a terminal taken through the service's gate for each call, so that a sale
// and a direct call never run on one terminal at once.
type gatedTerminal struct {
	s    *Service
	e    *terminalEntry
	wait bool
	// waitCtx bounds the wait for the gate (the caller's request).
	waitCtx context.Context
}

func (g *gatedTerminal) Capabilities() payment.CapabilitySet { return g.e.caps() }

func (g *gatedTerminal) run(ctx context.Context, op payment.Operation, req payment.Request) (*payment.Result, error) {
	return g.s.operateIn(g.waitCtx, ctx, g.e, op, req, g.wait, nil)
}

func (g *gatedTerminal) Purchase(ctx context.Context, req payment.Request) (*payment.Result, error) {
	return g.run(ctx, payment.OpPurchase, req)
}

func (g *gatedTerminal) Refund(ctx context.Context, req payment.Request) (*payment.Result, error) {
	return g.run(ctx, payment.OpRefund, req)
}

func (g *gatedTerminal) Cancel(ctx context.Context, req payment.Request) (*payment.Result, error) {
	return g.run(ctx, payment.OpCancel, req)
}

func (g *gatedTerminal) XReport(ctx context.Context, req payment.Request) (*payment.Result, error) {
	return g.run(ctx, payment.OpXReport, req)
}

func (g *gatedTerminal) CloseBatch(ctx context.Context, req payment.Request) (*payment.Result, error) {
	return g.run(ctx, payment.OpCloseBatch, req)
}

// queuedPrinter prints through the printer's queue.
type queuedPrinter struct {
	s       *Service
	e       *printerEntry
	waitCtx context.Context
}

func (q *queuedPrinter) Print(ctx context.Context, doc *escpos.Document) (escpos.Report, error) {
	var rep escpos.Report
	err := q.s.printJob(q.waitCtx, q.e, func(ctx context.Context, p Printer) error {
		var err error
		rep, err = p.Print(ctx, doc)
		return err
	})
	return rep, err
}

func (q *queuedPrinter) Status(ctx context.Context) (escpos.Status, error) {
	var st escpos.Status
	err := q.s.printJob(q.waitCtx, q.e, func(ctx context.Context, p Printer) error {
		var err error
		st, err = p.Status(ctx)
		return err
	})
	return st, err
}

// queuedDrawer opens a drawer through its printer's queue.
type queuedDrawer struct {
	s       *Service
	d       *drawerEntry
	waitCtx context.Context
}

func (q *queuedDrawer) Open(ctx context.Context) error {
	return q.s.printJob(q.waitCtx, q.d.printer, func(ctx context.Context, p Printer) error {
		dr, err := q.d.printer.drawer(q.d, p)
		if err != nil {
			return err
		}
		return dr.Open(ctx)
	})
}

// fiscalWebhook is the fiscal step: POST the sale as JSON to the caller's URL and take the
// fiscal receipt it answers. Redirects are not followed.
func (s *Service) fiscalWebhook(url string) func(ctx context.Context, req checkout.FiscalRequest) (checkout.Fiscal, error) {
	client := s.opts.Checkout.HTTPClient
	if client == nil {
		client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	timeout := s.opts.Checkout.FiscalTimeout
	if timeout <= 0 {
		timeout = 20 * time.Second // DM's wiki: a PRRO answers within 20 s
	}
	return func(ctx context.Context, req checkout.FiscalRequest) (checkout.Fiscal, error) {
		var f checkout.Fiscal
		body, err := json.Marshal(FiscalWebhookRequest{Kind: req.Kind, TransactionID: req.TransactionID, Sale: req.Sale, Card: req.Card})
		if err != nil {
			return f, err
		}
		ctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		hr, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
		if err != nil {
			return f, err
		}
		hr.Header.Set("Content-Type", "application/json")
		hr.Header.Set("Idempotency-Key", req.TransactionID)
		resp, err := client.Do(hr)
		if err != nil {
			return f, fmt.Errorf("fiscal webhook: %w", err)
		}
		defer resp.Body.Close()
		data, err := io.ReadAll(io.LimitReader(resp.Body, DefaultMaxBody+1))
		if err != nil {
			return f, fmt.Errorf("fiscal webhook: reading the reply: %w", err)
		}
		if len(data) > DefaultMaxBody {
			return f, fmt.Errorf("fiscal webhook: reply larger than %d bytes", DefaultMaxBody)
		}
		if resp.StatusCode/100 != 2 {
			return f, fmt.Errorf("fiscal webhook: HTTP %d: %s", resp.StatusCode, payment.RedactPANs(trunc(string(bytes.TrimSpace(data)), 200)))
		}
		if err := json.Unmarshal(data, &f); err != nil {
			return f, fmt.Errorf("fiscal webhook: the reply is not {number, text, qr}: %w", err)
		}
		return f, nil
	}
}

// FiscalWebhookRequest is what uaposd POSTs to the fiscal webhook.
type FiscalWebhookRequest struct {
	// Kind is "sale" or "return".
	Kind string `json:"kind"`
	// TransactionID is the sale's id: make the webhook idempotent on it (it is also sent as
	// the Idempotency-Key header): after a crash it may be called again for the same sale.
	TransactionID string          `json:"transaction_id"`
	Sale          checkout.Sale   `json:"sale"`
	Card          *payment.Result `json:"card,omitempty"`
}

func (s *Service) checkoutSale(w http.ResponseWriter, r *http.Request)   { s.runCheckout(w, r, false) }
func (s *Service) checkoutReturn(w http.ResponseWriter, r *http.Request) { s.runCheckout(w, r, true) }

func (s *Service) runCheckout(w http.ResponseWriter, r *http.Request, isReturn bool) {
	var q SaleRequest
	if err := readJSON(r, &q); err != nil {
		writeError(w, err, nil)
		return
	}
	sale, mode, err := q.toSale(isReturn)
	if err != nil {
		writeError(w, err, nil)
		return
	}
	fiscalURL := s.opts.Checkout.FiscalURL
	if q.FiscalURL != "" {
		if err := checkWebhookURL(q.FiscalURL, false); err != nil {
			writeError(w, badRequest("fiscal_url: %v", err), nil)
			return
		}
		fiscalURL = q.FiscalURL
	}
	if fiscalURL == "" {
		writeError(w, badRequest("no fiscal webhook: set checkout.fiscal_url in the configuration or fiscal_url (loopback) in the request; uapos does not fiscalise"), nil)
		return
	}
	cfg := checkout.Config{Fiscalize: s.fiscalWebhook(fiscalURL), Journal: s.journal}
	wait := wantWait(r)
	if name := firstNonEmpty(q.Terminal, s.opts.Checkout.Terminal); name != "" {
		e, err := s.terminal(name)
		if err != nil {
			writeError(w, err, nil)
			return
		}
		cfg.Terminal = &gatedTerminal{s: s, e: e, wait: wait, waitCtx: r.Context()}
	}
	if name := firstNonEmpty(q.Printer, s.opts.Checkout.Printer); name != "" {
		e, err := s.printer(name)
		if err != nil {
			writeError(w, err, nil)
			return
		}
		cfg.Printer = &queuedPrinter{s: s, e: e, waitCtx: r.Context()}
	}
	if name := firstNonEmpty(q.Drawer, s.opts.Checkout.Drawer); name != "" {
		d, err := s.drawer(name)
		if err != nil {
			writeError(w, err, nil)
			return
		}
		cfg.Drawer = &queuedDrawer{s: s, d: d, waitCtx: r.Context()}
	}
	co, err := checkout.New(cfg)
	if err != nil {
		writeError(w, err, nil)
		return
	}
	done, err := s.begin()
	if err != nil {
		writeError(w, err, nil)
		return
	}
	defer done()
	ctx, cancel := s.exchangeContext()
	defer cancel()
	var out *checkout.Outcome
	if isReturn {
		out, err = co.Return(ctx, checkout.Return{TransactionID: sale.TransactionID, Parts: sale.Parts, TerminalTypes: sale.TerminalTypes,
			Merchant: sale.Merchant, Mode: mode, RRN: q.RRN, Invoice: q.Invoice, Receipt: sale.Receipt, Drawer: sale.Drawer})
	} else {
		out, err = co.Sell(ctx, sale)
	}
	if err != nil {
		st, info := describe(checkoutError(err))
		writeJSON(w, st, struct {
			Error   ErrorInfo      `json:"error"`
			Outcome *CheckoutReply `json:"outcome,omitempty"`
		}{info, replyOf(out)})
		return
	}
	writeJSON(w, http.StatusOK, replyOf(out))
}

func (q SaleRequest) toSale(isReturn bool) (checkout.Sale, checkout.ReturnMode, error) {
	var s checkout.Sale
	if err := checkID(payment.OpPurchase, q.TransactionID); err != nil {
		return s, 0, err
	}
	for _, f := range []struct{ name, v string }{{"merchant", q.Merchant}, {"rrn", q.RRN}, {"invoice", q.Invoice}} {
		if err := checkRef(f.name, f.v); err != nil {
			return s, 0, err
		}
	}
	if len(q.Parts) == 0 || len(q.Parts) > 32 {
		return s, 0, badRequest("parts: want 1-32 payments")
	}
	s.TransactionID, s.Merchant = q.TransactionID, q.Merchant
	for i, p := range q.Parts {
		if !p.Amount.Set || p.Amount.Amount <= 0 {
			return s, 0, badRequest("parts[%d]: amount above 0.00 required, as \"12.34\"", i)
		}
		if p.Type < 0 || p.Type > 99 {
			return s, 0, badRequest("parts[%d]: type %d: want DM's payment type (0 cash, 2 card...)", i, p.Type)
		}
		s.Parts = append(s.Parts, checkout.Part{Type: checkout.PaymentType(p.Type), Amount: p.Amount.Amount, Name: trunc(p.Name, 64)})
	}
	for _, t := range q.TerminalTypes {
		if t == int(checkout.PayCash) || t < 0 || t > 99 {
			return s, 0, badRequest("terminal_types: %d cannot go to the terminal", t)
		}
		s.TerminalTypes = append(s.TerminalTypes, checkout.PaymentType(t))
	}
	switch q.OpenDrawer {
	case "", "when-cash":
		s.Drawer = checkout.DrawerWhenCash
	case "never":
		s.Drawer = checkout.DrawerNever
	case "always":
		s.Drawer = checkout.DrawerAlways
	default:
		return s, 0, badRequest("open_drawer %q: want when-cash, never or always", q.OpenDrawer)
	}
	if len(q.Receipt) > 0 && string(q.Receipt) != "null" {
		d, err := DecodeDocument(q.Receipt)
		if err != nil {
			return s, 0, err
		}
		s.Receipt = d
	}
	mode := checkout.ReturnRefund
	if isReturn {
		switch q.Mode {
		case "", "refund":
			if q.RRN == "" && s.TerminalAmount() > 0 {
				return s, 0, badRequest("a refund needs the rrn of the purchase")
			}
		case "cancel":
			mode = checkout.ReturnCancel
			if q.Invoice == "" && s.TerminalAmount() > 0 {
				return s, 0, badRequest("a cancel needs the invoice of the purchase")
			}
		default:
			return s, 0, badRequest("mode %q: want refund or cancel", q.Mode)
		}
	} else if q.Mode != "" || q.RRN != "" || q.Invoice != "" {
		return s, 0, badRequest("mode, rrn and invoice are for returns")
	}
	return s, mode, nil
}
