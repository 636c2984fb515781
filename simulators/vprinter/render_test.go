package vprinter

import (
	"bytes"
	"flag"
	"image/png"
	"os"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/receipt.png")

// TestReceiptPNG decodes the hand-written testdata/receipt.hex and renders it; with
// -update it writes testdata/receipt.png (the README picture).
func TestReceiptPNG(t *testing.T) {
	stream := readHex(t, "testdata/receipt.hex")
	s := New(Config{})
	a, b := pipePair()
	done := make(chan error, 1)
	go func() { done <- s.ServeConn(t.Context(), a) }()
	if _, err := b.Write(stream); err != nil {
		t.Fatal(err)
	}
	_ = b.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	rs := s.Receipts()
	if len(rs) != 1 {
		t.Fatalf("%d receipts", len(rs))
	}
	r := rs[0]
	for _, want := range []string{"<2x2 b>", "Хліб Український житній", "Ґрунт для розсади 5л", "Єгипетські фініки 200г",
		"Їжак іграшковий (подарунок)", "[qr M 5 https://cabinet.tax.gov.ua/", "[barcode EAN13 4820024700016]", "[raster 64x64]"} {
		if !strings.Contains(r.Text, want) && !strings.Contains(r.Text, strings.ReplaceAll(want, "2x2 b", "b 2x2")) {
			t.Errorf("text lacks %q:\n%s", want, r.Text)
		}
	}
	if !s.DrawerOpened() {
		t.Error("drawer not opened by ESC p")
	}
	pngBytes, err := r.PNG()
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(pngBytes))
	if err != nil {
		t.Fatal(err)
	}
	if img.Bounds().Dx() != 576 || img.Bounds().Dy() != r.Page.HeightDots()+2*marginDots+2*tearDots {
		t.Fatalf("PNG %v", img.Bounds())
	}
	if *update {
		if err := os.WriteFile("testdata/receipt.png", pngBytes, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile("testdata/receipt.txt", []byte(r.Text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
