package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/uapos/uapos/bpos1"
	"github.com/uapos/uapos/bposlight"
	"github.com/uapos/uapos/journal"
	"github.com/uapos/uapos/payment"
	"github.com/uapos/uapos/privatjson"
	"github.com/uapos/uapos/ssijson"
	"github.com/uapos/uapos/transport"
)

// `hwprobe terminal OP URL` runs one support operation on a payment terminal through the
// protocol's payment.Terminal adapter, with an in-memory journal (nothing is kept):
//
//	last       the terminal's last transaction ("did the last payment go through?")
//	merchants  the merchants (acquirers) the terminal holds
//	status     what the terminal is doing now
//	x          X-report (batch totals; the terminal prints it)        needs --yes
//	z          close the batch (sends the totals to the bank)         needs --yes
//
// The read-only operations need no flag. x and z change what the terminal holds or print, so
// without --yes they are refused before anything is opened. The protocol is found by probing
// the URL as a terminal's link (docs/probe.md, step 3) unless --protocol names it. Exit
// status: 0 done, 1 not available for the protocol or refused (nothing sent), 2 failed.

// terminalOps are the operations of `hwprobe terminal`; write marks those that need --yes.
var terminalOps = []struct {
	name, summary string
	write         bool
}{
	{"last", "the terminal's last transaction (did the last payment go through?)", false},
	{"merchants", "the merchants (acquirers) the terminal holds", false},
	{"status", "what the terminal is doing now", false},
	{"x", "X-report: the batch totals, printed by the terminal (needs --yes)", true},
	{"z", "close the batch: send the totals to the bank and clear the batch (needs --yes)", true},
}

// Terminal report outcomes besides statusOK and statusFail.
const (
	terminalNotAvailable = "not-available" // the protocol or its DM row has no such operation
	terminalRefused      = "refused"       // x or z without --yes: nothing was opened
)

// terminalReport is what `hwprobe terminal` prints; --json prints it as is.
type terminalReport struct {
	URL     string `json:"url"`
	Command string `json:"command"`
	// Status is ok, not-available, refused or fail.
	Status   string `json:"status"`
	Protocol string `json:"protocol,omitempty"`
	Device   string `json:"device,omitempty"`
	// LinkURL is the URL the operation ran on (with the serial speed that answered).
	LinkURL string `json:"link_url,omitempty"`
	Detail  string `json:"detail,omitempty"`
	Advice  string `json:"advice,omitempty"`
	// Code is the DM error code of a failure, when there is one.
	Code      int                `json:"code,omitempty"`
	Result    *payment.Result    `json:"result,omitempty"`
	Merchants []payment.Merchant `json:"merchants,omitempty"`
	Event     *payment.Event     `json:"event,omitempty"`
}

// terminalUnavailable says why an operation cannot be answered from the terminal on a
// protocol, where the adapter's own answer would mislead: "" when it can.
func terminalUnavailable(op, proto string) string {
	switch {
	case op == "last" && proto == "bposlight":
		return "B-POS Light has no query for past transactions (its messages are purchase, cancel, confirm, settlement and acquirer list; bposlight.md §1.4): the POS application's journal is the only record, so ask it or the bank"
	case op == "last" && proto == "bpos1":
		return "the BPOS1 wire has no frame for the last transaction (the vendor library's GetTxnNum is not on it): use the POS application's journal, or the vendor library"
	case op == "status" && proto == "bposlight":
		return "B-POS Light has no status query; `hwprobe terminal merchants` checks that it answers"
	}
	return ""
}

