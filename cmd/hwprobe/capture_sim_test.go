package main

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/uapos/uapos/privatjson"
	"github.com/uapos/uapos/simulators/privatsim"
	"github.com/uapos/uapos/transport"
	"github.com/uapos/uapos/transport/capture"
)

// capture records a real client talking to a simulator through the relay; identify names the
// protocol in the file; and the file replays: the client gets the same answer from the
// recording as from the simulator.
func TestCaptureSimulatorSessionIdentifyReplay(t *testing.T) {
	t.Parallel()
	sim := privatsim.New(privatsim.Config{})
	defer sim.Close()
	simAddr, err := sim.ListenTCP("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "privat.cap")
	ev := newEventLog()
	var log syncBuffer
	a := &app{stdout: &log, stderr: &log, events: ev.notify}
	done := startCommand(context.Background(), a, "capture", "--listen", "127.0.0.1:0", "--to", "tcp://"+simAddr, "--out", out, "--once")
	var relayAddr string
	select {
	case relayAddr = <-ev.get("listen"):
	case err := <-done:
		t.Fatalf("capture ended early: %v\n%s", err, log.String())
	}

	ctx := context.Background()
	c, err := transport.Open(ctx, "tcp://"+relayAddr)
	if err != nil {
		t.Fatal(err)
	}
	live, err := privatjson.Identify(ctx, c)
	c.Close()
	if err != nil {
		t.Fatalf("identify through the relay: %v", err)
	}
	if err := <-done; err != nil {
		t.Fatalf("capture: %v\n%s", err, log.String())
	}

	var idOut syncBuffer
	ia := &app{stdout: &idOut, stderr: &idOut}
	if err := ia.run(ctx, []string{"identify", out}); err != nil {
		t.Fatalf("identify: %v\n%s", err, idOut.String())
	}
	if got := protocolLine(t, idOut.String()); !strings.HasPrefix(got, "PrivatBank / SSI JSON ECR protocol") {
		t.Errorf("identify named %q\n%s", got, idOut.String())
	}
	if !strings.Contains(idOut.String(), "PingDevice") {
		t.Errorf("identify did not list PingDevice:\n%s", idOut.String())
	}

	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	chunks, err := capture.Parse(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	r := capture.Replay(chunks)
	replayed, err := privatjson.Identify(ctx, r)
	if err != nil {
		t.Fatalf("identify against the replay: %v", err)
	}
	if replayed != live {
		t.Errorf("replay says %q, the simulator said %q", replayed, live)
	}
	if err := r.Close(); err != nil {
		t.Errorf("replay not fully consumed: %v", err)
	}
}

// capture --listen pty: the application opens the pseudo-terminal as its serial port.
func TestCapturePTY(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("pty capture is Linux only")
	}
	sim := privatsim.New(privatsim.Config{})
	defer sim.Close()
	simAddr, err := sim.ListenTCP("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "pty.cap")
	ev := newEventLog()
	var log syncBuffer
	a := &app{stdout: &log, stderr: &log, events: ev.notify}
	ctx, cancel := context.WithCancel(context.Background())
	done := startCommand(ctx, a, "capture", "--listen", "pty", "--to", "tcp://"+simAddr, "--out", out)
	var slave string
	select {
	case slave = <-ev.get("pty"):
	case err := <-done:
		t.Fatalf("capture ended early: %v\n%s", err, log.String())
	}
	c, err := transport.Open(context.Background(), "serial://"+slave+"?baud=115200")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := privatjson.Identify(context.Background(), c); err != nil {
		t.Fatalf("identify through the pty relay: %v", err)
	}
	c.Close()
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("capture: %v\n%s", err, log.String())
	}
	var idOut syncBuffer
	ia := &app{stdout: &idOut, stderr: &idOut}
	if err := ia.run(context.Background(), []string{"identify", out}); err != nil {
		t.Fatalf("identify: %v\n%s", err, idOut.String())
	}
	if got := protocolLine(t, idOut.String()); !strings.HasPrefix(got, "PrivatBank / SSI JSON ECR protocol") {
		t.Errorf("identify named %q", got)
	}
}

// identifyNames maps a protocol to the start of identify's verdict on its traffic.
var identifyNames = map[string]string{
	"escpos":     "ESC/POS receipt printer",
	"privatjson": "PrivatBank / SSI JSON ECR protocol",
	"bposlight":  "B-POS Light",
	"bpos1":      "BPOS1 native wire",
}

// Every simulator's identification exchange, recorded through the capture relay, is named
// by identify: the recognisers (written from the notes) agree with the simulators (written
// from the same notes by other hands).
func TestCaptureIdentifiesEverySimulator(t *testing.T) {
	for _, p := range protocols {
		if p.newSim == nil || p.identify == nil {
			continue
		}
		want, ok := identifyNames[p.name]
		if !ok {
			t.Errorf("no expected identify verdict for %s", p.name)
			continue
		}
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			s, err := p.newSim(nil)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			simAddr, err := s.ListenTCP("127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(t.TempDir(), p.name+".cap")
			ev := newEventLog()
			var log syncBuffer
			a := &app{stdout: &log, stderr: &log, events: ev.notify}
			done := startCommand(context.Background(), a, "capture", "--listen", "127.0.0.1:0", "--to", "tcp://"+simAddr, "--out", out, "--once")
			relay := <-ev.get("listen")
			c, err := transport.Open(context.Background(), "tcp://"+relay)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), simTimeout)
			_, err = p.identify(ctx, c)
			cancel()
			c.Close()
			if err != nil {
				t.Fatalf("identify through the relay: %v", err)
			}
			if err := <-done; err != nil {
				t.Fatalf("capture: %v\n%s", err, log.String())
			}
			var idOut syncBuffer
			ia := &app{stdout: &idOut, stderr: &idOut}
			if err := ia.run(context.Background(), []string{"identify", out}); err != nil {
				t.Fatalf("identify: %v\n%s", err, idOut.String())
			}
			if got := protocolLine(t, idOut.String()); !strings.HasPrefix(got, want) {
				t.Errorf("identify named %q, want %q\n%s", got, want, idOut.String())
			}
		})
	}
}
