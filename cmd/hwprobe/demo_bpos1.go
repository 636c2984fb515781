package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/uapos/uapos/bpos1"
	"github.com/uapos/uapos/payment"
	"github.com/uapos/uapos/simulators/bpos1sim"
	"github.com/uapos/uapos/transport"
)

// protoBPOS1 is Ingenico BPOS1: the provisional native wire (STX/LL/TLV+LRC) for probe, sim
// and demo, and the vendor-library model (the in-process library simulator) in the demo.
var protoBPOS1 = protocol{
	name:     "bpos1",
	title:    "Ingenico BPOS1 terminal, native wire (STX/LL/TLV/LRC; PROVISIONAL framing)",
	identify: bpos1.Identify,
	newSim:   newBPOS1Sim,
	faults:   []string{"decline=AMOUNT:CODE", "host-down", "hang", "big-endian"},
	demo:     demoBPOS1,
	// No echo: the provisional wire has no documented bank-echo message (bpos1.md §B.3
	// lists purchase, refund, void, settlement, X, POS info and ping), and the wire backend
	// answers CheckConnection with 5029.
}

// newBPOS1Sim configures the wire simulator from fault names: decline=AMOUNT:CODE (kopecks,
// e.g. decline=500:51), host-down, hang, big-endian (replies with big-endian TLVs).
func newBPOS1Sim(faults []string) (simulator, error) {
	var cfg bpos1sim.Config
	for _, f := range faults {
		name, val, _ := strings.Cut(f, "=")
		switch name {
		case "decline":
			a, c, ok := strings.Cut(val, ":")
			amount, err1 := strconv.ParseUint(a, 10, 32)
			code, err2 := strconv.ParseUint(c, 10, 32)
			if !ok || err1 != nil || err2 != nil {
				return nil, fmt.Errorf("decline wants AMOUNT:CODE in kopecks, as decline=500:51")
			}
			if cfg.Declines == nil {
				cfg.Declines = map[uint32]uint32{}
			}
			cfg.Declines[uint32(amount)] = uint32(code)
		case "host-down":
			cfg.HostDown = true
		case "hang":
			cfg.Hang = true
		case "big-endian":
			cfg.ReplyBigEndian = true
		}
	}
	return bpos1sim.New(cfg), nil
}

// fastBPOS1 polls without pausing: the simulators answer at once.
var fastBPOS1 = bpos1.Config{PollInterval: -1}

func demoBPOS1(ctx context.Context, d *demoEnv) []demoRow {
	const name = "bpos1"
	sim := bpos1sim.New(bpos1sim.Config{})
	defer sim.Close()
	addr, err := sim.ListenTCP("127.0.0.1:0")
	if err != nil {
		return demoFail(name, "start simulator", err)
	}
	conn, err := transport.Open(ctx, "tcp://"+addr)
	if err != nil {
		return demoFail(name, "connect", err)
	}
	defer conn.Close()
	cfg := fastBPOS1
	cfg.Name = "tcp:" + addr
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
