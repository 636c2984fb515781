package escpos

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"io"
	"os"
	"testing"
	"time"

	"github.com/uapos/uapos/transport"
	"github.com/uapos/uapos/transport/transporttest"
)

// fakePrinter is a minimal device: it records everything written and answers DLE EOT n
// (10 04 n) with reply(n). It shares no code with the encoder.
type fakePrinter struct {
	conn transport.Conn
	got  chan []byte // everything received, sent when the link closes
}

func newFake(t *testing.T, reply func(n byte) []byte) (transport.Conn, *fakePrinter) {
	a, b := transporttest.Pipe()
	f := &fakePrinter{conn: b, got: make(chan []byte, 1)}
	go func() {
		var all []byte
		buf := make([]byte, 1024)
		for {
			n, err := b.Read(buf)
			all = append(all, buf[:n]...)
			for i := 0; i+2 < len(all) && n > 0; i++ {
				// Answer each new DLE EOT once: look only at the bytes just read.
				if i+3 > len(all)-n && all[i] == 0x10 && all[i+1] == 0x04 && reply != nil {
					if _, err := b.Write(reply(all[i+2])); err != nil {
						break
					}
				}
			}
			if err != nil {
				f.got <- all
				return
			}
		}
	}()
	t.Cleanup(func() { a.Close(); b.Close() })
	return a, f
}

func (f *fakePrinter) received(t *testing.T, c transport.Conn) []byte {
	t.Helper()
	c.Close()
	return <-f.got
}

func TestPrinterStatus(t *testing.T) {
	c, _ := newFake(t, func(n byte) []byte {
		switch n {
		case 1:
			return []byte{0x10, 0x00, 0x00, 0x00, 0x11, 0x16} // an ASB frame and XON first
		case 4:
			return []byte{0x1E}
		}
		return []byte{0x12}
	})
	p := NewPrinter(c, mustProfile(t, "epson-tm-t20"))
	s, err := p.Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if want := (Status{DrawerPin3High: true, PaperNearEnd: true}); s != want {
		t.Errorf("got %+v want %+v", s, want)
	}
	desc, err := Identify(context.Background(), c)
	if err != nil || desc != "ESC/POS printer (online, paper near end, drawer pin 3 high)" {
		t.Errorf("Identify = %q, %v", desc, err)
	}
}

func TestPrinterNoReply(t *testing.T) {
	c, _ := newFake(t, nil) // a write-only link: never answers
	p := NewPrinter(c, mustProfile(t, "safe"), PrinterConfig{ReplyTimeout: 20 * time.Millisecond})
	_, err := p.Status(context.Background())
	if !errors.Is(err, ErrNoReply) || !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("err = %v, want ErrNoReply wrapping deadline", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := Identify(ctx, c); !errors.Is(err, ErrNoReply) {
		t.Fatalf("Identify err = %v", err)
	}
}

func TestPrinterGarbageReply(t *testing.T) {
	c, _ := newFake(t, func(byte) []byte { return bytes.Repeat([]byte{0x00}, 100) })
	p := NewPrinter(c, mustProfile(t, "safe"))
	_, err := p.Query(context.Background(), StatusPrinter)
	var pe *ProtocolError
	if !errors.As(err, &pe) {
		t.Fatalf("err = %v, want *ProtocolError", err)
	}
}

func TestPrinterCancelled(t *testing.T) {
	c, _ := newFake(t, nil)
	p := NewPrinter(c, mustProfile(t, "safe"), PrinterConfig{ReplyTimeout: time.Hour})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { _, err := p.Status(ctx); done <- err }()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestPrinterPrintAndStoreLogo(t *testing.T) {
	c, f := newFake(t, nil)
	p := NewPrinter(c, mustProfile(t, "epson-tm-t20"))
	logo := image.NewGray(image.Rect(0, 0, 16, 2)) // all black
	for i := range logo.Pix {
		logo.Pix[i] = 0
	}
	wrote, err := p.StoreLogo(context.Background(), "LG", logo)
	if err != nil || !wrote {
		t.Fatalf("first StoreLogo = %v, %v", wrote, err)
	}
	wrote, err = p.StoreLogo(context.Background(), "LG", logo)
	if err != nil || wrote {
		t.Fatalf("second StoreLogo = %v, %v (must not rewrite flash)", wrote, err)
	}
	doc := &Document{Blocks: []Block{{Type: BlockImage, Image: logo, Key: "LG"}, {Type: BlockCut}}}
	rep, err := p.Print(context.Background(), doc)
	if err != nil || rep.NVLogos != 1 || rep.Images != 0 {
		t.Fatalf("Print = %+v, %v", rep, err)
	}
	got := f.received(t, c)
	want := []byte{
		// StoreLogo: GS ( D off, GS ( L fn 67 "LG" 16×2 dots (4 data bytes → pL 15), GS ( D on.
		0x1D, 0x28, 0x44, 0x03, 0x00, 0x14, 0x01, 0x00,
		0x1D, 0x28, 0x4C, 0x0F, 0x00, 0x30, 0x43, 0x30, 0x4C, 0x47, 0x01, 0x10, 0x00, 0x02, 0x00, 0x31,
		0xFF, 0xFF, 0xFF, 0xFF,
		0x1D, 0x28, 0x44, 0x03, 0x00, 0x14, 0x01, 0x01,
		// Print: ESC @, ESC t 46 (Epson WPC1251, §1.2), ESC a 1 (logo centred),
		// GS ( L fn 69 "LG" 1 1, GS V 66 3 (profile cut_feed 3).
		0x1B, 0x40, 0x1B, 0x74, 0x2E, 0x1B, 0x61, 0x01,
		0x1D, 0x28, 0x4C, 0x06, 0x00, 0x30, 0x45, 0x4C, 0x47, 0x01, 0x01,
		0x1D, 0x56, 0x42, 0x03,
	}
	if !bytes.Equal(got, want) {
		t.Errorf("wire:\n got % X\nwant % X", got, want)
	}
}

func TestStoreLogoChangedContent(t *testing.T) {
	c, f := newFake(t, nil)
	p := NewPrinter(c, mustProfile(t, "epson-tm-t20"))
	logo := image.NewGray(image.Rect(0, 0, 8, 1))
	for i := 0; i < 2; i++ {
		if wrote, err := p.StoreLogo(context.Background(), "LG", logo); err != nil || !wrote {
			t.Fatalf("store %d = %v, %v", i, wrote, err)
		}
		logo.SetGray(0, 0, color.Gray{Y: 255}) // new content under the same key
	}
	if n := bytes.Count(f.received(t, c), []byte{0x30, 0x43, 0x30, 'L', 'G'}); n != 2 {
		t.Errorf("%d fn 67 writes, want 2", n)
	}
	if _, err := NewPrinter(c, mustProfile(t, "safe")).StoreLogo(context.Background(), "LG", logo); !errors.Is(err, ErrNotSupported) {
		t.Errorf("safe profile: %v", err)
	}
}

func TestPrinterWrite(t *testing.T) {
	c, f := newFake(t, nil)
	p := NewPrinter(c, mustProfile(t, "safe"), PrinterConfig{ChunkSize: 3})
	if _, err := io.WriteString(p, "hello\n"); err != nil {
		t.Fatal(err)
	}
	if got := f.received(t, c); string(got) != "hello\n" {
		t.Errorf("got %q", got)
	}
}

func mustProfile(t testing.TB, name string) Profile {
	t.Helper()
	p, err := LoadProfile(name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
