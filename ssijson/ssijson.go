package ssijson

import (
	"context"
	"net"
	"strconv"

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

// TerminalConfig configures a [Terminal] ([privatjson.TerminalConfig]). Bank must be "" or
// [payment.BankSSI]: DM has one SSI JSON row for every bank app. The journal key defaults to
// "ssijson:" plus the link's name.
type TerminalConfig = privatjson.TerminalConfig

// Terminal is the JSON ECR adapter ([privatjson.Terminal]) under DM's SSI JSON row: tasks 1,
// 2, 3, 10, 11, 14, 17 and services merchant list, bank echo and last transaction. The other
// tasks and services of the JSON ECR protocol are refused with 5029 before the wire.
type Terminal = privatjson.Terminal

// variant is SSI JSON's configuration of the JSON ECR terminal.
var variant = privatjson.Variant{Protocol: payment.ProtoSSIJSON, DefaultBank: payment.BankSSI, Name: "ssijson"}

// NewTerminal returns the adapter with the SSI JSON row. It fails when cfg.Bank is another
// bank.
func NewTerminal(c *Client, cfg TerminalConfig) (*Terminal, error) {
	return privatjson.NewTerminalFor(c, cfg, variant)
}
