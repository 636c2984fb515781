package service_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"

	"github.com/uapos/uapos/bposlight"
	"github.com/uapos/uapos/journal"
	"github.com/uapos/uapos/payment"
	"github.com/uapos/uapos/privatjson"
	"github.com/uapos/uapos/service"
	"github.com/uapos/uapos/simulators"
	"github.com/uapos/uapos/transport"
)

// Serve a PrivatBank terminal (here the built-in simulator on loopback) and a virtual receipt
// printer over HTTP, with a durable SQLite journal, then pay through the native API. The
// purchase is sent twice with the same transaction id, as a client does when it lost the
// first reply: the second reply is the journal's answer, and the bank charges once. The
// terminal's slip then goes to the printer.
func ExampleNew() {
	ctx := context.Background()
	sim, err := simulators.Start(ctx, simulators.Spec{Name: "privatjson"}) // 127.0.0.1, a free port
	if err != nil {
		fmt.Println(err)
		return
	}
	defer sim.Close()
	prn, err := simulators.Start(ctx, simulators.Spec{Name: "escpos"})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer prn.Close()

	dir, err := os.MkdirTemp("", "uapos-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	j, err := journal.OpenSQLite(filepath.Join(dir, "journal.db"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer j.Close()

	// The service knows a terminal by its Open function; the adapter writes the same journal
	// the service reads.
	url := "tcp://" + sim.Addr()
	caps, _ := payment.Capabilities(payment.BankPrivat, payment.ProtoPrivatJSON)
	term := service.TerminalDevice{Name: "privat", Protocol: "privatjson", Caps: caps, JournalKey: "privat", URL: url,
		Open: func(ctx context.Context) (payment.Terminal, io.Closer, error) {
			dial := func(ctx context.Context) (transport.Conn, error) { return transport.Open(ctx, url) }
			// A simulator needs none of the pauses a real terminal wants: leave them at zero
			// (the spec's values) for hardware.
			c, err := privatjson.Open(ctx, dial, privatjson.Config{SendGap: -1, PingPause: -1})
			if err != nil {
				return nil, nil, err
			}
			t, err := privatjson.NewTerminal(c, privatjson.TerminalConfig{Journal: j, Key: "privat"})
			if err != nil {
				c.Close()
				return nil, nil, err
			}
			return t, c, nil
		}}
	printer, err := service.ESCPOSPrinter("prn", "tcp://"+prn.Addr(), "epson-tm-t20", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	svc, err := service.New(service.Options{Terminals: []service.TerminalDevice{term},
		Printers: []service.PrinterDevice{printer}, Journal: j, Loopback: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer svc.Shutdown(ctx)                  // after the server stopped taking requests
	srv := httptest.NewServer(svc.Handler()) // 127.0.0.1
	defer srv.Close()

	purchase := func() (status int, result payment.Result) {
		body := `{"transaction_id":"ex-1","amount":"12.34"}`
		resp, err := http.Post(srv.URL+"/v1/terminals/privat/purchase", "application/json", bytes.NewBufferString(body))
		if err != nil {
			fmt.Println(err)
			return 0, result
		}
		defer resp.Body.Close()
		var reply struct{ Result payment.Result }
		if err := json.NewDecoder(resp.Body).Decode(&reply); err != nil {
			fmt.Println(err)
		}
		return resp.StatusCode, reply.Result
	}
	status, first := purchase()
	fmt.Println("status:", status)
	fmt.Println("approved:", first.Approved, first.Amount)
	fmt.Println("card:", first.PaymentSystem, "*"+first.PAN.Last4())

	status, again := purchase()
	fmt.Println("retry status:", status)
	fmt.Println("same reply:", again.RRN == first.RRN && again.Invoice == first.Invoice && again.Amount == first.Amount)
	fmt.Println("charges at the bank:", len(sim.Controller().Ledger()))

	// The terminal's slip goes to the receipt printer.
	slip, _ := json.Marshal(service.TextRequest{Text: first.Receipt, Cut: true})
	resp, err := http.Post(srv.URL+"/v1/printers/prn/text", "application/json", bytes.NewReader(slip))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	var printed service.PrintReply
	if err := json.NewDecoder(resp.Body).Decode(&printed); err != nil {
		fmt.Println(err)
	}
	fmt.Println("slip printed:", resp.StatusCode, printed.Printed)
	// Output:
	// status: 200
	// approved: true 12.34
	// card: VISA *9838
	// retry status: 200
	// same reply: true
	// charges at the bank: 1
	// slip printed: 200 true
}

// An app written for Vchasno Device Manager switches to uapos by changing a URL: its
// POST /dm/execute with type 3 and a pay object (task 1, a purchase) reaches the terminal,
// here an Ingenico B-POS Light simulator, and the reply carries DM's res (0 = success).
func Example_dmFacade() {
	ctx := context.Background()
	sim, err := simulators.Start(ctx, simulators.Spec{Name: "bposlight"})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer sim.Close()

	j := journal.NewMemory() // one journal for the adapter and the service's queries
	url := "tcp://" + sim.Addr()
	caps, _ := payment.Capabilities(payment.BankPivdennyi, payment.ProtoBPOSLight)
	term := service.TerminalDevice{Name: "pivdennyi", Protocol: "bposlight", Caps: caps, JournalKey: "pivdennyi", URL: url,
		Open: func(ctx context.Context) (payment.Terminal, io.Closer, error) {
			conn, err := transport.Open(ctx, url)
			if err != nil {
				return nil, nil, err
			}
			t, err := bposlight.NewTerminal(bposlight.New(conn, bposlight.Config{}),
				bposlight.TerminalConfig{Bank: payment.BankPivdennyi, Journal: j, Key: "pivdennyi"})
			if err != nil {
				conn.Close()
				return nil, nil, err
			}
			return t, conn, nil
		}}
	svc, err := service.New(service.Options{Terminals: []service.TerminalDevice{term}, Journal: j, Loopback: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer svc.Shutdown(ctx)
	srv := httptest.NewServer(svc.Handler())
	defer srv.Close()

	body := `{"ver":6,"source":"DM_API","device":"pivdennyi","type":3,"transaction_id":"ex-dm-1","pay":{"task":1,"sum":12.34}}`
	resp, err := http.Post(srv.URL+"/dm/execute", "application/json", bytes.NewBufferString(body))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	var reply struct {
		Res           int    `json:"res"`
		TaskStatus    int    `json:"task_status"`
		TransactionID string `json:"transaction_id"`
		Info          struct {
			Sum json.Number `json:"sum"`
		} `json:"info"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&reply); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("HTTP", resp.StatusCode, "res", reply.Res, "task_status", reply.TaskStatus)
	fmt.Println(reply.TransactionID, "sum", reply.Info.Sum)
	fmt.Println("charges at the bank:", len(sim.Controller().Ledger()))
	// Output:
	// HTTP 200 res 0 task_status 1
	// ex-dm-1 sum 12.34
	// charges at the bank: 1
}
