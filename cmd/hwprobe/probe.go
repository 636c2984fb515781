package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/uapos/uapos/internal/advice"
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
	problemClosed      = advice.Closed      // nothing to connect to: refused, no such port or device
	problemPermission  = advice.Permission  // the node exists but may not be opened
	problemBusy        = advice.Busy        // another program holds the port
	problemBadURL      = advice.BadURL      // the URL cannot be used
	problemUnsupported = advice.Unsupported // this build or platform cannot open it
	problemSilent      = advice.Silent      // opened, but nothing answered any probe
	problemNonProtocol = "non-protocol"     // something answered, in none of the known protocols
	problemHangup      = "hangup"           // the peer closed the link without answering
	problemAction      = "action"           // identified, but a write action failed
	problemNotDevice   = advice.NotDevice   // the path is a file, a directory or not the device the scheme wants
	problemRefused     = "refused"          // hwprobe will not send what was asked on this kind of link
	problemRecord      = "record"           // a --record file could not be created
	// problemNotAvailable: a write action was asked for that the identified protocol has
	// not got; nothing was sent for it.
	problemNotAvailable = "not-available"
)

// attempt is one protocol tried on a fresh link.
type attempt struct {
	Protocol string `json:"protocol"`
	OK       bool   `json:"ok"`
	Error    string `json:"error,omitempty"`
	// Baud is the line speed probe set on a serial URL that gives none (0: the URL's own).
	Baud int `json:"baud,omitempty"`
	// FirstByteWait is how long the attempt waited for the device's first byte before
	// giving up on this protocol ("" when it had its whole --timeout).
	FirstByteWait string `json:"first_byte_wait,omitempty"`
	// BytesRead counts what the device sent during the attempt.
	BytesRead int  `json:"bytes_read"`
	Hangup    bool `json:"hangup,omitempty"`
}

// actionResult is one write action asked for by flag.
type actionResult struct {
	Action string `json:"action"`
	OK     bool   `json:"ok"`
	// Result is "ok", "fail" (tried, and it failed) or "not-available" (the identified
	// protocol has no such action: nothing was sent).
	Result string `json:"result"`
	Detail string `json:"detail"`
}

// Action results.
const (
	actionOK           = "ok"
	actionFail         = "fail"
	actionNotAvailable = "not-available"
)

// probeReport is the verdict on one URL; a list of them is the --json form.
type probeReport struct {
	URL    string `json:"url"`
	Status string `json:"status"`
	// LinkClass is what the link was taken to lead to before anything was sent (printer,
	// terminal or unknown), and LinkReason why; they decide what probe sends (docs/probe.md).
	LinkClass  string `json:"link_class,omitempty"`
	LinkReason string `json:"link_reason,omitempty"`
	// Withheld lists the protocols whose frames were not sent: a write-only printer could
	// be on the link and would print them.
	Withheld []string `json:"withheld,omitempty"`
	Protocol string   `json:"protocol,omitempty"`
	Device   string   `json:"device,omitempty"`
	// LinkURL is the URL the device was identified on, with the line speed probe chose
	// for a serial URL that gives none; write actions use it.
	LinkURL  string         `json:"link_url,omitempty"`
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
	// recordDir, when set, receives one capture file per attempt (transport/capture format);
	// force lets those files replace existing ones.
	recordDir string
	force     bool
	protocols []protocol
	// kind is what the user says the device is: "" (find out), classPrinter or
	// classTerminal (--kind).
	kind string
	// firstByte, when > 0, replaces every protocol's first-byte wait (--first-byte).
	firstByte time.Duration
	// explicit is set when the user named the protocol (--protocol): its frames are sent
	// on any link but a printer's.
	explicit bool
	open     func(ctx context.Context, url string) (transport.Conn, error)
	// listPorts lists the serial ports with their USB ids, to tell a terminal's port by its
	// vendor; nil means no lookup.
	listPorts func() ([]transport.PortInfo, error)
}

// watchKeep is how many of a device's first bytes an attempt keeps: enough for a whole short
// frame, whose framing tells which protocol to try next (hintProtocol).
const watchKeep = 256

