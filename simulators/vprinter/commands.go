package vprinter

import (
	"fmt"
	"strings"
)

// This file parses the commands of protocols/escpos.md §1 (section numbers in comments).
// Every handler returns the bytes it consumed, 0 when more bytes are needed, or -total for
// an oversized command to be skipped by its declared length.

func le16(b []byte) int { return int(b[0]) | int(b[1])<<8 }

func (d *Decoder) esc(b []byte) int {
	if !need(b, 2) {
		return 0
	}
	c := b[1]
	// Commands with one parameter byte.
	switch c {
	case 'E', '-', '!', 'M', 'a', '3', 'd', 'J', 't', 'R', '+', 'A':
		if !need(b, 3) {
			return 0
		}
	}
	switch c {
	case '@': // §1.1: clears the print buffer, resets modes; NV graphics are kept
		d.reset()
		return 2
	case 'E': // §1.1 bold, LSB
		d.st.style.Bold = b[2]&1 == 1
	case '-': // §1.1 underline 0/48, 1/49, 2/50
		switch b[2] {
		case 0, '0':
			d.st.style.Underline = 0
		case 1, '1':
			d.st.style.Underline = 1
		case 2, '2':
			d.st.style.Underline = 2
		default:
			d.report("ESC -", fmt.Sprintf("n=%d not documented: ignored", b[2]))
		}
	case '!': // §1.1 print mode
		n := b[2]
		s := &d.st.style
		s.FontB = n&0x01 != 0
		s.Bold = n&0x08 != 0
		s.Height, s.Width = 1, 1
		if n&0x10 != 0 {
			s.Height = 2
		}
		if n&0x20 != 0 {
			s.Width = 2
		}
		s.Underline = 0
		if n&0x80 != 0 {
			s.Underline = 1
		}
	case 'M': // §1.1 font
		switch b[2] {
		case 0, '0':
			d.st.style.FontB = false
		case 1, '1':
			d.st.style.FontB = true
		default:
			d.report("ESC M", fmt.Sprintf("font %d not documented: ignored", b[2]))
		}
	case 'a': // §1.1 justification
		switch b[2] {
		case 0, '0':
			d.st.align = AlignLeft
		case 1, '1':
			d.st.align = AlignCenter
		case 2, '2':
			d.st.align = AlignRight
		default:
			d.report("ESC a", fmt.Sprintf("n=%d not documented: ignored", b[2]))
		}
	case '2': // §1.1 default line spacing
		d.st.spacing = defaultSpacing
		return 2
	case '3': // §1.1 line spacing n units (rendered as n dots)
		d.st.spacing = int(b[2])
	case 'd': // §1.1 print and feed n lines (taken as n times LF)
		d.printLine(int(b[2]))
	case 'J': // §1.1 print and feed n units
		n := int(b[2])
		if !d.line.empty() {
			h, align := max(n, d.contentHeight()), d.lineAlign()
			d.addLine(Line{Kind: LineText, Align: align, Height: h, Segments: d.line.take()})
		} else if n > 0 {
			d.addLine(Line{Kind: LineFeed, Align: d.st.align, Height: n})
		}
	case 't': // §1.2 code table
		d.st.page = b[2]
		d.st.charset = d.prof.Charset(b[2])
		if d.st.charset == CharsetUnknown {
			d.report("ESC t", fmt.Sprintf("page %d not in profile %s: bytes >= 0x80 print as U+FFFD", b[2], d.prof.Name))
		}
	case 'R': // §1.2 international set: only n=0 is honoured
		if b[2] != 0 {
			d.report("ESC R", fmt.Sprintf("international set %d not applied", b[2]))
		}
	case '+', 'A': // §1.1 (python-escpos line_spacing): other units, not applied
		d.report(name("ESC", c), "line spacing in 1/360 or 1/60 inch: ignored")
	case '*': // §1.3 column bit image
		return d.bitImage(b)
	case 'p': // §1.7 drawer kick ESC p m t1 t2
		if !need(b, 5) {
			return 0
		}
		pin := b[2]
		switch pin {
		case 0, '0':
			d.emit(Event{Kind: EventDrawerKick, N: 0})
		case 1, '1':
			d.emit(Event{Kind: EventDrawerKick, N: 1})
		default:
			d.report("ESC p", fmt.Sprintf("m=%d not documented: no pulse", pin))
		}
		return 5
	case '$': // ESC $ nL nH: absolute print position
		if !need(b, 4) {
			return 0
		}
		d.position(le16(b[2:4]))
		return 4
	case 'i', 'm': // §1.6 legacy cuts accepted by some clones
		d.flushForBlock(name("ESC", c))
		d.cut()
		return 2
	case 0x1D: // §1.2 Star ESC GS t n
		if !need(b, 4) {
			return 0
		}
		d.report("ESC GS t", "Star-mode code table: ignored")
		return 4
	default:
		d.report(name("ESC", c), "not in escpos.md: skipped 2 bytes")
		return 2
	}
	return 3
}

