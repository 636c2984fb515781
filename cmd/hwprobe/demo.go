package main

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"log/slog"

	"github.com/uapos/uapos/payment"
	"github.com/uapos/uapos/simulators"
	"github.com/uapos/uapos/transport"
)

// assets holds the demo receipt (a copy of testdata/bench/reference-receipt.json) and its
// logo, so the demo runs from any directory on a machine with nothing but the binary.
//
//go:embed assets/reference-receipt.json assets/logo.png
var assets embed.FS

// demoEnv is what the per-protocol demos share.
type demoEnv struct {
	// out is where the printer demo writes the rendered receipt PNG.
	out string
	// log receives the drivers' debug records (--debug); it discards them otherwise.
	log *slog.Logger
	mu  sync.Mutex
	// written lists the files the demo wrote.
	written []string
	// closers are what the running protocol demo opened through startSim and dialSim;
	// runDemo closes them, newest first, when that demo returns.
	closers []io.Closer
}

// startSim starts the simulator of spec on loopback for the running protocol demo; it stays
// up until the demo returns. On failure it returns the demo's failed row, its step "start
// simulator" ("start terminal simulator" for role "terminal").
func (d *demoEnv) startSim(ctx context.Context, proto, role string, spec simulators.Spec) (*simulators.Running, []demoRow) {
	sim, err := simulators.Start(ctx, spec)
	if err != nil {
		step := "start simulator"
		if role != "" {
			step = "start " + role + " simulator"
		}
		return nil, demoFail(proto, step, err)
	}
	d.closeAfter(sim)
	return sim, nil
}

// dialSim starts the simulator of spec as startSim does and opens a TCP link to it, closed
// when the demo returns too. A link that does not open fails the step "connect" ("connect
// printer" for role "printer").
func (d *demoEnv) dialSim(ctx context.Context, proto, role string, spec simulators.Spec) (*simulators.Running, transport.Conn, []demoRow) {
	sim, fail := d.startSim(ctx, proto, role, spec)
	if fail != nil {
		return nil, nil, fail
	}
	conn, err := transport.Open(ctx, "tcp://"+sim.Addr())
	if err != nil {
		return nil, nil, demoFail(proto, strings.TrimSpace("connect "+role), err)
	}
	d.closeAfter(conn)
	return sim, conn, nil
}

func (d *demoEnv) closeAfter(c io.Closer) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.closers = append(d.closers, c)
}

// cleanup closes what the last demo opened, newest first.
func (d *demoEnv) cleanup() {
	d.mu.Lock()
	cs := d.closers
	d.closers = nil
	d.mu.Unlock()
	for i := len(cs) - 1; i >= 0; i-- {
		cs[i].Close()
	}
}

func (d *demoEnv) wrote(path string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.written = append(d.written, path)
}

// demoRow is one line of the summary table.
type demoRow struct {
	Protocol string `json:"protocol"`
	Step     string `json:"step"`
	Status   string `json:"status"` // ok, fail, skip
	Detail   string `json:"detail"`
}

// demoFail is a row for a protocol whose set-up failed.
func demoFail(proto, step string, err error) []demoRow {
	return []demoRow{{proto, step, statusFail, err.Error()}}
}

// runDemo is `hwprobe demo`.
func runDemo(ctx context.Context, a *app, args []string) error {
	fs := newFlags("demo", a.stderr)
	out := fs.String("out", filepath.Join(os.TempDir(), "uapos-demo-receipt.png"), "where to write the rendered receipt PNG")
	asJSON := fs.Bool("json", false, "print the summary as JSON")
	timeout := fs.Duration("timeout", 2*time.Minute, "give up after this long")
	debug := fs.Bool("debug", false, "log every driver's debug records to stderr (card numbers are masked)")
	if _, err := parseInterspersed(fs, args); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	d := &demoEnv{out: *out, log: slog.New(slog.DiscardHandler)}
	if *debug {
		d.log = slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	var rows []demoRow
	ran := 0
	for _, p := range protocols {
		if p.demo == nil {
			continue
		}
		ran++
		rows = append(rows, p.demo(ctx, d)...)
		d.cleanup()
	}
	if ran == 0 {
		rows = append(rows, demoRow{"-", "-", statusFail, "no protocol with a demo is built in"})
	}
	fails := 0
	for _, r := range rows {
		if r.Status == statusFail {
			fails++
		}
	}
	if *asJSON {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(struct {
			Rows  []demoRow `json:"rows"`
			Files []string  `json:"files"`
		}{rows, d.written}); err != nil {
			return err
		}
	} else {
		writeDemo(a.stdout, rows, d.written)
	}
	if fails > 0 {
		return fmt.Errorf("demo: %d steps failed", fails)
	}
	return nil
}

func writeDemo(w io.Writer, rows []demoRow, files []string) {
	fmt.Fprintln(w, "uapos demo: every simulator on 127.0.0.1 (\"lib\": a simulated vendor library, in process), driven through the real drivers")
	tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "PROTOCOL\tSTEP\tRESULT\tDETAIL")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Protocol, r.Step, r.Status, strings.ReplaceAll(r.Detail, "\n", " "))
	}
	tw.Flush()
	for _, f := range files {
		fmt.Fprintf(w, "wrote %s\n", f)
	}
}

// demoAmounts are the sums the terminal demo uses, in kopecks.
const (
	demoPurchase payment.Amount = 12345
	demoVoided   payment.Amount = 500
)

