package escpos

import (
	"os"
	"strings"
	"testing"

	"github.com/boombuler/barcode/qr"
)

// TestQRByteCapacity checks the capacity table against an independent QR encoder: n bytes
// fit version v and n+1 bytes need version v+1. Large symbols are slow to encode, so by
// default versions 1-10 (all levels) and 20 (level M) are checked; UAPOS_SLOW=1 checks all 160
// entries (about 8 s; it passed when the table was written).
func TestQRByteCapacity(t *testing.T) {
	full := os.Getenv("UAPOS_SLOW") == "1"
	levels := []qr.ErrorCorrectionLevel{qr.L, qr.M, qr.Q, qr.H}
	for li, lvl := range levels {
		for v := 1; v <= 40; v++ {
			if !full && v > 10 && !(v == 20 && lvl == qr.M) {
				continue
			}
			c := qrByteCapacity[li][v-1]
			for _, n := range []int{c, c + 1} {
				code, err := qr.Encode(strings.Repeat("a", n), lvl, qr.Unicode)
				if v == 40 && n > c {
					if err == nil {
						t.Errorf("level %d: %d bytes encoded beyond version 40", li, n)
					}
					continue
				}
				if err != nil {
					t.Fatalf("level %d v%d n=%d: %v", li, v, n, err)
				}
				want := 17 + 4*v
				if n > c {
					want += 4
				}
				if got := code.Bounds().Dx(); got != want {
					t.Errorf("level %d v%d: %d bytes give %d modules, want %d", li, v, n, got, want)
				}
			}
		}
	}
	if qrModules(107, QRLevelM) != 45 || qrModules(20, QRLevelM) != 25 || qrModules(3000, QRLevelL) != 0 {
		t.Error("qrModules")
	}
}