// position handles ESC $ nL nH (1B 24 nL nH): the next character prints (nL + nH×256)
// horizontal motion units from the start of the line. The command is not in escpos.md; its
// bytes are those of the HPRT TP80K manual cited by escpos.AppendPosition (unit 0.125 mm =
// 1 dot at 203 dpi), and a unit is rendered as one dot, as ESC 3 and ESC J units are here.
// The skipped dots become one blank segment of spaces in the current font (to the nearest
// cell, so the text renderers show the gap), while the line width used for wrapping is
// the exact position. A position before the current one (overprinting) or past the print
// area is reported and ignored [provisional: escpos.md does not say what a printer does].
func (d *Decoder) position(x int) {
	switch {
	case x >= d.prof.Dots:
		d.report("ESC $", fmt.Sprintf("position %d past the print area (%d dots): ignored", x, d.prof.Dots))
		return
	case x < d.line.width:
		d.report("ESC $", "position before the current one (overprint): ignored")
		return
	case x == d.line.width:
		return
	}
	d.startLine()
	gap := Style{FontB: d.st.style.FontB, Width: 1, Height: 1}
	cw := gap.cellW()
	if n := (x - d.line.width + cw/2) / cw; n > 0 {
		d.line.flushText()
		d.line.segs = append(d.line.segs, Segment{Style: gap, Text: strings.Repeat(" ", n)})
	}
	d.line.width = x
}

func (d *Decoder) gs(b []byte) int {
	if !need(b, 2) {
		return 0
	}
	c := b[1]
	switch c {
	case '!', 'B', 'h', 'w', 'H', 'f', 'a', 'r', 'I':
		if !need(b, 3) {
			return 0
		}
	}
	switch c {
	case '!': // §1.1 size ((w-1)<<4)|(h-1), 0-7 each
		w, h := b[2]>>4, b[2]&0x0F
		if w > 7 || h > 7 {
			d.report("GS !", fmt.Sprintf("size %02X out of range: clamped", b[2]))
		}
		d.st.style.Width, d.st.style.Height = min(w, 7)+1, min(h, 7)+1
	case 'B': // §1.1 reverse
		d.st.style.Reverse = b[2]&1 == 1
	case 'h': // §1.4 barcode height
		if b[2] == 0 {
			d.report("GS h", "height 0 not allowed: ignored")
		} else {
			d.st.bcHeight = int(b[2])
		}
	case 'w': // §1.4 module width 2-6
		if b[2] < 1 || b[2] > 6 {
			d.report("GS w", fmt.Sprintf("module %d outside 2-6: ignored", b[2]))
		} else {
			d.st.bcModule = int(b[2])
		}
	case 'H': // §1.4 HRI position
		if n := b[2] &^ 0x30; n <= 3 && (b[2] <= 3 || b[2] >= 0x30) {
			d.st.bcHRI = n
		} else {
			d.report("GS H", fmt.Sprintf("n=%d not documented: ignored", b[2]))
		}
	case 'f': // §1.4 HRI font
		d.st.bcHRIFontB = b[2]&1 == 1
	case 'a': // §1.8 ASB
		d.emit(Event{Kind: EventASB, N: b[2]})
	case 'r': // §1.8 GS r: reply bits are not in escpos.md, so it is not answered
		d.report("GS r", "reply bit layout not in escpos.md: not answered")
	case 'I': // §1.8 transmit printer ID
		d.emit(Event{Kind: EventTransmitID, N: b[2]})
	case 'v':
		return d.raster(b)
	case '(':
		return d.gsParen(b)
	case '8':
		return d.gs8L(b)
	case 'k':
		return d.barcode(b)
	case 'V':
		return d.cutCmd(b)
	default:
		d.report(name("GS", c), "not in escpos.md: skipped 2 bytes")
		return 2
	}
	return 3
}

