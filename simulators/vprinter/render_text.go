package vprinter

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// RenderText renders a page as UTF-8 text, one text line per printed line.
//
// Markers (documented format, stable for tests):
//   - styled text is wrapped as <FLAGS>text</>, FLAGS being space-separated: b (emphasized),
//     u or u2 (underline 1 or 2 dots), r (reverse), fb (font B), WxH (size, e.g. 2x2);
//     a literal "<" in text is written "<<";
//   - centred and right-aligned lines are padded with spaces as on paper (font A columns);
//   - graphics lines are one marker each: [raster WxH], [graphics WxH], [nv "k1k2" WxH],
//     [bitimage WxH] (inline, ESC *), [barcode SYMBOLOGY text], [qr ECC MODULE payload];
//     control characters in payloads are written \xNN;
//   - blank lines fed by LF or ESC d are empty lines; ESC J feeds without print are omitted.
func RenderText(p *Page) string { return renderText(p, true) }

// RenderPlain is RenderText without style markers (padding and graphics markers are kept).
func RenderPlain(p *Page) string { return renderText(p, false) }

func renderText(p *Page, markers bool) string {
	var sb strings.Builder
	for i := range p.Lines {
		l := &p.Lines[i]
		switch l.Kind {
		case LineFeed:
			continue
		case LineText:
			writeTextLine(&sb, l, p.Dots, markers)
		case LineRaster:
			fmt.Fprintf(&sb, "[raster %dx%d]", l.Image.W, l.Image.H)
		case LineGraphics:
			fmt.Fprintf(&sb, "[graphics %dx%d]", l.Image.W, l.Image.H)
		case LineNV:
			fmt.Fprintf(&sb, "[nv %q %dx%d]", string(l.NVKey[:]), l.Image.W, l.Image.H)
		case LineBarcode:
			fmt.Fprintf(&sb, "[barcode %s %s]", l.Barcode.Symbology, sanitize(l.Barcode.Text))
		case LineQR:
			fmt.Fprintf(&sb, "[qr %c %d %s]", l.QR.ECC, l.QR.Module, sanitize(string(l.QR.Data)))
		}
		sb.WriteByte('\n')
	}
	return sb.String()
}

func writeTextLine(sb *strings.Builder, l *Line, dots int, markers bool) {
	width := 0
	for _, s := range l.Segments {
		if s.Image != nil {
			width += s.Image.W
		} else {
			width += s.Style.textW(s.Text)
		}
	}
	if len(l.Segments) == 0 {
		return
	}
	pad := 0
	switch l.Align {
	case AlignCenter:
		pad = (dots - width) / 2
	case AlignRight:
		pad = dots - width
	}
	if pad > 0 {
		sb.WriteString(strings.Repeat(" ", pad/12))
	}
	for _, s := range l.Segments {
		if s.Image != nil {
			fmt.Fprintf(sb, "[bitimage %dx%d]", s.Image.W, s.Image.H)
			continue
		}
		tag := s.Style.tag()
		if !markers {
			sb.WriteString(s.Text)
			continue
		}
		txt := strings.ReplaceAll(s.Text, "<", "<<")
		if tag == "" {
			sb.WriteString(txt)
			continue
		}
		sb.WriteString("<" + tag + ">" + txt + "</>")
	}
}

// sanitize writes control characters and invalid UTF-8 as \xNN.
func sanitize(s string) string {
	var sb strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && n <= 1) || unicode.IsControl(r) {
			fmt.Fprintf(&sb, `\x%02X`, s[i])
			i++
			continue
		}
		sb.WriteString(s[i : i+n])
		i += n
	}
	return sb.String()
}