// seenKeep is how many of them a report shows (Seen).
const seenKeep = 32

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
	if len(w.first) < watchKeep {
		w.first = append(w.first, p[:min(n, watchKeep-len(w.first))]...)
	}
	if errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET) {
		w.hangup = true
	}
	w.mu.Unlock()
	return n, err
}

func (w *watchConn) count() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.n
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

// classifyOpen turns an Open error into a problem and advice (package advice, which
// uaposd's support page shares).
func classifyOpen(url string, err error) (problem, text string) {
	a := advice.Open(url, err)
	return a.Problem, a.EN
}

// Link classes: what a link leads to as far as can be told before a byte is sent. The
// class decides what probe may send (docs/probe.md).
const (
	classPrinter  = "printer"  // printer status queries only, whatever happens
	classTerminal = "terminal" // terminal handshakes may follow an unanswered status query
	classUnknown  = "unknown"  // a write-only printer may be there: status queries only
)

// Raw print ports: JetDirect-style raw printing listens on TCP 9100, and print servers with
// several ports use 9101, 9102 and up. Data sent there is printed.
const (
	rawPrintPortFirst = 9100
	rawPrintPortLast  = 9109
)

// statusQueries names the protocols whose probe is a status query that the printer class
// defines (ESC/POS real-time status, DLE EOT n): the only bytes probe sends to a device it
// has not identified. A printer does not print them.
var statusQueries = map[string]bool{"escpos": true}

// classifyLink says what url leads to from what is known before opening it: the transport
// kind, the TCP port, the USB ids behind a serial port, and the user's --kind and --protocol.
// A URL that cannot be parsed is unknown; opening it reports the error.
func classifyLink(url string, o probeOptions) (class, reason string) {
	t, err := transport.ParseTarget(url)
	if err != nil {
		return classUnknown, "the URL cannot be read"
	}
	switch t.Scheme {
	case "usblp":
		return classPrinter, "usblp:// is a USB printer-class node"
	case "usb":
		return classPrinter, "usb:// opens the USB printer-class interface"
	}
	switch o.kind {
	case classPrinter:
		return classPrinter, "--kind printer"
	case classTerminal:
		return classTerminal, "--kind terminal"
	}
	switch t.Scheme {
	case "tcp":
		_, ps, _ := net.SplitHostPort(t.Address)
		port, err := strconv.Atoi(ps)
		if err == nil && port >= rawPrintPortFirst && port <= rawPrintPortLast {
			return classPrinter, fmt.Sprintf("TCP port %d is a raw print port (%d-%d)", port, rawPrintPortFirst, rawPrintPortLast)
		}
		if o.explicit {
			return classTerminal, "--protocol names it"
		}
		return classTerminal, fmt.Sprintf("TCP port %s is not a raw print port (%d-%d): a printer does not print what arrives there", ps, rawPrintPortFirst, rawPrintPortLast)
	case "serial":
		if d, ok := serialDevice(t.Address, o); ok {
			switch d.kind {
			case kindTerminal:
				return classTerminal, "the serial port is USB " + d.vid + ":" + d.pid + ", " + d.label
			case kindPrinter:
				return classPrinter, "the serial port is USB " + d.vid + ":" + d.pid + ", " + d.label
			}
		}
		if o.explicit {
			return classTerminal, "--protocol names it"
		}
		return classUnknown, "a serial port may lead to a write-only printer"
	}
	return classUnknown, "unknown link"
}

// serialDevice returns the known-device row for the USB ids behind the serial port name.
func serialDevice(name string, o probeOptions) (knownDevice, bool) {
	if o.listPorts == nil {
		return knownDevice{}, false
	}
	ports, err := o.listPorts()
	if err != nil {
		return knownDevice{}, false
	}
	real := name
	if r, err := filepath.EvalSymlinks(name); err == nil {
		real = r // /dev/serial/by-id/... -> /dev/ttyACM0
	}
	for _, p := range ports {
		if p.Name == name || p.Name == real || strings.EqualFold(p.Name, name) && runtime.GOOS == "windows" {
			d, ok := lookupDevice(p.VID, p.PID)
			if ok {
				d.vid, d.pid = strings.ToUpper(p.VID), strings.ToUpper(p.PID)
			}
			return d, ok
		}
	}
	return knownDevice{}, false
}

