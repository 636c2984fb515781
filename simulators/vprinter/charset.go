package vprinter

import "golang.org/x/text/encoding/charmap"

// Charset is a single-byte character table selected with ESC t n. Bytes 0x00-0x7F are ASCII in
// every table; the table decides how 0x80-0xFF print.
type Charset uint8

// Character tables named in protocols/escpos.md §1.2 that the decoder can show.
const (
	CharsetUnknown Charset = iota // a page number the profile does not list
	PC437
	PC850
	PC852
	PC855
	PC858
	PC860
	PC862
	PC863
	PC865
	PC866
	PC1125
	WPC1250
	WPC1251
	WPC1252
	WPC1253
	WPC1254
	WPC1255
	WPC1256
	WPC1257
	WPC1258
	ISO8859_2
	ISO8859_15
)

var charsetNames = [...]string{
	CharsetUnknown: "unknown", PC437: "PC437", PC850: "PC850", PC852: "PC852", PC855: "PC855",
	PC858: "PC858", PC860: "PC860", PC862: "PC862", PC863: "PC863", PC865: "PC865",
	PC866: "PC866", PC1125: "PC1125", WPC1250: "WPC1250", WPC1251: "WPC1251",
	WPC1252: "WPC1252", WPC1253: "WPC1253", WPC1254: "WPC1254", WPC1255: "WPC1255",
	WPC1256: "WPC1256", WPC1257: "WPC1257", WPC1258: "WPC1258", ISO8859_2: "ISO8859-2",
	ISO8859_15: "ISO8859-15",
}

// String returns the table's name as escpos.md spells it.
func (c Charset) String() string {
	if int(c) < len(charsetNames) {
		return charsetNames[c]
	}
	return "unknown"
}

var charmaps = map[Charset]*charmap.Charmap{
	PC437: charmap.CodePage437, PC850: charmap.CodePage850, PC852: charmap.CodePage852,
	PC855: charmap.CodePage855, PC858: charmap.CodePage858, PC860: charmap.CodePage860,
	PC862: charmap.CodePage862, PC863: charmap.CodePage863, PC865: charmap.CodePage865,
	PC866: charmap.CodePage866, WPC1250: charmap.Windows1250, WPC1251: charmap.Windows1251,
	WPC1252: charmap.Windows1252, WPC1253: charmap.Windows1253, WPC1254: charmap.Windows1254,
	WPC1255: charmap.Windows1255, WPC1256: charmap.Windows1256, WPC1257: charmap.Windows1257,
	WPC1258: charmap.Windows1258, ISO8859_2: charmap.ISO8859_2, ISO8859_15: charmap.ISO8859_15,
}

// cp1125Upper holds the Ukrainian letters of CP1125 at F2-F9 (escpos.md §1.2 table). The rest
// of CP1125 follows CP866 ("cp1125 extends cp866", escpos.md §1.2; checked against Python's
// cp1125 codec on this machine: only F2-F9 differ). FA/FB are disputed between
// implementations (escpos.md §1.2); the CP866 values (· √) are kept, as in Python's table.
var cp1125Upper = [8]rune{'Ґ', 'ґ', 'Є', 'є', 'І', 'і', 'Ї', 'ї'}

// decodeByte returns the rune a byte >= 0x80 prints as in table c, or U+FFFD.
func (c Charset) decodeByte(b byte) rune {
	if b < 0x80 {
		return rune(b)
	}
	if c == PC1125 {
		if b >= 0xF2 && b <= 0xF9 {
			return cp1125Upper[b-0xF2]
		}
		return charmap.CodePage866.DecodeByte(b)
	}
	if m := charmaps[c]; m != nil {
		return m.DecodeByte(b)
	}
	return '\uFFFD'
}
