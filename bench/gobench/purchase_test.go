package gobench

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/uapos/uapos/bpos1"
	"github.com/uapos/uapos/bposlight"
	"github.com/uapos/uapos/payment"
	"github.com/uapos/uapos/posapi"
	"github.com/uapos/uapos/privatjson"
	"github.com/uapos/uapos/simulators/bpos1sim"
	"github.com/uapos/uapos/simulators/bposlightsim"
	"github.com/uapos/uapos/simulators/posapisim"
	"github.com/uapos/uapos/simulators/privatsim"
	"github.com/uapos/uapos/transport"
)

// rig is one terminal under benchmark: its payment.Terminal adapter and the recorder under
// it, which notes one exchange as wire turns (rec) or, for posapi, as library calls (lib).
type rig struct {
	term payment.Terminal
	rec  *recorder
	lib  *capiRecorder
}

// wireRig opens a TCP link to addr (a simulator on 127.0.0.1:0) through package transport,
// wrapped in a recorder.
func wireRig(tb testing.TB, addr string) *recorder {
	tb.Helper()
	c, err := transport.Open(context.Background(), "tcp://"+addr)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { c.Close() })
	return &recorder{Conn: c}
}

// protocols are the terminals of BenchmarkPurchaseRoundTrip, each against its simulator with
// zero delays.
var protocols = []struct {
	name string
	make func(tb testing.TB) rig
}{
	{"privatjson", func(tb testing.TB) rig {
		sim := privatsim.New(privatsim.Config{})
		tb.Cleanup(func() { sim.Close() })
		addr, err := sim.ListenTCP("")
		if err != nil {
			tb.Fatal(err)
		}
		rec := wireRig(tb, addr)
		c := privatjson.New(rec, privatjson.Config{SendGap: -1, PingPause: -1, PollInterval: -1})
		term, err := privatjson.NewTerminal(c, privatjson.TerminalConfig{})
		if err != nil {
			tb.Fatal(err)
		}
		return rig{term: term, rec: rec}
	}},
	{"bposlight", func(tb testing.TB) rig {
		sim := bposlightsim.New(bposlightsim.Config{})
		tb.Cleanup(func() { sim.Close() })
		addr, err := sim.ListenTCP("")
		if err != nil {
			tb.Fatal(err)
		}
		rec := wireRig(tb, addr)
		term, err := bposlight.NewTerminal(bposlight.New(rec, bposlight.Config{}), bposlight.TerminalConfig{})
		if err != nil {
			tb.Fatal(err)
		}
		return rig{term: term, rec: rec}
	}},
	{"bpos1-wire", func(tb testing.TB) rig {
		sim := bpos1sim.New(bpos1sim.Config{})
		tb.Cleanup(func() { sim.Close() })
		addr, err := sim.ListenTCP("")
		if err != nil {
			tb.Fatal(err)
		}
		rec := wireRig(tb, addr)
		c, err := bpos1.New(bpos1.NewWireLib(rec, bpos1.WireConfig{}), bpos1.Config{PollInterval: -1})
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { c.Close() })
		term, err := bpos1.NewTerminal(c, bpos1.TerminalConfig{})
		if err != nil {
			tb.Fatal(err)
		}
		return rig{term: term, rec: rec}
	}},
	{"posapi", func(tb testing.TB) rig {
		lib := &capiRecorder{Library: posapisim.New(posapisim.Config{})}
		c, err := posapi.New(lib, posapi.Config{Port: "127.0.0.1:2000"})
		if err != nil {
			tb.Fatal(err)
		}
		term, err := posapi.NewTerminal(c, posapi.TerminalConfig{})
		if err != nil {
			tb.Fatal(err)
		}
		return rig{term: term, lib: lib}
	}},
}

// purchaser issues approved purchases with fresh transaction ids.
type purchaser struct {
	term payment.Terminal
	n    int
}

func (p *purchaser) purchase() error {
	p.n++
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := p.term.Purchase(ctx, payment.Request{TransactionID: "bench-" + strconv.Itoa(p.n), Amount: 12550})
	if err != nil {
		return err
	}
	if !res.Approved {
		return fmt.Errorf("purchase %d not approved", p.n)
	}
	return nil
}

// recordOne warms the terminal up with one purchase, then records the next one.
func recordOne(tb testing.TB, r rig, p *purchaser) (transcript, []capiCall) {
	tb.Helper()
	if err := p.purchase(); err != nil {
		tb.Fatal(err)
	}
	if r.rec != nil {
		r.rec.start()
	} else {
		r.lib.start()
	}
	if err := p.purchase(); err != nil {
		tb.Fatal(err)
	}
	if r.rec != nil {
		return r.rec.stop(), nil
	}
	return nil, r.lib.stop()
}

// BenchmarkPurchaseRoundTrip is one approved purchase through payment.Terminal against each
// protocol's simulator; compare with BenchmarkBareLoop of the same name.
func BenchmarkPurchaseRoundTrip(b *testing.B) {
	for _, pr := range protocols {
		b.Run(pr.name, func(b *testing.B) {
			r := pr.make(b)
			p := &purchaser{term: r.term}
			t, calls := recordOne(b, r, p)
			b.ReportAllocs()
			for b.Loop() {
				if err := p.purchase(); err != nil {
					b.Fatal(err)
				}
			}
			if t != nil {
				reportSizes(b, t)
			} else {
				b.ReportMetric(float64(len(calls)), "calls/op")
			}
		})
	}
}

// BenchmarkBareLoop replays one recorded purchase of each protocol with no driver at all: a
// write / read-exact loop over TCP loopback (posapi: the same library calls, straight).
func BenchmarkBareLoop(b *testing.B) {
	for _, pr := range protocols {
		b.Run(pr.name, func(b *testing.B) {
			r := pr.make(b)
			t, calls := recordOne(b, r, &purchaser{term: r.term})
			if t != nil {
				runBare(b, t)
				return
			}
			runBareCalls(b, calls)
		})
	}
}

// Every protocol's rig purchases, and its recording is usable: a wire transcript replays
// through the scripted peer; a posapi call list replays on a fresh library simulator with
// the same answers. Quick: two purchases per protocol.
func TestRigsRecord(t *testing.T) {
	for _, pr := range protocols {
		t.Run(pr.name, func(t *testing.T) {
			r := pr.make(t)
			tr, calls := recordOne(t, r, &purchaser{term: r.term})
			if r.rec != nil {
				if len(tr) < 1 {
					t.Fatal("no turns recorded")
				}
				out, in := tr.sizes()
				if out == 0 || in == 0 {
					t.Fatalf("recorded %d bytes out, %d in", out, in)
				}
				p, err := newScriptPeer(tr)
				if err != nil {
					t.Fatal(err)
				}
				defer p.close()
				l, err := dialBare(t.Context(), p.addr(), tr)
				if err != nil {
					t.Fatal(err)
				}
				defer l.close()
				if err := l.once(true); err != nil {
					t.Fatal(err)
				}
				return
			}
			if len(calls) == 0 {
				t.Fatal("no library calls recorded")
			}
			if err := replayCalls(posapisim.New(posapisim.Config{}), calls, true); err != nil {
				t.Fatal(err)
			}
		})
	}
}
