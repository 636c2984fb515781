package vprinter

import (
	"fmt"
	"unicode/utf8"

	"github.com/boombuler/barcode"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// Limits bound the decoder's memory. The zero value uses the documented defaults.
type Limits struct {
	// MaxImageBytes is the largest image or graphics command accepted, in data bytes
	// (default 1 MiB). A larger one is skipped by its declared length and reported.
	MaxImageBytes int
	// MaxPageDots is the longest page kept, in dots of paper (default 16384, about 2 m).
	// A longer page is cut there and reported.
	MaxPageDots int
	// MaxPages is the number of cut pages kept (default 64); older pages are dropped.
	MaxPages int
	// MaxReports is the number of distinct report kinds kept (default 256).
	MaxReports int
}

func (l Limits) withDefaults() Limits {
	if l.MaxImageBytes <= 0 {
		l.MaxImageBytes = 1 << 20
	}
	if l.MaxPageDots <= 0 {
		l.MaxPageDots = 16384
	}
	if l.MaxPages <= 0 {
		l.MaxPages = 64
	}
	if l.MaxReports <= 0 {
		l.MaxReports = 256
	}
	return l
}

// Report records a command the decoder skipped, ignored or could not honour. Identical
// reports are merged and counted.
type Report struct {
	Cmd    string // command, e.g. "ESC x" or "GS ( L fn 48"
	Detail string // what happened
	Offset int64  // stream offset of the first occurrence
	Count  int    // occurrences
}

// String formats the report on one line.
func (r Report) String() string {
	return fmt.Sprintf("%s: %s (at %d, x%d)", r.Cmd, r.Detail, r.Offset, r.Count)
}

// EventKind says what an Event announces.
type EventKind uint8

// Events the decoder hands to its handler, in stream order.
const (
	EventLine       EventKind = iota // a line (or graphic) was printed; Event.Dots = paper used
	EventCut                         // the page was cut
	EventDrawerKick                  // ESC p; Event.N = pin (0 = pin 2, 1 = pin 5)
	EventTransmitID                  // GS I n; Event.N = n
	EventASB                         // GS a n; Event.N = n
	EventReply                       // the decoder has bytes to send back (Event.Data)
	EventRealTime                    // DLE EOT / DLE DC4 met at command level (no action)
)

// Event is a decoder notification. The server answers status requests from them.
type Event struct {
	Kind EventKind
	N    byte
	Dots int
	Data []byte
}

// Decoder decodes an ESC/POS byte stream, fed in any chunking through Write, into pages.
// It is not safe for concurrent use.
type Decoder struct {
	prof    Profile
	lim     Limits
	handler func(Event)

	buf  []byte // unparsed bytes
	pos  int    // parse position in buf
	off  int64  // stream offset of buf[pos]
	skip int64  // bytes of an oversized command still to discard
	held bool

	st       printState
	line     lineBuf
	page     *Page
	pageDots int // paper used by page, each line counting at least 1
	pages    []*Page
	dropped  int // pages dropped beyond MaxPages
	graphics *Bitmap
	nv       map[[2]byte]*Bitmap
	nvBytes  int

	qrKey  string
	qrCode barcode.Barcode
	qrErr  error

	reports   map[string]*Report
	repOrder  []string
	commands  int64
	overflows int64

	pageNo  int    // Index of the page being printed
	runText []byte // text the command being decoded printed (cmdlog.go)
}

// printState is what ESC @ resets.
type printState struct {
	style   Style
	align   Align
	spacing int // line spacing in dots (ESC 2 / ESC 3)
	page    byte
	charset Charset
	kanji   bool

	bcHeight, bcModule int
	bcHRI              byte
	bcHRIFontB         bool

	qrModel  byte
	qrModule int
	qrECC    byte
	qrData   []byte
}

// defaultSpacing is the ESC 2 line spacing in dots. escpos.md §1.1 gives 1/6 inch; at the
// vertical unit of 1/180 inch that is 30 units, rendered here as 30 dots [provisional].
const defaultSpacing = 30

type lineBuf struct {
	segs    []Segment
	width   int // dots used
	align   Align
	started bool
	// The text segment being filled: its UTF-8 bytes and style.
	pend      []byte
	pendStyle Style
}

func (l *lineBuf) empty() bool { return len(l.segs) == 0 && len(l.pend) == 0 }

func (l *lineBuf) flushText() {
	if len(l.pend) > 0 {
		l.segs = append(l.segs, Segment{Style: l.pendStyle, Text: string(l.pend)})
		l.pend = l.pend[:0]
	}
}

// take returns the line's segments and empties the buffer (keeping its text buffer).
func (l *lineBuf) take() []Segment {
	l.flushText()
	segs := l.segs
	*l = lineBuf{pend: l.pend[:0]}
	return segs
}

// NewDecoder returns a decoder for profile p with limits lim (zero value = defaults).
func NewDecoder(p Profile, lim Limits) *Decoder {
	d := &Decoder{prof: p, lim: lim.withDefaults(), nv: map[[2]byte]*Bitmap{}, reports: map[string]*Report{}}
	if d.prof.Dots <= 0 {
		d.prof.Dots = 576
	}
	d.reset()
	d.page = &Page{Dots: d.prof.Dots}
	return d
}

// SetHandler sets the function that receives events (nil = none). It is called from Write.
func (d *Decoder) SetHandler(h func(Event)) { d.handler = h }

// Hold stops (true) or resumes (false) command processing, as an offline printer does.
// While held, bytes are kept up to the buffer limit and the excess is dropped and reported.
func (d *Decoder) Hold(h bool) {
	d.held = h
	if !h {
		d.run()
	}
}

// Held reports whether processing is stopped.
func (d *Decoder) Held() bool { return d.held }

// Pending returns the number of received bytes not processed yet.
func (d *Decoder) Pending() int { return len(d.buf) - d.pos }

func (d *Decoder) capacity() int { return d.lim.MaxImageBytes + 64 }

func (d *Decoder) reset() {
	d.st = printState{
		spacing: defaultSpacing,
		charset: d.prof.Charset(0),
		kanji:   d.prof.KanjiAtStart,
		style:   Style{Width: 1, Height: 1},
		// GS h default 162, GS w default 3 (escpos.md §1.4); HRI none.
		bcHeight: 162, bcModule: 3,
		// QR model 2 and module 3 are the defaults in escpos.md §1.5; ECC L [provisional].
		qrModel: 0x32, qrModule: 3, qrECC: 0x30,
	}
	d.line.take()
}

// Write feeds bytes. It always consumes all of p and never fails: what cannot be handled is
// reported (see Reports).
func (d *Decoder) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		if d.skip > 0 {
			k := min(int64(len(p)), d.skip)
			d.skip -= k
			d.off += k
			p = p[k:]
			continue
		}
		d.compact()
		room := d.capacity() - len(d.buf)
		if room <= 0 {
			if d.held {
				d.overflows += int64(len(p))
				d.report("input", "receive buffer full while offline: bytes dropped")
				return n, nil
			}
			// Cannot happen: every accepted command fits in capacity. Resynchronise.
			d.report("input", "buffer full: byte dropped")
			d.pos++
			d.off++
			continue
		}
		take := min(room, len(p))
		d.buf = append(d.buf, p[:take]...)
		p = p[take:]
		d.run()
	}
	return n, nil
}

