package privatsim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// This file is the simulator's own wire code, written from privatjson.md §1.2 and §2, not
// from the privatjson package: frames end with 0x00; the handshake has an extra leading 0x00;
// empty frames and whitespace around frames are skipped.

const maxRequest = 64 << 10 // requests are small; a longer frame is dropped

var errTooLong = errors.New("privatsim: request frame too long")

// frameReader splits the stream on every 0x00.
type frameReader struct {
	r    io.Reader
	buf  []byte
	tmp  []byte
	skip bool
}

func newFrameReader(r io.Reader) *frameReader {
	return &frameReader{r: r, tmp: make([]byte, 4096)}
}

func (f *frameReader) next() ([]byte, error) {
	for {
		if i := bytes.IndexByte(f.buf, 0); i >= 0 {
			frame := bytes.TrimSpace(f.buf[:i])
			f.buf = f.buf[i+1:]
			if f.skip {
				f.skip = false
				continue
			}
			if len(frame) == 0 {
				continue
			}
			out := make([]byte, len(frame))
			copy(out, frame)
			return out, nil
		}
		if len(f.buf) > maxRequest {
			f.buf, f.skip = f.buf[:0], true
		}
		n, err := f.r.Read(f.tmp)
		f.buf = append(f.buf, f.tmp[:n]...)
		if err != nil {
			return nil, err
		}
	}
}

// request is an incoming message, read tolerantly: params may be null or hold numbers.
type request struct {
	Method string
	Params map[string]string
	HasKey map[string]bool
}

func parseRequest(b []byte) (*request, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(b, &top); err != nil {
		return nil, err
	}
	r := &request{Params: map[string]string{}, HasKey: map[string]bool{}}
	for k, v := range top {
		switch strings.ToLower(k) {
		case "method":
			var s string
			json.Unmarshal(v, &s)
			r.Method = strings.TrimSpace(s)
		case "params":
			var p map[string]any
			if json.Unmarshal(v, &p) == nil {
				for pk, pv := range p {
					r.HasKey[pk] = true
					switch x := pv.(type) {
					case nil:
						r.Params[pk] = ""
					case string:
						r.Params[pk] = x
					default:
						r.Params[pk] = fmt.Sprint(x)
					}
				}
			}
		}
	}
	if r.Method == "" {
		return r, errNoMethod
	}
	return r, nil
}

// errNoMethod: the frame is a JSON object without a (string) method. The session answers it
// methodNotImplemented rather than with silence (see session.serve).
var errNoMethod = errors.New("privatsim: no method")

// reply is an outgoing message in the envelope of spec §4. Error text goes under
// "errorDescription", the key of the envelope (§4), the interrupt example (§6.2) and the
// invalid-amount example (§5.1.1); the misspelt "errorDecsription" of the §4 short-form
// example is not sent, because clients that read the spec's key would show no text.
type reply struct {
	Method string            `json:"method"`
	Step   int               `json:"step"`
	Params map[string]string `json:"params"`
	Error  bool              `json:"error"`
	Desc   string            `json:"errorDescription"`
}

func encode(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
	out := bytes.TrimRight(b.Bytes(), "\n")
	return append(out, 0)
}

func service(msgType string, extra map[string]string) reply {
	p := map[string]string{"msgType": msgType}
	for k, v := range extra {
		p[k] = v
	}
	return reply{Method: "ServiceMessage", Params: p}
}