// openTerminal opens the adapter of protocol name on url, with an in-memory journal.
func openTerminal(ctx context.Context, name, url string, bank payment.Bank) (payment.Terminal, func(), error) {
	cfg := privatjson.TerminalConfig{Bank: bank, Journal: journal.NewMemory()}
	switch name {
	case "privatjson", "ssijson":
		dial := func(ctx context.Context) (transport.Conn, error) { return transport.Open(ctx, url) }
		tcp := strings.HasPrefix(strings.ToLower(url), "tcp:")
		// The spec's reference scheme on TCP (three connections, one after another); one
		// connection on a serial port, where a reconnect is the same line.
		c, err := privatjson.Open(ctx, dial, privatjson.Config{SingleConnection: !tcp})
		if errors.Is(err, privatjson.ErrBusy) {
			// A busy terminal refuses the handshake (PingDevice is no service message) but
			// answers service messages (spec §3): status and merchants still work, on one
			// connection without the handshake.
			conn, oerr := transport.Open(ctx, url)
			if oerr != nil {
				return nil, nil, oerr
			}
			c, err = privatjson.New(conn, privatjson.Config{}), nil
		}
		if err != nil {
			return nil, nil, err
		}
		var t payment.Terminal
		if name == "ssijson" {
			t, err = ssijson.NewTerminal(c, cfg)
		} else {
			t, err = privatjson.NewTerminal(c, cfg)
		}
		if err != nil {
			c.Close()
			return nil, nil, err
		}
		return t, func() { c.Close() }, nil
	case "bposlight", "bpos1":
		conn, err := transport.Open(ctx, url)
		if err != nil {
			return nil, nil, err
		}
		var t payment.Terminal
		if name == "bposlight" {
			t, err = bposlight.NewTerminal(bposlight.New(conn, bposlight.Config{}), bposlight.TerminalConfig(cfg))
		} else {
			t, err = bpos1.NewWireTerminal(bpos1.NewWireClient(conn, bpos1.WireConfig{}), bpos1.TerminalConfig(cfg))
		}
		if err != nil {
			conn.Close()
			return nil, nil, err
		}
		return t, func() { conn.Close() }, nil
	case "posapi", "simpays", "checkout":
		return nil, nil, errors.New(noLinkProbe(name))
	case "escpos":
		return nil, nil, errors.New("escpos is a receipt printer, not a payment terminal")
	}
	return nil, nil, fmt.Errorf("unknown protocol %q", name)
}