func (d *Decoder) compact() {
	if d.pos == 0 {
		return
	}
	k := copy(d.buf, d.buf[d.pos:])
	d.buf = d.buf[:k]
	d.pos = 0
	if cap(d.buf) > 4*d.capacity()/3 && k < 4096 {
		d.buf = append([]byte(nil), d.buf...)
	}
}

func (d *Decoder) run() {
	for !d.held && d.pos < len(d.buf) && d.skip == 0 {
		pg := d.page
		d.runText = d.runText[:0]
		n := d.step(d.buf[d.pos:])
		if n == 0 {
			return // need more bytes
		}
		d.commands++
		d.record(pg, d.buf[d.pos:], n)
		if n < 0 { // oversized command: discard what we have, skip the rest
			have := len(d.buf) - d.pos
			total := int64(-n)
			if total <= int64(have) {
				d.pos += int(total)
				d.off += total
			} else {
				d.skip = total - int64(have)
				d.off += int64(have)
				d.pos = len(d.buf)
			}
			continue
		}
		d.pos += n
		d.off += int64(n)
	}
}

func (d *Decoder) emit(e Event) {
	if d.handler != nil {
		d.handler(e)
	}
}

func (d *Decoder) report(cmd, detail string) {
	key := cmd + "\x00" + detail
	if r, ok := d.reports[key]; ok {
		r.Count++
		return
	}
	if len(d.reports) >= d.lim.MaxReports {
		return
	}
	d.reports[key] = &Report{Cmd: cmd, Detail: detail, Offset: d.off, Count: 1}
	d.repOrder = append(d.repOrder, key)
}

