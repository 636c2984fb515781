// Package wiring turns a uaposd configuration ([service.Config]: devices by name, protocol,
// transport URL, bank) into the [service.Options] that [service.New] serves: each terminal
// protocol's constructors, the ESC/POS printers and the drawers on them.
//
// It is what cmd/uaposd runs, exported so that a Go program can embed the same service from
// the same configuration file without writing each protocol's Open function by hand. The
// journal given to [Wiring] is the one every terminal adapter writes and the one the service
// reads (transaction queries, DM's transaction_search), so the two cannot disagree.
package wiring

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/uapos/uapos/adapter"
	"github.com/uapos/uapos/bpos1"
	"github.com/uapos/uapos/bpos1/vendorlib"
	"github.com/uapos/uapos/bposlight"
	"github.com/uapos/uapos/drawer"
	"github.com/uapos/uapos/journal"
	"github.com/uapos/uapos/payment"
	"github.com/uapos/uapos/posapi"
	"github.com/uapos/uapos/posapi/capi"
	"github.com/uapos/uapos/privatjson"
	"github.com/uapos/uapos/service"
	"github.com/uapos/uapos/ssijson"
	"github.com/uapos/uapos/transport"
)

// Wiring turns configured devices into the service's devices.
type Wiring struct {
	// Journal is the journal every terminal writes and the service reads; nil means an
	// in-memory journal (lost at exit: open a durable one with journal.OpenSQLite).
	Journal journal.Journal
	// Logger receives the devices' Debug records; nil discards.
	Logger *slog.Logger
	// Fast drops the pauses real terminals need between messages; for simulators, which
	// answer at once. Leave it false for hardware.
	Fast bool
	// POSAPILibraries gives a ready POSAPI library by device name (an in-process simulator,
	// say) instead of loading the configured file.
	POSAPILibraries map[string]capi.Library
	// Rolls gives the paper of a simulated printer by device name, for the receipts the
	// support page shows.
	Rolls map[string]service.Roll
}

// Options returns the service options for the configuration's devices and checkout, with
// Journal and Logger set; the caller adds the rest (token, origins, timeouts). Nothing is
// opened here: each device opens on its first use.
func (w *Wiring) Options(cfg *service.Config) (service.Options, error) {
	if w.Journal == nil {
		w.Journal = journal.NewMemory()
	}
	o := service.Options{Journal: w.Journal, Logger: w.Logger}
	for _, d := range cfg.Devices {
		switch d.Kind {
		case service.KindTerminal:
			t, err := w.Terminal(d)
			if err != nil {
				return o, fmt.Errorf("terminal %s: %w", d.Name, err)
			}
			o.Terminals = append(o.Terminals, t)
		case service.KindPrinter:
			p, err := service.ESCPOSPrinter(d.Name, d.URL, d.Profile, w.Logger)
			if err != nil {
				return o, fmt.Errorf("printer %s: %w", d.Name, err)
			}
			p.Roll = w.Rolls[d.Name]
			o.Printers = append(o.Printers, p)
		case service.KindDrawer:
			o.Drawers = append(o.Drawers, service.ESCPOSDrawer(d.Name, d.Printer, drawer.Config{Pin: d.Pin, OpenWhenLow: d.OpenWhenLow, Logger: w.Logger}))
		}
	}
	o.Checkout = service.CheckoutOptions{FiscalURL: cfg.Checkout.FiscalURL, Terminal: cfg.Checkout.Terminal,
		Printer: cfg.Checkout.Printer, Drawer: cfg.Checkout.Drawer}
	return o, nil
}

// closers closes several things in order.
type closers []io.Closer

