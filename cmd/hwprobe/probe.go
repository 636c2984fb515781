package main

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/uapos/uapos/payment"
	"github.com/uapos/uapos/transport"
	"github.com/uapos/uapos/transport/capture"
)

// Probe outcomes.
const (
	statusOK   = "ok"
	statusWarn = "warn"
	statusFail = "fail"
)

// Problems a probe tells apart.
const (
	problemClosed      = "closed"       // nothing to connect to: refused, no such port or device
	problemPermission  = "permission"   // the node exists but may not be opened
	problemBusy        = "busy"         // another program holds the port
	problemBadURL      = "bad-url"      // the URL cannot be used
	problemUnsupported = "unsupported"  // this build or platform cannot open it
	problemSilent      = "silent"       // opened, but nothing answered any probe
	problemNonProtocol = "non-protocol" // something answered, in none of the known protocols
	problemHangup      = "hangup"       // the peer closed the link without answering
	problemAction      = "action"       // identified, but a write action failed
)

// attempt is one protocol tried on a fresh link.
type attempt struct {
	Protocol string `json:"protocol"`
	OK       bool   `json:"ok"`
	Error    string `json:"error,omitempty"`
	// BytesRead counts what the device sent during the attempt.
	BytesRead int  `json:"bytes_read"`
	Hangup    bool `json:"hangup,omitempty"`
}

// actionResult is one write action asked for by flag.
type actionResult struct {
	Action string `json:"action"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail"`
}

// probeReport is the verdict on one URL; a list of them is the --json form.
type probeReport struct {
	URL      string         `json:"url"`
	Status   string         `json:"status"`
	Protocol string         `json:"protocol,omitempty"`
	Device   string         `json:"device,omitempty"`
	Problem  string         `json:"problem,omitempty"`
	Detail   string         `json:"detail,omitempty"`
	Advice   string         `json:"advice,omitempty"`
	Seen     string         `json:"seen_hex,omitempty"` // first bytes the device sent, when unrecognised
	Attempts []attempt      `json:"attempts"`
	Records  []string       `json:"records,omitempty"` // capture files written by --record
	Actions  []actionResult `json:"actions,omitempty"`
}

// probeOptions are the flags of probe.
type probeOptions struct {
	timeout                     time.Duration
	testPrint, kickDrawer, echo bool
	actions                     actionOptions
	// recordDir, when set, receives one capture file per attempt (transport/capture format).
	recordDir string
	protocols []protocol
	open      func(ctx context.Context, url string) (transport.Conn, error)
}

// watchConn counts and keeps the first bytes a device sends, and notes a hang-up.
type watchConn struct {
	transport.Conn
	mu     sync.Mutex
	n      int
	first  []byte
	hangup bool
}

func (w *watchConn) Read(p []byte) (int, error) {
	n, err := w.Conn.Read(p)
	w.mu.Lock()
	w.n += n
	if len(w.first) < 32 {
		w.first = append(w.first, p[:min(n, 32-len(w.first))]...)
	}
	if errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET) {
		w.hangup = true
	}
	w.mu.Unlock()
	return n, err
}

func (w *watchConn) stats() (int, []byte, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.n, append([]byte(nil), w.first...), w.hangup
}

// keepConn keeps up to max bytes read from the device.
type keepConn struct {
	transport.Conn
	max int
	mu  sync.Mutex
	buf []byte
}

func (k *keepConn) Read(p []byte) (int, error) {
	n, err := k.Conn.Read(p)
	k.mu.Lock()
	if room := k.max - len(k.buf); room > 0 {
		k.buf = append(k.buf, p[:min(n, room)]...)
	}
	k.mu.Unlock()
	return n, err
}

func (k *keepConn) kept() []byte {
	k.mu.Lock()
	defer k.mu.Unlock()
	return append([]byte(nil), k.buf...)
}

