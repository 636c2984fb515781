package escpos

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Drawer pulse defaults for the document's drawer block and [AppendDrawerKick] callers:
// ON 50 ms, OFF 250 ms (t × 2 ms; OFF ≥ 4×ON keeps the duty ≤ 20 %, escpos.md §1.7).
const (
	DefaultKickOn  = 25
	DefaultKickOff = 125
)

// EncoderConfig tunes an [Encoder]. The zero value works.
type EncoderConfig struct {
	// Charset forces a code page; "" (default) chooses per receipt the page of the profile
	// that prints the receipt's text with the fewest substitutions, ties going to
	// CP1251 > CP1125 > CP855 > CP866.
	Charset Charset
	// Dither is the default image conversion (default Floyd–Steinberg).
	Dither Dither
	// Threshold is the grey level below which a dot is black (0 = 128).
	Threshold uint8
	// Logos lists the logos already stored in the printer's NV memory. An image block with a
	// Key whose raster hash matches the book is printed by key (GS ( L fn 69) instead of
	// inline. nil (default) always prints inline.
	Logos *LogoBook
}

// Encoder renders [Document]s into ESC/POS bytes for one printer profile. It is pure (no
// I/O) and safe for concurrent use.
type Encoder struct {
	p   Profile
	cfg EncoderConfig
}

// NewEncoder returns an encoder for profile p. At most one config may be given; without one
// the zero EncoderConfig is used.
func NewEncoder(p Profile, cfg ...EncoderConfig) *Encoder {
	e := &Encoder{p: p}
	if len(cfg) > 0 {
		e.cfg = cfg[0]
	}
	return e
}

// Profile returns the encoder's profile.
func (e *Encoder) Profile() Profile { return e.p }

// Encode renders doc into one ESC/POS job: ESC @, FS . where the profile needs it, ESC t
// with the receipt's code page, then the blocks. The report lists the code page and every
// character not printed exactly.
func (e *Encoder) Encode(doc *Document) ([]byte, Report, error) {
	var rep Report
	out, err := e.AppendDocument(make([]byte, 0, 4096), doc, &rep)
	return out, rep, err
}

// ChooseCharset returns the code page the encoder would use for doc and its ESC t slot
// (-1 for ASCII: the profile has no table).
func (e *Encoder) ChooseCharset(doc *Document) (Charset, int) {
	if e.cfg.Charset != "" {
		if s, ok := e.p.Slot(e.cfg.Charset); ok {
			return e.cfg.Charset, int(s)
		}
	}
	var sb strings.Builder
	for i := range doc.Blocks {
		b := &doc.Blocks[i]
		sb.WriteString(b.Text)
		sb.WriteString(b.Left)
		sb.WriteString(b.Right)
		sb.WriteString(b.Char)
	}
	text := sb.String()
	best, bestN, slot := ASCII, -1, -1
	for _, cs := range charsetPreference {
		s, ok := e.p.Slot(cs)
		if !ok {
			continue
		}
		n := inexactCount(text, cs)
		if bestN < 0 || n < bestN {
			best, bestN, slot = cs, n, int(s)
		}
		if n == 0 {
			break
		}
	}
	return best, slot
}

// style is the printer's current text state, tracked to avoid redundant commands.
type style struct {
	align     Align
	bold      bool
	underline bool
	reverse   bool
	w, h      int
	font      Font
	bh, bw    int // barcode height, module width (0 = printer default)
	hri       HRI
	hriSet    bool
}

type job struct {
	e     *Encoder
	out   []byte
	rep   *Report
	cs    Charset
	slot  int
	st    style
	dots  int
	cols  int // font A columns
	tmp   []byte
	tmp2  []byte
	block int
}

