package vprinter

import (
	"context"
	"strings"
	"testing"
)

// The command log of a page, written by hand from escpos.md: ESC @ (1B 40), text, LF, a
// QR code stored with GS ( k fn 180 and printed with fn 181 (1D 28 6B pL pH 31 50|51 30
// ...), a raster image larger than Limits.MaxImageBytes (GS v 0, skipped by its declared
// length) and GS V 0 (1D 56 00); the cut goes on the page it cut.
func TestCommandLog(t *testing.T) {
	stream := []byte("\x1b@Ab\nc\n")
	stream = append(stream, 0x1d, 0x28, 0x6b, 0x05, 0x00, 0x31, 0x50, 0x30, 'h', 'i') // fn 180: store "hi"
	stream = append(stream, 0x1d, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x51, 0x30)           // fn 181: print
	stream = append(stream, 0x1d, 0x76, 0x30, 0x00, 0x10, 0x00, 0x10, 0x00)           // GS v 0: 16 x 16 bytes
	stream = append(stream, make([]byte, 256)...)
	stream = append(stream, 0x1d, 0x56, 0x00, 'Z', '\n')
	d := NewDecoder(profiles["epson"], Limits{MaxImageBytes: 64})
	d.Write(stream[:5]) // a text run split across writes is still one command
	d.Write(stream[5:])
	pages := d.Pages()
	if len(pages) != 1 {
		t.Fatalf("%d pages", len(pages))
	}
	var got []string
	for _, c := range pages[0].Commands {
		s := c.Name
		if c.Text != "" {
			s += "(" + c.Text + ")"
		}
		got = append(got, s)
	}
	want := "ESC @,text(Ab),LF,text(c),LF,GS ( k fn 180,GS ( k fn 181,GS v (skipped),GS V"
	if strings.Join(got, ",") != want {
		t.Errorf("commands\n%s\nwant\n%s", strings.Join(got, ","), want)
	}
	if c := pages[0].Commands[1]; c.Offset != 2 || c.Len != 2 || string(c.Bytes) != "Ab" {
		t.Errorf("text run %+v", c)
	}
	if c := pages[0].Commands[7]; c.Len != 8+256 || len(c.Bytes) != maxCommandBytes {
		t.Errorf("skipped raster %+v", c)
	}
	if cur := d.Current(); cur.Index != 1 || len(cur.Commands) != 2 || cur.Commands[0].Text != "Z" {
		t.Errorf("current page %+v", cur)
	}
}

// OnCut hands each page over as it is cut, with its index, and never under the lock: the
// function may call the Server.
func TestOnCut(t *testing.T) {
	s := New(Config{})
	defer s.Close()
	cuts := make(chan Receipt, 4)
	s.OnCut(func(r Receipt) {
		s.State() // would deadlock if called under the lock
		cuts <- r
	})
	a, b := pipePair()
	go s.ServeConn(context.Background(), b)
	defer a.Close()
	a.Write([]byte("\x1b@one\n\x1dV\x00two\n\x1dV\x00\x10\x04\x01"))
	reply := make([]byte, 1)
	if _, err := a.Read(reply); err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"one", "two"} {
		r := <-cuts
		if r.Page.Index != i || !strings.Contains(r.Plain, want) {
			t.Errorf("cut %d: index %d, %q", i, r.Page.Index, r.Plain)
		}
	}
	pages := s.Control().Pages()
	if len(pages) != 2 || pages[1].Index != 1 || !pages[1].Cut {
		t.Errorf("control pages %+v", pages)
	}
	if b, err := s.Control().PagePNG(1); err != nil || len(b) < 8 || string(b[1:4]) != "PNG" {
		t.Errorf("PagePNG: %v", err)
	}
	s.Control().Reset()
	if p := s.Control().Pages(); len(p) != 0 {
		t.Errorf("after Reset: %d pages", len(p))
	}
}
