package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"strings"
	"testing"

	"github.com/uapos/uapos/payment"
	"github.com/uapos/uapos/simulators"
	"github.com/uapos/uapos/simulators/bpos1sim"
	"github.com/uapos/uapos/simulators/bposlightsim"
	"github.com/uapos/uapos/simulators/privatsim"
)

// startTerminalSim brings a simulator up on loopback through package simulators.
func startTerminalSim(t *testing.T, name string, faults ...string) *simulators.Running {
	t.Helper()
	r, err := simulators.Start(context.Background(), simulators.Spec{Name: name, Faults: faults})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// runTerminalJSON runs `hwprobe terminal ARGS... --json` and returns the report and the exit
// code (0 on success).
func runTerminalJSON(t *testing.T, args ...string) (terminalReport, int) {
	t.Helper()
	var out syncBuffer
	a := &app{stdout: &out, stderr: &out}
	err := a.run(context.Background(), append([]string{"terminal", "--json"}, args...))
	code := 0
	var ee *exitError
	switch {
	case errors.As(err, &ee):
		code = ee.code
	case err != nil:
		t.Fatalf("terminal %q: %v\n%s", args, err, out.String())
	}
	var r terminalReport
	if err := json.Unmarshal([]byte(out.String()), &r); err != nil {
		t.Fatalf("terminal %q: %v\n%s", args, err, out.String())
	}
	return r, code
}

// purchase makes an approved purchase on the simulator through the protocol's adapter, as
// the POS application would, and returns its result.
func purchase(t *testing.T, proto, url string, amount payment.Amount) *payment.Result {
	t.Helper()
	term, closeT, err := openTerminal(context.Background(), proto, url, "")
	if err != nil {
		t.Fatal(err)
	}
	defer closeT()
	res, err := term.Purchase(context.Background(), payment.Request{TransactionID: "support-test-1", Amount: amount})
	if err != nil || !res.Approved {
		t.Fatalf("purchase: %+v %v", res, err)
	}
	return res
}

// `hwprobe terminal last` settles "did the last payment go through" where the terminal can
// be asked (JSON ECR: GetReceiptInfo), and says it is not available where the protocol has no
// such query, rather than answering from its own empty journal.
func TestTerminalLast(t *testing.T) {
	t.Run("privatjson", func(t *testing.T) {
		t.Parallel()
		sim := startTerminalSim(t, "privatjson")
		url := "tcp://" + sim.Addr()
		paid := purchase(t, "privatjson", url, 1234)
		r, code := runTerminalJSON(t, "last", url) // protocol found by probing
		if code != 0 || r.Status != statusOK || r.Protocol != "privatjson" || r.Result == nil {
			t.Fatalf("exit %d, %+v", code, r)
		}
		if !r.Result.Approved || r.Result.Amount != 1234 || r.Result.Invoice != paid.Invoice || r.Result.RRN != paid.RRN {
			t.Errorf("last transaction %+v, want the purchase %+v", r.Result, paid)
		}
		if got := sim.Sim().(*privatsim.Server).Journal(); len(got) != 1 {
			t.Errorf("the simulator's batch holds %d transactions after a read-only query", len(got))
		}
	})
	for _, name := range []string{"bposlight", "bpos1"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			sim := startTerminalSim(t, name)
			r, code := runTerminalJSON(t, "last", "--protocol", name, "tcp://"+sim.Addr())
			if code != 1 || r.Status != terminalNotAvailable || r.Result != nil || r.Detail == "" {
				t.Fatalf("exit %d, %+v", code, r)
			}
		})
	}
}

// `hwprobe terminal merchants` lists what each simulator holds (privatsim: the spec's §6.4
// example; bposlightsim: MID BANK, TID 12123123; bpos1sim: the acquirers of POSGetInfo).
func TestTerminalMerchants(t *testing.T) {
	for _, tc := range []struct {
		proto       string
		n           int
		index, name string
	}{
		{"privatjson", 5, "4", "Оплата частинами"},
		{"bposlight", 1, "BANK", ""},
		{"bpos1", 3, "1", "AQ1"},
	} {
		t.Run(tc.proto, func(t *testing.T) {
			t.Parallel()
			sim := startTerminalSim(t, tc.proto)
			r, code := runTerminalJSON(t, "merchants", "tcp://"+sim.Addr())
			if code != 0 || r.Status != statusOK || r.Protocol != tc.proto || len(r.Merchants) != tc.n {
				t.Fatalf("exit %d, %+v", code, r)
			}
			found := false
			for _, m := range r.Merchants {
				found = found || m.Index == tc.index && m.Name == tc.name
			}
			if !found {
				t.Errorf("no merchant %s %q in %+v", tc.index, tc.name, r.Merchants)
			}
		})
	}
}

