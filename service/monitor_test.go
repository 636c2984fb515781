package service

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"math"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/uapos/uapos/payment"
	"github.com/uapos/uapos/transport"
)

// event is one Server-Sent Event of /v1/events.
type event struct {
	name  string
	state DeviceState
}

// watchEvents opens GET /v1/events and returns its events; the stream ends with the test.
func watchEvents(t *testing.T, e *env) <-chan event {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, "GET", e.srv.URL+"/v1/events", nil)
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("events: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	out := make(chan event, 256)
	go func() {
		defer resp.Body.Close()
		defer close(out)
		sc := bufio.NewScanner(resp.Body)
		var ev event
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				ev.name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: ") && ev.name == "device":
				_ = json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &ev.state)
			case line == "" && ev.name != "":
				select {
				case out <- ev:
				case <-ctx.Done():
					return
				}
				ev = event{}
			}
		}
	}()
	return out
}

// tracker reads an event stream and keeps each device's last state.
type tracker struct {
	t    *testing.T
	evs  <-chan event
	last map[string]DeviceState
}

// next reads one event.
func (k *tracker) next(what string) event {
	k.t.Helper()
	ev, ok := <-k.evs
	if !ok {
		k.t.Fatalf("the event stream ended before %s", what)
	}
	if ev.name == "device" {
		k.last[ev.state.Name] = ev.state
	}
	return ev
}

// state waits until the device's last state is state, and returns it.
func (k *tracker) state(name, state string) DeviceState {
	k.t.Helper()
	for k.last[name].State != state {
		k.next(name + " " + state)
	}
	return k.last[name]
}

// journal waits for a journal event.
func (k *tracker) journal() {
	k.t.Helper()
	for k.next("a journal event").name != "journal" {
	}
}

// TestEventsLiveStatus: every device's state at once, then its changes, pushed: a terminal
// unreachable then idle, busy during an operation, the journal's change after it; a
// drawer opened and closed; a printer's cover.
func TestEventsLiveStatus(t *testing.T) {
	e := newEnv(t, func(o *Options) {
		o.StatusPoll = 10 * time.Millisecond
		o.TerminalProbe = 10 * time.Millisecond
	})
	// The stream sends a device's latest state, not every state it passed through: the
	// terminal stays unreachable (every open fails) until the test has seen it so.
	e.bank.mu.Lock()
	e.bank.failOpen = math.MaxInt
	e.bank.mu.Unlock()
	k := &tracker{t: t, evs: watchEvents(t, e), last: map[string]DeviceState{}}
	var first []string
	for range 4 {
		ev := k.next("the first state of every device")
		first = append(first, ev.state.Name)
		if ev.state.Since.IsZero() {
			t.Fatalf("a state without its time: %+v", ev.state)
		}
	}
	if strings.Join(first, ",") != "priv,light,prn,cash" {
		t.Fatalf("the stream starts with %v, want every device in configuration order", first)
	}
	down := k.state("priv", "unreachable")
	if down.Error == nil || down.Error.Code != payment.CodeConnectFailed {
		t.Fatalf("unreachable without its error: %+v", down)
	}
	e.bank.mu.Lock()
	e.bank.failOpen = 0
	e.bank.mu.Unlock()
	k.state("priv", "idle") // the next probe opened it
	k.state("prn", "ready")
	k.state("cash", "closed")

	hold := make(chan struct{})
	e.bank.mu.Lock()
	e.bank.hold = hold
	e.bank.mu.Unlock()
	done := make(chan reply, 1)
	go func() {
		done <- e.do("POST", "/v1/terminals/priv/purchase", map[string]any{"transaction_id": "ev-1", "amount": "1.00"})
	}()
	<-e.bank.started
	k.state("priv", "busy")
	close(hold)
	(<-done).Want(t, 200)
	k.journal()
	k.state("priv", "idle")

	e.do("POST", "/v1/drawers/cash/open", nil).Want(t, 200)
	if open := k.state("cash", "open"); open.DrawerOpen == nil || !*open.DrawerOpen {
		t.Fatalf("open drawer: %+v", open)
	}
	e.vp.CloseDrawer()
	k.state("cash", "closed")
	e.vp.SetCoverOpen(true)
	if cover := k.state("prn", "cover-open"); cover.Printer == nil || !cover.Printer.CoverOpen {
		t.Fatalf("cover open: %+v", cover)
	}
}

// TestEventsEndAtShutdown: a stream does not hold a graceful stop.
func TestEventsEndAtShutdown(t *testing.T) {
	e := newEnv(t)
	evs := watchEvents(t, e)
	<-evs
	if err := e.svc.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	for range evs {
	}
}

