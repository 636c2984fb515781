package vprinter

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/uapos/uapos/transport"
)

type rig struct {
	s    *Server
	c    transport.Conn // the test's end
	done chan error
}

func startRig(t *testing.T, cfg Config) *rig {
	t.Helper()
	s := New(cfg)
	a, b := pipePair()
	r := &rig{s: s, c: b, done: make(chan error, 1)}
	go func() { r.done <- s.ServeConn(t.Context(), a) }()
	t.Cleanup(func() {
		_ = b.Close()
		<-r.done
		_ = s.Close()
	})
	return r
}

func (r *rig) send(t *testing.T, b []byte) {
	t.Helper()
	if _, err := r.c.Write(b); err != nil {
		t.Fatal(err)
	}
}

// read reads exactly n reply bytes; the deadline only stops a broken test from hanging.
func (r *rig) read(t *testing.T, n int) []byte {
	t.Helper()
	_ = r.c.SetReadDeadline(time.Now().Add(10 * time.Second))
	b := make([]byte, n)
	if _, err := io.ReadFull(r.c, b); err != nil {
		t.Fatalf("reading %d bytes: %v", n, err)
	}
	return b
}

// status sends DLE EOT n and returns the reply byte. Sent after data, it also marks that
// everything before it was processed (the printer being online).
func (r *rig) status(t *testing.T, n byte) byte {
	t.Helper()
	r.send(t, []byte{0x10, 0x04, n})
	return r.read(t, 1)[0]
}

func TestStatusOverTheWire(t *testing.T) {
	r := startRig(t, Config{})
	for n := byte(1); n <= 4; n++ {
		if got := r.status(t, n); got != 0x12 {
			t.Fatalf("DLE EOT %d = %02X", n, got)
		}
	}
	r.s.SetCoverOpen(true)
	if got := r.status(t, 2); got != 0x16 {
		t.Fatalf("cover open: DLE EOT 2 = %02X", got)
	}
	// A DLE EOT split across writes is still answered.
	r.send(t, []byte{0x10})
	r.send(t, []byte{0x04})
	r.send(t, []byte{0x01})
	if got := r.read(t, 1)[0]; got != 0x1A {
		t.Fatalf("cover open: DLE EOT 1 = %02X", got)
	}
}

func TestDrawerKickAndClose(t *testing.T) {
	r := startRig(t, Config{})
	r.send(t, []byte{0x1B, 0x70, 0x00, 0x19, 0xFA}) // ESC p 0 25 250 (escpos.md §1.7 gist)
	if got := r.status(t, 1); got != 0x16 {
		t.Fatalf("after kick DLE EOT 1 = %02X", got)
	}
	if !r.s.DrawerOpened() {
		t.Fatal("drawer not open")
	}
	r.s.CloseDrawer()
	if r.s.DrawerOpened() || r.status(t, 1) != 0x12 {
		t.Fatal("drawer not closed")
	}
	r.send(t, []byte{0x10, 0x14, 0x01, 0x00, 0x01}) // DLE DC4 1 0 1
	if got := r.status(t, 1); got != 0x16 || r.s.Counters().DrawerKicks != 2 {
		t.Fatalf("after DLE DC4 DLE EOT 1 = %02X, kicks %d", got, r.s.Counters().DrawerKicks)
	}
}

func TestTransmitID(t *testing.T) {
	r := startRig(t, Config{})
	r.send(t, []byte{0x1D, 0x49, 0x42}) // GS I 66 maker
	if got := r.read(t, 7); !bytes.Equal(got, []byte("\x5FUAPOS\x00")) {
		t.Fatalf("GS I 66 = % X", got)
	}
	r.send(t, []byte{0x1D, 0x49, 0x43}) // GS I 67 model
	if got := r.read(t, 10); !bytes.Equal(got, []byte("\x5FVPRINTER\x00")) {
		t.Fatalf("GS I 67 = % X", got)
	}
	r.send(t, []byte{0x1D, 0x49, 0x01, 0x1D, 0x49, 0x02}) // model ID, type ID
	got := r.read(t, 2)
	if got[0] != 0x20 || got[1] != 0x02 || got[0]&0x90 != 0 || got[1]&0x90 != 0 {
		t.Fatalf("GS I 1/2 = % X", got)
	}
}

