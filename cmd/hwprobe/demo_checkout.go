package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/uapos/uapos/checkout"
	"github.com/uapos/uapos/drawer"
	"github.com/uapos/uapos/escpos"
	"github.com/uapos/uapos/privatjson"
	"github.com/uapos/uapos/simulators"
	"github.com/uapos/uapos/transport"
)

// protoCheckout is not a wire protocol: it is DM's package mode (package checkout) on the
// PrivatBank JSON simulator and the virtual printer, shown in the demo only.
var protoCheckout = protocol{
	name:  "checkout",
	title: "package mode: pay on the terminal, fiscalise, print, open the drawer (demo only)",
	demo:  demoCheckout,
}

func demoCheckout(ctx context.Context, d *demoEnv) []demoRow {
	const name = "checkout"
	bank, fail := d.startSim(ctx, name, "terminal", simulators.Spec{Name: "privatjson"})
	if fail != nil {
		return fail
	}
	dial := func(ctx context.Context) (transport.Conn, error) { return transport.Open(ctx, "tcp://"+bank.Addr()) }
	pcfg := fastPrivatConfig
	pcfg.Logger = d.log
	client, err := privatjson.Open(ctx, dial, pcfg)
	if err != nil {
		return demoFail(name, "connect terminal", err)
	}
	defer client.Close()
	term, err := privatjson.NewTerminal(client, privatjson.TerminalConfig{Logger: d.log})
	if err != nil {
		return demoFail(name, "terminal adapter", err)
	}
	_, pconn, fail := d.dialSim(ctx, name, "printer", simulators.Spec{Name: "escpos"})
	if fail != nil {
		return fail
	}
	prof, err := escpos.LoadProfile(demoProfile)
	if err != nil {
		return demoFail(name, "printer profile", err)
	}
	printer := escpos.NewPrinter(pconn, prof, escpos.PrinterConfig{Logger: d.log})
	drw, err := drawer.New(pconn, drawer.Config{})
	if err != nil {
		return demoFail(name, "drawer", err)
	}
	prroDown := false
	fiscalize := func(_ context.Context, req checkout.FiscalRequest) (checkout.Fiscal, error) {
		if prroDown {
			return checkout.Fiscal{}, errors.New("demo PRRO: tax service unreachable")
		}
		return checkout.Fiscal{Number: "DEMO-" + req.TransactionID, Text: "ФІСКАЛЬНИЙ ЧЕК № DEMO-" + req.TransactionID,
			QR: "https://cabinet.tax.gov.ua/cashregs/check?id=DEMO-" + req.TransactionID}, nil
	}
	co, err := checkout.New(checkout.Config{Terminal: term, Printer: printer, Drawer: drw, Fiscalize: fiscalize})
	if err != nil {
		return demoFail(name, "checkout", err)
	}
	body := &escpos.Document{Blocks: []escpos.Block{
		{Type: escpos.BlockText, Text: "МАГАЗИН «ҐАНОК»", Align: "center", Bold: true},
		{Type: escpos.BlockColumns, Left: "Їжак іграшковий", Right: "123.45"},
		{Type: escpos.BlockColumns, Left: "Хліб житній", Right: "50.00"},
	}}
	var rows []demoRow
	sale := checkout.Sale{TransactionID: "demo-sale-1", Receipt: body, Parts: []checkout.Part{
		{Type: checkout.PayCash, Amount: 5000}, {Type: checkout.PayCard, Amount: demoPurchase}}}
	out, err := co.Sell(ctx, sale)
	switch {
	case err != nil:
		rows = append(rows, demoRow{name, "cash + card sale", statusFail, err.Error()})
	case !out.Printed || !out.DrawerOpened:
		rows = append(rows, demoRow{name, "cash + card sale", statusFail, fmt.Sprintf("printed=%v drawer=%v: %v %v", out.Printed, out.DrawerOpened, out.PrintErr, out.DrawerErr)})
	default:
		rows = append(rows, demoRow{name, "cash + card sale", statusOK, fmt.Sprintf("card %s approved (RRN %s), fiscal %s, receipt printed, drawer opened",
			out.Card.Amount, out.Card.RRN, out.Fiscal.Number)})
	}
	prroDown = true
	sale2 := checkout.Sale{TransactionID: "demo-sale-2", Receipt: body, Parts: []checkout.Part{{Type: checkout.PayCard, Amount: demoVoided}}}
	out, err = co.Sell(ctx, sale2)
	switch {
	case !errors.Is(err, checkout.ErrFiscal):
		rows = append(rows, demoRow{name, "fiscal fails: auto-cancel", statusFail, fmt.Sprint("want a fiscal error, got ", err)})
	case out == nil || !out.Voided:
		rows = append(rows, demoRow{name, "fiscal fails: auto-cancel", statusFail, "the card payment was not voided: " + err.Error()})
	default:
		rows = append(rows, demoRow{name, "fiscal fails: auto-cancel", statusOK, fmt.Sprintf("card %s voided on the terminal (invoice %s), nothing printed", out.Card.Amount, out.Card.Invoice)})
	}
	return rows
}
