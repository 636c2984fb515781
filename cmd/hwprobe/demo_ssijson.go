package main

import (
	"context"
	"net"
	"strconv"

	"github.com/uapos/uapos/payment"
	"github.com/uapos/uapos/simulators"
	"github.com/uapos/uapos/ssijson"
)

// protoSSIJSON is SSI JSON: the same wire as PrivatBank JSON (so probe reports such a
// terminal as privatjson, and `sim ssijson` runs the same simulator), with DM's own SSI JSON
// capability row, which the demo drives.
var protoSSIJSON = protocol{
	name:   "ssijson",
	title:  "SSI JSON bank app (the PrivatBank JSON wire; probe reports it as privatjson)",
	newSim: simFor("ssijson"),
	faults: simulators.FaultForms("ssijson"),
	demo:   demoSSIJSON,
}

func demoSSIJSON(ctx context.Context, d *demoEnv) []demoRow {
	const name = "ssijson"
	sim, fail := d.startSim(ctx, name, "", simulators.Spec{Name: name})
	if fail != nil {
		return fail
	}
	host, portText, err := net.SplitHostPort(sim.Addr())
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
