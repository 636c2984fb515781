package main

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/uapos/uapos/drawer"
	"github.com/uapos/uapos/escpos"
	"github.com/uapos/uapos/simulators"
	"github.com/uapos/uapos/simulators/vprinter"
)

// demoProfile is the escpos profile the demo prints with: an 80 mm Epson, like the virtual
// printer's default.
const demoProfile = "epson-tm-t20"

// demoReceipt loads the embedded reference receipt with its logo.
func demoReceipt() (*escpos.Document, error) {
	data, err := assets.ReadFile("assets/reference-receipt.json")
	if err != nil {
		return nil, err
	}
	doc, err := escpos.ParseDocument(data)
	if err != nil {
		return nil, err
	}
	sub, err := fs.Sub(assets, "assets")
	if err != nil {
		return nil, err
	}
	if err := doc.LoadImages(sub); err != nil {
		return nil, err
	}
	return doc, nil
}

// demoVPrinter prints the reference receipt (logo, Ukrainian text, EAN-13, CODE128, QR) on
// the virtual printer through escpos, opens the drawer through drawer, and writes the
// rendered paper to d.out.
func demoVPrinter(ctx context.Context, d *demoEnv) []demoRow {
	const name = "escpos"
	r, conn, fail := d.dialSim(ctx, name, "", simulators.Spec{Name: name, Logger: d.log})
	if fail != nil {
		return fail
	}
	sim, ok := r.Sim().(*vprinter.Server)
	if !ok {
		return demoFail(name, "start simulator", fmt.Errorf("the escpos simulator is a %T, not the virtual printer", r.Sim()))
	}
	prof, err := escpos.LoadProfile(demoProfile)
	if err != nil {
		return demoFail(name, "profile", err)
	}
	var rows []demoRow
	add := func(step string, err error, detail string) bool {
		if err != nil {
			rows = append(rows, demoRow{name, step, statusFail, err.Error()})
			return false
		}
		rows = append(rows, demoRow{name, step, statusOK, detail})
		return true
	}
	p := escpos.NewPrinter(conn, prof, escpos.PrinterConfig{Logger: d.log})
	st, err := p.Status(ctx)
	if !add("status", err, describeStatus(st)) {
		return rows
	}
	doc, err := demoReceipt()
	if !add("load receipt", err, fmt.Sprintf("reference receipt, %d blocks", len(docBlocks(doc)))) {
		return rows
	}
	rep, err := p.Print(ctx, doc)
	if !add("print receipt", err, fmt.Sprintf("profile %s, code page %s, %s not exact", demoProfile, rep.Charset, plural(len(rep.Inexact), "character"))) {
		return rows
	}
	dr, err := drawer.New(conn, drawer.Config{Logger: d.log})
	if err == nil {
		err = dr.Open(ctx)
	}
	if !add("open drawer", err, "pulse sent on pin 2") {
		return rows
	}
	// The status read is also the barrier: the printer answers DLE EOT in stream order, so
	// the receipt and the kick before it have been taken in when the answer comes.
	open, err := dr.IsOpen(ctx)
	if err == nil && (!open || !sim.DrawerOpened()) {
		err = fmt.Errorf("drawer reads closed after the kick (sensor %v, simulator %v)", open, sim.DrawerOpened())
	}
	if !add("drawer sensor", err, "reads open") {
		return rows
	}
	add("receipt on paper", checkReceipt(sim, d), d.out)
	return rows
}

func docBlocks(doc *escpos.Document) []escpos.Block {
	if doc == nil {
		return nil
	}
	return doc.Blocks
}

func describeStatus(s escpos.Status) string {
	var b []string
	if s.Offline {
		b = append(b, "offline")
	} else {
		b = append(b, "online")
	}
	switch {
	case s.PaperEnd:
		b = append(b, "paper out")
	case s.PaperNearEnd:
		b = append(b, "paper near end")
	default:
		b = append(b, "paper ok")
	}
	if s.CoverOpen {
		b = append(b, "cover open")
	}
	return strings.Join(b, ", ")
}

// checkReceipt finds the cut receipt on the virtual printer, checks it holds what was sent,
// and writes its PNG to d.out.
func checkReceipt(sim *vprinter.Server, d *demoEnv) error {
	var rec *vprinter.Receipt
	for _, r := range sim.Receipts() {
		if r.Page != nil && r.Page.Cut {
			r := r
			rec = &r
		}
	}
	if rec == nil {
		return fmt.Errorf("no cut receipt on the virtual printer")
	}
	var missing []string
	for _, want := range []string{"ПРОДУКТИ", "Хліб Український"} {
		if !strings.Contains(rec.Text, want) && !strings.Contains(rec.Plain, want) {
			missing = append(missing, fmt.Sprintf("text %q", want))
		}
	}
	kinds := map[string]bool{}
	for _, b := range rec.Page.Barcodes() {
		kinds[strings.ToUpper(b.Symbology)] = true
	}
	for _, k := range []string{"EAN13", "CODE128"} {
		if !kinds[k] {
			missing = append(missing, k)
		}
	}
	if len(rec.Page.QRs()) == 0 {
		missing = append(missing, "QR")
	}
	if len(missing) > 0 {
		return fmt.Errorf("the printed receipt lacks %s", strings.Join(missing, ", "))
	}
	png, err := rec.PNG()
	if err != nil {
		return err
	}
	if err := os.WriteFile(d.out, png, 0o644); err != nil {
		return err
	}
	d.wrote(d.out)
	return nil
}
