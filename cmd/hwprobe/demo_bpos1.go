package main

import (
	"context"

	"github.com/uapos/uapos/bpos1"
	"github.com/uapos/uapos/payment"
	"github.com/uapos/uapos/simulators"
	"github.com/uapos/uapos/simulators/bpos1sim"
)

// protoBPOS1 is Ingenico BPOS1: the provisional native wire (STX/LL/TLV+LRC) for probe, sim
// and demo, and the vendor-library model (the in-process library simulator) in the demo.
var protoBPOS1 = protocol{
	name:     "bpos1",
	title:    "Ingenico BPOS1 terminal, native wire (STX/LL/TLV/LRC; PROVISIONAL framing)",
	identify: bpos1.Identify,
	newSim:   simFor("bpos1"),
	faults:   simulators.FaultForms("bpos1"),
	demo:     demoBPOS1,
	// No echo: the provisional wire has no documented bank-echo message (bpos1.md §B.3
	// lists purchase, refund, void, settlement, X, POS info and ping), and the wire backend
	// answers CheckConnection with 5029.
}

// fastBPOS1 polls without pausing: the simulators answer at once.
var fastBPOS1 = bpos1.Config{PollInterval: -1}

func demoBPOS1(ctx context.Context, d *demoEnv) []demoRow {
	const name = "bpos1"
	sim, conn, fail := d.dialSim(ctx, name, "", simulators.Spec{Name: name})
	if fail != nil {
		return fail
	}
	cfg := fastBPOS1
	cfg.Name = "tcp:" + sim.Addr()
	cfg.Logger = d.log
	rows := demoBPOS1Lib(ctx, name+" wire", bpos1.NewWireLib(conn, bpos1.WireConfig{Logger: d.log}), cfg, false)
	// The vendor-library backend, against the library simulator (in process: the simulated
	// library's CommOpenTCP opens nothing on the network).
	libCfg := fastBPOS1
	libCfg.Logger = d.log
	return append(rows, demoBPOS1Lib(ctx, name+" lib", bpos1sim.NewLibrary(bpos1sim.Config{}), libCfg, true)...)
}

func demoBPOS1Lib(ctx context.Context, name string, lib bpos1.Lib, cfg bpos1.Config, open bool) []demoRow {
	c, err := bpos1.New(lib, cfg)
	if err != nil {
		return demoFail(name, "client", err)
	}
	if open {
		if err := c.OpenTCP(ctx, "127.0.0.1", "2000"); err != nil {
			return demoFail(name, "open", err)
		}
		defer c.Close()
	}
	t, err := bpos1.NewTerminal(c, bpos1.TerminalConfig{Bank: payment.BankOschad, Logger: cfg.Logger})
	if err != nil {
		return demoFail(name, "adapter", err)
	}
	return driveTerminal(ctx, name, t)
}
