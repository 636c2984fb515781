package main

import (
	"context"
	"io"
	"net"
	"runtime"
	"testing"
	"time"

	"github.com/uapos/uapos/transport"
)

// simTimeout is probe's per-attempt timeout against the simulators: generous, since a
// correct identification ends an attempt as soon as the answer arrives.
const simTimeout = 3 * time.Second

// realOptions are probe's options with the real protocol list, as `--kind terminal` sets
// them: the simulators here sit on ptys (no USB ids, so probe cannot tell a terminal's port
// from a write-only printer's) and on loopback ports that are no raw print ports, where the
// kind changes nothing. A silent printer-class link still gets status queries only.
func realOptions() probeOptions {
	return probeOptions{timeout: simTimeout, protocols: protocols, open: transport.Open, kind: classTerminal}
}

// Every simulator is identified as its own protocol by URL alone, over TCP loopback.
func TestProbeIdentifiesSimulatorsTCP(t *testing.T) {
	for _, p := range protocols {
		if p.newSim == nil || p.identify == nil {
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
			r := probeURL(context.Background(), "tcp://"+addr, realOptions())
			if r.Status != statusOK || r.Protocol != p.name {
				t.Fatalf("probe of the %s simulator: %+v", p.name, r)
			}
			t.Logf("%s: %s", p.name, r.Device)
		})
	}
}

// The same over a pseudo-terminal, through the real serial code.
func TestProbeIdentifiesSimulatorsPTY(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("pty tests run on Linux")
	}
	for _, p := range protocols {
		if p.newSim == nil || p.identify == nil {
			continue
		}
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			s, err := p.newSim(nil)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			master, slave, hold, err := openPTY() // as `hwprobe sim --pty` does
			if err != nil {
				t.Fatal(err)
			}
			defer hold.Close()
			ctx, cancel := context.WithCancel(context.Background())
			served := make(chan struct{})
			go func() {
				defer close(served)
				servePTY(ctx, s, master, t.Logf) // as `hwprobe sim --pty` serves it
			}()
			defer func() {
				cancel()
				master.Close()
				<-served
			}()
			r := probeURL(context.Background(), "serial://"+slave+"?baud=115200", realOptions())
			if r.Status != statusOK || r.Protocol != p.name {
				t.Fatalf("probe of the %s simulator on %s: %+v", p.name, slave, r)
			}
		})
	}
}

// With the real protocol list, a closed port, a silent port and a peer speaking something
// else are three distinct failures.
func TestProbeRealProtocolsFailures(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedAddr := ln.Addr().String()
	ln.Close()
	silent := serve(t, func(c net.Conn) { io.Copy(io.Discard, c) })
	http := serve(t, func(c net.Conn) {
		buf := make([]byte, 256)
		for {
			if _, err := c.Read(buf); err != nil {
				return
			}
			if _, err := c.Write([]byte("HTTP/1.0 400 Bad Request\r\n\r\n")); err != nil {
				return
			}
		}
	})
	o := realOptions()
	o.timeout = probeTimeout
	for _, tc := range []struct{ addr, problem string }{
		{closedAddr, problemClosed},
		{silent, problemSilent},
		{http, problemNonProtocol},
	} {
		t.Run(tc.problem, func(t *testing.T) {
			t.Parallel()
			r := probeURL(context.Background(), "tcp://"+tc.addr, o)
			if r.Status != statusFail || r.Problem != tc.problem {
				t.Errorf("%s: %+v, want fail/%s", tc.addr, r, tc.problem)
			}
		})
	}
}

// A terminal busy with an operation is identified, with a warning rather than a failure.
func TestProbeBusyTerminalWarns(t *testing.T) {
	t.Parallel()
	p, ok := findProtocol("privatjson")
	if !ok || p.newSim == nil {
		t.Skip("privatjson not built in")
	}
	s, err := p.newSim([]string{"busy"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	addr, err := s.ListenTCP("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := probeURL(context.Background(), "tcp://"+addr, realOptions())
	if r.Status != statusWarn || r.Problem != problemBusy || r.Protocol != "privatjson" {
		t.Fatalf("%+v", r)
	}
}
