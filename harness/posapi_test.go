package harness

import (
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/uapos/uapos/journal"
	"github.com/uapos/uapos/payment"
	"github.com/uapos/uapos/posapi"
	"github.com/uapos/uapos/posapi/capi"
	"github.com/uapos/uapos/simulators/posapisim"
)

// routeLib sends each POSAPI session to the main simulated terminal, or, while a fault is
// armed, to a second one configured with the fault: posapisim's knobs are fixed at New,
// and this is how a fault is "cleared" for the clean purchase that follows. The client
// runs one session at a time, so every handle call goes to the library that opened it.
type routeLib struct {
	capi.Library // main: symbols, and sessions while no fault is armed

	mu  sync.Mutex
	alt capi.Library // the faulty terminal while armed
	cur capi.Library // the library of the open session
	// open counts sessions open at once; max is the most seen (TestConcurrentCallersSerialise).
	open, max int
}

func (r *routeLib) setAlt(l capi.Library) {
	r.mu.Lock()
	r.alt = l
	r.mu.Unlock()
}

func (r *routeLib) pick() capi.Library {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.cur = r.Library
	if r.alt != nil {
		r.cur = r.alt
	}
	return r.cur
}

func (r *routeLib) session() capi.Library {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cur == nil {
		return r.Library
	}
	return r.cur
}

func (r *routeLib) opened(ok bool) {
	if !ok {
		return
	}
	r.mu.Lock()
	r.open++
	r.max = max(r.max, r.open)
	r.mu.Unlock()
}

func (r *routeLib) maxOpen() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.max
}

func (r *routeLib) Open(name, log string) (capi.Handle, bool) {
	h, ok := r.pick().Open(name, log)
	r.opened(ok)
	return h, ok
}

func (r *routeLib) OpenWithTimeout(name string, timeout int, log string) (capi.Handle, bool) {
	h, ok := r.pick().OpenWithTimeout(name, timeout, log)
	r.opened(ok)
	return h, ok
}

func (r *routeLib) Close(h capi.Handle) bool {
	ok := r.session().Close(h)
	r.mu.Lock()
	r.open--
	r.mu.Unlock()
	return ok
}

func (r *routeLib) Set(h capi.Handle, p, v string) bool        { return r.session().Set(h, p, v) }
func (r *routeLib) Send(h capi.Handle, a int) bool             { return r.session().Send(h, a) }
func (r *routeLib) Receive(h capi.Handle, ms int) int          { return r.session().Receive(h, ms) }
func (r *routeLib) Get(h capi.Handle, p string) (string, bool) { return r.session().Get(h, p) }
func (r *routeLib) GetFirst(h capi.Handle) (string, string, bool) {
	return r.session().GetFirst(h)
}
func (r *routeLib) GetNext(h capi.Handle) (string, string, bool) { return r.session().GetNext(h) }
func (r *routeLib) Error(h capi.Handle) int                      { return r.session().Error(h) }

func posapiProtocol() protocol {
	return protocol{
		name:    "posapi",
		support: posapisim.New(posapisim.Config{}).Control().Support(),
		skip: func(op payment.Operation, f string) string {
			if f == "host-down" && op == payment.OpCloseBatch {
				return "POSAPI's close day without a profile answers RESP_CONFIRM whatever the hosts did (posapi.md §1.8): no host failure shows"
			}
			return ""
		},
		want: func(op payment.Operation, f string) error {
			if f == "host-down" {
				// RESP_DECLINE with POS_STATUS 2, communications error (posapi.md §1.9): DM's
				// bank message 5024.
				return payment.ErrDeclined
			}
			return nil
		},
		open: openPosapi,
	}
}

func openPosapi(t *testing.T, op payment.Operation, f string, log *slog.Logger, j journal.Journal) *cellEnv {
	sim := posapisim.New(posapisim.Config{})
	e := &cellEnv{ctl: sim.Control(), close: func() {}}
	if f == "silent" || f == "card-timeout" {
		e.opTimeout = 300 * time.Millisecond // the client has no timeout but the caller's
	}
	c, err := posapi.New(sim, posapi.Config{Port: "sim", Poll: time.Millisecond, BreakWait: 100 * time.Millisecond, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	term, err := posapi.NewTerminal(c, posapi.TerminalConfig{Journal: j, Key: "posapi-harness", Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	e.term = term
	return e
}
