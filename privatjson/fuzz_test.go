package privatjson

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzReadFrames drives the frame splitter and the JSON decoder with hostile bytes: no
// panics, frames bounded and free of 0x00, the FrameReader and the SplitFunc agree, and a
// decoded message survives a re-encode of its method and params.
func FuzzReadFrames(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "golden", "*.json"))
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(append(b, 0))
		}
	}
	const max = 512
	f.Fuzz(func(t *testing.T, data []byte) {
		fr := NewFrameReader(bytes.NewReader(data), max)
		var got [][]byte
		for {
			fb, err := fr.ReadFrame()
			if errors.Is(err, ErrFrameTooLarge) {
				got = append(got, nil)
				continue
			}
			if err != nil {
				break
			}
			if len(fb) > max || bytes.IndexByte(fb, 0) >= 0 {
				t.Fatalf("bad frame %q", fb)
			}
			got = append(got, append([]byte(nil), fb...))
			m, err := ParseMessage(fb)
			if err != nil {
				continue
			}
			var params []Param
			for k, v := range m.Params {
				params = append(params, Param{k, v})
			}
			again, err := ParseMessage(AppendRequest(nil, Request{Method: m.Method, Params: params}))
			if err != nil {
				t.Fatalf("re-encoded message does not parse: %v", err)
			}
			for k, v := range m.Params {
				if again.Params[k] != v && !bytes.ContainsRune([]byte(v), 0xFFFD) {
					t.Fatalf("param %q: %q -> %q", k, v, again.Params[k])
				}
			}
		}
		// The split function yields the same frames up to its first error.
		sc := bufio.NewScanner(bytes.NewReader(data))
		sc.Buffer(make([]byte, 0, 64), 4*max)
		sc.Split(SplitFunc(max))
		i := 0
		for sc.Scan() {
			if i >= len(got) || !bytes.Equal(sc.Bytes(), got[i]) {
				t.Fatalf("frame %d: split %q, reader %q", i, sc.Bytes(), got)
			}
			i++
		}
	})
}