func (d *Decoder) fs(b []byte) int {
	if !need(b, 2) {
		return 0
	}
	switch b[1] {
	case '.': // §1.2 cancel Kanji mode
		d.st.kanji = false
		return 2
	case 'p': // §1.3 legacy NV bit image print FS p n m
		if !need(b, 4) {
			return 0
		}
		d.report("FS p", "legacy NV bit images are not stored: nothing printed")
		return 4
	case '(': // FS ( A, FS ( C ...: length-prefixed like GS ( x [provisional]
		if !need(b, 5) {
			return 0
		}
		total := 5 + le16(b[3:5])
		if total > d.capacity() {
			d.report(name("FS (", b[2]), "over the size limit: skipped")
			return -total
		}
		if !need(b, total) {
			return 0
		}
		d.report(name("FS (", b[2]), "skipped by its length")
		return total
	case 'q': // §1.3 FS q: data length not in escpos.md
		d.report("FS q", "data length not documented: header skipped, data may print as text")
		return 2
	}
	d.report(name("FS", b[1]), "not in escpos.md: skipped 2 bytes")
	return 2
}

func (d *Decoder) dle(b []byte) int {
	if !need(b, 2) {
		return 0
	}
	switch b[1] {
	case 0x04: // §1.8 DLE EOT n (answered by the device when received)
		if !need(b, 3) {
			return 0
		}
		d.emit(Event{Kind: EventRealTime, N: b[2]})
		return 3
	case 0x14: // §1.7 DLE DC4 1 m t
		if !need(b, 3) {
			return 0
		}
		if b[2] != 1 {
			d.report("DLE DC4", fmt.Sprintf("fn %d not documented: skipped 3 bytes", b[2]))
			return 3
		}
		if !need(b, 5) {
			return 0
		}
		d.emit(Event{Kind: EventRealTime, N: 0x14})
		return 5
	}
	d.report(fmt.Sprintf("DLE %02X", b[1]), "not in escpos.md: skipped 2 bytes")
	return 2
}

// cutCmd handles GS V (§1.6).
func (d *Decoder) cutCmd(b []byte) int {
	if !need(b, 3) {
		return 0
	}
	n := 3
	switch b[2] {
	case 0, 1, '0', '1':
	case 65, 66, 97, 98, 103, 104:
		if !need(b, 4) {
			return 0
		}
		n = 4
	default:
		d.report("GS V", fmt.Sprintf("m=%d not documented: taken as a 3-byte cut", b[2]))
	}
	d.flushForBlock("GS V")
	d.cut()
	return n
}

