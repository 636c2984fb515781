package vprinter

import "testing"

// A QR followed by an EAN-13, written by hand from escpos.md: §1.5 (fn 165 model 2, fn 167
// module 6, fn 169 M, fn 180 store "UAPOS" with pL = 5+3, fn 181 print), §1.1 (ESC J 24),
// §1.4 (GS h 80, GS w 3, GS H 0, GS k 67 with 13 digits). The symbol is cells·module size
// dots high (§1.5 fn 182): 21 × 6 = 126 for version 1. The printed rows must not overlap,
// and the 24 fed dots must stay blank between the QR's last row and the bars.
func TestQRThenBarcodeRows(t *testing.T) {
	stream := parseHex(t, `
		1D 28 6B 04 00 31 41 32 00
		1D 28 6B 03 00 31 43 06
		1D 28 6B 03 00 31 45 31
		1D 28 6B 08 00 31 50 30 55 41 50 4F 53
		1D 28 6B 03 00 31 51 30
		1B 4A 18
		1D 68 50 1D 77 03 1D 48 00
		1D 6B 43 0D 34 38 32 30 30 32 34 37 30 30 30 31 36`)
	prof, err := LookupProfile("epson")
	if err != nil {
		t.Fatal(err)
	}
	pages, _ := Decode(prof, stream)
	if len(pages) != 1 {
		t.Fatalf("%d pages", len(pages))
	}
	p := pages[0]
	type row struct {
		kind LineKind
		h    int
	}
	want := []row{{LineQR, 126}, {LineFeed, 24}, {LineBarcode, 80}}
	if len(p.Lines) != len(want) {
		t.Fatalf("%d lines, want %d", len(p.Lines), len(want))
	}
	for i, w := range want {
		if l := p.Lines[i]; l.Kind != w.kind || l.Height != w.h || (l.Image != nil && l.Image.H > l.Height) {
			t.Errorf("line %d: %v height %d, want %v %d", i, l.Kind, l.Height, w.kind, w.h)
		}
	}
	img := RenderImage(p)
	y0 := tearDots + marginDots
	inked := func(y int) bool {
		for x := 0; x < img.Bounds().Dx(); x++ {
			if img.RGBAAt(x, y) == inkColor {
				return true
			}
		}
		return false
	}
	if !inked(y0) || !inked(y0+125) {
		t.Error("QR first or last row blank")
	}
	for y := y0 + 126; y < y0+150; y++ {
		if inked(y) {
			t.Fatalf("row %d inked: the barcode prints into the quiet zone below the QR", y-y0)
		}
	}
	if !inked(y0+150) || !inked(y0+229) || inked(y0+230) {
		t.Error("barcode not at rows 150-229")
	}
}