func (cs closers) Close() error {
	var first error
	for _, c := range cs {
		if c == nil {
			continue
		}
		if err := c.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// unloader unloads a vendor library when its terminal is closed.
type unloader struct{ l *posapi.VendorLibrary }

func (u unloader) Close() error { return u.l.Unload() }

// tcpTarget splits tcp://host:port.
func tcpTarget(raw string) (host string, port int, err error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "tcp" {
		return "", 0, fmt.Errorf("%q: want tcp://host:port", raw)
	}
	h, p, err := net.SplitHostPort(u.Host)
	if err != nil {
		return "", 0, fmt.Errorf("%q: %w", raw, err)
	}
	port, err = strconv.Atoi(p)
	if err != nil || port <= 0 || port > 65535 {
		return "", 0, fmt.Errorf("%q: bad port", raw)
	}
	return h, port, nil
}

// libraryPort is the port name a vendor library takes for a URL: "ip:port" for TCP, the
// device for serial.
func libraryPort(raw string) (port string, baud uint32, tcp bool, err error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", 0, false, err
	}
	switch u.Scheme {
	case "tcp":
		return u.Host, 0, true, nil
	case "serial":
		name := u.Path
		if name == "" {
			name = u.Opaque
		}
		if name == "" {
			name = u.Host
		}
		b := uint32(115200)
		if v := u.Query().Get("baud"); v != "" {
			n, err := strconv.ParseUint(v, 10, 32)
			if err != nil {
				return "", 0, false, fmt.Errorf("%q: bad baud", raw)
			}
			b = uint32(n)
		}
		return name, b, false, nil
	}
	return "", 0, false, fmt.Errorf("%q: a vendor library takes tcp:// or serial://", raw)
}

// Terminal returns the service's terminal for one configured terminal device: its
// capability row (from its protocol and bank) and an Open function that connects through
// the protocol's package, with an adapter writing w.Journal under the device's journal key
// (default "uaposd:NAME").
func (w *Wiring) Terminal(d service.DeviceConfig) (service.TerminalDevice, error) {
	if w.Journal == nil {
		w.Journal = journal.NewMemory()
	}
	proto, ok := service.TerminalProtocols[d.Protocol]
	if !ok {
		return service.TerminalDevice{}, fmt.Errorf("unknown protocol %q", d.Protocol)
	}
	bank := payment.Bank(d.Bank)
	if bank == "" {
		bank = proto.Bank
	}
	caps, ok := payment.Capabilities(bank, proto.Protocol)
	if !ok {
		return service.TerminalDevice{}, fmt.Errorf("bank %q has no %s row", bank, proto.Protocol)
	}
	key := d.JournalKey
	if key == "" {
		key = "uaposd:" + d.Name
	}
	acfg := adapter.Config{Bank: bank, Journal: w.Journal, Key: key, Logger: w.Logger}
	dev := service.TerminalDevice{Name: d.Name, Protocol: d.Protocol, Caps: caps, JournalKey: key, Merchant: d.Merchant, URL: d.URL}
	switch d.Protocol {
	case "privatjson":
		pcfg := privatjson.Config{Logger: w.Logger, SingleConnection: !strings.HasPrefix(d.URL, "tcp:")}
		if w.Fast {
			pcfg.SendGap, pcfg.PingPause = -1, -1 // progress polling stays: jobs stream it
		}
		dev.Open = func(ctx context.Context) (payment.Terminal, io.Closer, error) {
			dial := func(ctx context.Context) (transport.Conn, error) { return transport.Open(ctx, d.URL) }
			c, err := privatjson.Open(ctx, dial, pcfg)
			if err != nil {
				return nil, nil, err
			}
			t, err := privatjson.NewTerminal(c, acfg)
			if err != nil {
				c.Close()
				return nil, nil, err
			}
			return t, c, nil
		}
	case "ssijson":
		host, port, err := tcpTarget(d.URL)
		if err != nil {
			return dev, err
		}
		pcfg := privatjson.Config{Logger: w.Logger}
		if w.Fast {
			pcfg.SendGap, pcfg.PingPause = -1, -1
		}
		dev.Open = func(ctx context.Context) (payment.Terminal, io.Closer, error) {
			c, err := ssijson.Open(ctx, host, port, pcfg)
			if err != nil {
				return nil, nil, err
			}
			t, err := ssijson.NewTerminal(c, acfg)
			if err != nil {
				c.Close()
				return nil, nil, err
			}
			return t, c, nil
		}
	case "bposlight":
		dev.Open = func(ctx context.Context) (payment.Terminal, io.Closer, error) {
			conn, err := transport.Open(ctx, d.URL)
			if err != nil {
				return nil, nil, err
			}
			t, err := bposlight.NewTerminal(bposlight.New(conn, bposlight.Config{Logger: w.Logger}), acfg)
			if err != nil {
				conn.Close()
				return nil, nil, err
			}
			return t, conn, nil
		}
	case "bpos1":
		if d.Library == "" {
			// The PROVISIONAL native wire.
			dev.Open = func(ctx context.Context) (payment.Terminal, io.Closer, error) {
				conn, err := transport.Open(ctx, d.URL)
				if err != nil {
					return nil, nil, err
				}
				t, err := bpos1.NewWireTerminal(bpos1.NewWireClient(conn, bpos1.WireConfig{Logger: w.Logger}), acfg)
				if err != nil {
					conn.Close()
					return nil, nil, err
				}
				return t, conn, nil
			}
			break
		}
		port, baud, tcp, err := libraryPort(d.URL)
		if err != nil {
			return dev, err
		}
		dev.Open = func(ctx context.Context) (payment.Terminal, io.Closer, error) {
			lib, err := vendorlib.Open(vendorlib.Config{Path: d.Library})
			if err != nil {
				return nil, nil, err
			}
			bcfg := bpos1.Config{Logger: w.Logger, Name: d.URL}
			if w.Fast {
				bcfg.PollInterval = -1
			}
			c, err := bpos1.New(lib, bcfg)
			if err != nil {
				lib.Close()
				return nil, nil, err
			}
			if tcp {
				host, p, _ := net.SplitHostPort(port)
				err = c.OpenTCP(ctx, host, p)
			} else {
				err = c.OpenSerial(ctx, port, baud)
			}
			if err != nil {
				lib.Close()
				return nil, nil, err
			}
			t, err := bpos1.NewTerminal(c, acfg)
			if err != nil {
				closers{c, lib}.Close()
				return nil, nil, err
			}
			return t, closers{c, lib}, nil
		}
	case "posapi":
		port := ""
		if d.URL != "" {
			var err error
			if port, _, _, err = libraryPort(d.URL); err != nil {
				return dev, err
			}
		}
		dev.Open = func(ctx context.Context) (payment.Terminal, io.Closer, error) {
			var lib capi.Library
			var closer io.Closer
			if l, ok := w.POSAPILibraries[d.Name]; ok {
				lib = l
			} else {
				vl, err := posapi.Load(d.Library, posapi.LoadOptions{})
				if err != nil {
					return nil, nil, err
				}
				lib = vl
				closer = unloader{vl}
			}
			c, err := posapi.New(lib, posapi.Config{Port: port, Logger: w.Logger})
			if err != nil {
				return nil, nil, err
			}
			t, err := posapi.NewTerminal(c, acfg)
			if err != nil {
				return nil, nil, err
			}
			return t, closer, nil
		}
	}
	return dev, nil
}
