package harness

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/uapos/uapos/journal"
	"github.com/uapos/uapos/payment"
	"github.com/uapos/uapos/privatjson"
	"github.com/uapos/uapos/simulators/privatsim"
	"github.com/uapos/uapos/transport"
)

// The kill -9 tests: a child process (this test binary, re-executed) runs a PrivatBank JSON
// terminal over a durable SQLite journal against a simulator the parent serves on loopback.
// It approves sale A for 50.00, then starts sale B for the same 50.00 and stops at a chosen
// point, printing a marker; the parent kills it with SIGKILL there, then, as the restarted
// app, retries B with the same transaction id over the same journal file. Whatever the point,
// B is charged exactly once and never takes A's receipt.

const (
	crashEnvPoint   = "UAPOS_HARNESS_CRASH_POINT"
	crashEnvAddr    = "UAPOS_HARNESS_CRASH_ADDR"
	crashEnvJournal = "UAPOS_HARNESS_CRASH_JOURNAL"
	crashMarker     = "UAPOS-CRASH-AT "
	crashAmount     = payment.Amount(5000)
)

// The points where the child stops, in the order an exchange passes them.
var crashPoints = []string{"after-intent", "after-wire-write", "after-reply", "before-outcome"}

func TestKill9DuringPurchase(t *testing.T) {
	if testing.Short() {
		t.Skip("re-executes the test binary; skipped with -short")
	}
	for _, point := range crashPoints {
		t.Run(point, func(t *testing.T) {
			sim := privatsim.New(privatsim.Config{})
			addr, err := sim.ListenTCP("")
			if err != nil {
				t.Fatal(err)
			}
			defer sim.Close()
			dbPath := filepath.Join(t.TempDir(), "journal.db")

			cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.v")
			cmd.Env = append(os.Environ(), crashEnvPoint+"="+point, crashEnvAddr+"="+addr, crashEnvJournal+"="+dbPath)
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			stdin, err := cmd.StdinPipe() // held open: the child blocks reading it
			if err != nil {
				t.Fatal(err)
			}
			defer stdin.Close()
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			reached := make(chan string, 1)
			go func() {
				sc := bufio.NewScanner(stdout)
				for sc.Scan() {
					if p, ok := strings.CutPrefix(sc.Text(), crashMarker); ok {
						reached <- p
						break
					}
				}
				close(reached)
				io.Copy(io.Discard, stdout)
			}()
			got, ok := <-reached
			if !ok || got != point {
				cmd.Process.Kill()
				cmd.Wait()
				t.Fatalf("child did not reach %s (got %q); stderr:\n%s", point, got, stderr.String())
			}
			if err := cmd.Process.Kill(); err != nil { // SIGKILL on Unix
				t.Fatal(err)
			}
			cmd.Wait()

			// The restarted app: same journal file, new client.
			j, err := journal.OpenSQLite(dbPath)
			if err != nil {
				t.Fatalf("journal does not reopen after kill -9: %v", err)
			}
			defer j.Close()
			term, closeTerm := crashTerminal(t, addr, j)
			defer closeTerm()
			a, found, err := j.Get(context.Background(), "sale-A")
			if err != nil || !found || a.State != journal.StateApproved {
				t.Fatalf("sale A in the journal: %+v found=%v err=%v", a, found, err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			res, err := term.Purchase(ctx, payment.Request{TransactionID: "sale-B", Amount: crashAmount})
			if err != nil {
				t.Fatalf("retry of B after kill at %s: %v", point, err)
			}
			if !res.Approved || res.Amount != crashAmount || res.RRN == "" {
				t.Fatalf("retry of B: %+v", res)
			}
			if res.RRN == a.Result.RRN {
				t.Fatalf("B took A's receipt (RRN %s) after kill at %s", res.RRN, point)
			}
			charges := 0
			for _, x := range sim.Journal() {
				if x.TxnType == "1" && x.ResponseCode == "0000" {
					charges++
				}
			}
			if charges != 2 {
				t.Fatalf("kill at %s: %d purchases charged on the terminal, want 2 (A and B once each): %+v", point, charges, sim.Journal())
			}
			// A third call returns B's recorded outcome and charges nothing.
			again, err := term.Purchase(ctx, payment.Request{TransactionID: "sale-B", Amount: crashAmount})
			if err != nil || again.RRN != res.RRN || sim.Charges() != charges {
				t.Fatalf("second retry: %+v, %v, charges %d", again, err, sim.Charges())
			}
		})
	}
}

// TestCrashChild is the child's side of TestKill9DuringPurchase; it does nothing in a normal
// run.
func TestCrashChild(t *testing.T) {
	point := os.Getenv(crashEnvPoint)
	if point == "" {
		t.Skip("the child process of TestKill9DuringPurchase")
	}
	j, err := journal.OpenSQLite(os.Getenv(crashEnvJournal))
	if err != nil {
		t.Fatal(err)
	}
	stop := func(at string) {
		if at == point {
			fmt.Printf("%s%s\n", crashMarker, at)
			os.Stdout.Sync()
			io.Copy(io.Discard, os.Stdin) // until the parent kills us
			os.Exit(3)
		}
	}
	hooked := &hookJournal{Journal: j, stop: stop}
	term, _ := crashTerminalHooked(t, os.Getenv(crashEnvAddr), hooked, stop)
	ctx := context.Background()
	if _, err := term.Purchase(ctx, payment.Request{TransactionID: "sale-A", Amount: crashAmount}); err != nil {
		t.Fatal(err)
	}
	hooked.armed = true
	_, err = term.Purchase(ctx, payment.Request{TransactionID: "sale-B", Amount: crashAmount})
	t.Fatalf("sale B ran to its end without reaching %s: %v", point, err)
}

// hookJournal stops the child after B's intent is durable and before its outcome is written.
type hookJournal struct {
	journal.Journal
	stop  func(string)
	armed bool
}

func (h *hookJournal) Begin(ctx context.Context, e journal.Entry) error {
	err := h.Journal.Begin(ctx, e)
	if h.armed && err == nil {
		h.stop("after-intent")
	}
	return err
}

func (h *hookJournal) Finish(ctx context.Context, id string, o journal.Outcome) error {
	if h.armed && id == "sale-B" {
		h.stop("before-outcome")
	}
	return h.Journal.Finish(ctx, id, o)
}

// hookConn stops the child once B's Purchase request is written, or once its reply is read.
type hookConn struct {
	transport.Conn
	stop  func(string)
	armed *bool
}

func (c *hookConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	if *c.armed && bytes.Contains(p, []byte(`"Purchase"`)) {
		c.stop("after-wire-write")
	}
	return n, err
}

func (c *hookConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if *c.armed && bytes.Contains(p[:n], []byte(`"Purchase"`)) {
		c.stop("after-reply")
	}
	return n, err
}

func crashTerminal(t *testing.T, addr string, j journal.Journal) (*privatjson.Terminal, func()) {
	return crashTerminalHooked(t, addr, j, nil)
}

func crashTerminalHooked(t *testing.T, addr string, j journal.Journal, stop func(string)) (*privatjson.Terminal, func()) {
	t.Helper()
	dial := privatDial(addr)
	if stop != nil {
		hj := j.(*hookJournal)
		inner := dial
		dial = func(ctx context.Context) (transport.Conn, error) {
			c, err := inner(ctx)
			if err != nil {
				return nil, err
			}
			return &hookConn{Conn: c, stop: stop, armed: &hj.armed}, nil
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := privatjson.Open(ctx, dial, privatConfig(nil))
	if err != nil {
		t.Fatal(err)
	}
	term, err := privatjson.NewTerminal(c, privatjson.TerminalConfig{Journal: j, Key: "crash-terminal"})
	if err != nil {
		t.Fatal(err)
	}
	return term, func() { c.Close() }
}
