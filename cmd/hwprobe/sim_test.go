package main

import (
	"context"
	"runtime"
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
