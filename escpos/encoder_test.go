package escpos

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// A small receipt, bytes written by hand from escpos.md: §1.1 (ESC @, ESC a, ESC E, GS !),
// §1.2 (ESC t 46 = WPC1251 on Epson; CP1251 letters Ц D6 і B3 н ED а E0 Х D5 л EB б E1),
// §1.6 (GS V 66 n).
func TestEncodeSmallReceiptGolden(t *testing.T) {
	doc := &Document{Blocks: []Block{
		{Type: BlockText, Text: "Ціна", Align: "center", Bold: true},
		{Type: BlockColumns, Left: "Хліб", Right: "26,50"},
		{Type: BlockRule},
		{Type: BlockCut},
	}}
	got, rep, err := NewEncoder(mustProfile(t, "epson-tm-t20")).Encode(doc)
	if err != nil {
		t.Fatal(err)
	}
	var want []byte
	want = append(want, 0x1B, 0x40, 0x1B, 0x74, 0x2E) // ESC @, ESC t 46
	want = append(want, 0x1B, 0x61, 0x01, 0x1B, 0x45, 0x01, 0xD6, 0xB3, 0xED, 0xE0, 0x0A)
	// Columns: left align, bold off; 48 columns - 4 - 5 = 39 cells of gap, sent as
	// GS ! 0x70 (8× wide) + 4 spaces (32 cells), GS ! 0x00, 7 spaces.
	want = append(want, 0x1B, 0x61, 0x00, 0x1B, 0x45, 0x00, 0xD5, 0xEB, 0xB3, 0xE1)
	want = append(want, 0x1D, 0x21, 0x70, ' ', ' ', ' ', ' ', 0x1D, 0x21, 0x00)
	want = append(want, []byte("       26,50\n")...)
	want = append(want, bytes.Repeat([]byte{'-'}, 48)...)
	want = append(want, 0x0A, 0x1D, 0x56, 0x42, 0x03)
	if !bytes.Equal(got, want) {
		t.Errorf("got\n% X\nwant\n% X", got, want)
	}
	if rep.Charset != CP1251 || rep.Slot != 46 || !rep.Exact() {
		t.Errorf("report %+v", rep)
	}
}

// Clones: ESC @, FS . (1C 2E, §0.2), ESC t 23 (Xprinter WPC1251, §1.2); no cutter in the
// XP-58 profile, so "cut" feeds (ESC d 4).
func TestEncodeCloneInit(t *testing.T) {
	doc := &Document{Blocks: []Block{{Type: BlockText, Text: "Її"}, {Type: BlockCut}}}
	got, _, err := NewEncoder(mustProfile(t, "xprinter-xp58")).Encode(doc)
	if err != nil {
		t.Fatal(err)
	}
	want := []byte{0x1B, 0x40, 0x1C, 0x2E, 0x1B, 0x74, 0x17, 0xAF, 0xBF, 0x0A, 0x1B, 0x64, 0x04}
	if !bytes.Equal(got, want) {
		t.Errorf("got % X\nwant % X", got, want)
	}
	// A slot read from the self-test page overrides the profile.
	p := mustProfile(t, "xprinter-xp58").WithCodePage(CP1251, 73)
	got, _, _ = NewEncoder(p).Encode(doc)
	if !bytes.HasPrefix(got, []byte{0x1B, 0x40, 0x1C, 0x2E, 0x1B, 0x74, 0x49}) {
		t.Errorf("override: % X", got[:7])
	}
}