// classifyOpen turns an Open error into a problem and advice.
func classifyOpen(url string, err error) (problem, advice string) {
	scheme, _, _ := strings.Cut(url, "://")
	var te *transport.Error
	hint := ""
	if errors.As(err, &te) {
		hint = te.Hint
	}
	switch {
	case errors.Is(err, transport.ErrBadURL):
		return problemBadURL, "write it as tcp://HOST:PORT, serial:///dev/ttyUSB0?baud=115200, usblp:///dev/usb/lp0 or usb://VID:PID"
	case errors.Is(err, transport.ErrUnsupported):
		if hint != "" {
			return problemUnsupported, hint
		}
		return problemUnsupported, "this build cannot open it (usb:// needs a build with -tags libusb; usblp:// is Linux only)"
	case errors.Is(err, transport.ErrPermission), errors.Is(err, fs.ErrPermission):
		if hint != "" {
			return problemPermission, hint
		}
		return problemPermission, "run hwprobe scan: it prints the group to join and a udev rule"
	case errors.Is(err, transport.ErrBusy):
		return problemBusy, "another program holds the port: stop the cash-register application or its driver service, then retry"
	case errors.Is(err, syscall.ECONNREFUSED):
		return problemClosed, "nothing listens there: check the device is on, its IP address (DHCP may have changed it: reserve it in the router) and its ECR port"
	case errors.Is(err, transport.ErrNotFound), errors.Is(err, fs.ErrNotExist):
		return problemClosed, "no such port or device: its name may have changed after re-plugging; run hwprobe scan and pick it by VID:PID"
	case errors.Is(err, transport.ErrNotSerial):
		return problemClosed, "that node is not a serial port"
	case errors.Is(err, os.ErrDeadlineExceeded), errors.Is(err, context.DeadlineExceeded):
		if scheme == "tcp" {
			return problemClosed, "no answer to the TCP connect: wrong IP address, the device is off, or a firewall drops it"
		}
		return problemClosed, "opening timed out"
	}
	if hint != "" {
		return problemClosed, hint
	}
	return problemClosed, "cannot open the link: check the URL, the cable and that the device is on"
}

// silentAdvice is the advice for a link that opened but answered nothing.
func silentAdvice(url string) (string, string) {
	switch {
	case strings.HasPrefix(url, "usblp:"), strings.HasPrefix(url, "usb:"):
		return statusWarn, "many USB receipt printers are write-only and never answer status: try --test-print"
	case strings.HasPrefix(url, "serial:"):
		return statusFail, "nothing answered: check the baud rate (JSON and B-POS Light terminals over USB use 115200), the cable, and that the terminal is in cash-register (ECR) mode"
	}
	return statusFail, "the port accepts connections but nothing answered: is it the device's cash-register port (JSON and B-POS Light terminals: 2000 by default; printers: 9100), and is the ECR protocol enabled on the terminal?"
}

