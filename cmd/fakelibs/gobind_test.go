//go:build linux && (amd64 || arm64)

package fakelibs_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/uapos/uapos/bpos1"
	"github.com/uapos/uapos/bpos1/vendorlib"
	"github.com/uapos/uapos/posapi"
	"github.com/uapos/uapos/posapi/capi"
	"github.com/uapos/uapos/simulators/bpos1sim"
	"github.com/uapos/uapos/simulators/libserve"
	"github.com/uapos/uapos/simulators/posapisim"
)

// The Go bindings of the suite (posapi.Load and bpos1/vendorlib, both purego) load the fake
// libraries end to end. The fake library carries a Go runtime of its own, and its
// environment is the process's at load time, so each runs in a child process: this test
// binary again, running TestGoBindingChild.
const (
	envChild   = "UAPOS_FAKELIBS_CHILD"
	envLibPath = "UAPOS_FAKELIBS_LIB"
)

func runChild(t *testing.T, kind, lib, addrEnv string) string {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestGoBindingChild$", "-test.v")
	cmd.Env = append(os.Environ(), envChild+"="+kind, envLibPath+"="+lib, addrEnv)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child (%s): %v\n%s", kind, err, out)
	}
	return string(out)
}

func TestGoBindingPOSAPI(t *testing.T) {
	artifacts(t)
	sim := posapisim.New(posapisim.Config{})
	out := runChild(t, "posapi", built.posapi, libserve.EnvPOSAPIAddr+"="+serve(t, libserve.NewPOSAPI(sim, libserve.Config{})))
	// The child paid 2500 and closed the day.
	if sim.Charges() != 1 || sim.Opens() != 3 || len(sim.Records()) != 0 || sim.OpenSessions() != 0 {
		t.Fatalf("ledger: charges %d, opens %d, journal %+v\n%s", sim.Charges(), sim.Opens(), sim.Records(), out)
	}
	if !strings.Contains(out, "paid 2500 rrn 600000001001\n") || !strings.Contains(out, "hosts 1\n") {
		t.Fatalf("child output:\n%s", out)
	}
}

func TestGoBindingBPOS1(t *testing.T) {
	artifacts(t)
	sim := bpos1sim.NewLibrary(bpos1sim.Config{})
	out := runChild(t, "bpos1", built.bpos1, libserve.EnvBPOS1Addr+"="+serve(t, libserve.NewBPOS1(sim, libserve.Config{})))
	if len(sim.Journal()) != 0 || sim.Batch() != 2 || sim.Calls("Confirm") != 2 || sim.Reversed() != 0 {
		t.Fatalf("ledger: journal %+v, batch %d, confirms %d\n%s", sim.Journal(), sim.Batch(), sim.Calls("Confirm"), out)
	}
	if !strings.Contains(out, "totals debit 0/0 credit 1/700 cancelled 1/2500\n") {
		t.Fatalf("child output:\n%s", out)
	}
}

// TestGoBindingChild runs in the child process only.
func TestGoBindingChild(t *testing.T) {
	path := os.Getenv(envLibPath)
	switch os.Getenv(envChild) {
	case "posapi":
		childPOSAPI(t, path)
	case "bpos1":
		childBPOS1(t, path)
	default:
		t.Skip("runs in the child process of TestGoBindingPOSAPI and TestGoBindingBPOS1")
	}
}

func childPOSAPI(t *testing.T, path string) {
	lib, err := posapi.Load(path, posapi.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer lib.Unload()
	// Every data symbol the fake exports is the simulator's value, or the public one where
	// the simulator has none.
	ref := posapisim.New(posapisim.Config{})
	names := []string{"ERR_NONE", "ERR_FAILURE"}
	for _, a := range capi.Actions {
		names = append(names, string(a))
	}
	for _, r := range capi.Responses {
		names = append(names, r.Symbol())
	}
	for _, name := range names {
		got, ok := lib.IntSymbol(name)
		want, wok := ref.IntSymbol(name)
		if !wok {
			want, wok = capi.Action(name).Known()
		}
		if ok != wok || got != want {
			t.Errorf("%s = %#x, %v; want %#x, %v", name, got, ok, want, wok)
		}
	}
	for _, p := range capi.Dictionary {
		got, ok := lib.StringSymbol(string(p.Symbol))
		want, wok := ref.StringSymbol(string(p.Symbol))
		if !wok {
			want, wok = p.Symbol.Known()
		}
		if ok != wok || got != want {
			t.Errorf("%s = %q, %v; want %q, %v", p.Symbol, got, ok, want, wok)
		}
	}
	c, err := posapi.New(lib, posapi.Config{Port: "127.0.0.1:2000"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	r, err := c.Do(ctx, posapi.Call{Action: capi.ActionPayment,
		Args: []posapi.Arg{{Param: capi.ParamAmount, Value: "2500"}, {Param: capi.ParamCurrency, Value: "980"}}})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("paid %s rrn %s\n", r.Get(capi.ParamAmount), r.Get(capi.ParamTransCode))
	n, err := c.HostCount(ctx) // ACTION_HOST_COUNT: the fake's export of the simulator's value
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("hosts %d\n", n)
	if _, err := c.CloseDay(ctx, ""); err != nil {
		t.Fatal(err)
	}
}

func childBPOS1(t *testing.T, path string) {
	lib, err := vendorlib.Open(vendorlib.Config{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	defer lib.Close()
	c, err := bpos1.New(lib, bpos1.Config{PollInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := c.OpenTCP(ctx, "127.0.0.1", "2100"); err != nil {
		t.Fatal(err)
	}
	p, err := c.Purchase(ctx, 2500, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	if p.IssuerName != "SIM BANK" || p.PAN != "4731XXXXXXXX9838" || !strings.HasPrefix(p.Receipt, "ОПЛАТА\n") {
		t.Fatalf("purchase %+v", p)
	}
	if _, err := c.Refund(ctx, 700, 1, p.RRN); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Void(ctx, p.InvoiceNum, 1); err != nil {
		t.Fatal(err)
	}
	tot, err := c.Settlement(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("totals debit %d/%d credit %d/%d cancelled %d/%d\n", tot.DebitNum, tot.DebitAmt,
		tot.CreditNum, tot.CreditAmt, tot.CancelledNum, tot.CancelledAmt)
}