// answersLikeTerminal reports whether the first bytes a device sent look like a terminal's
// framing (0x00-terminated JSON, the STX link), and names it. A write-only printer sends
// nothing, and a printer that talks answers in status bytes.
func answersLikeTerminal(first []byte) (string, bool) {
	switch f := recognise(first).framing; f {
	case framingJSON0, framingSTXText, framingSTXTLV, framingSTXControl:
		return f.String(), true
	}
	b := bytes.TrimLeft(first, "\x00")
	switch {
	case len(b) > 0 && b[0] == '{':
		return "the start of a JSON object", true
	case len(b) >= 3 && b[0] == 0x02:
		return "the start of an STX frame", true
	}
	return "", false
}

// silentAdvice is the status and advice for a link that opened but answered nothing.
func silentAdvice(url, class string, withheld []string) (string, string) {
	switch {
	case strings.HasPrefix(url, "usblp:"), strings.HasPrefix(url, "usb:"), strings.HasPrefix(url, "/dev/usb/lp"):
		return statusWarn, "many USB receipt printers are write-only and never answer status: try --test-print"
	case class == classPrinter:
		return statusWarn, "a printer on this link answers no status query: it may be write-only or not ESC/POS (Star mode); try --test-print"
	case len(withheld) > 0:
		return statusFail, "no answer to the printer status query. If this is a payment terminal, probe again with --kind terminal (or --protocol " + strings.Join(withheld, "|") + "); its handshakes are sent only when asked, because a write-only printer on this port would print them. For a terminal also check the baud rate (JSON and B-POS Light terminals over USB use 115200), the cable and that it is in cash-register (ECR) mode; for a printer try --kind printer --test-print"
	}
	return statusFail, advice.NoAnswer(url).EN
}

// prober runs the attempts on one URL.
type prober struct {
	ctx       context.Context
	url       string
	o         probeOptions
	r         *probeReport
	seen      []byte
	anyHangup bool
}

// try makes the attempts of plans in order, each on a fresh link, until one answers; a failed
// attempt whose answer has a known framing moves that framing's protocol to the front
// (hintProtocol). It returns the protocol that answered (or answered busy), and done when
// the report is final (the link cannot be opened, a record file cannot be made, ctx ended).
func (p *prober) try(plans []plan) (identified *protocol, done bool) {
	for len(plans) > 0 {
		pl := plans[0]
		plans = plans[1:]
		first, identified, done := p.attempt(pl)
		if identified != nil || done {
			return identified, done
		}
		if h := hintProtocol(first); h != "" {
			plans = prefer(plans, h, pl.baud)
		}
	}
	return nil, false
}

// errNoFirstByte ends an attempt whose device sent nothing within the first-byte wait.
var errNoFirstByte = errors.New("no byte within the first-byte wait")