func TestASB(t *testing.T) {
	r := startRig(t, Config{})
	r.send(t, []byte{0x1D, 0x61, 0x0F}) // GS a 15: all items
	if got := r.read(t, 4); !bytes.Equal(got, []byte{0x10, 0, 0, 0}) {
		t.Fatalf("first ASB % X", got)
	}
	r.send(t, []byte{0x1B, 0x70, 0x00, 0x32, 0x32})
	if got := r.read(t, 4); !bytes.Equal(got, []byte{0x14, 0, 0, 0}) {
		t.Fatalf("ASB after kick % X", got)
	}
	r.s.SetPaper(PaperNearEnd)
	if got := r.read(t, 4); !bytes.Equal(got, []byte{0x14, 0, 0x03, 0}) {
		t.Fatalf("ASB near end % X", got)
	}
	r.s.SetCoverOpen(true)
	if got := r.read(t, 4); !bytes.Equal(got, []byte{0x3C, 0, 0x03, 0}) {
		t.Fatalf("ASB cover open % X", got)
	}
}

func TestPaperRunsOut(t *testing.T) {
	r := startRig(t, Config{PaperOutAfterLines: 2, PaperNearEndAfterLines: 1})
	r.send(t, []byte("one\ntwo\nthree\nfour\n"))
	if got := r.status(t, 4); got != 0x72 {
		t.Fatalf("DLE EOT 4 = %02X", got)
	}
	if got := r.status(t, 2); got != 0x32 {
		t.Fatalf("DLE EOT 2 = %02X", got)
	}
	if got := r.s.Current().Plain; got != "one\ntwo\n" {
		t.Fatalf("printed before paper end %q", got)
	}
	r.s.SetPaper(PaperOK) // new roll: the held data prints
	if got := r.s.Current().Plain; got != "one\ntwo\nthree\nfour\n" {
		t.Fatalf("printed after reload %q", got)
	}
}

func TestOfflineHoldsAndDrops(t *testing.T) {
	r := startRig(t, Config{Offline: true, Limits: Limits{MaxImageBytes: 16}}) // buffer 80 bytes
	r.send(t, bytes.Repeat([]byte("x\n"), 100))
	if got := r.status(t, 1); got != 0x1A {
		t.Fatalf("offline DLE EOT 1 = %02X", got)
	}
	if r.s.Counters().Dropped == 0 {
		t.Fatal("nothing dropped")
	}
	r.s.SetOffline(false)
	if n := r.s.Counters().TextLines; n == 0 || n >= 100 {
		t.Fatalf("%d lines printed after going online", n)
	}
}

func TestStopReading(t *testing.T) {
	r := startRig(t, Config{StopReadingAfterBytes: 4})
	r.send(t, []byte("ab\n\x10\x04\x01"))
	<-r.s.Stalled()
	if c := r.s.Counters(); c.BytesRead != 4 || c.StatusReplies != 0 {
		t.Fatalf("counters while stalled %+v", c)
	}
	r.s.ResumeReading()
	if got := r.read(t, 1)[0]; got != 0x12 {
		t.Fatalf("reply after resume %02X", got)
	}
}

func TestDropConnection(t *testing.T) {
	r := startRig(t, Config{DropAfterBytes: 3})
	r.send(t, []byte("ab\ncd\n"))
	if err := <-r.done; !errors.Is(err, ErrDropped) {
		t.Fatalf("ServeConn = %v", err)
	}
	r.done <- nil // for the cleanup
	if r.s.Counters().Drops != 1 || r.s.Current().Plain != "ab\n" {
		t.Fatalf("after drop %+v %q", r.s.Counters(), r.s.Current().Plain)
	}
}

func TestServeConnContext(t *testing.T) {
	s := New(Config{})
	defer s.Close()
	a, b := pipePair()
	defer b.Close()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- s.ServeConn(ctx, a) }()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("ServeConn = %v", err)
	}
}

