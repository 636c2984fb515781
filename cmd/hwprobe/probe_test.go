package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/uapos/uapos/transport"
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
