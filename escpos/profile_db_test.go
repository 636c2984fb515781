package escpos

import (
	"bytes"
	"flag"
	"os"
	"strings"
	"testing"
)

// The expected values below were written by hand from the files of
// receipt-print-hq/escpos-printer-db (data/profile/*.yml at commit fe07c81, 2026-07-27),
// resolving "inherits" as the DB's scripts/collate.py does (whole keys replaced, features
// merged). They are not generated from profiles.json.
type dbFacts struct {
	dots, fontA, fontB int
	pages              map[Charset]byte
	qr, barcode        bool // features qrCode, barcodeB
}

var dbExpect = map[string]dbFacts{
	// TM-T20II.yml / TM-T20III.yml: 576 px, Font A 48, Font B 64; 17 CP866, 34 CP855,
	// 44 CP1125, 46 CP1251; features from default.yml.
	"epson-tm-t20": {576, 48, 64, map[Charset]byte{CP866: 17, CP855: 34, CP1125: 44, CP1251: 46}, true, true},
	// TM-T88V.yml: 512 px, 42/56; 17, 34 CP855, 46; no 44.
	"epson-tm-t88": {512, 42, 56, map[Charset]byte{CP866: 17, CP855: 34, CP1251: 46}, true, true},
	// TM-T88IV.yml: 512 px, 42/56; Cyrillic only 17.
	"epson-tm-t88iv": {512, 42, 56, map[Charset]byte{CP866: 17}, true, true},
	// TM-T88III.yml: 512 px, 42/56; "6: CP1251", "17: CP866".
	"epson-tm-t88iii": {512, 42, 56, map[Charset]byte{CP866: 17, CP1251: 6}, true, true},
	// TM-T88II.yml: 512 px, 42/56; 17, 34, 44, 46.
	"epson-tm-t88ii": {512, 42, 56, map[Charset]byte{CP866: 17, CP855: 34, CP1125: 44, CP1251: 46}, true, true},
	// TM-T70.yml: 512 px, 42/56; "17: CP866 # Cyrillic #2" only; qrCode, barcodeB true.
	"epson-tm-t70": {512, 42, 56, map[Charset]byte{CP866: 17}, true, true},
	// TM-T70II.yml (inherits TM-T70): 17, 34, 44 "Ukranian", 46.
	"epson-tm-t70ii": {512, 42, 56, map[Charset]byte{CP866: 17, CP855: 34, CP1125: 44, CP1251: 46}, true, true},
	// TM-L90.yml: 576 px, 48/64; 17, 34, 44, 46.
	"epson-tm-l90": {576, 48, 64, map[Charset]byte{CP866: 17, CP855: 34, CP1125: 44, CP1251: 46}, true, true},
	// TM-P80.yml: 576 px, Font A 42, Font B 56 (Kanji 24); code pages from default.yml.
	"epson-tm-p80": {576, 42, 56, map[Charset]byte{CP866: 17, CP855: 34, CP1125: 44, CP1251: 46}, true, true},
	// TM-m30III.yml: 576 px, Font A 48, Font B 57, Font C 64; 17, 34, 44, 46.
	"epson-tm-m30": {576, 48, 57, map[Charset]byte{CP866: 17, CP855: 34, CP1125: 44, CP1251: 46}, true, true},
	// CT-S651.yml: 640 px, 48/64 (Font C 72); "7: CP866", "17: CP866"; lowest taken.
	"citizen-ct-s651": {640, 48, 64, map[Charset]byte{CP866: 7}, true, true},
	// RP-F10-80mm.yml: 576 px, 48/72; 17, 34 (default), 46 (default).
	"seiko-rp-f10-80": {576, 48, 72, map[Charset]byte{CP866: 17, CP855: 34, CP1251: 46}, true, true},
	// RP-F10-58mm.yml: 432 px, 36/54.
	"seiko-rp-f10-58": {432, 36, 54, map[Charset]byte{CP866: 17, CP855: 34, CP1251: 46}, true, true},
	// Sunmi-V2.yml: 384 px, 32/42; "17: CP866", 34 and 254 CP855.
	"sunmi-v2": {384, 32, 42, map[Charset]byte{CP866: 17, CP855: 34}, true, true},
	// KR-306.yml: 576 px, 48/64; CP866 at 12 and 37, "38: CP855", "51: CP1251".
	"kefar-kr306": {576, 48, 64, map[Charset]byte{CP866: 12, CP855: 38, CP1251: 51}, true, true},
	// YHD-8390.yml: 640 px, 48/64; "12: CP866", "18: CP1251".
	"yhd-8390": {640, 48, 64, map[Charset]byte{CP866: 12, CP1251: 18}, true, true},
	// TSP600.yml (inherits SP2000): 576 px; SP2000 "10: CP866", "11: CP855", "34: CP1251".
	"star-tsp600": {576, 42, 56, map[Charset]byte{CP866: 10, CP855: 11, CP1251: 34}, true, true},
	// TSP800.yml: 833 px.
	"star-tsp800": {833, 42, 56, map[Charset]byte{CP866: 10, CP855: 11, CP1251: 34}, true, true},
	// POS-5890.yml (inherits simple.yml: qrCode false, barcodeB false): 384 px, 32/42;
	// 17 and 59 CP866, 60 CP855, 73 CP1251.
	"zjiang-58": {384, 32, 42, map[Charset]byte{CP866: 17, CP855: 60, CP1251: 73}, false, false},
	// P822D.yml (fonts from default.yml: 42/56), 576 px; same numbering as POS-5890.
	"zjiang-80": {576, 42, 56, map[Charset]byte{CP866: 17, CP855: 60, CP1251: 73}, true, true},
	// RP326.yml / RP332.yml: "6: CP1251", "7: CP866", "28: CP855"; fonts 42/56. Dots are not
	// in the DB (576 is the profile's own).
	"rongta-rp326": {576, 42, 56, map[Charset]byte{CP866: 7, CP855: 28, CP1251: 6}, true, true},
}

