package escpos

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	_ "image/jpeg" // JPEG decoding for DecodeImage
	_ "image/png"  // PNG decoding for DecodeImage
	"io"

	_ "golang.org/x/image/bmp" // BMP decoding for DecodeImage
	"golang.org/x/image/draw"
)

// Dither selects how grey levels become black and white dots.
type Dither int

// Dither modes.
const (
	DitherFloydSteinberg Dither = iota // error diffusion (default): gradients stay visible
	DitherThreshold                    // hard threshold: crisp text and line art
)

// String returns "floyd-steinberg" or "threshold".
func (d Dither) String() string {
	switch d {
	case DitherFloydSteinberg:
		return "floyd-steinberg"
	case DitherThreshold:
		return "threshold"
	}
	return "dither(" + itoa(int(d)) + ")"
}

// Raster is a 1-bit image in the ESC/POS raster layout (escpos.md §1.3 GS v 0): rows top to
// bottom, Stride bytes per row, MSB = leftmost dot, 1 = black.
type Raster struct {
	Width, Height int // in dots
	Stride        int // bytes per row, (Width+7)/8
	Bits          []byte
}

// NewRasterBits returns an all-white raster of w×h dots.
func NewRasterBits(w, h int) *Raster {
	s := (w + 7) / 8
	return &Raster{Width: w, Height: h, Stride: s, Bits: make([]byte, s*h)}
}

// Set blackens dot (x, y).
func (r *Raster) Set(x, y int) { r.Bits[y*r.Stride+x>>3] |= 0x80 >> (x & 7) }

// Black reports whether dot (x, y) is black.
func (r *Raster) Black(x, y int) bool { return r.Bits[y*r.Stride+x>>3]&(0x80>>(x&7)) != 0 }

// Hash is a content hash of the raster (dimensions and dots): the key of NV-logo bookkeeping.
func (r *Raster) Hash() string {
	h := sha256.New()
	fmt.Fprintf(h, "%dx%d:", r.Width, r.Height)
	h.Write(r.Bits)
	return hex.EncodeToString(h.Sum(nil))
}

// DecodeImage decodes a BMP, PNG or JPEG image.
func DecodeImage(rd io.Reader) (image.Image, error) {
	img, _, err := image.Decode(rd)
	if err != nil {
		return nil, fmt.Errorf("escpos: decode image: %w", err)
	}
	return img, nil
}

// RasterOptions control [ToRaster].
type RasterOptions struct {
	// Width is the target width in dots. 0 keeps the image width, but never wider than
	// MaxWidth. Images are scaled keeping the aspect ratio.
	Width int
	// MaxWidth is the paper width in dots (0 = no limit).
	MaxWidth int
	// Dither selects the conversion to 1 bit (default Floyd–Steinberg).
	Dither Dither
	// Threshold is the grey level (0-255) below which a dot is black (0 = 128).
	Threshold uint8
}

// ToRaster scales img and converts it to 1 bit.
func ToRaster(img image.Image, o RasterOptions) *Raster {
	b := img.Bounds()
	w := b.Dx()
	if o.Width > 0 {
		w = o.Width
	}
	if o.MaxWidth > 0 && w > o.MaxWidth {
		w = o.MaxWidth
	}
	if w <= 0 || b.Dy() <= 0 {
		return NewRasterBits(0, 0)
	}
	if w != b.Dx() {
		h := b.Dy() * w / b.Dx()
		if h < 1 {
			h = 1
		}
		dst := image.NewGray(image.Rect(0, 0, w, h))
		draw.ApproxBiLinear.Scale(dst, dst.Bounds(), img, b, draw.Src, nil)
		img, b = dst, dst.Bounds()
	}
	g := toGray(img)
	th := int(o.Threshold)
	if th == 0 {
		th = 128
	}
	if o.Dither == DitherThreshold {
		return threshold(g, b.Dx(), b.Dy(), th)
	}
	return floydSteinberg(g, b.Dx(), b.Dy(), th)
}

