package checkout

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/uapos/uapos/escpos"
	"github.com/uapos/uapos/journal"
	"github.com/uapos/uapos/payment"
)

// PaymentType is DM's payment type code: 0 cash, 2 card; other codes are the shop's own
// (voucher, bonus...).
type PaymentType int

// DM's payment types that the flow treats specially.
const (
	PayCash PaymentType = 0
	PayCard PaymentType = 2
)

// Part is one payment of a sale.
type Part struct {
	Type   PaymentType    `json:"type"`
	Amount payment.Amount `json:"amount"`
	// Name is the payment's name on the receipt ("ГОТІВКА", "КАРТКА").
	Name string `json:"name,omitempty"`
}

// DrawerPolicy says when the flow opens the cash drawer.
type DrawerPolicy int

// Drawer policies.
const (
	DrawerWhenCash DrawerPolicy = iota // open when any part is cash (default, as DM)
	DrawerNever
	DrawerAlways
)

// Sale is one sale to run.
type Sale struct {
	// TransactionID is the caller's unique id of the sale; the terminal operation uses it too.
	TransactionID string `json:"transaction_id"`
	// Parts are the payments; their sum is the total.
	Parts []Part `json:"parts"`
	// TerminalTypes are the payment types that go to the terminal (default: card only).
	TerminalTypes []PaymentType `json:"terminal_types,omitempty"`
	// Merchant selects the terminal's merchant (see payment.Request.Merchant).
	Merchant string `json:"merchant,omitempty"`
	// Receipt is the body of the receipt to print (items, totals); the flow appends the fiscal
	// block, the terminal's slip and a cut. nil prints only those.
	Receipt *escpos.Document `json:"-"`
	// Drawer says when to open the cash drawer.
	Drawer DrawerPolicy `json:"drawer,omitempty"`
}

// Total is the sum of the parts.
func (s Sale) Total() payment.Amount {
	var t payment.Amount
	for _, p := range s.Parts {
		t += p.Amount
	}
	return t
}

// TerminalAmount is the sum of the parts whose type goes to the terminal.
func (s Sale) TerminalAmount() payment.Amount {
	types := s.TerminalTypes
	if len(types) == 0 {
		types = []PaymentType{PayCard}
	}
	var t payment.Amount
	for _, p := range s.Parts {
		for _, ty := range types {
			if p.Type == ty && p.Type != PayCash {
				t += p.Amount
				break
			}
		}
	}
	return t
}

// HasCash reports whether any part is cash.
func (s Sale) HasCash() bool {
	for _, p := range s.Parts {
		if p.Type == PayCash && p.Amount > 0 {
			return true
		}
	}
	return false
}

// FiscalRequest is what the fiscal hook gets.
type FiscalRequest struct {
	// Kind is "sale", "return", "x-report" or "z-report".
	Kind string
	// TransactionID is the sale's id: make the hook idempotent on it (PRRO services accept a
	// caller id), since after a crash the hook may be called again for the same sale.
	TransactionID string
	Sale          Sale
	// Card is the terminal's result (every field a PRRO record needs), or nil with no card part.
	Card *payment.Result
}

// Fiscal is what the hook returns: the fiscal receipt as the PRRO service gives it.
type Fiscal struct {
	// Number is the fiscal number of the receipt.
	Number string `json:"number,omitempty"`
	// Text is the service's text_print (the receipt text to print), UTF-8.
	Text string `json:"text,omitempty"`
	// QR is the link to the receipt on the tax service, printed as a QR code.
	QR string `json:"qr,omitempty"`
}

// Printer prints a receipt; *escpos.Printer is one. If it also has
// Status(ctx) (escpos.Status, error), the flow checks the printer is ready first.
type Printer interface {
	Print(ctx context.Context, doc *escpos.Document) (escpos.Report, error)
}

type statusPrinter interface {
	Status(ctx context.Context) (escpos.Status, error)
}

// Drawer opens a cash drawer; *drawer.Drawer is one.
type Drawer interface {
	Open(ctx context.Context) error
}

