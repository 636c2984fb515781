package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/uapos/uapos/transport"
	"github.com/uapos/uapos/transport/transporttest"
)

// startSimTCP starts the named protocol's simulator on loopback.
func startSimTCP(t testing.TB, name string, faults ...string) string {
	t.Helper()
	p, ok := findProtocol(name)
	if !ok || p.newSim == nil {
		t.Skipf("%s not built in", name)
	}
	s, err := p.newSim(faults)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	addr, err := s.ListenTCP("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return addr
}

// A terminal on a serial port that runs at one speed only is found when the URL gives none:
// probe tries JSON and B-POS Light at 115200 (their USB speed) and 9600, BPOS1 at 9600 and
// 115200 (issue 19 item 11). The fake port answers, through the simulator, only when opened
// at the terminal's speed, and is silent at any other.
func TestProbeSerialTriesBothSpeeds(t *testing.T) {
	for _, tc := range []struct {
		proto, baud string
	}{
		{"privatjson", "115200"},
		{"bposlight", "115200"},
		{"bpos1", "115200"},
		{"privatjson", "9600"},
	} {
		t.Run(tc.proto+"@"+tc.baud, func(t *testing.T) {
			t.Parallel()
			addr := startSimTCP(t, tc.proto)
			var mu sync.Mutex
			var opened []string
			var held []transport.Conn
			t.Cleanup(func() {
				mu.Lock()
				defer mu.Unlock()
				for _, c := range held {
					c.Close()
				}
			})
			o := realOptions()
			o.timeout = probeTimeout
			o.open = func(ctx context.Context, url string) (transport.Conn, error) {
				mu.Lock()
				opened = append(opened, url)
				mu.Unlock()
				if strings.Contains(url, "baud="+tc.baud) {
					return transport.Open(ctx, "tcp://"+addr)
				}
				a, b := transporttest.Pipe() // wrong speed: the bytes reach no one that answers
				mu.Lock()
				held = append(held, b)
				mu.Unlock()
				return a, nil
			}
			r := probeURL(context.Background(), "serial:///dev/ttyACM9", o)
			if r.Status != statusOK || r.Protocol != tc.proto {
				t.Fatalf("%+v\nopened %q", r, opened)
			}
			if !strings.Contains(r.LinkURL, "baud="+tc.baud) {
				t.Errorf("link_url %q does not carry the speed that worked", r.LinkURL)
			}
		})
	}
}

// A speed given in the URL is used as it is, for every protocol.
func TestProbeSerialKeepsGivenSpeed(t *testing.T) {
	var opened []string
	o := realOptions()
	o.timeout = probeTimeout
	o.open = func(ctx context.Context, url string) (transport.Conn, error) {
		opened = append(opened, url)
		a, b := transporttest.Pipe()
		go io.Copy(io.Discard, b)
		return a, nil
	}
	probeURL(context.Background(), "serial:///dev/ttyACM9?baud=19200", o)
	for _, u := range opened {
		if u != "serial:///dev/ttyACM9?baud=19200" {
			t.Errorf("opened %q", u)
		}
	}
	if len(opened) < 2 {
		t.Errorf("opened %q", opened)
	}
}

func TestWithBaud(t *testing.T) {
	for in, want := range map[string]string{
		"serial:///dev/ttyUSB0":        "serial:///dev/ttyUSB0?baud=115200",
		"serial:///dev/ttyUSB0?data=8": "serial:///dev/ttyUSB0?data=8&baud=115200",
		"/dev/ttyACM0":                 "serial:///dev/ttyACM0?baud=115200",
		"COM3":                         "serial:COM3?baud=115200",
		"serial://COM3":                "serial://COM3?baud=115200",
	} {
		got := withBaud(in, 115200)
		if got != want {
			t.Errorf("withBaud(%q) = %q, want %q", in, got, want)
		}
		if _, err := transport.ParseTarget(got); err != nil {
			t.Errorf("%q: %v", got, err)
		}
		if serialWithoutBaud(got) || !serialWithoutBaud(in) {
			t.Errorf("serialWithoutBaud(%q)", in)
		}
	}
	if serialWithoutBaud("tcp://127.0.0.1:2000") {
		t.Error("tcp is no serial URL")
	}
}

// --terminal-echo on a protocol that has no bank-link test says "not available", never
// "fail", and exits 1 (a warning): the user asked for something that was not done
// (issue 19 item 11).
func TestProbeTerminalEchoNotAvailable(t *testing.T) {
	for _, name := range []string{"bposlight", "bpos1"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			addr := startSimTCP(t, name)
			for _, asJSON := range []bool{false, true} {
				var out syncBuffer
				a := &app{stdout: &out, stderr: &out}
				args := []string{"probe", "--terminal-echo", "tcp://" + addr}
				if asJSON {
					args = append([]string{"probe", "--json"}, args[1:]...)
				}
				err := a.run(context.Background(), args)
				var ee *exitError
				if !errors.As(err, &ee) || ee.code != 1 {
					t.Fatalf("exit %v, want code 1\n%s", err, out.String())
				}
				text := out.String()
				if asJSON {
					var reports []probeReport
					if err := json.Unmarshal([]byte(text), &reports); err != nil {
						t.Fatal(err)
					}
					r := reports[0]
					if r.Protocol != name || len(r.Actions) != 1 || r.Actions[0].Result != actionNotAvailable || r.Problem != problemNotAvailable {
						t.Fatalf("%+v", r)
					}
					continue
				}
				if !strings.Contains(text, "terminal-echo: not available for "+name) || strings.Contains(text, "terminal-echo: fail") {
					t.Fatalf("output does not say not available distinctly:\n%s", text)
				}
			}
		})
	}
}

