package harness

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/uapos/uapos/bposlight"
	"github.com/uapos/uapos/journal"
	"github.com/uapos/uapos/payment"
	"github.com/uapos/uapos/posapi"
	"github.com/uapos/uapos/posapi/capi"
	"github.com/uapos/uapos/privatjson"
	"github.com/uapos/uapos/simulators/bposlightsim"
	"github.com/uapos/uapos/simulators/posapisim"
	"github.com/uapos/uapos/simulators/privatsim"
)

// Soak rates: the share of attempts whose reply is lost, and of attempts preceded by a
// client crash (a new client and adapter over the reopened SQLite journal; opening does not
// grow with the journal, so crashes are not capped).
const (
	soakLoss  = 0.10
	soakCrash = 0.02
	// soakMaxAttempts bounds the retries of one purchase: reaching it fails the soak.
	soakMaxAttempts = 50
)

// soakRig is one simulator under the soak.
type soakRig struct {
	term func() payment.Terminal
	// lose arms a random reply loss for the next purchase and names it.
	lose func(rng *rand.Rand) string
	// settle runs after each attempt: it clears the fault and, when the link died and the
	// client does not redial, opens a new one.
	settle func(t *testing.T, err error)
	// crash throws away the client and adapter and builds new ones over the reopened
	// journal file.
	crash func(t *testing.T)
	// journal returns the journal's entries.
	journal func() []journal.Entry
	// charges counts the simulator's approved charges by key; key gives a result's key.
	charges func() map[string]int
	key     func(r *payment.Result) string
	close   func()
}

// SoakEnv is the environment variable that selects the full soak: UAPOS_SOAK=full runs
// 10,000 purchases per simulator (what .ci/run does); unset, the soak runs 300, which keeps
// the default `go test ./...` near a minute; -short runs 50.
const SoakEnv = "UAPOS_SOAK"

func soakSize() int {
	if *soakN > 0 {
		return *soakN
	}
	switch {
	case os.Getenv(SoakEnv) == "full":
		return 10000
	case testing.Short():
		return 50
	}
	return 300
}

// soakAmounts are the amounts the soak pays, drawn at random: few and repeated, so that a
// reconciliation that matches a lost purchase to the terminal's last receipt by amount would
// take another sale's receipt if nothing stopped it.
var soakAmounts = []payment.Amount{5000, 5000, 5000, 12345, 99}

