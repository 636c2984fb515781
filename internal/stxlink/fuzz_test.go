package stxlink

import (
	"bufio"
	"bytes"
	"testing"
)

// FuzzParseFrame: ParseFrame never panics, and whatever it accepts re-encodes to the same
// bytes (strict) and respects the size limit.
func FuzzParseFrame(f *testing.F) {
	f.Add(conFrame)
	f.Add(liteFrame)
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, fm := range []Format{{}, {Tolerant: true, LRC: LRCEither}, {MaxData: 16}} {
			data, err := fm.ParseFrame(b)
			if err != nil {
				continue
			}
			if len(data) == 0 || len(data) > fm.maxData() {
				t.Fatalf("accepted data of length %d", len(data))
			}
			if fm == (Format{}) {
				again, err := fm.AppendFrame(nil, data)
				if err != nil || !bytes.Equal(again, b) {
					t.Fatalf("round trip: % x -> % x (%v)", b, again, err)
				}
			}
		}
	})
}

// FuzzSplit: the splitter never panics, always makes progress, and every frame token it
// yields has the length its LL announces.
func FuzzSplit(f *testing.F) {
	f.Add(append(append([]byte{ACK}, conFrame...), NAK, EOT))
	f.Add(liteFrame)
	f.Fuzz(func(t *testing.T, b []byte) {
		sc := bufio.NewScanner(bytes.NewReader(b))
		sc.Buffer(make([]byte, 0, 64), DefaultMaxData+8)
		sc.Split(Format{}.Split)
		total := 0
		for sc.Scan() {
			tok := sc.Bytes()
			total += len(tok)
			if tok[0] == STX && len(tok) != int(tok[1])<<8|int(tok[2])+4 {
				t.Fatalf("frame token % x has the wrong length", tok)
			}
		}
		if total > len(b) {
			t.Fatalf("tokens longer than input")
		}
	})
}
