package vprinter

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// decodeChunked feeds stream to a fresh decoder in chunks of size n and returns all pages
// (cut ones and the pending one).
func decodeChunked(t testing.TB, prof string, stream []byte, n int) (*Decoder, []*Page) {
	t.Helper()
	p, err := LookupProfile(prof)
	if err != nil {
		t.Fatal(err)
	}
	d := NewDecoder(p, Limits{})
	for len(stream) > 0 {
		k := min(n, len(stream))
		if w, err := d.Write(stream[:k]); w != k || err != nil {
			t.Fatalf("Write = %d, %v", w, err)
		}
		stream = stream[k:]
	}
	pages := d.Pages()
	if len(d.Current().Lines) > 0 {
		pages = append(pages, d.Current())
	}
	return d, pages
}

var goldenCases = []struct{ name, profile string }{
	{"text_styles", "epson"},
	{"codepages_epson", "epson"},
	{"kanji_xprinter", "xprinter"},
	{"images", "epson"},
	{"symbols", "epson"},
	{"unknown", "epson"},
}

func TestGoldenStreams(t *testing.T) {
	for _, tc := range goldenCases {
		t.Run(tc.name, func(t *testing.T) {
			stream := readHex(t, filepath.Join("testdata", "golden", tc.name+".hex"))
			want, err := os.ReadFile(filepath.Join("testdata", "golden", tc.name+".txt"))
			if err != nil {
				t.Fatal(err)
			}
			for _, n := range []int{len(stream), 1, 2, 3, 7, 64} {
				_, pages := decodeChunked(t, tc.profile, stream, n)
				if got := renderAll(pages); got != string(want) {
					t.Fatalf("chunk %d: decoded text\n%s\nwant\n%s", n, got, want)
				}
			}
		})
	}
}

func TestUnknownCommandsReported(t *testing.T) {
	stream := readHex(t, "testdata/golden/unknown.hex")
	want, err := os.ReadFile("testdata/golden/unknown.reports")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{len(stream), 1} {
		d, _ := decodeChunked(t, "epson", stream, n)
		if got := reportLines(d.Reports()); got != string(want) {
			t.Fatalf("chunk %d: reports\n%s\nwant\n%s", n, got, want)
		}
	}
}

func artOf(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "golden", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestImagePixels(t *testing.T) {
	stream := readHex(t, "testdata/golden/images.hex")
	_, pages := decodeChunked(t, "epson", stream, 5)
	if len(pages) != 1 || len(pages[0].Lines) != 5 {
		t.Fatalf("got %d pages", len(pages))
	}
	ls := pages[0].Lines
	if got, want := bitmapArt(ls[0].Image), artOf(t, "raster16.art"); got != want {
		t.Errorf("GS v 0 16x16 pixels\n%s\nwant\n%s", got, want)
	}
	if got, want := bitmapArt(ls[1].Segments[0].Image), artOf(t, "escstar8.art"); got != want {
		t.Errorf("ESC * pixels\n%s\nwant\n%s", got, want)
	}
	if got, want := bitmapArt(ls[2].Image), artOf(t, "graphics10x2.art"); got != want {
		t.Errorf("GS ( L pixels\n%s\nwant\n%s", got, want)
	}
	if got := bitmapArt(ls[3].Image); got != strings.Repeat("#", 16)+"\n" {
		t.Errorf("NV pixels %q", got)
	}
	if got := bitmapArt(ls[4].Image); got != "##..............\n##..............\n" {
		t.Errorf("quadruple raster pixels\n%s", got)
	}

	// The rendered PNG has the raster's black dots at the same places (left aligned,
	// below the top tear edge and margin).
	img := RenderImage(pages[0])
	if img.Bounds().Dx() != 576 {
		t.Fatalf("PNG width %d", img.Bounds().Dx())
	}
	art := strings.Split(artOf(t, "raster16.art"), "\n")
	for y := 0; y < 16; y++ {
		for x := 0; x < 16; x++ {
			c := img.RGBAAt(x, tearDots+marginDots+y)
			black := c == inkColor
			if black != (art[y][x] == '#') || (!black && c != paperColor) {
				t.Fatalf("PNG pixel %d,%d = %v", x, y, c)
			}
		}
	}
}

func TestQRPayloadSurvives(t *testing.T) {
	stream := readHex(t, "testdata/golden/symbols.hex")
	for _, n := range []int{len(stream), 1, 4} {
		_, pages := decodeChunked(t, "epson", stream, n)
		qrs := pages[0].QRs()
		if len(qrs) != 1 {
			t.Fatalf("%d QR codes", len(qrs))
		}
		q := qrs[0]
		if string(q.Data) != "https://ua.example/Київ" || q.ECC != 'M' || q.Module != 6 || q.Model != 0x32 {
			t.Fatalf("QR %+v", q)
		}
		if q.Data == nil || pages[0].Lines[len(pages[0].Lines)-1].Image == nil {
			t.Fatal("QR not drawn")
		}
		// A version-2 QR (25 modules) holds 27 bytes at level M; at module 6 it is 150 dots.
		if img := pages[0].Lines[len(pages[0].Lines)-1].Image; img.W != img.H || img.W%6 != 0 {
			t.Fatalf("QR bitmap %dx%d", img.W, img.H)
		}
		bcs := pages[0].Barcodes()
		if len(bcs) != 3 || string(bcs[2].Data) != "{BNo.{C\x0c\x22\x38" || bcs[0].Height != 80 || bcs[0].Module != 2 || bcs[0].HRI != 2 {
			t.Fatalf("barcodes %+v", bcs)
		}
	}
}

func TestOversizedImageSkipped(t *testing.T) {
	p, _ := LookupProfile("")
	d := NewDecoder(p, Limits{MaxImageBytes: 64})
	// GS v 0 with x = 16 bytes, y = 16 rows: 256 bytes > 64: skipped by its length; the
	// data (0x41 = "A") must not print as text.
	hdr := []byte{0x1D, 0x76, 0x30, 0x00, 0x10, 0x00, 0x10, 0x00}
	_, _ = d.Write(hdr)
	for i := 0; i < 256; i++ {
		_, _ = d.Write([]byte{'A'})
	}
	_, _ = d.Write([]byte("ok\n"))
	if got := RenderText(d.Current()); got != "ok\n" {
		t.Fatalf("got %q", got)
	}
	if len(d.Reports()) != 1 {
		t.Fatalf("reports %v", d.Reports())
	}
}

func TestLineWrapsAtPaperWidth(t *testing.T) {
	p, _ := LookupProfile("pos5890") // 384 dots = 32 font A columns
	d := NewDecoder(p, Limits{})
	_, _ = d.Write([]byte(strings.Repeat("x", 40) + "\n"))
	want := strings.Repeat("x", 32) + "\n" + strings.Repeat("x", 8) + "\n"
	if got := RenderText(d.Current()); got != want {
		t.Fatalf("got %q", got)
	}
}

func TestPageLengthBounded(t *testing.T) {
	p, _ := LookupProfile("")
	d := NewDecoder(p, Limits{MaxPageDots: 300, MaxPages: 2})
	for i := 0; i < 100; i++ {
		_, _ = d.Write([]byte("line\n"))
	}
	if n := len(d.Pages()); n != 2 {
		t.Fatalf("%d pages kept", n)
	}
	for _, pg := range d.Pages() {
		if pg.HeightDots() > 300 {
			t.Fatalf("page %d dots", pg.HeightDots())
		}
	}
}