// toGray returns the luminance of img as w×h bytes (not to be modified), with transparent
// pixels as white.
func toGray(img image.Image) []byte {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if m, ok := img.(*image.Gray); ok && m.Stride == w && len(m.Pix) >= w*h {
		return m.Pix[m.PixOffset(b.Min.X, b.Min.Y):][:w*h] // read only: no copy needed
	}
	out := make([]byte, w*h)
	switch m := img.(type) {
	case *image.Gray:
		for y := 0; y < h; y++ {
			copy(out[y*w:(y+1)*w], m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):])
		}
	case *image.NRGBA:
		for y := 0; y < h; y++ {
			row := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):]
			for x := 0; x < w; x++ {
				p := row[x*4 : x*4+4]
				l := (299*int(p[0]) + 587*int(p[1]) + 114*int(p[2])) / 1000
				a := int(p[3])
				out[y*w+x] = byte((l*a + 255*(255-a)) / 255)
			}
		}
	default:
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				r, g, bb, a := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
				l := (299*r + 587*g + 114*bb) / 1000 // premultiplied, 0..0xffff
				l += 0xffff - a                      // transparent → white
				if l > 0xffff {
					l = 0xffff
				}
				out[y*w+x] = byte(l >> 8)
			}
		}
	}
	return out
}

func threshold(g []byte, w, h, th int) *Raster {
	r := NewRasterBits(w, h)
	for y := 0; y < h; y++ {
		row := g[y*w : (y+1)*w]
		for x, v := range row {
			if int(v) < th {
				r.Bits[y*r.Stride+x>>3] |= 0x80 >> (x & 7)
			}
		}
	}
	return r
}

func floydSteinberg(g []byte, w, h, th int) *Raster {
	r := NewRasterBits(w, h)
	// Accumulated error in 1/16ths for the current and the next row, offset by one cell so
	// that x-1 and x+1 stay in range. The error for the pixel to the right is carried in a
	// register; next[x+2] is assigned (not added) because this pixel is the first to touch it.
	cur := make([]int32, w+2)
	next := make([]int32, w+2)
	t := int32(th)
	for y := 0; y < h; y++ {
		row := g[y*w : (y+1)*w]
		out := r.Bits[y*r.Stride : (y+1)*r.Stride]
		next[0], next[1] = 0, 0
		var carry int32
		var acc byte
		for x, px := range row {
			v := int32(px) + (cur[x+1]+carry)>>4
			black := (v - t) >> 31 // -1 when v < t (a black dot), else 0; branch-free
			e := v - 255&^black
			acc = acc<<1 | byte(black&1)
			carry = e * 7
			n := next[x : x+3 : x+3]
			n[0] += e * 3
			n[1] += e * 5
			n[2] = e
			if x&7 == 7 {
				out[x>>3] = acc
				acc = 0
			}
		}
		if w&7 != 0 {
			out[w>>3] = acc << (8 - uint(w&7))
		}
		cur, next = next, cur
	}
	return r
}

// AppendRaster appends r as GS v 0 bands (1D 76 30 m xL xH yL yH d…, x in bytes, y in dots;
// escpos.md §1.3) of at most bandRows rows each (0 = 256), so a printer buffer never
// overflows. m = 0 (normal size).
func AppendRaster(dst []byte, r *Raster, bandRows int) []byte {
	if bandRows <= 0 {
		bandRows = 256
	}
	for y := 0; y < r.Height; y += bandRows {
		n := min(bandRows, r.Height-y)
		dst = append(dst, GS, 'v', '0', 0, byte(r.Stride), byte(r.Stride>>8), byte(n), byte(n>>8))
		dst = append(dst, r.Bits[y*r.Stride:(y+n)*r.Stride]...)
	}
	return dst
}

// AppendColumnImage appends r as ESC * m=33 (24-dot double density) stripes: for every 24 rows
// 1B 2A 21 nL nH followed by width×3 bytes (column-major, MSB = top) and LF, with ESC 3 24
// line spacing set before and ESC 2 restored after (escpos.md §1.3).
func AppendColumnImage(dst []byte, r *Raster) []byte {
	dst = AppendLineSpacing(dst, 24)
	for y0 := 0; y0 < r.Height; y0 += 24 {
		dst = append(dst, ESC, '*', 33, byte(r.Width), byte(r.Width>>8))
		for x := 0; x < r.Width; x++ {
			for k := 0; k < 3; k++ {
				var b byte
				for bit := 0; bit < 8; bit++ {
					y := y0 + k*8 + bit
					if y < r.Height && r.Black(x, y) {
						b |= 0x80 >> bit
					}
				}
				dst = append(dst, b)
			}
		}
		dst = append(dst, LF)
	}
	return AppendDefaultLineSpacing(dst)
}