// `hwprobe terminal status`: the JSON terminal says its step (0: nothing running), even when
// it is busy and refuses the handshake; BPOS1 answers its link check; B-POS Light has no
// status query.
func TestTerminalStatus(t *testing.T) {
	for _, tc := range []struct {
		proto  string
		faults []string
		code   int
		status string
	}{
		{"privatjson", nil, 0, statusOK},
		{"privatjson", []string{"busy"}, 0, statusOK},
		{"bpos1", nil, 0, statusOK},
		{"bposlight", nil, 1, terminalNotAvailable},
	} {
		t.Run(tc.proto+strings.Join(tc.faults, ","), func(t *testing.T) {
			t.Parallel()
			sim := startTerminalSim(t, tc.proto, tc.faults...)
			r, code := runTerminalJSON(t, "status", "tcp://"+sim.Addr())
			if code != tc.code || r.Status != tc.status || r.Protocol != tc.proto {
				t.Fatalf("exit %d, %+v", code, r)
			}
			if tc.status == statusOK && (r.Event == nil || r.Event.Code != 0) {
				t.Errorf("event %+v", r.Event)
			}
		})
	}
}

// x and z without --yes are refused before anything is opened: no connection reaches the
// device. The port here counts connections and would answer nothing.
func TestTerminalXZNeedYes(t *testing.T) {
	for _, op := range []string{"x", "z"} {
		cc := newConnCounter(t, "", func(c net.Conn) { io.Copy(io.Discard, c) })
		for _, extra := range [][]string{nil, {"--protocol", "privatjson"}} {
			args := append(append([]string{op}, extra...), "tcp://"+cc.addr())
			r, code := runTerminalJSON(t, args...)
			if code != 1 || r.Status != terminalRefused || !strings.Contains(r.Advice, "--yes") {
				t.Fatalf("terminal %q: exit %d, %+v", args, code, r)
			}
		}
		if total, _ := cc.counts(); total != 0 {
			t.Fatalf("terminal %s without --yes opened %d connections", op, total)
		}
	}
}

// x and z with --yes run the X-report and close the batch.
func TestTerminalXZ(t *testing.T) {
	t.Run("privatjson", func(t *testing.T) {
		t.Parallel()
		sim := startTerminalSim(t, "privatjson")
		ps := sim.Sim().(*privatsim.Server)
		url := "tcp://" + sim.Addr()
		purchase(t, "privatjson", url, 500)
		r, code := runTerminalJSON(t, "x", "--yes", "--protocol", "privatjson", url)
		if code != 0 || r.Status != statusOK || r.Result == nil || !strings.Contains(r.Result.Receipt, "Х БАЛАНС") || len(ps.Journal()) != 1 {
			t.Fatalf("x: exit %d, %+v; batch %d", code, r, len(ps.Journal()))
		}
		r, code = runTerminalJSON(t, "z", "--yes", url)
		if code != 0 || r.Status != statusOK || r.Result == nil || !strings.Contains(r.Result.Receipt, "Z БАЛАНС") || len(ps.Journal()) != 0 {
			t.Fatalf("z: exit %d, %+v; batch %d", code, r, len(ps.Journal()))
		}
	})
	t.Run("bposlight", func(t *testing.T) {
		t.Parallel()
		sim := startTerminalSim(t, "bposlight")
		bs := sim.Sim().(*bposlightsim.Server)
		url := "tcp://" + sim.Addr()
		purchase(t, "bposlight", url, 700)
		// DM's B-POS Light row has no X-report: not available, nothing closed.
		if r, code := runTerminalJSON(t, "x", "--yes", url); code != 1 || r.Status != terminalNotAvailable || len(bs.Journal(false)) != 1 {
			t.Fatalf("x: exit %d, %+v", code, r)
		}
		r, code := runTerminalJSON(t, "z", "--yes", url)
		if code != 0 || r.Status != statusOK || r.Result == nil || r.Result.Totals == nil || r.Result.Totals.PurchaseCount != 1 || len(bs.Journal(false)) != 0 {
			t.Fatalf("z: exit %d, %+v", code, r)
		}
	})
	t.Run("bpos1", func(t *testing.T) {
		t.Parallel()
		sim := startTerminalSim(t, "bpos1")
		bs := sim.Sim().(*bpos1sim.Server)
		url := "tcp://" + sim.Addr()
		purchase(t, "bpos1", url, 900)
		batch := bs.Batch()
		if r, code := runTerminalJSON(t, "x", "--yes", url); code != 0 || r.Status != statusOK || bs.Batch() != batch {
			t.Fatalf("x: exit %d, %+v", code, r)
		}
		if r, code := runTerminalJSON(t, "z", "--yes", url); code != 0 || r.Status != statusOK || bs.Batch() == batch {
			t.Fatalf("z: exit %d, %+v; batch %d -> %d", code, r, batch, bs.Batch())
		}
	})
}

func TestTerminalUsage(t *testing.T) {
	for _, args := range [][]string{
		{"terminal"},
		{"terminal", "last"},
		{"terminal", "refund", "tcp://127.0.0.1:1"},
		{"terminal", "--protocol", "nonsense", "last", "tcp://127.0.0.1:1"},
	} {
		a := &app{stdout: io.Discard, stderr: io.Discard}
		if err := a.run(context.Background(), args); err == nil {
			t.Errorf("%q succeeded", args)
		}
	}
}