// TestLostReplySoak: see the package doc.
func TestLostReplySoak(t *testing.T) {
	seed := *seedFlag
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	n := soakSize()
	t.Logf("seed %d (rerun: go test -run TestLostReplySoak ./harness/ -args -harness.seed=%d), %d purchases per simulator", seed, seed, n)
	rigs := []struct {
		name string
		skip string
		open func(t *testing.T, dir string) *soakRig
	}{
		{name: "privatjson", open: privatSoak},
		{name: "bposlight", open: bposlightSoak},
		{name: "posapi", open: posapiSoak},
		{name: "bpos1-library", skip: "bpos1sim.Library cannot lose a reply (no knob), and a library call has no link to drop"},
		{name: "bpos1-wire", skip: "bpos1sim's wire server cannot lose a reply (no knob), and the provisional wire has no journal query, so the adapter cannot reconcile (bpos1 adapter.go: Reconcile nil)"},
	}
	for i, r := range rigs {
		t.Run(r.name, func(t *testing.T) {
			if r.skip != "" {
				t.Skip(r.skip)
			}
			rng := rand.New(rand.NewPCG(seed, uint64(i)))
			start := time.Now()
			rig := r.open(t, t.TempDir())
			defer rig.close()
			crashRate := soakCrash
			faults := map[string]int{}
			crashes, attempts := 0, 0
			askBank := map[string]bool{} // purchases whose outcome the terminal cannot prove
			for k := range n {
				id := fmt.Sprintf("soak-%05d", k)
				amount := soakAmounts[rng.IntN(len(soakAmounts))]
				var lastErr error
				for a := 0; ; a++ {
					if a >= soakMaxAttempts {
						t.Fatalf("%s: no final outcome after %d attempts; last error: %v", id, a, lastErr)
					}
					if rng.Float64() < crashRate {
						rig.crash(t)
						crashes++
					}
					if rng.Float64() < soakLoss {
						faults[rig.lose(rng)]++
					}
					attempts++
					ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
					res, err := rig.term().Purchase(ctx, payment.Request{TransactionID: id, Amount: amount})
					cancel()
					rig.settle(t, err)
					lastErr = err
					if err == nil {
						if !res.Approved || res.Amount != amount || res.TransactionID != id {
							t.Fatalf("%s: result %+v", id, res)
						}
						break
					}
					var pe *payment.Error
					if !errors.As(err, &pe) {
						t.Fatalf("%s: untyped error %v", id, err)
					}
					if errors.Is(err, payment.ErrDeclined) {
						t.Fatalf("%s: declined without a decline rule: %v", id, err)
					}
					if errors.Is(err, payment.ErrAskBank) {
						// Reported, not hidden: the sale stays unknown for a person to settle.
						askBank[id] = true
						break
					}
				}
			}
			// The books. Every approved entry has exactly one charge of its own on the
			// simulator (no receipt approves two entries); every charge belongs to an approved
			// entry, or to one of the entries reported as unknown (never a hidden one).
			charges := rig.charges()
			approved, unknown := 0, 0
			holders := map[string]string{}
			for _, e := range rig.journal() {
				switch e.State {
				case journal.StateApproved:
				case journal.StateUnknown, journal.StateIntent:
					unknown++
					if !askBank[e.TransactionID] {
						t.Errorf("%s: left %s but the caller was not told to ask the bank", e.TransactionID, e.State)
					}
					continue
				default:
					continue // failed attempts that a later one took over, or never ran
				}
				approved++
				k := rig.key(e.Result)
				if c := charges[k]; c != 1 {
					t.Errorf("%s: %d charges on the simulator for %s", e.TransactionID, c, k)
				}
				if other, dup := holders[k]; dup {
					t.Errorf("%s and %s were both approved with the receipt %s", other, e.TransactionID, k)
				}
				holders[k] = e.TransactionID
			}
			total := 0
			for _, c := range charges {
				total += c
			}
			if approved+len(askBank) != n {
				t.Errorf("%d purchases: %d approved, %d reported unknown", n, approved, len(askBank))
			}
			if total < approved || total > approved+unknown {
				t.Errorf("%d charges on the simulator for %d approved and %d unknown entries", total, approved, unknown)
			}
			t.Logf("%d purchases (amounts %v), %d attempts, %d crashes, lost replies %v: %d approved, %d charges, %d left unknown and reported (ask the bank), %v",
				n, soakAmounts, attempts, crashes, faults, approved, total, len(askBank), time.Since(start).Round(time.Millisecond))
		})
	}
}

// journalHandle is a durable SQLite journal that a crash closes and reopens.
type journalHandle struct {
	path string
	j    journal.Journal
}

func openJournal(t *testing.T, dir string) *journalHandle {
	h := &journalHandle{path: filepath.Join(dir, "journal.db")}
	h.open(t)
	return h
}

func (h *journalHandle) open(t *testing.T) {
	j, err := journal.OpenSQLite(h.path)
	if err != nil {
		t.Fatal(err)
	}
	h.j = j
}

func (h *journalHandle) reopen(t *testing.T) {
	h.j.Close()
	h.open(t)
}

// entries returns every entry of the journal.
func (h *journalHandle) entries(t *testing.T) []journal.Entry {
	es, err := h.j.Query(context.Background(), journal.Query{Limit: 1 << 30})
	if err != nil {
		t.Fatal(err)
	}
	return es
}

