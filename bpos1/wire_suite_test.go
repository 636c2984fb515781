package bpos1_test

import (
	"net"
	"testing"
	"time"

	"github.com/uapos/uapos/bpos1"
	"github.com/uapos/uapos/payment"
	"github.com/uapos/uapos/simulators/bpos1sim"
	"github.com/uapos/uapos/transport"
	"github.com/uapos/uapos/transport/transporttest"
)

// wireFixture drives a WireClient over conn against srv.
func wireFixture(t *testing.T, srv *bpos1sim.Server, conn transport.Conn, bank payment.Bank) fixture {
	t.Helper()
	wc := bpos1.NewWireClient(conn, bpos1.WireConfig{ReplyTimeout: 30 * time.Second, Name: "wire-test"})
	term, err := bpos1.NewWireTerminal(wc, bpos1.TerminalConfig{Bank: bank})
	if err != nil {
		t.Fatal(err)
	}
	return fixture{term: term, journal: srv.Journal, calls: srv.Calls, batch: srv.Batch}
}

// legacyWireFixture builds the adapter the deprecated way, a Client over a WireLib, which
// NewTerminal drives through the WireLib's WireClient.
func legacyWireFixture(t *testing.T, srv *bpos1sim.Server, conn transport.Conn, bank payment.Bank) fixture {
	t.Helper()
	wl := bpos1.NewWireLib(conn, bpos1.WireConfig{ReplyTimeout: 30 * time.Second})
	t.Cleanup(func() { wl.Close() })
	c, err := bpos1.New(wl, bpos1.Config{PollInterval: time.Millisecond, Name: "wire-test"})
	if err != nil {
		t.Fatal(err)
	}
	term, err := bpos1.NewTerminal(c, bpos1.TerminalConfig{Bank: bank})
	if err != nil {
		t.Fatal(err)
	}
	if term.WireClient() != wl.WireClient() || term.Client() != c || term.Key() != "bpos1:wire-test" {
		t.Fatal("NewTerminal over a WireLib does not drive its WireClient")
	}
	return fixture{term: term, journal: srv.Journal, calls: srv.Calls, batch: srv.Batch}
}

// tcpWire serves a wire simulator on loopback and connects to it.
func tcpWire(t *testing.T, cfg bpos1sim.Config) (*bpos1sim.Server, transport.Conn) {
	t.Helper()
	srv := bpos1sim.New(cfg)
	addr, err := srv.ListenTCP("")
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(); srv.Close() })
	return srv, conn
}

// TestSuiteWireLegacy runs the suite over TCP loopback through the deprecated WireLib.
func TestSuiteWireLegacy(t *testing.T) {
	runSuite(t, backend{name: "wire-legacy", wire: true, make: func(t *testing.T, cfg bpos1sim.Config, bank payment.Bank) fixture {
		srv, conn := tcpWire(t, cfg)
		return legacyWireFixture(t, srv, conn, bank)
	}})
}

// TestSuiteWireTCP runs the suite over the provisional native wire, TCP loopback.
func TestSuiteWireTCP(t *testing.T) {
	runSuite(t, backend{name: "wire-tcp", wire: true, make: func(t *testing.T, cfg bpos1sim.Config, bank payment.Bank) fixture {
		srv, conn := tcpWire(t, cfg)
		return wireFixture(t, srv, conn, bank)
	}})
}

// TestSuiteWirePTY runs the suite over a pseudo-terminal, through the real serial code of
// package transport, with the simulator on the master side.
func TestSuiteWirePTY(t *testing.T) {
	if testing.Short() {
		t.Skip("pty suite in -short mode")
	}
	runSuite(t, backend{name: "wire-pty", wire: true, make: func(t *testing.T, cfg bpos1sim.Config, bank payment.Bank) fixture {
		master, slave, err := transporttest.OpenPTY()
		if err != nil {
			t.Skipf("no pty: %v", err)
		}
		// open the slave before serving: reading a master with no slave open fails (EIO)
		conn, err := transport.Open(t.Context(), "serial://"+slave+"?baud=115200")
		if err != nil {
			master.Close()
			t.Fatal(err)
		}
		srv := bpos1sim.New(cfg)
		served := make(chan error, 1)
		go func() { served <- srv.ServeConn(t.Context(), master) }()
		t.Cleanup(func() {
			conn.Close()
			srv.Close()
			<-served
		})
		return wireFixture(t, srv, conn, bank)
	}})
}
