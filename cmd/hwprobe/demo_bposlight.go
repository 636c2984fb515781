package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/uapos/uapos/bposlight"
	"github.com/uapos/uapos/payment"
	"github.com/uapos/uapos/simulators/bposlightsim"
	"github.com/uapos/uapos/transport"
)

// protoBPOSLight is Ingenico's B-POS Light (STX/LL/text+LRC): probe, simulator and demo.
var protoBPOSLight = protocol{
	name:     "bposlight",
	title:    "Ingenico B-POS Light terminal (STX/LL/TAG=value;/LRC, TCP port 2000 or 115200 serial)",
	identify: bposlight.Identify,
	newSim:   newBPOSLightSim,
	faults:   []string{"nak[=N]", "corrupt[=N]", "no-ack", "no-response", "decline[=RC]", "eot-on-purchase", "disconnect-on=REQ", "wait-for-card"},
	demo:     demoBPOSLight,
}

// newBPOSLightSim configures bposlightsim from fault names: nak=N, corrupt=N, no-ack,
// no-response, decline=RC, eot-on-purchase, disconnect-on=REQ, wait-for-card.
func newBPOSLightSim(faults []string) (simulator, error) {
	var cfg bposlightsim.Config
	num := func(name, v string, def uint64) (uint64, error) {
		if v == "" {
			return def, nil
		}
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil {
			return 0, fmt.Errorf("%s: %w", name, err)
		}
		return n, nil
	}
	for _, f := range faults {
		name, val, _ := strings.Cut(f, "=")
		var err error
		var n uint64
		switch name {
		case "nak":
			n, err = num(name, val, 1)
			cfg.Faults.NAKRequests = int(n)
		case "corrupt":
			n, err = num(name, val, 1)
			cfg.Faults.CorruptResponses = int(n)
		case "no-ack":
			cfg.Faults.NoACK = true
		case "no-response":
			cfg.Faults.NoResponse = true
		case "decline":
			n, err = num(name, val, 51)
			cfg.Faults.DeclineRC = uint32(n)
		case "eot-on-purchase":
			cfg.Faults.EOTOnPurchase = true
		case "disconnect-on":
			cfg.Faults.DisconnectOn = strings.ToUpper(val)
		case "wait-for-card":
			cfg.WaitForCard = true
		}
		if err != nil {
			return nil, err
		}
	}
	return bposlightsim.New(cfg), nil
}

func demoBPOSLight(ctx context.Context, d *demoEnv) []demoRow {
	const name = "bposlight"
	sim := bposlightsim.New(bposlightsim.Config{})
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
	t, err := bposlight.NewTerminal(bposlight.New(conn, bposlight.Config{Logger: d.log}), bposlight.TerminalConfig{Bank: payment.BankPivdennyi, Logger: d.log})
	if err != nil {
		return demoFail(name, "adapter", err)
	}
	return driveTerminal(ctx, name, t)
}
