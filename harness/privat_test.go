package harness

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/uapos/uapos/journal"
	"github.com/uapos/uapos/payment"
	"github.com/uapos/uapos/privatjson"
	"github.com/uapos/uapos/simulators"
	"github.com/uapos/uapos/simulators/privatsim"
	"github.com/uapos/uapos/ssijson"
	"github.com/uapos/uapos/transport"
)

// privatConfig is a privatjson client with no pauses (the simulator needs none).
func privatConfig(log *slog.Logger) privatjson.Config {
	return privatjson.Config{SendGap: -1, PingPause: -1, PollInterval: time.Millisecond, Logger: log}
}

func privatDial(addr string) privatjson.DialFunc {
	return func(ctx context.Context) (transport.Conn, error) { return transport.Open(ctx, "tcp://"+addr) }
}

// privatProtocol is the privatjson row, or with ssi the ssijson row (the same wire and
// client under SSI JSON's own adapter and DM row).
func privatProtocol(ssi bool) protocol {
	name := "privatjson"
	if ssi {
		name = "ssijson"
	}
	return protocol{
		name:    name,
		support: simulators.Support(name),
		skip:    func(op payment.Operation, f string) string { return "" },
		open: func(t *testing.T, op payment.Operation, f string, log *slog.Logger, j journal.Journal) *cellEnv {
			return openPrivat(t, ssi, f, log, j)
		},
		known: func(op payment.Operation, f string, err error) string {
			// privatjson's call waits with select on the reply channel and the link's done
			// channel; when the reader delivers ErrFrameTooLarge and then sees the
			// simulator's close, both are ready and select may pick the close: the caller
			// gets "link: EOF" (kind link) instead of the delivered protocol error. The same
			// race can turn any reply followed at once by a close into a link loss.
			if f == "garbage" && errors.Is(err, payment.ErrLink) && errors.Is(err, io.EOF) {
				return "privatjson reply/close select race (client.go: <-w.ch vs <-l.done)"
			}
			return ""
		},
	}
}

func openPrivat(t *testing.T, ssi bool, f string, log *slog.Logger, j journal.Journal) *cellEnv {
	sim := privatsim.New(privatsim.Config{GarbageSize: 1 << 20, Logger: log})
	cfg := privatConfig(log)
	cfg.MaxFrame = 16 << 10
	switch f {
	case "silent":
		cfg.Timeout, cfg.ServiceTimeout, cfg.InterruptWait = 300*time.Millisecond, 300*time.Millisecond, 300*time.Millisecond
	case "card-timeout":
		// the client's own card time-out ends the wait with an interrupt; the terminal
		// answers it at once with 1001
		cfg.Timeout = 300 * time.Millisecond
	case "garbage", "disconnect-mid-reply":
		// No status polls: a poll the simulator has not read when it closes after the bad
		// reply makes the kernel reset the connection, and the reset can discard the reply
		// bytes before the client reads them (then the cell sees a plain link loss).
		cfg.PollInterval = -1
	}
	addr, err := sim.ListenTCP("")
	if err != nil {
		t.Fatal(err)
	}
	c, err := privatjson.Open(opCtx(t), privatDial(addr), cfg)
	if err != nil {
		sim.Close()
		t.Fatal(err)
	}
	var term payment.Terminal
	if ssi {
		term, err = ssijson.NewTerminal(c, ssijson.TerminalConfig{Journal: j, Key: "ssi-harness", Logger: log})
	} else {
		term, err = privatjson.NewTerminal(c, privatjson.TerminalConfig{Journal: j, Key: "privat-harness", Logger: log})
	}
	if err != nil {
		t.Fatal(err)
	}
	return &cellEnv{term: term, ctl: sim.Control(), close: func() { c.Close(); sim.Close() }}
}
