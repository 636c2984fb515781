package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/uapos/uapos/escpos"
	"github.com/uapos/uapos/simulators"
	"github.com/uapos/uapos/simulators/control"
	"github.com/uapos/uapos/simulators/libserve"
	"github.com/uapos/uapos/simulators/vprinter"
)

// defaultAnswerDelay is the gap a served terminal leaves between its ACK of a request that
// goes to the bank and the answer. Real terminals take seconds (card, PIN, host); a second
// keeps a CI run quick while an ECR that reads the ACK and the answer separately sees them
// apart.
const defaultAnswerDelay = time.Second

// simFlags are the flags of `hwprobe sim`.
type simFlags struct {
	listen, faults, control, out, profile string
	pty, allowRemote, json, library       bool
	answerDelay                           time.Duration
}

// runSim is `hwprobe sim PROTOCOL|all`.
func runSim(ctx context.Context, a *app, args []string) error {
	fs := newFlags("sim", a.stderr)
	var f simFlags
	fs.StringVar(&f.listen, "listen", "127.0.0.1:0", "TCP address to listen on (loopback unless you mean it)")
	fs.BoolVar(&f.pty, "pty", false, "serve on a pseudo-terminal instead of TCP (Linux); prints the serial port path")
	fs.StringVar(&f.faults, "faults", "", "comma-separated `list` of faults, sticky unless NAME@N (see: hwprobe sim PROTOCOL --faults help)")
	fs.StringVar(&f.control, "control", "", "serve the control API (HTTP+JSON: faults, card, ledger, requests, pages, reset) on this address, as 127.0.0.1:8081")
	fs.BoolVar(&f.allowRemote, "control-allow-remote", false, "let --control bind an address that is not loopback (anyone who reaches it can make the devices fail)")
	fs.DurationVar(&f.answerDelay, "answer-delay", defaultAnswerDelay, "terminals: time between the ACK of a request that goes to the bank and its answer (0: at once)")
	fs.BoolVar(&f.json, "json", false, "print one JSON line per device (name, addr, control) instead of text")
	fs.StringVar(&f.out, "out", "", "escpos: write each page into this directory as it is cut (page-NNNN.txt, .png, .commands.txt)")
	fs.BoolVar(&f.library, "library", false, "bpos1: serve the vendor-library simulator (for the fake libcBPOSLib.so of cmd/fakelibs) instead of the wire")
	fs.StringVar(&f.profile, "profile", "", "escpos: the printer to be, one of escpos.Profiles() (or a numbering family: epson, xprinter, pos5890, bixolon)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("sim: want one protocol, or all (%s)", simNames())
	}
	if f.answerDelay < 0 {
		return fmt.Errorf("sim: --answer-delay must not be negative")
	}
	if pos[0] == "all" {
		return runSimAll(ctx, a, f)
	}
	if pos[0] == libserve.KindPOSAPI || (pos[0] == libserve.KindBPOS1 && f.library) {
		listenSet := false
		fs.Visit(func(fl *flag.Flag) { listenSet = listenSet || fl.Name == "listen" })
		if !listenSet {
			f.listen = "" // the library's fixed default port, which the fake library dials
		}
		return runLibrarySim(ctx, a, pos[0], f)
	}
	p, ok := findProtocol(pos[0])
	if !ok || p.newSim == nil {
		return fmt.Errorf("sim: no simulator for %q (have: %s, all)", pos[0], simNames())
	}
	var fl []string
	for _, s := range strings.Split(f.faults, ",") {
		if s = strings.TrimSpace(s); s != "" {
			fl = append(fl, s)
		}
	}
	if len(fl) == 1 && fl[0] == "help" {
		fmt.Fprint(a.stdout, simulators.FaultHelp(p.name))
		return nil
	}
	if p.name != "escpos" && (f.out != "" || f.profile != "") {
		return fmt.Errorf("sim: --out and --profile are the printer's (escpos)")
	}
	prof, err := printerProfile(f.profile)
	if err != nil {
		return err
	}
	s, err := simulators.New(simulators.Spec{Name: p.name, Faults: append(prof, fl...), AnswerDelay: f.answerDelay})
	if err != nil {
		return fmt.Errorf("sim: %w", err)
	}
	defer s.Close()
	if f.out != "" {
		if err := writePages(a, s, f.out); err != nil {
			return err
		}
	}
	ctlURL, err := serveControl(ctx, a, f, control.Device{Name: p.name, Controller: s.Controller()})
	if err != nil {
		return err
	}
	if f.pty {
		master, slave, hold, err := openPTY()
		if err != nil {
			return fmt.Errorf("sim: %w", err)
		}
		defer master.Close()
		defer hold.Close()
		if f.json {
			printDevice(a, deviceLine{Name: p.name, PTY: slave, Control: ctlURL})
		} else {
			fmt.Fprintf(a.stdout, "%s simulator on serial port %s (Ctrl-C to stop)\n", p.name, slave)
			printControl(a, ctlURL)
		}
		a.notify("pty", slave)
		err = servePTY(ctx, s, master, func(format string, args ...any) { fmt.Fprintf(a.stderr, "sim: "+format, args...) })
		if err != nil && !errors.Is(err, context.Canceled) {
			return fmt.Errorf("sim: %w", err)
		}
		return nil
	}
	if _, _, err := net.SplitHostPort(f.listen); err != nil {
		return fmt.Errorf("sim: --listen: %w", err)
	}
	addr, err := s.ListenTCP(f.listen)
	if err != nil {
		return fmt.Errorf("sim: %w", err)
	}
	host, _, _ := net.SplitHostPort(addr) // what was bound: a host-less --listen binds loopback
	warnNotLoopback(a, "sim", host)
	if f.json {
		printDevice(a, deviceLine{Name: p.name, Addr: addr, Control: ctlURL})
	} else {
		fmt.Fprintf(a.stdout, "%s simulator listening on tcp://%s (Ctrl-C to stop)\n", p.name, addr)
		printControl(a, ctlURL)
	}
	a.notify("listen", addr)
	<-ctx.Done()
	return nil
}