func TestEncodeReferenceReceipt(t *testing.T) {
	doc, err := LoadDocument("../testdata/bench/reference-receipt.json")
	if err != nil {
		t.Fatal(err)
	}
	got, rep, err := NewEncoder(mustProfile(t, "epson-tm-t20")).Encode(doc)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Charset != CP1251 || len(rep.Inexact) != 1 || rep.Inexact[0].Rune != '₴' || rep.Images != 1 {
		t.Errorf("report %+v", rep)
	}
	if !bytes.HasPrefix(got, []byte{0x1B, 0x40, 0x1B, 0x74, 0x2E}) {
		t.Errorf("prefix % X", got[:5])
	}
	url := "https://cabinet.tax.gov.ua/cashregs/check?fn=4000123456&id=OTbrl4J6zAQ&sm=1239.57&date=20261123&time=140531"
	n := len(url) + 3
	for name, seq := range map[string][]byte{
		"logo band (GS v 0, 72 bytes × 160 rows)": {0x1D, 0x76, 0x30, 0x00, 0x48, 0x00, 0xA0, 0x00},
		"real-time off": {0x1D, 0x28, 0x44, 0x03, 0x00, 0x14, 0x01, 0x00},
		"qr store":      append([]byte{0x1D, 0x28, 0x6B, byte(n), byte(n >> 8), 0x31, 0x50, 0x30}, url...),
		"ean-13":        append([]byte{0x1D, 0x6B, 0x43, 0x0D}, "4820024700016"...),
		"code128":       {0x1D, 0x6B, 0x49, 0x10, 0x7B, 0x42, 'C', 'H', 'K', '-', '2', '0', '2', '6', '-', 0x7B, 0x43, 0x00, 0x00, 0x2A},
		// "Ґрунт" in CP1251: A5 F0 F3 ED F2.
		"ґрунт": {0xA5, 0xF0, 0xF3, 0xED, 0xF2},
		// "«Гауда»": AB C3 E0 F3 E4 E0 BB.
		"гауда": {0xAB, 0xC3, 0xE0, 0xF3, 0xE4, 0xE0, 0xBB},
	} {
		if !bytes.Contains(got, seq) {
			t.Errorf("missing %s", name)
		}
	}
	if !bytes.HasSuffix(got, []byte{0x1B, 0x64, 0x03, 0x1D, 0x56, 0x42, 0x03}) {
		t.Errorf("suffix % X", got[len(got)-7:])
	}
	if bytes.Contains(got, []byte("\xe2\x82\xb4")) {
		t.Error("raw UTF-8 ₴ on the wire")
	}
}

// ESC $ nL nH (HPRT TP80K manual p.15, 0.125 mm = 1 dot) on a profile with "position": the
// right column of 5 cells starts at cell 43 of 48 = dot 43×12 = 516 = 0x0204.
func TestEncodePositioned(t *testing.T) {
	doc := &Document{Blocks: []Block{{Type: BlockColumns, Left: "Sum", Right: "26,50"}}}
	got, _, err := NewEncoder(mustProfile(t, "hprt-tp80k")).Encode(doc)
	if err != nil {
		t.Fatal(err)
	}
	want := []byte{0x1B, 0x40, 0x1B, 0x74, 0x11, 'S', 'u', 'm', 0x1B, 0x24, 0x04, 0x02, '2', '6', ',', '5', '0', 0x0A}
	if !bytes.Equal(got, want) {
		t.Errorf("got % X\nwant % X", got, want)
	}
}

// The reference receipt says 48 columns; on a 58 mm printer (32 columns) it must still fit.
func TestReferenceOnNarrowPaper(t *testing.T) {
	doc, err := LoadDocument("../testdata/bench/reference-receipt.json")
	if err != nil {
		t.Fatal(err)
	}
	got, _, err := NewEncoder(mustProfile(t, "xprinter-xp58")).Encode(doc)
	if err != nil {
		t.Fatal(err)
	}
	rule := append(append([]byte{0x0A}, bytes.Repeat([]byte{'-'}, 32)...), 0x0A)
	if !bytes.Contains(got, rule) || bytes.Contains(got, bytes.Repeat([]byte{'-'}, 33)) {
		t.Error("rule is not 32 dashes")
	}
	// The logo is scaled to 384 dots: GS v 0 with 48 bytes per row.
	if !bytes.Contains(got, []byte{0x1D, 0x76, 0x30, 0x00, 0x30, 0x00}) {
		t.Error("logo not scaled to 384 dots")
	}
}