// AppendDocument appends the rendering of doc to dst (see [Encoder.Encode]).
func (e *Encoder) AppendDocument(dst []byte, doc *Document, rep *Report) ([]byte, error) {
	if rep == nil {
		rep = &Report{}
	}
	j := &job{e: e, out: dst, rep: rep, dots: e.p.Dots, cols: e.p.Columns(FontA)}
	if doc.PaperDots > 0 && doc.PaperDots < j.dots {
		j.dots = doc.PaperDots
	}
	if j.dots != e.p.Dots {
		j.cols = j.cols * j.dots / max(e.p.Dots, 1)
	}
	// The document's column count applies only where the paper is at least that wide: a
	// receipt designed for 48 columns still fits a 32-column printer.
	if doc.Columns > 0 && doc.Columns < j.cols {
		j.cols = doc.Columns
	}
	j.cs, j.slot = e.ChooseCharset(doc)
	rep.Charset, rep.Slot = j.cs, j.slot
	j.init()
	for i := range doc.Blocks {
		j.block = i
		if err := j.render(&doc.Blocks[i]); err != nil {
			return dst, fmt.Errorf("escpos: block %d (%s): %w", i, doc.Blocks[i].Type, err)
		}
	}
	return j.out, nil
}

func (j *job) init() {
	j.out = AppendInit(j.out)
	if j.e.p.CancelKanji {
		j.out = AppendCancelKanji(j.out)
	}
	j.codePage()
	j.st = style{w: 1, h: 1}
}

func (j *job) codePage() {
	switch {
	case j.slot < 0:
	case j.e.p.StarCodePage:
		j.out = AppendStarCodePage(j.out, byte(j.slot))
	default:
		j.out = AppendCodePage(j.out, byte(j.slot))
	}
}

func (j *job) setAlign(a Align) {
	if j.st.align != a {
		j.out = AppendAlign(j.out, a)
		j.st.align = a
	}
}

func (j *job) setStyle(b *Block) {
	if j.st.bold != b.Bold {
		j.out = AppendBold(j.out, b.Bold)
		j.st.bold = b.Bold
	}
	if j.st.underline != b.Underline {
		u := UnderlineOff
		if b.Underline {
			u = Underline1Dot
		}
		j.out = AppendUnderline(j.out, u)
		j.st.underline = b.Underline
	}
	if j.st.reverse != b.Reverse {
		j.out = AppendReverse(j.out, b.Reverse)
		j.st.reverse = b.Reverse
	}
	w, h := clamp(b.Width, 1, 8), clamp(b.Height, 1, 8)
	if j.st.w != w || j.st.h != h {
		j.out = AppendSize(j.out, w, h)
		j.st.w, j.st.h = w, h
	}
	f := fontOf(b.Font)
	if j.st.font != f {
		j.out = AppendFont(j.out, f)
		j.st.font = f
	}
}

func fontOf(s string) Font {
	if s == "B" || s == "b" {
		return FontB
	}
	return FontA
}

func alignOf(s string) (Align, error) {
	switch s {
	case "", "left":
		return AlignLeft, nil
	case "center", "centre":
		return AlignCenter, nil
	case "right":
		return AlignRight, nil
	}
	return 0, fmt.Errorf("%w: align %q", ErrDocument, s)
}

// lineCols is the number of characters per line for block b's font and width.
func (j *job) lineCols(b *Block) int {
	c := j.cols
	if fontOf(b.Font) == FontB {
		c = j.e.p.Columns(FontB) * j.dots / max(j.e.p.Dots, 1)
	}
	return max(c/clamp(b.Width, 1, 8), 1)
}

var plain = Block{}

