package main

import (
	"context"
	"net"
	"strconv"

	"github.com/uapos/uapos/payment"
	"github.com/uapos/uapos/simulators/privatsim"
	"github.com/uapos/uapos/ssijson"
)

// protoSSIJSON is SSI JSON: the same wire as PrivatBank JSON (so probe reports such a
// terminal as privatjson, and `sim ssijson` runs the same simulator), with DM's own SSI JSON
// capability row, which the demo drives.
var protoSSIJSON = protocol{
	name:   "ssijson",
	title:  "SSI JSON bank app (the PrivatBank JSON wire; probe reports it as privatjson)",
	newSim: newPrivatSim,
	faults: protoPrivatJSON.faults,
	demo:   demoSSIJSON,
}

func demoSSIJSON(ctx context.Context, d *demoEnv) []demoRow {
	const name = "ssijson"
	sim := privatsim.New(privatsim.Config{})
	defer sim.Close()
	addr, err := sim.ListenTCP("127.0.0.1:0")
	if err != nil {
		return demoFail(name, "start simulator", err)
	}
	host, portText, err := net.SplitHostPort(addr)
	if err != nil {
		return demoFail(name, "start simulator", err)
	}
	port, err := strconv.Atoi(portText)
	if err != nil {
		return demoFail(name, "start simulator", err)
	}
	cfg := fastPrivatConfig
	cfg.Logger = d.log
	c, err := ssijson.Open(ctx, host, port, cfg)
	if err != nil {
		return demoFail(name, "connect", err)
	}
	defer c.Close()
	t, err := ssijson.NewTerminal(c, ssijson.TerminalConfig{Bank: payment.BankSSI, Logger: d.log})
	if err != nil {
		return demoFail(name, "adapter", err)
	}
	return driveTerminal(ctx, name, t)
}
