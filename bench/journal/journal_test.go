package journalbench

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"iter"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uapos/uapos/journal"
	"github.com/uapos/uapos/payment"
)

const (
	fixtureSpan = 180 * 24 * time.Hour // twice the retention
	terminals   = 20
)

// fixtureEntries is the size of the fixture: UAPOS_BENCH_ENTRIES, default 1,000,000.
var fixtureEntries = func() int {
	if n, err := strconv.Atoi(os.Getenv("UAPOS_BENCH_ENTRIES")); err == nil && n > 0 {
		return n
	}
	return 1_000_000
}()

var (
	fixtureOnce sync.Once
	fixtureDir  string
	fixturePath string
	fixtureErr  error
	fixtureAt   time.Time // the fixture's "now"
	fixtureTook time.Duration
)

func TestMain(m *testing.M) {
	code := m.Run()
	if fixtureDir != "" {
		os.RemoveAll(fixtureDir)
	}
	os.Exit(code)
}

func benchDir() string {
	if d := os.Getenv("UAPOS_BENCH_DIR"); d != "" {
		return d
	}
	return os.TempDir()
}

// fixtureEntry is entry i of the fixture: a purchase on one of 20 terminals, most approved
// with an RRN and a short slip, some declined or failed, spread evenly over 180 days.
func fixtureEntry(i int, now time.Time) journal.Entry {
	id := fmt.Sprintf("sale-%07d", i)
	term := fmt.Sprintf("privatjson:tcp://127.0.0.1:%d", 2000+i%terminals)
	amount := payment.Amount(100 + (i*7919)%500000)
	started := now.Add(-fixtureSpan + time.Duration(i)*(fixtureSpan/time.Duration(fixtureEntries)))
	e := journal.Entry{TransactionID: id, Terminal: term, Operation: payment.OpPurchase,
		Request: payment.Request{TransactionID: id, Amount: amount}, Owner: "",
		Started: started, Updated: started.Add(25 * time.Second)}
	switch {
	case i%100 < 90:
		res := &payment.Result{Operation: payment.OpPurchase, TransactionID: id, Approved: true, ResponseCode: "0000",
			RRN: fmt.Sprintf("5310%08d", i), AuthCode: fmt.Sprintf("%06d", i%999999), Invoice: strconv.Itoa(i % 10000),
			PAN: "473100XXXXXX9838", PaymentSystem: "VISA", TerminalID: "T0000001", MerchantID: "M000000000001",
			Amount: amount, Currency: "980", Time: started.Add(20 * time.Second),
			Receipt: "ОПЛАТА\nТЕРМІНАЛ T0000001\nКАРТКА 473100XXXXXX9838\nСУМА " + amount.String() + " ГРН\nRRN " + fmt.Sprintf("5310%08d", i)}
		e.State, e.Result = journal.StateApproved, res
		e.Claims = journal.ReceiptKeys(term, res)
	case i%100 < 97:
		e.State, e.ErrorCode, e.ErrorKind, e.ResponseCode = journal.StateDeclined, payment.CodeEMVDecline, "declined", "1002"
	default:
		e.State, e.ErrorCode, e.ErrorKind = journal.StateFailed, payment.CodeBusy, "device busy"
	}
	return e
}

// fixture builds the 1M-entry journal once per run, in one transaction.
func fixture(b *testing.B) string {
	fixtureOnce.Do(func() {
		fixtureDir, fixtureErr = os.MkdirTemp(benchDir(), "uapos-journal-bench-")
		if fixtureErr != nil {
			return
		}
		fixturePath = filepath.Join(fixtureDir, "fixture.db")
		fixtureAt = time.Now().UTC()
		start := time.Now()
		j, err := journal.OpenSQLite(fixturePath, journal.Options{Retention: -1})
		if err != nil {
			fixtureErr = err
			return
		}
		var all iter.Seq[journal.Entry] = func(yield func(journal.Entry) bool) {
			for i := range fixtureEntries {
				if !yield(fixtureEntry(i, fixtureAt)) {
					return
				}
			}
		}
		n, err := j.Load(context.Background(), all)
		if err == nil && n != fixtureEntries {
			err = fmt.Errorf("loaded %d entries", n)
		}
		if cerr := j.Close(); err == nil {
			err = cerr
		}
		fixtureErr, fixtureTook = err, time.Since(start)
	})
	if fixtureErr != nil {
		b.Fatal(fixtureErr)
	}
	b.Logf("fixture: %d entries in %s (built in %s)", fixtureEntries, fixturePath, fixtureTook.Round(time.Second))
	return fixturePath
}

// copyFixture copies the fixture database (closed, so one file) into dir.
func copyFixture(b *testing.B, dir string) string {
	src := fixture(b)
	dst := filepath.Join(dir, "copy.db")
	in, err := os.Open(src)
	if err != nil {
		b.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		b.Fatal(err)
	}
	if err := out.Close(); err != nil {
		b.Fatal(err)
	}
	return dst
}

const probeEnv = "UAPOS_BENCH_OPEN_PROBE"

// TestOpenProbe is not a test: it is the fresh process of BenchmarkOpen1M. It opens the
// journal named by UAPOS_BENCH_OPEN_PROBE and prints the time that took and its memory.
func TestOpenProbe(t *testing.T) {
	path := os.Getenv(probeEnv)
	if path == "" {
		t.Skip("the child process of BenchmarkOpen1M")
	}
	start := time.Now()
	j, err := journal.OpenSQLite(path, journal.Options{Retention: 365 * 24 * time.Hour})
	took := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	// A first look, as a service does after opening: what needs reconciling.
	if _, err := j.Pending(context.Background()); err != nil {
		t.Fatal(err)
	}
	fmt.Printf("@@ open_ns=%d rss_kib=%d\n", took.Nanoseconds(), rssKiB())
}

