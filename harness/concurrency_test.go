package harness

import (
	"context"
	"fmt"
	"net"
	"strings"
	"sync"
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
)

// callers is how many goroutines share one terminal.
const callers = 100

// serialRig is one terminal for the concurrency test. check verifies, from the simulator's
// side, that it never saw two operations at once and that it charged exactly charged
// purchases.
type serialRig struct {
	term  payment.Terminal
	check func(t *testing.T, charged int)
	close func()
}

// TestConcurrentCallersSerialise: see the package doc.
func TestConcurrentCallersSerialise(t *testing.T) {
	rigs := []struct {
		name string
		open func(t *testing.T, wait bool) *serialRig
	}{
		{"privatjson", privatSerial},
		{"bposlight", bposlightSerial},
		{"bpos1-library", func(t *testing.T, wait bool) *serialRig { return bpos1Serial(t, wait, false) }},
		{"bpos1-wire", func(t *testing.T, wait bool) *serialRig { return bpos1Serial(t, wait, true) }},
		{"posapi", posapiSerial},
	}
	for _, r := range rigs {
		for _, wait := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/wait=%v", r.name, wait), func(t *testing.T) {
				rig := r.open(t, wait)
				defer rig.close()
				ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
				defer cancel()
				start := make(chan struct{})
				errs := make([]error, callers)
				var wg sync.WaitGroup
				for i := range callers {
					wg.Add(1)
					go func() {
						defer wg.Done()
						<-start
						res, err := rig.term.Purchase(ctx, payment.Request{TransactionID: fmt.Sprintf("c%03d", i), Amount: payment.Amount(100 * (i + 1))})
						if err == nil && (res == nil || !res.Approved || res.Amount != payment.Amount(100*(i+1))) {
							err = fmt.Errorf("result %+v", res)
						}
						errs[i] = err
					}()
				}
				close(start)
				wg.Wait()
				ok, busy := 0, 0
				for i, err := range errs {
					switch {
					case err == nil:
						ok++
					case !wait && payment.ErrorCode(err) == payment.CodeBusy:
						busy++
					default:
						t.Errorf("caller %d: %v", i, err)
					}
				}
				if wait && ok != callers {
					t.Errorf("wait=true: %d of %d succeeded", ok, callers)
				}
				if ok == 0 {
					t.Errorf("no caller got through")
				}
				rig.check(t, ok)
				t.Logf("%d succeeded, %d busy (1105)", ok, busy)
			})
		}
	}
}

func privatSerial(t *testing.T, wait bool) *serialRig {
	sim := privatsim.New(privatsim.Config{})
	addr, err := sim.ListenTCP("")
	if err != nil {
		t.Fatal(err)
	}
	c, err := privatjson.Open(opCtx(t), privatDial(addr), privatConfig(nil))
	if err != nil {
		t.Fatal(err)
	}
	term, err := privatjson.NewTerminal(c, privatjson.TerminalConfig{Wait: wait})
	if err != nil {
		t.Fatal(err)
	}
	return &serialRig{term: term, close: func() { c.Close(); sim.Close() },
		check: func(t *testing.T, charged int) {
			// privatsim answers deviceBusy to a request that overlaps a running operation,
			// which would have failed a caller above; here the counts must match.
			if n := sim.Requests("Purchase"); n != charged || sim.Charges() != charged {
				t.Errorf("simulator: %d purchase requests, %d charges, want %d", n, sim.Charges(), charged)
			}
		}}
}

func bposlightSerial(t *testing.T, wait bool) *serialRig {
	sim := bposlightsim.New(bposlightsim.Config{})
	addr, err := sim.ListenTCP("")
	if err != nil {
		t.Fatal(err)
	}
	term, closeLink := bposlightTerm(t, addr, bposlight.Config{}, bposlight.TerminalConfig{Bank: payment.BankUkrsib, Wait: wait})
	return &serialRig{term: term, close: func() { closeLink(); sim.Close() },
		check: func(t *testing.T, charged int) {
			// One operation at a time: the terminal sees PUR, CON, PUR, CON... (an
			// overlapping PUR would come before the previous CON).
			reqs := sim.Stats().Requests
			want := strings.TrimSuffix(strings.Repeat("PUR CON ", charged), " ")
			if got := strings.Join(reqs, " "); got != want {
				t.Errorf("requests seen by the terminal are not PUR/CON pairs: %d requests", len(reqs))
			}
			confirmed := 0
			for _, x := range sim.Journal(false) {
				if x.State == bposlightsim.StateConfirmed {
					confirmed++
				}
			}
			if confirmed != charged {
				t.Errorf("%d confirmed purchases, want %d", confirmed, charged)
			}
		}}
}

func bpos1Serial(t *testing.T, wait, wire bool) *serialRig {
	var lib bpos1.Lib
	var journal func() []bpos1sim.Record
	var calls func(string) int
	reversed := func() int { return 0 }
	closeAll := func() {}
	if wire {
		srv := bpos1sim.New(bpos1sim.Config{})
		addr, err := srv.ListenTCP("")
		if err != nil {
			t.Fatal(err)
		}
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		wl := bpos1.NewWireLib(conn, bpos1.WireConfig{ReplyTimeout: 30 * time.Second})
		lib, journal, calls = wl, srv.Journal, srv.Calls
		closeAll = func() { wl.Close(); conn.Close(); srv.Close() }
	} else {
		l := bpos1sim.NewLibrary(bpos1sim.Config{})
		lib, journal, calls, reversed = l, l.Journal, l.Calls, l.Reversed
	}
	c, err := bpos1.New(lib, bpos1.Config{PollInterval: time.Millisecond, Name: "serial"})
	if err != nil {
		t.Fatal(err)
	}
	if !wire {
		if err := c.OpenTCP(opCtx(t), "127.0.0.1", "2000"); err != nil {
			t.Fatal(err)
		}
	}
	term, err := bpos1.NewTerminal(c, bpos1.TerminalConfig{Wait: wait})
	if err != nil {
		t.Fatal(err)
	}
	return &serialRig{term: term, close: func() { c.Close(); closeAll() },
		check: func(t *testing.T, charged int) {
			// A purchase started while another waits for Confirm reverses the earlier one
			// (bpos1.md §2.3): overlap shows as reversals and unconfirmed records.
			approved := 0
			for _, r := range journal() {
				if r.TrnStatus == 1 {
					approved++
				}
			}
			if n := calls("Purchase"); n != charged || approved != charged || reversed() != 0 {
				t.Errorf("simulator: %d purchases, %d approved, %d reversed; want %d, %d, 0", n, approved, reversed(), charged, charged)
			}
		}}
}

func posapiSerial(t *testing.T, wait bool) *serialRig {
	sim := posapisim.New(posapisim.Config{})
	r := &routeLib{Library: sim}
	c, err := posapi.New(r, posapi.Config{Port: "sim", Poll: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	term, err := posapi.NewTerminal(c, posapi.TerminalConfig{Wait: wait})
	if err != nil {
		t.Fatal(err)
	}
	return &serialRig{term: term, close: func() {},
		check: func(t *testing.T, charged int) {
			if m := r.maxOpen(); m != 1 {
				t.Errorf("%d POSAPI sessions open at once, want 1", m)
			}
			if sim.Charges() != charged {
				t.Errorf("%d charges, want %d", sim.Charges(), charged)
			}
		}}
}