func (j *job) render(b *Block) error {
	switch b.Type {
	case BlockText:
		a, err := alignOf(b.Align)
		if err != nil {
			return err
		}
		j.setAlign(a)
		j.setStyle(b)
		cols := j.lineCols(b)
		for _, line := range splitLines(b.Text) {
			for _, l := range wrap(line, cols) {
				j.text(l)
				j.out = append(j.out, LF)
			}
		}
	case BlockColumns:
		j.setAlign(AlignLeft)
		j.setStyle(b)
		j.columns(b, j.lineCols(b))
	case BlockRule:
		j.setAlign(AlignLeft)
		j.setStyle(&plain)
		c := b.Char
		if c == "" {
			c = "-"
		}
		j.text(strings.Repeat(c, max(j.lineCols(&plain)/max(utf8.RuneCountInString(c), 1), 1)))
		j.out = append(j.out, LF)
	case BlockSlip:
		a, err := alignOf(b.Align)
		if err != nil {
			return err
		}
		j.slip(b.Text, a, b)
	case BlockFiscal:
		a, err := alignOf(b.Align)
		if err != nil {
			return err
		}
		if b.Text != "" {
			j.slip(b.Text, a, b)
		}
		if b.Data != "" {
			qb := Block{Type: BlockQR, Data: b.Data, Size: b.Size, EC: b.EC, Align: "center"}
			return j.qr(&qb, j.dots*3/5)
		}
	case BlockQR:
		return j.qr(b, j.dots)
	case BlockEAN13:
		return j.ean13(b)
	case BlockCode128:
		return j.code128(b)
	case BlockImage:
		return j.image(b)
	case BlockFeed:
		j.out = AppendFeedLines(j.out, byte(clamp(b.Lines, 0, 255)))
	case BlockCut:
		j.cut(b)
	case BlockDrawer:
		pin := b.Pin
		if pin == 0 {
			pin = 2
		}
		if pin != 2 && pin != 5 {
			return fmt.Errorf("%w: drawer pin %d (want 2 or 5)", ErrDocument, pin)
		}
		j.out = AppendDrawerKick(j.out, pin, DefaultKickOn, DefaultKickOff)
	default:
		return fmt.Errorf("%w: unknown block type %q", ErrDocument, b.Type)
	}
	return nil
}

func (j *job) text(s string) { j.out = AppendText(j.out, s, j.cs, j.rep) }

// columns prints Left and Right on one line, Right flush with the right margin.
func (j *job) columns(b *Block, cols int) {
	j.tmp = AppendText(j.tmp[:0], strings.ReplaceAll(b.Left, "\n", " "), j.cs, j.rep)
	j.tmp2 = AppendText(j.tmp2[:0], strings.ReplaceAll(b.Right, "\n", " "), j.cs, j.rep)
	l, r := j.tmp, j.tmp2
	if len(l)+1+len(r) > cols {
		// Does not fit: left on its own line(s), right-aligned value below.
		for len(l) > cols {
			j.out = append(j.out, l[:cols]...)
			j.out = append(j.out, LF)
			l = l[cols:]
		}
		j.out = append(j.out, l...)
		j.out = append(j.out, LF)
		l = nil
		if len(r) > cols {
			r = r[len(r)-cols:]
		}
	}
	gap := cols - len(l) - len(r)
	j.out = append(j.out, l...)
	j.pad(gap, cols-len(r), cols)
	j.out = append(j.out, r...)
	j.out = append(j.out, LF)
}

// pad advances the print position by gap character cells, to cell at of cols, in the fewest bytes: ESC $ on
// profiles with Position; otherwise, when it is shorter, spaces enlarged to 8× width with
// GS ! (character size applies to all characters, escpos.md §1.1), then plain spaces.
func (j *job) pad(gap, at, cols int) {
	if gap <= 0 {
		return
	}
	if j.e.p.Position && gap > 4 {
		cell := j.dots / cols
		j.out = AppendPosition(j.out, at*cell)
		return
	}
	w, h := j.st.w, j.st.h
	if w == 1 {
		q, r := gap/8, gap%8
		if 6+q+r < gap {
			j.out = AppendSize(j.out, 8, h)
			for ; q > 0; q-- {
				j.out = append(j.out, ' ')
			}
			j.out = AppendSize(j.out, w, h)
			gap = r
		}
	}
	for ; gap > 0; gap-- {
		j.out = append(j.out, ' ')
	}
}

