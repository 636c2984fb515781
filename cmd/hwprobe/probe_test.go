package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uapos/uapos/transport"
	"github.com/uapos/uapos/transport/transporttest"
)

// probeTimeout bounds each attempt against the fake peers below. Nothing is asserted about
// time: a silent peer simply makes every attempt run to it.
const probeTimeout = time.Second

// pingProtocol is a made-up protocol for testing probe's classification: it writes
// "PING\n" and wants "PONG\n" back.
func pingProtocol(name string) protocol {
	return protocol{name: name, title: "test protocol", identify: func(ctx context.Context, c transport.Conn) (string, error) {
		if dl, ok := ctx.Deadline(); ok {
			c.SetDeadline(dl)
		}
		if _, err := c.Write([]byte("PING\n")); err != nil {
			return "", err
		}
		buf := make([]byte, 5)
		if _, err := io.ReadFull(c, buf); err != nil {
			return "", err
		}
		if string(buf) != "PONG\n" {
			return "", fmt.Errorf("%s: unexpected answer %q", name, buf)
		}
		return name + " device", nil
	}}
}

// serve runs handle for every connection to a loopback listener until the test ends.
func serve(t *testing.T, handle func(c net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				handle(c)
			}()
		}
	}()
	return ln.Addr().String()
}

func testOptions(ps ...protocol) probeOptions {
	return probeOptions{timeout: probeTimeout, protocols: ps, open: transport.Open}
}

func TestProbeDistinguishesFailures(t *testing.T) {
	// closed: a port nothing listens on (the listener is closed before probing).
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedAddr := ln.Addr().String()
	ln.Close()
	// silent: accepts and reads, never answers.
	silent := serve(t, func(c net.Conn) { io.Copy(io.Discard, c) })
	// non-protocol: answers everything with an HTTP error.
	http := serve(t, func(c net.Conn) {
		buf := make([]byte, 64)
		c.Read(buf)
		c.Write([]byte("HTTP/1.0 400 Bad Request\r\n\r\n"))
	})
	// hang-up: closes at once.
	hangup := serve(t, func(c net.Conn) {})
	// the real thing.
	pong := serve(t, func(c net.Conn) {
		buf := make([]byte, 5)
		if _, err := io.ReadFull(c, buf); err == nil && string(buf) == "PING\n" {
			c.Write([]byte("PONG\n"))
		}
	})

	o := testOptions(pingProtocol("alpha"), pingProtocol("beta"))
	tests := []struct {
		addr, status, problem, protocol string
	}{
		{closedAddr, statusFail, problemClosed, ""},
		{silent, statusFail, problemSilent, ""},
		{http, statusFail, problemNonProtocol, ""},
		{hangup, statusFail, problemHangup, ""},
		{pong, statusOK, "", "alpha"},
	}
	for _, tc := range tests {
		t.Run(tc.status+"-"+tc.problem, func(t *testing.T) {
			t.Parallel()
			r := probeURL(context.Background(), "tcp://"+tc.addr, o)
			if r.Status != tc.status || r.Problem != tc.problem || r.Protocol != tc.protocol {
				t.Errorf("%s: status %q problem %q protocol %q, want %q %q %q (%+v)", tc.addr, r.Status, r.Problem, r.Protocol, tc.status, tc.problem, tc.protocol, r)
			}
			if tc.status == statusFail && r.Advice == "" {
				t.Errorf("%s: no advice", tc.addr)
			}
			if tc.problem == problemNonProtocol && !strings.HasPrefix(r.Seen, "48545450") { // "HTTP"
				t.Errorf("non-protocol peer: seen %q", r.Seen)
			}
		})
	}
}

// Each protocol gets a fresh connection: a peer that answers only the first request on a
// connection must still be found by the second protocol.
func TestProbeFreshConnectionPerAttempt(t *testing.T) {
	conns := make(chan struct{}, 10)
	addr := serve(t, func(c net.Conn) {
		conns <- struct{}{}
		buf := make([]byte, 5)
		if _, err := io.ReadFull(c, buf); err == nil {
			c.Write([]byte("PONG\n"))
		}
	})
	wrong := pingProtocol("wrong")
	wrong.identify = func(ctx context.Context, c transport.Conn) (string, error) {
		c.Write([]byte("XXXX\n"))
		buf := make([]byte, 5)
		io.ReadFull(c, buf)
		return "", errors.New("wrong: not mine")
	}
	r := probeURL(context.Background(), "tcp://"+addr, testOptions(wrong, pingProtocol("right")))
	if r.Status != statusOK || r.Protocol != "right" {
		t.Fatalf("%+v", r)
	}
	if len(conns) != 2 {
		t.Errorf("%d connections, want 2", len(conns))
	}
}