func TestSlipAndFiscal(t *testing.T) {
	slip := "ПРИВАТБАНК\nDNIPRO\r\n========================\nСУМА: 20.00 ГРН\n\n"
	doc := &Document{Blocks: []Block{
		{Type: BlockSlip, Text: slip, Align: "center"},
		{Type: BlockFiscal, Text: "ФН 4000123456\nЧЕК 42", Data: "https://tax.gov.ua/x", Size: 10},
	}}
	got, _, err := NewEncoder(mustProfile(t, "xprinter-xp58")).Encode(doc)
	if err != nil {
		t.Fatal(err)
	}
	// 32 columns, widest slip line 24 → (32-24)/2 = 4 spaces before every line; the block is
	// left-aligned as a whole so the "=" line stays under the text.
	pad := "    "
	for _, line := range []string{pad + "DNIPRO\n", pad + "========================\n"} {
		if !bytes.Contains(got, []byte(line)) {
			t.Errorf("missing %q", line)
		}
	}
	// "ПРИВАТБАНК" in CP1251 (П CF Р D0 И C8 В C2 А C0 Т D2 Б C1 Н CD К CA) with the pad.
	if !bytes.Contains(got, append([]byte(pad), 0xCF, 0xD0, 0xC8, 0xC2, 0xC0, 0xD2, 0xC1, 0xC0, 0xCD, 0xCA, 0x0A)) {
		t.Error("missing ПРИВАТБАНК line")
	}
	// Fiscal QR: 20 bytes at level M is version 2 (25 modules) + 8 quiet = 33; within 3/5 of
	// 384 dots (230) the largest module is 6 (198 dots), not the requested 10.
	if !bytes.Contains(got, []byte{0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x43, 0x06}) {
		t.Error("fiscal QR module size not fitted to 6")
	}
	if !bytes.Contains(got, []byte{0x1B, 0x61, 0x01, 0x1D, 0x28, 0x6B, 0x04, 0x00, 0x31, 0x41, 0x32, 0x00}) {
		t.Error("fiscal QR not centred")
	}
	// Long slip lines wrap at the paper width.
	long := strings.Repeat("Х", 40)
	got, _, _ = NewEncoder(mustProfile(t, "xprinter-xp58")).Encode(&Document{Blocks: []Block{{Type: BlockSlip, Text: long}}})
	if !bytes.Contains(got, append(bytes.Repeat([]byte{0xD5}, 32), 0x0A)) || !bytes.Contains(got, append([]byte{0x0A}, append(bytes.Repeat([]byte{0xD5}, 8), 0x0A)...)) {
		t.Errorf("wrap: % X", got)
	}
}

func TestRasterFallbacks(t *testing.T) {
	// The safe profile has no native QR/barcodes: they go out as GS v 0 with HRI text.
	doc := &Document{Blocks: []Block{
		{Type: BlockQR, Data: "hello"},
		{Type: BlockEAN13, Data: "4820024700016"},
		{Type: BlockCode128, Data: "CHK-1"},
	}}
	got, rep, err := NewEncoder(mustProfile(t, "safe")).Encode(doc)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Images != 3 || bytes.Contains(got, []byte{0x1D, 0x28, 0x6B}) || bytes.Contains(got, []byte{0x1D, 0x6B}) {
		t.Errorf("images %d; native commands present", rep.Images)
	}
	if !bytes.Contains(got, []byte("4820024700016\n")) || !bytes.Contains(got, []byte("CHK-1\n")) {
		t.Error("HRI text missing")
	}
}

