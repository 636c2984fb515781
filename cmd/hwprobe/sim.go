package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/uapos/uapos/simulators"
)

// runSim is `hwprobe sim PROTOCOL`.
func runSim(ctx context.Context, a *app, args []string) error {
	fs := newFlags("sim", a.stderr)
	listen := fs.String("listen", "127.0.0.1:0", "TCP address to listen on (loopback unless you mean it)")
	pty := fs.Bool("pty", false, "serve on a pseudo-terminal instead of TCP (Linux); prints the serial port path")
	faults := fs.String("faults", "", "comma-separated faults to inject (see `hwprobe sim PROTOCOL --faults help`)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("sim: want one protocol (%s)", simNames())
	}
	p, ok := findProtocol(pos[0])
	if !ok || p.newSim == nil {
		return fmt.Errorf("sim: no simulator for %q (have: %s)", pos[0], simNames())
	}
	var fl []string
	for _, f := range strings.Split(*faults, ",") {
		if f = strings.TrimSpace(f); f != "" {
			fl = append(fl, f)
		}
	}
	if len(fl) == 1 && fl[0] == "help" {
		fmt.Fprintf(a.stdout, "faults of %s: %s\n", p.name, strings.Join(p.faults, ", "))
		return nil
	}
	s, err := simulators.New(simulators.Spec{Name: p.name, Faults: fl})
	if err != nil {
		return fmt.Errorf("sim: %w", err)
	}
	defer s.Close()
	if *pty {
		master, slave, hold, err := openPTY()
		if err != nil {
			return fmt.Errorf("sim: %w", err)
		}
		defer master.Close()
		defer hold.Close()
		fmt.Fprintf(a.stdout, "%s simulator on serial port %s (Ctrl-C to stop)\n", p.name, slave)
		a.notify("pty", slave)
		err = servePTY(ctx, s, master, func(format string, args ...any) { fmt.Fprintf(a.stderr, "sim: "+format, args...) })
		if err != nil && !errors.Is(err, context.Canceled) {
			return fmt.Errorf("sim: %w", err)
		}
		return nil
	}
	if _, _, err := net.SplitHostPort(*listen); err != nil {
		return fmt.Errorf("sim: --listen: %w", err)
	}
	addr, err := s.ListenTCP(*listen)
	if err != nil {
		return fmt.Errorf("sim: %w", err)
	}
	host, _, _ := net.SplitHostPort(addr) // what was bound: a host-less --listen binds loopback
	warnNotLoopback(a, "sim", host)
	fmt.Fprintf(a.stdout, "%s simulator listening on tcp://%s (Ctrl-C to stop)\n", p.name, addr)
	a.notify("listen", addr)
	<-ctx.Done()
	return nil
}

// warnNotLoopback warns when a listener would be reachable from the network.
func warnNotLoopback(a *app, cmd, host string) {
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		fmt.Fprintf(a.stderr, "%s: warning: %q is not a loopback address; the listener is reachable from the network\n", cmd, host)
	}
}

// simFor is the newSim of a protocol whose simulator the simulators registry calls name.
func simFor(name string) func(faults []string) (simulator, error) {
	return func(faults []string) (simulator, error) {
		s, err := simulators.New(simulators.Spec{Name: name, Faults: faults})
		if err != nil {
			return nil, err
		}
		return s, nil
	}
}

func simNames() string {
	var n []string
	for _, p := range protocols {
		if p.newSim != nil {
			n = append(n, p.name)
		}
	}
	if len(n) == 0 {
		return "none built in"
	}
	return strings.Join(n, ", ")
}
