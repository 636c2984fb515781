package journal

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/uapos/uapos/payment"
)

// These tests each fail against the ledger that lived in package payment before: it matched
// "last transaction" receipts by likeness alone, returned an old outcome for a reused id with
// another amount, and kept its journal in one process's memory.

const term = "privatjson:tcp://127.0.0.1:2000"

func receipt(rrn string, amount payment.Amount) *payment.Result {
	return &payment.Result{Operation: payment.OpPurchase, Approved: true, RRN: rrn, Amount: amount, AuthCode: "123456"}
}

func sale(id string, amount payment.Amount) payment.Request {
	return payment.Request{TransactionID: id, Amount: amount}
}

func noExchange(t *testing.T) func(context.Context) (*payment.Result, error) {
	return func(context.Context) (*payment.Result, error) {
		t.Helper()
		t.Error("the ledger went to the wire")
		return nil, errors.New("no exchange expected")
	}
}

func lost(context.Context) (*payment.Result, error) { return nil, io.ErrUnexpectedEOF }

// Two sales of the same amount; the second's reply is lost and the terminal's "last
// transaction" is the first's receipt. The first sale was settled before the second's intent,
// so the second never ran: it is failed, and its retry runs a fresh exchange.
func TestLedgerRepeatedAmountEarlierReceipt(t *testing.T) {
	j := openSQLite(t, filepath.Join(t.TempDir(), "j.db"))
	last := receipt("r1", 5000)
	asked := 0
	l := &Ledger{Journal: j, Terminal: term, Reconcile: func(_ context.Context, e Entry) (*Evidence, error) {
		asked++
		r := *last
		return &Evidence{Result: &r}, nil // likeness: same type, same amount
	}}
	res, err := l.Run(bg, payment.OpPurchase, sale("A", 5000), func(context.Context) (*payment.Result, error) { return receipt("r1", 5000), nil })
	if err != nil || res.RRN != "r1" {
		t.Fatalf("A = %+v, %v", res, err)
	}
	if _, err := l.Run(bg, payment.OpPurchase, sale("B", 5000), lost); !errors.Is(err, payment.ErrOutcomeUnknown) {
		t.Fatalf("B with a lost reply = %v", err)
	}
	ran := 0
	res, err = l.Run(bg, payment.OpPurchase, sale("B", 5000), func(context.Context) (*payment.Result, error) {
		ran++
		return receipt("r2", 5000), nil
	})
	if err != nil || res.RRN != "r2" || ran != 1 || asked != 1 {
		t.Fatalf("retry of B = %+v, %v (exchanges %d, reconciles %d); want a fresh exchange with r2", res, err, ran, asked)
	}
	if e := mustGet(t, j, "B"); e.State != StateApproved || e.Result.RRN != "r2" {
		t.Fatalf("B = %s %+v", e.State, e.Result)
	}
	if id, _, _ := j.Claimant(bg, ReceiptKeys(term, receipt("r1", 5000))[0]); id != "A" {
		t.Fatalf("r1 is held by %q", id)
	}
}

// The same, but the receipt's holder was settled after B's intent: B may have run and left
// no receipt, or the holder may be B's. B stays unknown and its retry says ask the bank.
func TestLedgerRepeatedAmountLaterReceipt(t *testing.T) {
	j := openSQLite(t, filepath.Join(t.TempDir(), "j.db"))
	l := &Ledger{Journal: j, Terminal: term, Reconcile: func(context.Context, Entry) (*Evidence, error) {
		return &Evidence{Result: receipt("r1", 5000)}, nil
	}}
	_, err := l.Run(bg, payment.OpPurchase, sale("B", 5000), func(ctx context.Context) (*payment.Result, error) {
		// While B's exchange runs, A (from another till, say) is settled with r1.
		must(t, j.Begin(ctx, purchase("A", term, 5000)))
		must(t, j.Finish(ctx, "A", Outcome{State: StateApproved, Result: receipt("r1", 5000), Claims: ReceiptKeys(term, receipt("r1", 5000))}))
		return nil, io.ErrUnexpectedEOF
	})
	if !errors.Is(err, payment.ErrOutcomeUnknown) {
		t.Fatalf("B = %v", err)
	}
	for range 2 {
		res, err := l.Run(bg, payment.OpPurchase, sale("B", 5000), noExchange(t))
		if payment.ErrorCode(err) != payment.CodeAskBank || !errors.Is(err, payment.ErrAskBank) || res != nil {
			t.Fatalf("retry of B = %+v, %v; want 7002 ask the bank", res, err)
		}
	}
	if e := mustGet(t, j, "B"); e.State != StateUnknown || e.Refs[RefAskBank] == "" || e.Result != nil {
		t.Fatalf("B = %s %+v %v", e.State, e.Result, e.Refs)
	}
}

