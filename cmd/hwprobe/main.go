// Command hwprobe diagnoses point-of-sale devices, runs the built-in simulators and the demo,
// and records and identifies device traffic.
//
//	hwprobe [scan]                       environment, serial ports, USB printers (read-only)
//	hwprobe probe [flags] URL...         what answers on each link (tcp://, serial://, usblp://, usb://)
//	hwprobe demo [--out FILE]            every simulator on loopback, driven through the real drivers
//	hwprobe sim PROTOCOL [flags]         run one simulator until interrupted
//	hwprobe terminal OP [--yes] URL      last, merchants, status (read-only); x, z (need --yes)
//	hwprobe capture --listen ADDR --to URL --out FILE
//	                                     relay between an application and a device, recording both ways
//	hwprobe identify [--json] FILE       name the framing of the protocol in a capture
//	hwprobe version                      module version and VCS commit of this build
//
// hwprobe never writes to a device unless a write flag (--test-print, --kick-drawer,
// --terminal-echo) asks for it, and never scans networks: it talks only to the URLs it is
// given. See protocols/transports.md §5 of the project notes for the feature list.
//
// probe sends, on a fresh link each, ESC/POS real-time status (DLE EOT) first; B-POS Light's
// acquirer list (ACQ), the JSON ECR handshake (PingDevice) and the BPOS1 ping frame follow
// only on a link taken to lead to a terminal, never to usblp://, usb:// or a raw print port
// (docs/probe.md). It tells a closed port, a silent port and a peer speaking something else
// apart. Its exit
// status is 0 when every target is ok, 1 when some only warn and 2 when any fails; identify
// exits 2 when it recognises no framing; terminal exits 0 when done, 1 when the operation is
// not available or was refused (nothing sent) and 2 when it failed; any other error exits 1.
//
// Each protocol's glue is one file, demo_<protocol>.go, listed once in [protocols]; the
// capture recognisers (frames.go) are hwprobe's own, independent of the protocol packages.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

// command is one sub-command of hwprobe.
type command struct {
	name    string
	args    string // usage after the name
	summary string
	run     func(ctx context.Context, a *app, args []string) error
}

// commands is the explicit list of sub-commands (no init-time registration).
var commands = []command{
	{"scan", "", "environment, serial ports and USB printers found on this machine (read-only)", runScan},
	{"probe", "[--json] [--timeout D] [--kind printer|terminal] [--record DIR [--force]] [--protocol P] [--test-print [--profile P]] [--kick-drawer] [--terminal-echo] URL...", "identify what answers on each link", runProbe},
	{"demo", "[--out FILE.png]", "start every simulator on loopback and drive it through the real drivers", runDemo},
	{"sim", "PROTOCOL|all [--listen 127.0.0.1:PORT | --pty] [--faults a,b] [--control 127.0.0.1:PORT] [--answer-delay D] [--json]", "run simulators until interrupted, with a control API", runSim},
	{"terminal", "last|merchants|status|x|z [--json] [--yes] [--protocol P] [--bank B] [--merchant M] [--timeout D] URL", "support operations on a payment terminal (x and z need --yes)", runTerminal},
	{"capture", "--listen ADDR|pty --to URL --out FILE [--force]", "relay between an application and a device, recording both directions", runCapture},
	{"identify", "[--json] FILE", "recognise the framing of the traffic in a capture file", runIdentify},
	{"version", "", "module version and VCS commit of this build", runVersion},
}

// app carries what a command writes to and the roots it reads, so tests run commands
// in-process.
type app struct {
	stdout, stderr io.Writer
	// root is the file-system root scan reads /sys, /proc and /usr under; "" means "/".
	root string
	// events, when set, is told of addresses and paths as commands bind them ("listen",
	// "pty", "done"), so tests need not parse output to find them.
	events func(event, value string)
}

func (a *app) notify(event, value string) {
	if a.events != nil {
		a.events(event, value)
	}
}

// exitError is an error that asks for a particular exit code.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

func main() {
	if err := mainImpl(); err != nil {
		fmt.Fprintf(os.Stderr, "hwprobe: %v\n", err)
		code := 1
		var ee *exitError
		if errors.As(err, &ee) {
			code = ee.code
		}
		os.Exit(code)
	}
}

func mainImpl() error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	a := &app{stdout: os.Stdout, stderr: os.Stderr}
	return a.run(ctx, os.Args[1:])
}

// run dispatches args to a sub-command.
func (a *app) run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return runScan(ctx, a, nil)
	}
	switch args[0] {
	case "help", "-h", "--help", "-help":
		a.usage(a.stdout)
		return nil
	}
	for _, c := range commands {
		if c.name == args[0] {
			err := c.run(ctx, a, args[1:])
			if errors.Is(err, flag.ErrHelp) {
				return nil // the flag set printed its usage
			}
			return err
		}
	}
	a.usage(a.stderr)
	return fmt.Errorf("unknown command %q", args[0])
}

func (a *app) usage(w io.Writer) {
	fmt.Fprintln(w, "usage: hwprobe [command] [flags]")
	fmt.Fprintln(w, "commands (default: scan):")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
		if c.args != "" {
			fmt.Fprintf(w, "            hwprobe %s %s\n", c.name, c.args)
		}
	}
	fmt.Fprintln(w, "protocols (probe, sim, demo):")
	for _, p := range protocols {
		fmt.Fprintf(w, "  %-11s %s\n", p.name, p.title)
	}
}

// runVersion is `hwprobe version`.
func runVersion(_ context.Context, a *app, args []string) error {
	fs := newFlags("version", a.stderr)
	if _, err := parseInterspersed(fs, args); err != nil {
		return err
	}
	bi, ok := debug.ReadBuildInfo()
	fmt.Fprintln(a.stdout, versionLine(bi, ok))
	return nil
}

// versionLine describes a build: "hwprobe MODULE VERSION (commit C, TIME, modified) GO".
func versionLine(bi *debug.BuildInfo, ok bool) string {
	if !ok || bi == nil {
		return "hwprobe (no build information)"
	}
	mod, ver := bi.Main.Path, bi.Main.Version
	if mod == "" {
		mod = "github.com/uapos/uapos"
	}
	if ver == "" {
		ver = "(devel)"
	}
	var rev, at, modified string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	line := "hwprobe " + mod + " " + ver
	if rev != "" {
		line += " (commit " + rev
		if at != "" {
			line += ", " + at
		}
		if modified == "true" {
			line += ", modified"
		}
		line += ")"
	} else {
		line += " (no VCS information)"
	}
	return line + " " + bi.GoVersion
}
