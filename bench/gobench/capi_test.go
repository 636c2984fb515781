package gobench

import (
	"fmt"
	"sync"
	"testing"

	"github.com/uapos/uapos/posapi/capi"
	"github.com/uapos/uapos/simulators/posapisim"
)

// capiCall is one recorded call into a capi.Library, with what it returned.
type capiCall struct {
	fn        string
	s1, s2    string
	n         int
	h         capi.Handle
	ok        bool
	ret       int
	out, out2 string
}

// capiRecorder wraps a capi.Library and notes every call while recording: POSAPI has no
// documented wire, so the floor of a posapi purchase is the same call sequence made
// straight on the library.
type capiRecorder struct {
	capi.Library

	mu    sync.Mutex
	on    bool
	calls []capiCall
}

func (r *capiRecorder) note(c capiCall) {
	r.mu.Lock()
	if r.on {
		r.calls = append(r.calls, c)
	}
	r.mu.Unlock()
}

func (r *capiRecorder) start() {
	r.mu.Lock()
	r.on, r.calls = true, nil
	r.mu.Unlock()
}

func (r *capiRecorder) stop() []capiCall {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.on = false
	return r.calls
}

func (r *capiRecorder) Open(name, log string) (capi.Handle, bool) {
	h, ok := r.Library.Open(name, log)
	r.note(capiCall{fn: "Open", s1: name, s2: log, h: h, ok: ok})
	return h, ok
}

func (r *capiRecorder) OpenWithTimeout(name string, timeout int, log string) (capi.Handle, bool) {
	h, ok := r.Library.OpenWithTimeout(name, timeout, log)
	r.note(capiCall{fn: "OpenWithTimeout", s1: name, s2: log, n: timeout, h: h, ok: ok})
	return h, ok
}

func (r *capiRecorder) Close(h capi.Handle) bool {
	ok := r.Library.Close(h)
	r.note(capiCall{fn: "Close", h: h, ok: ok})
	return ok
}

func (r *capiRecorder) Set(h capi.Handle, param, val string) bool {
	ok := r.Library.Set(h, param, val)
	r.note(capiCall{fn: "Set", h: h, s1: param, s2: val, ok: ok})
	return ok
}

func (r *capiRecorder) Send(h capi.Handle, action int) bool {
	ok := r.Library.Send(h, action)
	r.note(capiCall{fn: "Send", h: h, n: action, ok: ok})
	return ok
}

func (r *capiRecorder) Receive(h capi.Handle, timeoutMS int) int {
	ret := r.Library.Receive(h, timeoutMS)
	r.note(capiCall{fn: "Receive", h: h, n: timeoutMS, ret: ret})
	return ret
}

func (r *capiRecorder) Get(h capi.Handle, param string) (string, bool) {
	v, ok := r.Library.Get(h, param)
	r.note(capiCall{fn: "Get", h: h, s1: param, out: v, ok: ok})
	return v, ok
}

func (r *capiRecorder) GetFirst(h capi.Handle) (string, string, bool) {
	p, v, ok := r.Library.GetFirst(h)
	r.note(capiCall{fn: "GetFirst", h: h, out: p, out2: v, ok: ok})
	return p, v, ok
}

func (r *capiRecorder) GetNext(h capi.Handle) (string, string, bool) {
	p, v, ok := r.Library.GetNext(h)
	r.note(capiCall{fn: "GetNext", h: h, out: p, out2: v, ok: ok})
	return p, v, ok
}

func (r *capiRecorder) Error(h capi.Handle) int {
	ret := r.Library.Error(h)
	r.note(capiCall{fn: "Error", h: h, ret: ret})
	return ret
}

func (r *capiRecorder) IntSymbol(name string) (int, bool) {
	v, ok := r.Library.IntSymbol(name)
	r.note(capiCall{fn: "IntSymbol", s1: name, ret: v, ok: ok})
	return v, ok
}

func (r *capiRecorder) StringSymbol(name string) (string, bool) {
	v, ok := r.Library.StringSymbol(name)
	r.note(capiCall{fn: "StringSymbol", s1: name, out: v, ok: ok})
	return v, ok
}

// replayCalls makes calls again on lib, mapping recorded handles onto the new ones. With
// check, the answers that steer a client (open/send results, RESP_* codes, which parameters
// came back) must equal the recording; values (times, invoice numbers) may differ.
func replayCalls(lib capi.Library, calls []capiCall, check bool) error {
	handles := map[capi.Handle]capi.Handle{}
	for i, c := range calls {
		h := handles[c.h]
		var ok bool
		var ret int
		var param string
		switch c.fn {
		case "Open":
			h, ok = lib.Open(c.s1, c.s2)
			handles[c.h] = h
		case "OpenWithTimeout":
			h, ok = lib.OpenWithTimeout(c.s1, c.n, c.s2)
			handles[c.h] = h
		case "Close":
			ok = lib.Close(h)
		case "Set":
			ok = lib.Set(h, c.s1, c.s2)
		case "Send":
			ok = lib.Send(h, c.n)
		case "Receive":
			ret = lib.Receive(h, c.n)
		case "Get":
			_, ok = lib.Get(h, c.s1)
		case "GetFirst":
			param, _, ok = lib.GetFirst(h)
		case "GetNext":
			param, _, ok = lib.GetNext(h)
		case "Error":
			ret = lib.Error(h)
		case "IntSymbol":
			ret, ok = lib.IntSymbol(c.s1)
		case "StringSymbol":
			_, ok = lib.StringSymbol(c.s1)
		default:
			return fmt.Errorf("call %d: unknown function %s", i, c.fn)
		}
		if !check {
			continue
		}
		if ok != c.ok || ret != c.ret || ((c.fn == "GetFirst" || c.fn == "GetNext") && param != c.out) {
			return fmt.Errorf("call %d %s(%s): got ok=%v ret=%d %s, recorded ok=%v ret=%d %s",
				i, c.fn, c.s1, ok, ret, param, c.ok, c.ret, c.out)
		}
	}
	return nil
}

// runBareCalls benchmarks the recorded library calls on a fresh simulator.
func runBareCalls(b *testing.B, calls []capiCall) {
	lib := posapisim.New(posapisim.Config{})
	if err := replayCalls(lib, calls, true); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := replayCalls(lib, calls, false); err != nil {
			b.Fatal(err)
		}
	}
	if err := replayCalls(lib, calls, true); err != nil {
		b.Fatalf("after %d replays: %v", b.N, err)
	}
	b.ReportMetric(float64(len(calls)), "calls/op")
}