// Config wires the devices and the fiscal hook. Terminal, Printer and Drawer may each be nil:
// the flow then skips that step, as DM's package mode does with a device not connected.
type Config struct {
	// Terminal takes the card part of a sale (nil = no card step; a sale with a card part
	// then fails with ErrNoTerm).
	Terminal payment.Terminal
	// Printer prints the receipt (nil = no printing: Outcome.Printed stays false and
	// Outcome.PrintErr says no printer is configured).
	Printer Printer
	// Drawer is opened after a sale as the sale's Drawer policy asks (nil = no drawer).
	Drawer Drawer
	// Fiscalize is the caller's fiscal step (required).
	Fiscalize func(ctx context.Context, req FiscalRequest) (Fiscal, error)
	// Journal records each step under the sale's id (nil = in memory). It may be the same
	// journal the terminal adapter uses: the flow's entries are keyed "checkout:" + id.
	Journal journal.Journal
	// KeepPaymentOnFiscalError turns auto-cancel off: when fiscalisation fails the card
	// payment stands and the caller must settle it. Default false (auto-cancel on, as DM
	// recommends).
	KeepPaymentOnFiscalError bool
}

// Outcome is what a sale, a return or a report came to.
type Outcome struct {
	TransactionID string          `json:"transaction_id"`
	Card          *payment.Result `json:"card,omitempty"`
	Fiscal        *Fiscal         `json:"fiscal,omitempty"`
	// Voided is true when fiscalisation failed and the card payment was cancelled.
	Voided bool `json:"voided,omitempty"`
	// Void is the terminal's result of that cancel.
	Void *payment.Result `json:"void,omitempty"`
	// VoidUnknown is true when the auto-cancel was sent and its outcome is not known: the
	// terminal holds the purchase and maybe its void ([ErrVoidUnknown]).
	VoidUnknown bool `json:"void_unknown,omitempty"`
	// Printed is DM's isprint: the receipt reached the printer.
	Printed  bool  `json:"printed"`
	PrintErr error `json:"-"`
	// DrawerOpened is true when the drawer was kicked.
	DrawerOpened bool  `json:"drawer_opened,omitempty"`
	DrawerErr    error `json:"-"`
}

// Errors of the flow. The terminal's own errors come back as *payment.Error.
var (
	ErrFiscal    = errors.New("checkout: fiscalisation failed")
	ErrNoFiscal  = errors.New("checkout: Config.Fiscalize is required")
	ErrNotPaid   = errors.New("checkout: the card payment was not approved")
	ErrNoTerm    = errors.New("checkout: the sale has a card part but no terminal is configured")
	ErrNotReady  = errors.New("checkout: printer not ready")
	ErrUnknownTx = errors.New("checkout: no such sale in the journal")
	// ErrVoidUnknown: fiscalisation failed, the auto-cancel was sent and its outcome is not
	// known. The terminal holds the purchase and maybe its void; the sale is not fiscalised.
	// Call Sell again with the same id to settle the void through the terminal, or ask the bank.
	ErrVoidUnknown = errors.New("checkout: the auto-cancel's outcome is unknown; the sale is not fiscalised")
)

// Checkout runs sales. It is safe for concurrent use; the terminal serialises operations.
type Checkout struct {
	cfg Config
}

// New returns a Checkout for cfg.
func New(cfg Config) (*Checkout, error) {
	if cfg.Fiscalize == nil {
		return nil, ErrNoFiscal
	}
	if cfg.Journal == nil {
		cfg.Journal = journal.NewMemory()
	}
	return &Checkout{cfg: cfg}, nil
}

// journal refs of a checkout entry
const (
	refCard   = "card"
	refFiscal = "fiscal"
	refVoid   = "void"
	// refVoidStarted is written before the auto-cancel goes to the terminal.
	refVoidStarted = "void_started"
	refPrinted     = "printed"
	refDrawer      = "drawer"
)

func key(id string) string { return "checkout:" + id }

// progress is what the journal says a sale has done so far.
type progress struct {
	card   *payment.Result
	fiscal *Fiscal
	void   *payment.Result
	// voidStarted: the auto-cancel was decided and sent (its outcome may be unknown).
	voidStarted bool
	printed     bool
	drawer      bool
}