// runLibrarySim is `hwprobe sim posapi` and `hwprobe sim bpos1 --library`: the vendor-library
// simulator served out of process (package libserve), for an app that loads our fake vendor
// library (cmd/fakelibs) instead of the vendor's.
func runLibrarySim(ctx context.Context, a *app, kind string, f simFlags) error {
	if f.pty || f.faults != "" || f.out != "" || f.profile != "" {
		return fmt.Errorf("sim %s: --pty, --faults, --out and --profile do not apply to a library simulator; set faults through --control", kind)
	}
	ls, err := libserve.StartWith(ctx, kind, f.listen, libserve.SimOptions{AnswerDelay: f.answerDelay})
	if err != nil {
		return fmt.Errorf("sim: %w", err)
	}
	defer ls.Close()
	var ctl control.Controller
	if c, ok := ls.Sim().(interface{ Control() control.Controller }); ok {
		ctl = c.Control()
	}
	ctlURL, err := serveControl(ctx, a, f, control.Device{Name: kind, Addr: ls.Addr(), Controller: ctl})
	if err != nil {
		return err
	}
	host, _, _ := net.SplitHostPort(ls.Addr())
	warnNotLoopback(a, "sim", host)
	if f.json {
		printDevice(a, deviceLine{Name: kind, Addr: ls.Addr(), Control: ctlURL})
	} else {
		fmt.Fprintf(a.stdout, "%s library simulator listening on tcp://%s (fake library: export %s=%s; Ctrl-C to stop)\n",
			kind, ls.Addr(), libserve.EnvVar(kind), ls.Addr())
		printControl(a, ctlURL)
	}
	a.notify("listen", ls.Addr())
	<-ctx.Done()
	return nil
}

// runSimAll is `hwprobe sim all`: every simulator on a loopback port of its own, behind
// one control endpoint, one JSON line per device.
func runSimAll(ctx context.Context, a *app, f simFlags) error {
	if f.pty || f.faults != "" || f.out != "" || f.profile != "" || f.listen != "127.0.0.1:0" {
		return fmt.Errorf("sim all: --pty, --faults, --out, --profile and --listen are for one simulator; set faults through --control")
	}
	var devs []control.Device
	var lines []deviceLine
	for _, name := range simulators.Names() {
		r, err := simulators.Start(ctx, simulators.Spec{Name: name, AnswerDelay: f.answerDelay})
		if err != nil {
			return fmt.Errorf("sim all: %w", err)
		}
		defer r.Close()
		devs = append(devs, control.Device{Name: name, Addr: r.Addr(), Controller: r.Controller()})
		lines = append(lines, deviceLine{Name: name, Addr: r.Addr()})
	}
	base, err := serveControl(ctx, a, f, devs...)
	if err != nil {
		return err
	}
	for _, l := range lines {
		if base != "" {
			l.Control = base + "/v1/devices/" + l.Name
		}
		printDevice(a, l)
	}
	if base != "" {
		a.notify("control", base)
	}
	<-ctx.Done()
	return nil
}

