package service

import (
	"context"
	"net/http"
	"reflect"
	"sync"
	"time"

	"github.com/uapos/uapos/payment"
)

// DeviceState is a device's live state: the events of GET /v1/events and the support page's
// device list.
type DeviceState struct {
	Name string `json:"name"`
	Kind string `json:"kind"`
	// State is, for a terminal, "idle", "busy" (an operation holds it) or "unreachable";
	// for a printer "ready", "paper-near-end", "paper-out", "cover-open", "offline" or
	// "error"; for a drawer "open", "closed" or "offline"; "unknown" before the first check.
	State string `json:"state"`
	// Printer is a printer's last status reading.
	Printer *PrinterStatus `json:"printer_status,omitempty"`
	// DrawerOpen is a drawer's last sensor reading.
	DrawerOpen *bool `json:"drawer_open,omitempty"`
	// Pages counts the pages a simulated printer keeps (GET /v1/printers/{name}/receipts).
	Pages *int `json:"pages,omitempty"`
	// Error says why a device is unreachable or offline, with advice.
	Error *ErrorInfo `json:"error,omitempty"`
	// Since is when the state last changed.
	Since time.Time `json:"since"`
}

// Intervals of the live status, while at least one client watches GET /v1/events.
const (
	// DefaultStatusPoll is how often printers (and the drawers on them) are read.
	DefaultStatusPoll = 5 * time.Second
	// DefaultTerminalProbe is how often an idle terminal is pinged. An operation that
	// arrives during the ping waits for it (a moment) instead of getting 1105.
	DefaultTerminalProbe = 60 * time.Second
)

// monitor keeps every device's live state and tells the watchers of /v1/events. It polls the
// devices only while someone watches.
type monitor struct {
	s *Service

	mu       sync.Mutex
	states   map[string]DeviceState
	versions map[string]uint64 // seq of each device's last change
	journal  uint64            // seq of the journal's last change
	seq      uint64
	changed  chan struct{} // closed and replaced at every change
	watchers int
	stop     context.CancelFunc
	poke     chan string // devices to read now
	// quiet holds printers that did not answer until when they are read again on the
	// regular tick: a write-only printer would otherwise hold the print queue for its
	// reply time-out every few seconds.
	quiet map[string]time.Time
}

func newMonitor(s *Service) *monitor {
	m := &monitor{s: s, states: map[string]DeviceState{}, versions: map[string]uint64{},
		changed: make(chan struct{}), poke: make(chan string, 16), quiet: map[string]time.Time{}}
	now := time.Now()
	for _, n := range s.names {
		v, _ := s.view(n)
		st := DeviceState{Name: n, Kind: v.Kind, State: "unknown", Since: now}
		if p, ok := s.printers[n]; ok && p.dev.Roll != nil {
			pages := p.dev.Roll.Pages()
			st.Pages = &pages
		}
		m.states[n] = st
	}
	return m
}

// set records a device's state; a change wakes the watchers.
func (m *monitor) set(st DeviceState) {
	m.mu.Lock()
	defer m.mu.Unlock()
	old := m.states[st.Name]
	st.Since = old.Since
	if reflect.DeepEqual(old, st) {
		return
	}
	if old.State != st.State || st.Since.IsZero() {
		st.Since = time.Now()
	}
	m.states[st.Name] = st
	m.seq++
	m.versions[st.Name] = m.seq
	close(m.changed)
	m.changed = make(chan struct{})
}

// journalChanged tells the watchers that journal entries were written.
func (m *monitor) journalChanged() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.seq++
	m.journal = m.seq
	close(m.changed)
	m.changed = make(chan struct{})
}

// refreshSoon asks the poller to read a device now (dropped when nobody watches).
func (m *monitor) refreshSoon(name string) {
	select {
	case m.poke <- name:
	default:
	}
}

// watch counts a watcher in; the first starts the poller. Call the function to leave.
func (m *monitor) watch() func() {
	m.mu.Lock()
	m.watchers++
	if m.watchers == 1 {
		ctx, cancel := context.WithCancel(m.s.base)
		m.stop = cancel
		go m.poll(ctx)
	}
	m.mu.Unlock()
	return func() {
		m.mu.Lock()
		m.watchers--
		if m.watchers == 0 && m.stop != nil {
			m.stop()
			m.stop = nil
		}
		m.mu.Unlock()
	}
}

// poll reads every device at once, then printers every StatusPoll (a printer that did not
// answer every TerminalProbe) and idle terminals every TerminalProbe, and any device asked
// for by refreshSoon, until ctx ends.
func (m *monitor) poll(ctx context.Context) {
	s := m.s
	m.readAll(ctx, true)
	tick := time.NewTicker(s.opts.StatusPoll)
	defer tick.Stop()
	probed := time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case name := <-m.poke:
			m.read(ctx, name)
		case <-tick.C:
			terminals := time.Since(probed) >= s.opts.TerminalProbe
			if terminals {
				probed = time.Now()
			}
			m.readAll(ctx, terminals)
		}
	}
}

func (m *monitor) readAll(ctx context.Context, terminals bool) {
	for _, n := range m.s.names {
		if ctx.Err() != nil {
			return
		}
		if _, ok := m.s.drawers[n]; ok {
			continue // read with its printer
		}
		if _, ok := m.s.terminals[n]; ok && !terminals {
			continue
		}
		m.mu.Lock()
		quiet := time.Now().Before(m.quiet[n])
		m.mu.Unlock()
		if quiet {
			continue
		}
		m.read(ctx, n)
	}
}

