package main

import (
	"context"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/uapos/uapos/transport"
)

// connCounter is a loopback TCP relay in front of a device that counts the connections probe
// opens and the most that were open at once.
type connCounter struct {
	mu          sync.Mutex
	open, most  int
	total       int
	ln          net.Listener
	wg          sync.WaitGroup
	target      string
	handleLocal func(c net.Conn) // when target is "", the device itself
}

func newConnCounter(tb testing.TB, target string, handle func(c net.Conn)) *connCounter {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	cc := &connCounter{ln: ln, target: target, handleLocal: handle}
	cc.wg.Add(1)
	go cc.accept()
	tb.Cleanup(func() { ln.Close(); cc.wg.Wait() })
	return cc
}

func (cc *connCounter) addr() string { return cc.ln.Addr().String() }

func (cc *connCounter) accept() {
	defer cc.wg.Done()
	for {
		c, err := cc.ln.Accept()
		if err != nil {
			return
		}
		cc.mu.Lock()
		cc.open++
		cc.total++
		cc.most = max(cc.most, cc.open)
		cc.mu.Unlock()
		cc.wg.Add(1)
		go func() {
			defer cc.wg.Done()
			defer c.Close()
			if cc.target == "" {
				cc.handleLocal(c)
				cc.mu.Lock()
				cc.open--
				cc.mu.Unlock()
				return
			}
			d, err := net.Dial("tcp", cc.target)
			if err != nil {
				cc.mu.Lock()
				cc.open--
				cc.mu.Unlock()
				return
			}
			defer d.Close()
			done := make(chan struct{})
			go func() { io.Copy(d, c); d.(*net.TCPConn).CloseWrite(); close(done) }()
			io.Copy(c, d)
			// The device has closed its side: the connection is over for it. Count it
			// closed before probe can see the close and connect again.
			cc.mu.Lock()
			cc.open--
			cc.mu.Unlock()
			c.Close()
			<-done
		}()
	}
}

func (cc *connCounter) counts() (total, most int) {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	return cc.total, cc.most
}

// BenchmarkProbe measures `hwprobe probe URL` with its default options (as runProbe sets
// them, no --kind, no --protocol) against each simulator on a loopback port that is no raw
// print port, and against a silent port that accepts and never answers. Each result must be
// right: the benchmark fails otherwise. conns/op counts the connections probe opened per run,
// and max-open the most open at once (a terminal that allows one client must never see two).
// Issue 19 item 12's goal: any known device identified in ≤ 1.5 s, a silent port in ≤ 3 s.
func BenchmarkProbe(b *testing.B) {
	type target struct {
		name, want string
		start      func(b *testing.B) string // returns the address to probe
	}
	var targets []target
	for _, p := range protocols {
		if p.newSim == nil || p.identify == nil {
			continue
		}
		name := p.name
		targets = append(targets, target{name, name, func(b *testing.B) string { return startSimTCP(b, name) }})
	}
	targets = append(targets, target{"silent", "", func(b *testing.B) string { return "" }})
	for _, tg := range targets {
		b.Run(tg.name, func(b *testing.B) {
			var cc *connCounter
			if addr := tg.start(b); addr != "" {
				cc = newConnCounter(b, addr, nil)
			} else {
				cc = newConnCounter(b, "", func(c net.Conn) { io.Copy(io.Discard, c) })
			}
			o := probeOptions{timeout: 3 * time.Second, protocols: protocols, open: transport.Open}
			var worst time.Duration
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				start := time.Now()
				r := probeURL(context.Background(), "tcp://"+cc.addr(), o)
				worst = max(worst, time.Since(start))
				if tg.want != "" && (r.Status != statusOK || r.Protocol != tg.want) {
					b.Fatalf("probe of %s: %+v", tg.name, r)
				}
				if tg.want == "" && (r.Status != statusFail || r.Problem != problemSilent) {
					b.Fatalf("probe of a silent port: %+v", r)
				}
			}
			b.StopTimer()
			total, most := cc.counts()
			b.ReportMetric(worst.Seconds(), "worst-s")
			b.ReportMetric(float64(total)/float64(b.N), "conns/op")
			b.ReportMetric(float64(most), "max-open")
		})
	}
}