// deviceLine is the JSON line `hwprobe sim --json` and `hwprobe sim all` print per device.
type deviceLine struct {
	Name    string `json:"name"`
	Addr    string `json:"addr,omitempty"`
	PTY     string `json:"pty,omitempty"`
	Control string `json:"control,omitempty"` // the device's control API root
}

func printDevice(a *app, l deviceLine) {
	b, _ := json.Marshal(l)
	fmt.Fprintln(a.stdout, string(b))
}

func printControl(a *app, url string) {
	if url != "" {
		fmt.Fprintf(a.stdout, "control API on %s\n", url)
	}
}

// serveControl serves the control API over devs on --control until ctx ends and returns
// its root URL ("" without --control): with one device, that device's root.
func serveControl(ctx context.Context, a *app, f simFlags, devs ...control.Device) (string, error) {
	if f.control == "" {
		if f.allowRemote {
			return "", fmt.Errorf("sim: --control-allow-remote without --control")
		}
		return "", nil
	}
	ln, err := control.Listen(f.control, f.allowRemote)
	if err != nil {
		return "", fmt.Errorf("sim: --control: %w", err)
	}
	host, _, _ := net.SplitHostPort(ln.Addr().String())
	warnNotLoopback(a, "sim --control", host)
	srv := &http.Server{Handler: control.NewHandler(devs...), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	context.AfterFunc(ctx, func() { srv.Close() })
	base := "http://" + ln.Addr().String()
	if len(devs) == 1 {
		a.notify("control", base)
		return base + "/v1/devices/" + devs[0].Name, nil
	}
	return base, nil
}

// printerProfile turns --profile into the printer's start-up words: a vprinter numbering
// family (epson, xprinter, pos5890, bixolon) is taken as it is; a model of escpos.Profiles()
// gives its width and the family closest to it (Chinese clones that boot in Kanji mode
// number like the xprinter or, at 58 mm, the pos5890 family; Bixolon like bixolon; others
// like Epson). The simulator keeps its own code page tables: the family, not the escpos
// package's slots, decides what a byte prints.
func printerProfile(name string) ([]string, error) {
	if name == "" {
		return nil, nil
	}
	if _, err := vprinter.LookupProfile(name); err == nil {
		return []string{"profile=" + name}, nil
	}
	p, err := escpos.LoadProfile(name)
	if err != nil {
		return nil, fmt.Errorf("sim: --profile %q: not a printer profile (have: %s)", name, strings.Join(escpos.Profiles(), ", "))
	}
	fam := "epson"
	switch {
	case strings.EqualFold(p.Vendor, "Bixolon"):
		fam = "bixolon"
	case p.CancelKanji && p.Dots <= 384:
		fam = "pos5890"
	case p.CancelKanji:
		fam = "xprinter"
	}
	return []string{"profile=" + fam, "dots=" + strconv.Itoa(p.Dots)}, nil
}

// writePages makes the printer write each page into dir as it is cut: the text with style
// markers, the PNG and the decoded command list.
func writePages(a *app, r *simulators.Running, dir string) error {
	vp, ok := r.Sim().(*vprinter.Server)
	if !ok {
		return fmt.Errorf("sim: --out is the printer's")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("sim: --out: %w", err)
	}
	vp.OnCut(func(rc vprinter.Receipt) {
		base := filepath.Join(dir, fmt.Sprintf("page-%04d", rc.Page.Index+1))
		var cmds strings.Builder
		for _, c := range rc.Page.Commands {
			fmt.Fprintf(&cmds, "%8d %-20s %5d % x", c.Offset, c.Name, c.Len, c.Bytes)
			if c.Text != "" {
				fmt.Fprintf(&cmds, " %q", c.Text)
			}
			cmds.WriteByte('\n')
		}
		png, err := rc.PNG()
		for _, w := range []struct {
			ext string
			b   []byte
		}{{".txt", []byte(rc.Text)}, {".png", png}, {".commands.txt", []byte(cmds.String())}} {
			if w.ext == ".png" && err != nil {
				fmt.Fprintf(a.stderr, "sim: page %d: %v\n", rc.Page.Index+1, err)
				continue
			}
			if err := os.WriteFile(base+w.ext, w.b, 0o644); err != nil {
				fmt.Fprintf(a.stderr, "sim: %v\n", err)
			}
		}
	})
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
