package vprinter

// Bitmap is a 1-bit image, rows packed MSB first (the GS v 0 layout, escpos.md §1.3):
// bit set = black dot.
type Bitmap struct {
	W, H   int
	Stride int // bytes per row, (W+7)/8
	Bits   []byte
}

func newBitmap(w, h int) *Bitmap {
	s := (w + 7) / 8
	return &Bitmap{W: w, H: h, Stride: s, Bits: make([]byte, s*h)}
}

// Black reports whether the dot at (x, y) is black; outside the bitmap it is white.
func (b *Bitmap) Black(x, y int) bool {
	if b == nil || x < 0 || y < 0 || x >= b.W || y >= b.H {
		return false
	}
	return b.Bits[y*b.Stride+x/8]&(0x80>>(x%8)) != 0
}

func (b *Bitmap) set(x, y int) {
	if x < 0 || y < 0 || x >= b.W || y >= b.H {
		return
	}
	b.Bits[y*b.Stride+x/8] |= 0x80 >> (x % 8)
}

// rowBitmap builds a bitmap from row-major packed data of stride bytes per row.
func rowBitmap(w, h, stride int, data []byte) *Bitmap {
	b := newBitmap(w, h)
	for y := 0; y < h; y++ {
		copy(b.Bits[y*b.Stride:(y+1)*b.Stride], data[y*stride:y*stride+b.Stride])
		if r := w % 8; r != 0 { // clear padding bits past the width
			b.Bits[(y+1)*b.Stride-1] &= byte(0xFF << (8 - r))
		}
	}
	return b
}

// scaled returns b enlarged sx times horizontally and sy times vertically.
func (b *Bitmap) scaled(sx, sy int) *Bitmap {
	if sx <= 1 && sy <= 1 {
		return b
	}
	sx, sy = max(sx, 1), max(sy, 1)
	o := newBitmap(b.W*sx, b.H*sy)
	for y := 0; y < b.H; y++ {
		for x := 0; x < b.W; x++ {
			if !b.Black(x, y) {
				continue
			}
			for dy := 0; dy < sy; dy++ {
				for dx := 0; dx < sx; dx++ {
					o.set(x*sx+dx, y*sy+dy)
				}
			}
		}
	}
	return o
}

// clipped returns b cut to at most w dots wide.
func (b *Bitmap) clipped(w int) *Bitmap {
	if b.W <= w {
		return b
	}
	return rowBitmap(w, b.H, b.Stride, b.Bits)
}
