package vprinter

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/uapos/uapos/transport"
	"github.com/uapos/uapos/transport/transporttest"
	"golang.org/x/text/encoding/charmap"
)

// parseHex reads a hand-written stream file: hex byte pairs separated by spaces, "quoted"
// ASCII text taken byte for byte, w"..." text in WPC1251 bytes, and # comments to the end
// of the line.
func parseHex(t testing.TB, text string) []byte {
	t.Helper()
	var out []byte
	for ln, line := range strings.Split(text, "\n") {
		for line != "" {
			line = strings.TrimLeft(line, " \t\r")
			switch {
			case line == "":
			case line[0] == '#':
				line = ""
			case strings.HasPrefix(line, `w"`):
				end := strings.IndexByte(line[2:], '"')
				if end < 0 {
					t.Fatalf("line %d: unterminated quote", ln+1)
				}
				enc, err := charmap.Windows1251.NewEncoder().Bytes([]byte(line[2 : 2+end]))
				if err != nil {
					t.Fatalf("line %d: %v", ln+1, err)
				}
				out = append(out, enc...)
				line = line[3+end:]
			case line[0] == '"':
				end := strings.IndexByte(line[1:], '"')
				if end < 0 {
					t.Fatalf("line %d: unterminated quote", ln+1)
				}
				out = append(out, line[1:1+end]...)
				line = line[2+end:]
			default:
				f := line
				if i := strings.IndexAny(line, " \t\r"); i >= 0 {
					f = line[:i]
				}
				v, err := strconv.ParseUint(f, 16, 8)
				if err != nil || len(f) != 2 {
					t.Fatalf("line %d: bad hex byte %q", ln+1, f)
				}
				out = append(out, byte(v))
				line = line[len(f):]
			}
		}
	}
	return out
}

func readHex(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return parseHex(t, string(b))
}

// renderAll renders every page with RenderText, each followed by "=== cut" or
// "=== pending".
func renderAll(pages []*Page) string {
	var sb strings.Builder
	for _, p := range pages {
		sb.WriteString(RenderText(p))
		if p.Cut {
			sb.WriteString("=== cut\n")
		} else {
			sb.WriteString("=== pending\n")
		}
	}
	return sb.String()
}

// bitmapArt draws a bitmap as lines of '#' (black) and '.' (white).
func bitmapArt(b *Bitmap) string {
	var sb strings.Builder
	for y := 0; y < b.H; y++ {
		for x := 0; x < b.W; x++ {
			if b.Black(x, y) {
				sb.WriteByte('#')
			} else {
				sb.WriteByte('.')
			}
		}
		sb.WriteByte('\n')
	}
	return sb.String()
}

func reportLines(rs []Report) string {
	var sb strings.Builder
	for _, r := range rs {
		fmt.Fprintf(&sb, "%s: %s x%d\n", r.Cmd, r.Detail, r.Count)
	}
	return sb.String()
}

// pipePair returns a buffered in-memory link: a for the simulator, b for the test.
func pipePair() (a, b transport.Conn) { return transporttest.Pipe() }
