package bpos1sim_test

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"io"
	"net"
	"os"
	"strings"
	"testing"

	"github.com/uapos/uapos/simulators/bpos1sim"
	"github.com/uapos/uapos/transport/transporttest"
)

func frames(t testing.TB) map[string][]byte {
	t.Helper()
	f, err := os.Open("testdata/frames.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string][]byte{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		name, hx, _ := strings.Cut(line, ":")
		b, err := hex.DecodeString(strings.ReplaceAll(strings.TrimSpace(hx), " ", ""))
		if err != nil {
			t.Fatal(err)
		}
		out[name] = b
	}
	return out
}

type ecr struct {
	t *testing.T
	c io.ReadWriter
}

func (e ecr) send(b []byte) {
	e.t.Helper()
	if _, err := e.c.Write(b); err != nil {
		e.t.Fatal(err)
	}
}

func (e ecr) expect(want []byte) {
	e.t.Helper()
	got := make([]byte, len(want))
	if _, err := io.ReadFull(e.c, got); err != nil {
		e.t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		e.t.Fatalf("got %x, want %x", got, want)
	}
}

// frame reads one frame and returns its data (LRC checked).
func (e ecr) frame() []byte {
	e.t.Helper()
	h := make([]byte, 3)
	if _, err := io.ReadFull(e.c, h); err != nil || h[0] != 0x02 {
		e.t.Fatalf("header %x %v", h, err)
	}
	n := int(h[1])<<8 | int(h[2])
	b := make([]byte, n+1)
	if _, err := io.ReadFull(e.c, b); err != nil {
		e.t.Fatal(err)
	}
	var x byte
	for _, v := range b[:n] {
		x ^= v
	}
	if x != b[n] {
		e.t.Fatalf("bad LRC in %x", b)
	}
	return b[:n]
}

// tags decodes little-endian TLVs: numbers of 4 bytes as uint32, others as text.
func tags(t *testing.T, data []byte) (map[uint32]uint32, map[uint32]string) {
	nums, texts := map[uint32]uint32{}, map[uint32]string{}
	for off := 0; off < len(data); {
		tag := binary.LittleEndian.Uint32(data[off:])
		n := int(binary.LittleEndian.Uint32(data[off+4:]))
		v := data[off+8 : off+8+n]
		if n == 4 && tag != 18 && tag != 4 && tag != 16 {
			nums[tag] = binary.LittleEndian.Uint32(v)
		} else {
			texts[tag] = string(v)
		}
		off += 8 + n
	}
	return nums, texts
}

func serve(t *testing.T, cfg bpos1sim.Config) (*bpos1sim.Server, ecr) {
	srv := bpos1sim.New(cfg)
	a, b := transporttest.Pipe()
	done := make(chan error, 1)
	go func() { done <- srv.ServeConn(t.Context(), b) }()
	t.Cleanup(func() { a.Close(); <-done; srv.Close() })
	return srv, ecr{t, a}
}

func TestWirePing(t *testing.T) {
	f := frames(t)
	_, e := serve(t, bpos1sim.Config{})
	e.send(f["ping"])
	e.expect([]byte{0x06})
	e.expect(f["ping-reply-le"])
	e.send([]byte{0x06})
	// the little-endian request is understood too
	e.send(f["ping-le"])
	e.expect([]byte{0x06})
	e.expect(f["ping-reply-le"])
	e.send([]byte{0x06})
}

func TestWirePingBigEndian(t *testing.T) {
	f := frames(t)
	_, e := serve(t, bpos1sim.Config{ReplyBigEndian: true})
	e.send(f["ping"])
	e.expect([]byte{0x06})
	e.expect(f["ping-reply-be"])
	e.send([]byte{0x06})
}

func TestWireBadLRC(t *testing.T) {
	f := frames(t)
	_, e := serve(t, bpos1sim.Config{})
	bad := bytes.Clone(f["ping"])
	bad[len(bad)-1] ^= 1
	e.send(bad)
	e.expect([]byte{0x15})
	e.send(f["ping"])
	e.expect([]byte{0x06})
	e.expect(f["ping-reply-le"])
	e.send([]byte{0x06})
}

func TestWirePurchaseConfirm(t *testing.T) {
	f := frames(t)
	srv, e := serve(t, bpos1sim.Config{Progress: []uint8{3}})
	e.send(f["purchase-100-m1"])
	e.expect([]byte{0x06})
	e.expect(f["status-3"])
	e.send([]byte{0x06})
	nums, texts := tags(t, e.frame())
	e.send([]byte{0x06})
	if nums[1] != 1 || nums[14] != 0 || nums[2] != 1 || nums[3] != 100 || nums[17] != 1 || len(texts[18]) != 12 {
		t.Fatalf("answer %v %v", nums, texts)
	}
	e.send(f["confirm"])
	e.expect([]byte{0x06})
	if j := srv.Journal(); len(j) != 1 || j[0].TrnStatus != 1 || srv.Calls("Confirm") != 1 {
		t.Fatalf("journal %+v", j)
	}
}

func TestWireHangAbort(t *testing.T) {
	f := frames(t)
	srv, e := serve(t, bpos1sim.Config{Progress: []uint8{3}, Hang: true})
	e.send(f["purchase-100-m1"])
	e.expect([]byte{0x06})
	e.expect(f["status-3"])
	e.send([]byte{0x06})
	e.send([]byte{0x04}) // EOT: abort
	e.expect([]byte{0x04})
	if len(srv.Journal()) != 0 {
		t.Fatal("aborted purchase recorded")
	}
}

func TestListenTCP(t *testing.T) {
	f := frames(t)
	srv := bpos1sim.New(bpos1sim.Config{})
	defer srv.Close()
	addr, err := srv.ListenTCP("")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(addr, "127.0.0.1:") {
		t.Fatalf("addr %s", addr)
	}
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	e := ecr{t, c}
	e.send(f["ping"])
	e.expect([]byte{0x06})
	e.expect(f["ping-reply-le"])
	e.send([]byte{0x06})
}

// Close must stop every listener, not only the last one: before the fix a second ListenTCP
// replaced the first, whose accept loop then kept Close waiting for ever.
func TestCloseStopsEveryListener(t *testing.T) {
	srv := bpos1sim.New(bpos1sim.Config{})
	var addrs []string
	for range 2 {
		addr, err := srv.ListenTCP("")
		if err != nil {
			t.Fatal(err)
		}
		addrs = append(addrs, addr)
	}
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	for _, addr := range addrs {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			t.Errorf("%s still accepts after Close", addr)
		}
	}
}
