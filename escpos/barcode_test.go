package escpos

import (
	"bytes"
	"errors"
	"testing"
)

func TestEAN13(t *testing.T) {
	// 4820024700016: odd positions 4+2+0+4+0+0 = 10, even 8+0+2+7+0+1 = 18 ×3 = 54,
	// total 64, check digit (10-4)%10 = 6.
	if d, err := EAN13("482002470001"); err != nil || d != "4820024700016" {
		t.Fatalf("EAN13(12 digits) = %q, %v", d, err)
	}
	if _, err := EAN13("4820024700016"); err != nil {
		t.Fatalf("valid 13 digits rejected: %v", err)
	}
	for _, bad := range []string{"4820024700017", "48200247000", "48200247000a6", ""} {
		if _, err := EAN13(bad); !errors.Is(err, ErrBarcode) {
			t.Errorf("EAN13(%q) error = %v, want ErrBarcode", bad, err)
		}
	}
	// §1.4 GS k function B m=67 n=13.
	got := must(AppendEAN13(nil, "4820024700016"))
	want := append([]byte{0x1D, 0x6B, 0x43, 0x0D}, "4820024700016"...)
	if !bytes.Equal(got, want) {
		t.Errorf("got % X want % X", got, want)
	}
	// §1.4 function A m=2, NUL-terminated.
	got = must(AppendEAN13A(nil, "482002470001"))
	want = append(append([]byte{0x1D, 0x6B, 0x02}, "4820024700016"...), 0)
	if !bytes.Equal(got, want) {
		t.Errorf("function A: got % X want % X", got, want)
	}
}

func TestCode128(t *testing.T) {
	cases := []struct {
		in   string
		want []byte
	}{
		// escpos.md §1.4 example "No.123456": 1D 6B 49 0A 7B 42 4E 6F 2E 7B 43 0C 22 38.
		{"No.123456", []byte{0x1D, 0x6B, 0x49, 0x0A, 0x7B, 0x42, 0x4E, 0x6F, 0x2E, 0x7B, 0x43, 0x0C, 0x22, 0x38}},
		// All digits, even count: one {C then pairs 12 34.
		{"1234", []byte{0x1D, 0x6B, 0x49, 0x04, 0x7B, 0x43, 0x0C, 0x22}},
		// "{" is escaped as "{{" in set B.
		{"a{b", []byte{0x1D, 0x6B, 0x49, 0x06, 0x7B, 0x42, 0x61, 0x7B, 0x7B, 0x62}},
		// All in B would be 2+15 = 17 bytes; switching to C and back for "2026" costs more than
		// it saves, but the final "000042" is {C 00 00 42 = 5 bytes vs 6 in B. So
		// {B CHK-2026- {C 00 00 42 = 2+9+2+3 = 16 = 0x10.
		{"CHK-2026-000042", []byte{0x1D, 0x6B, 0x49, 0x10, 0x7B, 0x42, 'C', 'H', 'K', '-', '2', '0', '2', '6', '-', 0x7B, 0x43, 0x00, 0x00, 0x2A}},
		// Control characters need set A: {A then 0x09.
		{"\t", []byte{0x1D, 0x6B, 0x49, 0x03, 0x7B, 0x41, 0x09}},
	}
	for _, c := range cases {
		got, err := AppendCode128(nil, c.in)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if !bytes.Equal(got, c.want) {
			t.Errorf("%q: got % X, want % X", c.in, got, c.want)
		}
	}
	if _, err := Code128Data("Ціна"); !errors.Is(err, ErrBarcode) {
		t.Errorf("non-ascii: %v", err)
	}
	if _, err := Code128Data(""); !errors.Is(err, ErrBarcode) {
		t.Errorf("empty: %v", err)
	}
}

func TestQRStore(t *testing.T) {
	// §1.5 fn 180: pL pH = k+3; "ABC" → 06 00. UTF-8 length for non-ASCII: "Ї" is 2 bytes → 05 00.
	got := must(AppendQRStore(nil, []byte("ABC")))
	want := []byte{0x1D, 0x28, 0x6B, 0x06, 0x00, 0x31, 0x50, 0x30, 'A', 'B', 'C'}
	if !bytes.Equal(got, want) {
		t.Errorf("got % X want % X", got, want)
	}
	got = must(AppendQRStore(nil, []byte("Ї")))
	want = []byte{0x1D, 0x28, 0x6B, 0x05, 0x00, 0x31, 0x50, 0x30, 0xD0, 0x87}
	if !bytes.Equal(got, want) {
		t.Errorf("utf-8: got % X want % X", got, want)
	}
	// 300 bytes → 303 = 0x012F → pL 2F pH 01.
	got = must(AppendQRStore(nil, bytes.Repeat([]byte{'x'}, 300)))
	if got[3] != 0x2F || got[4] != 0x01 {
		t.Errorf("long: pL pH = %02X %02X", got[3], got[4])
	}
	if _, err := AppendQRStore(nil, make([]byte, MaxQRData+1)); !errors.Is(err, ErrTooLarge) {
		t.Errorf("oversize: %v", err)
	}
	if l, err := ParseQRLevel("Q"); err != nil || l != QRLevelQ {
		t.Errorf("ParseQRLevel Q = %v %v", l, err)
	}
	if _, err := ParseQRLevel("X"); err == nil {
		t.Error("ParseQRLevel X accepted")
	}
}

func TestRenderedBarcodes(t *testing.T) {
	r, err := RenderQR("https://example.com", 4, QRLevelM, 384)
	if err != nil {
		t.Fatal(err)
	}
	if r.Width > 384 || r.Width != r.Height || r.Width%4 != 0 {
		t.Errorf("qr raster %dx%d", r.Width, r.Height)
	}
	// Finder pattern: the top-left module inside the 4-module quiet zone is black.
	if !r.Black(16, 16) || r.Black(0, 0) {
		t.Error("qr finder pattern not where expected")
	}
	e, err := RenderEAN13("4820024700016", 2, 60)
	if err != nil {
		t.Fatal(err)
	}
	// 95 modules + 2×9 quiet, ×2 dots.
	if e.Width != (95+18)*2 || e.Height != 60 {
		t.Errorf("ean raster %dx%d", e.Width, e.Height)
	}
	// The start guard "101" begins right after the quiet zone.
	if !e.Black(18, 0) || e.Black(17, 0) || e.Black(20, 30) || !e.Black(22, 59) {
		t.Error("ean start guard not where expected")
	}
	if _, err := RenderCode128("ABC-123", 2, 50); err != nil {
		t.Fatal(err)
	}
}
