package vprinter

import (
	"strings"
	"testing"
)

// ESC $ nL nH (1B 24 nL nH): absolute print position, nL + nH×256 motion units (one dot
// each) from the start of the line. Bytes written by hand:
//
//	1B 40           ESC @
//	41 42           "AB"            font A, 2 × 12 = 24 dots
//	1B 24 F0 00     ESC $ 240       240 = 0xF0 + 0x00×256: "C" at column 240/12 = 20
//	43 0A           "C" LF
//	1B 24 2C 01     ESC $ 300       300 = 0x2C + 0x01×256: "D" at column 25
//	44 0A           "D" LF
//	1B 4D 01        ESC M 1         font B (9-dot cells)
//	45              "E"             9 dots
//	1B 24 5A 00     ESC $ 90        "F" at font B column 90/9 = 10
//	46 0A           "F" LF
//
// Before ESC $ was decoded, nL and nH printed as stray characters (and 00 as a skipped
// control).
func TestAbsolutePosition(t *testing.T) {
	stream := parseHex(t, `
		1B 40 41 42 1B 24 F0 00 43 0A
		1B 24 2C 01 44 0A
		1B 4D 01 45 1B 24 5A 00 46 0A`)
	want := "AB" + strings.Repeat(" ", 18) + "C\n" +
		strings.Repeat(" ", 25) + "D\n" +
		"E" + strings.Repeat(" ", 9) + "F\n"
	for _, n := range []int{len(stream), 1, 2, 3} {
		d, pages := decodeChunked(t, "epson", stream, n)
		if len(pages) != 1 {
			t.Fatalf("chunk %d: %d pages", n, len(pages))
		}
		if got := RenderPlain(pages[0]); got != want {
			t.Fatalf("chunk %d: got\n%q\nwant\n%q", n, got, want)
		}
		if rs := d.Reports(); len(rs) != 0 {
			t.Fatalf("chunk %d: reports\n%s", n, reportLines(rs))
		}
	}

	// On paper: the first line is blank from dot 24 to dot 239, and "C" starts at dot 240.
	pages, _ := Decode(mustLookup(t, "epson"), stream)
	img := RenderImage(pages[0])
	top := tearDots + marginDots
	inkIn := func(x0, x1 int) bool {
		for y := top; y < top+pages[0].Lines[0].Height; y++ {
			for x := x0; x < x1; x++ {
				if r, _, _, _ := img.At(x, y).RGBA(); r < 0x8000 {
					return true
				}
			}
		}
		return false
	}
	if !inkIn(0, 24) || inkIn(24, 240) || !inkIn(240, 252) || inkIn(252, img.Bounds().Dx()) {
		t.Errorf("first line ink: AB %v, gap %v, C %v, after %v", inkIn(0, 24), inkIn(24, 240), inkIn(240, 252),
			inkIn(252, img.Bounds().Dx()))
	}
}

// A position past the print area (ESC $ 0xFFFF) or before the current one is ignored and
// reported; its two parameter bytes never print.
func TestAbsolutePositionIgnored(t *testing.T) {
	stream := parseHex(t, `1B 40 41 1B 24 FF FF 42 1B 24 00 00 43 0A`)
	pages, rs := Decode(mustLookup(t, "epson"), stream)
	if got := RenderPlain(pages[0]); got != "ABC\n" {
		t.Errorf("got %q", got)
	}
	if got := reportLines(rs); !strings.Contains(got, "ESC $: position 65535 past the print area") ||
		!strings.Contains(got, "ESC $: position before the current one") {
		t.Errorf("reports\n%s", got)
	}
}

func mustLookup(t testing.TB, name string) Profile {
	t.Helper()
	p, err := LookupProfile(name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