func TestProfilesFollowDB(t *testing.T) {
	for name, want := range dbExpect {
		p := mustProfile(t, name)
		if p.Dots != want.dots || p.Columns(FontA) != want.fontA || p.Columns(FontB) != want.fontB {
			t.Errorf("%s: %d dots, %d/%d columns; DB %d, %d/%d", name, p.Dots, p.Columns(FontA), p.Columns(FontB),
				want.dots, want.fontA, want.fontB)
		}
		if len(p.CodePages) != len(want.pages) {
			t.Errorf("%s: code pages %v, DB %v", name, p.CodePages, want.pages)
		}
		for cs, slot := range want.pages {
			if s, ok := p.Slot(cs); !ok || s != slot {
				t.Errorf("%s: %s at %d (%v), DB %d", name, cs, s, ok, slot)
			}
			if p.IsProvisional(cs) && name != "yhd-8390" {
				t.Errorf("%s: %s marked provisional but the DB lists it", name, cs)
			}
		}
		if p.NativeQR != want.qr || p.NativeBarcode != want.barcode {
			t.Errorf("%s: native QR %v barcode %v; DB qrCode %v barcodeB %v", name, p.NativeQR, p.NativeBarcode, want.qr, want.barcode)
		}
		if !strings.HasPrefix(p.Source, "escpos-printer-db ") {
			t.Errorf("%s: source %q does not name the DB file", name, p.Source)
		}
	}
}

