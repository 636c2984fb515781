package privatjson

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/uapos/uapos/simulators/privatsim"
	"github.com/uapos/uapos/transport"
)

// BenchmarkPurchase measures purchases per second through the client against the zero-delay
// simulator, and a bare write/read loop of the same Purchase frame on the same socket; it
// reports both rates and their ratio (client / bare).
func BenchmarkPurchase(b *testing.B) {
	sim := privatsim.New(privatsim.Config{})
	defer sim.Close()
	addr, err := sim.ListenTCP("")
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	conn, err := transport.Open(ctx, "tcp://"+addr)
	if err != nil {
		b.Fatal(err)
	}
	frame := append(AppendRequest(nil, PurchaseRequest{Amount: 100}.request()), Terminator)
	buf := make([]byte, 4096)
	bare := func() {
		if _, err := conn.Write(frame); err != nil {
			b.Fatal(err)
		}
		for {
			n, err := conn.Read(buf)
			if err != nil {
				b.Fatal(err)
			}
			if bytes.IndexByte(buf[:n], 0) >= 0 {
				return
			}
		}
	}
	bare() // warm up
	b.ResetTimer()
	start := time.Now()
	for range b.N {
		bare()
	}
	bareDur := time.Since(start)

	c := New(conn, Config{SendGap: -1, PingPause: -1, PollInterval: -1})
	defer c.Close()
	start = time.Now()
	for range b.N {
		if _, err := c.Purchase(ctx, PurchaseRequest{Amount: 100}); err != nil {
			b.Fatal(err)
		}
	}
	clientDur := time.Since(start)
	b.StopTimer()
	clientRate := float64(b.N) / clientDur.Seconds()
	bareRate := float64(b.N) / bareDur.Seconds()
	b.ReportMetric(clientRate, "purchases/s")
	b.ReportMetric(bareRate, "bare-purchases/s")
	b.ReportMetric(clientRate/bareRate, "ratio")
}