func TestEncodeErrors(t *testing.T) {
	enc := NewEncoder(mustProfile(t, "epson-tm-t20"))
	for name, b := range map[string]Block{
		"type":   {Type: "banner"},
		"ean":    {Type: BlockEAN13, Data: "4820024700017"},
		"align":  {Type: BlockText, Text: "x", Align: "middle"},
		"image":  {Type: BlockImage, File: "x.png"},
		"drawer": {Type: BlockDrawer, Pin: 3},
		"qr ec":  {Type: BlockQR, Data: "x", EC: "Z"},
	} {
		_, _, err := enc.Encode(&Document{Blocks: []Block{b}})
		if err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	_, _, err := enc.Encode(&Document{Blocks: []Block{{Type: BlockEAN13, Data: "1"}}})
	if !errors.Is(err, ErrBarcode) {
		t.Errorf("ean error %v does not wrap ErrBarcode", err)
	}
	if _, err := ParseDocument([]byte(`{"blocks":[{"type":"text","colour":"red"}]}`)); !errors.Is(err, ErrDocument) {
		t.Errorf("unknown field: %v", err)
	}
}

func TestProfiles(t *testing.T) {
	names := Profiles()
	if len(names) < 11 {
		t.Fatalf("profiles %v", names)
	}
	for _, n := range names {
		p, err := LoadProfile(n)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := p.Slot(CP866); !ok {
			t.Errorf("%s has no CP866 slot", n)
		}
	}
	// Slots from escpos.md §1.2.
	for _, c := range []struct {
		name string
		cs   Charset
		slot byte
	}{
		{"epson-tm-t20", CP1251, 46}, {"epson-tm-t20", CP1125, 44}, {"epson-tm-t20", CP866, 17},
		{"epson-tm-m30", CP1125, 44}, {"xprinter-xp80", CP1251, 23}, {"zjiang-58", CP1251, 73},
		{"rongta-rp326", CP866, 7}, {"bixolon-srp350", CP1251, 28}, {"safe", CP866, 17},
	} {
		if s, ok := mustProfile(t, c.name).Slot(c.cs); !ok || s != c.slot {
			t.Errorf("%s %s = %d %v, want %d", c.name, c.cs, s, ok, c.slot)
		}
	}
	if _, err := LoadProfile("nope"); !errors.Is(err, ErrUnknownProfile) {
		t.Errorf("unknown: %v", err)
	}
	// Profiles are fresh copies: changing one does not leak.
	p := mustProfile(t, "safe")
	p.CodePages[CP1251] = 1
	if _, ok := mustProfile(t, "safe").Slot(CP1251); ok {
		t.Error("profile mutation leaked")
	}
	if _, err := ParseProfile([]byte(`{"name":"x","dots":384,"code_pages":{"koi8":1}}`)); err == nil {
		t.Error("unknown charset accepted")
	}
}

// A native QR followed by an EAN-13, bytes written by hand from escpos.md: §1.1 (ESC @,
// ESC a 1, ESC J n), §1.2 (ESC t 46), §1.5 (fn 165 model 2, fn 167 size 6, fn 169 M, fn 180
// store with pL = 5+3, fn 181 print), §1.4 (GS h 80, GS w 3, GS H 2, GS k 67 13 digits).
// §1.5 fn 182 says the printed symbol is cells·module size dots, quiet zone not included,
// so the encoder feeds 4 modules (ESC J 24) after fn 181: without it the barcode's bars
// print right against the QR's last row.
func TestEncodeQRThenEAN13Golden(t *testing.T) {
	doc := &Document{Blocks: []Block{
		{Type: BlockQR, Data: "UAPOS", Size: 6, EC: "M", Align: "center"},
		{Type: BlockEAN13, Data: "4820024700016", Align: "center"},
	}}
	got, _, err := NewEncoder(mustProfile(t, "epson-tm-t20")).Encode(doc)
	if err != nil {
		t.Fatal(err)
	}
	var want []byte
	want = append(want, 0x1B, 0x40, 0x1B, 0x74, 0x2E) // ESC @, ESC t 46
	want = append(want, 0x1B, 0x61, 0x01)             // ESC a 1 (centre)
	want = append(want, 0x1D, 0x28, 0x6B, 0x04, 0x00, 0x31, 0x41, 0x32, 0x00)
	want = append(want, 0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x43, 0x06)
	want = append(want, 0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x45, 0x31)
	want = append(want, 0x1D, 0x28, 0x6B, 0x08, 0x00, 0x31, 0x50, 0x30, 'U', 'A', 'P', 'O', 'S')
	want = append(want, 0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x51, 0x30)
	want = append(want, 0x1B, 0x4A, 0x18) // ESC J 24: quiet zone below
	want = append(want, 0x1D, 0x68, 0x50, 0x1D, 0x77, 0x03, 0x1D, 0x48, 0x02)
	want = append(want, 0x1D, 0x6B, 0x43, 0x0D)
	want = append(want, "4820024700016"...)
	if !bytes.Equal(got, want) {
		t.Errorf("got\n% X\nwant\n% X", got, want)
	}
}