// attempt tries one plan on a fresh link. It returns the first bytes the device sent, the
// protocol when it answered, and done when the report is final.
func (p *prober) attempt(pl plan) (first []byte, identified *protocol, done bool) {
	r, o, pr := p.r, p.o, pl.p
	url := p.url
	if pl.baud > 0 {
		url = withBaud(url, pl.baud)
	}
	actx, cancel := context.WithTimeout(p.ctx, o.timeout)
	defer cancel()
	raw, err := o.open(actx, url)
	if err != nil {
		r.Status = statusFail
		r.Problem, r.Advice = classifyOpen(url, err)
		r.Detail = err.Error()
		return nil, nil, true
	}
	c := raw
	var recFile *os.File
	if o.recordDir != "" {
		name := filepath.Join(o.recordDir, fmt.Sprintf("%s-%d-%s.cap", fileSafe(p.url), len(r.Attempts)+1, pr.name))
		if recFile, err = createCapture(name, o.force); err != nil {
			raw.Close()
			r.Status, r.Problem = statusFail, problemRecord
			r.Detail = "--record: " + err.Error()
			r.Advice = "give --force to overwrite earlier records, or another --record directory"
			return nil, nil, true
		}
		writeComment(recFile, "hwprobe probe %s, attempt %d: %s (link class %s)", url, len(r.Attempts)+1, pr.name, r.LinkClass)
		c = capture.Record(c, recFile)
		r.Records = append(r.Records, name)
	}
	w := &watchConn{Conn: c}
	if dl, ok := actx.Deadline(); ok {
		c.SetDeadline(dl)
	}
	ictx, icancel := context.WithCancelCause(actx)
	defer icancel(nil)
	if pl.wait > 0 {
		t := time.AfterFunc(pl.wait, func() {
			if w.count() == 0 {
				icancel(errNoFirstByte)
			}
		})
		defer t.Stop()
	}
	desc, err := pr.identify(ictx, w)
	n, first, hangup := w.stats()
	busy := err != nil && (errors.Is(err, payment.ErrBusy) || pr.busy != nil && pr.busy(err))
	if busy {
		// Say what the terminal is and what it is doing, on this link: no second
		// connection to a terminal that serves one client at a time.
		if d := busyDescribers[pr.name]; d != nil {
			if bd := d(actx, w); bd != "" {
				desc = bd
			}
		}
		if desc == "" {
			desc = pr.name + " terminal, busy"
		}
		c.Close()
	} else {
		hangUp(p.ctx, raw, c)
	}
	if recFile != nil {
		recFile.Close()
	}
	a := attempt{Protocol: pr.name, Baud: pl.baud, OK: err == nil, BytesRead: n, Hangup: hangup}
	if pl.wait > 0 {
		a.FirstByteWait = pl.wait.String()
	}
	if err != nil {
		a.Error = err.Error()
		if errors.Is(context.Cause(ictx), errNoFirstByte) && n == 0 {
			a.Error = fmt.Sprintf("no byte within %v (first-byte wait)", pl.wait)
		}
	}
	r.Attempts = append(r.Attempts, a)
	if err == nil {
		r.Status, r.Protocol, r.Device, r.LinkURL = statusOK, pr.name, desc, url
		return first, pr, false
	}
	if busy {
		r.Status, r.Protocol, r.Device, r.LinkURL = statusWarn, pr.name, desc, url
		r.Problem = problemBusy
		r.Detail = err.Error()
		r.Advice = "the terminal answers but is busy with an operation: finish or cancel it on the terminal, then retry"
		return first, pr, false
	}
	if p.ctx.Err() != nil {
		r.Status, r.Problem, r.Detail = statusFail, problemSilent, "interrupted"
		return first, nil, true
	}
	if n > 0 && len(p.seen) == 0 {
		p.seen = first
	}
	p.anyHangup = p.anyHangup || hangup && n == 0
	return first, nil, false
}

