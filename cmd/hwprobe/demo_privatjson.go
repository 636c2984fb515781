package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/uapos/uapos/payment"
	"github.com/uapos/uapos/privatjson"
	"github.com/uapos/uapos/simulators/privatsim"
	"github.com/uapos/uapos/transport"
)

// protoPrivatJSON is the PrivatBank / A-Bank JSON ECR protocol: probe, simulator, demo and
// the bank-link test.
var protoPrivatJSON = protocol{
	name:     "privatjson",
	title:    "PrivatBank / A-Bank JSON ECR terminal (0x00-terminated JSON, TCP port 2000 or 115200 serial)",
	identify: privatjson.Identify,
	busy:     func(err error) bool { return errors.Is(err, privatjson.ErrBusy) },
	newSim:   newPrivatSim,
	faults:   []string{"busy", "silent", "decline", "partial=AMOUNT", "shared", "step-delay=DURATION"},
	demo:     demoPrivatJSON,
	echo:     echoPrivatJSON,
}

// newPrivatSim configures privatsim from fault names: busy, silent, decline (the
// simulator's DeclineRules: amounts 0.05, 0.51, 10.01, 10.02, 10.04), partial=AMOUNT,
// shared, step-delay=DURATION.
func newPrivatSim(faults []string) (simulator, error) {
	var cfg privatsim.Config
	for _, f := range faults {
		name, val, _ := strings.Cut(f, "=")
		switch name {
		case "busy":
			cfg.Busy = true
		case "silent":
			cfg.Silent = true
		case "decline":
			cfg.Decline = privatsim.DeclineRules
		case "partial":
			if val == "" {
				return nil, fmt.Errorf("partial needs a limit, as partial=10.00")
			}
			cfg.PartialLimit = val
		case "shared":
			cfg.Shared = true
		case "step-delay":
			d, err := time.ParseDuration(val)
			if err != nil {
				return nil, fmt.Errorf("step-delay: %w", err)
			}
			cfg.StepDelay = d
		}
	}
	return privatsim.New(cfg), nil
}

// fastPrivatConfig drops the pauses real terminals need; the simulator does not.
var fastPrivatConfig = privatjson.Config{SendGap: -1, PingPause: -1, PollInterval: -1}

func demoPrivatJSON(ctx context.Context, d *demoEnv) []demoRow {
	const name = "privatjson"
	sim := privatsim.New(privatsim.Config{})
	defer sim.Close()
	addr, err := sim.ListenTCP("127.0.0.1:0")
	if err != nil {
		return demoFail(name, "start simulator", err)
	}
	dial := func(ctx context.Context) (transport.Conn, error) { return transport.Open(ctx, "tcp://"+addr) }
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
