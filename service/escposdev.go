package service

import (
	"context"
	"errors"
	"log/slog"

	"github.com/uapos/uapos/drawer"
	"github.com/uapos/uapos/escpos"
	"github.com/uapos/uapos/transport"
)

// escposLink is an ESC/POS printer on its own link; the drawers on it share the link.
type escposLink struct {
	*escpos.Printer
	conn transport.Conn
}

func (l *escposLink) Close() error { return l.conn.Close() }

// ESCPOSPrinter returns a printer device driven by package escpos over the transport URL
// (tcp://host:9100, usblp:///dev/usb/lp0, serial:///dev/ttyUSB0?baud=...) with the named
// profile ("" = [DefaultPrinterProfile]).
func ESCPOSPrinter(name, rawURL, profile string, logger *slog.Logger) (PrinterDevice, error) {
	if profile == "" {
		profile = DefaultPrinterProfile
	}
	prof, err := escpos.LoadProfile(profile)
	if err != nil {
		return PrinterDevice{}, err
	}
	return PrinterDevice{Name: name, Profile: profile, URL: rawURL, Open: func(ctx context.Context) (Printer, error) {
		c, err := transport.Open(ctx, rawURL)
		if err != nil {
			return nil, err
		}
		return &escposLink{Printer: escpos.NewPrinter(c, prof, escpos.PrinterConfig{Logger: logger}), conn: c}, nil
	}}, nil
}

// ESCPOSDrawer returns a cash drawer on an [ESCPOSPrinter]'s kick-out port.
func ESCPOSDrawer(name, printer string, cfg drawer.Config) DrawerDevice {
	return DrawerDevice{Name: name, Printer: printer, Attach: func(p Printer) (Drawer, error) {
		l, ok := p.(*escposLink)
		if !ok {
			return nil, errors.New("the drawer's printer is not an ESC/POS printer on a link")
		}
		return drawer.New(l.conn, cfg)
	}}
}

// DefaultPrinterProfile is the printer profile used when the configuration names none: an
// 80 mm Epson TM-T88, the reference most ESC/POS printers follow.
const DefaultPrinterProfile = "epson-tm-t88"
