package vprinter

import (
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gomono"
	"golang.org/x/image/font/gofont/gomonobold"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// Rendering constants: the PNG is exactly the page's dot width; the paper has a margin above
// and below the printed lines and torn (zig-zag) edges at the top and bottom.
const (
	marginDots = 16
	tearDots   = 8
)

var (
	paperColor = color.RGBA{0xFB, 0xF9, 0xF3, 0xFF}
	inkColor   = color.RGBA{0x1E, 0x1E, 0x24, 0xFF}
)

// RenderImage draws a page as it would look on the paper roll: one dot = one pixel, width =
// the page's dot width, monospace Go Mono glyphs in 12x24 (font A) or 9x17 (font B) cells.
func RenderImage(p *Page) *image.RGBA {
	h := p.HeightDots() + 2*marginDots + 2*tearDots
	img := image.NewRGBA(image.Rect(0, 0, p.Dots, h))
	// Paper with torn (zig-zag) edges, transparent outside.
	draw.Draw(img, image.Rect(0, tearDots, p.Dots, h-tearDots), image.NewUniform(paperColor), image.Point{}, draw.Src)
	for x := 0; x < p.Dots; x++ {
		t := x % (2 * tearDots)
		if t > tearDots {
			t = 2*tearDots - t
		}
		for y := tearDots - t; y < tearDots; y++ {
			img.SetRGBA(x, y, paperColor)
			img.SetRGBA(x, h-1-y, paperColor)
		}
	}
	y := tearDots + marginDots
	for i := range p.Lines {
		drawLine(img, &p.Lines[i], p.Dots, y)
		y += p.Lines[i].Height
	}
	return img
}

// EncodePNG writes the page rendered by RenderImage as PNG.
func EncodePNG(w io.Writer, p *Page) error {
	return png.Encode(w, RenderImage(p))
}

func alignX(a Align, dots, width int) int {
	switch a {
	case AlignCenter:
		return max((dots-width)/2, 0)
	case AlignRight:
		return max(dots-width, 0)
	}
	return 0
}

func drawLine(img *image.RGBA, l *Line, dots, y int) {
	switch l.Kind {
	case LineFeed:
		return
	case LineText:
		width, content := 0, 0
		for _, s := range l.Segments {
			if s.Image != nil {
				width += s.Image.W
				content = max(content, s.Image.H)
			} else {
				width += s.Style.textW(s.Text)
				content = max(content, s.Style.cellH())
			}
		}
		x := alignX(l.Align, dots, width)
		for _, s := range l.Segments {
			if s.Image != nil {
				drawBitmap(img, s.Image, x, y+content-s.Image.H)
				x += s.Image.W
				continue
			}
			for _, r := range s.Text {
				st := s.Style
				if st.runeW(r) > st.cellW() {
					st.Width = uint8(2 * st.w())
				}
				drawGlyph(img, r, st, x, y+content-s.Style.cellH())
				x += s.Style.runeW(r)
			}
		}
	case LineBarcode:
		bc := l.Barcode
		hh := hriHeight(bc.HRIFontB)
		top := y
		w := 0
		if l.Image != nil {
			w = l.Image.W
		}
		x := alignX(l.Align, dots, w)
		if bc.HRI == 1 || bc.HRI == 3 {
			drawHRI(img, bc, x, w, top)
			top += hh
		}
		if l.Image != nil {
			drawBitmap(img, l.Image, x, top)
			top += l.Image.H
		} else {
			top += bc.Height
		}
		if bc.HRI == 2 || bc.HRI == 3 {
			drawHRI(img, bc, x, w, top)
		}
	default:
		if l.Image != nil {
			drawBitmap(img, l.Image, alignX(l.Align, dots, l.Image.W), y)
		}
	}
}

func drawHRI(img *image.RGBA, bc *Barcode, x, w, y int) {
	st := Style{FontB: bc.HRIFontB, Width: 1, Height: 1}
	tw := st.textW(bc.Text)
	x += (w - tw) / 2
	for _, r := range bc.Text {
		drawGlyph(img, r, st, x, y)
		x += st.cellW()
	}
}

func drawBitmap(img *image.RGBA, b *Bitmap, x0, y0 int) {
	r := img.Bounds()
	for y := 0; y < b.H; y++ {
		for x := 0; x < b.W; x++ {
			if b.Black(x, y) && image.Pt(x0+x, y0+y).In(r) {
				img.SetRGBA(x0+x, y0+y, inkColor)
			}
		}
	}
}

type glyphKey struct {
	r           rune
	fontB, bold bool
}

var glyphs struct {
	sync.Mutex
	faces map[[2]bool]font.Face
	cells map[glyphKey]*image.Alpha
}

func face(fontB, bold bool) font.Face {
	if glyphs.faces == nil {
		glyphs.faces = map[[2]bool]font.Face{}
		glyphs.cells = map[glyphKey]*image.Alpha{}
	}
	k := [2]bool{fontB, bold}
	if f := glyphs.faces[k]; f != nil {
		return f
	}
	ttf := gomono.TTF
	if bold {
		ttf = gomonobold.TTF
	}
	size := 20.0 // Go Mono advance is 0.6 em: 12 dots
	if fontB {
		size = 15 // 9 dots
	}
	f, err := opentype.Parse(ttf)
	if err != nil {
		return nil
	}
	fc, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		return nil
	}
	glyphs.faces[k] = fc
	return fc
}

