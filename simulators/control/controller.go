package control

import (
	"errors"
	"maps"
	"sync"
	"time"

	"github.com/uapos/uapos/payment"
)

// Controller is the control every simulator of the suite offers, in Go (reach it through
// simulators.Running.Controller) and over HTTP ([NewHandler]). Its methods are safe for
// concurrent use.
type Controller interface {
	// Support says which fault words the simulator takes and why its protocol cannot
	// express the others.
	Support() Support
	// SetFaults arms faults (a fault replaces an armed one of the same name). It arms
	// nothing and returns the first error when any of them is unknown or not expressible.
	SetFaults(fs ...Fault) error
	// ClearFaults disarms every fault and ends the conditions they set.
	ClearFaults()
	// Faults returns the armed faults.
	Faults() []Fault
	// PresentCard lets a card operation waiting at the card prompt (card-timeout) go on; a
	// card presented while nothing waits is kept for the next wait. It returns an error
	// wrapping [ErrNotSupported] on a device that reads no cards.
	PresentCard() error
	// Ledger returns what the bank saw, oldest first.
	Ledger() []Charge
	// Requests returns the requests received, as decoded, oldest first (the most recent
	// [MaxRequests]).
	Requests() []Request
	// Reset clears the faults, the ledger, the request log and the device's own journal or
	// pages: the simulator is as it started, without its start-up faults.
	Reset()
}

// Printer is the control of a printer simulator: a [Controller] that also returns what it
// printed.
type Printer interface {
	Controller
	// Pages returns the pages printed and cut, oldest first (the most recent ones a
	// printer keeps).
	Pages() []Page
	// PagePNG renders page index (Page.Index) as PNG; an error wrapping [ErrNoPage] when
	// the printer does not keep it.
	PagePNG(index int) ([]byte, error)
}

// Errors of controllers.
var (
	// ErrNotSupported: the device has no such control (a printer reads no cards).
	ErrNotSupported = errors.New("control: not supported by this device")
	// ErrNoPage: no page has that index (never printed, or no longer kept).
	ErrNoPage = errors.New("control: no such page")
)

// Charge is one operation the bank saw: an authorisation approved, partly approved or
// declined, a void or reversal, a settlement. Amounts are in kopecks.
type Charge struct {
	Seq  int       `json:"seq"`
	Time time.Time `json:"time"`
	// Operation: "purchase", "refund", "void", "reversal" (the terminal undid an
	// unconfirmed purchase), "settlement", or the protocol's own name of another service.
	Operation string `json:"operation"`
	// Amount is what the bank moved (for a partial approval, the approved part).
	Amount int64 `json:"amount"`
	// Requested is the amount asked for, when it differs from Amount.
	Requested int64 `json:"requested,omitempty"`
	// Outcome: "approved", "partial", "declined".
	Outcome string `json:"outcome"`
	// Code is the response code as the protocol sends it ("0051", "51").
	Code     string `json:"code,omitempty"`
	Invoice  string `json:"invoice,omitempty"`
	RRN      string `json:"rrn,omitempty"`
	AuthCode string `json:"auth_code,omitempty"`
	// Reference is the invoice or id of the operation a void or reversal undoes.
	Reference string `json:"reference,omitempty"`
	// PAN is the card number as the terminal reports it, masked.
	PAN string `json:"pan,omitempty"`
}

// Outcomes of a Charge.
const (
	Approved = "approved"
	Partial  = "partial"
	Declined = "declined"
)

// Request is one request a simulator received, as it decoded it. Card numbers are masked.
type Request struct {
	Seq  int       `json:"seq"`
	Time time.Time `json:"time"`
	// Operation is the protocol's name of the request ("Purchase", "PUR", "financial/1").
	Operation string `json:"operation"`
	// Fields are the request's fields as strings.
	Fields map[string]string `json:"fields,omitempty"`
}

// Page is one printed page (the paper between two cuts).
type Page struct {
	// Index numbers the pages since the printer started or was reset, from 0.
	Index int `json:"index"`
	// Text is the page with style markers, Plain without them.
	Text  string `json:"text"`
	Plain string `json:"plain"`
	// Cut is false for the page still being printed.
	Cut bool `json:"cut"`
	// Commands are the commands the page was printed with, as decoded.
	Commands []Command `json:"commands"`
}

// Command is one decoded printer command.
type Command struct {
	// Offset is the position of its first byte in the stream the printer received.
	Offset int64 `json:"offset"`
	// Name is the command ("ESC @", "GS ( k fn 180", "LF") or "text".
	Name string `json:"name"`
	// Len is its length in bytes.
	Len int `json:"len"`
	// Hex is its first bytes in hex (at most 32).
	Hex string `json:"hex,omitempty"`
	// Text is the text it printed, for "text".
	Text string `json:"text,omitempty"`
}

