package service

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/uapos/uapos/escpos"
	"github.com/uapos/uapos/journal"
	"github.com/uapos/uapos/payment"
)

// DeviceView is a device in GET /v1/devices.
type DeviceView struct {
	Name string `json:"name"`
	Kind string `json:"kind"`
	// Protocol and Bank name a terminal's DM capability row; Tasks and Services are the row.
	Protocol string   `json:"protocol,omitempty"`
	Bank     string   `json:"bank,omitempty"`
	Tasks    []int    `json:"tasks,omitempty"`
	Services []string `json:"services,omitempty"`
	// Profile is a printer's profile; Printer is the printer a drawer hangs on.
	Profile string `json:"profile,omitempty"`
	Printer string `json:"printer,omitempty"`
	// URL is the device's transport URL (none for a drawer, which is on its printer's).
	URL string `json:"url,omitempty"`
	// Simulated is true for a simulated printer, whose pages are kept as images.
	Simulated bool `json:"simulated,omitempty"`
}

// StatusView is GET /v1/devices/{name}.
type StatusView struct {
	DeviceView
	// State is "ready", "busy" (an operation runs), "connected" (a terminal with no ping in
	// its protocol answered its link), "not ready" (a printer with paper out or cover open)
	// or "offline".
	State   string         `json:"state"`
	Error   *ErrorInfo     `json:"error,omitempty"`
	Printer *PrinterStatus `json:"printer_status,omitempty"`
	// DrawerOpen is a drawer's sensor reading.
	DrawerOpen *bool `json:"drawer_open,omitempty"`
}

// PrinterStatus is a printer's real-time status.
type PrinterStatus struct {
	Ready     bool `json:"ready"`
	Online    bool `json:"online"`
	CoverOpen bool `json:"cover_open"`
	// Paper is "ok", "near-end" or "out".
	Paper string `json:"paper"`
	Error bool   `json:"error"`
	// Drawers maps each drawer on this printer to its sensor reading (true = open).
	Drawers map[string]bool `json:"drawers,omitempty"`
	// Text is the status in words ("online, paper near end").
	Text string `json:"text"`
}

func printerStatusOf(st escpos.Status) *PrinterStatus {
	p := &PrinterStatus{Ready: st.Ready(), Online: !st.Offline, CoverOpen: st.CoverOpen, Paper: "ok",
		Error: st.Error || st.CutterError || st.UnrecoverableError || st.AutoRecoverableError, Text: st.String()}
	switch {
	case st.PaperEnd || st.PaperEndStop:
		p.Paper = "out"
	case st.PaperNearEnd:
		p.Paper = "near-end"
	}
	return p
}

func (s *Service) view(name string) (DeviceView, bool) {
	if t, ok := s.terminals[name]; ok {
		caps := t.caps()
		v := DeviceView{Name: name, Kind: KindTerminal, Protocol: t.dev.Protocol, Bank: string(caps.Bank), URL: t.dev.URL}
		for _, op := range caps.Operations {
			v.Tasks = append(v.Tasks, int(op))
		}
		for _, c := range serviceCalls {
			if caps.SupportsService(c.svc) {
				v.Services = append(v.Services, c.path)
			}
		}
		return v, true
	}
	if p, ok := s.printers[name]; ok {
		return DeviceView{Name: name, Kind: KindPrinter, Profile: p.dev.Profile, URL: p.dev.URL, Simulated: p.dev.Roll != nil}, true
	}
	if d, ok := s.drawers[name]; ok {
		return DeviceView{Name: name, Kind: KindDrawer, Printer: d.dev.Printer}, true
	}
	return DeviceView{}, false
}

