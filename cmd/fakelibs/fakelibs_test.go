//go:build linux

package fakelibs_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/uapos/uapos/simulators/bpos1sim"
	"github.com/uapos/uapos/simulators/libserve"
	"github.com/uapos/uapos/simulators/posapisim"
)

// built holds the fake libraries and the C programs, built once per test binary.
var built struct {
	once                sync.Once
	dir                 string
	posapi, bpos1       string // the fake libraries
	drivePOS, driveBPOS string // the C programs
	skip                string
	err                 error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
	os.Exit(code)
}

// artifacts builds the fake libraries (go build -buildmode=c-shared) and the C programs
// (gcc) once, or skips.
func artifacts(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("fakelibs: -short: building the c-shared fake libraries takes a minute")
	}
	built.once.Do(build)
	if built.skip != "" {
		t.Skip(built.skip)
	}
	if built.err != nil {
		t.Fatal(built.err)
	}
}

func build() {
	goBin, err := exec.LookPath("go")
	if err != nil {
		built.skip = "fakelibs: no go command on PATH to build the fake libraries"
		return
	}
	cc := "gcc"
	if out, err := exec.Command(goBin, "env", "CC").Output(); err == nil && strings.TrimSpace(string(out)) != "" {
		cc = strings.Fields(string(out))[0]
	}
	if _, err := exec.LookPath(cc); err != nil {
		built.skip = fmt.Sprintf("fakelibs: no C compiler (%s) on PATH: the fake libraries need cgo and the test programs gcc; install gcc to run this test", cc)
		return
	}
	built.dir, built.err = os.MkdirTemp("", "fakelibs")
	if built.err != nil {
		return
	}
	run := func(name string, args ...string) error {
		cmd := exec.Command(name, args...)
		cmd.Env = append(os.Environ(), "CGO_ENABLED=1")
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
		}
		return nil
	}
	built.posapi = filepath.Join(built.dir, "libpos.so")
	built.bpos1 = filepath.Join(built.dir, "libcBPOSLib.so")
	built.drivePOS = filepath.Join(built.dir, "drive_posapi")
	built.driveBPOS = filepath.Join(built.dir, "drive_bpos1")
	for _, step := range [][]string{
		{goBin, "build", "-buildmode=c-shared", "-o", built.posapi, "github.com/uapos/uapos/cmd/fakelibs/posapi"},
		{goBin, "build", "-buildmode=c-shared", "-o", built.bpos1, "github.com/uapos/uapos/cmd/fakelibs/bpos1"},
		{cc, "-O1", "-Wall", "-Werror", "-o", built.drivePOS, filepath.Join("testdata", "drive_posapi.c"), "-ldl"},
		{cc, "-O1", "-Wall", "-Werror", "-o", built.driveBPOS, filepath.Join("testdata", "drive_bpos1.c"), "-ldl"},
	} {
		if built.err = run(step[0], step[1:]...); built.err != nil {
			return
		}
	}
}

// drive runs a C program with the server address in env and returns its output; want is
// its expected exit status.
func drive(t *testing.T, env string, want int, prog string, args ...string) string {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), prog, args...)
	cmd.Env = append(os.Environ(), env)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	code := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("%s: %v", filepath.Base(prog), err)
		}
		code = ee.ExitCode()
	}
	if code != want {
		t.Fatalf("%s %s: exit %d, want %d\n%s%s", filepath.Base(prog), strings.Join(args[1:], " "), code, want, out, stderr.String())
	}
	return string(out)
}

// lines checks that out holds each wanted line, in order.
func lines(t *testing.T, step, out string, want ...string) {
	t.Helper()
	got := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	i := 0
	for _, g := range got {
		if i < len(want) && g == want[i] {
			i++
		}
	}
	if i < len(want) {
		t.Fatalf("%s: output lacks %q (in order)\n%s", step, want[i], out)
	}
}