// probeURL identifies what answers at url. It first sends only the printer status queries
// (statusQueries); the other protocols' frames follow only on a link taken to lead to a
// terminal (classifyLink), or whose device answered like one. A link taken to lead to a
// printer (usblp://, usb://, a raw print port) never gets anything but status queries.
func probeURL(ctx context.Context, url string, o probeOptions) probeReport {
	r := probeReport{URL: url, Attempts: []attempt{}}
	class, reason := classifyLink(url, o)
	r.LinkClass, r.LinkReason = class, reason
	var status, terminal []*protocol
	for i := range o.protocols {
		p := &o.protocols[i]
		switch {
		case p.identify == nil:
		case statusQueries[p.name]:
			status = append(status, p)
		default:
			terminal = append(terminal, p)
		}
	}
	if class == classPrinter && (o.kind == classTerminal || o.explicit && len(status) == 0 && len(terminal) > 0) {
		r.Status, r.Problem = statusFail, problemRefused
		r.Detail = "nothing sent: " + reason + ", and terminal frames are never sent to a printer (it would print them)"
		r.Advice = "probe the terminal on its own port (tcp://HOST:2000, serial:///dev/ttyACM0)"
		if strings.HasPrefix(url, "tcp:") {
			r.Advice += "; if a terminal really listens on this TCP port, add --kind terminal"
		}
		return r
	}
	pr := &prober{ctx: ctx, url: url, o: o, r: &r}
	identified, done := pr.try(statusPlans(class, status, o))
	if done {
		return r
	}
	if identified == nil && class == classUnknown {
		if what, ok := answersLikeTerminal(pr.seen); ok {
			class = classTerminal
			r.LinkClass, r.LinkReason = class, "its answer to the status query looks like "+what
		}
	}
	if identified == nil {
		if class == classTerminal {
			plans := terminalPlans(url, terminal, o)
			if h := hintProtocol(pr.seen); h != "" {
				plans = prefer(plans, h, 0)
			}
			if identified, done = pr.try(plans); done {
				return r
			}
		} else {
			for _, p := range terminal {
				r.Withheld = append(r.Withheld, p.name)
			}
		}
	}
	if identified == nil {
		r.Status = statusFail
		switch {
		case len(r.Attempts) == 0:
			r.Problem, r.Detail = problemUnsupported, "no protocol with a link probe is built in"
		case len(pr.seen) > 0:
			r.Problem = problemNonProtocol
			r.Seen = hex.EncodeToString(pr.seen[:min(len(pr.seen), seenKeep)])
			r.Detail = "the device answered, but in none of: " + attemptNames(r.Attempts)
			if f := recognise(pr.seen).framing; f != framingUnknown {
				r.Detail += " (its answer looks like " + f.String() + ")"
			}
			if len(r.Withheld) > 0 {
				r.Detail += "; not sent (a printer could print them): " + strings.Join(r.Withheld, ", ")
			}
			r.Advice = "record its traffic with a working application (hwprobe capture) and run hwprobe identify on the file"
		case pr.anyHangup:
			r.Problem = problemHangup
			r.Detail = "the peer closed the link without answering any of: " + attemptNames(r.Attempts)
			r.Advice = "another program may hold the terminal (it accepts one client at a time), or this port is not the device's cash-register port"
		default:
			r.Problem = problemSilent
			r.Detail = "no byte came back to any of: " + attemptWaits(r.Attempts, o.timeout)
			if len(r.Withheld) > 0 {
				r.Detail += "; not sent, because " + reason + ": " + strings.Join(r.Withheld, ", ")
			}
			r.Status, r.Advice = silentAdvice(url, class, r.Withheld)
			if class == classPrinter && len(status) > 0 {
				// A printer that answers no status query may still print: write actions
				// asked for by flag run on it.
				runActions(ctx, url, o, status[0], &r)
			}
		}
		return r
	}
	actionURL := url
	if r.LinkURL != "" {
		actionURL = r.LinkURL
	}
	runActions(ctx, actionURL, o, identified, &r)
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

// attemptWaits names the attempts with how long each waited: "escpos (300ms), bposlight
// (500ms), ...".
func attemptWaits(as []attempt, timeout time.Duration) string {
	var n []string
	for _, a := range as {
		wait := a.FirstByteWait
		if wait == "" {
			wait = timeout.String()
		}
		name := a.Protocol
		if a.Baud > 0 {
			name += fmt.Sprintf(" at %d baud", a.Baud)
		}
		n = append(n, name+" ("+wait+")")
	}
	return strings.Join(n, ", ")
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
			// Asked for and not done: a warning (exit status 1) that says so, never "fail".
			r.Actions = append(r.Actions, actionResult{Action: a.name, Result: actionNotAvailable,
				Detail: "not available for " + p.name + ": " + unavailableWhy(a.name, p.name) + "; nothing was sent"})
			if r.Status == statusOK {
				r.Status, r.Problem = statusWarn, problemNotAvailable
				r.Advice = "--" + a.name + " is not available for " + p.name + " (nothing was sent)"
			}
			continue
		}
		actx, cancel := context.WithTimeout(ctx, max(o.timeout, 30*time.Second))
		res := actionResult{Action: a.name}
		c, err := o.open(actx, url)
		if err == nil {
			res.Detail, err = a.f(actx, c, o.actions)
			hangUp(ctx, c, c)
		}
		cancel()
		if err != nil {
			res.Detail = err.Error()
			res.Result = actionFail
			r.Status, r.Problem = statusFail, problemAction
			r.Advice = a.name + " failed: " + err.Error()
		} else {
			res.OK, res.Result = true, actionOK
		}
		r.Actions = append(r.Actions, res)
	}
}