// raster handles GS v 0 m xL xH yL yH d... (§1.3).
func (d *Decoder) raster(b []byte) int {
	if !need(b, 3) {
		return 0
	}
	if b[2] != '0' {
		d.report(fmt.Sprintf("GS v %02X", b[2]), "not in escpos.md: skipped 3 bytes")
		return 3
	}
	if !need(b, 8) {
		return 0
	}
	x, y := le16(b[4:6]), le16(b[6:8])
	k := x * y
	total := 8 + k
	if k > d.lim.MaxImageBytes {
		d.report("GS v 0", fmt.Sprintf("image of %d bytes over the %d limit: skipped", k, d.lim.MaxImageBytes))
		return -total
	}
	if !need(b, total) {
		return 0
	}
	if k == 0 {
		d.report("GS v 0", "empty image")
		return total
	}
	sx, sy := 1, 1
	switch b[3] {
	case 0, '0':
	case 1, '1':
		sx = 2
	case 2, '2':
		sy = 2
	case 3, '3':
		sx, sy = 2, 2
	default:
		d.report("GS v 0", fmt.Sprintf("m=%d not documented: normal size", b[3]))
	}
	if x*8*sx > d.prof.Dots {
		d.report("GS v 0", "image wider than the paper: clipped")
	}
	bmp := rowBitmap(x*8, y, x, b[8:total]).clipped((d.prof.Dots+sx-1)/sx).scaled(sx, sy)
	d.printImage("GS v 0", LineRaster, bmp)
	return total
}

func (d *Decoder) printImage(cmd string, kind LineKind, bmp *Bitmap) {
	d.flushForBlock(cmd)
	if bmp.W > d.prof.Dots {
		d.report(cmd, "image wider than the paper: clipped")
	}
	d.addLine(Line{Kind: kind, Align: d.st.align, Height: bmp.H, Image: bmp})
}

// bitImage handles ESC * m nL nH d... (§1.3), column-major, MSB on top.
func (d *Decoder) bitImage(b []byte) int {
	if !need(b, 5) {
		return 0
	}
	m := b[2]
	w := le16(b[3:5])
	rows := 0
	switch m {
	case 0, 1:
		rows = 1
	case 32, 33:
		rows = 3
	default:
		d.report("ESC *", fmt.Sprintf("m=%d not documented: header skipped", m))
		return 5
	}
	k := w * rows
	total := 5 + k
	if k > d.lim.MaxImageBytes {
		d.report("ESC *", "image over the size limit: skipped")
		return -total
	}
	if !need(b, total) {
		return 0
	}
	if w == 0 {
		return total
	}
	data := b[5:total]
	bmp := newBitmap(w, rows*8)
	for col := 0; col < w; col++ {
		for r := 0; r < rows; r++ {
			v := data[col*rows+r]
			for bit := 0; bit < 8; bit++ {
				if v&(0x80>>bit) != 0 {
					bmp.set(col, r*8+bit)
				}
			}
		}
	}
	d.startLine()
	room := d.prof.Dots - d.line.width
	if room <= 0 {
		d.report("ESC *", "image past the end of the line: ignored")
		return total
	}
	if w > room {
		d.report("ESC *", "image wider than the rest of the line: clipped")
		bmp = bmp.clipped(room)
	}
	d.line.width += bmp.W
	d.line.flushText()
	d.line.segs = append(d.line.segs, Segment{Image: bmp})
	return total
}

// gsParen handles GS ( x pL pH ... (§1.3 GS ( L, §1.5 GS ( k, §1.3 GS ( D; other x are
// skipped by the same length rule [provisional]).
func (d *Decoder) gsParen(b []byte) int {
	if !need(b, 5) {
		return 0
	}
	total := 5 + le16(b[3:5])
	fn := b[2]
	if total > d.capacity() {
		d.report(name("GS (", fn), "over the size limit: skipped")
		return -total
	}
	if !need(b, total) {
		return 0
	}
	payload := b[5:total]
	switch fn {
	case 'L':
		d.graphicsCmd("GS ( L", payload)
	case 'k':
		d.symbolCmd(payload)
	case 'D':
		d.report("GS ( D", "real-time command switch ignored: real-time commands stay enabled")
	default:
		d.report(name("GS (", fn), "not handled: skipped by its length")
	}
	return total
}

