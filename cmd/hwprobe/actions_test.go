package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/uapos/uapos/simulators/vprinter"
)

// --terminal-echo runs the bank-link test on every terminal protocol that has one, after
// identification, on a fresh link; the JSON report carries its outcome.
func TestProbeTerminalEcho(t *testing.T) {
	for _, p := range protocols {
		if p.echo == nil || p.newSim == nil || p.identify == nil {
			continue
		}
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			s, err := p.newSim(nil)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			addr, err := s.ListenTCP("127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			var out syncBuffer
			a := &app{stdout: &out, stderr: &out}
			if err := a.run(context.Background(), []string{"probe", "--json", "--terminal-echo", "--timeout", "3s", "tcp://" + addr}); err != nil {
				t.Fatalf("probe: %v\n%s", err, out.String())
			}
			var reports []probeReport
			if err := json.Unmarshal([]byte(out.String()), &reports); err != nil {
				t.Fatal(err)
			}
			r := reports[0]
			if r.Protocol != p.name || len(r.Actions) != 1 || r.Actions[0].Action != "terminal-echo" || !r.Actions[0].OK {
				t.Fatalf("%+v", r)
			}
		})
	}
}

// A write action the identified device has not got is reported as not available (a
// warning), not attempted.
func TestProbeActionNotAvailable(t *testing.T) {
	p, ok := findProtocol("bposlight")
	if !ok || p.newSim == nil {
		t.Skip("no bposlight simulator built in")
	}
	s, err := p.newSim(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	addr, err := s.ListenTCP("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	o := realOptions()
	o.testPrint = true
	r := probeURL(context.Background(), "tcp://"+addr, o)
	if r.Protocol != "bposlight" || len(r.Actions) != 1 || r.Actions[0].OK || r.Actions[0].Result != actionNotAvailable ||
		r.Status != statusWarn || r.Problem != problemNotAvailable {
		t.Fatalf("%+v", r)
	}
}

// --test-print and --kick-drawer write to a printer only when asked, and do what they say.
func TestProbePrinterWriteActions(t *testing.T) {
	if _, ok := findProtocol("escpos"); !ok {
		t.Skip("escpos not built in")
	}
	sim := vprinter.New(vprinter.Config{})
	defer sim.Close()
	addr, err := sim.ListenTCP("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	// A plain probe prints nothing and kicks nothing.
	r := probeURL(context.Background(), "tcp://"+addr, realOptions())
	if r.Protocol != "escpos" || r.Status != statusOK {
		t.Fatalf("%+v", r)
	}
	if c := sim.Counters(); c.Lines != 0 || c.Cuts != 0 || c.DrawerKicks != 0 {
		t.Fatalf("a plain probe wrote to the printer: %+v", c)
	}
	o := realOptions()
	o.testPrint, o.kickDrawer = true, true
	r = probeURL(context.Background(), "tcp://"+addr, o)
	if r.Status != statusOK || len(r.Actions) != 2 || !r.Actions[0].OK || !r.Actions[1].OK {
		t.Fatalf("%+v", r)
	}
	// Each action ends with a status read on its link, so the printer has taken the job in.
	if !strings.Contains(r.Actions[1].Detail, "sensor reads open") {
		t.Errorf("kick-drawer detail %q", r.Actions[1].Detail)
	}
	page := sim.Current() // the safe profile has no cutter: the page is still on the roll
	if recs := sim.Receipts(); len(recs) > 0 {
		page = recs[0]
	}
	if !strings.Contains(page.Text+page.Plain, "uapos hwprobe") {
		t.Errorf("no test page on the printer: %q", page.Text)
	}
	if !sim.DrawerOpened() {
		t.Error("drawer not opened")
	}
}

// probe --record writes each attempt's bytes to a capture file that identify reads.
func TestProbeRecord(t *testing.T) {
	p, ok := findProtocol("bposlight")
	if !ok || p.newSim == nil {
		t.Skip("bposlight not built in")
	}
	s, err := p.newSim(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	addr, err := s.ListenTCP("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	o := realOptions()
	o.recordDir = t.TempDir()
	r := probeURL(context.Background(), "tcp://"+addr, o)
	if r.Protocol != "bposlight" || len(r.Records) != len(r.Attempts) {
		t.Fatalf("%+v", r)
	}
	last := r.Records[len(r.Records)-1]
	var out syncBuffer
	a := &app{stdout: &out, stderr: &out}
	if err := a.run(context.Background(), []string{"identify", last}); err != nil {
		t.Fatalf("identify %s: %v\n%s", last, err, out.String())
	}
	if got := protocolLine(t, out.String()); !strings.HasPrefix(got, "B-POS Light") {
		t.Errorf("identify named %q", got)
	}
}
