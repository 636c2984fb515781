package journal

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/uapos/uapos/payment"
)

// State is where a journaled operation stands.
type State string

// The states of a journal entry.
const (
	// StateIntent: the intent is written and the exchange runs (or the process died during it).
	StateIntent State = "intent"
	// StateApproved: the host approved; the money moved.
	StateApproved State = "approved"
	// StateDeclined: the host or the card refused; no money moved.
	StateDeclined State = "declined"
	// StateFailed: the operation definitely did not happen (busy, refused before the wire,
	// cancelled on the terminal, or proven absent by reconciliation); a retry may run it anew.
	StateFailed State = "failed"
	// StateUnknown: the request may have reached the terminal but no outcome came back.
	StateUnknown State = "unknown"
)

// Final reports whether the state is an outcome that a retry must return rather than redo.
func (s State) Final() bool { return s == StateApproved || s == StateDeclined }

// Pending reports whether the state has no known outcome (intent or unknown).
func (s State) Pending() bool { return s == StateIntent || s == StateUnknown }

// Entry is one money-moving operation in a [Journal].
type Entry struct {
	TransactionID string            `json:"transaction_id"`
	Terminal      string            `json:"terminal"`
	Operation     payment.Operation `json:"operation"`
	Request       payment.Request   `json:"request"`
	State         State             `json:"state"`
	// Fingerprint identifies the request (terminal, operation, amounts, references): a retry
	// with the same transaction id and another fingerprint is refused (code 7001, [payment.CodeIDReused]).
	// Begin fills it from [Fingerprint] when empty.
	Fingerprint string `json:"fingerprint,omitempty"`
	// Owner is the journal handle (host, process, open) that wrote the intent; an intent whose
	// owner is gone is an unknown outcome.
	Owner string `json:"owner,omitempty"`
	// Refs are protocol references noted during the exchange (POSAPI's POS_TRANS_ID, the
	// terminal's invoice, the time the request was sent), by the protocol's own names.
	Refs map[string]string `json:"refs,omitempty"`
	// Claims are the receipt identities (see [ReceiptKeys]) this entry's outcome holds: no
	// other entry may take the same receipt.
	Claims []string `json:"claims,omitempty"`
	// Result is the outcome, card number masked, when there is one.
	Result *payment.Result `json:"result,omitempty"`
	// ErrorCode, ErrorText, ResponseCode and DeviceText describe a failed or declined outcome.
	ErrorCode int    `json:"error_code,omitempty"`
	ErrorText string `json:"error_text,omitempty"`
	// ErrorKind is the error's kind ("declined", "device busy"...: the payment.Err* texts), kept
	// so a replayed outcome matches the same errors.Is checks as the original.
	ErrorKind    string    `json:"error_kind,omitempty"`
	ResponseCode string    `json:"response_code,omitempty"`
	DeviceText   string    `json:"device_text,omitempty"`
	Started      time.Time `json:"started"`
	Updated      time.Time `json:"updated"`
}

// Err rebuilds the error of a declined or failed entry, or returns nil.
func (e Entry) Err() error {
	if e.ErrorCode == 0 {
		return nil
	}
	return &payment.Error{Code: e.ErrorCode, Kind: payment.KindNamed(e.ErrorKind), ResponseCode: e.ResponseCode, DeviceText: e.DeviceText}
}

// Outcome is what [Journal.Finish] records.
type Outcome struct {
	State  State
	Result *payment.Result
	// Err is the error of a declined, failed or unknown outcome; nil for an approval.
	Err error
	// Claims are the receipt identities the outcome takes (see [ReceiptKeys]). Finish fails
	// with [ErrClaimed], writing nothing, when another entry already holds one of them.
	Claims []string
}

// Query selects entries for [Journal.Query]. Zero fields do not filter.
type Query struct {
	TransactionID string
	Terminal      string
	// RRN matches Result.RRN.
	RRN string
	// Amount matches Request.Amount.
	Amount payment.Amount
	// From and To bound Started (inclusive From, exclusive To).
	From, To time.Time
	// States keeps entries in one of these states.
	States []State
	// Limit caps the number of entries (newest first); 0 means 1000.
	Limit int
}

