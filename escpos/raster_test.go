package escpos

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"testing"
)

// A 10×3 test pattern: row 0 all black, row 1 only the leftmost dot, row 2 only the rightmost.
func pattern() *Raster {
	r := NewRasterBits(10, 3)
	for x := 0; x < 10; x++ {
		r.Set(x, 0)
	}
	r.Set(0, 1)
	r.Set(9, 2)
	return r
}

// escpos.md §1.3 GS v 0: 1D 76 30 m xL xH yL yH, x = bytes per row (10 dots → 2), y = rows,
// MSB = leftmost dot, 1 = black.
func TestRasterGolden(t *testing.T) {
	got := AppendRaster(nil, pattern(), 0)
	want := []byte{0x1D, 0x76, 0x30, 0x00, 0x02, 0x00, 0x03, 0x00,
		0xFF, 0xC0, // row 0: 10 black dots
		0x80, 0x00, // row 1: dot 0
		0x00, 0x40, // row 2: dot 9
	}
	if !bytes.Equal(got, want) {
		t.Errorf("got % X\nwant % X", got, want)
	}
	// Bands of 2 rows: two GS v 0 commands of 2 and 1 rows.
	got = AppendRaster(nil, pattern(), 2)
	want = []byte{0x1D, 0x76, 0x30, 0x00, 0x02, 0x00, 0x02, 0x00, 0xFF, 0xC0, 0x80, 0x00,
		0x1D, 0x76, 0x30, 0x00, 0x02, 0x00, 0x01, 0x00, 0x00, 0x40}
	if !bytes.Equal(got, want) {
		t.Errorf("banded got % X\nwant % X", got, want)
	}
}

// escpos.md §1.3 ESC * m=33: 1B 2A 21 nL nH, width×3 bytes per 24-row stripe, column-major,
// MSB = top; ESC 3 24 before, LF per stripe, ESC 2 after.
func TestColumnImageGolden(t *testing.T) {
	r := NewRasterBits(2, 3)
	r.Set(0, 0) // column 0: top dot
	r.Set(1, 2) // column 1: third dot
	got := AppendColumnImage(nil, r)
	want := []byte{0x1B, 0x33, 0x18,
		0x1B, 0x2A, 0x21, 0x02, 0x00,
		0x80, 0x00, 0x00, // column 0
		0x20, 0x00, 0x00, // column 1
		0x0A,
		0x1B, 0x32}
	if !bytes.Equal(got, want) {
		t.Errorf("got % X\nwant % X", got, want)
	}
}

// escpos.md §1.3 NV graphics fn 67: 1D 28 4C pL pH 30 43 30 kc1 kc2 b xL xH yL yH 31 d…,
// x, y in dots; pL pH counts from 30 (11 bytes) plus data (6) = 17.
func TestNVDefineGolden(t *testing.T) {
	got := must(AppendNVDefine(nil, 'L', 'G', pattern()))
	want := []byte{0x1D, 0x28, 0x4C, 0x11, 0x00, 0x30, 0x43, 0x30, 0x4C, 0x47, 0x01,
		0x0A, 0x00, 0x03, 0x00, 0x31,
		0xFF, 0xC0, 0x80, 0x00, 0x00, 0x40}
	if !bytes.Equal(got, want) {
		t.Errorf("got % X\nwant % X", got, want)
	}
	if _, err := AppendNVDefine(nil, 0x1F, 'G', pattern()); err == nil {
		t.Error("key byte 0x1F accepted")
	}
	// GS ( L fn 112: 1D 28 4C pL pH 30 70 30 bx by c xL xH yL yH d…, pL pH = 10 + 6.
	got = must(AppendGraphics(nil, pattern()))
	want = []byte{0x1D, 0x28, 0x4C, 0x10, 0x00, 0x30, 0x70, 0x30, 0x01, 0x01, 0x31,
		0x0A, 0x00, 0x03, 0x00, 0xFF, 0xC0, 0x80, 0x00, 0x00, 0x40}
	if !bytes.Equal(got, want) {
		t.Errorf("fn 112 got % X\nwant % X", got, want)
	}
}