func (c *Checkout) load(ctx context.Context, id string) (journal.Entry, progress, bool, error) {
	e, ok, err := c.cfg.Journal.Get(ctx, key(id))
	if err != nil || !ok {
		return e, progress{}, ok, err
	}
	var p progress
	if s, ok := e.Refs[refCard]; ok {
		p.card = new(payment.Result)
		if err := json.Unmarshal([]byte(s), p.card); err != nil {
			return e, p, true, fmt.Errorf("checkout: journal: %w", err)
		}
	}
	if s, ok := e.Refs[refFiscal]; ok {
		p.fiscal = new(Fiscal)
		if err := json.Unmarshal([]byte(s), p.fiscal); err != nil {
			return e, p, true, fmt.Errorf("checkout: journal: %w", err)
		}
	}
	if s, ok := e.Refs[refVoid]; ok {
		p.void = new(payment.Result)
		if err := json.Unmarshal([]byte(s), p.void); err != nil {
			return e, p, true, fmt.Errorf("checkout: journal: %w", err)
		}
	}
	p.voidStarted = e.Refs[refVoidStarted] == "1"
	p.printed = e.Refs[refPrinted] == "1"
	p.drawer = e.Refs[refDrawer] == "1"
	return e, p, true, nil
}

func (c *Checkout) note(ctx context.Context, id, k string, v any) error {
	s, ok := v.(string)
	if !ok {
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		s = string(b)
	}
	if err := c.cfg.Journal.Note(context.WithoutCancel(ctx), key(id), k, s); err != nil {
		return &payment.Error{Code: payment.CodeJournal, Err: err}
	}
	return nil
}

// Sell runs the sale: card part on the terminal, the fiscal hook, the receipt, the drawer.
// Called again with the same TransactionID it resumes where the earlier call stopped (a crash,
// a lost reply) and returns the recorded outcome once the sale is complete.
func (c *Checkout) Sell(ctx context.Context, s Sale) (*Outcome, error) {
	if s.TransactionID == "" {
		return nil, payment.ErrNoTransactionID
	}
	entry, p, found, err := c.load(ctx, s.TransactionID)
	if err != nil {
		return nil, err
	}
	out := &Outcome{TransactionID: s.TransactionID}
	if !found {
		err := c.cfg.Journal.Begin(ctx, journal.Entry{TransactionID: key(s.TransactionID), Terminal: "checkout",
			Operation: payment.OpPurchase, Request: payment.Request{TransactionID: s.TransactionID, Amount: s.Total(), Merchant: s.Merchant}})
		if err != nil {
			return nil, &payment.Error{Code: payment.CodeJournal, Err: err}
		}
	} else if entry.State == journal.StateDeclined || entry.State == journal.StateFailed {
		out.Card, out.Fiscal, out.Void, out.Voided = p.card, p.fiscal, p.void, p.void != nil
		if err := entry.Err(); err != nil {
			return out, err
		}
		return out, fmt.Errorf("checkout: sale %s ended as %s", s.TransactionID, entry.State)
	}

	// 1. The card part.
	if amt := s.TerminalAmount(); amt > 0 && p.card == nil {
		req := payment.Request{TransactionID: s.TransactionID, Amount: amt, Merchant: s.Merchant}
		card, err := c.cardStep(ctx, out, func(t payment.Terminal) (*payment.Result, error) { return t.Purchase(ctx, req) })
		if err != nil {
			return out, err
		}
		p.card = card
	}
	out.Card = p.card

	// 2. Fiscalisation. A sale whose auto-cancel was started is never fiscalised: the void is
	// settled first (it may have happened even though its reply was lost).
	if p.fiscal == nil && p.voidStarted {
		return c.settleVoid(ctx, s, p, out, nil)
	}
	if p.fiscal == nil {
		f, ferr := c.cfg.Fiscalize(ctx, FiscalRequest{Kind: "sale", TransactionID: s.TransactionID, Sale: s, Card: p.card})
		if ferr != nil {
			ferr = fmt.Errorf("%w: %w", ErrFiscal, ferr)
			if p.card != nil && !c.cfg.KeepPaymentOnFiscalError {
				// Journal the decision before the wire: a retry must finish the void, not
				// fiscalise a payment the terminal may already have cancelled.
				if err := c.note(ctx, s.TransactionID, refVoidStarted, "1"); err != nil {
					return out, errors.Join(ferr, err)
				}
				return c.settleVoid(ctx, s, p, out, ferr)
			}
			_ = c.cfg.Journal.Finish(context.WithoutCancel(ctx), key(s.TransactionID), journal.Outcome{State: journal.StateFailed, Result: p.card, Err: ferr})
			return out, ferr
		}
		if err := c.note(ctx, s.TransactionID, refFiscal, f); err != nil {
			return out, err
		}
		p.fiscal = &f
	}
	out.Fiscal = p.fiscal

	// 3. The receipt, 4. the drawer.
	return c.complete(ctx, s, p, out)
}

