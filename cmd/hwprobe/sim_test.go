package main

import (
	"context"
	"runtime"
	"strings"
	"testing"
)

// `hwprobe sim PROTOCOL` serves until interrupted; probe finds it at the address it reports.
func TestSimCommandTCPAndPTY(t *testing.T) {
	for _, p := range protocols {
		if p.newSim == nil || p.identify == nil {
			continue
		}
		modes := [][]string{{"--listen", "127.0.0.1:0"}}
		if runtime.GOOS == "linux" {
			modes = append(modes, []string{"--pty"})
		}
		for _, mode := range modes {
			t.Run(p.name+mode[0], func(t *testing.T) {
				t.Parallel()
				ev := newEventLog()
				var buf syncBuffer
				a := &app{stdout: &buf, stderr: &buf, events: ev.notify}
				ctx, cancel := context.WithCancel(context.Background())
				done := startCommand(ctx, a, append([]string{"sim", p.name}, mode...)...)
				var url string
				select {
				case addr := <-ev.get("listen"):
					url = "tcp://" + addr
				case path := <-ev.get("pty"):
					url = "serial://" + path + "?baud=115200"
				case err := <-done:
					t.Fatalf("sim ended: %v\n%s", err, buf.String())
				}
				r := probeURL(context.Background(), url, realOptions())
				cancel()
				if err := <-done; err != nil {
					t.Errorf("sim: %v", err)
				}
				if r.Status != statusOK || r.Protocol != p.name {
					t.Errorf("probe %s: %+v", url, r)
				}
			})
		}
	}
}

func TestSimCommandErrors(t *testing.T) {
	var buf syncBuffer
	a := &app{stdout: &buf, stderr: &buf}
	ctx := context.Background()
	for _, args := range [][]string{
		{"sim"},
		{"sim", "no-such-protocol"},
		{"sim", "privatjson", "--faults", "no-such-fault"},
		{"sim", "privatjson", "--listen", "nonsense"},
	} {
		if err := a.run(ctx, args); err == nil {
			t.Errorf("%q: no error", args)
		}
	}
}

// Every fault form in the usage is accepted by its simulator's constructor, and a name that
// is not one of them is refused.
func TestSimFaultForms(t *testing.T) {
	examples := map[string]string{
		"N": "2", "RC": "51", "CODE": "51", "LINES": "20", "BYTES": "100", "AMOUNT": "10.00",
		"DURATION": "10ms", "REQ": "PUR", "NAME": "epson", "AMOUNT:CODE": "500:51",
	}
	for _, p := range protocols {
		if p.newSim == nil {
			continue
		}
		if len(p.faults) == 0 {
			t.Errorf("%s: no faults in the usage", p.name)
		}
		for _, form := range p.faults {
			f, arg, hasArg := strings.Cut(form, "=")
			f = strings.TrimSuffix(f, "[")
			if hasArg {
				f += "=" + examples[strings.TrimSuffix(arg, "]")]
			}
			s, err := p.newSim([]string{f})
			if err != nil {
				t.Errorf("%s: newSim(%q): %v", p.name, f, err)
				continue
			}
			s.Close()
		}
		if s, err := p.newSim([]string{"nonsense"}); err == nil {
			s.Close()
			t.Errorf("%s: nonsense is a fault", p.name)
		}
	}
}

// `hwprobe sim --help` names each flag's argument plainly: the flag package takes a
// back-quoted word of the usage as the argument's name, and once printed
// "-faults hwprobe sim PROTOCOL --faults help".
func TestSimHelpRendersFlags(t *testing.T) {
	var buf syncBuffer
	a := &app{stdout: &buf, stderr: &buf}
	_ = a.run(context.Background(), []string{"sim", "--help"})
	out := buf.String()
	if !strings.Contains(out, "-faults list") {
		t.Errorf("--faults is not shown as taking a list:\n%s", out)
	}
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) > 2 && strings.HasPrefix(f[0], "-") && !strings.HasPrefix(line, "    \t") && len(f) > 3 {
			t.Errorf("a flag's argument name runs into several words: %q", line)
		}
	}
}