// TestOperationWaitsForProbe: an operation that arrives while the live status pings the
// terminal waits for the ping instead of getting 1105.
func TestOperationWaitsForProbe(t *testing.T) {
	e := newEnv(t)
	te := e.svc.terminals["priv"]
	te.probe <- struct{}{} // a probe runs...
	leave, err := te.gate.Enter(context.Background(), false)
	if err != nil {
		t.Fatal(err)
	}
	waiting := make(chan struct{}, 1)
	te.waiting = func() { waiting <- struct{}{} }
	done := make(chan reply, 1)
	go func() {
		done <- e.do("POST", "/v1/terminals/priv/purchase", map[string]any{"transaction_id": "probe-1", "amount": "1.00"})
	}()
	<-waiting // ...and the purchase waits for it
	leave()
	<-te.probe
	(<-done).Want(t, 200)

	// An operation, not a probe, holds the terminal: 1105 at once, as before.
	leave, err = te.gate.Enter(context.Background(), false)
	if err != nil {
		t.Fatal(err)
	}
	e.do("POST", "/v1/terminals/priv/purchase", map[string]any{"transaction_id": "probe-2", "amount": "1.00"}).Want(t, 409, payment.CodeBusy)
	leave()
}

// TestAdvice: a device that cannot be opened or does not answer comes with hwprobe's
// advice, in English and Ukrainian.
func TestAdvice(t *testing.T) {
	const port = "serial:///dev/uapos-test-no-such-port"
	e := newEnv(t, func(o *Options) {
		o.Terminals = append(o.Terminals, TerminalDevice{Name: "gone", URL: port, Caps: o.Terminals[0].Caps,
			Open: func(ctx context.Context) (payment.Terminal, io.Closer, error) {
				c, err := transport.Open(ctx, port)
				if err == nil {
					c.Close()
				}
				return nil, nil, err
			}})
		dead, err := ESCPOSPrinter("dead", "tcp://127.0.0.1:1", "", nil)
		if err != nil {
			t.Fatal(err)
		}
		o.Printers = append(o.Printers, dead)
	})
	r := e.do("GET", "/v1/terminals/gone/ping", nil)
	if r.Status == 200 || !strings.Contains(r.Str("error.advice"), "re-plugging") || !strings.Contains(r.Str("error.advice_uk"), "перепідключення") {
		t.Fatalf("a port whose name changed: %d %s", r.Status, r.Raw)
	}
	r = e.do("GET", "/v1/printers/dead/status", nil)
	if r.Status == 200 || !strings.Contains(r.Str("error.advice"), "nothing listens") || r.Str("error.advice_uk") == "" {
		t.Fatalf("a printer where nothing listens: %d %s", r.Status, r.Raw)
	}
	// A terminal that does not answer on a serial port: the baud rate.
	e.svc.terminals["priv"].dev.URL = "serial:///dev/ttyUSB0?baud=9600"
	_, info := e.svc.describeFor("priv", &payment.Error{Code: payment.CodeLinkTimeout, Args: []string{"60000"}})
	if !strings.Contains(info.Advice, "baud rate") || !strings.Contains(info.AdviceUK, "115200") {
		t.Fatalf("a silent serial terminal: %+v", info)
	}
	// A decline is not a device problem: no advice.
	if _, info := e.svc.describeFor("priv", &payment.Error{Code: payment.CodeEMVDecline}); info.Advice != "" {
		t.Fatalf("advice on a decline: %+v", info)
	}
}

// TestSilentPrinterReadLessOften: a printer that answers no status query (a write-only one)
// is not read again on every tick: it would hold its print queue for the reply time-out
// every few seconds.
func TestSilentPrinterReadLessOften(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	accepted := make(chan struct{}, 16)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted <- struct{}{}
			go func() { _, _ = io.Copy(io.Discard, c); c.Close() }() // reads, never answers
		}
	}()
	e := newEnv(t, func(o *Options) {
		o.StatusPoll = 5 * time.Millisecond
		silent, err := ESCPOSPrinter("silent", "tcp://"+ln.Addr().String(), "", nil)
		if err != nil {
			t.Fatal(err)
		}
		o.Printers = append(o.Printers, silent)
	})
	k := &tracker{t: t, evs: watchEvents(t, e), last: map[string]DeviceState{}}
	if off := k.state("silent", "offline"); off.Error == nil || off.Error.Advice == "" {
		t.Fatalf("a silent printer: %+v", off)
	}
	// Many ticks later (the other printer's cover changes twice, each read on a tick)...
	k.state("prn", "ready")
	e.vp.SetCoverOpen(true)
	k.state("prn", "cover-open")
	e.vp.SetCoverOpen(false)
	k.state("prn", "ready")
	// ...the silent printer was connected to once.
	if n := len(accepted); n != 1 {
		t.Fatalf("the silent printer was opened %d times", n)
	}
}
