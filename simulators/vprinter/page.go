package vprinter

import (
	"fmt"
	"strings"
)

// Align is the justification set with ESC a n.
type Align uint8

// Alignments (ESC a 0/1/2, escpos.md §1.1).
const (
	AlignLeft Align = iota
	AlignCenter
	AlignRight
)

// String returns "left", "center" or "right".
func (a Align) String() string {
	switch a {
	case AlignCenter:
		return "center"
	case AlignRight:
		return "right"
	}
	return "left"
}

// Style is the character style in effect for a run of text.
type Style struct {
	Bold      bool  // ESC E, ESC ! bit3
	Underline uint8 // 0 off, 1 or 2 dots (ESC -, ESC ! bit7)
	Reverse   bool  // GS B
	FontB     bool  // ESC M 1, ESC ! bit0
	Width     uint8 // 1..8 (GS !, ESC ! bit5)
	Height    uint8 // 1..8 (GS !, ESC ! bit4)
}

func (s Style) w() int { return max(int(s.Width), 1) }
func (s Style) h() int { return max(int(s.Height), 1) }

// cellW and cellH are the character cell in dots: font A 12x24, font B 9x17
// (escpos.md §1.1 ESC M).
func (s Style) cellW() int {
	if s.FontB {
		return 9 * s.w()
	}
	return 12 * s.w()
}

// runeW is the width of r in dots: ideographs (GBK in Kanji mode) take two cells.
func (s Style) runeW(r rune) int {
	if r >= 0x2E80 {
		return 2 * s.cellW()
	}
	return s.cellW()
}

// textW is the width of text in dots.
func (s Style) textW(text string) int {
	w := 0
	for _, r := range text {
		w += s.runeW(r)
	}
	return w
}

func (s Style) cellH() int {
	if s.FontB {
		return 17 * s.h()
	}
	return 24 * s.h()
}

// tag returns the marker text of the style for the text renderer ("" for plain).
func (s Style) tag() string {
	var f []string
	if s.Bold {
		f = append(f, "b")
	}
	switch s.Underline {
	case 1:
		f = append(f, "u")
	case 2:
		f = append(f, "u2")
	}
	if s.Reverse {
		f = append(f, "r")
	}
	if s.FontB {
		f = append(f, "fb")
	}
	if s.w() != 1 || s.h() != 1 {
		f = append(f, fmt.Sprintf("%dx%d", s.w(), s.h()))
	}
	return strings.Join(f, " ")
}

// Segment is a piece of a text line: styled text, or an ESC * bit image placed in the line.
type Segment struct {
	Style Style
	Text  string
	Image *Bitmap // non-nil for an ESC * bit image
}

// LineKind says what a printed line holds.
type LineKind uint8

// Line kinds.
const (
	LineText     LineKind = iota // text and ESC * images, or an empty line fed by LF / ESC d
	LineFeed                     // paper fed by ESC J with nothing printed
	LineRaster                   // GS v 0 raster image
	LineGraphics                 // GS ( L / GS 8 L graphics printed with fn 50
	LineNV                       // NV graphics printed with GS ( L fn 69
	LineBarcode                  // GS k
	LineQR                       // GS ( k fn 181
)

var lineKindNames = [...]string{"text", "feed", "raster", "graphics", "nv", "barcode", "qr"}

// String returns a short name of the kind.
func (k LineKind) String() string {
	if int(k) < len(lineKindNames) {
		return lineKindNames[k]
	}
	return "unknown"
}

// Barcode is a GS k barcode as received.
type Barcode struct {
	M         byte   // the GS k m byte
	Symbology string // "EAN13", "CODE128", ...
	Data      []byte // payload bytes as sent
	// Text is the human-readable payload: Data itself, except for CODE128/GS1-128 where the
	// {A {B {C code-set selectors are resolved (set C bytes become digit pairs).
	Text     string
	Module   int // GS w, dots per module
	Height   int // GS h, dots
	HRI      byte
	HRIFontB bool
}

// QR is a GS ( k QR code as printed.
type QR struct {
	Data   []byte // payload bytes as stored with fn 180
	Model  byte   // fn 165 n1 (0x32 = model 2)
	Module int    // fn 167 module size in dots
	ECC    byte   // fn 169: 'L', 'M', 'Q' or 'H'
}

// Line is one printed line or graphic block of a page.
type Line struct {
	Kind   LineKind
	Align  Align
	Height int // dots the paper advanced for this line
	// Segments holds the content of a LineText line (empty for a blank line).
	Segments []Segment
	// Image is the printed bitmap of raster, graphics, NV, barcode and QR lines (nil when a
	// barcode could not be drawn).
	Image   *Bitmap
	NVKey   [2]byte // LineNV: kc1 kc2
	Barcode *Barcode
	QR      *QR
}

// Page is the paper between two cuts.
type Page struct {
	Dots  int    // paper width in dots
	Lines []Line // in print order
	// Cut is true when the page ended with a cut command (false for the pending page).
	Cut bool
	// Index numbers the pages a decoder printed, from 0.
	Index int
	// Commands are the commands decoded while the page was printed, in order (a cut is on
	// the page it cut); CommandsDropped counts those beyond the bound of 4096.
	Commands        []Command
	CommandsDropped int
}

// HeightDots returns the paper length of the page's lines in dots.
func (p *Page) HeightDots() int {
	h := 0
	for i := range p.Lines {
		h += p.Lines[i].Height
	}
	return h
}

// QRs returns the QR codes printed on the page, in order.
func (p *Page) QRs() []*QR {
	var out []*QR
	for i := range p.Lines {
		if p.Lines[i].QR != nil {
			out = append(out, p.Lines[i].QR)
		}
	}
	return out
}

// Barcodes returns the barcodes printed on the page, in order.
func (p *Page) Barcodes() []*Barcode {
	var out []*Barcode
	for i := range p.Lines {
		if p.Lines[i].Barcode != nil {
			out = append(out, p.Lines[i].Barcode)
		}
	}
	return out
}
