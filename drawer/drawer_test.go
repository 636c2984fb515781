package drawer

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/uapos/uapos/escpos"
	"github.com/uapos/uapos/transport"
	"github.com/uapos/uapos/transport/transporttest"
)

// Bytes by hand from escpos.md §1.7: ESC p m t1 t2 with t in 2 ms units; DLE DC4 1 m t with
// t in 100 ms units.
func TestCommand(t *testing.T) {
	cases := []struct {
		cfg  Config
		want []byte
	}{
		{Config{}, []byte{0x1B, 0x70, 0x00, 0x19, 0x7D}},                                                                // 50 ms / 250 ms
		{Config{Pin: 5, On: 100 * time.Millisecond, Off: 400 * time.Millisecond}, []byte{0x1B, 0x70, 0x01, 0x32, 0xC8}}, // 50, 200
		{Config{RealTime: true}, []byte{0x10, 0x14, 0x01, 0x00, 0x01}},                                                  // 50 ms rounds up to 1
		{Config{RealTime: true, Pin: 5, On: 250 * time.Millisecond}, []byte{0x10, 0x14, 0x01, 0x01, 0x03}},
	}
	for _, c := range cases {
		d, err := New(nil, c.cfg)
		if err != nil {
			t.Fatal(err)
		}
		if got := d.Command(); !bytes.Equal(got, c.want) {
			t.Errorf("%+v: got % X want % X", c.cfg, got, c.want)
		}
	}
	for _, bad := range []Config{
		{Pin: 3}, {On: time.Second}, {On: 100 * time.Millisecond, Off: 50 * time.Millisecond},
		{RealTime: true, On: time.Second}, {On: -time.Millisecond},
	} {
		if _, err := New(nil, bad); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}

// device answers each DLE EOT 1 with the next byte of replies (the last one repeats) and
// records everything else it receives.
func device(t *testing.T, replies ...byte) (transport.Conn, <-chan []byte) {
	a, b := transporttest.Pipe()
	got := make(chan []byte, 1)
	go func() {
		var all []byte
		buf := make([]byte, 64)
		i := 0
		for {
			n, err := b.Read(buf)
			for _, c := range buf[:n] {
				all = append(all, c)
				k := len(all)
				if len(replies) > 0 && k >= 3 && all[k-3] == 0x10 && all[k-2] == 0x04 && all[k-1] == 0x01 {
					_, _ = b.Write([]byte{replies[min(i, len(replies)-1)]})
					i++
				}
			}
			if err != nil {
				got <- all
				return
			}
		}
	}()
	t.Cleanup(func() { a.Close(); b.Close() })
	return a, got
}

func TestOpenWrites(t *testing.T) {
	c, got := device(t)
	d, _ := New(c, Config{})
	if err := d.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	c.Close()
	if w := <-got; !bytes.Equal(w, []byte{0x1B, 0x70, 0x00, 0x19, 0x7D}) {
		t.Errorf("wire % X", w)
	}
}

func TestPolarity(t *testing.T) {
	for _, c := range []struct {
		reply byte
		low   bool
		open  bool
	}{
		{0x16, false, true}, {0x12, false, false}, // default: pin 3 HIGH = open
		{0x16, true, false}, {0x12, true, true}, // inverted
	} {
		conn, _ := device(t, c.reply)
		d, _ := New(conn, Config{OpenWhenLow: c.low})
		open, err := d.IsOpen(context.Background())
		if err != nil || open != c.open {
			t.Errorf("reply %02X low=%v: open=%v err=%v, want %v", c.reply, c.low, open, err, c.open)
		}
	}
}

func TestWaitClosed(t *testing.T) {
	c, got := device(t, 0x16, 0x16, 0x16, 0x12) // open three times, then closed
	d, _ := New(c, Config{})
	if err := d.WaitClosed(context.Background(), 0); err != nil {
		t.Fatal(err)
	}
	c.Close()
	if n := bytes.Count(<-got, []byte{0x10, 0x04, 0x01}); n != 4 {
		t.Errorf("%d status requests, want 4", n)
	}
	// Cancelled while the drawer stays open.
	c2, _ := device(t, 0x16)
	d2, _ := New(c2, Config{})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d2.WaitClosed(ctx, time.Hour) }()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func TestNoSensor(t *testing.T) {
	c, _ := device(t) // never answers
	d, _ := New(c, Config{ReplyTimeout: 10 * time.Millisecond})
	_, err := d.IsOpen(context.Background())
	if !errors.Is(err, ErrNoSensor) || !errors.Is(err, escpos.ErrNoReply) {
		t.Errorf("err = %v", err)
	}
	if err := d.WaitClosed(context.Background(), 0); !errors.Is(err, ErrNoSensor) {
		t.Errorf("WaitClosed err = %v", err)
	}
}
