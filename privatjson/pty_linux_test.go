//go:build linux

package privatjson

import (
	"context"
	"testing"

	"github.com/uapos/uapos/simulators/privatsim"
	"github.com/uapos/uapos/transport"
	"github.com/uapos/uapos/transport/transporttest"
)

// ptyLink serves the simulator on a pty master and drives the slave through the real
// go.bug.st/serial code at 115200 8N1 (spec §1), handshake and identify on the one link.
func ptyLink(t *testing.T, cfg privatsim.Config) (*privatsim.Server, *Client) {
	t.Helper()
	master, slave, err := transporttest.OpenPTY()
	if err != nil {
		t.Skip("no pty:", err)
	}
	// Open the slave before serving the master: a master read with no slave open fails.
	conn, err := transport.Open(testCtx(t), "serial://"+slave+"?baud=115200")
	if err != nil {
		master.Close()
		t.Fatal(err)
	}
	sim := privatsim.New(cfg)
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan struct{})
	go func() { defer close(served); sim.ServeConn(ctx, master) }()
	c := New(conn, testConfig)
	t.Cleanup(func() {
		c.Close()
		cancel()
		<-served
		sim.Close()
	})
	if err := c.Handshake(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	return sim, c
}

func TestDMTasksPTY(t *testing.T) { runDMTasks(t, ptyLink) }

func TestClientMethodsPTY(t *testing.T) { runClientMethods(t, ptyLink) }

func TestIdentifyPTY(t *testing.T) {
	master, slave, err := transporttest.OpenPTY()
	if err != nil {
		t.Skip("no pty:", err)
	}
	conn, err := transport.Open(testCtx(t), "serial://"+slave+"?baud=115200")
	if err != nil {
		master.Close()
		t.Fatal(err)
	}
	defer conn.Close()
	sim := privatsim.New(privatsim.Config{Vendor: "Ingenico", Model: "Desk"})
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan struct{})
	go func() { defer close(served); sim.ServeConn(ctx, master) }()
	defer func() { cancel(); <-served; sim.Close() }()
	desc, err := Identify(testCtx(t), conn)
	if err != nil || desc != "PrivatBank JSON ECR: Ingenico Desk (TE7E132 TESTKKM000CT22927302)" {
		t.Fatalf("%q %v", desc, err)
	}
	// The link stays usable after Identify.
	c := New(conn, testConfig)
	if err := c.PingDevice(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	if sim.Requests("Purchase") != 0 {
		t.Fatal("identify started a payment")
	}
}
