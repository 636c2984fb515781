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

func BenchmarkDecodeText(b *testing.B) {
	line := append([]byte("\x1bE\x01"), []byte("Хліб Український житній 26,50\x1bE\x00\n")...)
	stream := []byte("\x1b@\x1bt\x2e")
	for len(stream) < 64<<10 {
		stream = append(stream, line...)
	}
	p, _ := LookupProfile("")
	b.SetBytes(int64(len(stream)))
	for b.Loop() {
		d := NewDecoder(p, Limits{})
		_, _ = d.Write(stream)
	}
}
