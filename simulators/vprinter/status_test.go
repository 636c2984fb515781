package vprinter

import "testing"

// Expected bytes worked out by hand from the bit tables of protocols/escpos.md §1.8:
// DLE EOT replies are 0xx1xx10 (0x12 base); n=1 bit2 drawer pin 3 HIGH, bit3 offline;
// n=2 bit2 cover open, bit5 paper end stop; n=4 bits 2+3 near-end (0x0C), bits 5+6 paper
// end (0x60). ASB byte 1 0xx1xx00 (0x10 base) b2 drawer, b3 offline, b5 cover; byte 3
// b0+b1 near-end, b2+b3 roll end.
var statusTable = []struct {
	name string
	st   State
	eot  [4]byte
	asb  [4]byte
}{
	{"all clear", State{}, [4]byte{0x12, 0x12, 0x12, 0x12}, [4]byte{0x10, 0, 0, 0}},
	{"drawer open", State{DrawerOpen: true}, [4]byte{0x16, 0x12, 0x12, 0x12}, [4]byte{0x14, 0, 0, 0}},
	{"drawer open, low polarity", State{DrawerOpen: true, DrawerOpenLow: true}, [4]byte{0x12, 0x12, 0x12, 0x12}, [4]byte{0x10, 0, 0, 0}},
	{"drawer closed, low polarity", State{DrawerOpenLow: true}, [4]byte{0x16, 0x12, 0x12, 0x12}, [4]byte{0x14, 0, 0, 0}},
	{"offline switch", State{Offline: true}, [4]byte{0x1A, 0x12, 0x12, 0x12}, [4]byte{0x18, 0, 0, 0}},
	{"cover open", State{CoverOpen: true}, [4]byte{0x1A, 0x16, 0x12, 0x12}, [4]byte{0x38, 0, 0, 0}},
	{"paper near end", State{Paper: PaperNearEnd}, [4]byte{0x12, 0x12, 0x12, 0x1E}, [4]byte{0x10, 0, 0x03, 0}},
	{"paper out", State{Paper: PaperOut}, [4]byte{0x1A, 0x32, 0x12, 0x72}, [4]byte{0x18, 0, 0x0C, 0}},
}

func TestStatusBitTables(t *testing.T) {
	for _, tc := range statusTable {
		for n := byte(1); n <= 4; n++ {
			got, ok := tc.st.DLEEOT(n)
			if !ok || got != tc.eot[n-1] {
				t.Errorf("%s: DLE EOT %d = %02X, want %02X", tc.name, n, got, tc.eot[n-1])
			}
			if got&0x93 != 0x12 {
				t.Errorf("%s: DLE EOT %d = %02X breaks the 0xx1xx10 pattern", tc.name, n, got)
			}
		}
		if got := tc.st.ASB(); got != tc.asb {
			t.Errorf("%s: ASB % X, want % X", tc.name, got, tc.asb)
		}
	}
	if _, ok := (State{}).DLEEOT(5); ok {
		t.Error("DLE EOT 5 answered")
	}
}
