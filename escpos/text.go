package escpos

import (
	"sync"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// Charset names a single-byte character table that a printer may hold in some ESC t slot.
type Charset string

// Charsets the encoder knows (escpos.md §1.2). ASCII is the pseudo-charset used when a
// profile has no table: bytes 0x80-0xFF are never sent.
const (
	CP1251 Charset = "cp1251" // WPC1251: all Ukrainian letters
	CP1125 Charset = "cp1125" // PC1125 "Ukrainian": all Ukrainian letters
	CP855  Charset = "cp855"  // lacks Ґ ґ
	CP866  Charset = "cp866"  // lacks Ґ ґ І і
	ASCII  Charset = "ascii"
)

// charsetPreference is the per-receipt order of preference on ties (issue 3: CP1251 > CP1125
// > CP866 with substitutions; CP855 sits before CP866 because it lacks fewer letters).
var charsetPreference = []Charset{CP1251, CP1125, CP855, CP866}

// String returns the charset name.
func (c Charset) String() string { return string(c) }

type codec struct {
	enc  map[rune]byte
	high [128]rune
}

var (
	codecsOnce sync.Once
	codecs     map[Charset]*codec
)

func getCodec(c Charset) *codec {
	codecsOnce.Do(func() {
		codecs = map[Charset]*codec{
			CP1251: fromCharmap(charmap.Windows1251),
			CP866:  fromCharmap(charmap.CodePage866),
			CP855:  fromCharmap(charmap.CodePage855),
			CP1125: fromTable(&cp1125High),
			ASCII:  {enc: map[rune]byte{}},
		}
	})
	return codecs[c]
}

func fromCharmap(m *charmap.Charmap) *codec {
	cd := &codec{enc: make(map[rune]byte, 128)}
	for b := 0x80; b < 0x100; b++ {
		r := m.DecodeByte(byte(b))
		cd.high[b-0x80] = r
		if r != utf8.RuneError {
			cd.enc[r] = byte(b)
		}
	}
	return cd
}

func fromTable(t *[128]rune) *codec {
	cd := &codec{enc: make(map[rune]byte, 128), high: *t}
	for i, r := range t {
		cd.enc[r] = byte(0x80 + i)
	}
	return cd
}

// Known reports whether the encoder has a table for c.
func (c Charset) Known() bool { return getCodec(c) != nil }

// Decode maps bytes in charset c back to UTF-8 (for previews and tests). Bytes 0x80-0xFF of
// ASCII decode as U+FFFD.
func (c Charset) Decode(b []byte) string {
	cd := getCodec(c)
	out := make([]rune, 0, len(b))
	for _, x := range b {
		switch {
		case x < 0x80:
			out = append(out, rune(x))
		case cd == nil || cd.high[x-0x80] == 0:
			out = append(out, utf8.RuneError)
		default:
			out = append(out, cd.high[x-0x80])
		}
	}
	return string(out)
}

// substitutions are the documented replacements for characters that a code page lacks
// (issue 3 Deliver 2, escpos.md §4). They are tried only when the page has no exact byte,
// so CP1251 keeps its « » — … and ’. Letters missing from CP866/CP855 map to the nearest
// letter: Ґ→Г, І→I (Latin, as users do, python-escpos#375).
var substitutions = map[rune]string{
	'₴':      "грн",
	'ʼ':      "'",
	'’':      "'",
	'‘':      "'",
	'«':      "\"",
	'»':      "\"",
	'„':      "\"",
	'“':      "\"",
	'”':      "\"",
	'—':      "-",
	'–':      "-",
	'‑':      "-",
	'…':      "...",
	'\u00A0': " ",
	'\u202F': " ",
	'Ґ':      "Г",
	'ґ':      "г",
	'І':      "I",
	'і':      "i",
	'Ї':      "I",
	'ї':      "i",
	'Є':      "Е",
	'є':      "е",
	'№':      "N",
	'\t':     " ",
}

// Substitution records a character that was not printed exactly.
type Substitution struct {
	Rune  rune   // the character in the source text
	With  string // what was sent instead ("?" when nothing fits)
	Count int    // how many times it occurred
}

// Report says what an encoding did: the code page chosen and every character that could not
// be printed exactly.
type Report struct {
	Charset Charset        // code page used for the receipt
	Slot    int            // ESC t slot sent, -1 when none (ASCII)
	Inexact []Substitution // characters not printed exactly, in order of first appearance
	Images  int            // raster images sent inline
	NVLogos int            // logos printed from NV memory by key
}

// Exact reports whether every character was printed as written.
func (r *Report) Exact() bool { return len(r.Inexact) == 0 }

func (r *Report) note(c rune, with string) {
	if r == nil {
		return
	}
	for i := range r.Inexact {
		if r.Inexact[i].Rune == c {
			r.Inexact[i].Count++
			return
		}
	}
	r.Inexact = append(r.Inexact, Substitution{Rune: c, With: with, Count: 1})
}

// AppendText appends s encoded in charset cs. Characters the page lacks are replaced with the
// documented substitutions, or '?', and noted in rep (which may be nil). LF is kept; other
// control characters become '?' so that text can never inject a command; TAB becomes a
// space. Invalid UTF-8 becomes '?'.
func AppendText(dst []byte, s string, cs Charset, rep *Report) []byte {
	cd := getCodec(cs)
	if cd == nil {
		cd = getCodec(ASCII)
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x7F || c == '\n' {
			dst = append(dst, c)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		if r == utf8.RuneError && n <= 1 {
			dst = append(dst, '?')
			rep.note(r, "?")
			continue
		}
		if r == '\u00A0' || r == '\u202F' {
			dst = append(dst, ' ') // no-break spaces print as a plain space on every page
			continue
		}
		if b, ok := cd.enc[r]; ok && r >= 0x80 {
			dst = append(dst, b)
			continue
		}
		dst = appendSubst(dst, r, cd, rep)
	}
	return dst
}

func appendSubst(dst []byte, r rune, cd *codec, rep *Report) []byte {
	sub, ok := substitutions[r]
	if !ok {
		rep.note(r, "?")
		return append(dst, '?')
	}
	start := len(dst)
	for _, x := range sub {
		if x < 0x80 {
			dst = append(dst, byte(x))
		} else if b, ok := cd.enc[x]; ok {
			dst = append(dst, b)
		} else {
			dst = append(dst[:start], '?')
			rep.note(r, "?")
			return dst
		}
	}
	rep.note(r, sub)
	return dst
}

// inexactCount counts the characters of s that charset cs cannot print exactly; used to pick
// the code page for a receipt.
func inexactCount(s string, cs Charset) int {
	cd := getCodec(cs)
	n := 0
	for _, r := range s {
		if r < 0x80 || r == '\u00A0' || r == '\u202F' {
			continue
		}
		if _, ok := cd.enc[r]; !ok {
			n++
		}
	}
	return n
}

// textWidth is the number of printed cells of s (one per rune; the encoder sends one byte per
// rune except for multi-character substitutions, which are rare).
func textWidth(s string) int { return utf8.RuneCountInString(s) }