// Issue 19 item 7, one check per correction.
func TestProfileCorrections(t *testing.T) {
	// zjiang-58 = POS-5890, which inherits simple.yml: no GS ( k, no GS k.
	z := mustProfile(t, "zjiang-58")
	if z.NativeQR || z.NativeBarcode {
		t.Errorf("zjiang-58 native QR %v barcode %v", z.NativeQR, z.NativeBarcode)
	}
	doc := &Document{Blocks: []Block{
		{Type: BlockQR, Data: "UAPOS"},
		{Type: BlockEAN13, Data: "4820024700016"},
		{Type: BlockCode128, Data: "UA1"},
	}}
	out, rep, err := NewEncoder(z).Encode(doc)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(out, []byte{0x1D, 0x28, 0x6B}) || bytes.Contains(out, []byte{0x1D, 0x6B}) {
		t.Error("zjiang-58: GS ( k or GS k on the wire")
	}
	if c := bytes.Count(out, []byte{0x1D, 0x76, 0x30}); c < 3 || rep.Images != 3 {
		t.Errorf("zjiang-58: %d GS v 0, %d images; want the QR and both barcodes as rasters", c, rep.Images)
	}
	// TM-T88V.yml: "34: CP855".
	if s, ok := mustProfile(t, "epson-tm-t88").Slot(CP855); !ok || s != 34 {
		t.Errorf("epson-tm-t88 CP855 = %d %v", s, ok)
	}
	if _, ok := mustProfile(t, "epson-tm-t88").Slot(CP1125); ok {
		t.Error("epson-tm-t88 has CP1125; TM-T88V.yml has no 44")
	}
	// TM-m30III.yml: Font B 57 (64 is Font C).
	if c := mustProfile(t, "epson-tm-m30").Columns(FontB); c != 57 {
		t.Errorf("epson-tm-m30 font B = %d", c)
	}
	// RP326/RP332 and P822D: 42/56.
	for _, n := range []string{"rongta-rp326", "zjiang-80"} {
		p := mustProfile(t, n)
		if p.Columns(FontA) != 42 || p.Columns(FontB) != 56 {
			t.Errorf("%s columns %d/%d", n, p.Columns(FontA), p.Columns(FontB))
		}
	}
	// TM-T88III.yml: "6: CP1251".
	if s, ok := mustProfile(t, "epson-tm-t88iii").Slot(CP1251); !ok || s != 6 {
		t.Errorf("epson-tm-t88iii CP1251 = %d %v", s, ok)
	}
	// No DB file has an SRP-350: its CP1251 slot is provisional, CP866 is not claimed either way.
	b := mustProfile(t, "bixolon-srp350")
	if !b.IsProvisional(CP1251) {
		t.Error("bixolon-srp350 CP1251 not provisional")
	}
	if b.WithCodePage(CP1251, 28).IsProvisional(CP1251) {
		t.Error("a slot set by the user stays provisional")
	}
	md, err := ProfilesMarkdown()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(md, "| bixolon-srp350 | Bixolon SRP-350 family | cp1251=28 (provisional), cp866=17 |") {
		t.Errorf("bixolon row not provisional in\n%s", md)
	}
}

// Star profiles select the table with ESC GS t n (escpos.md §1.2): 1B 1D 74 22 = 34 (CP1251
// in SP2000.yml).
func TestStarCodePage(t *testing.T) {
	out, _, err := NewEncoder(mustProfile(t, "star-tsp600")).Encode(&Document{Blocks: []Block{{Type: BlockText, Text: "Ґанок"}}})
	if err != nil {
		t.Fatal(err)
	}
	want := []byte{0x1B, 0x40, 0x1B, 0x1D, 0x74, 0x22, 0xA5, 0xE0, 0xED, 0xEE, 0xEA, 0x0A}
	if !bytes.Equal(out, want) {
		t.Errorf("got % X\nwant % X", out, want)
	}
}

func TestProfilesHaveSource(t *testing.T) {
	names := Profiles()
	if len(names) < 25 {
		t.Fatalf("%d profiles: %v", len(names), names)
	}
	for _, n := range names {
		p := mustProfile(t, n)
		switch {
		case strings.HasPrefix(p.Source, "escpos-printer-db ") && strings.Contains(p.Source, ".yml"):
		case strings.HasPrefix(p.Source, "not in DB: ") && len(p.Source) > len("not in DB: "):
			// A model the DB lacks: its slots are the provisional ones, except the safe CP866.
			if len(p.Provisional) == 0 {
				t.Errorf("%s: not in DB but no provisional slot", n)
			}
		default:
			t.Errorf("%s: source %q", n, p.Source)
		}
		if p.Notes == "" {
			t.Errorf("%s: no notes", n)
		}
	}
}

var updateProfilesDoc = flag.Bool("update-profiles-doc", false, "rewrite the table in ../README.md")

const (
	docBegin = "<!-- profiles:begin (generated by escpos.ProfilesMarkdown) -->\n"
	docEnd   = "<!-- profiles:end -->\n"
)

// The README carries the current table between the markers.
func TestProfilesMarkdownDoc(t *testing.T) {
	md, err := ProfilesMarkdown()
	if err != nil {
		t.Fatal(err)
	}
	const path = "../README.md"
	doc, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := string(doc)
	i, j := strings.Index(s, docBegin), strings.Index(s, docEnd)
	if i < 0 || j < i {
		t.Fatalf("%s: no %q ... %q markers", path, docBegin, docEnd)
	}
	got := s[i+len(docBegin) : j]
	if got == md {
		return
	}
	if *updateProfilesDoc {
		if err := os.WriteFile(path, []byte(s[:i+len(docBegin)]+md+s[j:]), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("%s is stale (go test ./escpos -run ProfilesMarkdownDoc -update-profiles-doc):\nhave\n%s\nwant\n%s", path, got, md)
}