// probeURL identifies what answers at url.
func probeURL(ctx context.Context, url string, o probeOptions) probeReport {
	r := probeReport{URL: url, Attempts: []attempt{}}
	var seen []byte
	anyHangup := false
	var identified *protocol
	for i := range o.protocols {
		p := &o.protocols[i]
		if p.identify == nil {
			continue
		}
		actx, cancel := context.WithTimeout(ctx, o.timeout)
		c, err := o.open(actx, url)
		if err != nil {
			cancel()
			r.Status = statusFail
			r.Problem, r.Advice = classifyOpen(url, err)
			r.Detail = err.Error()
			return r
		}
		var recFile *os.File
		if o.recordDir != "" {
			name := filepath.Join(o.recordDir, fmt.Sprintf("%s-%d-%s.cap", fileSafe(url), len(r.Attempts)+1, p.name))
			if recFile, err = os.Create(name); err == nil {
				fmt.Fprintf(recFile, "# hwprobe probe %s, attempt %d: %s\n", url, len(r.Attempts)+1, p.name)
				c = capture.Record(c, recFile)
				r.Records = append(r.Records, name)
			}
		}
		w := &watchConn{Conn: c}
		if dl, ok := actx.Deadline(); ok {
			c.SetDeadline(dl)
		}
		desc, err := p.identify(actx, w)
		c.Close()
		cancel()
		if recFile != nil {
			recFile.Close()
		}
		n, first, hangup := w.stats()
		a := attempt{Protocol: p.name, OK: err == nil, BytesRead: n, Hangup: hangup}
		if err != nil {
			a.Error = err.Error()
		}
		r.Attempts = append(r.Attempts, a)
		if err == nil {
			r.Status, r.Protocol, r.Device = statusOK, p.name, desc
			identified = p
			break
		}
		if errors.Is(err, payment.ErrBusy) || p.busy != nil && p.busy(err) {
			r.Status, r.Protocol, r.Device = statusWarn, p.name, desc
			r.Problem = problemBusy
			r.Detail = err.Error()
			r.Advice = "the terminal answers but is busy with an operation: finish or cancel it on the terminal, then retry"
			identified = p
			break
		}
		if ctx.Err() != nil {
			r.Status, r.Problem, r.Detail = statusFail, problemSilent, "interrupted"
			return r
		}
		if n > 0 && len(seen) == 0 {
			seen = first
		}
		anyHangup = anyHangup || hangup && n == 0
	}
	if identified == nil {
		r.Status = statusFail
		switch {
		case len(r.Attempts) == 0:
			r.Problem, r.Detail = problemUnsupported, "no protocol with a link probe is built in"
		case len(seen) > 0:
			r.Problem = problemNonProtocol
			r.Seen = hex.EncodeToString(seen)
			r.Detail = "the device answered, but in none of: " + attemptNames(r.Attempts)
			if f := recognise(seen).framing; f != framingUnknown {
				r.Detail += " (its answer looks like " + f.String() + ")"
			}
			r.Advice = "record its traffic with a working application (hwprobe capture) and run hwprobe identify on the file"
		case anyHangup:
			r.Problem = problemHangup
			r.Detail = "the peer closed the link without answering any of: " + attemptNames(r.Attempts)
			r.Advice = "another program may hold the terminal (it accepts one client at a time), or this port is not the device's cash-register port"
		default:
			r.Problem = problemSilent
			r.Detail = fmt.Sprintf("no byte came back within %v to any of: %s", o.timeout, attemptNames(r.Attempts))
			r.Status, r.Advice = silentAdvice(url)
		}
		return r
	}
	runActions(ctx, url, o, identified, &r)
	return r
}

// fileSafe turns a URL into a file-name part.
func fileSafe(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-') {
			b[i] = '_'
		}
	}
	return strings.Trim(string(b), "_")
}

func attemptNames(as []attempt) string {
	var n []string
	for _, a := range as {
		n = append(n, a.Protocol)
	}
	return strings.Join(n, ", ")
}

// runActions runs the write actions asked for, each on a fresh link.
func runActions(ctx context.Context, url string, o probeOptions, p *protocol, r *probeReport) {
	type act struct {
		asked bool
		name  string
		f     actionFunc
	}
	for _, a := range []act{
		{o.testPrint, "test-print", p.testPrint},
		{o.kickDrawer, "kick-drawer", p.kickDrawer},
		{o.echo, "terminal-echo", p.echo},
	} {
		if !a.asked {
			continue
		}
		if a.f == nil {
			r.Actions = append(r.Actions, actionResult{a.name, false, "not available for " + p.name})
			continue
		}
		actx, cancel := context.WithTimeout(ctx, max(o.timeout, 30*time.Second))
		res := actionResult{Action: a.name}
		c, err := o.open(actx, url)
		if err == nil {
			res.Detail, err = a.f(actx, c, o.actions)
			c.Close()
		}
		cancel()
		if err != nil {
			res.Detail = err.Error()
			r.Status, r.Problem = statusFail, problemAction
			r.Advice = a.name + " failed: " + err.Error()
		} else {
			res.OK = true
		}
		r.Actions = append(r.Actions, res)
	}
}

