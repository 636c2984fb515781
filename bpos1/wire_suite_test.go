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

// wireFixture drives a WireLib over conn against srv.
func wireFixture(t *testing.T, srv *bpos1sim.Server, conn transport.Conn, bank payment.Bank) fixture {
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
	return fixture{term: term, journal: srv.Journal, calls: srv.Calls, batch: srv.Batch}
}

// TestSuiteWireTCP runs the suite over the provisional native wire, TCP loopback.
func TestSuiteWireTCP(t *testing.T) {
	runSuite(t, backend{name: "wire-tcp", wire: true, make: func(t *testing.T, cfg bpos1sim.Config, bank payment.Bank) fixture {
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
