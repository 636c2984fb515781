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
		name: "posapi",
		skip: func(op payment.Operation, f string) string {
			switch f {
			case fDisconnectBeforeReply, fDropRequest, fMidReply, fGarbage, fNAKStorm:
				return "no wire: POSAPI is a C library API, the link below it is not public, and posapisim models the library"
			case fBusy:
				return "no busy answer in the POSAPI notes nor a posapisim knob; the adapter's own 1105 is TestConcurrentCallersSerialise"
			case fDecline, fLostIdentifier:
				if op == payment.OpCancel || op == payment.OpCloseBatch {
					return "posapisim declines and loses RESP_IDENTIFIER for card operations only"
				}
			}
			return ""
		},
		want: func(op payment.Operation, f string) error {
			if f == fLostIdentifier {
				// RESP_BREAK, nothing charged (posapi.md addendum A)
				return payment.ErrCancelled
			}
			if f == fSilence && (op == payment.OpCancel || op == payment.OpCloseBatch) {
				// A reversal or a day close held before its host message still takes
				// ACTION_BREAK: the terminal answers RESP_BREAK, nothing was done.
				return payment.ErrCancelled
			}
			return linkWant(f)
		},
		open: openPosapi,
	}
}

func openPosapi(t *testing.T, op payment.Operation, f string, log *slog.Logger, j journal.Journal) *cellEnv {
	main := posapisim.New(posapisim.Config{})
	r := &routeLib{Library: main}
	var altCfg posapisim.Config
	e := &cellEnv{}
	hold := make(chan struct{})
	switch f {
	case fSilence:
		altCfg.Hold = hold
		e.opTimeout = 300 * time.Millisecond // the client has no timeout but the caller's
	case fDecline:
		altCfg.Decline = 5
	case fLostIdentifier:
		altCfg.LoseIdentifier = true
	}
	alt := posapisim.New(altCfg)
	e.arm = func() { r.setAlt(alt) }
	var once sync.Once
	release := func() { once.Do(func() { close(hold) }) }
	e.disarm = func() { r.setAlt(nil); release() }
	c, err := posapi.New(r, posapi.Config{Port: "sim", Poll: time.Millisecond, BreakWait: 100 * time.Millisecond, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	term, err := posapi.NewTerminal(c, posapi.TerminalConfig{Journal: j, Key: "posapi-harness", Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	e.term = term
	e.close = release
	return e
}