// complete prints the receipt and opens the drawer where the journal says they are still to
// do, then records the sale as done. Print and drawer failures are reported in out; the sale
// stands.
func (c *Checkout) complete(ctx context.Context, s Sale, p progress, out *Outcome) (*Outcome, error) {
	if !p.printed {
		out.PrintErr = c.print(ctx, s, p)
		out.Printed = out.PrintErr == nil
		if out.Printed {
			if err := c.note(ctx, s.TransactionID, refPrinted, "1"); err != nil {
				return out, err
			}
		}
	} else {
		out.Printed = true
	}
	if !p.drawer && c.cfg.Drawer != nil && (s.Drawer == DrawerAlways || (s.Drawer == DrawerWhenCash && s.HasCash())) {
		out.DrawerErr = c.cfg.Drawer.Open(ctx)
		out.DrawerOpened = out.DrawerErr == nil
		if out.DrawerOpened {
			if err := c.note(ctx, s.TransactionID, refDrawer, "1"); err != nil {
				return out, err
			}
		}
	}
	if err := c.cfg.Journal.Finish(context.WithoutCancel(ctx), key(s.TransactionID), journal.Outcome{State: journal.StateApproved, Result: p.card}); err != nil {
		return out, &payment.Error{Code: payment.CodeJournal, Err: err}
	}
	return out, nil
}

// cardStep runs the terminal part of a sale or return and journals its result. An unknown
// outcome leaves the entry open, so the next call with the same id reconciles through the
// terminal's own journal; any other failure ends the entry.
func (c *Checkout) cardStep(ctx context.Context, out *Outcome, run func(payment.Terminal) (*payment.Result, error)) (*payment.Result, error) {
	if c.cfg.Terminal == nil {
		_, err := c.fail(ctx, out, ErrNoTerm)
		return nil, err
	}
	res, err := run(c.cfg.Terminal)
	if err != nil {
		if journal.Classify(res, err) == journal.StateUnknown {
			return nil, err
		}
		_, err = c.fail(ctx, out, err)
		return nil, err
	}
	if res == nil || !res.Approved {
		_, err := c.fail(ctx, out, ErrNotPaid)
		return nil, err
	}
	if err := c.note(ctx, out.TransactionID, refCard, res); err != nil {
		return nil, err
	}
	return res, nil
}

func (c *Checkout) fail(ctx context.Context, out *Outcome, err error) (*Outcome, error) {
	state := journal.Classify(nil, err)
	if state != journal.StateDeclined {
		state = journal.StateFailed
	}
	_ = c.cfg.Journal.Finish(context.WithoutCancel(ctx), key(out.TransactionID), journal.Outcome{State: state, Err: err})
	return out, err
}