// read reads one device (a drawer through its printer).
func (m *monitor) read(ctx context.Context, name string) {
	s := m.s
	if t, ok := s.terminals[name]; ok {
		s.probeTerminal(ctx, t)
		return
	}
	if d, ok := s.drawers[name]; ok {
		name = d.dev.Printer
	}
	p, ok := s.printers[name]
	if !ok {
		return
	}
	rctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	ps, err := s.readPrinterStatus(rctx, p)
	cancel()
	if ctx.Err() != nil {
		return
	}
	st := DeviceState{Name: name, Kind: KindPrinter}
	if p.dev.Roll != nil {
		pages := p.dev.Roll.Pages()
		st.Pages = &pages
	}
	m.mu.Lock()
	delete(m.quiet, name)
	if err != nil {
		m.quiet[name] = time.Now().Add(s.opts.TerminalProbe)
	}
	m.mu.Unlock()
	if err != nil {
		st.State = "offline"
		_, info := s.describeFor(name, err)
		st.Error = &info
	} else {
		st.Printer = ps
		st.State = printerState(ps)
	}
	m.set(st)
	for _, d := range s.drawers {
		if d.printer != p {
			continue
		}
		ds := DeviceState{Name: d.dev.Name, Kind: KindDrawer, State: "offline", Error: st.Error}
		if err == nil {
			ds.State, ds.Error = "unknown", nil
			if open, ok := ps.Drawers[d.dev.Name]; ok {
				ds.DrawerOpen = &open
				ds.State = "closed"
				if open {
					ds.State = "open"
				}
			}
		}
		m.set(ds)
	}
}

func printerState(ps *PrinterStatus) string {
	switch {
	case ps.Paper == "out":
		return "paper-out"
	case ps.CoverOpen:
		return "cover-open"
	case !ps.Online:
		return "offline"
	case ps.Error:
		return "error"
	case ps.Paper == "near-end":
		return "paper-near-end"
	}
	return "ready"
}

// terminalState publishes a terminal's state from what its entry knows.
func (s *Service) terminalState(e *terminalEntry) {
	e.mu.Lock()
	active, health, reached := e.active, e.health, e.reached
	e.mu.Unlock()
	st := DeviceState{Name: e.dev.Name, Kind: KindTerminal}
	switch {
	case active > 0:
		st.State = "busy"
	case health != nil:
		st.State = "unreachable"
		_, info := s.describeFor(e.dev.Name, health)
		st.Error = &info
	case reached:
		st.State = "idle"
	default:
		st.State = "unknown"
	}
	s.mon.set(st)
}

// probeTerminal opens an idle terminal if needed and pings it (when its protocol has a
// ping), holding the gate only for that moment; a terminal in use is left alone.
func (s *Service) probeTerminal(ctx context.Context, e *terminalEntry) {
	defer s.terminalState(e)
	select {
	case e.probe <- struct{}{}:
	default:
		return
	}
	defer func() { <-e.probe }()
	done, err := s.begin()
	if err != nil {
		return
	}
	defer done()
	leave, err := e.gate.Enter(ctx, false)
	if err != nil {
		return // an operation runs: it is busy, and its end says how it went
	}
	defer leave()
	pctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	t, err := e.open(pctx)
	if err != nil {
		return // open recorded the health
	}
	if p, ok := t.(payment.Pinger); ok && t.Capabilities().SupportsService(payment.SvcPing) {
		err = p.Ping(pctx)
		if ctx.Err() != nil {
			return
		}
		if linkFailed(err) {
			e.drop(err)
			return
		}
		if payment.KindOf(err) == payment.ErrTimeout {
			e.setHealth(err)
			return
		}
	}
	e.setHealth(nil)
}

// events is GET /v1/events: Server-Sent Events of the devices' live state. It sends an event
// "device" (a DeviceState) for every device at once, then one for each change, and an event
// "journal" ({"seq":n}) when journal entries were written. A comment line every 25 s keeps
// proxies from closing the stream. While anyone watches, printers are read every 5 s (one
// that did not answer, every 60 s) and idle terminals pinged every 60 s; busy terminals are
// never disturbed, and one whose link just failed is probed again at once.
func (s *Service) events(w http.ResponseWriter, r *http.Request) {
	leave := s.mon.watch()
	defer leave()
	stream := startEvents(w)
	send := stream.send
	for _, t := range s.terminals {
		s.terminalState(t)
	}
	sent := map[string]uint64{}
	first := true
	var journalSent uint64
	keepAlive := time.NewTicker(25 * time.Second)
	defer keepAlive.Stop()
	for {
		m := s.mon
		m.mu.Lock()
		var out []DeviceState
		for _, n := range s.names {
			if v := m.versions[n]; first || v > sent[n] {
				out = append(out, m.states[n])
				sent[n] = v
			}
		}
		jv := m.journal
		changed := m.changed
		m.mu.Unlock()
		for _, st := range out {
			if send("device", st) != nil {
				return
			}
		}
		if jv > journalSent && !first {
			if send("journal", map[string]uint64{"seq": jv}) != nil {
				return
			}
		}
		journalSent = jv
		first = false
		if stream.flush() != nil {
			return
		}
		select {
		case <-changed:
		case <-keepAlive.C:
			if err := stream.comment("keep-alive"); err != nil {
				return
			}
		case <-s.closing:
			return
		case <-r.Context().Done():
			return
		}
	}
}
