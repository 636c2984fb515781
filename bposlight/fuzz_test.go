package bposlight

import (
	"bytes"
	"reflect"
	"testing"
)

// FuzzParseFrame is the frame reader: never panics; whatever it accepts re-encodes to the
// same frame when it is in strict form (strict LL, every pair ended by ';': ParseMessage
// tolerates a missing final ';', which the encoder always writes), and whatever it accepts
// re-encodes to a frame that parses back to the same message.
func FuzzParseFrame(f *testing.F) {
	for _, g := range loadGolden(f) {
		f.Add(g.frame)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, tol := range []bool{false, true} {
			m, err := ParseFrame(b, tol)
			if err != nil {
				continue
			}
			if _, err := ResponseFromMessage(m); err != nil {
				_ = err
			}
			again, err := AppendFrame(nil, m)
			if err != nil {
				continue
			}
			if strict := !tol && len(b) > 4 && b[len(b)-2] == ';'; strict && !bytes.Equal(again, b) {
				t.Fatalf("re-encode % x -> % x", b, again)
			}
			if m2, err := ParseFrame(again, false); err != nil || !reflect.DeepEqual(m2, m) {
				t.Fatalf("re-encoded % x parses to %v, %v; want %v", again, m2, err, m)
			}
		}
	})
}

// FuzzParseMessage: the TAG=value parser never panics and what it accepts survives a
// round trip through String.
func FuzzParseMessage(f *testing.F) {
	for _, g := range loadGolden(f) {
		if g.text != "" {
			f.Add([]byte(g.text))
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := ParseMessage(b)
		if err != nil {
			return
		}
		m2, err := ParseMessage([]byte(m.String()))
		if err != nil || m2.String() != m.String() {
			t.Fatalf("round trip %q: %q %v", b, m2.String(), err)
		}
		r, err := ResponseFromMessage(m)
		if err == nil {
			_ = r.Acquirers()
			_, _ = r.Time(nil)
		}
	})
}

// FuzzParseGoods: never panics; what parses and encodes parses back equal.
func FuzzParseGoods(f *testing.F) {
	f.Add("ID:1|NAME:SOMENAME|PRICE:300|COUNT:1000|DISCOUNT:0|UNIT:KG||ID:2|NAME:SOMENAME2|PRICE:350|COUNT:2000|DISCOUNT:0|UNIT:PCS||TOTAL:50000||TYPE:CASHLESS||")
	f.Fuzz(func(t *testing.T, s string) {
		g, err := ParseGoods(s)
		if err != nil {
			return
		}
		enc, err := g.Encode()
		if err != nil {
			return // e.g. non-ASCII names parse but are not encodable
		}
		g2, err := ParseGoods(enc)
		if err != nil || len(g2.Items) != len(g.Items) || g2.Total != g.Total {
			t.Fatalf("round trip %q -> %q: %v", s, enc, err)
		}
	})
}
