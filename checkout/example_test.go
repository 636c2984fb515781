package checkout_test

import (
	"context"
	"fmt"

	"github.com/uapos/uapos/checkout"
	"github.com/uapos/uapos/escpos"
	"github.com/uapos/uapos/payment"
	"github.com/uapos/uapos/privatjson"
	"github.com/uapos/uapos/simulators/privatsim"
	"github.com/uapos/uapos/simulators/vprinter"
	"github.com/uapos/uapos/transport"
)

// A cash + card sale: the card part on the terminal, the caller's fiscal step, the receipt on
// the printer, the drawer opened for the cash part.
func Example() {
	ctx := context.Background()
	bank := privatsim.New(privatsim.Config{})
	defer bank.Close()
	baddr, _ := bank.ListenTCP("")
	dial := func(ctx context.Context) (transport.Conn, error) { return transport.Open(ctx, "tcp://"+baddr) }
	client, _ := privatjson.Open(ctx, dial, privatjson.Config{SendGap: -1, PingPause: -1})
	defer client.Close()
	term, _ := privatjson.NewTerminal(client, privatjson.TerminalConfig{})

	vp := vprinter.New(vprinter.Config{})
	defer vp.Close()
	paddr, _ := vp.ListenTCP("")
	pconn, _ := transport.Open(ctx, "tcp://"+paddr)
	defer pconn.Close()
	profile, _ := escpos.LoadProfile("epson-tm-t20")
	printer := escpos.NewPrinter(pconn, profile)

	co, _ := checkout.New(checkout.Config{
		Terminal: term,
		Printer:  printer,
		Drawer:   kick{printer},
		Fiscalize: func(ctx context.Context, req checkout.FiscalRequest) (checkout.Fiscal, error) {
			// Send the receipt and req.Card's RRN, auth code, masked PAN... to the PRRO here.
			return checkout.Fiscal{Number: "1001", Text: "ФІСКАЛЬНИЙ ЧЕК №1001", QR: "https://cabinet.tax.gov.ua/cashregs/check?id=1001"}, nil
		},
	})
	out, err := co.Sell(ctx, checkout.Sale{
		TransactionID: "sale-42",
		Parts: []checkout.Part{
			{Type: checkout.PayCash, Amount: 5000},
			{Type: checkout.PayCard, Amount: 12345},
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("card:", out.Card.Amount, out.Card.Approved, out.Card.PAN)
	fmt.Println("fiscal:", out.Fiscal.Number, "printed:", out.Printed, "drawer:", out.DrawerOpened)
	printer.Status(ctx) // the printer answers after parsing every byte before the request
	fmt.Println("on paper:", len(vp.Receipts()), "receipt, drawer open:", vp.DrawerOpened())
	// Output:
	// card: 123.45 true 4731XXXXXXXX9838
	// fiscal: 1001 printed: true drawer: true
	// on paper: 1 receipt, drawer open: true
}

// kick opens the drawer wired to the printer (drawer.Drawer does this with sensing and
// timing options; the plain kick keeps the example short).
type kick struct{ p *escpos.Printer }

func (k kick) Open(ctx context.Context) error {
	_, err := k.p.Write(escpos.AppendDrawerKick(nil, 2, 25, 250))
	return err
}

var _ payment.Terminal = (*privatjson.Terminal)(nil)