// runProbe is `hwprobe probe`.
func runProbe(ctx context.Context, a *app, args []string) error {
	fs := newFlags("probe", a.stderr)
	asJSON := fs.Bool("json", false, "print the reports as JSON (for support tickets)")
	o := probeOptions{protocols: protocols, open: transport.Open}
	fs.DurationVar(&o.timeout, "timeout", 3*time.Second, "time allowed for each protocol's answer once the device has sent its first byte")
	fs.DurationVar(&o.firstByte, "first-byte", 0, "how long each protocol waits for the device's first byte before the next is tried (default: 0.3-1 s by protocol; --protocol waits --timeout)")
	fs.BoolVar(&o.testPrint, "test-print", false, "print a short test receipt on an ESC/POS printer (writes!)")
	fs.BoolVar(&o.kickDrawer, "kick-drawer", false, "open the cash drawer behind an ESC/POS printer (writes!)")
	fs.BoolVar(&o.echo, "terminal-echo", false, "ask a terminal to test its link to the bank (no payment)")
	fs.StringVar(&o.actions.profile, "profile", testPrintProfile, "escpos printer profile for --test-print ("+strings.Join(escposProfiles(), ", ")+")")
	only := fs.String("protocol", "", "try only this protocol (a terminal protocol is then sent on any link but a printer's)")
	fs.StringVar(&o.kind, "kind", "", "what the device is, when probe cannot tell: printer or terminal (a terminal's handshakes are sent to a serial port only with --kind terminal)")
	fs.StringVar(&o.recordDir, "record", "", "write the bytes of every attempt to a capture file in this directory (for support tickets; hwprobe identify reads them; the files hold raw traffic)")
	fs.BoolVar(&o.force, "force", false, "let --record overwrite capture files left by an earlier run")
	urls, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(urls) == 0 {
		return errors.New("probe: want at least one URL (tcp://HOST:PORT, serial:///dev/ttyUSB0, usblp:///dev/usb/lp0, usb://VID:PID)")
	}
	switch o.kind {
	case "", "auto":
		o.kind = ""
	case classPrinter, classTerminal:
	default:
		return fmt.Errorf("probe: --kind %q: want printer or terminal", o.kind)
	}
	if *only != "" {
		p, ok := findProtocol(*only)
		if !ok {
			return fmt.Errorf("probe: unknown protocol %q", *only)
		}
		if p.identify == nil {
			return fmt.Errorf("probe: --protocol %s: %s", p.name, noLinkProbe(p.name))
		}
		o.protocols = []protocol{p}
		o.explicit = true
	}
	if o.recordDir != "" {
		if err := os.MkdirAll(o.recordDir, 0o700); err != nil {
			return fmt.Errorf("probe: --record: %w", err)
		}
	}
	if a.root != "" {
		o.listPorts = func() ([]transport.PortInfo, error) { return transport.ListSerialPortsSysfs(a.root) }
	} else {
		o.listPorts = transport.ListSerialPorts
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

// unavailableWhy says why a write action is missing for a protocol.
func unavailableWhy(action, proto string) string {
	switch {
	case action == "terminal-echo" && proto == "bpos1":
		return "its provisional wire has no documented bank-echo message"
	case action == "terminal-echo" && proto == "bposlight":
		return "its documented messages (purchase, cancel, confirm, settlement, acquirer list) include no bank-link test"
	case action == "terminal-echo":
		return "it is no payment terminal"
	}
	return "it is a payment terminal, not a printer"
}

// noLinkProbe says what to do instead for a protocol hwprobe cannot probe on a link.
func noLinkProbe(name string) string {
	switch name {
	case "ssijson":
		return "SSI JSON is the PrivatBank JSON wire, so there is no separate probe: probe the SSI app's ECR port with --protocol privatjson (the terminal is reported as privatjson)"
	case "posapi":
		return "Printec POSAPI has no public wire protocol, so there is nothing to probe on a link: use the vendor's POSAPI library (the posapi package drives it; hwprobe demo shows the flow against a simulated library)"
	case "simpays":
		return "the SimPays KKM wire is unknown, so there is no probe: record a session of a working application with hwprobe capture and run hwprobe identify on it"
	case "checkout":
		return "checkout is the package-mode flow of the demo, not a device: probe its terminal and printer by their own URLs"
	}
	return "this protocol has no link probe"
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
		if r.Status != statusOK && r.LinkClass != "" {
			fmt.Fprintf(w, "      link: %s (%s)\n", r.LinkClass, r.LinkReason)
		}
		for _, a := range r.Actions {
			if a.Result == actionNotAvailable {
				fmt.Fprintf(w, "      %s: %s\n", a.Action, a.Detail) // "not available for ..."
				continue
			}
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