// Journal is a durable record of money-moving operations keyed by the caller's transaction id.
// Every method that writes returns only after the record is durable. Open the default store
// with [OpenSQLite]; [NewMemory] is for tests.
type Journal interface {
	// Begin records the intent of e before the wire exchange, atomically: it fails with
	// [ErrDuplicateTransaction] when the id exists, except that an entry in [StateFailed] with
	// the same fingerprint is taken over: back to intent, with this handle as owner, Started
	// set to now, the failed outcome cleared, and newest in the journal's order. A write the
	// database refuses (a full disk) is a [*payment.Error] with code 1082.
	Begin(ctx context.Context, e Entry) error
	// Note attaches a protocol reference to an entry (for example POSAPI's POS_TRANS_ID as
	// soon as the terminal sends it).
	Note(ctx context.Context, id, key, value string) error
	// Finish records the outcome and its claims, atomically.
	Finish(ctx context.Context, id string, o Outcome) error
	// Get returns the entry with the id.
	Get(ctx context.Context, id string) (Entry, bool, error)
	// Pending returns the entries that need reconciling, oldest first: those in
	// [StateUnknown], and intents whose owner is gone (a crashed process), which it turns to
	// unknown. Intents of a live handle (this one or another process's) are not returned.
	Pending(ctx context.Context) ([]Entry, error)
	// Last returns the newest entry of a terminal (the last one begun or taken over).
	Last(ctx context.Context, terminal string) (Entry, bool, error)
	// Claimant returns the id of the entry that holds a receipt identity.
	Claimant(ctx context.Context, key string) (id string, ok bool, err error)
	// Query returns the entries that match q, newest first.
	Query(ctx context.Context, q Query) ([]Entry, error)
	// Prune deletes entries with an outcome (approved, declined, failed) last updated before
	// the time, and returns how many. Pending entries are never pruned.
	Prune(ctx context.Context, before time.Time) (int, error)
	// Close releases the store.
	Close() error
}

// DefaultRetention is how long entries are kept: DM keeps terminal transactions 90 days.
const DefaultRetention = 90 * 24 * time.Hour

// Errors of the journal.
var (
	// ErrDuplicateTransaction is returned by Begin when the id is already recorded.
	ErrDuplicateTransaction = errors.New("journal: transaction id already in the journal")
	// ErrNoEntry is returned by Note and Finish for an id that was never begun.
	ErrNoEntry = errors.New("journal: no entry with that transaction id")
	// ErrClaimed is returned by Finish when another entry holds one of the outcome's claims.
	ErrClaimed = errors.New("journal: the receipt belongs to another entry")
	// ErrCorrupt is returned when a stored record fails its checksum or does not decode.
	ErrCorrupt = errors.New("journal: corrupt record")
	// ErrTooLarge is returned when a record exceeds [MaxRecord] even after its receipt text
	// was cut.
	ErrTooLarge = errors.New("journal: record too large")
)

// MaxRecord bounds one stored entry (its JSON form). A larger receipt text is cut, with a
// marker, so that the record fits; the same bound applies when reading.
const MaxRecord = 1 << 20

// Fingerprint returns the identity of a request on a terminal: the operation and every
// request field that changes what the terminal is asked to do. Two calls with the same
// transaction id must have the same fingerprint.
func Fingerprint(terminal string, op payment.Operation, r payment.Request) string {
	var b strings.Builder
	field := func(k, v string) {
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(strconv.Quote(v))
		b.WriteByte(';')
	}
	field("terminal", terminal)
	field("op", strconv.Itoa(int(op)))
	field("amount", strconv.FormatInt(int64(r.Amount), 10))
	field("discount", strconv.FormatInt(int64(r.Discount), 10))
	field("cash", strconv.FormatInt(int64(r.CashAmount), 10))
	field("merchant", r.Merchant)
	field("rrn", r.RRN)
	field("invoice", r.Invoice)
	field("agreement", r.AgreementNumber)
	field("parts", strconv.Itoa(r.Instalments))
	sum := sha256.Sum256([]byte(b.String()))
	return letters(sum[:16])
}

// letters writes bytes as letters a-p, one a nibble: an identifier with no digit runs, which
// card-number scanners (ours, a support engineer's grep, a bank's DLP tool) would flag when a
// hex string happens to hold 13 or more digits that pass the Luhn check.
func letters(b []byte) string {
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, 'a'+c>>4, 'a'+c&0x0f)
	}
	return string(out)
}

