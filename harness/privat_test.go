package harness

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/uapos/uapos/journal"
	"github.com/uapos/uapos/payment"
	"github.com/uapos/uapos/privatjson"
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

// privatMethod is the JSON method of a DM task.
func privatMethod(op payment.Operation) string {
	switch op {
	case payment.OpRefund:
		return "Refund"
	case payment.OpCancel:
		return "Withdrawal"
	case payment.OpCloseBatch:
		return "Verify"
	}
	return "Purchase"
}

// privatProtocol is the privatjson row, or with ssi the ssijson row (the same wire and
// client under SSI JSON's own adapter and DM row).
func privatProtocol(ssi bool) protocol {
	name := "privatjson"
	if ssi {
		name = "ssijson"
	}
	return protocol{
		name: name,
		skip: func(op payment.Operation, f string) string {
			switch f {
			case fNAKStorm:
				return "the JSON ECR protocol has no ACK/NAK (privatjson.md §2: 0x00-terminated JSON frames)"
			case fLostIdentifier:
				return "POSAPI only"
			case fDecline:
				if op == payment.OpCancel || op == payment.OpCloseBatch {
					return "privatsim declines only card-reading operations (DeclineNext); Withdrawal and Verify read no card"
				}
			}
			return ""
		},
		want: func(op payment.Operation, f string) error { return linkWant(f) },
		open: func(t *testing.T, op payment.Operation, f string, log *slog.Logger, j journal.Journal) *cellEnv {
			return openPrivat(t, ssi, op, f, log, j)
		},
		known: func(op payment.Operation, f string, err error) string {
			// privatjson's call waits with select on the reply channel and the link's done
			// channel; when the reader delivers ErrFrameTooLarge and then sees the
			// simulator's close, both are ready and select may pick the close: the caller
			// gets "link: EOF" (kind link) instead of the delivered protocol error. The same
			// race can turn any reply followed at once by a close into a link loss.
			if f == fGarbage && errors.Is(err, payment.ErrLink) && errors.Is(err, io.EOF) {
				return "privatjson reply/close select race (client.go: <-w.ch vs <-l.done)"
			}
			return ""
		},
	}
}

func openPrivat(t *testing.T, ssi bool, op payment.Operation, f string, log *slog.Logger, j journal.Journal) *cellEnv {
	simCfg := privatsim.Config{GarbageSize: 1 << 20}
	cfg := privatConfig(log)
	cfg.MaxFrame = 16 << 10
	if f == fSilence {
		cfg.Timeout, cfg.ServiceTimeout, cfg.InterruptWait = 300*time.Millisecond, 300*time.Millisecond, 100*time.Millisecond
	}
	if f == fGarbage || f == fMidReply {
		// No status polls: a poll the simulator has not read when it closes after the bad
		// reply makes the kernel reset the connection, and the reset can discard the reply
		// bytes before the client reads them (then the cell sees a plain link loss).
		cfg.PollInterval = -1
	}
	if f == fBusy {
		simCfg.Shared, simCfg.HoldCard = true, true
	}
	sim := privatsim.New(simCfg)
	addr, err := sim.ListenTCP("")
	if err != nil {
		t.Fatal(err)
	}
	ctx := opCtx(t)
	c, err := privatjson.Open(ctx, privatDial(addr), cfg)
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
	e := &cellEnv{term: term, arm: func() {}, disarm: func() {}}
	closers := []func(){func() { c.Close() }}
	method := privatMethod(op)
	switch f {
	case fDisconnectBeforeReply:
		e.arm = func() { sim.InjectFault(method, privatsim.FaultLoseReply) }
	case fDropRequest:
		e.arm = func() { sim.InjectFault(method, privatsim.FaultDropRequest) }
	case fMidReply:
		e.arm = func() { sim.InjectFault(method, privatsim.FaultCutReply) }
	case fGarbage:
		e.arm = func() { sim.InjectFault(method, privatsim.FaultGarbage) }
	case fSilence:
		e.arm = func() { sim.InjectFault(method, privatsim.FaultSilence) }
	case fDecline:
		e.arm = func() { sim.DeclineNext("0051") }
	case fBusy:
		// Another register holds the (shared) terminal in a purchase waiting for the card;
		// every other card wait is let through at once.
		holder, err := privatjson.Open(ctx, privatDial(addr), privatConfig(log))
		if err != nil {
			t.Fatal(err)
		}
		closers = append(closers, func() { holder.Close() })
		var mu sync.Mutex
		holding := false
		held := make(chan struct{})
		stop := make(chan struct{})
		presenter := make(chan struct{})
		go func() {
			defer close(presenter)
			for {
				select {
				case <-stop:
					return
				case <-sim.Waiting():
				}
				mu.Lock()
				h := holding
				mu.Unlock()
				if h {
					close(held)
					continue
				}
				sim.PresentCard()
			}
		}()
		holderDone := make(chan error, 1)
		e.arm = func() {
			mu.Lock()
			holding = true
			mu.Unlock()
			go func() {
				_, err := holder.Purchase(ctx, privatjson.PurchaseRequest{Amount: 100})
				holderDone <- err
			}()
			<-held
			mu.Lock()
			holding = false
			mu.Unlock()
		}
		e.disarm = func() {
			sim.PresentCard()
			if err := <-holderDone; err != nil {
				t.Errorf("holder purchase: %v", err)
			}
		}
		closers = append(closers, func() { close(stop); <-presenter })
	}
	e.close = func() {
		for i := len(closers) - 1; i >= 0; i-- {
			closers[i]()
		}
		sim.Close()
	}
	return e
}