// Reports returns what the decoder skipped or ignored, in order of first occurrence.
func (d *Decoder) Reports() []Report {
	out := make([]Report, 0, len(d.repOrder))
	for _, k := range d.repOrder {
		out = append(out, *d.reports[k])
	}
	return out
}

// Pages returns the cut pages kept (oldest first).
func (d *Decoder) Pages() []*Page { return append([]*Page(nil), d.pages...) }

// Current returns the page being printed (not cut yet). Text still in the line buffer
// (not printed by LF) is not part of it.
func (d *Decoder) Current() *Page { return d.page }

// Commands returns the number of commands and text bytes processed.
func (d *Decoder) Commands() int64 { return d.commands }

// Dropped returns the number of bytes dropped because the buffer was full while held.
func (d *Decoder) Dropped() int64 { return d.overflows }

// Flush prints text left in the line buffer, as if LF followed. Use it at the end of a
// stream that did not end its last line.
func (d *Decoder) Flush() {
	if !d.line.empty() {
		d.printLine(0)
	}
}

// Decode decodes a complete stream with profile p and returns the cut pages followed by the
// pending page if it has any lines (text left in the line buffer is flushed first).
func Decode(p Profile, stream []byte) ([]*Page, []Report) {
	d := NewDecoder(p, Limits{})
	_, _ = d.Write(stream)
	d.Flush()
	pages := d.Pages()
	if len(d.page.Lines) > 0 {
		pages = append(pages, d.page)
	}
	return pages, d.Reports()
}

// ---- text and lines ----

func (d *Decoder) addRune(r rune, st Style) {
	cw := st.runeW(r)
	if d.line.width+cw > d.prof.Dots && !d.line.empty() {
		d.printLine(1) // the printer wraps a full line
	}
	d.startLine()
	d.line.width += cw
	if len(d.line.pend) > 0 && d.line.pendStyle != st {
		d.line.flushText()
	}
	d.line.pendStyle = st
	d.line.pend = utf8.AppendRune(d.line.pend, r)
	if len(d.runText) < maxCommandText {
		d.runText = utf8.AppendRune(d.runText, r)
	}
}

func (d *Decoder) startLine() {
	if !d.line.started {
		d.line.started = true
		d.line.align = d.st.align // ESC a is effective at line start (escpos.md §1.1)
	}
}

// contentHeight is the tallest cell or image in the line buffer.
func (d *Decoder) contentHeight() int {
	h := 0
	d.line.flushText()
	for _, s := range d.line.segs {
		if s.Image != nil {
			h = max(h, s.Image.H)
		} else {
			h = max(h, s.Style.cellH())
		}
	}
	return h
}