func privatSoak(t *testing.T, dir string) *soakRig {
	sim := privatsim.New(privatsim.Config{GarbageSize: 32 << 10})
	addr, err := sim.ListenTCP("")
	if err != nil {
		t.Fatal(err)
	}
	jh := openJournal(t, dir)
	cfg := privatConfig(nil)
	cfg.MaxFrame = 16 << 10
	var c *privatjson.Client
	var term *privatjson.Terminal
	connect := func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if c, err = privatjson.Open(ctx, privatDial(addr), cfg); err != nil {
			t.Fatal(err)
		}
		if term, err = privatjson.NewTerminal(c, privatjson.TerminalConfig{Journal: jh.j, Key: "soak"}); err != nil {
			t.Fatal(err)
		}
	}
	connect(t)
	faults := []privatsim.Fault{privatsim.FaultLoseReply, privatsim.FaultCutReply, privatsim.FaultDropRequest, privatsim.FaultGarbage}
	names := []string{"lose-reply", "cut-reply", "drop-request", "garbage"}
	return &soakRig{
		term: func() payment.Terminal { return term },
		lose: func(rng *rand.Rand) string {
			i := rng.IntN(len(faults))
			sim.InjectFault("Purchase", faults[i])
			return names[i]
		},
		settle: func(t *testing.T, err error) {
			sim.InjectFault("Purchase", privatsim.FaultNone)
			sim.InjectFault("GetReceiptInfo", privatsim.FaultNone)
		},
		crash: func(t *testing.T) {
			c.Close()
			jh.reopen(t)
			connect(t)
		},
		journal: func() []journal.Entry { return jh.entries(t) },
		charges: func() map[string]int {
			m := map[string]int{}
			for _, x := range sim.Journal() {
				if x.TxnType == "1" && x.ResponseCode == "0000" {
					m[x.RRN]++
				}
			}
			return m
		},
		key:   func(r *payment.Result) string { return r.RRN },
		close: func() { c.Close(); jh.j.Close(); sim.Close() },
	}
}

func bposlightSoak(t *testing.T, dir string) *soakRig {
	sim := bposlightsim.New(bposlightsim.Config{})
	addr, err := sim.ListenTCP("")
	if err != nil {
		t.Fatal(err)
	}
	jh := openJournal(t, dir)
	var term *bposlight.Terminal
	closeLink := func() {}
	connect := func(t *testing.T) {
		closeLink()
		term, closeLink = bposlightTerm(t, addr, bposlight.Config{},
			bposlight.TerminalConfig{Bank: payment.BankUkrsib, Journal: jh.j, Key: "soak"})
	}
	connect(t)
	// "drop-CON": B-POS Light has no query that tells whether a CON whose answer was lost
	// went through, so the adapter leaves that purchase unknown and says "ask the bank"; the
	// soak counts and reports those instead of leaving the fault out.
	names := []string{"drop-PUR", "corrupt-PUR-reply", "drop-CON"}
	return &soakRig{
		term: func() payment.Terminal { return term },
		lose: func(rng *rand.Rand) string {
			i := rng.IntN(len(names))
			switch i {
			case 0:
				sim.SetFaults(bposlightsim.Faults{DisconnectOn: "PUR"})
			case 1:
				sim.SetFaults(bposlightsim.Faults{CorruptResponses: 3})
			case 2:
				sim.SetFaults(bposlightsim.Faults{DisconnectOn: "CON"})
			}
			return names[i]
		},
		settle: func(t *testing.T, err error) {
			sim.SetFaults(bposlightsim.Faults{})
			if err != nil && errors.Is(err, payment.ErrLink) {
				connect(t) // B-POS Light clients do not redial: the caller owns the link
			}
		},
		crash: func(t *testing.T) {
			jh.reopen(t)
			connect(t)
		},
		journal: func() []journal.Entry { return jh.entries(t) },
		charges: func() map[string]int {
			m := map[string]int{}
			for _, x := range sim.Journal(true) {
				if x.State == bposlightsim.StateConfirmed {
					m[strconv.FormatUint(uint64(x.Invoice), 10)]++
				}
			}
			return m
		},
		key:   func(r *payment.Result) string { return r.Invoice },
		close: func() { closeLink(); jh.j.Close(); sim.Close() },
	}
}

