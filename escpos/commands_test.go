package escpos

import (
	"bytes"
	"testing"
)

// Golden bytes written by hand from protocols/escpos.md (section in each comment), never
// produced by the builders under test.
func TestCommandGolden(t *testing.T) {
	cases := []struct {
		name string
		got  []byte
		want []byte
	}{
		{"init §1.1", AppendInit(nil), []byte{0x1B, 0x40}},
		{"bold on §1.1", AppendBold(nil, true), []byte{0x1B, 0x45, 0x01}},
		{"bold off §1.1", AppendBold(nil, false), []byte{0x1B, 0x45, 0x00}},
		{"underline 2 §1.1", AppendUnderline(nil, Underline2Dot), []byte{0x1B, 0x2D, 0x02}},
		{"esc ! emph+dh §1.1", AppendPrintMode(nil, ModeEmphasized|ModeDoubleHeight), []byte{0x1B, 0x21, 0x18}},
		{"gs ! 2x2 §1.1", AppendSize(nil, 2, 2), []byte{0x1D, 0x21, 0x11}},
		{"gs ! 8x1 §1.1", AppendSize(nil, 8, 1), []byte{0x1D, 0x21, 0x70}},
		{"gs ! 1x1 §1.1", AppendSize(nil, 1, 1), []byte{0x1D, 0x21, 0x00}},
		{"gs ! clamps 0 §1.1", AppendSize(nil, 0, 9), []byte{0x1D, 0x21, 0x07}},
		{"font B §1.1", AppendFont(nil, FontB), []byte{0x1B, 0x4D, 0x01}},
		{"align center §1.1", AppendAlign(nil, AlignCenter), []byte{0x1B, 0x61, 0x01}},
		{"align right §1.1", AppendAlign(nil, AlignRight), []byte{0x1B, 0x61, 0x02}},
		{"reverse §1.1", AppendReverse(nil, true), []byte{0x1D, 0x42, 0x01}},
		{"esc 2 §1.1", AppendDefaultLineSpacing(nil), []byte{0x1B, 0x32}},
		{"esc 3 24 §1.1", AppendLineSpacing(nil, 24), []byte{0x1B, 0x33, 0x18}},
		{"esc d 3 §1.1", AppendFeedLines(nil, 3), []byte{0x1B, 0x64, 0x03}},
		{"esc J 10 §1.1", AppendFeedUnits(nil, 10), []byte{0x1B, 0x4A, 0x0A}},
		{"cut full A §1.6", AppendCut(nil, CutFull, 0), []byte{0x1D, 0x56, 0x00}},
		{"cut partial A §1.6", AppendCut(nil, CutPartial, 0), []byte{0x1D, 0x56, 0x01}},
		{"cut partial B §1.6", AppendCut(nil, CutPartialFeed, 3), []byte{0x1D, 0x56, 0x42, 0x03}},
		{"cut full B §1.6", AppendCut(nil, CutFullFeed, 0), []byte{0x1D, 0x56, 0x41, 0x00}},
		{"cut D §1.6", AppendCut(nil, CutFullBackFeed, 5), []byte{0x1D, 0x56, 0x67, 0x05}},
		{"esc t 46 §1.2", AppendCodePage(nil, 46), []byte{0x1B, 0x74, 0x2E}},
		{"esc t 23 §1.2", AppendCodePage(nil, 23), []byte{0x1B, 0x74, 0x17}},
		{"fs . §0.2", AppendCancelKanji(nil), []byte{0x1C, 0x2E}},
		{"gs ( D disable §1.3", AppendRealTime(nil, false), []byte{0x1D, 0x28, 0x44, 0x03, 0x00, 0x14, 0x01, 0x00}},
		// Enable form: Epson TM-U220A reference p.74 (b = 1), see AppendRealTime.
		{"gs ( D enable", AppendRealTime(nil, true), []byte{0x1D, 0x28, 0x44, 0x03, 0x00, 0x14, 0x01, 0x01}},
		// escpos.md §1.7: pin 2 m=0, pin 5 m=1; escpos-php pulse 1B 70 30 3C 78 shows t1/t2 bytes.
		{"esc p pin2 §1.7", AppendDrawerKick(nil, 2, 25, 125), []byte{0x1B, 0x70, 0x00, 0x19, 0x7D}},
		{"esc p pin5 §1.7", AppendDrawerKick(nil, 5, 0x3C, 0x78), []byte{0x1B, 0x70, 0x01, 0x3C, 0x78}},
		{"dle dc4 §1.7", AppendDrawerPulse(nil, 2, 1), []byte{0x10, 0x14, 0x01, 0x00, 0x01}},
		{"dle dc4 pin5 clamp §1.7", AppendDrawerPulse(nil, 5, 20), []byte{0x10, 0x14, 0x01, 0x01, 0x08}},
		{"dle eot 1 §1.8", AppendStatusRequest(nil, StatusPrinter), []byte{0x10, 0x04, 0x01}},
		{"dle eot 2 §1.8", AppendStatusRequest(nil, StatusOffline), []byte{0x10, 0x04, 0x02}},
		{"dle eot 3 §1.8", AppendStatusRequest(nil, StatusError), []byte{0x10, 0x04, 0x03}},
		{"dle eot 4 §1.8", AppendStatusRequest(nil, StatusPaper), []byte{0x10, 0x04, 0x04}},
		{"gs a ff §1.8", AppendASB(nil, 0xFF), []byte{0x1D, 0x61, 0xFF}},
		{"gs I 66 §1.8", AppendPrinterID(nil, 66), []byte{0x1D, 0x49, 0x42}},
		{"gs h 80 §1.4", AppendBarcodeHeight(nil, 80), []byte{0x1D, 0x68, 0x50}},
		{"gs w 3 §1.4", AppendBarcodeWidth(nil, 3), []byte{0x1D, 0x77, 0x03}},
		{"gs H below §1.4", AppendHRIPosition(nil, HRIBelow), []byte{0x1D, 0x48, 0x02}},
		{"gs f B §1.4", AppendHRIFont(nil, FontB), []byte{0x1D, 0x66, 0x01}},
		{"qr model 2 §1.5", AppendQRModel(nil, QRModel2), []byte{0x1D, 0x28, 0x6B, 0x04, 0x00, 0x31, 0x41, 0x32, 0x00}},
		{"qr size 6 §1.5", AppendQRSize(nil, 6), []byte{0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x43, 0x06}},
		{"qr ec M §1.5", AppendQRLevel(nil, QRLevelM), []byte{0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x45, 0x31}},
		{"qr ec H §1.5", AppendQRLevel(nil, QRLevelH), []byte{0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x45, 0x33}},
		{"qr print §1.5", AppendQRPrint(nil), []byte{0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x51, 0x30}},
		{"nv print §1.3", must(AppendNVPrint(nil, 'L', 'G', 1, 1)), []byte{0x1D, 0x28, 0x4C, 0x06, 0x00, 0x30, 0x45, 0x4C, 0x47, 0x01, 0x01}},
		{"fs p §1.3", AppendLegacyNVPrint(nil, 1, 0), []byte{0x1C, 0x70, 0x01, 0x00}},
		{"graphics print §1.3", AppendGraphicsPrint(nil), []byte{0x1D, 0x28, 0x4C, 0x02, 0x00, 0x30, 0x32}},
		// ESC $: HPRT TP80K manual p.15 (not in escpos.md), nL nH little-endian.
		{"esc $ 300", AppendPosition(nil, 300), []byte{0x1B, 0x24, 0x2C, 0x01}},
	}
	for _, c := range cases {
		if !bytes.Equal(c.got, c.want) {
			t.Errorf("%s: got % X, want % X", c.name, c.got, c.want)
		}
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

func TestAppendKeepsPrefix(t *testing.T) {
	dst := []byte{0xAA}
	got := AppendBold(dst, true)
	if !bytes.Equal(got, []byte{0xAA, 0x1B, 0x45, 0x01}) {
		t.Fatalf("got % X", got)
	}
}

func TestEnumStrings(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{AlignCenter.String(), "center"}, {FontB.String(), "B"}, {StatusPaper.String(), "paper"},
		{QRLevelQ.String(), "Q"}, {DitherThreshold.String(), "threshold"}, {Align(9).String(), "align(9)"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}
