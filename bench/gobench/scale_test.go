package gobench

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/uapos/uapos/privatjson"
	"github.com/uapos/uapos/simulators/privatsim"
	"github.com/uapos/uapos/transport"
	"github.com/uapos/uapos/transport/transporttest"
)

// defaultTerminals is the fleet size of BenchmarkScale (issue 10: 10,000).
const defaultTerminals = 10000

// terminalsFromEnv reads UAPOS_BENCH_TERMINALS, else defaultTerminals.
func terminalsFromEnv(tb testing.TB) int {
	s := os.Getenv("UAPOS_BENCH_TERMINALS")
	if s == "" {
		return defaultTerminals
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		tb.Fatalf("UAPOS_BENCH_TERMINALS=%q: want a positive number", s)
	}
	return n
}

// fleet is n simulated PrivatBank JSON terminals in this process, each a privatsim.Server
// serving one in-memory link, and a privatjson.Client on the other end of each link.
type fleet struct {
	sims    []*privatsim.Server
	clients []*privatjson.Client
	cancel  context.CancelFunc
	served  sync.WaitGroup
}

// heapAndStacks is the memory a fleet can be charged for: live heap plus goroutine stacks.
func heapAndStacks() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc + m.StackInuse
}

// newFleet starts n simulators, then n clients. It notes the memory in use before, after
// the simulators and after the clients.
func newFleet(n int) (f *fleet, before, sims, clients uint64) {
	f = &fleet{sims: make([]*privatsim.Server, n), clients: make([]*privatjson.Client, n)}
	ctx, cancel := context.WithCancel(context.Background())
	f.cancel = cancel
	ecr := make([]transport.Conn, n)
	before = heapAndStacks()
	for i := range n {
		a, b := transporttest.Pipe()
		s := privatsim.New(privatsim.Config{})
		f.sims[i], ecr[i] = s, a
		f.served.Add(1)
		go func() {
			defer f.served.Done()
			s.ServeConn(ctx, b)
		}()
	}
	sims = heapAndStacks()
	for i := range n {
		f.clients[i] = privatjson.New(ecr[i], privatjson.Config{SendGap: -1, PingPause: -1, PollInterval: -1})
	}
	clients = heapAndStacks()
	return f, before, sims, clients
}

func sub(a, b uint64) uint64 {
	if a < b {
		return 0
	}
	return a - b
}

// pingAll has every client ping its terminal at once and waits for all answers.
func (f *fleet) pingAll(ctx context.Context) error {
	errs := make(chan error, len(f.clients))
	var wg sync.WaitGroup
	for i, c := range f.clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := c.PingDevice(ctx); err != nil {
				errs <- fmt.Errorf("terminal %d: %w", i, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	return <-errs // nil when the channel is empty
}

func (f *fleet) close() {
	for _, c := range f.clients {
		if c != nil {
			c.Close()
		}
	}
	for _, s := range f.sims {
		s.Close()
	}
	f.cancel()
	f.served.Wait()
}

// BenchmarkScale: ns/op is the time for all N terminals to answer a ping through the real
// client, issued concurrently. Memory per terminal: the simulator with its link and serving
// goroutine; the client; and everything after the first ping (buffers grown, goroutines
// running), as the live heap plus goroutine stacks after a GC.
func BenchmarkScale(b *testing.B) {
	n := terminalsFromEnv(b)
	f, before, sims, clients := newFleet(n)
	defer f.close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	start := time.Now()
	if err := f.pingAll(ctx); err != nil {
		b.Fatal(err)
	}
	first := time.Since(start)
	warm := heapAndStacks()
	b.ResetTimer()
	for b.Loop() {
		if err := f.pingAll(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	per := func(m uint64) float64 { return float64(m) / float64(n) }
	b.ReportMetric(float64(n), "terminals")
	b.ReportMetric(per(sub(sims, before)), "sim-B/terminal")
	b.ReportMetric(per(sub(clients, sims)), "client-B/terminal")
	b.ReportMetric(per(sub(warm, before)), "warm-B/terminal")
	b.ReportMetric(float64(first.Microseconds())/1000, "first-ping-all-ms")
}

// A small fleet answers: every simulator is reached through its own client, none twice.
func TestScaleFleet(t *testing.T) {
	const n = 25
	f, _, _, _ := newFleet(n)
	defer f.close()
	if err := f.pingAll(t.Context()); err != nil {
		t.Fatal(err)
	}
	for i, s := range f.sims {
		if got := s.Requests(privatjson.MethodPingDevice); got != 1 {
			t.Fatalf("simulator %d saw %d pings, want 1", i, got)
		}
	}
}