// settleVoid runs (or, on a retry, settles through the terminal's ledger) the auto-cancel of
// a sale whose fiscalisation failed, and ends the sale by what the terminal holds. cause is
// the fiscal error of this call (nil on a retry).
func (c *Checkout) settleVoid(ctx context.Context, s Sale, p progress, out *Outcome, cause error) (*Outcome, error) {
	if cause == nil {
		cause = fmt.Errorf("%w: an earlier call failed to fiscalise and started the auto-cancel", ErrFiscal)
	}
	void := p.void
	if void == nil {
		var verr error
		void, verr = c.voidCard(ctx, s.TransactionID, p.card)
		if verr != nil {
			if journal.Classify(void, verr) == journal.StateUnknown {
				// The terminal may hold the purchase and its void: never fiscalise it.
				out.VoidUnknown = true
				return out, errors.Join(cause, ErrVoidUnknown, verr)
			}
			// The void certainly did not happen: the payment stands and must be settled by
			// hand. The entry stays open so that a retry tries the void again.
			return out, errors.Join(cause, fmt.Errorf("checkout: auto-cancel failed: %w", verr))
		}
		if err := c.note(ctx, s.TransactionID, refVoid, void); err != nil {
			return out, errors.Join(cause, err)
		}
	}
	out.Void, out.Voided = void, true
	_ = c.cfg.Journal.Finish(context.WithoutCancel(ctx), key(s.TransactionID), journal.Outcome{State: journal.StateFailed, Result: p.card, Err: cause})
	return out, cause
}

// voidCard cancels the card payment by its invoice number, under a derived transaction id so
// that a retry of the cancel is idempotent too.
func (c *Checkout) voidCard(ctx context.Context, id string, card *payment.Result) (*payment.Result, error) {
	if c.cfg.Terminal == nil {
		return nil, ErrNoTerm
	}
	return c.cfg.Terminal.Cancel(ctx, payment.Request{TransactionID: id + ":void", Invoice: card.Invoice, Amount: card.Amount, RRN: card.RRN})
}

// ReceiptDocument returns the document the flow prints for a sale: the caller's body, the
// fiscal text and QR, the terminal's slip, a cut.
func ReceiptDocument(body *escpos.Document, f *Fiscal, card *payment.Result) *escpos.Document {
	doc := &escpos.Document{}
	if body != nil {
		doc.PaperDots, doc.Columns = body.PaperDots, body.Columns
		doc.Blocks = append(doc.Blocks, body.Blocks...)
	}
	if f != nil && (f.Text != "" || f.QR != "") {
		doc.Blocks = append(doc.Blocks, escpos.Block{Type: escpos.BlockFiscal, Text: f.Text, Data: f.QR})
	}
	if card != nil && card.Receipt != "" {
		doc.Blocks = append(doc.Blocks, escpos.Block{Type: escpos.BlockRule}, escpos.Block{Type: escpos.BlockSlip, Text: card.Receipt})
	}
	doc.Blocks = append(doc.Blocks, escpos.Block{Type: escpos.BlockCut})
	return doc
}

func (c *Checkout) print(ctx context.Context, s Sale, p progress) error {
	if c.cfg.Printer == nil {
		return errors.New("checkout: no printer configured")
	}
	if sp, ok := c.cfg.Printer.(statusPrinter); ok {
		st, err := sp.Status(ctx)
		if err == nil && !st.Ready() {
			return fmt.Errorf("%w: %s", ErrNotReady, st)
		}
	}
	if _, err := c.cfg.Printer.Print(ctx, ReceiptDocument(s.Receipt, p.fiscal, p.card)); err != nil {
		return err
	}
	if sp, ok := c.cfg.Printer.(statusPrinter); ok {
		// A printer that ran out of paper mid-job takes the bytes and prints nothing more.
		if st, err := sp.Status(ctx); err == nil && !st.Ready() {
			return fmt.Errorf("%w after printing: %s", ErrNotReady, st)
		}
	}
	return nil
}

// Reprint prints a completed sale's receipt again from the journal (fiscal data and the
// terminal's slip), with s.Receipt as the body. It touches neither the terminal nor the
// fiscal hook.
func (c *Checkout) Reprint(ctx context.Context, s Sale) (*Outcome, error) {
	_, p, found, err := c.load(ctx, s.TransactionID)
	if err != nil {
		return nil, err
	}
	if !found || p.fiscal == nil {
		return nil, fmt.Errorf("%w: %q has no fiscal receipt", ErrUnknownTx, s.TransactionID)
	}
	out := &Outcome{TransactionID: s.TransactionID, Card: p.card, Fiscal: p.fiscal}
	out.PrintErr = c.print(ctx, s, p)
	out.Printed = out.PrintErr == nil
	if out.Printed {
		if err := c.note(ctx, s.TransactionID, refPrinted, "1"); err != nil {
			return out, err
		}
	}
	return out, out.PrintErr
}