// ReceiptKeys returns the identities of a receipt on a terminal, strongest first: the RRN
// when there is one (unique per acquirer), else the invoice with the terminal's time, else the
// invoice alone. Each is scoped by the operation (a void's slip may carry its purchase's RRN,
// and is still another receipt). A receipt with none of them has no identity and cannot be
// claimed.
func ReceiptKeys(terminal string, r *payment.Result) []string {
	if r == nil {
		return nil
	}
	scope := terminal + "|" + strconv.Itoa(int(r.Operation))
	switch {
	case r.RRN != "":
		return []string{scope + "|rrn|" + r.RRN}
	case r.Invoice != "" && !r.Time.IsZero():
		return []string{scope + "|invoice|" + r.Invoice + "@" + r.Time.UTC().Format(time.RFC3339)}
	case r.Invoice != "":
		return []string{scope + "|invoice|" + r.Invoice}
	}
	return nil
}

// strongKey reports whether a receipt key names the receipt uniquely (an RRN).
func strongKey(key string) bool { return strings.Contains(key, "|rrn|") }

// describe is what a journal keeps of an error.
type failure struct {
	code                 int
	text, kind, rc, devt string
}

func describeErr(err error) failure {
	if err == nil {
		return failure{}
	}
	var pe *payment.Error
	if errors.As(err, &pe) {
		return failure{pe.Code, pe.Error(), payment.KindOf(pe).Error(), pe.ResponseCode, payment.RedactPANs(pe.DeviceText)}
	}
	return failure{payment.CodeInternal, payment.RedactPANs(err.Error()), "", "", ""}
}

// apply writes an outcome onto an entry (the stores share it).
func (e *Entry) apply(o Outcome, at time.Time) {
	f := describeErr(o.Err)
	e.State = o.State
	e.Result = redactResult(o.Result)
	e.ErrorCode, e.ErrorText, e.ErrorKind, e.ResponseCode, e.DeviceText = f.code, f.text, f.kind, f.rc, f.devt
	for _, k := range o.Claims {
		if !slices.Contains(e.Claims, k) {
			e.Claims = append(e.Claims, k)
		}
	}
	e.Updated = at
}

// prepare fills a new entry's defaults and masks card numbers.
func prepare(e Entry, owner string, now time.Time) (Entry, error) {
	if e.TransactionID == "" {
		return e, payment.ErrNoTransactionID
	}
	e.Request.Events = nil
	if e.State == "" {
		e.State = StateIntent
	}
	if e.Fingerprint == "" {
		e.Fingerprint = Fingerprint(e.Terminal, e.Operation, e.Request)
	}
	e.Owner = owner
	e.Started, e.Updated = now, now
	if e.Request.Extra != nil {
		x := make(map[string]string, len(e.Request.Extra))
		for k, v := range e.Request.Extra {
			x[k] = payment.RedactPANs(v)
		}
		e.Request.Extra = x
	}
	e.Result = redactResult(e.Result)
	return e, nil
}

func redactText(s string) string { return payment.RedactPANs(s) }

func redactResult(r *payment.Result) *payment.Result {
	if r == nil {
		return nil
	}
	c := *r
	c.PAN = payment.MaskPAN(string(r.PAN))
	c.Receipt = payment.RedactPANs(r.Receipt)
	c.ResponseText = payment.RedactPANs(r.ResponseText)
	if r.Raw != nil {
		c.Raw = make(map[string]string, len(r.Raw))
		for k, v := range r.Raw {
			c.Raw[k] = payment.RedactPANs(v)
		}
	}
	return &c
}

func copyEntry(e *Entry) Entry {
	c := *e
	if e.Refs != nil {
		c.Refs = make(map[string]string, len(e.Refs))
		for k, v := range e.Refs {
			c.Refs[k] = v
		}
	}
	c.Claims = append([]string(nil), e.Claims...)
	if e.Result != nil {
		r := *e.Result
		c.Result = &r
	}
	return c
}

func noEntry(id string) error { return fmt.Errorf("%w: %q", ErrNoEntry, id) }