// runTerminal is `hwprobe terminal`.
func runTerminal(ctx context.Context, a *app, args []string) error {
	fs := newFlags("terminal", a.stderr)
	asJSON := fs.Bool("json", false, "print the report as JSON")
	yes := fs.Bool("yes", false, "run x or z: the terminal prints, and z closes the batch")
	only := fs.String("protocol", "", "the terminal's protocol (privatjson, ssijson, bposlight, bpos1); default: found by probing")
	bank := fs.String("bank", "", "the bank whose DM capability row applies (default: the protocol's)")
	merchant := fs.String("merchant", "", "merchant for x and z (default: all, or the terminal's default)")
	timeout := fs.Duration("timeout", 0, "bound for the whole operation (default 30 s; x and z 3 min)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	var names []string
	for _, op := range terminalOps {
		names = append(names, op.name)
	}
	if len(pos) != 2 {
		return fmt.Errorf("terminal: want an operation (%s) and a URL, as in hwprobe terminal last tcp://10.0.0.5:2000", strings.Join(names, ", "))
	}
	opName, url := pos[0], pos[1]
	write, known := false, false
	for _, op := range terminalOps {
		if op.name == opName {
			write, known = op.write, true
		}
	}
	if !known {
		return fmt.Errorf("terminal: unknown operation %q: want one of %s", opName, strings.Join(names, ", "))
	}
	r := terminalReport{URL: url, Command: opName}
	if write && !*yes {
		r.Status = terminalRefused
		r.Detail = "nothing was sent: " + map[string]string{
			"x": "the X-report makes the terminal print the batch totals",
			"z": "closing the batch sends the totals to the bank and clears the terminal's batch; it cannot be undone",
		}[opName]
		r.Advice = "add --yes to run it: hwprobe terminal " + opName + " --yes " + url
		return finishTerminal(a, r, *asJSON)
	}
	d := *timeout
	if d <= 0 {
		d = 30 * time.Second
		if write {
			d = 3 * time.Minute
		}
	}
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()

	// Which protocol, on which URL.
	if *only != "" {
		p, ok := findProtocol(*only)
		if !ok {
			return fmt.Errorf("terminal: unknown protocol %q", *only)
		}
		r.Protocol, r.LinkURL = p.name, url
		if bauds := serialBauds[p.name]; len(bauds) > 0 && serialWithoutBaud(url) {
			r.LinkURL = withBaud(url, bauds[0])
		}
	} else {
		o := probeOptions{timeout: 3 * time.Second, open: transport.Open, kind: classTerminal, listPorts: transport.ListSerialPorts}
		if a.root != "" {
			o.listPorts = func() ([]transport.PortInfo, error) { return transport.ListSerialPortsSysfs(a.root) }
		}
		for _, p := range protocols {
			if p.identify != nil && !statusQueries[p.name] {
				o.protocols = append(o.protocols, p)
			}
		}
		pr := probeURL(ctx, url, o)
		if pr.Protocol == "" {
			r.Status, r.Detail, r.Advice = statusFail, "no terminal identified: "+pr.Detail, pr.Advice
			if pr.Problem != "" {
				r.Detail = "no terminal identified (" + pr.Problem + "): " + pr.Detail
			}
			return finishTerminal(a, r, *asJSON)
		}
		r.Protocol, r.Device, r.LinkURL = pr.Protocol, pr.Device, pr.LinkURL
	}
	if why := terminalUnavailable(opName, r.Protocol); why != "" {
		r.Status, r.Detail = terminalNotAvailable, why
		return finishTerminal(a, r, *asJSON)
	}
	t, closeT, err := openTerminal(ctx, r.Protocol, r.LinkURL, payment.Bank(*bank))
	if err != nil {
		r.Status, r.Detail = statusFail, "cannot open the terminal: "+err.Error()
		r.Code = payment.ErrorCode(err)
		return finishTerminal(a, r, *asJSON)
	}
	defer closeT()
	err = terminalOp(ctx, t, opName, *merchant, &r)
	switch {
	case err == nil:
		r.Status = statusOK
	case errors.Is(err, errOpMissing) || errors.Is(err, payment.ErrNotSupported):
		r.Status, r.Detail = terminalNotAvailable, err.Error()
	case opName == "last" && payment.ErrorCode(err) == payment.CodeOperationNotFound:
		r.Status, r.Detail = statusOK, "the terminal's current batch has no transaction ("+err.Error()+")"
	default:
		r.Status, r.Detail, r.Code = statusFail, err.Error(), payment.ErrorCode(err)
		if payment.ErrorCode(err) == payment.CodeBusy || errors.Is(err, payment.ErrBusy) {
			r.Advice = "the terminal is busy with an operation: `hwprobe terminal status` shows which step it is at"
		}
	}
	return finishTerminal(a, r, *asJSON)
}

// errOpMissing: the adapter has no such operation.
var errOpMissing = errors.New("the protocol's adapter has no such operation")

// terminalOp runs opName on t and fills r's result fields.
func terminalOp(ctx context.Context, t payment.Terminal, opName, merchant string, r *terminalReport) error {
	switch opName {
	case "last":
		if lt, ok := t.(payment.LastTransactioner); ok {
			res, err := lt.LastTransaction(ctx)
			r.Result = res
			return err
		}
		if tg, ok := t.(payment.TransactionGetter); ok {
			res, err := tg.GetTransaction(ctx, payment.Request{})
			r.Result = res
			return err
		}
	case "merchants":
		if ml, ok := t.(payment.MerchantLister); ok {
			ms, err := ml.Merchants(ctx)
			r.Merchants = ms
			return err
		}
	case "status":
		if sr, ok := t.(payment.StatusReader); ok && r.Protocol != "bpos1" {
			// The JSON terminals answer getLastStatMsgCode themselves; BPOS1's status is the
			// client's own record of a running operation, so it gets the ping below.
			ev, err := sr.TransactionStatus(ctx)
			if err == nil {
				r.Event = &ev
			}
			return err
		}
		if p, ok := t.(payment.Pinger); ok {
			err := p.Ping(ctx)
			if err == nil {
				r.Event = &payment.Event{Code: 0, Text: "the terminal answers its link check and is idle"}
			}
			return err
		}
	case "x":
		res, err := t.XReport(ctx, payment.Request{Merchant: merchant})
		r.Result = res
		return err
	case "z":
		res, err := t.CloseBatch(ctx, payment.Request{Merchant: merchant})
		r.Result = res
		return err
	}
	return fmt.Errorf("%s for %s: %w", opName, r.Protocol, errOpMissing)
}

// finishTerminal prints r and returns the exit status it asks for.
func finishTerminal(a *app, r terminalReport, asJSON bool) error {
	if r.Result != nil {
		res := *r.Result
		res.Receipt = payment.RedactPANs(res.Receipt)
		if len(res.Raw) > 0 {
			raw := make(map[string]string, len(res.Raw))
			for k, v := range res.Raw {
				raw[k] = payment.RedactPANs(v)
			}
			res.Raw = raw
		}
		r.Result = &res
	}
	r.Detail = payment.RedactPANs(r.Detail)
	if asJSON {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(r); err != nil {
			return err
		}
	} else {
		writeTerminal(a.stdout, r)
	}
	switch r.Status {
	case statusOK:
		return nil
	case terminalNotAvailable, terminalRefused:
		return &exitError{code: 1, msg: "terminal " + r.Command + ": " + r.Status}
	}
	return &exitError{code: 2, msg: "terminal " + r.Command + " failed"}
}

// writeTerminal prints r for a person.
func writeTerminal(w io.Writer, r terminalReport) {
	what := r.Protocol
	if r.Device != "" {
		what += ": " + r.Device
	}
	fmt.Fprintf(w, "%-4s  terminal %s  %s  %s\n", r.Status, r.Command, r.URL, what)
	if r.LinkURL != "" && r.LinkURL != r.URL {
		fmt.Fprintf(w, "      link: %s\n", r.LinkURL)
	}
	if res := r.Result; res != nil {
		if res.Operation.MovesMoney() {
			verdict := "NOT approved"
			if res.Approved {
				verdict = "approved"
			}
			if res.Partial {
				verdict = "approved in part"
			}
			fmt.Fprintf(w, "      %s: %s, amount %s\n", res.Operation, verdict, res.Amount)
		} else {
			fmt.Fprintf(w, "      %s: done\n", res.Operation)
		}
		for _, f := range [][2]string{
			{"response", strings.TrimSpace(res.ResponseCode + " " + res.ResponseText)},
			{"time", timeText(res.Time)}, {"invoice", res.Invoice}, {"rrn", res.RRN},
			{"auth code", res.AuthCode}, {"card", string(res.PAN)}, {"terminal id", res.TerminalID},
			{"merchant id", res.MerchantID},
		} {
			if f[1] != "" {
				fmt.Fprintf(w, "      %-12s %s\n", f[0]+":", f[1])
			}
		}
		if tt := res.Totals; tt != nil {
			fmt.Fprintf(w, "      totals:      purchases %d (%s), refunds %d (%s), cancels %d (%s)\n",
				tt.PurchaseCount, tt.PurchaseAmount, tt.RefundCount, tt.RefundAmount, tt.CancelCount, tt.CancelAmount)
		}
		if res.Receipt != "" {
			fmt.Fprintln(w, "      receipt:")
			for _, l := range strings.Split(res.Receipt, "\n") {
				fmt.Fprintf(w, "        %s\n", l)
			}
		}
	}
	if len(r.Merchants) > 0 {
		ms := append([]payment.Merchant(nil), r.Merchants...)
		sort.SliceStable(ms, func(i, j int) bool { return lessIndex(ms[i].Index, ms[j].Index) })
		for _, m := range ms {
			line := strings.TrimSpace(strings.Join([]string{m.Name, idText("MID", m.MerchantID), idText("TID", m.TerminalID)}, " "))
			fmt.Fprintf(w, "      merchant %s: %s\n", m.Index, line)
		}
	}
	if r.Event != nil {
		fmt.Fprintf(w, "      status %d: %s\n", r.Event.Code, r.Event.Text)
	}
	if r.Detail != "" {
		fmt.Fprintf(w, "      %s\n", r.Detail)
	}
	if r.Advice != "" {
		fmt.Fprintf(w, "      advice: %s\n", r.Advice)
	}
}

func timeText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02 15:04:05")
}

func idText(label, v string) string {
	if v == "" {
		return ""
	}
	return label + " " + v
}

// lessIndex orders merchant indexes numerically when both are numbers.
func lessIndex(a, b string) bool {
	if len(a) != len(b) && strings.Trim(a, "0123456789") == "" && strings.Trim(b, "0123456789") == "" {
		return len(a) < len(b)
	}
	return a < b
}
