package escpos

import (
	"bufio"
	"bytes"
	"os"
	"strconv"
	"strings"
	"testing"
)

const pangram = "Ґанок, їжак, Єва, індик: ҐЄІЇ ґєії"

// Bytes written by hand. Ukrainian letters from the escpos.md §1.2 table ("Byte positions of
// the Ukrainian letters"); the other Cyrillic letters are the standard layouts of the same
// pages (CP1251 а-п = E0-EF; CP866/CP1125 а-п = A0-AF); punctuation is ASCII.
func TestPangramGolden(t *testing.T) {
	cases := []struct {
		cs      Charset
		want    []byte
		inexact []Substitution
	}{
		{CP1251, []byte{
			0xA5, 0xE0, 0xED, 0xEE, 0xEA, ',', ' ', // Ґанок,
			0xBF, 0xE6, 0xE0, 0xEA, ',', ' ', // їжак,
			0xAA, 0xE2, 0xE0, ',', ' ', // Єва,
			0xB3, 0xED, 0xE4, 0xE8, 0xEA, ':', ' ', // індик:
			0xA5, 0xAA, 0xB2, 0xAF, ' ', // ҐЄІЇ
			0xB4, 0xBA, 0xB3, 0xBF, // ґєії
		}, nil},
		{CP1125, []byte{
			0xF2, 0xA0, 0xAD, 0xAE, 0xAA, ',', ' ',
			0xF9, 0xA6, 0xA0, 0xAA, ',', ' ',
			0xF4, 0xA2, 0xA0, ',', ' ',
			0xF7, 0xAD, 0xA4, 0xA8, 0xAA, ':', ' ',
			0xF2, 0xF4, 0xF6, 0xF8, ' ',
			0xF3, 0xF5, 0xF7, 0xF9,
		}, nil},
		// CP866 has Є є Ї ї (F2-F5) but no Ґ ґ І і: documented substitutions Ґ→Г (0x83),
		// ґ→г (0xA3), І→I (Latin 0x49), і→i (Latin 0x69).
		{CP866, []byte{
			0x83, 0xA0, 0xAD, 0xAE, 0xAA, ',', ' ',
			0xF5, 0xA6, 0xA0, 0xAA, ',', ' ',
			0xF2, 0xA2, 0xA0, ',', ' ',
			0x69, 0xAD, 0xA4, 0xA8, 0xAA, ':', ' ',
			0x83, 0xF2, 0x49, 0xF4, ' ',
			0xA3, 0xF3, 0x69, 0xF5,
		}, []Substitution{{'Ґ', "Г", 2}, {'і', "i", 2}, {'І', "I", 1}, {'ґ', "г", 1}}},
	}
	for _, c := range cases {
		var rep Report
		got := AppendText(nil, pangram, c.cs, &rep)
		if !bytes.Equal(got, c.want) {
			t.Errorf("%s:\n got % X\nwant % X", c.cs, got, c.want)
		}
		if len(rep.Inexact) != len(c.inexact) {
			t.Errorf("%s: inexact %v, want %v", c.cs, rep.Inexact, c.inexact)
			continue
		}
		for i := range c.inexact {
			if rep.Inexact[i] != c.inexact[i] {
				t.Errorf("%s: inexact[%d] = %+v, want %+v", c.cs, i, rep.Inexact[i], c.inexact[i])
			}
		}
	}
}

func TestSubstitutions(t *testing.T) {
	var rep Report
	// On CP866: ₴→грн, «»→", —→-, …→..., ’→', NBSP→space (not reported: same glyph); unknown € → '?'.
	got := AppendText(nil, "₴«а»—…’\u00a0€", CP866, &rep)
	want := []byte{0xA3, 0xE0, 0xAD, '"', 0xA0, '"', '-', '.', '.', '.', '\'', ' ', '?'}
	if !bytes.Equal(got, want) {
		t.Errorf("got % X want % X", got, want)
	}
	if len(rep.Inexact) != 7 || rep.Inexact[6].With != "?" {
		t.Errorf("report %+v", rep.Inexact)
	}
	// CP1251 has « » — … ’ (AB BB 97 85 92, escpos.md §1.2 "all"): no substitution, but ₴ still.
	rep = Report{}
	got = AppendText(nil, "«—…’₴»", CP1251, &rep)
	want = []byte{0xAB, 0x97, 0x85, 0x92, 0xE3, 0xF0, 0xED, 0xBB}
	if !bytes.Equal(got, want) {
		t.Errorf("cp1251 got % X want % X", got, want)
	}
	if len(rep.Inexact) != 1 || rep.Inexact[0].Rune != '₴' {
		t.Errorf("cp1251 report %+v", rep.Inexact)
	}
	// Control characters cannot inject commands.
	got = AppendText(nil, "a\x1b@\tb\n", CP1251, nil)
	if !bytes.Equal(got, []byte{'a', '?', '@', ' ', 'b', '\n'}) {
		t.Errorf("controls: % X", got)
	}
}

func TestChooseCharset(t *testing.T) {
	doc := &Document{Blocks: []Block{{Type: BlockText, Text: pangram}}}
	for _, c := range []struct {
		profile string
		cs      Charset
		slot    int
	}{
		{"epson-tm-t20", CP1251, 46}, {"xprinter-xp58", CP1251, 23}, {"zjiang-80", CP1251, 73},
		{"safe", CP866, 17}, {"rongta-rp326", CP1251, 6},
	} {
		p, err := LoadProfile(c.profile)
		if err != nil {
			t.Fatal(err)
		}
		cs, slot := NewEncoder(p).ChooseCharset(doc)
		if cs != c.cs || slot != c.slot {
			t.Errorf("%s: %s/%d, want %s/%d", c.profile, cs, slot, c.cs, c.slot)
		}
	}
	// A profile with only CP1125 and CP866 picks CP1125 (no losses).
	p, _ := LoadProfile("epson-tm-t20")
	delete(p.CodePages, CP1251)
	if cs, slot := NewEncoder(p).ChooseCharset(doc); cs != CP1125 || slot != 44 {
		t.Errorf("without 1251: %s/%d", cs, slot)
	}
	// Forced charset.
	if cs, _ := NewEncoder(p, EncoderConfig{Charset: CP866}).ChooseCharset(doc); cs != CP866 {
		t.Errorf("forced: %s", cs)
	}
}

// TestCP1125Table compares the hand-written table with testdata/cp1125-python.txt, made by
// Python's cp1125 codec (command in the file header).
func TestCP1125Table(t *testing.T) {
	f, err := os.Open("testdata/cp1125-python.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		b, err1 := strconv.ParseUint(fields[0], 16, 8)
		r, err2 := strconv.ParseUint(fields[1], 16, 32)
		if len(fields) != 2 || err1 != nil || err2 != nil || b < 0x80 {
			t.Fatalf("bad line %q", line)
		}
		if got := cp1125High[b-0x80]; got != rune(r) {
			t.Errorf("byte %02X: table has U+%04X, python U+%04X", b, got, r)
		}
		n++
	}
	if n != 128 {
		t.Fatalf("reference has %d entries, want 128", n)
	}
	// And the encoder uses it: decode(encode) round-trips the pangram.
	if got := CP1125.Decode(AppendText(nil, pangram, CP1125, nil)); got != pangram {
		t.Errorf("round trip: %q", got)
	}
}