func TestLedgerIDReusedWithAnotherAmount(t *testing.T) {
	l := &Ledger{Journal: openSQLite(t, filepath.Join(t.TempDir(), "j.db")), Terminal: term}
	if _, err := l.Run(bg, payment.OpPurchase, sale("S", 100), func(context.Context) (*payment.Result, error) { return receipt("r1", 100), nil }); err != nil {
		t.Fatal(err)
	}
	res, err := l.Run(bg, payment.OpPurchase, sale("S", 99999), noExchange(t))
	if payment.ErrorCode(err) != payment.CodeIDReused || res != nil {
		t.Fatalf("same id, 999.99 = %+v, %v; want 7001", res, err)
	}
	if res, err := l.Run(bg, payment.OpPurchase, sale("S", 100), noExchange(t)); err != nil || res.RRN != "r1" {
		t.Fatalf("same id, same request = %+v, %v", res, err)
	}
}

// A corrupt record is never taken for a new id: the ledger refuses that id with 1082 and
// runs the others.
func TestLedgerCorruptEntry(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j.db")
	j := openSQLite(t, path)
	l := &Ledger{Journal: j, Terminal: term, Reconcile: func(context.Context, Entry) (*Evidence, error) {
		return nil, &payment.Error{Code: payment.CodeOperationNotFound}
	}}
	for _, id := range []string{"ok", "bad"} {
		if _, err := l.Run(bg, payment.OpPurchase, sale(id, 100), lost); !errors.Is(err, payment.ErrOutcomeUnknown) {
			t.Fatal(err)
		}
	}
	must(t, j.Close())
	corruptRow(t, path, "bad")
	j = openSQLite(t, path)
	l.Journal = j
	res, err := l.Run(bg, payment.OpPurchase, sale("bad", 100), noExchange(t))
	if payment.ErrorCode(err) != payment.CodeJournal || !errors.Is(err, ErrCorrupt) || res != nil {
		t.Fatalf("Run of the corrupt id = %+v, %v; want 1082", res, err)
	}
	// "ok" was reconciled as never run, and runs now; a new id runs too.
	for _, id := range []string{"ok", "new"} {
		if res, err := l.Run(bg, payment.OpPurchase, sale(id, 100), func(context.Context) (*payment.Result, error) { return receipt("r-"+id, 100), nil }); err != nil || res.RRN != "r-"+id {
			t.Fatalf("%s = %+v, %v", id, res, err)
		}
	}
}

// The helper processes: the tests below run this test binary again with these variables.
const (
	helperEnv     = "UAPOS_JOURNAL_HELPER" // what the process does
	helperDB      = "UAPOS_JOURNAL_DB"
	helperCounter = "UAPOS_JOURNAL_COUNTER" // a file each exchange appends a line to
)

// TestHelperProcess is not a test: it is the other process of the multi-process tests.
func TestHelperProcess(t *testing.T) {
	mode := os.Getenv(helperEnv)
	if mode == "" {
		t.Skip("a helper process of other tests")
	}
	out := func(format string, a ...any) { fmt.Printf("@@ "+format+"\n", a...) }
	j, err := OpenSQLite(os.Getenv(helperDB))
	if err != nil {
		out("ERR open %v", err)
		return
	}
	stdin := bufio.NewReader(os.Stdin)
	wait := func() { stdin.ReadString('\n') }
	record := func(line string) {
		f, err := os.OpenFile(os.Getenv(helperCounter), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
		if err != nil {
			panic(err)
		}
		fmt.Fprintln(f, line)
		f.Close()
	}
	var jj Journal = j
	if mode == "stop-before-finish" {
		jj = stopBeforeFinish{Journal: j, stop: func() { out("FINISH"); wait() }}
	}
	l := &Ledger{Journal: jj, Terminal: term, Reconcile: func(_ context.Context, e Entry) (*Evidence, error) {
		record("reconcile " + e.TransactionID)
		return nil, &payment.Error{Code: payment.CodeOperationNotFound}
	}}
	res, err := l.Run(context.Background(), payment.OpPurchase, sale("same", 5000), func(context.Context) (*payment.Result, error) {
		switch mode {
		case "stop-after-intent":
			out("INTENT")
			wait()
		}
		record(fmt.Sprintf("exchange pid %d", os.Getpid()))
		if mode == "purchase" {
			out("EXCHANGE")
			wait()
		}
		return receipt(fmt.Sprintf("rrn-%d", os.Getpid()), 5000), nil
	})
	if err != nil {
		out("RESULT %d", payment.ErrorCode(err))
		return
	}
	out("RESULT ok %s", res.RRN)
}

// stopBeforeFinish stops a helper process after the exchange, before the outcome is written.
type stopBeforeFinish struct {
	Journal
	stop func()
}

func (s stopBeforeFinish) Finish(ctx context.Context, id string, o Outcome) error {
	s.stop()
	return s.Journal.Finish(ctx, id, o)
}

type helper struct {
	cmd   *exec.Cmd
	in    io.WriteCloser
	lines chan string
}

func startHelper(t *testing.T, mode, db, counter string) *helper {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), helperEnv+"="+mode, helperDB+"="+db, helperCounter+"="+counter)
	in, err := cmd.StdinPipe()
	must(t, err)
	out, err := cmd.StdoutPipe()
	must(t, err)
	cmd.Stderr = os.Stderr
	must(t, cmd.Start())
	h := &helper{cmd: cmd, in: in, lines: make(chan string, 8)}
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if line, ok := strings.CutPrefix(sc.Text(), "@@ "); ok {
				h.lines <- line
			}
		}
		close(h.lines)
	}()
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return h
}

