package escpos

// Pure command builders. Every function appends the bytes of one ESC/POS command to dst and
// returns the extended slice, in the style of [encoding/binary.BigEndian.AppendUint16]: no I/O,
// no state, no allocation beyond growing dst. Byte values are from protocols/escpos.md §1
// (section cited on each builder).

// Control bytes.
const (
	ESC = 0x1B
	GS  = 0x1D
	FS  = 0x1C
	DLE = 0x10
	DC4 = 0x14
	EOT = 0x04
	LF  = 0x0A
)

// Align is a justification for text, images and barcodes (ESC a).
type Align byte

// Justifications (escpos.md §1.1 ESC a).
const (
	AlignLeft   Align = 0
	AlignCenter Align = 1
	AlignRight  Align = 2
)

// String returns "left", "center" or "right".
func (a Align) String() string {
	switch a {
	case AlignLeft:
		return "left"
	case AlignCenter:
		return "center"
	case AlignRight:
		return "right"
	}
	return "align(" + itoa(int(a)) + ")"
}

// Font selects a character font (ESC M).
type Font byte

// Fonts (escpos.md §1.1 ESC M): A is 12×24, B is 9×17 dots on 203-dpi printers.
const (
	FontA Font = 0
	FontB Font = 1
)

// String returns "A" or "B".
func (f Font) String() string {
	if f == FontB {
		return "B"
	}
	if f == FontA {
		return "A"
	}
	return "font(" + itoa(int(f)) + ")"
}

// Underline is an underline thickness (ESC -).
type Underline byte

// Underline modes (escpos.md §1.1 ESC -).
const (
	UnderlineOff  Underline = 0
	Underline1Dot Underline = 1
	Underline2Dot Underline = 2
)

// Print-mode bits for ESC ! (escpos.md §1.1).
const (
	ModeFontB        = 1 << 0
	ModeEmphasized   = 1 << 3
	ModeDoubleHeight = 1 << 4
	ModeDoubleWidth  = 1 << 5
	ModeUnderline    = 1 << 7
)

// AppendInit appends ESC @ (1B 40): clears the print buffer and resets modes, including the
// code table, so ESC t must follow it (§1.1, §0.2).
func AppendInit(dst []byte) []byte { return append(dst, ESC, '@') }

// AppendBold appends ESC E n (1B 45 n), emphasized on or off (§1.1).
func AppendBold(dst []byte, on bool) []byte { return append(dst, ESC, 'E', b2n(on)) }

// AppendUnderline appends ESC - n (1B 2D n) (§1.1).
func AppendUnderline(dst []byte, u Underline) []byte { return append(dst, ESC, '-', byte(u)) }

// AppendPrintMode appends ESC ! n (1B 21 n) with the Mode* bits (§1.1).
func AppendPrintMode(dst []byte, n byte) []byte { return append(dst, ESC, '!', n) }

// AppendSize appends GS ! n (1D 21 n), n = ((w-1)<<4)|(h-1). Width and height are multipliers
// 1..8; values outside are clamped into that range (§1.1).
func AppendSize(dst []byte, w, h int) []byte {
	w, h = clamp(w, 1, 8), clamp(h, 1, 8)
	return append(dst, GS, '!', byte((w-1)<<4|(h-1)))
}

// AppendFont appends ESC M n (1B 4D n) (§1.1).
func AppendFont(dst []byte, f Font) []byte { return append(dst, ESC, 'M', byte(f)) }

// AppendAlign appends ESC a n (1B 61 n). It takes effect at the start of a line (§1.1).
func AppendAlign(dst []byte, a Align) []byte { return append(dst, ESC, 'a', byte(a)) }

// AppendReverse appends GS B n (1D 42 n), white-on-black on or off (§1.1).
func AppendReverse(dst []byte, on bool) []byte { return append(dst, GS, 'B', b2n(on)) }

// AppendDefaultLineSpacing appends ESC 2 (1B 32), 1/6 inch (§1.1).
func AppendDefaultLineSpacing(dst []byte) []byte { return append(dst, ESC, '2') }

// AppendLineSpacing appends ESC 3 n (1B 33 n), n motion units (§1.1).
func AppendLineSpacing(dst []byte, n byte) []byte { return append(dst, ESC, '3', n) }

// AppendFeedLines appends ESC d n (1B 64 n): print and feed n lines (§1.1).
func AppendFeedLines(dst []byte, n byte) []byte { return append(dst, ESC, 'd', n) }

// AppendFeedUnits appends ESC J n (1B 4A n): print and feed n motion units (§1.1).
func AppendFeedUnits(dst []byte, n byte) []byte { return append(dst, ESC, 'J', n) }

// AppendPosition appends ESC $ nL nH (1B 24 nL nH), the absolute print position from the
// start of the line in horizontal motion units. This command is not in escpos.md; its bytes
// are from the HPRT TP80K manual (https://www.easymanua.ls/hprt/tp80k/manual/868416?p=15,
// unit 0.125 mm = 1 dot at 203 dpi) and the Zebra ZQ110 manual page 16. The encoder only uses
// it on profiles that set "position": true.
func AppendPosition(dst []byte, dots int) []byte {
	dots = clamp(dots, 0, 0xFFFF)
	return append(dst, ESC, '$', byte(dots), byte(dots>>8))
}

// CutMode is a GS V cut.
type CutMode byte