func TestProbeBadURLAndExitCode(t *testing.T) {
	var out bytes.Buffer
	a := &app{stdout: &out, stderr: &out}
	err := a.run(context.Background(), []string{"probe", "--json", "nonsense://x"})
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != 2 {
		t.Fatalf("err %v, want exit code 2", err)
	}
	var reports []probeReport
	if err := json.Unmarshal(out.Bytes(), &reports); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if len(reports) != 1 || reports[0].Status != statusFail {
		t.Fatalf("%+v", reports)
	}
}

func TestProbeExit(t *testing.T) {
	if err := probeExit([]probeReport{{Status: statusOK}}); err != nil {
		t.Errorf("all ok: %v", err)
	}
	var ee *exitError
	if err := probeExit([]probeReport{{Status: statusOK}, {Status: statusWarn}}); !errors.As(err, &ee) || ee.code != 1 {
		t.Errorf("warn: %v", err)
	}
	if err := probeExit([]probeReport{{Status: statusWarn}, {Status: statusFail}}); !errors.As(err, &ee) || ee.code != 2 {
		t.Errorf("fail: %v", err)
	}
}

func TestParseInterspersed(t *testing.T) {
	fs := newFlags("x", io.Discard)
	j := fs.Bool("json", false, "")
	d := fs.Duration("timeout", 0, "")
	pos, err := parseInterspersed(fs, []string{"a", "--json", "b", "--timeout", "2s", "--", "--c"})
	if err != nil {
		t.Fatal(err)
	}
	if !*j || *d != 2*time.Second || len(pos) != 3 || pos[0] != "a" || pos[1] != "b" || pos[2] != "--c" {
		t.Errorf("json %v timeout %v pos %q", *j, *d, pos)
	}
}

// mutePrinter is a write-only printer: every link opened to it keeps what it is sent and
// never answers, except with reply (when set) to the first bytes of each link.
type mutePrinter struct {
	reply []byte
	mu    sync.Mutex
	got   []byte
	opens int
	wg    sync.WaitGroup
}

func (m *mutePrinter) open(ctx context.Context, url string) (transport.Conn, error) {
	host, dev := transporttest.Pipe()
	m.mu.Lock()
	m.opens++
	m.mu.Unlock()
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		buf := make([]byte, 4096)
		replied := false
		for {
			n, err := dev.Read(buf)
			m.mu.Lock()
			m.got = append(m.got, buf[:n]...)
			m.mu.Unlock()
			if err != nil {
				return // the host closed its end
			}
			if n > 0 && len(m.reply) > 0 && !replied {
				replied = true
				dev.Write(m.reply)
			}
		}
	}()
	return host, nil
}

// sent returns every byte the links carried to the device, once they are all closed.
func (m *mutePrinter) sent() []byte {
	m.wg.Wait()
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]byte(nil), m.got...)
}

// dleEOT1 is the one status query probe sends to a device that stays silent: DLE EOT 1,
// printer status (protocols/escpos.md §1.8: DLE EOT n = 10 04 n). The next query goes out
// only after an answer.
var dleEOT1 = []byte{0x10, 0x04, 0x01}

// fakePorts lists serial ports as a machine with a VeriFone terminal, a CH340 bridge and an
// Epson printer on USB would (ids from known.go).
func fakePorts() ([]transport.PortInfo, error) {
	return []transport.PortInfo{
		{Name: "/dev/ttyACM0", IsUSB: true, VID: "11CA", PID: "0220"},
		{Name: "/dev/ttyUSB0", IsUSB: true, VID: "1A86", PID: "7523"},
		{Name: "/dev/ttyACM1", IsUSB: true, VID: "04B8", PID: "0E28"},
	}, nil
}