// crashLib "kills the application" (panics) on the library call after the one that
// delivered RESP_IDENTIFIER, when armed; the session is then abandoned, as when the
// process dies, and the simulated terminal finishes the operation on its own.
type crashLib struct {
	capi.Library
	mu    sync.Mutex
	armed bool
	seen  bool
	dead  bool
}

type crashed struct{}

func (c *crashLib) check() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.dead {
		panic(crashed{})
	}
	if c.armed && c.seen {
		c.dead = true
		panic(crashed{})
	}
}

func (c *crashLib) Receive(h capi.Handle, ms int) int {
	c.check()
	r := c.Library.Receive(h, ms)
	if r == int(capi.RespIdentifier) {
		c.mu.Lock()
		c.seen = true
		c.mu.Unlock()
	}
	return r
}

func (c *crashLib) Send(h capi.Handle, a int) bool {
	c.check()
	return c.Library.Send(h, a)
}

func (c *crashLib) Close(h capi.Handle) bool {
	c.mu.Lock()
	dead := c.dead
	c.mu.Unlock()
	if dead {
		return false // the process is gone: nobody closes the session
	}
	return c.Library.Close(h)
}

func posapiSoak(t *testing.T, dir string) *soakRig {
	sim := posapisim.New(posapisim.Config{})
	jh := openJournal(t, dir)
	var term *posapi.Terminal
	var lib *crashLib
	connect := func(t *testing.T) {
		lib = &crashLib{Library: sim}
		c, err := posapi.New(lib, posapi.Config{Port: "sim", Poll: time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		if term, err = posapi.NewTerminal(c, posapi.TerminalConfig{Journal: jh.j, Key: "soak"}); err != nil {
			t.Fatal(err)
		}
	}
	connect(t)
	crashing := &crashingTerminal{}
	return &soakRig{
		term: func() payment.Terminal { crashing.Terminal = term; return crashing },
		lose: func(rng *rand.Rand) string {
			lib.mu.Lock()
			// seen counts from now: the crash comes after this purchase's RESP_IDENTIFIER,
			// not at the first call because an earlier purchase had one.
			lib.armed, lib.seen = true, false
			lib.mu.Unlock()
			return "crash-after-identifier"
		},
		settle: func(t *testing.T, err error) {
			if errors.Is(err, errCrashed) {
				// The application died after RESP_IDENTIFIER: the restarted one opens the
				// journal anew (the dead handle's intent is an unknown outcome) and a new
				// client and adapter.
				jh.reopen(t)
				connect(t)
			}
		},
		crash: func(t *testing.T) {
			jh.reopen(t)
			connect(t)
		},
		journal: func() []journal.Entry { return jh.entries(t) },
		charges: func() map[string]int {
			m := map[string]int{}
			for _, r := range sim.Records() {
				m[r.RRN]++
			}
			return m
		},
		key:   func(r *payment.Result) string { return r.RRN },
		close: func() { jh.j.Close() },
	}
}

// errCrashed is the "error" of a purchase during which the application crashed.
var errCrashed = &payment.Error{Code: payment.CodeInternal, Err: errors.New("harness: the application crashed")}

// crashingTerminal turns the crash panic into errCrashed for the soak loop.
type crashingTerminal struct{ payment.Terminal }

func (c *crashingTerminal) Purchase(ctx context.Context, req payment.Request) (res *payment.Result, err error) {
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(crashed); !ok {
				panic(r)
			}
			res, err = nil, errCrashed
		}
	}()
	return c.Terminal.Purchase(ctx, req)
}
