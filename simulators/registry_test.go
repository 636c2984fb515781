package simulators

import (
	"bufio"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"slices"
	"strings"
	"testing"

	"github.com/uapos/uapos/simulators/bpos1sim"
	"github.com/uapos/uapos/simulators/bposlightsim"
	"github.com/uapos/uapos/simulators/control"
	"github.com/uapos/uapos/simulators/privatsim"
	"github.com/uapos/uapos/simulators/vprinter"
)

func TestNames(t *testing.T) {
	want := []string{"bpos1", "bposlight", "escpos", "privatjson", "ssijson"}
	if got := Names(); !slices.Equal(got, want) {
		t.Fatalf("Names() = %q, want %q", got, want)
	}
}

// Every simulator starts on loopback, is the package's own value, answers a TCP connection
// and is closed with net.ErrClosed afterwards.
func TestStartEvery(t *testing.T) {
	for _, name := range Names() {
		t.Run(name, func(t *testing.T) {
			r, err := Start(t.Context(), Spec{Name: name})
			if err != nil {
				t.Fatal(err)
			}
			if r.Name() != name {
				t.Errorf("Name() = %q", r.Name())
			}
			var ok bool
			switch name {
			case "privatjson", "ssijson":
				_, ok = r.Sim().(*privatsim.Server)
			case "bposlight":
				_, ok = r.Sim().(*bposlightsim.Server)
			case "bpos1":
				_, ok = r.Sim().(*bpos1sim.Server)
			case "escpos":
				_, ok = r.Sim().(*vprinter.Server)
			}
			if !ok {
				t.Errorf("Sim() is %T", r.Sim())
			}
			host, _, err := net.SplitHostPort(r.Addr())
			if err != nil || host != "127.0.0.1" {
				t.Fatalf("Addr() = %q", r.Addr())
			}
			c, err := net.Dial("tcp", r.Addr())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if err := r.Close(); err != nil {
				t.Fatal(err)
			}
			if err := r.Close(); err != nil {
				t.Fatalf("second Close: %v", err)
			}
			if _, err := r.ListenTCP(""); !errors.Is(err, net.ErrClosed) {
				t.Fatalf("ListenTCP after Close = %v", err)
			}
		})
	}
}