// printLine prints the line buffer and feeds; feeds is the number of lines advanced
// (LF = 1, ESC d n = n, wrap = 1). feeds 0 prints without extra blank lines.
func (d *Decoder) printLine(feeds int) {
	content := d.contentHeight()
	align := d.lineAlign()
	if segs := d.line.take(); len(segs) > 0 || feeds > 0 {
		d.addLine(Line{Kind: LineText, Align: align, Height: max(content, d.st.spacing), Segments: segs})
	}
	for i := 1; i < feeds; i++ {
		d.addLine(Line{Kind: LineText, Align: d.st.align, Height: d.st.spacing})
	}
}

func (d *Decoder) lineAlign() Align {
	if d.line.started {
		return d.line.align
	}
	return d.st.align
}

// flushForBlock prints pending text before a command that is effective at line start only.
func (d *Decoder) flushForBlock(cmd string) {
	if !d.line.empty() {
		d.report(cmd, "not at line start: pending text printed first")
		d.printLine(0)
	}
}

func (d *Decoder) addLine(l Line) {
	if l.Image != nil && l.Image.W > d.prof.Dots {
		l.Image = l.Image.clipped(d.prof.Dots) // a printer ignores dots past the print area
	}
	// Every line counts at least one dot, so zero-height lines cannot pile up.
	cost := max(l.Height, 1)
	if d.pageDots+cost > d.lim.MaxPageDots && len(d.page.Lines) > 0 {
		d.report("page", fmt.Sprintf("page longer than %d dots: cut", d.lim.MaxPageDots))
		d.cut()
	}
	d.pageDots += cost
	d.page.Lines = append(d.page.Lines, l)
	d.emit(Event{Kind: EventLine, N: byte(l.Kind), Dots: l.Height})
}

func (d *Decoder) cut() {
	d.page.Cut = true
	d.pages = append(d.pages, d.page)
	if len(d.pages) > d.lim.MaxPages {
		d.pages = d.pages[1:]
		d.dropped++
	}
	d.pageNo++
	d.page = &Page{Dots: d.prof.Dots, Index: d.pageNo}
	d.pageDots = 0
	d.emit(Event{Kind: EventCut})
}

// step parses one command at the start of b. It returns the bytes consumed, 0 if more bytes
// are needed, or -total for an oversized command of total bytes that must be skipped.
func (d *Decoder) step(b []byte) int {
	c := b[0]
	if c >= 0x20 {
		return d.text(b)
	}
	switch c {
	case 0x0A: // LF
		d.printLine(1)
		return 1
	case 0x0D: // CR: ignored (not described in escpos.md)
		return 1
	case 0x1B:
		return d.esc(b)
	case 0x1D:
		return d.gs(b)
	case 0x1C:
		return d.fs(b)
	case 0x10:
		return d.dle(b)
	}
	d.report(fmt.Sprintf("control %02X", c), "not in escpos.md: skipped")
	return 1
}

// text decodes one printable byte (or a GBK pair in Kanji mode).
func (d *Decoder) text(b []byte) int {
	c := b[0]
	if c < 0x80 {
		d.addRune(rune(c), d.st.style)
		return 1
	}
	if d.st.kanji {
		if c == 0x80 || c == 0xFF {
			d.addRune('\uFFFD', d.st.style)
			return 1
		}
		if len(b) < 2 {
			return 0
		}
		r, _ := utf8.DecodeRune(gbk(b[:2]))
		if r == utf8.RuneError || b[1] < 0x40 {
			d.addRune('\uFFFD', d.st.style)
			return 1
		}
		d.addRune(r, d.st.style)
		return 2
	}
	d.addRune(d.st.charset.decodeByte(c), d.st.style)
	return 1
}

func gbk(pair []byte) []byte {
	out, err := simplifiedchinese.GBK.NewDecoder().Bytes(pair)
	if err != nil {
		return nil
	}
	return out
}

// need reports whether b holds at least n bytes.
func need(b []byte, n int) bool { return len(b) >= n }

// name formats a command for reports: ESC x, GS x, FS x with printable letters.
func name(prefix string, c byte) string {
	if c >= 0x21 && c < 0x7F {
		return prefix + " " + string(rune(c))
	}
	return fmt.Sprintf("%s %02X", prefix, c)
}