// gs8L handles GS 8 L p1 p2 p3 p4 ... (§1.3), a GS ( L with a 4-byte length.
func (d *Decoder) gs8L(b []byte) int {
	if !need(b, 3) {
		return 0
	}
	if b[2] != 'L' {
		d.report(name("GS 8", b[2]), "not in escpos.md: skipped 3 bytes")
		return 3
	}
	if !need(b, 7) {
		return 0
	}
	p := int64(b[3]) | int64(b[4])<<8 | int64(b[5])<<16 | int64(b[6])<<24
	total := 7 + p
	if total > int64(d.capacity()) {
		d.report("GS 8 L", "over the size limit: skipped")
		return -int(total)
	}
	if !need(b, int(total)) {
		return 0
	}
	d.graphicsCmd("GS 8 L", b[7:total])
	return int(total)
}

func (d *Decoder) graphicsCmd(cmd string, p []byte) {
	if len(p) < 2 {
		d.report(cmd, "too short")
		return
	}
	fn := p[1]
	switch fn {
	case 0x70: // fn 112: store graphics in the print buffer: 30 70 30 bx by 31 xL xH yL yH d
		if len(p) < 10 {
			d.report(cmd+" fn 112", "too short")
			return
		}
		bmp := d.planeBitmap(cmd+" fn 112", le16(p[6:8]), le16(p[8:10]), p[10:])
		if bmp == nil {
			return
		}
		sx, sy := d.scale(cmd, p[3]), d.scale(cmd, p[4])
		d.graphics = bmp.clipped((d.prof.Dots+sx-1)/sx).scaled(sx, sy)
	case 0x32, 0x02: // fn 50: print the stored graphics
		if d.graphics == nil {
			d.report(cmd+" fn 50", "no graphics stored: nothing printed")
			return
		}
		d.printImage(cmd+" fn 50", LineGraphics, d.graphics)
		d.graphics = nil // [provisional] one store, one print
	case 0x43: // fn 67: define NV graphics: 30 43 30 kc1 kc2 b xL xH yL yH 31 d
		if len(p) < 11 {
			d.report(cmd+" fn 67", "too short")
			return
		}
		bmp := d.planeBitmap(cmd+" fn 67", le16(p[6:8]), le16(p[8:10]), p[11:])
		if bmp == nil {
			return
		}
		key := [2]byte{p[3], p[4]}
		size := len(bmp.Bits)
		if old := d.nv[key]; old != nil {
			d.nvBytes -= len(old.Bits)
		}
		if len(d.nv) >= 64 || d.nvBytes+size > 4*d.lim.MaxImageBytes {
			d.report(cmd+" fn 67", "NV memory full: not stored")
			return
		}
		d.nv[key] = bmp
		d.nvBytes += size
	case 0x45: // fn 69: print NV graphics: 30 45 kc1 kc2 x y
		if len(p) < 6 {
			d.report(cmd+" fn 69", "too short")
			return
		}
		key := [2]byte{p[2], p[3]}
		bmp := d.nv[key]
		if bmp == nil {
			d.report(cmd+" fn 69", fmt.Sprintf("no NV graphics with key %02X %02X", key[0], key[1]))
			return
		}
		bmp = bmp.scaled(d.scale(cmd, p[4]), d.scale(cmd, p[5]))
		d.flushForBlock(cmd + " fn 69")
		d.addLine(Line{Kind: LineNV, Align: d.st.align, Height: bmp.H, Image: bmp, NVKey: key})
	default:
		d.report(fmt.Sprintf("%s fn %d", cmd, fn), "not handled: skipped by its length")
	}
}

func (d *Decoder) scale(cmd string, v byte) int {
	switch v {
	case 1, 2:
		return int(v)
	}
	d.report(cmd, fmt.Sprintf("scale %d outside 1-2: taken as 1", v))
	return 1
}

// planeBitmap checks k = ceil(x/8)*y against the data and builds the bitmap.
func (d *Decoder) planeBitmap(cmd string, x, y int, data []byte) *Bitmap {
	stride := (x + 7) / 8
	k := stride * y
	if x == 0 || y == 0 {
		d.report(cmd, "empty image")
		return nil
	}
	if len(data) < k {
		d.report(cmd, fmt.Sprintf("%d data bytes for %dx%d dots (needs %d): ignored", len(data), x, y, k))
		return nil
	}
	return rowBitmap(x, y, stride, data)
}
