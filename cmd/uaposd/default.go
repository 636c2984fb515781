package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/uapos/uapos/posapi/capi"
	"github.com/uapos/uapos/service"
	"github.com/uapos/uapos/simulators"
	"github.com/uapos/uapos/simulators/posapisim"
	"github.com/uapos/uapos/simulators/vprinter"
)

// builtin is the embedded default: the built-in simulators on loopback, one terminal per
// protocol and one virtual printer with its drawer, described as a configuration.
type builtin struct {
	cfg  *service.Config
	sims map[string]*simulators.Running // by device name
	libs map[string]capi.Library        // in-process vendor-library simulators
}

// defaultDevices names the embedded default's devices: device name, simulator, bank.
var defaultDevices = []struct{ name, sim, bank string }{
	{"privat", "privatjson", "PrivatBank"},
	{"ssi", "ssijson", "SSI"},
	{"pivdennyi", "bposlight", "Bank Pivdennyi"},
	{"oschad", "bpos1", "Oschadbank"},
}

// startBuiltin starts the simulators on 127.0.0.1 (ports the OS picks), with faults by device
// name (tests; nil for a well-behaved set).
func startBuiltin(ctx context.Context, log *slog.Logger, faults map[string][]string) (*builtin, error) {
	b := &builtin{cfg: &service.Config{}, sims: map[string]*simulators.Running{}, libs: map[string]capi.Library{}}
	for _, d := range defaultDevices {
		r, err := simulators.Start(ctx, simulators.Spec{Name: d.sim, Faults: faults[d.name], Logger: log})
		if err != nil {
			b.Close()
			return nil, fmt.Errorf("starting the %s simulator: %w", d.sim, err)
		}
		b.sims[d.name] = r
		b.cfg.Devices = append(b.cfg.Devices, service.DeviceConfig{Name: d.name, Kind: service.KindTerminal,
			Protocol: d.sim, URL: "tcp://" + r.Addr(), Bank: d.bank})
	}
	// POSAPI has no public wire: its simulator is a vendor library in this process.
	b.libs["raiffeisen"] = posapisim.New(posapisim.Config{})
	b.cfg.Devices = append(b.cfg.Devices, service.DeviceConfig{Name: "raiffeisen", Kind: service.KindTerminal,
		Protocol: "posapi", Library: "(built-in simulator)", Bank: "Raiffeisen"})
	r, err := simulators.Start(ctx, simulators.Spec{Name: "escpos", Faults: faults["prn"], Logger: log})
	if err != nil {
		b.Close()
		return nil, fmt.Errorf("starting the printer simulator: %w", err)
	}
	b.sims["prn"] = r
	b.cfg.Devices = append(b.cfg.Devices,
		// The virtual printer is an 80 mm Epson of 576 dots, 48 columns: the TM-T20 profile.
		service.DeviceConfig{Name: "prn", Kind: service.KindPrinter, URL: "tcp://" + r.Addr(), Profile: "epson-tm-t20"},
		service.DeviceConfig{Name: "cash", Kind: service.KindDrawer, Printer: "prn"})
	b.cfg.Checkout = service.CheckoutConfig{Terminal: "privat", Printer: "prn", Drawer: "cash"}
	return b, nil
}

// rolls returns the virtual printer's paper by device name, for the support page.
func (b *builtin) rolls() map[string]service.Roll {
	out := map[string]service.Roll{}
	for name, r := range b.sims {
		if vp, ok := r.Sim().(*vprinter.Server); ok {
			out[name] = roll{vp}
		}
	}
	return out
}

// roll is a virtual printer's paper: the cut pages it keeps.
type roll struct{ vp *vprinter.Server }

// Pages implements service.Roll.
func (r roll) Pages() int { return len(r.vp.Receipts()) }

// PagePNG implements service.Roll.
func (r roll) PagePNG(i int) ([]byte, error) {
	rs := r.vp.Receipts()
	if i < 0 || i >= len(rs) {
		return nil, fmt.Errorf("no page %d: the virtual printer keeps %d", i, len(rs))
	}
	return rs[i].PNG()
}

// Close stops every simulator.
func (b *builtin) Close() error {
	for _, r := range b.sims {
		r.Close()
	}
	return nil
}