// Bounds of the logs kept.
const (
	// MaxCharges is how many charges a Ledger keeps (the oldest go first).
	MaxCharges = 10000
	// MaxRequests is how many requests a RequestLog keeps (the oldest go first).
	MaxRequests = 1000
)

// Ledger is a simulator's record of what the bank saw. The zero value is empty and ready;
// it is safe for concurrent use.
type Ledger struct {
	mu   sync.Mutex
	seq  int
	list []Charge
}

// Add records c, giving it the next Seq, the time if it has none, and a masked PAN.
func (l *Ledger) Add(c Charge) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.seq++
	c.Seq = l.seq
	if c.Time.IsZero() {
		c.Time = time.Now()
	}
	c.PAN = string(payment.MaskPAN(c.PAN))
	if c.Requested == c.Amount {
		c.Requested = 0
	}
	if len(l.list) >= MaxCharges {
		l.list = l.list[1:]
	}
	l.list = append(l.list, c)
}

// List returns the charges, oldest first.
func (l *Ledger) List() []Charge {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Charge{}, l.list...)
}

// Reset empties the ledger and restarts Seq.
func (l *Ledger) Reset() {
	l.mu.Lock()
	l.list, l.seq = nil, 0
	l.mu.Unlock()
}

// RequestLog is a simulator's record of the requests it received. The zero value is empty
// and ready; it is safe for concurrent use.
type RequestLog struct {
	mu   sync.Mutex
	seq  int
	list []Request
}

// Add records a request; card numbers in fields are masked, and the fields are copied.
func (l *RequestLog) Add(op string, fields map[string]string) {
	f := make(map[string]string, len(fields))
	for k, v := range fields {
		f[payment.RedactPANs(k)] = payment.RedactPANs(v)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.seq++
	if len(l.list) >= MaxRequests {
		l.list = l.list[1:]
	}
	l.list = append(l.list, Request{Seq: l.seq, Time: time.Now(), Operation: payment.RedactPANs(op), Fields: f})
}

// List returns the requests, oldest first.
func (l *RequestLog) List() []Request {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]Request, len(l.list))
	for i, r := range l.list {
		r.Fields = maps.Clone(r.Fields)
		out[i] = r
	}
	return out
}

// Reset empties the log and restarts Seq.
func (l *RequestLog) Reset() {
	l.mu.Lock()
	l.list, l.seq = nil, 0
	l.mu.Unlock()
}

// State is what every simulator's Controller keeps the same way: the armed faults, the
// ledger and the request log. A simulator embeds it in its Controller, which then has
// ClearFaults, Faults, Ledger and Requests.
type State struct {
	Armed   Set
	Charges Ledger
	Log     RequestLog
}

// ClearFaults disarms every fault.
func (s *State) ClearFaults() { s.Armed.Clear() }

// Faults returns the armed faults.
func (s *State) Faults() []Fault { return s.Armed.List() }

// Ledger returns the charges, oldest first.
func (s *State) Ledger() []Charge { return s.Charges.List() }

// Requests returns the requests logged, oldest first.
func (s *State) Requests() []Request { return s.Log.List() }

// Clear empties the faults, the ledger and the log.
func (s *State) Clear() {
	s.Armed.Clear()
	s.Charges.Reset()
	s.Log.Reset()
}

// TerminalSpec is what a terminal simulator gives [NewTerminal].
type TerminalSpec struct {
	// Support says what the protocol makes of the vocabulary.
	Support Support
	// DeclineCode is the code of a decline fault that names none (do not honour, in the
	// protocol's form); MaxCode is the highest code the protocol carries.
	DeclineCode string
	MaxCode     int
	// PresentCard hands a card to a card wait, or keeps it for the next one.
	PresentCard func()
	// Reset puts the simulator's own state (journal, batch, counters) back to its start;
	// the controller clears the State itself.
	Reset func()
}

// NewTerminal returns the Controller of a terminal simulator that keeps its faults, ledger
// and log in st: SetFaults checks the faults with spec.Support.CheckAll and arms them.
func NewTerminal(st *State, spec TerminalSpec) Controller { return terminal{st, spec} }

type terminal struct {
	*State
	spec TerminalSpec
}

func (t terminal) Support() Support { return t.spec.Support }

func (t terminal) SetFaults(fs ...Fault) error {
	if err := t.spec.Support.CheckAll(fs, t.spec.DeclineCode, t.spec.MaxCode); err != nil {
		return err
	}
	t.Armed.Arm(fs...)
	return nil
}

func (t terminal) PresentCard() error {
	t.spec.PresentCard()
	return nil
}

func (t terminal) Reset() {
	t.State.Clear()
	t.spec.Reset()
}