// AppendNVDefine appends GS ( L fn 67, define NV graphics under key (kc1, kc2):
// 1D 28 4C pL pH 30 43 30 kc1 kc2 b xL xH yL yH 31 d… with x, y in dots and raster data
// (escpos.md §1.3). b (number of colours) is 1. Keys are printable ASCII 32-126. Flash wears
// out: send this only from an explicit store call (see [Printer.StoreLogo]).
func AppendNVDefine(dst []byte, kc1, kc2 byte, r *Raster) ([]byte, error) {
	if err := checkKey(kc1, kc2); err != nil {
		return dst, err
	}
	p := 11 + len(r.Bits)
	if p > 0xFFFF {
		return dst, fmt.Errorf("%w: nv graphics of %d bytes exceed the GS ( L limit", ErrTooLarge, len(r.Bits))
	}
	dst = append(dst, GS, '(', 'L', byte(p), byte(p>>8), 0x30, 0x43, 0x30, kc1, kc2, 1,
		byte(r.Width), byte(r.Width>>8), byte(r.Height), byte(r.Height>>8), 0x31)
	return append(dst, r.Bits...), nil
}

// AppendNVPrint appends GS ( L fn 69, print NV graphics by key at scale x, y (1 or 2):
// 1D 28 4C 06 00 30 45 kc1 kc2 x y (escpos.md §1.3).
func AppendNVPrint(dst []byte, kc1, kc2 byte, x, y int) ([]byte, error) {
	if err := checkKey(kc1, kc2); err != nil {
		return dst, err
	}
	return append(dst, GS, '(', 'L', 6, 0, 0x30, 0x45, kc1, kc2, byte(clamp(x, 1, 2)), byte(clamp(y, 1, 2))), nil
}

// AppendLegacyNVPrint appends FS p n m (1C 70 n m), print legacy NV bit image n (escpos.md
// §1.3). The matching define command FS q is not implemented: escpos.md does not give its
// data layout.
func AppendLegacyNVPrint(dst []byte, n, m byte) []byte { return append(dst, FS, 'p', n, m) }

// AppendGraphics appends GS ( L fn 112 (store graphics in the print buffer):
// 1D 28 4C pL pH 30 70 30 01 01 31 xL xH yL yH d… (bx = by = 1), escpos.md §1.3.
func AppendGraphics(dst []byte, r *Raster) ([]byte, error) {
	p := 10 + len(r.Bits)
	if p > 0xFFFF {
		return dst, fmt.Errorf("%w: graphics of %d bytes exceed the GS ( L limit", ErrTooLarge, len(r.Bits))
	}
	dst = append(dst, GS, '(', 'L', byte(p), byte(p>>8), 0x30, 0x70, 0x30, 1, 1, 0x31,
		byte(r.Width), byte(r.Width>>8), byte(r.Height), byte(r.Height>>8))
	return append(dst, r.Bits...), nil
}

// AppendGraphicsPrint appends GS ( L fn 50, print the buffered graphics: 1D 28 4C 02 00 30 32.
func AppendGraphicsPrint(dst []byte) []byte { return append(dst, GS, '(', 'L', 2, 0, 0x30, 0x32) }

// ParseKey checks a two-character NV key ("LG") and returns its bytes.
func ParseKey(key string) (byte, byte, error) {
	if len(key) != 2 {
		return 0, 0, fmt.Errorf("escpos: nv key %q must be two printable ascii characters", key)
	}
	return key[0], key[1], checkKey(key[0], key[1])
}

func checkKey(a, b byte) error {
	if a < 32 || a > 126 || b < 32 || b > 126 {
		return fmt.Errorf("escpos: nv key bytes %02X %02X outside 32-126", a, b)
	}
	return nil
}