// A busy terminal's warning names the terminal and what it is busy with, asked on the link
// that found it busy (issue 19 item 11).
func TestProbeBusyTerminalDescribed(t *testing.T) {
	addr := startSimTCP(t, "privatjson", "busy")
	r := probeURL(context.Background(), "tcp://"+addr, realOptions())
	if r.Status != statusWarn || r.Problem != problemBusy {
		t.Fatalf("%+v", r)
	}
	// The simulator's identify answer (privatsim's defaults: the spec's PAX s800 example).
	if !strings.Contains(r.Device, "PAX") || !strings.Contains(r.Device, "s800") || !strings.Contains(r.Device, "busy") {
		t.Fatalf("device %q does not describe the busy terminal", r.Device)
	}
	var out strings.Builder
	writeProbe(&out, []probeReport{r})
	if first, _, _ := strings.Cut(out.String(), "\n"); !strings.Contains(first, "PAX s800") {
		t.Errorf("warning line %q", first)
	}
}

// The order of the tries and the connections a terminal sees (issue 19 item 12): the B-POS
// Light probe comes first on a terminal's link, a BPOS1 terminal's answer to it in TLV
// framing sends probe to BPOS1 next, a JSON terminal is reached after one STX probe; every
// attempt that is not the last has a short first-byte wait; and the device never has two
// connections open at once, because probe lets it see each close before connecting again.
func TestProbeOrderAndOneConnectionAtATime(t *testing.T) {
	for _, tc := range []struct {
		proto string
		want  []string
	}{
		{"escpos", []string{"escpos"}},
		{"bposlight", []string{"escpos", "bposlight"}},
		{"bpos1", []string{"escpos", "bposlight", "bpos1"}},
		{"privatjson", []string{"escpos", "bposlight", "privatjson"}},
	} {
		t.Run(tc.proto, func(t *testing.T) {
			t.Parallel()
			cc := newConnCounter(t, startSimTCP(t, tc.proto), nil)
			o := probeOptions{timeout: simTimeout, protocols: protocols, open: transport.Open}
			r := probeURL(context.Background(), "tcp://"+cc.addr(), o)
			if r.Status != statusOK || r.Protocol != tc.proto {
				t.Fatalf("%+v", r)
			}
			var got []string
			for i, a := range r.Attempts {
				got = append(got, a.Protocol)
				if i < len(r.Attempts)-1 && a.FirstByteWait == "" {
					t.Errorf("attempt %s had no first-byte wait", a.Protocol)
				}
			}
			if strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Errorf("attempts %q, want %q", got, tc.want)
			}
			if total, most := cc.counts(); total != len(tc.want) || most != 1 {
				t.Errorf("%d connections, %d open at once; want %d, 1", total, most, len(tc.want))
			}
		})
	}
	// A silent port gets every protocol once, each with its short wait.
	cc := newConnCounter(t, "", func(c net.Conn) { io.Copy(io.Discard, c) })
	o := probeOptions{timeout: simTimeout, protocols: protocols, open: transport.Open}
	r := probeURL(context.Background(), "tcp://"+cc.addr(), o)
	if r.Problem != problemSilent {
		t.Fatalf("%+v", r)
	}
	for _, a := range r.Attempts {
		if a.FirstByteWait == "" {
			t.Errorf("attempt %s on a silent port had no first-byte wait", a.Protocol)
		}
	}
	if _, most := cc.counts(); most != 1 {
		t.Errorf("%d connections open at once on the silent port", most)
	}
}