func TestClassifyLink(t *testing.T) {
	o := probeOptions{listPorts: fakePorts}
	withKind := func(k string) probeOptions { o := o; o.kind = k; return o }
	explicit := o
	explicit.explicit = true
	for _, tc := range []struct {
		url  string
		o    probeOptions
		want string
	}{
		{"usblp:///dev/usb/lp0", o, classPrinter},
		{"/dev/usb/lp1", o, classPrinter},
		{"usb://04b8:0e28", o, classPrinter},
		{"usblp:///dev/usb/lp0", withKind(classTerminal), classPrinter},
		{"usblp:///dev/usb/lp0", explicit, classPrinter},
		{"tcp://10.0.0.5:9100", o, classPrinter},
		{"tcp://10.0.0.5:9102", o, classPrinter},
		{"tcp://10.0.0.5:9100", withKind(classTerminal), classTerminal},
		{"tcp://10.0.0.5:2000", o, classTerminal},
		{"tcp://10.0.0.5:2000", withKind(classPrinter), classPrinter},
		{"serial:///dev/ttyACM0?baud=115200", o, classTerminal},
		{"serial:///dev/ttyACM1", o, classPrinter},
		{"serial:///dev/ttyUSB0", o, classUnknown},
		{"/dev/ttyUSB0", o, classUnknown},
		{"serial:///dev/pts/7", o, classUnknown},
		{"serial:///dev/pts/7", explicit, classTerminal},
		{"serial:///dev/pts/7", withKind(classTerminal), classTerminal},
		{"nonsense://x", o, classUnknown},
	} {
		if got, why := classifyLink(tc.url, tc.o); got != tc.want || why == "" {
			t.Errorf("classifyLink(%q, kind %q, explicit %v) = %q (%s); want %q", tc.url, tc.o.kind, tc.o.explicit, got, why, tc.want)
		}
	}
}

// A write-only printer on any link probe cannot tell from a terminal's, or on a printer's
// link, gets the printer status query and nothing else: no PingDevice, no REQ=ACQ;, no BPOS1
// frame, which it would print as garbage (issue 19 item 2).
func TestProbeWriteOnlyPrinterGetsStatusQueryOnly(t *testing.T) {
	for _, url := range []string{
		"usblp:///dev/usb/lp0",
		"/dev/usb/lp0",
		"usb://0fe6:811e",
		"tcp://127.0.0.1:9100",
		"serial:///dev/ttyUSB0?baud=19200", // a CH340 bridge: a printer or a terminal behind it
		"serial:///dev/pts/7",              // no USB ids at all
	} {
		t.Run(fileSafe(url), func(t *testing.T) {
			t.Parallel()
			m := &mutePrinter{}
			o := testOptions(protocols...)
			o.open, o.listPorts = m.open, fakePorts
			r := probeURL(context.Background(), url, o)
			if got := m.sent(); !bytes.Equal(got, dleEOT1) {
				t.Errorf("the printer was sent % x; want only % x", got, dleEOT1)
			}
			if r.Status == statusOK || r.Problem != problemSilent || len(r.Withheld) == 0 {
				t.Errorf("report %+v; want silent, with the terminal protocols withheld", r)
			}
			if r.Advice == "" {
				t.Error("no advice")
			}
		})
	}
}

// The same fake, taken as a terminal's link, does get the terminals' handshakes: the test
// above would see them.
func TestProbeTerminalLinkGetsHandshakes(t *testing.T) {
	t.Parallel()
	m := &mutePrinter{}
	o := testOptions(protocols...)
	o.open, o.kind = m.open, classTerminal
	r := probeURL(context.Background(), "serial:///dev/pts/7", o)
	got := m.sent()
	if !bytes.HasPrefix(got, dleEOT1) {
		t.Errorf("first bytes % x; want the status query first", got[:min(len(got), 8)])
	}
	if !bytes.Contains(got, []byte("PingDevice")) || !bytes.Contains(got, []byte("REQ=ACQ;")) {
		t.Errorf("a terminal link was not sent the JSON and B-POS Light handshakes: %q", got)
	}
	if r.LinkClass != classTerminal || len(r.Withheld) != 0 {
		t.Errorf("%+v", r)
	}
}

// A device on an unknown link that answers the status query in a terminal's framing (a NAK
// of the STX link) is no write-only printer: the terminal handshakes follow.
func TestProbeTerminalFramingAnswerUnlocksHandshakes(t *testing.T) {
	t.Parallel()
	m := &mutePrinter{reply: []byte{0x15}}
	o := testOptions(protocols...)
	o.open = m.open
	r := probeURL(context.Background(), "serial:///dev/pts/7", o)
	if r.LinkClass != classTerminal || len(r.Attempts) < 2 || r.Attempts[1].Protocol == "escpos" {
		t.Fatalf("%+v", r)
	}
	if !strings.Contains(r.LinkReason, "ACK/NAK/EOT") {
		t.Errorf("reason %q does not say what the answer looked like", r.LinkReason)
	}
}

