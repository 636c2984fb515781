package vprinter

// Round trip against this module's escpos encoder (issue 4 acceptance). This is the only
// file of the package that imports escpos, and only in a test: the decoder itself is written
// from protocols/escpos.md.

import (
	"bytes"
	"image/png"
	"strings"
	"testing"

	"github.com/uapos/uapos/escpos"
)

// encoderProfiles pairs an escpos profile with the vprinter profile of the same numbering
// (both 576 dots, the document's paper_dots).
var encoderProfiles = []struct{ enc, dec string }{
	{"epson-tm-t20", "epson"},     // WPC1251 at 46
	{"xprinter-xp80", "xprinter"}, // FS . then WPC1251 at 23
}

// docLines is the document's printed text, one entry per text line, whitespace collapsed:
// text blocks, columns (left then right), rules (48 x Char); with the encoder's reported
// substitutions applied.
func docLines(doc *escpos.Document, rep escpos.Report) []string {
	var out []string
	add := func(s string) {
		for _, sub := range rep.Inexact {
			s = strings.ReplaceAll(s, string(sub.Rune), sub.With)
		}
		out = append(out, strings.Join(strings.Fields(s), " "))
	}
	for _, b := range doc.Blocks {
		switch b.Type {
		case escpos.BlockText:
			for _, l := range strings.Split(b.Text, "\n") {
				add(l)
			}
		case escpos.BlockColumns:
			add(b.Left + " " + b.Right)
		case escpos.BlockRule:
			c := b.Char
			if c == "" {
				c = "-"
			}
			add(strings.Repeat(c, doc.Columns))
		}
	}
	return out
}

// pageLines is the decoded text lines of a page (graphics and blank lines left out),
// whitespace collapsed.
func pageLines(p *Page) []string {
	var out []string
	for _, l := range p.Lines {
		if l.Kind != LineText {
			continue
		}
		var sb strings.Builder
		for _, s := range l.Segments {
			sb.WriteString(s.Text)
		}
		if f := strings.Fields(sb.String()); len(f) > 0 {
			out = append(out, strings.Join(f, " "))
		}
	}
	return out
}

func TestRoundTripReferenceReceipt(t *testing.T) {
	doc, err := escpos.LoadDocument("../../testdata/bench/reference-receipt.json")
	if err != nil {
		t.Fatal(err)
	}
	var qrData, ean, code128 string
	for _, b := range doc.Blocks {
		switch b.Type {
		case escpos.BlockQR:
			qrData = b.Data
		case escpos.BlockEAN13:
			ean = b.Data
		case escpos.BlockCode128:
			code128 = b.Data
		}
	}
	for _, pp := range encoderProfiles {
		t.Run(pp.enc, func(t *testing.T) {
			ep, err := escpos.LoadProfile(pp.enc)
			if err != nil {
				t.Fatal(err)
			}
			stream, rep, err := escpos.NewEncoder(ep).Encode(doc)
			if err != nil {
				t.Fatal(err)
			}
			// Only ₴ may be substituted on a WPC1251 page (escpos.md §1.2: not in any page).
			if rep.Charset != "cp1251" || len(rep.Inexact) != 1 || rep.Inexact[0].Rune != '₴' {
				t.Fatalf("encoder report %+v", rep)
			}

			// Through the device, as an app would print it.
			s := New(Config{Profile: pp.dec})
			a, b := pipePair()
			done := make(chan error, 1)
			go func() { done <- s.ServeConn(t.Context(), a) }()
			for i := 0; i < len(stream); i += 61 { // odd fragments
				if _, err := b.Write(stream[i:min(i+61, len(stream))]); err != nil {
					t.Fatal(err)
				}
			}
			_ = b.Close()
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			rs := s.Receipts()
			if len(rs) != 1 {
				t.Fatalf("%d receipts", len(rs))
			}
			page := rs[0].Page

			got, want := pageLines(page), docLines(doc, rep)
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Fatalf("decoded text\n%s\n\nwant (document)\n%s\n\nfull decode:\n%s", strings.Join(got, "\n"),
					strings.Join(want, "\n"), rs[0].Text)
			}
			if qrs := page.QRs(); len(qrs) != 1 || string(qrs[0].Data) != qrData || qrs[0].ECC != 'M' || qrs[0].Module != 6 {
				t.Fatalf("QR %+v", qrs)
			}
			bcs := page.Barcodes()
			if len(bcs) != 2 || bcs[0].Symbology != "EAN13" || bcs[0].Text != ean ||
				bcs[1].Symbology != "CODE128" || bcs[1].Text != code128 {
				t.Fatalf("barcodes %+v", bcs)
			}
			if s.Counters().Images == 0 {
				t.Fatal("logo not printed")
			}

			pngBytes, err := rs[0].PNG()
			if err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(bytes.NewReader(pngBytes))
			if err != nil {
				t.Fatal(err)
			}
			if w, h := img.Bounds().Dx(), img.Bounds().Dy(); w != doc.PaperDots || h != page.HeightDots()+2*(marginDots+tearDots) || h < 1000 {
				t.Fatalf("PNG %dx%d", w, h)
			}
		})
	}
}