// rssKiB is this process's resident set (VmRSS), or 0 where /proc is missing.
func rssKiB() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return n
		}
	}
	return 0
}

func BenchmarkOpen1M(b *testing.B) {
	if runtime.GOOS != "linux" {
		b.Skip("reads the child's memory from /proc")
	}
	path := fixture(b)
	var openNs, rss int64
	b.ResetTimer()
	for range b.N {
		cmd := exec.Command(os.Args[0], "-test.run=^TestOpenProbe$", "-test.count=1")
		cmd.Env = append(os.Environ(), probeEnv+"="+path)
		out, err := cmd.CombinedOutput()
		if err != nil {
			b.Fatalf("%v\n%s", err, out)
		}
		var o, r int64
		for _, line := range strings.Split(string(out), "\n") {
			if rest, ok := strings.CutPrefix(line, "@@ "); ok {
				fmt.Sscanf(rest, "open_ns=%d rss_kib=%d", &o, &r)
			}
		}
		if o == 0 {
			b.Fatalf("no figures from the probe:\n%s", out)
		}
		openNs += o
		rss = max(rss, r)
	}
	b.ReportMetric(float64(openNs)/float64(b.N)/1e6, "ms/open")
	b.ReportMetric(float64(rss)/1024, "MiB-rss")
}

func BenchmarkBeginFinish(b *testing.B) {
	ctx := context.Background()
	op := func(i int) (journal.Entry, *payment.Result) {
		id := "bench-" + strconv.Itoa(i)
		e := journal.Entry{TransactionID: id, Terminal: "privatjson:tcp://127.0.0.1:2000", Operation: payment.OpPurchase,
			Request: payment.Request{TransactionID: id, Amount: 5000}}
		res := &payment.Result{Operation: payment.OpPurchase, Approved: true, RRN: fmt.Sprintf("6310%08d", i), AuthCode: "A1B2C3",
			PAN: "473100XXXXXX9838", Amount: 5000, Receipt: "ОПЛАТА\nКАРТКА 473100XXXXXX9838\nСУМА 50.00 ГРН"}
		return e, res
	}
	sqlite := func(b *testing.B, path string) {
		j, err := journal.OpenSQLite(path, journal.Options{Retention: -1})
		if err != nil {
			b.Fatal(err)
		}
		defer j.Close()
		b.ResetTimer()
		for i := range b.N {
			e, res := op(i)
			if err := j.Begin(ctx, e); err != nil {
				b.Fatal(err)
			}
			if err := j.Finish(ctx, e.TransactionID, journal.Outcome{State: journal.StateApproved, Result: res, Claims: journal.ReceiptKeys(e.Terminal, res)}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "entries/s")
	}
	b.Run("sqlite", func(b *testing.B) {
		dir := tempDir(b)
		sqlite(b, filepath.Join(dir, "j.db"))
	})
	b.Run("sqlite-1M", func(b *testing.B) {
		sqlite(b, copyFixture(b, tempDir(b)))
	})
	b.Run("jsonl", func(b *testing.B) {
		j, err := openJSONL(tempDir(b))
		if err != nil {
			b.Fatal(err)
		}
		defer j.Close()
		b.ResetTimer()
		for i := range b.N {
			e, res := op(i)
			if err := j.Begin(e); err != nil {
				b.Fatal(err)
			}
			if err := j.Finish(e.TransactionID, journal.StateApproved, res, nil); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "entries/s")
	})
}

// tempDir is a directory on the fixture's disk, removed after the benchmark.
func tempDir(b *testing.B) string {
	d, err := os.MkdirTemp(benchDir(), "uapos-journal-bench-")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { os.RemoveAll(d) })
	return d
}

func BenchmarkPrune90Days(b *testing.B) {
	fixture(b)
	var took time.Duration
	pruned := 0
	for range b.N {
		b.StopTimer()
		path := copyFixture(b, tempDir(b))
		j, err := journal.OpenSQLite(path, journal.Options{Retention: -1})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		n, err := j.Prune(context.Background(), fixtureAt.Add(-journal.DefaultRetention))
		took += time.Since(start)
		b.StopTimer()
		if err != nil {
			b.Fatal(err)
		}
		pruned = n
		j.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(took.Milliseconds())/float64(b.N), "ms/prune")
	b.ReportMetric(float64(pruned), "pruned/op")
}

// The baseline writer writes what the old journal read back.
func TestJSONLBaseline(t *testing.T) {
	dir := t.TempDir()
	j, err := openJSONL(dir)
	if err != nil {
		t.Fatal(err)
	}
	e := journal.Entry{TransactionID: "a", Terminal: "t", Operation: payment.OpPurchase, Request: payment.Request{Amount: 100}}
	if err := j.Begin(e); err != nil {
		t.Fatal(err)
	}
	if err := j.Finish("a", journal.StateApproved, &payment.Result{Approved: true, RRN: "r1"}, nil); err != nil {
		t.Fatal(err)
	}
	j.Close()
	dst := journal.NewMemory()
	st, err := journal.ImportJSONL(context.Background(), filepath.Join(dir, journal.OldJournalFileName), dst)
	if err != nil || st.Entries != 1 || st.Records != 2 {
		t.Fatalf("%+v %v", st, err)
	}
	if got, _, _ := dst.Get(context.Background(), "a"); got.State != journal.StateApproved || got.Result.RRN != "r1" {
		t.Fatalf("%+v", got)
	}
}
