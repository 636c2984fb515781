package main

import (
	"context"
	"errors"

	"github.com/uapos/uapos/payment"
	"github.com/uapos/uapos/privatjson"
	"github.com/uapos/uapos/simulators"
	"github.com/uapos/uapos/transport"
)

// protoPrivatJSON is the PrivatBank / A-Bank JSON ECR protocol: probe, simulator, demo and
// the bank-link test.
var protoPrivatJSON = protocol{
	name:     "privatjson",
	title:    "PrivatBank / A-Bank JSON ECR terminal (0x00-terminated JSON, TCP port 2000 or 115200 serial)",
	identify: privatjson.Identify,
	busy:     func(err error) bool { return errors.Is(err, privatjson.ErrBusy) },
	newSim:   simFor("privatjson"),
	faults:   simulators.FaultForms("privatjson"),
	demo:     demoPrivatJSON,
	echo:     echoPrivatJSON,
}

// fastPrivatConfig drops the pauses real terminals need; the simulator does not.
var fastPrivatConfig = privatjson.Config{SendGap: -1, PingPause: -1, PollInterval: -1}

func demoPrivatJSON(ctx context.Context, d *demoEnv) []demoRow {
	const name = "privatjson"
	sim, fail := d.startSim(ctx, name, "", simulators.Spec{Name: name})
	if fail != nil {
		return fail
	}
	dial := func(ctx context.Context) (transport.Conn, error) { return transport.Open(ctx, "tcp://"+sim.Addr()) }
	cfg := fastPrivatConfig
	cfg.Logger = d.log
	c, err := privatjson.Open(ctx, dial, cfg)
	if err != nil {
		return demoFail(name, "connect", err)
	}
	defer c.Close()
	t, err := privatjson.NewTerminal(c, privatjson.TerminalConfig{Bank: payment.BankPrivat, Logger: d.log})
	if err != nil {
		return demoFail(name, "adapter", err)
	}
	return driveTerminal(ctx, name, t)
}

// echoPrivatJSON asks the terminal to test its bank link (CheckConnection): no payment.
func echoPrivatJSON(ctx context.Context, conn transport.Conn, _ actionOptions) (string, error) {
	// The real terminal's pauses (privatjson.Config defaults), on the one link probe opened.
	c := privatjson.New(conn, privatjson.Config{SingleConnection: true})
	if err := c.Handshake(ctx); err != nil {
		return "", err
	}
	if err := c.CheckConnection(ctx); err != nil {
		return "", err
	}
	return "the terminal reached the bank", nil
}