// Cut modes (escpos.md §1.6).
const (
	CutFull           CutMode = 0  // GS V 0: full cut, no feed
	CutPartial        CutMode = 1  // GS V 1: partial cut, no feed
	CutFullFeed       CutMode = 65 // GS V 65 n: feed to cut position + n, full cut
	CutPartialFeed    CutMode = 66 // GS V 66 n: feed to cut position + n, partial cut
	CutFullRange      CutMode = 97 // GS V 97 n: cut range (function C)
	CutPartialRange   CutMode = 98
	CutFullBackFeed   CutMode = 103 // GS V 103 n: feed, cut, back-feed (function D)
	CutPartialBackFed CutMode = 104
)

// AppendCut appends GS V m (1D 56 m) for modes 0/1, or GS V m n (1D 56 m n) for the feeding
// forms 65/66/97/98/103/104 (§1.6). It is effective at the start of a line.
func AppendCut(dst []byte, m CutMode, n byte) []byte {
	if m == CutFull || m == CutPartial {
		return append(dst, GS, 'V', byte(m))
	}
	return append(dst, GS, 'V', byte(m), n)
}

// AppendCodePage appends ESC t n (1B 74 n), select the character table for bytes 0x80-0xFF
// (§1.2). The slot number n is printer-specific: take it from a [Profile].
func AppendCodePage(dst []byte, slot byte) []byte { return append(dst, ESC, 't', slot) }

// AppendStarCodePage appends ESC GS t n (1B 1D 74 n), the code table selection of Star
// printers (escpos.md §1.2, escpos-php selectCharacterTable for profiles with the DB's
// starCommands). Star numbers its tables its own way: take n from a [Profile] with
// StarCodePage set.
func AppendStarCodePage(dst []byte, slot byte) []byte { return append(dst, ESC, GS, 't', slot) }

// AppendCancelKanji appends FS . (1C 2E), leaving the Chinese/Kanji mode that clones start
// in (§0.2, §1.2).
func AppendCancelKanji(dst []byte) []byte { return append(dst, FS, '.') }

// AppendRealTime appends GS ( D pL pH m a b = 1D 28 44 03 00 14 01 b, enabling (b=1) or
// disabling (b=0) the DLE DC4 fn=1 real-time command. The disable form is in escpos.md §1.3;
// the enable form (b=1) is from the Epson TM-U220A reference
// (https://www.easymanua.ls/epson/tm-u220a/manual?p=74).
func AppendRealTime(dst []byte, enable bool) []byte {
	return append(dst, GS, '(', 'D', 3, 0, 20, 1, b2n(enable))
}

// AppendDrawerKick appends ESC p m t1 t2 (1B 70 m t1 t2): pulse drawer pin 2 (m=0) or pin 5
// (m=1), ON t1×2 ms, OFF t2×2 ms (§1.7). Pins other than 5 select pin 2.
func AppendDrawerKick(dst []byte, pin int, t1, t2 byte) []byte {
	return append(dst, ESC, 'p', pinByte(pin), t1, t2)
}

// AppendDrawerPulse appends the real-time DLE DC4 1 m t (10 14 01 m t): pulse pin 2 (m=0)
// or 5 (m=1) for t×100 ms, t clamped to 1..8 (§1.7).
func AppendDrawerPulse(dst []byte, pin int, t int) []byte {
	return append(dst, DLE, DC4, 1, pinByte(pin), byte(clamp(t, 1, 8)))
}

// StatusKind selects a DLE EOT real-time status (§1.8).
type StatusKind byte

// Status kinds for DLE EOT n.
const (
	StatusPrinter StatusKind = 1 // printer status (drawer pin 3, offline)
	StatusOffline StatusKind = 2 // offline cause (cover, feed button, paper end, error)
	StatusError   StatusKind = 3 // error cause (cutter, unrecoverable, auto-recoverable)
	StatusPaper   StatusKind = 4 // roll paper sensor (near end, end)
)

// String names the status kind.
func (k StatusKind) String() string {
	switch k {
	case StatusPrinter:
		return "printer"
	case StatusOffline:
		return "offline-cause"
	case StatusError:
		return "error-cause"
	case StatusPaper:
		return "paper"
	}
	return "status(" + itoa(int(k)) + ")"
}

// AppendStatusRequest appends DLE EOT n (10 04 n) (§1.8). The printer answers one byte.
func AppendStatusRequest(dst []byte, k StatusKind) []byte { return append(dst, DLE, EOT, byte(k)) }

// AppendASB appends GS a n (1D 61 n), automatic status back; n is a bit set: bit0 drawer,
// bit1 online/offline, bit2 error, bit3 roll paper sensor; 0 disables (§1.8).
func AppendASB(dst []byte, n byte) []byte { return append(dst, GS, 'a', n) }

// AppendPrinterID appends GS I n (1D 49 n), transmit printer ID (§1.8): 1 model, 2 type,
// 3 ROM; 65 firmware, 66 maker, 67 model name, 68 serial.
func AppendPrinterID(dst []byte, n byte) []byte { return append(dst, GS, 'I', n) }

func pinByte(pin int) byte {
	if pin == 5 {
		return 1
	}
	return 0
}

func b2n(b bool) byte {
	if b {
		return 1
	}
	return 0
}

func clamp(v, lo, hi int) int {
	if v < lo {
		return lo
	}
	if v > hi {
		return hi
	}
	return v
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	neg := n < 0
	if neg {
		n = -n
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}
