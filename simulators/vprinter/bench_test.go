package vprinter

import "testing"

func BenchmarkDecodeReceipt(b *testing.B) {
	stream := readHex(b, "testdata/receipt.hex")
	p, _ := LookupProfile("")
	b.SetBytes(int64(len(stream)))
	for b.Loop() {
		d := NewDecoder(p, Limits{})
		_, _ = d.Write(stream)
	}
}

func BenchmarkRenderReceiptPNG(b *testing.B) {
	stream := readHex(b, "testdata/receipt.hex")
	p, _ := LookupProfile("")
	d := NewDecoder(p, Limits{})
	_, _ = d.Write(stream)
	page := d.Pages()[0]
	for b.Loop() {
		_ = RenderImage(page)
	}
}