// slip prints preformatted monospace lines, wrapping only those longer than the paper, and
// centres the whole block (not each line) when a is center.
func (j *job) slip(text string, a Align, b *Block) {
	j.setAlign(AlignLeft)
	j.setStyle(&Block{Bold: b.Bold, Font: b.Font})
	cols := j.lineCols(&Block{Font: b.Font})
	var lines []string
	for _, l := range splitLines(text) {
		l = strings.TrimRight(strings.ReplaceAll(l, "\t", "    "), " ")
		lines = append(lines, wrap(l, cols)...)
	}
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	pad := 0
	if a != AlignLeft {
		w := 0
		for _, l := range lines {
			w = max(w, utf8.RuneCountInString(l))
		}
		pad = cols - w
		if a == AlignCenter {
			pad /= 2
		}
	}
	prefix := strings.Repeat(" ", pad)
	for _, l := range lines {
		if l != "" {
			j.text(prefix + l)
		}
		j.out = append(j.out, LF)
	}
}

func (j *job) qr(b *Block, maxDots int) error {
	a, err := alignOf(b.Align)
	if err != nil {
		return err
	}
	lvl, err := ParseQRLevel(b.EC)
	if err != nil {
		return err
	}
	size := b.Size
	if size <= 0 {
		size = 6
	}
	j.setAlign(a)
	if j.e.p.NativeQR && len(b.Data) <= MaxQRData {
		// Fit the symbol into maxDots, counting its modules from the byte-mode capacity.
		if n := qrModules(len(b.Data), lvl); n > 0 {
			for size > 1 && (n+8)*size > maxDots {
				size--
			}
		}
		if m := j.e.p.QRMaxModule; m > 0 && size > m {
			size = m
		}
		// The printed symbol is cells × module size dots with no quiet zone (escpos.md §1.5
		// fn 182: H = V = cells·module size), so what follows (a GS k barcode, §1.4) would
		// print right against its last row. Feed the 4-module quiet zone below it with
		// ESC J (§1.1), as RenderQR keeps it in the raster fallback; a motion unit is never
		// smaller than a dot (§1.1 ESC 3: n/180″ or n/203″), so 4·size units cover 4 modules.
		if j.out, err = AppendQR(j.out, []byte(b.Data), size, lvl); err != nil {
			return err
		}
		j.out = AppendFeedUnits(j.out, byte(4*clamp(size, 1, 16)))
		return nil
	}
	r, err := RenderQR(b.Data, size, lvl, maxDots)
	if err != nil {
		return err
	}
	j.raster(r)
	return nil
}

func (j *job) barcodeSetup(b *Block, module int) {
	h := b.Dots
	if h <= 0 {
		h = 80
	}
	if j.st.bh != h {
		j.out = AppendBarcodeHeight(j.out, h)
		j.st.bh = h
	}
	if j.st.bw != module {
		j.out = AppendBarcodeWidth(j.out, module)
		j.st.bw = module
	}
	hri := HRIBelow
	if b.HRI != nil && !*b.HRI {
		hri = HRINone
	}
	if !j.st.hriSet || j.st.hri != hri {
		j.out = AppendHRIPosition(j.out, hri)
		j.st.hri, j.st.hriSet = hri, true
	}
}

func (j *job) module(b *Block) int {
	if b.Size > 0 {
		return clamp(b.Size, 2, 6)
	}
	if j.dots >= 512 {
		return 3
	}
	return 2
}

func (j *job) ean13(b *Block) error {
	a, err := alignOf(b.Align)
	if err != nil {
		return err
	}
	d, err := EAN13(b.Data)
	if err != nil {
		return err
	}
	j.setAlign(a)
	if j.e.p.NativeBarcode {
		j.barcodeSetup(b, j.module(b))
		j.out, err = AppendEAN13(j.out, d)
		return err
	}
	r, err := RenderEAN13(d, j.module(b), max(b.Dots, 80))
	if err != nil {
		return err
	}
	return j.rasterBarcode(r, b, d)
}