func (h *helper) next(t *testing.T) string {
	t.Helper()
	line, ok := <-h.lines
	if !ok {
		t.Fatal("the helper process ended without a word")
	}
	return line
}

func counted(t *testing.T, path string) []string {
	b, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	return strings.Fields(strings.ReplaceAll(strings.TrimSpace(string(b)), " ", "_"))
}

// Two processes buy with the same transaction id on one journal file at the same time: one
// exchange runs; the other process gets 1105 busy while it runs, and nobody reconciles a live
// process's intent.
func TestLedgerTwoProcesses(t *testing.T) {
	dir := t.TempDir()
	db, counter := filepath.Join(dir, "j.db"), filepath.Join(dir, "exchanges")
	j := openSQLite(t, db) // creates the schema before the race
	a, b := startHelper(t, "purchase", db, counter), startHelper(t, "purchase", db, counter)
	first := map[*helper]string{a: a.next(t), b: b.next(t)}
	var winner, loser *helper
	switch {
	case first[a] == "EXCHANGE" && strings.HasPrefix(first[b], "RESULT"):
		winner, loser = a, b
	case first[b] == "EXCHANGE" && strings.HasPrefix(first[a], "RESULT"):
		winner, loser = b, a
	default:
		t.Fatalf("first words: %q and %q; want one EXCHANGE and one RESULT", first[a], first[b])
	}
	if first[loser] != fmt.Sprintf("RESULT %d", payment.CodeBusy) {
		t.Fatalf("the other process got %q while the exchange ran; want 1105", first[loser])
	}
	fmt.Fprintln(winner.in, "go")
	got := winner.next(t)
	want := fmt.Sprintf("RESULT ok rrn-%d", winner.cmd.Process.Pid)
	if got != want {
		t.Fatalf("the winner got %q, want %q", got, want)
	}
	must(t, winner.cmd.Wait())
	must(t, loser.cmd.Wait())
	// A third process gets the recorded outcome.
	c := startHelper(t, "purchase", db, counter)
	if got := c.next(t); got != want {
		t.Fatalf("a later process got %q, want the recorded %q", got, want)
	}
	if lines := counted(t, counter); len(lines) != 1 || !strings.HasPrefix(lines[0], "exchange") {
		t.Fatalf("exchanges and reconciles: %q; want exactly one exchange", lines)
	}
	if e := mustGet(t, j, "same"); e.State != StateApproved {
		t.Fatalf("entry = %s", e.State)
	}
}

// kill -9 at two points; the next process finds the entry pending and settles it right.
func TestLedgerKilled(t *testing.T) {
	for _, c := range []struct {
		mode, marker string
		charged      bool // the terminal charged before the kill
	}{
		{"stop-after-intent", "INTENT", false},
		{"stop-before-finish", "FINISH", true},
	} {
		t.Run(c.mode, func(t *testing.T) {
			dir := t.TempDir()
			db, counter := filepath.Join(dir, "j.db"), filepath.Join(dir, "exchanges")
			h := startHelper(t, c.mode, db, counter)
			if got := h.next(t); got != c.marker {
				t.Fatalf("helper said %q, want %q", got, c.marker)
			}
			must(t, h.cmd.Process.Kill()) // SIGKILL
			h.cmd.Wait()
			pid := h.cmd.Process.Pid

			j := openSQLite(t, db)
			if e := mustGet(t, j, "same"); e.State != StateIntent {
				t.Fatalf("after the kill the entry is %s, want the intent", e.State)
			}
			p, err := j.Pending(bg)
			must(t, err)
			if ids(p) != "same" || p[0].State != StateUnknown {
				t.Fatalf("Pending = %s", ids(p))
			}
			// The terminal knows what it did (the counter file is its memory).
			l := &Ledger{Journal: j, Terminal: term, Reconcile: func(_ context.Context, e Entry) (*Evidence, error) {
				if len(counted(t, counter)) == 0 {
					return nil, &payment.Error{Code: payment.CodeOperationNotFound}
				}
				return &Evidence{Result: receipt(fmt.Sprintf("rrn-%d", pid), 5000), Reference: e.TransactionID}, nil
			}}
			ran := 0
			res, err := l.Run(bg, payment.OpPurchase, sale("same", 5000), func(context.Context) (*payment.Result, error) {
				ran++
				return receipt("rrn-fresh", 5000), nil
			})
			want, wantRuns := "rrn-fresh", 1
			if c.charged {
				want, wantRuns = fmt.Sprintf("rrn-%d", pid), 0
			}
			if err != nil || res.RRN != want || ran != wantRuns {
				t.Fatalf("after the kill: %+v, %v, %d exchanges; want %s and %d", res, err, ran, want, wantRuns)
			}
			if e := mustGet(t, j, "same"); e.State != StateApproved || e.Result.RRN != want {
				t.Fatalf("entry = %s %+v", e.State, e.Result)
			}
		})
	}
}