func TestListenTCP(t *testing.T) {
	s := New(Config{Profile: "pos5890"})
	addr, err := s.ListenTCP("")
	if err != nil {
		t.Fatal(err)
	}
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	// FS . then ESC t 23 (WPC1251 on this clone), text, cut, then DLE EOT 1 as a marker.
	if _, err := c.Write([]byte("\x1c\x2e\x1b\x74\x17\xb2\xb3\n\x1d\x56\x01\x10\x04\x01")); err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 1)
	if _, err := io.ReadFull(c, b); err != nil || b[0] != 0x12 {
		t.Fatalf("reply % X, %v", b, err)
	}
	rs := s.Receipts()
	if len(rs) != 1 || rs[0].Plain != "Іі\n" || rs[0].Image().Bounds().Dx() != 384 {
		t.Fatalf("receipts %+v", rs)
	}
	_ = c.Close()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ListenTCP(""); !errors.Is(err, ErrClosed) {
		t.Fatalf("ListenTCP after Close = %v", err)
	}
}

// GS ( k fn 182 (escpos.md §1.5): reply 37 36 <H> 1F <V> 1F 31 1F 30 00. 27 bytes in byte
// mode at level M need QR version 3 (version 2-M holds 26): 29 modules x 6 dots = 174.
func TestQRTransmitSize(t *testing.T) {
	r := startRig(t, Config{})
	stream := readHex(t, "testdata/golden/symbols.hex")
	// Everything up to fn 181 (print) is sent; then fn 182.
	r.send(t, stream[:len(stream)-8])
	r.send(t, []byte{0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x52, 0x30})
	want := []byte{0x37, 0x36, '1', '7', '4', 0x1F, '1', '7', '4', 0x1F, 0x31, 0x1F, 0x30, 0x00}
	if got := r.read(t, len(want)); !bytes.Equal(got, want) {
		t.Fatalf("fn 182 reply % X", got)
	}
}

// Real-time commands act where they are received, even inside image data (escpos.md §1.3
// "Real-time command collision"), and the image still decodes.
func TestRealTimeInsideImageData(t *testing.T) {
	r := startRig(t, Config{})
	// GS v 0, 1 byte x 3 rows: the data bytes are 10 04 01.
	r.send(t, []byte{0x1D, 0x76, 0x30, 0x00, 0x01, 0x00, 0x03, 0x00, 0x10, 0x04, 0x01})
	if got := r.read(t, 1)[0]; got != 0x12 {
		t.Fatalf("reply %02X", got)
	}
	if got := r.s.Current().Plain; got != "[raster 8x3]\n" {
		t.Fatalf("printed %q", got)
	}
}

func TestInitClearsLineBuffer(t *testing.T) {
	p, _ := LookupProfile("")
	pages, _ := Decode(p, []byte("lost\x1b@kept\n"))
	if got := RenderText(pages[0]); got != "kept\n" {
		t.Fatalf("got %q", got)
	}
}

func TestKanjiWideWraps(t *testing.T) {
	p, _ := LookupProfile("pos5890") // 384 dots: 16 ideographs of 24 dots
	pages, _ := Decode(p, bytes.Repeat([]byte{0xB0, 0xA1}, 17))
	if got := RenderText(pages[0]); got != strings.Repeat("啊", 16)+"\n啊\n" {
		t.Fatalf("got %q", got)
	}
}

func TestCoverOpensAfterLines(t *testing.T) {
	r := startRig(t, Config{CoverOpenAfterLines: 1})
	r.send(t, []byte("a\nb\n"))
	if got := r.status(t, 2); got != 0x16 {
		t.Fatalf("DLE EOT 2 = %02X", got)
	}
	if got := r.s.Current().Plain; got != "a\n" {
		t.Fatalf("printed %q", got)
	}
	r.s.SetCoverOpen(false)
	if got := r.s.Current().Plain; got != "a\nb\n" {
		t.Fatalf("printed %q", got)
	}
}