func (j *job) code128(b *Block) error {
	a, err := alignOf(b.Align)
	if err != nil {
		return err
	}
	j.setAlign(a)
	if j.e.p.NativeBarcode {
		p, err := Code128Data(b.Data)
		if err != nil {
			return err
		}
		m := j.module(b)
		// Modules ≈ 11 per symbol + 35 (start, check, stop, quiet zones).
		for m > 2 && (11*len(p)+35)*m > j.dots {
			m--
		}
		j.barcodeSetup(b, m)
		j.out = append(j.out, GS, 'k', 73, byte(len(p)))
		j.out = append(j.out, p...)
		return nil
	}
	m := j.module(b)
	var r *Raster
	var err2 error
	for ; m >= 1; m-- {
		r, err2 = RenderCode128(b.Data, m, max(b.Dots, 80))
		if err2 != nil {
			return err2
		}
		if r.Width <= j.dots {
			break
		}
	}
	if r.Width > j.dots {
		return fmt.Errorf("%w: code128 is %d dots wide, paper %d", ErrTooLarge, r.Width, j.dots)
	}
	return j.rasterBarcode(r, b, b.Data)
}

func (j *job) rasterBarcode(r *Raster, b *Block, hri string) error {
	j.raster(r)
	if b.HRI == nil || *b.HRI {
		j.setStyle(&plain)
		j.text(hri)
		j.out = append(j.out, LF)
	}
	return nil
}

// raster sends r inline with the profile's image command, guarded against real-time command
// collisions (GS ( D) where the profile asks for it.
func (j *job) raster(r *Raster) {
	if r.Width == 0 || r.Height == 0 {
		return
	}
	p := j.e.p
	if p.RealTimeGuard {
		j.out = AppendRealTime(j.out, false)
	}
	if p.Image == "column" {
		j.out = AppendColumnImage(j.out, r)
	} else {
		j.out = AppendRaster(j.out, r, p.BandRows)
	}
	if p.RealTimeGuard {
		j.out = AppendRealTime(j.out, true)
	}
	j.rep.Images++
}

func (j *job) image(b *Block) error {
	if b.Image == nil {
		return fmt.Errorf("%w: image not loaded (LoadDocument or Document.LoadImages)", ErrDocument)
	}
	a, err := alignOf(b.Align)
	if err != nil {
		if b.Align != "" {
			return err
		}
	}
	if b.Align == "" {
		a = AlignCenter
	}
	d := j.e.cfg.Dither
	if b.Dither == "threshold" {
		d = DitherThreshold
	}
	r := ToRaster(b.Image, RasterOptions{Width: b.Dots, MaxWidth: j.dots, Dither: d, Threshold: j.e.cfg.Threshold})
	j.setAlign(a)
	if b.Key != "" && j.e.p.NVGraphics && j.e.cfg.Logos.Has(b.Key, r.Hash()) {
		k1, k2, err := ParseKey(b.Key)
		if err != nil {
			return err
		}
		j.out, _ = AppendNVPrint(j.out, k1, k2, 1, 1)
		j.rep.NVLogos++
		return nil
	}
	j.raster(r)
	return nil
}

func (j *job) cut(b *Block) {
	p := j.e.p
	if p.Cutter == "" {
		j.out = AppendFeedLines(j.out, 4)
		return
	}
	partial := b.Partial || p.Cutter == "partial"
	switch {
	case p.CutFeed > 0 && partial:
		j.out = AppendCut(j.out, CutPartialFeed, byte(p.CutFeed))
	case p.CutFeed > 0:
		j.out = AppendCut(j.out, CutFullFeed, byte(p.CutFeed))
	case partial:
		j.out = AppendCut(j.out, CutPartial, 0)
	default:
		j.out = AppendCut(j.out, CutFull, 0)
	}
}

func splitLines(s string) []string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.Split(s, "\n")
}

// wrap breaks line into pieces of at most cols runes, at spaces where possible.
func wrap(line string, cols int) []string {
	if utf8.RuneCountInString(line) <= cols {
		return []string{line}
	}
	var out []string
	r := []rune(line)
	for len(r) > cols {
		cut := cols
		for i := cols; i > cols/2; i-- {
			if r[i] == ' ' {
				cut = i
				break
			}
		}
		out = append(out, strings.TrimRight(string(r[:cut]), " "))
		r = r[cut:]
		for len(r) > 0 && r[0] == ' ' {
			r = r[1:]
		}
	}
	if len(r) > 0 {
		out = append(out, string(r))
	}
	return out
}