// driveTerminal runs ping, purchase, refund, void, X and Z through a payment.Terminal, skipping
// the steps its DM row does not have.
func driveTerminal(ctx context.Context, proto string, t payment.Terminal) []demoRow {
	caps := t.Capabilities()
	var rows []demoRow
	row := func(step string, op payment.Operation, f func(ctx context.Context) (string, error)) {
		if op != 0 && !caps.Supports(op) {
			rows = append(rows, demoRow{proto, step, "skip", fmt.Sprintf("not in DM row %s", caps)})
			return
		}
		sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		detail, err := f(sctx)
		if err != nil {
			rows = append(rows, demoRow{proto, step, statusFail, err.Error()})
			return
		}
		rows = append(rows, demoRow{proto, step, statusOK, detail})
	}
	id := func(n int) string { return fmt.Sprintf("demo-%s-%d-%d", proto, time.Now().UnixNano(), n) }

	// A Pinger whose DM row has no ping (SSI JSON shares the JSON ECR terminal type) refuses
	// with 5029: the merchant list is then the link check, as for a protocol with no ping.
	p, pinger := t.(payment.Pinger)
	if pinger {
		if err := p.Ping(ctx); errors.Is(err, payment.ErrNotSupported) {
			pinger = false
		} else {
			row("ping", 0, func(context.Context) (string, error) { return "terminal idle and ready", err })
		}
	}
	if pinger {
	} else if m, ok := t.(payment.MerchantLister); ok {
		// No ping in the protocol: the merchant list is its harmless link check.
		row("ping", 0, func(ctx context.Context) (string, error) {
			ms, err := m.Merchants(ctx)
			if err != nil {
				return "", err
			}
			var ids []string
			for _, x := range ms {
				id := strings.TrimSpace(x.MerchantID + " " + x.TerminalID)
				if id == "" {
					id = strings.TrimSpace(x.Index + " " + x.Name)
				}
				ids = append(ids, id)
			}
			return fmt.Sprintf("no ping in the protocol; merchant list answered: %s", strings.Join(ids, ", ")), nil
		})
	} else {
		rows = append(rows, demoRow{proto, "ping", "skip", "no ping in this protocol"})
	}
	var purchase *payment.Result
	row("purchase", payment.OpPurchase, func(ctx context.Context) (string, error) {
		res, err := t.Purchase(ctx, payment.Request{TransactionID: id(1), Amount: demoPurchase})
		if err != nil {
			return "", err
		}
		purchase = res
		return describeResult(res), resultErr(res)
	})
	row("refund", payment.OpRefund, func(ctx context.Context) (string, error) {
		if purchase == nil {
			return "", errors.New("no purchase to refund")
		}
		res, err := t.Refund(ctx, payment.Request{TransactionID: id(2), Amount: purchase.Amount, RRN: purchase.RRN})
		if err != nil {
			return "", err
		}
		return describeResult(res), resultErr(res)
	})
	row("void", payment.OpCancel, func(ctx context.Context) (string, error) {
		p2, err := t.Purchase(ctx, payment.Request{TransactionID: id(3), Amount: demoVoided})
		if err != nil {
			return "", fmt.Errorf("purchase to void: %w", err)
		}
		res, err := t.Cancel(ctx, payment.Request{TransactionID: id(4), Amount: p2.Amount, Invoice: p2.Invoice, RRN: p2.RRN})
		if err != nil {
			return "", err
		}
		return "voided invoice " + p2.Invoice + "; " + describeResult(res), resultErr(res)
	})
	row("X-report", payment.OpXReport, func(ctx context.Context) (string, error) {
		res, err := t.XReport(ctx, payment.Request{})
		if err != nil {
			return "", err
		}
		return describeTotals(res), nil
	})
	row("Z (close batch)", payment.OpCloseBatch, func(ctx context.Context) (string, error) {
		res, err := t.CloseBatch(ctx, payment.Request{})
		if err != nil {
			return "", err
		}
		return describeTotals(res), nil
	})
	return rows
}

// resultErr fails a step whose result is not approved.
func resultErr(r *payment.Result) error {
	if r == nil {
		return errors.New("no result")
	}
	if !r.Approved {
		return fmt.Errorf("not approved: %s %s", r.ResponseCode, r.ResponseText)
	}
	return nil
}

func describeResult(r *payment.Result) string {
	if r == nil {
		return ""
	}
	var b []string
	if r.Approved {
		b = append(b, "approved "+r.Amount.String())
	} else {
		b = append(b, "declined "+r.ResponseCode)
	}
	for _, kv := range [][2]string{{"RRN", r.RRN}, {"invoice", r.Invoice}, {"auth", r.AuthCode}, {"card", string(r.PAN)}, {"", r.PaymentSystem}} {
		if kv[1] != "" {
			b = append(b, strings.TrimSpace(kv[0]+" "+kv[1]))
		}
	}
	return strings.Join(b, ", ")
}

func describeTotals(r *payment.Result) string {
	if r == nil || r.Totals == nil {
		return "done"
	}
	t := r.Totals
	return fmt.Sprintf("purchases %d / %s, refunds %d / %s, voids %d / %s", t.PurchaseCount, t.PurchaseAmount, t.RefundCount, t.RefundAmount, t.CancelCount, t.CancelAmount)
}