func TestNewDoesNotListen(t *testing.T) {
	r, err := New(Spec{Name: "bpos1", Listen: "127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if r.Addr() != "" {
		t.Fatalf("Addr() = %q before ListenTCP", r.Addr())
	}
	a, err := r.ListenTCP(":0")
	if err != nil || r.Addr() != a || !strings.HasPrefix(a, "127.0.0.1:") {
		t.Fatalf("ListenTCP(:0) = %q, %v; Addr() = %q", a, err, r.Addr())
	}
}

// Every fault form is accepted with an example value, and the value reaches the Config.
func TestFaultForms(t *testing.T) {
	examples := map[string]string{
		"N": "2", "RC": "51", "CODE": "51", "LINES": "20", "BYTES": "100", "AMOUNT": "10.00",
		"DURATION": "10ms", "REQ": "PUR", "NAME": "epson", "AMOUNT:CODE": "500:51",
	}
	for _, name := range Names() {
		forms := FaultForms(name)
		if len(forms) == 0 {
			t.Errorf("%s: no fault forms", name)
		}
		for _, form := range forms {
			f, arg, hasArg := strings.Cut(form, "=")
			f = strings.TrimSuffix(f, "[")
			if hasArg {
				f += "=" + examples[strings.TrimSuffix(arg, "]")]
			}
			r, err := New(Spec{Name: name, Faults: []string{f}})
			if err != nil {
				t.Errorf("%s: New(%q): %v", name, f, err)
				continue
			}
			r.Close()
		}
	}
	r, err := New(Spec{Name: "escpos", Faults: []string{"profile=pos5890", "cover-open"}})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	vp := r.Sim().(*vprinter.Server)
	if p, st := vp.Profile(), vp.State(); p.Name != "pos5890" || !st.CoverOpen {
		t.Fatalf("faults did not reach the Config: profile %q, state %+v", p.Name, st)
	}
}

func TestSpecErrors(t *testing.T) {
	for _, spec := range []Spec{
		{Name: "no-such"},
		{Name: ""},
		{Name: "privatjson", Faults: []string{"no-such-fault"}},
		{Name: "privatjson", Faults: []string{"partial"}},
		{Name: "privatjson", Faults: []string{"step-delay=soon"}},
		{Name: "bposlight", Faults: []string{"nak=many"}},
		{Name: "bpos1", Faults: []string{"decline=500:x"}},
		{Name: "bpos1", Faults: []string{"decline=lots"}},
		{Name: "bposlight", Faults: []string{"partial=10.00"}},     // not expressible
		{Name: "privatjson", Faults: []string{"corrupt-checksum"}}, // not expressible
		{Name: "escpos", Faults: []string{"decline"}},              // a terminal's fault
		{Name: "privatjson", Faults: []string{"paper-out"}},        // a printer's fault
		{Name: "privatjson", Faults: []string{"busy@0"}},
		{Name: "escpos", Faults: []string{"paper-out=0"}},
	} {
		r, err := New(spec)
		if err == nil {
			r.Close()
			t.Errorf("New(%+v): no error", spec)
			continue
		}
		if !strings.HasPrefix(err.Error(), "simulators: ") {
			t.Errorf("New(%+v) = %q, want the package prefix", spec, err)
		}
	}
	if _, err := Start(t.Context(), Spec{Name: "bpos1", Listen: "nonsense"}); err == nil {
		t.Error("Start on a nonsense address: no error")
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := Start(ctx, Spec{Name: "bpos1"}); !errors.Is(err, context.Canceled) {
		t.Errorf("Start with a done context = %v", err)
	}
}

// The Logger of the Spec reaches the simulator: a link is logged.
func TestSpecLogger(t *testing.T) {
	pr, pw := io.Pipe()
	defer pw.Close()
	opened := make(chan string, 1)
	go func() { // reads every record, so that logging never blocks
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if strings.Contains(sc.Text(), "link opened") {
				select {
				case opened <- sc.Text():
				default:
				}
			}
		}
	}()
	log := slog.New(slog.NewTextHandler(pw, &slog.HandlerOptions{Level: slog.LevelDebug}))
	r, err := Start(t.Context(), Spec{Name: "privatjson", Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	c, err := net.Dial("tcp", r.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if line := <-opened; !strings.Contains(line, `msg="privatsim: link opened"`) || !strings.Contains(line, "peer=127.0.0.1:") {
		t.Fatalf("link record %q", line)
	}
}

// Every simulator has a Controller; the printer's is a control.Printer. Faults given at
// start are sticky; the help says why a protocol cannot express a word.
func TestControllers(t *testing.T) {
	for _, name := range Names() {
		r, err := New(Spec{Name: name})
		if err != nil {
			t.Fatal(err)
		}
		ctl := r.Controller()
		if ctl == nil || ctl.Support().Protocol == "" {
			t.Errorf("%s: controller %v", name, ctl)
		}
		_, printer := ctl.(control.Printer)
		if printer != (name == "escpos") {
			t.Errorf("%s: printer %v", name, printer)
		}
		r.Close()
	}
	r, err := New(Spec{Name: "privatjson", Faults: []string{"busy", "slow=1s@2", "shared"}})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var got []string
	for _, f := range r.Controller().Faults() {
		got = append(got, f.String())
	}
	if strings.Join(got, " ") != "busy@sticky slow=1s@2" {
		t.Errorf("start-up faults %q", got)
	}
	if h := FaultHelp("bposlight"); !strings.Contains(h, "partial=AMOUNT           not expressible: B-POS Light") || !strings.Contains(h, "wait-for-card") {
		t.Errorf("help:\n%s", h)
	}
	if FaultHelp("nothing") != "" || Support("nothing").Protocol != "" {
		t.Error("help of an unknown simulator")
	}
}