// cell returns the unscaled glyph cell (12x24 or 9x17) as an alpha mask.
func cell(r rune, fontB, bold bool) *image.Alpha {
	glyphs.Lock()
	defer glyphs.Unlock()
	fc := face(fontB, bold)
	k := glyphKey{r, fontB, bold}
	if c := glyphs.cells[k]; c != nil {
		return c
	}
	st := Style{FontB: fontB, Width: 1, Height: 1}
	cw, ch := st.cellW(), st.cellH()
	c := image.NewAlpha(image.Rect(0, 0, cw, ch))
	if fc != nil {
		m := fc.Metrics()
		asc, desc := m.Ascent.Round(), m.Descent.Round()
		base := (ch-(asc+desc))/2 + asc
		adv, ok := fc.GlyphAdvance(r)
		if !ok {
			adv = fixed.I(cw)
		}
		dr := font.Drawer{Dst: c, Src: image.Opaque, Face: fc}
		dr.Dot = fixed.Point26_6{X: (fixed.I(cw) - adv) / 2, Y: fixed.I(base)}
		dr.DrawString(string(r))
	}
	if len(glyphs.cells) < 4096 {
		glyphs.cells[k] = c
	}
	return c
}

func blend(a uint8, fg, bg color.RGBA) color.RGBA {
	mix := func(f, b uint8) uint8 { return uint8((int(f)*int(a) + int(b)*(255-int(a))) / 255) }
	return color.RGBA{mix(fg.R, bg.R), mix(fg.G, bg.G), mix(fg.B, bg.B), 0xFF}
}

func drawGlyph(img *image.RGBA, r rune, s Style, x0, y0 int) {
	c := cell(r, s.FontB, s.Bold)
	w, h := s.w(), s.h()
	cw, ch := s.cellW(), s.cellH()
	fg, bg := inkColor, paperColor
	if s.Reverse {
		fg, bg = bg, fg
	}
	b := img.Bounds()
	for y := 0; y < ch; y++ {
		for x := 0; x < cw; x++ {
			p := image.Pt(x0+x, y0+y)
			if !p.In(b) {
				continue
			}
			a := c.AlphaAt(x/w, y/h).A
			if s.Underline > 0 && y >= ch-int(s.Underline) {
				a = 255
			}
			img.SetRGBA(p.X, p.Y, blend(a, fg, bg))
		}
	}
}