func (s *Service) listDevices(w http.ResponseWriter, r *http.Request) {
	out := struct {
		Devices []DeviceView `json:"devices"`
	}{Devices: []DeviceView{}}
	for _, n := range s.names {
		v, _ := s.view(n)
		out.Devices = append(out.Devices, v)
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Service) deviceStatus(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	v, ok := s.view(name)
	if !ok {
		writeError(w, s.noDevice(name, "device"), nil)
		return
	}
	st := StatusView{DeviceView: v}
	fail := func(state string, err error) {
		st.State = state
		_, info := s.describeFor(name, err)
		st.Error = &info
	}
	switch v.Kind {
	case KindTerminal:
		e := s.terminals[name]
		t, release, err := e.acquire(r.Context(), false)
		if errors.Is(err, payment.ErrBusy) {
			st.State = "busy"
			break
		}
		if err != nil {
			fail("offline", err)
			break
		}
		ctx, cancel := context.WithTimeout(s.base, 30*time.Second)
		var perr error
		if p, ok := t.(payment.Pinger); ok && t.Capabilities().SupportsService(payment.SvcPing) {
			perr = p.Ping(ctx)
			st.State = "ready"
		} else {
			st.State = "connected"
		}
		cancel()
		release(perr)
		if perr != nil {
			fail("offline", perr)
		}
		st.DeviceView, _ = s.view(name) // the opened terminal's own row
	case KindPrinter:
		ps, err := s.readPrinterStatus(r.Context(), s.printers[name])
		if err != nil {
			fail("offline", err)
			break
		}
		st.Printer = ps
		st.State = "ready"
		if !ps.Ready {
			st.State = "not ready"
		}
	case KindDrawer:
		open, err := s.readDrawer(r.Context(), s.drawers[name])
		if err != nil {
			fail("offline", err)
			break
		}
		st.DrawerOpen = &open
		st.State = "ready"
	}
	writeJSON(w, http.StatusOK, st)
}

// printJob runs f on the printer in its turn, under a print context detached from the
// request (a client that goes away does not cut a receipt in half).
func (s *Service) printJob(waitCtx context.Context, e *printerEntry, f func(ctx context.Context, p Printer) error) error {
	done, err := s.begin()
	if err != nil {
		return err
	}
	defer done()
	ctx, cancel := context.WithTimeout(s.base, 60*time.Second)
	defer cancel()
	gateCtx, stop := context.WithCancel(waitCtx)
	defer stop()
	defer context.AfterFunc(ctx, stop)()
	p, release, err := e.acquire(gateCtx)
	if err != nil {
		return err
	}
	err = f(ctx, p)
	release(err)
	var de *deviceError
	if err != nil && !isDocumentError(err) && !errors.As(err, &de) {
		err = &deviceError{e.dev.Name, err}
	}
	return err
}

func (s *Service) readPrinterStatus(ctx context.Context, e *printerEntry) (*PrinterStatus, error) {
	var ps *PrinterStatus
	err := s.printJob(ctx, e, func(ctx context.Context, p Printer) error {
		st, err := p.Status(ctx)
		if err != nil {
			return err
		}
		ps = printerStatusOf(st)
		for _, d := range s.drawers {
			if d.printer != e {
				continue
			}
			dr, err := e.drawer(d, p)
			if err != nil {
				return err
			}
			open, err := dr.IsOpen(ctx)
			if err != nil {
				continue // a printer that answers DLE EOT 2-4 but not the drawer is still a printer
			}
			if ps.Drawers == nil {
				ps.Drawers = map[string]bool{}
			}
			ps.Drawers[d.dev.Name] = open
		}
		return nil
	})
	return ps, err
}

func (s *Service) printer(name string) (*printerEntry, error) {
	if e, ok := s.printers[name]; ok {
		return e, nil
	}
	return nil, s.noDevice(name, KindPrinter)
}

// PrintReply is the reply of a print call.
type PrintReply struct {
	// Printed is DM's isprint: the job reached the printer.
	Printed bool `json:"printed"`
	// Charset is the code page used; Inexact counts characters not printed as written.
	Charset string `json:"charset,omitempty"`
	Inexact int    `json:"inexact,omitempty"`
}

// printerDocument returns the printer in the path and the document the body holds, or writes
// the error and returns ok false.
func (s *Service) printerDocument(w http.ResponseWriter, r *http.Request, doc func(body []byte) (*escpos.Document, error)) (*printerEntry, *escpos.Document, bool) {
	e, err := s.printer(r.PathValue("name"))
	if err != nil {
		writeError(w, err, nil)
		return nil, nil, false
	}
	body, err := jsonBody(r)
	if err != nil {
		writeError(w, err, nil)
		return nil, nil, false
	}
	d, err := doc(body)
	if err != nil {
		writeError(w, err, nil)
		return nil, nil, false
	}
	return e, d, true
}

func (s *Service) print(w http.ResponseWriter, r *http.Request, doc func(body []byte) (*escpos.Document, error)) {
	e, d, ok := s.printerDocument(w, r, doc)
	if !ok {
		return
	}
	var rep escpos.Report
	var err error
	err = s.printJob(r.Context(), e, func(ctx context.Context, p Printer) error {
		var err error
		rep, err = p.Print(ctx, d)
		return err
	})
	s.mon.refreshSoon(e.dev.Name)
	if err != nil {
		s.writeDeviceError(w, r, err, nil)
		return
	}
	writeJSON(w, http.StatusOK, PrintReply{Printed: true, Charset: string(rep.Charset), Inexact: len(rep.Inexact)})
}

func (s *Service) printDocument(w http.ResponseWriter, r *http.Request) {
	s.print(w, r, DecodeDocument)
}

// TextRequest is the body of POST /v1/printers/{name}/text.
type TextRequest struct {
	Text string `json:"text"`
	// Align is "left" (default), "center" or "right".
	Align string `json:"align,omitempty"`
	Bold  bool   `json:"bold,omitempty"`
	// Cut feeds and cuts after the text.
	Cut bool `json:"cut,omitempty"`
}

func (s *Service) printText(w http.ResponseWriter, r *http.Request) {
	s.print(w, r, func(body []byte) (*escpos.Document, error) {
		var t TextRequest
		if err := decodeStrict(body, &t); err != nil {
			return nil, err
		}
		if strings.TrimSpace(t.Text) == "" {
			return nil, badRequest("text is empty")
		}
		d := &escpos.Document{Blocks: []escpos.Block{{Type: escpos.BlockText, Text: t.Text, Align: t.Align, Bold: t.Bold}}}
		if t.Cut {
			d.Blocks = append(d.Blocks, escpos.Block{Type: escpos.BlockCut})
		}
		return d, nil
	})
}

// CutRequest is the (optional) body of POST /v1/printers/{name}/cut.
type CutRequest struct {
	Partial bool `json:"partial,omitempty"`
}

func (s *Service) cut(w http.ResponseWriter, r *http.Request) {
	s.print(w, r, func(body []byte) (*escpos.Document, error) {
		var c CutRequest
		if len(strings.TrimSpace(string(body))) > 0 {
			if err := decodeStrict(body, &c); err != nil {
				return nil, err
			}
		}
		return &escpos.Document{Blocks: []escpos.Block{{Type: escpos.BlockCut, Partial: c.Partial}}}, nil
	})
}

func (s *Service) printerStatus(w http.ResponseWriter, r *http.Request) {
	e, err := s.printer(r.PathValue("name"))
	if err != nil {
		writeError(w, err, nil)
		return
	}
	ps, err := s.readPrinterStatus(r.Context(), e)
	if err != nil {
		s.writeDeviceError(w, r, err, nil)
		return
	}
	writeJSON(w, http.StatusOK, ps)
}

func (s *Service) drawer(name string) (*drawerEntry, error) {
	if d, ok := s.drawers[name]; ok {
		return d, nil
	}
	return nil, s.noDevice(name, KindDrawer)
}

// DrawerReply is the reply of the drawer calls.
type DrawerReply struct {
	// Open is the sensor reading after the call (null when the printer does not report it).
	Open *bool `json:"open"`
	// Kicked is true when the drawer was sent its pulse.
	Kicked bool `json:"kicked,omitempty"`
}

func (s *Service) readDrawer(ctx context.Context, d *drawerEntry) (bool, error) {
	var open bool
	err := s.printJob(ctx, d.printer, func(ctx context.Context, p Printer) error {
		dr, err := d.printer.drawer(d, p)
		if err != nil {
			return err
		}
		open, err = dr.IsOpen(ctx)
		return err
	})
	return open, err
}

func (s *Service) openDrawer(w http.ResponseWriter, r *http.Request) {
	d, err := s.drawer(r.PathValue("name"))
	if err != nil {
		writeError(w, err, nil)
		return
	}
	rep := DrawerReply{}
	err = s.printJob(r.Context(), d.printer, func(ctx context.Context, p Printer) error {
		dr, err := d.printer.drawer(d, p)
		if err != nil {
			return err
		}
		if err := dr.Open(ctx); err != nil {
			return err
		}
		rep.Kicked = true
		return nil
	})
	s.mon.refreshSoon(d.dev.Name)
	if err != nil {
		s.writeDeviceError(w, r, err, nil)
		return
	}
	if open, err := s.readDrawer(r.Context(), d); err == nil {
		rep.Open = &open
	}
	writeJSON(w, http.StatusOK, rep)
}

func (s *Service) drawerStatus(w http.ResponseWriter, r *http.Request) {
	d, err := s.drawer(r.PathValue("name"))
	if err != nil {
		writeError(w, err, nil)
		return
	}
	open, err := s.readDrawer(r.Context(), d)
	if err != nil {
		s.writeDeviceError(w, r, err, nil)
		return
	}
	writeJSON(w, http.StatusOK, DrawerReply{Open: &open})
}

// waitDrawerClosed reads the sensor every DrawerPoll until the drawer reads closed or the
// time-out (?timeout=60s, at most 300 s) passes; each reading takes the printer's turn, so
// receipts still print while a drawer stands open.
func (s *Service) waitDrawerClosed(w http.ResponseWriter, r *http.Request) {
	d, err := s.drawer(r.PathValue("name"))
	if err != nil {
		writeError(w, err, nil)
		return
	}
	timeout := 60 * time.Second
	if v := r.URL.Query().Get("timeout"); v != "" {
		timeout, err = time.ParseDuration(v)
		if err != nil || timeout <= 0 || timeout > 300*time.Second {
			writeError(w, badRequest("timeout %q: want a duration up to 300s, as 60s", v), nil)
			return
		}
	}
	ctx, cancel := context.WithTimeout(r.Context(), timeout)
	defer cancel()
	tick := time.NewTicker(s.opts.DrawerPoll)
	defer tick.Stop()
	for {
		open, err := s.readDrawer(ctx, d)
		if err != nil && ctx.Err() == nil {
			writeError(w, err, nil)
			return
		}
		if err == nil && !open {
			writeJSON(w, http.StatusOK, DrawerReply{Open: &open})
			return
		}
		select {
		case <-ctx.Done():
			t := true
			writeJSON(w, http.StatusOK, DrawerReply{Open: &t})
			return
		case <-tick.C:
		}
	}
}

// TransactionView is a journal entry on the API.
type TransactionView struct {
	TransactionID string `json:"transaction_id"`
	// Device is the terminal's name (its journal key when no configured terminal has it).
	Device    string            `json:"device"`
	Task      int               `json:"task"`
	Operation string            `json:"operation"`
	State     journal.State     `json:"state"`
	Request   *OperationRequest `json:"request"`
	Result    *payment.Result   `json:"result,omitempty"`
	Error     *ErrorInfo        `json:"error,omitempty"`
	Refs      map[string]string `json:"refs,omitempty"`
	Started   time.Time         `json:"started"`
	Updated   time.Time         `json:"updated"`
}

func (s *Service) deviceOfKey(key string) string {
	for n, t := range s.terminals {
		if t.journalKey() == key {
			return n
		}
	}
	return key
}

func (s *Service) transactionView(e journal.Entry) TransactionView {
	q := e.Request
	v := TransactionView{
		TransactionID: e.TransactionID, Device: s.deviceOfKey(e.Terminal), Task: int(e.Operation), Operation: e.Operation.String(),
		State: e.State, Result: e.Result, Refs: e.Refs, Started: e.Started, Updated: e.Updated,
		Request: &OperationRequest{TransactionID: q.TransactionID, Amount: Amount{q.Amount, q.Amount != 0}, CashAmount: Amount{q.CashAmount, q.CashAmount != 0},
			Discount: Amount{q.Discount, q.Discount != 0}, Merchant: q.Merchant, RRN: q.RRN, Invoice: q.Invoice,
			AgreementNumber: q.AgreementNumber, Instalments: q.Instalments},
	}
	if err := e.Err(); err != nil {
		_, info := describe(err)
		v.Error = &info
	}
	return v
}

func parseTime(name, v string, end bool) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	if t, err := time.ParseInLocation(time.DateOnly, v, time.Local); err == nil {
		if end {
			t = t.AddDate(0, 0, 1)
		}
		return t, nil
	}
	return time.Time{}, badRequest("%s %q: want a date (2025-04-22) or an RFC 3339 time", name, v)
}