// Asking for a terminal protocol on a printer's link is refused before anything is opened.
func TestProbeRefusesTerminalFramesToPrinters(t *testing.T) {
	privat, ok := findProtocol("privatjson")
	if !ok {
		t.Skip("privatjson not built in")
	}
	for _, tc := range []struct {
		url  string
		kind string
		ps   []protocol
	}{
		{"usblp:///dev/usb/lp0", "", []protocol{privat}},
		{"usblp:///dev/usb/lp0", classTerminal, protocols},
		{"usb://04b8:0e28", classTerminal, protocols},
		{"tcp://127.0.0.1:9100", "", []protocol{privat}},
	} {
		m := &mutePrinter{}
		o := testOptions(tc.ps...)
		o.open, o.kind, o.explicit = m.open, tc.kind, len(tc.ps) == 1
		r := probeURL(context.Background(), tc.url, o)
		if r.Status != statusFail || r.Problem != problemRefused || m.opens != 0 {
			t.Errorf("%s (kind %q): %+v, %d opens; want refused, nothing opened", tc.url, tc.kind, r, m.opens)
		}
	}
}

// A silent printer-class link still runs the write actions asked for by flag, so the advice
// "try --test-print" works.
func TestProbeTestPrintOnWriteOnlyPrinter(t *testing.T) {
	t.Parallel()
	if _, ok := findProtocol("escpos"); !ok {
		t.Skip("escpos not built in")
	}
	m := &mutePrinter{}
	o := testOptions(protocols...)
	o.open, o.testPrint = m.open, true
	o.actions.profile = testPrintProfile
	r := probeURL(context.Background(), "usblp:///dev/usb/lp0", o)
	got := m.sent()
	if len(r.Actions) != 1 || r.Actions[0].Action != "test-print" {
		t.Fatalf("%+v", r)
	}
	if !bytes.Contains(got, []byte("uapos hwprobe")) {
		t.Errorf("no test page sent: % x", got[:min(len(got), 32)])
	}
}

// hwprobe probe of a regular file or a directory reports not-a-device and leaves the file
// as it was (issue 19 item 1).
func TestProbeRegularFileUntouched(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "receipt.txt")
	content := []byte("do not overwrite me\n")
	if err := os.WriteFile(file, content, 0o644); err != nil {
		t.Fatal(err)
	}
	urls := []string{"serial://" + file, file, "serial://" + dir}
	if runtime.GOOS == "linux" {
		urls = append(urls, "usblp://"+file, "usblp://"+dir)
	}
	var out bytes.Buffer
	a := &app{stdout: &out, stderr: &out}
	err := a.run(context.Background(), append([]string{"probe", "--json", "--timeout", "1s"}, urls...))
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != 2 {
		t.Fatalf("err %v, want exit code 2\n%s", err, out.String())
	}
	var reports []probeReport
	if err := json.Unmarshal(out.Bytes(), &reports); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	for _, r := range reports {
		if r.Problem != problemNotDevice || len(r.Attempts) != 0 {
			t.Errorf("%s: %+v; want not-a-device before any attempt", r.URL, r)
		}
	}
	if got, err := os.ReadFile(file); err != nil || !bytes.Equal(got, content) {
		t.Fatalf("file now %q (%v); want %q", got, err, content)
	}
}

// --protocol ssijson and --protocol posapi say what to do instead (issue 19 #11).
func TestProbeProtocolWithoutLinkProbe(t *testing.T) {
	for name, want := range map[string][]string{
		"ssijson": {"--protocol privatjson", "port"},
		"posapi":  {"no public wire", "vendor", "library"},
	} {
		if _, ok := findProtocol(name); !ok {
			continue
		}
		var out bytes.Buffer
		a := &app{stdout: &out, stderr: &out}
		err := a.run(context.Background(), []string{"probe", "--protocol", name, "tcp://127.0.0.1:1"})
		if err == nil {
			t.Fatalf("probe --protocol %s succeeded", name)
		}
		for _, w := range want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("probe --protocol %s: %q does not say %q", name, err, w)
			}
		}
	}
}
