package ssijson

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"strconv"

	"github.com/uapos/uapos/journal"
	"github.com/uapos/uapos/payment"
	"github.com/uapos/uapos/privatjson"
	"github.com/uapos/uapos/transport"
)

// DefaultPort is the TCP port of PrivatBank's payment app, the default of the JSON ECR
// protocol (spec §1). Other bank apps on the same terminal listen on their own ports.
const DefaultPort = 2000

// Client is the privatjson client: the wire is the same.
type Client = privatjson.Client

// Config tunes a [Client]; see [privatjson.Config].
type Config = privatjson.Config

// Dial returns a dial function for the bank app listening on host:port (port 0 means
// [DefaultPort]).
func Dial(host string, port int) privatjson.DialFunc {
	if port == 0 {
		port = DefaultPort
	}
	addr := net.JoinHostPort(host, strconv.Itoa(port))
	return func(ctx context.Context) (transport.Conn, error) { return transport.Open(ctx, "tcp://"+addr) }
}

// Open connects to the bank app on host:port with the spec's connection scheme
// ([privatjson.Open]).
func Open(ctx context.Context, host string, port int, cfg Config) (*Client, error) {
	return privatjson.Open(ctx, Dial(host, port), cfg)
}

// Identify tells what answers on c (handshake, identify, GetTerminalInfo), without any payment
// and without printing.
func Identify(ctx context.Context, c transport.Conn) (string, error) {
	return privatjson.IdentifyAs(ctx, c, "SSI JSON ECR")
}

// TerminalConfig configures a [Terminal] (the suite's adapter convention).
type TerminalConfig struct {
	// Bank must be "" or [payment.BankSSI]: DM has one SSI JSON row for every bank app.
	Bank payment.Bank
	// Journal records money-moving operations; nil means an in-memory journal.
	Journal journal.Journal
	// Key is this terminal's key in the journal; "" means "ssijson" plus the link's name.
	Key string
	// Wait makes a second caller wait instead of getting 1105 busy.
	Wait bool
	// Logger receives Debug records; nil discards.
	Logger *slog.Logger
}

// Terminal is [payment.Terminal] for an SSI JSON bank app, with the optional interfaces of its
// DM row only.
type Terminal struct{ t *privatjson.Terminal }

var (
	_ payment.Terminal          = (*Terminal)(nil)
	_ payment.CashbackPurchaser = (*Terminal)(nil)
	_ payment.TransactionGetter = (*Terminal)(nil)
	_ payment.MerchantLister    = (*Terminal)(nil)
	_ payment.BankEchoer        = (*Terminal)(nil)
	_ payment.LastTransactioner = (*Terminal)(nil)
)

// NewTerminal returns the adapter with the SSI JSON row.
func NewTerminal(c *Client, cfg TerminalConfig) (*Terminal, error) {
	if cfg.Bank != "" && cfg.Bank != payment.BankSSI {
		return nil, errors.New("ssijson: DM's SSI JSON row has no bank; leave Bank empty")
	}
	key := cfg.Key
	if key == "" {
		key = "ssijson"
	}
	t, err := privatjson.NewTerminal(c, privatjson.TerminalConfig{Bank: payment.BankSSI, Protocol: payment.ProtoSSIJSON,
		Journal: cfg.Journal, Key: key, Wait: cfg.Wait, Logger: cfg.Logger})
	if err != nil {
		return nil, err
	}
	return &Terminal{t: t}, nil
}

// Client returns the underlying client.
func (t *Terminal) Client() *Client { return t.t.Client() }

// Capabilities returns DM's SSI JSON row.
func (t *Terminal) Capabilities() payment.CapabilitySet { return t.t.Capabilities() }

// Purchase implements payment.Terminal (task 1).
func (t *Terminal) Purchase(ctx context.Context, req payment.Request) (*payment.Result, error) {
	return t.t.Purchase(ctx, req)
}

// Refund implements payment.Terminal (task 2).
func (t *Terminal) Refund(ctx context.Context, req payment.Request) (*payment.Result, error) {
	return t.t.Refund(ctx, req)
}

// Cancel implements payment.Terminal (task 3): Withdrawal by invoice.
func (t *Terminal) Cancel(ctx context.Context, req payment.Request) (*payment.Result, error) {
	return t.t.Cancel(ctx, req)
}

// XReport implements payment.Terminal (task 10): Audit.
func (t *Terminal) XReport(ctx context.Context, req payment.Request) (*payment.Result, error) {
	return t.t.XReport(ctx, req)
}

// CloseBatch implements payment.Terminal (task 11): Verify.
func (t *Terminal) CloseBatch(ctx context.Context, req payment.Request) (*payment.Result, error) {
	return t.t.CloseBatch(ctx, req)
}

// PurchaseCashback implements payment.CashbackPurchaser (task 14): Cashback.
func (t *Terminal) PurchaseCashback(ctx context.Context, req payment.Request) (*payment.Result, error) {
	return t.t.PurchaseCashback(ctx, req)
}

// GetTransaction implements payment.TransactionGetter (task 17): GetReceiptInfo.
func (t *Terminal) GetTransaction(ctx context.Context, req payment.Request) (*payment.Result, error) {
	return t.t.GetTransaction(ctx, req)
}

// Merchants implements payment.MerchantLister (service 2): getMerchantList.
func (t *Terminal) Merchants(ctx context.Context) ([]payment.Merchant, error) {
	return t.t.Merchants(ctx)
}

// BankEcho implements payment.BankEchoer (service 4): CheckConnection.
func (t *Terminal) BankEcho(ctx context.Context) error { return t.t.BankEcho(ctx) }

// LastTransaction implements payment.LastTransactioner (service 6): GetReceiptInfo("").
func (t *Terminal) LastTransaction(ctx context.Context) (*payment.Result, error) {
	return t.t.LastTransaction(ctx)
}
