package gobench

import (
	"testing"

	"github.com/uapos/uapos/escpos"
)

// referenceReceipt is the bench fixture every ESC/POS comparison uses (testdata/bench/README.md).
const referenceReceipt = "../../testdata/bench/reference-receipt.json"

// BenchmarkLogoRasterEncode dithers the reference logo (Floyd–Steinberg, 576 dots) and
// encodes it as GS v 0 bands for an Epson TM-T20: the work the peer JavaScript encoder does
// per logo in image() + encode() (bench/js/encode.mjs), where escpos's own BenchmarkLogoRaster
// times the dithering alone.
func BenchmarkLogoRasterEncode(b *testing.B) {
	doc, err := escpos.LoadDocument(referenceReceipt)
	if err != nil {
		b.Fatal(err)
	}
	p, err := escpos.LoadProfile("epson-tm-t20")
	if err != nil {
		b.Fatal(err)
	}
	img := doc.Blocks[0].Image
	if img == nil {
		b.Fatal("reference receipt: first block has no image")
	}
	var n int
	b.ReportAllocs()
	for b.Loop() {
		r := escpos.ToRaster(img, escpos.RasterOptions{MaxWidth: p.Dots})
		n = len(escpos.AppendRaster(nil, r, p.BandRows))
	}
	b.ReportMetric(float64(n), "bytes/logo")
}