// runProbe is `hwprobe probe`.
func runProbe(ctx context.Context, a *app, args []string) error {
	fs := newFlags("probe", a.stderr)
	asJSON := fs.Bool("json", false, "print the reports as JSON (for support tickets)")
	o := probeOptions{protocols: protocols, open: transport.Open}
	fs.DurationVar(&o.timeout, "timeout", 3*time.Second, "time allowed for each protocol's answer")
	fs.BoolVar(&o.testPrint, "test-print", false, "print a short test receipt on an ESC/POS printer (writes!)")
	fs.BoolVar(&o.kickDrawer, "kick-drawer", false, "open the cash drawer behind an ESC/POS printer (writes!)")
	fs.BoolVar(&o.echo, "terminal-echo", false, "ask a terminal to test its link to the bank (no payment)")
	fs.StringVar(&o.actions.profile, "profile", testPrintProfile, "escpos printer profile for --test-print ("+strings.Join(escposProfiles(), ", ")+")")
	only := fs.String("protocol", "", "try only this protocol")
	fs.StringVar(&o.recordDir, "record", "", "write the bytes of every attempt to a capture file in this directory (for support tickets; hwprobe identify reads them)")
	urls, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(urls) == 0 {
		return errors.New("probe: want at least one URL (tcp://HOST:PORT, serial:///dev/ttyUSB0, usblp:///dev/usb/lp0, usb://VID:PID)")
	}
	if o.recordDir != "" {
		if err := os.MkdirAll(o.recordDir, 0o755); err != nil {
			return fmt.Errorf("probe: --record: %w", err)
		}
	}
	if *only != "" {
		p, ok := findProtocol(*only)
		if !ok {
			return fmt.Errorf("probe: unknown protocol %q", *only)
		}
		o.protocols = []protocol{p}
	}
	reports := make([]probeReport, 0, len(urls))
	for _, u := range urls {
		reports = append(reports, probeURL(ctx, u, o))
	}
	if *asJSON {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(reports); err != nil {
			return err
		}
	} else {
		writeProbe(a.stdout, reports)
	}
	return probeExit(reports)
}

// probeExit maps the reports to the exit status: 0 all ok, 1 warnings only, 2 failures.
func probeExit(reports []probeReport) error {
	fails, warns := 0, 0
	for _, r := range reports {
		switch r.Status {
		case statusFail:
			fails++
		case statusWarn:
			warns++
		}
	}
	switch {
	case fails > 0:
		return &exitError{code: 2, msg: fmt.Sprintf("%d of %d targets failed", fails, len(reports))}
	case warns > 0:
		return &exitError{code: 1, msg: fmt.Sprintf("%d of %d targets with warnings", warns, len(reports))}
	}
	return nil
}

func writeProbe(w io.Writer, reports []probeReport) {
	for _, r := range reports {
		what := r.Problem
		if r.Protocol != "" {
			what = r.Protocol + ": " + r.Device
		}
		fmt.Fprintf(w, "%-4s  %s  %s\n", r.Status, r.URL, what)
		if r.Detail != "" {
			fmt.Fprintf(w, "      %s\n", r.Detail)
		}
		if r.Seen != "" {
			fmt.Fprintf(w, "      first bytes: %s\n", r.Seen)
		}
		for _, a := range r.Actions {
			s := statusOK
			if !a.OK {
				s = statusFail
			}
			fmt.Fprintf(w, "      %s: %s %s\n", a.Action, s, a.Detail)
		}
		if r.Advice != "" {
			fmt.Fprintf(w, "      advice: %s\n", r.Advice)
		}
		for _, f := range r.Records {
			fmt.Fprintf(w, "      recorded: %s\n", f)
		}
	}
}