func TestToRaster(t *testing.T) {
	// Left half black, right half white, 16×2.
	g := image.NewGray(image.Rect(0, 0, 16, 2))
	for y := 0; y < 2; y++ {
		for x := 0; x < 16; x++ {
			if x >= 8 {
				g.SetGray(x, y, color.Gray{Y: 255})
			}
		}
	}
	for _, d := range []Dither{DitherThreshold, DitherFloydSteinberg} {
		r := ToRaster(g, RasterOptions{Dither: d})
		if r.Width != 16 || r.Height != 2 || !bytes.Equal(r.Bits, []byte{0xFF, 0x00, 0xFF, 0x00}) {
			t.Errorf("%s: %dx%d % X", d, r.Width, r.Height, r.Bits)
		}
	}
	// 50 % grey dithers to about half black dots; threshold 128 makes it all white (128 ≥ 128).
	grey := image.NewUniform(color.Gray{Y: 128})
	img := image.NewGray(image.Rect(0, 0, 64, 64))
	for i := range img.Pix {
		img.Pix[i] = grey.C.(color.Gray).Y
	}
	r := ToRaster(img, RasterOptions{})
	black := 0
	for y := 0; y < 64; y++ {
		for x := 0; x < 64; x++ {
			if r.Black(x, y) {
				black++
			}
		}
	}
	if black < 64*64*2/5 || black > 64*64*3/5 {
		t.Errorf("dithered 50%% grey has %d of %d black dots", black, 64*64)
	}
	if r := ToRaster(img, RasterOptions{Dither: DitherThreshold}); bytes.Count(r.Bits, []byte{0}) != len(r.Bits) {
		t.Error("threshold of 128 grey is not white")
	}
	// Scaling to the paper width keeps the aspect ratio.
	r = ToRaster(img, RasterOptions{MaxWidth: 32})
	if r.Width != 32 || r.Height != 32 {
		t.Errorf("scaled %dx%d", r.Width, r.Height)
	}
}

func TestDecodeBenchLogos(t *testing.T) {
	var hashes []string
	for _, name := range []string{"../testdata/bench/logo.png", "../testdata/bench/logo.bmp"} {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		img, err := DecodeImage(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		r := ToRaster(img, RasterOptions{MaxWidth: 576, Dither: DitherThreshold})
		if r.Width != 576 || r.Height != 160 {
			t.Fatalf("%s: %dx%d", name, r.Width, r.Height)
		}
		hashes = append(hashes, r.Hash())
	}
	// The README says the two files hold the same picture.
	if hashes[0] != hashes[1] {
		t.Error("png and bmp logos raster differently")
	}
	// JPEG too: a white 16×8 picture rasters to all-white dots.
	var jb bytes.Buffer
	white := image.NewGray(image.Rect(0, 0, 16, 8))
	for i := range white.Pix {
		white.Pix[i] = 255
	}
	if err := jpeg.Encode(&jb, white, nil); err != nil {
		t.Fatal(err)
	}
	img, err := DecodeImage(&jb)
	if err != nil {
		t.Fatal(err)
	}
	if r := ToRaster(img, RasterOptions{}); r.Width != 16 || bytes.Count(r.Bits, []byte{0}) != len(r.Bits) {
		t.Errorf("jpeg raster %dx%d % X", r.Width, r.Height, r.Bits)
	}
	if _, err := DecodeImage(bytes.NewReader([]byte("not an image"))); err == nil {
		t.Error("garbage decoded")
	}
}

// A profile with "image": "column" sends ESC * stripes instead of GS v 0.
func TestColumnProfile(t *testing.T) {
	p := mustProfile(t, "safe")
	p.Image = "column"
	img := image.NewGray(image.Rect(0, 0, 8, 8)) // all black
	got, _, err := NewEncoder(p).Encode(&Document{Blocks: []Block{{Type: BlockImage, Image: img}}})
	if err != nil {
		t.Fatal(err)
	}
	stripe := []byte{0x1B, 0x2A, 0x21, 0x08, 0x00}
	if !bytes.Contains(got, stripe) || bytes.Contains(got, []byte{0x1D, 0x76, 0x30}) {
		t.Errorf("got % X", got)
	}
}