// queryTransactions is GET /v1/transactions: by transaction_id, device, rrn, state, and a
// date range (from inclusive, to inclusive for a date, exclusive for a time).
func (s *Service) queryTransactions(w http.ResponseWriter, r *http.Request) {
	qv := r.URL.Query()
	q := journal.Query{TransactionID: qv.Get("transaction_id"), RRN: qv.Get("rrn")}
	if v := qv.Get("amount"); v != "" {
		a, err := payment.ParseAmount(v)
		if err != nil || a <= 0 {
			writeError(w, badRequest("amount %q: want hryvnias, as 12.34", trunc(v, 20)), nil)
			return
		}
		q.Amount = a
	}
	if dev := qv.Get("device"); dev != "" {
		e, err := s.terminal(dev)
		if err != nil {
			writeError(w, err, nil)
			return
		}
		q.Terminal = e.journalKey()
	}
	var err error
	if q.From, err = parseTime("from", qv.Get("from"), false); err != nil {
		writeError(w, err, nil)
		return
	}
	if q.To, err = parseTime("to", qv.Get("to"), true); err != nil {
		writeError(w, err, nil)
		return
	}
	for _, st := range qv["state"] {
		switch journal.State(st) {
		case journal.StateIntent, journal.StateApproved, journal.StateDeclined, journal.StateFailed, journal.StateUnknown:
			q.States = append(q.States, journal.State(st))
		default:
			writeError(w, badRequest("state %q: want intent, approved, declined, failed or unknown", st), nil)
			return
		}
	}
	if v := qv.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			writeError(w, badRequest("limit %q: want 1-1000", v), nil)
			return
		}
		q.Limit = n
	}
	entries, err := s.journal.Query(r.Context(), q)
	if err != nil {
		writeError(w, &payment.Error{Code: payment.CodeJournal, Err: err}, nil)
		return
	}
	out := struct {
		Transactions []TransactionView `json:"transactions"`
	}{Transactions: []TransactionView{}}
	for _, e := range entries {
		if strings.HasPrefix(e.TransactionID, "checkout:") && q.Terminal != "" {
			continue
		}
		out.Transactions = append(out.Transactions, s.transactionView(e))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Service) getTransaction(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	e, ok, err := s.journal.Get(r.Context(), id)
	if err != nil {
		writeError(w, &payment.Error{Code: payment.CodeJournal, Err: err}, nil)
		return
	}
	if !ok {
		writeError(w, &payment.Error{Code: payment.CodeTransactionUnknown, Args: []string{trunc(id, MaxIDLength)}}, nil)
		return
	}
	writeJSON(w, http.StatusOK, s.transactionView(e))
}
