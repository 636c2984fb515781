// Package adapter is the base every protocol's [payment.Terminal] adapter embeds, so that an
// adapter is only the mapping between its protocol client and the payment vocabulary.
//
// [Base] owns what every adapter needs and what was written once per protocol before: the
// configuration and its defaults ([Config]), the DM capability row and its check (5029 before
// the wire), the one-exchange-at-a-time gate (1105 busy, or wait), the ledger that journals
// every money-moving exchange and reconciles lost replies, and the logger.
//
// It is a package of its own, not part of payment or journal: payment is the pure vocabulary
// every protocol imports and does no I/O, and journal is the durable record and the rules of
// money; the base ties the two to a device and a configuration.
package adapter

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"time"

	"github.com/uapos/uapos/journal"
	"github.com/uapos/uapos/payment"
)

// Config configures a terminal adapter; every protocol's TerminalConfig is this type.
type Config struct {
	// Bank selects DM's capability row for the protocol; "" means the protocol's default bank.
	Bank payment.Bank
	// Journal records money-moving operations; nil means an in-memory journal. Open the
	// durable default with journal.OpenSQLite.
	Journal journal.Journal
	// Key is this terminal's key in the journal; "" means the protocol's name plus the link's
	// name (for example "privatjson:tcp://127.0.0.1:2000").
	Key string
	// Wait makes a second caller wait for the running operation instead of getting 1105 busy.
	Wait bool
	// ReconcileWindow is how far the time of the terminal's last transaction may be from the
	// time a lost request was sent for that transaction to be taken as the request's, where
	// the protocol can only match by likeness. 0 means 10 minutes; negative disables the time
	// check (type and amount must still match, and the receipt must be no other entry's).
	ReconcileWindow time.Duration
	// Logger receives Debug records; nil discards.
	Logger *slog.Logger
}

// DefaultReconcileWindow is the [Config.ReconcileWindow] used when it is 0.
const DefaultReconcileWindow = 10 * time.Minute

// Spec is what a protocol tells [New] about itself.
type Spec struct {
	// Protocol is the DM protocol of the capability row.
	Protocol payment.Protocol
	// DefaultBank is the bank used when Config.Bank is "".
	DefaultBank payment.Bank
	// KeyPrefix starts the default journal key ("privatjson").
	KeyPrefix string
	// Link, when it has a String method (a transport.Conn usually does), names the device in
	// the default key.
	Link any
	// Reconcile resolves unknown outcomes; nil leaves them unknown.
	Reconcile journal.ReconcileFunc
}

// Base is embedded by a protocol's Terminal. C is the protocol's client type.
type Base[C any] struct {
	client C
	cfg    Config
	caps   payment.CapabilitySet
	gate   payment.Gate
	ledger *journal.Ledger
	log    *slog.Logger
}

// New returns the base for client under cfg, or an error naming the protocol when the bank has
// no row for it in DM's table.
func New[C any](client C, cfg Config, spec Spec) (*Base[C], error) {
	if cfg.Bank == "" {
		cfg.Bank = spec.DefaultBank
	}
	caps, ok := payment.Capabilities(cfg.Bank, spec.Protocol)
	if !ok {
		return nil, fmt.Errorf("%s: bank %q has no %s row in DM's capability table", spec.KeyPrefix, cfg.Bank, spec.Protocol)
	}
	if cfg.Journal == nil {
		cfg.Journal = journal.NewMemory()
	}
	if cfg.Key == "" {
		cfg.Key = spec.KeyPrefix
		if s, ok := spec.Link.(fmt.Stringer); ok && !isNil(s) {
			cfg.Key += ":" + s.String()
		}
	}
	if cfg.ReconcileWindow == 0 {
		cfg.ReconcileWindow = DefaultReconcileWindow
	}
	lg := cfg.Logger
	if lg == nil {
		lg = slog.New(slog.DiscardHandler)
	}
	b := &Base[C]{client: client, cfg: cfg, caps: caps, log: lg}
	b.ledger = &journal.Ledger{Journal: cfg.Journal, Terminal: cfg.Key, Reconcile: spec.Reconcile}
	return b, nil
}

// isNil reports whether v is nil or a nil pointer (whose String method may not be callable).
func isNil(v any) bool {
	if v == nil {
		return true
	}
	r := reflect.ValueOf(v)
	return r.Kind() == reflect.Pointer && r.IsNil()
}

// ErrNilClient is returned by a protocol's NewTerminal given a nil client.
var ErrNilClient = errors.New("adapter: nil client")

// Client returns the protocol client, for the protocol's operations DM has no task for.
func (b *Base[C]) Client() C { return b.client }

// Capabilities returns the DM row.
func (b *Base[C]) Capabilities() payment.CapabilitySet { return b.caps }

// Config returns the configuration with its defaults filled in.
func (b *Base[C]) Config() Config { return b.cfg }

// Key returns the terminal's key in the journal.
func (b *Base[C]) Key() string { return b.cfg.Key }

// Journal returns the journal.
func (b *Base[C]) Journal() journal.Journal { return b.cfg.Journal }

// Ledger returns the ledger that runs the money-moving exchanges.
func (b *Base[C]) Ledger() *journal.Ledger { return b.ledger }

// Logger returns the logger (never nil).
func (b *Base[C]) Logger() *slog.Logger { return b.log }

// Window returns the reconcile time window; 0 when the time check is disabled.
func (b *Base[C]) Window() time.Duration { return max(b.cfg.ReconcileWindow, 0) }

// SetReconcile replaces the reconcile function (for a protocol whose link decides whether it
// can reconcile at all).
func (b *Base[C]) SetReconcile(f journal.ReconcileFunc) { b.ledger.Reconcile = f }

// Enter checks op against the row (5029 before the wire) and takes the gate. Call leave when
// the exchange is over.
func (b *Base[C]) Enter(ctx context.Context, op payment.Operation) (leave func(), err error) {
	if err := b.caps.Check(op); err != nil {
		return nil, err
	}
	return b.gate.Enter(ctx, b.cfg.Wait)
}

// EnterService checks a service call against the row and, when gate is true, takes the gate.
// A service message that runs alongside an operation (the protocol allows it) passes false.
func (b *Base[C]) EnterService(ctx context.Context, s payment.Service, gate bool) (leave func(), err error) {
	if err := b.caps.CheckService(s); err != nil {
		return nil, err
	}
	if !gate {
		return func() {}, nil
	}
	return b.gate.Enter(ctx, b.cfg.Wait)
}

// EnterLink takes the gate without a row check, for the protocol's own link check that DM's
// table has no service for (a ping).
func (b *Base[C]) EnterLink(ctx context.Context) (leave func(), err error) {
	return b.gate.Enter(ctx, b.cfg.Wait)
}

// Money runs a money-moving exchange: row check, gate, then the ledger (intent, exchange,
// outcome, reconciliation of earlier unknown outcomes).
func (b *Base[C]) Money(ctx context.Context, op payment.Operation, req payment.Request, exchange func(ctx context.Context) (*payment.Result, error)) (*payment.Result, error) {
	leave, err := b.Enter(ctx, op)
	if err != nil {
		return nil, err
	}
	defer leave()
	return b.ledger.Run(ctx, op, req, exchange)
}

// Note attaches a protocol reference to a running entry (best effort: a note is evidence for
// a later reconciliation, not an outcome).
func (b *Base[C]) Note(ctx context.Context, id, key, value string) {
	b.ledger.Note(ctx, id, key, value)
}
