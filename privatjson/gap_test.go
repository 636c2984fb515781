package privatjson

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/uapos/uapos/transport/transporttest"
)

// The client keeps the configured gap between sends (default 100 ms) and the pause after the
// handshake (default 1 s); the waits are recorded through the pause seam, not timed.
func TestSendGapAndPingPause(t *testing.T) {
	a, b := transporttest.Pipe()
	defer b.Close()
	c := New(a, Config{})
	defer c.Close()
	var waits []time.Duration
	c.pause = func(ctx context.Context, d time.Duration) error {
		waits = append(waits, d)
		c.lastSend = c.lastSend.Add(-d) // as if d had passed
		c.notBefore = c.notBefore.Add(-d)
		return nil
	}
	// The terminal side: answer the handshake, identify and a ping.
	go func() {
		fr := NewFrameReader(b, 0)
		for {
			f, err := fr.ReadFrame()
			if err != nil {
				return
			}
			m, _ := ParseMessage(f)
			switch {
			case m.Method == MethodPingDevice:
				b.Write([]byte("{\"method\":\"PingDevice\",\"step\":0,\"params\":{\"code\":\"00\",\"responseCode\":\"0000\"},\"error\":false,\"errorDescription\":\"\"}\x00"))
			case m.MsgType() == MsgIdentify:
				b.Write([]byte("{\"method\":\"ServiceMessage\",\"step\":0,\"params\":{\"msgType\":\"identify\",\"result\":\"true\",\"vendor\":\"PAX\",\"model\":\"s800\"},\"error\":false,\"errorDescription\":\"\"}\x00"))
			}
		}
	}()
	ctx := testCtx(t)
	if err := c.Handshake(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.PingDevice(ctx); err != nil {
		t.Fatal(err)
	}
	// identify waits out the 1 s pause after the handshake, the ping the 100 ms gap.
	if len(waits) != 2 || waits[0] <= 900*time.Millisecond || waits[0] > time.Second ||
		waits[1] <= 0 || waits[1] > 100*time.Millisecond {
		t.Fatalf("waits %v", waits)
	}
	// A context that ends during the gap: nothing is written and the link stays.
	c.pause = func(ctx context.Context, d time.Duration) error { return context.Canceled }
	if err := c.PingDevice(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled gap: %v", err)
	}
	c.pause = func(context.Context, time.Duration) error { return nil }
	if err := c.PingDevice(ctx); err != nil {
		t.Fatalf("after a cancelled gap: %v", err)
	}
}
