package escpos

import (
	"testing"
)

const referenceReceipt = "../testdata/bench/reference-receipt.json"

// loadReference returns the reference receipt and, for the NV variant, a copy whose logo
// carries key "LG" plus a book saying the printer already stores that raster.
func loadReference(tb testing.TB) (p Profile, inline, nv *Document, book *LogoBook) {
	tb.Helper()
	p = mustProfile(tb, "epson-tm-t20")
	inline, err := LoadDocument(referenceReceipt)
	if err != nil {
		tb.Fatal(err)
	}
	cp := *inline
	cp.Blocks = append([]Block(nil), inline.Blocks...)
	cp.Blocks[0].Key = "LG"
	book = &LogoBook{}
	book.Set("LG", ToRaster(cp.Blocks[0].Image, RasterOptions{MaxWidth: p.Dots}).Hash())
	return p, inline, &cp, book
}

// Issue 3 budgets: inline ≤ 14,134 bytes, logo in NV memory ≤ 1,600 bytes.
func TestReferenceReceiptBudget(t *testing.T) {
	p, inline, nv, book := loadReference(t)
	out, _, err := NewEncoder(p).Encode(inline)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) > 14134 {
		t.Errorf("inline receipt is %d bytes, budget 14134", len(out))
	}
	out, rep, err := NewEncoder(p, EncoderConfig{Logos: book}).Encode(nv)
	if err != nil {
		t.Fatal(err)
	}
	if rep.NVLogos != 1 || rep.Images != 0 {
		t.Fatalf("nv logo not used: %+v", rep)
	}
	if len(out) > 1600 {
		t.Errorf("nv-logo receipt is %d bytes, budget 1600", len(out))
	}
}

func BenchmarkEncodeReference(b *testing.B) {
	p, inline, nv, book := loadReference(b)
	for _, c := range []struct {
		name string
		doc  *Document
		cfg  EncoderConfig
	}{
		{"inline-logo", inline, EncoderConfig{}},
		{"nv-logo", nv, EncoderConfig{Logos: book}},
	} {
		b.Run(c.name, func(b *testing.B) {
			enc := NewEncoder(p, c.cfg)
			var n int
			b.ReportAllocs()
			for b.Loop() {
				out, _, err := enc.Encode(c.doc)
				if err != nil {
					b.Fatal(err)
				}
				n = len(out)
			}
			b.ReportMetric(float64(n), "bytes/receipt")
			b.ReportMetric(float64(n)*10/9600, "s@9600baud")
		})
	}
}

func BenchmarkLogoRaster(b *testing.B) {
	_, inline, _, _ := loadReference(b)
	img := inline.Blocks[0].Image
	for _, d := range []Dither{DitherFloydSteinberg, DitherThreshold} {
		b.Run(d.String(), func(b *testing.B) {
			b.ReportAllocs()
			var r *Raster
			for b.Loop() {
				r = ToRaster(img, RasterOptions{MaxWidth: 576, Dither: d})
			}
			b.ReportMetric(float64(len(AppendRaster(nil, r, 256))), "bytes/logo")
		})
	}
}
