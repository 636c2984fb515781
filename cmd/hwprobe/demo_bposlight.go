package main

import (
	"context"

	"github.com/uapos/uapos/bposlight"
	"github.com/uapos/uapos/payment"
	"github.com/uapos/uapos/simulators"
)

// protoBPOSLight is Ingenico's B-POS Light (STX/LL/text+LRC): probe, simulator and demo.
var protoBPOSLight = protocol{
	name:     "bposlight",
	title:    "Ingenico B-POS Light terminal (STX/LL/TAG=value;/LRC, TCP port 2000 or 115200 serial)",
	identify: bposlight.Identify,
	newSim:   simFor("bposlight"),
	faults:   simulators.FaultForms("bposlight"),
	demo:     demoBPOSLight,
}

func demoBPOSLight(ctx context.Context, d *demoEnv) []demoRow {
	const name = "bposlight"
	_, conn, fail := d.dialSim(ctx, name, "", simulators.Spec{Name: name})
	if fail != nil {
		return fail
	}
	t, err := bposlight.NewTerminal(bposlight.New(conn, bposlight.Config{Logger: d.log}), bposlight.TerminalConfig{Bank: payment.BankPivdennyi, Logger: d.log})
	if err != nil {
		return demoFail(name, "adapter", err)
	}
	return driveTerminal(ctx, name, t)
}
