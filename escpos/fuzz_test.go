package escpos

import (
	"bufio"
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzDecodeStatus feeds device bytes to the DLE EOT decoder and the ASB splitter/parser:
// they must never panic, must accept exactly the documented fixed-bit patterns, and every
// ASB frame the splitter yields must parse. Seeds: testdata/fuzz/FuzzDecodeStatus.
func FuzzDecodeStatus(f *testing.F) {
	f.Add([]byte{0x12})
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, b := range data {
			for k := StatusPrinter; k <= StatusPaper; k++ {
				var s Status
				err := DecodeStatus(k, b, &s)
				if (err == nil) != (b&0x93 == 0x12) {
					t.Fatalf("kind %d byte %02X: err %v", k, b, err)
				}
			}
		}
		sc := bufio.NewScanner(bytes.NewReader(data))
		sc.Split(SplitASB)
		for sc.Scan() {
			if _, err := ParseASB(sc.Bytes()); err != nil {
				t.Fatalf("splitter yielded bad frame % X: %v", sc.Bytes(), err)
			}
		}
	})
}

// FuzzAppendText: the text encoder never panics, never emits a control byte other than LF,
// and on CP1251 its output decodes back to the input whenever the report says it was exact.
func FuzzAppendText(f *testing.F) {
	f.Add("Ціна: 10 ₴")
	f.Fuzz(func(t *testing.T, s string) {
		for _, cs := range []Charset{CP1251, CP1125, CP866, CP855, ASCII} {
			var rep Report
			out := AppendText(nil, s, cs, &rep)
			for _, b := range out {
				if b < 0x20 && b != '\n' || b == 0x7F {
					t.Fatalf("%s: control byte %02X in % X", cs, b, out)
				}
			}
			if cs == ASCII && bytes.IndexFunc(out, func(r rune) bool { return r >= 0x80 }) >= 0 {
				t.Fatalf("ascii output has high bytes: % X", out)
			}
			if cs != CP1251 {
				continue
			}
			back := CP1251.Decode(out)
			if strings.ContainsRune(back, utf8.RuneError) {
				t.Fatalf("cp1251 output has an undefined byte: % X", out)
			}
			if rep.Exact() {
				want := strings.NewReplacer("\u00a0", " ", "\u202f", " ").Replace(s)
				if back != want {
					t.Fatalf("exact report but %q decodes to %q", s, back)
				}
			}
			// Re-encoding the decoded text gives the same bytes.
			if again := AppendText(nil, back, CP1251, nil); !bytes.Equal(again, out) {
				t.Fatalf("not idempotent: % X vs % X", out, again)
			}
		}
	})
}

// FuzzParseDocument: user-supplied JSON documents never panic the parser or the encoder.
func FuzzParseDocument(f *testing.F) {
	f.Add([]byte(`{"blocks":[{"type":"text","text":"x"}]}`))
	p, err := LoadProfile("xprinter-xp58")
	if err != nil {
		f.Fatal(err)
	}
	enc := NewEncoder(p)
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 4096 {
			return
		}
		doc, err := ParseDocument(data)
		if err != nil {
			return
		}
		_, _, _ = enc.Encode(doc)
	})
}
