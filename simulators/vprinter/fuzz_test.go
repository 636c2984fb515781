package vprinter

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzDecoder feeds arbitrary bytes, whole and in chunks, to the decoder: it must never
// panic, must stay within its limits, and must decode the same whatever the chunking.
// Seeds: the hand-written golden streams plus testdata/fuzz/FuzzDecoder.
func FuzzDecoder(f *testing.F) {
	files, _ := filepath.Glob("testdata/golden/*.hex")
	for _, name := range files {
		f.Add(readHex(f, name))
	}
	if b, err := os.ReadFile("testdata/receipt.hex"); err == nil {
		f.Add(parseHex(f, string(b)))
	}
	lim := Limits{MaxImageBytes: 4096, MaxPageDots: 2048, MaxPages: 4, MaxReports: 32}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, name := range []string{"epson", "xprinter"} {
			p, _ := LookupProfile(name)
			whole := NewDecoder(p, lim)
			_, _ = whole.Write(data)
			chunked := NewDecoder(p, lim)
			step := 1
			if len(data) > 0 {
				step = int(data[0]%13) + 1
			}
			for i := 0; i < len(data); i += step {
				_, _ = chunked.Write(data[i:min(i+step, len(data))])
			}
			a, b := textOf(whole), textOf(chunked)
			if a != b {
				t.Fatalf("%s: chunking changed the result:\n%q\n%q", name, a, b)
			}
			if len(whole.Pages()) > lim.MaxPages || len(whole.Reports()) > lim.MaxReports {
				t.Fatalf("limits exceeded")
			}
			for _, pg := range append(whole.Pages(), whole.Current()) {
				if pg.HeightDots() > lim.MaxPageDots+24*8 {
					t.Fatalf("page of %d dots", pg.HeightDots())
				}
			}
			if name == "epson" {
				_ = RenderImage(whole.Current())
			}
		}
	})
}

func textOf(d *Decoder) string {
	return renderAll(append(d.Pages(), d.Current())) + reportLines(d.Reports())
}
