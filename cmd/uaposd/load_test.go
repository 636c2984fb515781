package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/uapos/uapos/journal"
	"github.com/uapos/uapos/payment"
	"github.com/uapos/uapos/service"
	"github.com/uapos/uapos/service/servicetest"
	"github.com/uapos/uapos/service/wiring"
	"github.com/uapos/uapos/simulators"
	"github.com/uapos/uapos/simulators/privatsim"
)

// BenchmarkLoad drives uaposd as a shop's back office would at peak: 200 concurrent HTTP
// clients over 20 simulated PrivatBank terminals (?wait=1, so callers queue per terminal),
// UAPOSD_LOAD purchases in all (default 2,000; 10,000 for the full run). It fails on any
// purchase without an approved outcome and on any charge the simulators saw twice, and
// reports the service's own overhead per purchase: the p50 and p99 of one client's purchases
// through HTTP next to the same purchases as direct library calls on the same simulators.
//
//	UAPOSD_LOAD=10000 go test -run '^$' -bench Load -benchtime 1x ./cmd/uaposd
func BenchmarkLoad(b *testing.B) {
	const terminals, clients, single = 20, 200, 400
	total := 2000
	if v, err := strconv.Atoi(os.Getenv("UAPOSD_LOAD")); err == nil && v > 0 {
		total = v
	}
	ctx := context.Background()
	var sims []*simulators.Running
	cfg := &service.Config{}
	for i := range terminals {
		r, err := simulators.Start(ctx, simulators.Spec{Name: "privatjson"})
		if err != nil {
			b.Fatal(err)
		}
		defer r.Close()
		sims = append(sims, r)
		cfg.Devices = append(cfg.Devices, service.DeviceConfig{Name: fmt.Sprintf("t%02d", i), Kind: service.KindTerminal,
			Protocol: "privatjson", URL: "tcp://" + r.Addr(), Bank: "PrivatBank"})
	}
	j := journal.NewMemory()
	w := &wiring.Wiring{Journal: j, Fast: true}
	opts, err := w.Options(cfg)
	if err != nil {
		b.Fatal(err)
	}

	// The direct library calls: one client, one terminal, then the link is closed.
	direct := make([]time.Duration, 0, single)
	t0, closer, err := opts.Terminals[0].Open(ctx)
	if err != nil {
		b.Fatal(err)
	}
	for i := range single {
		start := time.Now()
		res, err := t0.Purchase(ctx, payment.Request{TransactionID: fmt.Sprintf("direct-%d", i), Amount: 1234})
		if err != nil || !res.Approved {
			b.Fatalf("direct purchase: %v", err)
		}
		direct = append(direct, time.Since(start))
	}
	closer.Close()

	opts.Journal, opts.Loopback = j, true
	svc, err := service.New(opts)
	if err != nil {
		b.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv := &http.Server{Handler: svc.Handler()}
	go srv.Serve(ln)
	defer func() { srv.Close(); svc.Shutdown(ctx) }()
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	c := &servicetest.Client{URL: "http://" + ln.Addr().String(), HTTP: hc}

	// The same purchases through HTTP, one client, same terminal.
	viaHTTP := make([]time.Duration, 0, single)
	for i := range single {
		start := time.Now()
		r := c.Do(b, "POST", "/v1/terminals/t00/purchase", map[string]any{"transaction_id": fmt.Sprintf("http-%d", i), "amount": "12.34"})
		if r.Status != 200 {
			b.Fatalf("purchase: %d %s", r.Status, r.Raw)
		}
		viaHTTP = append(viaHTTP, time.Since(start))
	}

	b.ResetTimer()
	for iter := range b.N {
		before := charges(sims)
		ids := make(chan int)
		var mu sync.Mutex
		failed := 0
		var wg sync.WaitGroup
		start := time.Now()
		for range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for n := range ids {
					dev := fmt.Sprintf("t%02d", n%terminals)
					body := map[string]any{"transaction_id": fmt.Sprintf("load-%d-%d", iter, n), "amount": "12.34"}
					r := c.Do(b, "POST", "/v1/terminals/"+dev+"/purchase?wait=1", body)
					if r.Status != 200 || r.Get("result.approved") != true {
						mu.Lock()
						failed++
						mu.Unlock()
					}
				}
			}()
		}
		for n := range total {
			ids <- n
		}
		close(ids)
		wg.Wait()
		elapsed := time.Since(start)
		if failed != 0 {
			b.Fatalf("%d of %d purchases have no approved outcome", failed, total)
		}
		if got := charges(sims) - before; got != total {
			b.Fatalf("the simulators charged %d times for %d purchases", got, total)
		}
		b.ReportMetric(float64(total)/elapsed.Seconds(), "purchases/s")
	}
	b.StopTimer()
	dp50, dp99 := pct(direct, 50), pct(direct, 99)
	hp50, hp99 := pct(viaHTTP, 50), pct(viaHTTP, 99)
	b.ReportMetric(float64(dp50.Microseconds()), "direct-p50-µs")
	b.ReportMetric(float64(dp99.Microseconds()), "direct-p99-µs")
	b.ReportMetric(float64(hp50.Microseconds()), "http-p50-µs")
	b.ReportMetric(float64(hp99.Microseconds()), "http-p99-µs")
	b.Logf("%d purchases by %d clients over %d terminals: 0 double charges, 0 lost outcomes", total, clients, terminals)
	b.Logf("per purchase, one client: direct p50 %v p99 %v | via uaposd p50 %v p99 %v | overhead p50 %v", dp50, dp99, hp50, hp99, hp50-dp50)
}

// charges adds up the approved purchases every simulator's bank holds.
func charges(sims []*simulators.Running) int {
	n := 0
	for _, r := range sims {
		n += r.Sim().(*privatsim.Server).Charges()
	}
	return n
}

func pct(d []time.Duration, p int) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[(len(s)-1)*p/100]
}