func serve(t *testing.T, s *libserve.Server) string {
	t.Helper()
	addr, err := s.ListenTCP("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return addr
}

// TestCProgramPOSAPI: a C program drives the fake LIBPOS.SO through purchase, refund, void
// and close of day; each step is checked on the program's output and on the simulator's
// journal.
func TestCProgramPOSAPI(t *testing.T) {
	artifacts(t)
	sim := posapisim.New(posapisim.Config{})
	env := libserve.EnvPOSAPIAddr + "=" + serve(t, libserve.NewPOSAPI(sim, libserve.Config{}))
	lib := built.posapi

	out := drive(t, env, 0, built.drivePOS, lib, "purchase", "12345")
	recs := sim.Records()
	if sim.Charges() != 1 || len(recs) != 1 || recs[0].Amount != 12345 || recs[0].Action != 0x0103 {
		t.Fatalf("after purchase: charges %d, journal %+v", sim.Charges(), recs)
	}
	p := recs[0]
	lines(t, "purchase", out,
		"message ОПЛАТА",
		"identifier "+p.TransID,
		"message ЗВ'ЯЗОК З БАНКОМ",
		fmt.Sprintf("confirm amount=12345 rrn=%s receipt=%s pan=4731XXXXXXXX9838", p.RRN, p.Receipt),
		"params 20",
		"closed")
	if !strings.Contains(out, " small=no whole=yes first=RAIFFEISEN AVAL\n") {
		t.Fatalf("purchase slip:\n%s", out)
	}

	out = drive(t, env, 0, built.drivePOS, lib, "refund", "5000", p.RRN)
	recs = sim.Records()
	if sim.Charges() != 1 || len(recs) != 2 || recs[1].Action != 0x0105 || recs[1].Amount != 5000 {
		t.Fatalf("after refund: charges %d, journal %+v", sim.Charges(), recs)
	}
	lines(t, "refund", out, fmt.Sprintf("confirm amount=5000 rrn=%s receipt=%s pan=4731XXXXXXXX9838", recs[1].RRN, recs[1].Receipt), "closed")

	out = drive(t, env, 0, built.drivePOS, lib, "void", p.Receipt)
	recs = sim.Records()
	if sim.Charges() != 1 || len(recs) != 2 || recs[0].Action != 0x0104 || recs[0].TransID != p.TransID {
		t.Fatalf("after void: the purchase is not reversed: journal %+v", recs)
	}
	lines(t, "void", out, fmt.Sprintf("confirm amount=12345 rrn=%s receipt=%s pan=4731XXXXXXXX9838", p.RRN, recs[0].Receipt), "closed")

	out = drive(t, env, 0, built.drivePOS, lib, "z")
	if n := len(sim.Records()); n != 0 {
		t.Fatalf("after close of day: %d journal records", n)
	}
	lines(t, "z", out, "confirm amount= rrn= receipt= pan=", "params 1", "closed")
	if !strings.Contains(out, "first=Z-ЗВІТ\n") {
		t.Fatalf("close of day slip:\n%s", out)
	}
	if sim.OpenSessions() != 0 || sim.Opens() != 4 {
		t.Fatalf("sessions: %d open, %d opened", sim.OpenSessions(), sim.Opens())
	}
}

// TestCProgramPOSAPIDecline: a host decline reaches the C program with its class and
// text, and nothing is charged.
func TestCProgramPOSAPIDecline(t *testing.T) {
	artifacts(t)
	sim := posapisim.New(posapisim.Config{Decline: 5})
	env := libserve.EnvPOSAPIAddr + "=" + serve(t, libserve.NewPOSAPI(sim, libserve.Config{}))
	out := drive(t, env, 1, built.drivePOS, built.posapi, "purchase", "12345")
	lines(t, "declined purchase", out, "decline status=5 text=НЕДОСТАТНЬО КОШТІВ", "closed")
	if sim.Charges() != 0 || len(sim.Records()) != 0 {
		t.Fatalf("a decline was charged: %d, journal %+v", sim.Charges(), sim.Records())
	}
}

// TestCProgramBPOS1: a C program drives the fake libcBPOSLib.so through purchase (and a
// declined one), refund, void and settlement, checked on the output and the journal.
func TestCProgramBPOS1(t *testing.T) {
	artifacts(t)
	sim := bpos1sim.NewLibrary(bpos1sim.Config{Declines: map[uint32]uint32{777: 51}})
	env := libserve.EnvBPOS1Addr + "=" + serve(t, libserve.NewBPOS1(sim, libserve.Config{}))
	lib := built.bpos1

	out := drive(t, env, 0, built.driveBPOS, lib, "purchase", "12345", "1")
	j := sim.Journal()
	if len(j) != 1 || j[0].TxnType != 1 || j[0].TrnStatus != 1 || j[0].Amount != 12345 ||
		sim.Calls("Purchase") != 1 || sim.Calls("Confirm") != 1 || sim.Reversed() != 0 {
		t.Fatalf("after purchase: journal %+v, confirms %d, reversed %d", j, sim.Calls("Confirm"), sim.Reversed())
	}
	p := j[0]
	lines(t, "purchase", out,
		"progress 6",
		fmt.Sprintf("ok type=1 invoice=%d amount=12345 rrn=%s auth=%s pan=4731XXXXXXXX9838", p.Invoice, p.RRN, p.AuthCode),
		"confirmed",
		"closed")
	if !strings.Contains(out, "first=\xce\xcf\xcb\xc0\xd2\xc0\n") { // "ОПЛАТА" in Windows-1251, as the vendor's library hands it over
		t.Fatalf("purchase receipt:\n%q", out)
	}

	out = drive(t, env, 1, built.driveBPOS, lib, "purchase", "777", "1")
	lines(t, "declined purchase", out, "error result=1 code=4 response=51", "closed")
	if j := sim.Journal(); len(j) != 2 || j[1].TrnStatus != 2 || sim.Calls("Confirm") != 1 {
		t.Fatalf("after the decline: journal %+v", j)
	}

	out = drive(t, env, 0, built.driveBPOS, lib, "refund", "5000", "1", p.RRN)
	j = sim.Journal()
	if len(j) != 3 || j[2].TxnType != 2 || j[2].TrnStatus != 1 || j[2].Amount != 5000 || sim.Calls("Confirm") != 2 {
		t.Fatalf("after refund: journal %+v", j)
	}
	lines(t, "refund", out, fmt.Sprintf("ok type=2 invoice=%d amount=5000 rrn=%s auth=%s pan=4731XXXXXXXX9838", j[2].Invoice, j[2].RRN, j[2].AuthCode), "confirmed", "closed")

	out = drive(t, env, 0, built.driveBPOS, lib, "void", fmt.Sprint(p.Invoice), "1")
	j = sim.Journal()
	if len(j) != 4 || j[0].TrnStatus != 4 || j[3].TxnType != 3 || j[3].Amount != 12345 || sim.Calls("Confirm") != 2 {
		t.Fatalf("after void: the purchase is not cancelled: journal %+v", j)
	}
	lines(t, "void", out, fmt.Sprintf("ok type=3 invoice=%d amount=12345 rrn=%s auth=%s pan=4731XXXXXXXX9838", j[3].Invoice, p.RRN, p.AuthCode), "closed")
	if strings.Contains(out, "confirmed") {
		t.Fatal("a void was confirmed")
	}

	out = drive(t, env, 0, built.driveBPOS, lib, "z", "0")
	if len(sim.Journal()) != 0 || sim.Batch() != 2 {
		t.Fatalf("after settlement: journal %+v, batch %d", sim.Journal(), sim.Batch())
	}
	lines(t, "z", out, "totals debit=0/0 credit=1/5000 cancelled=1/12345", "closed")
	if sim.Reversed() != 0 {
		t.Fatalf("%d transactions reversed for want of Confirm", sim.Reversed())
	}
}

// TestCProgramNoSimulator: with nothing listening, the fake libraries fail as the vendor's
// fail without a terminal.
func TestCProgramNoSimulator(t *testing.T) {
	artifacts(t)
	s := libserve.NewPOSAPI(posapisim.New(posapisim.Config{}), libserve.Config{})
	addr := serve(t, s)
	s.Close()
	out := drive(t, libserve.EnvAddr+"="+addr, 1, built.drivePOS, built.posapi, "z")
	lines(t, "posapi", out, "open failed error=1")
	out = drive(t, libserve.EnvAddr+"="+addr, 1, built.driveBPOS, built.bpos1, "z", "0")
	lines(t, "bpos1", out, "open ecrc=4")
}
