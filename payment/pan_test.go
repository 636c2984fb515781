package payment

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestMaskPAN(t *testing.T) {
	cases := map[string]string{
		"4" + strings.Repeat("0", 14) + "2": "400000XXXXXX0002",
		"4731XXXXXXXX9838":                  "4731XXXXXXXX9838", // already masked
		"516874******1234":                  "516874******1234",
		"1234567890":                        "1234567890", // 10 digits: not a card number
		"12345678901":                       "123456X8901",
		"5168 7400 0000 1234":               "5168 74XX XXXX 1234",
		"":                                  "",
	}
	for in, want := range cases {
		if got := MaskPAN(in); string(got) != want {
			t.Errorf("MaskPAN(%q) = %q, want %q", in, got, want)
		}
	}
	var p MaskedPAN
	if err := json.Unmarshal([]byte(`"5`+strings.Repeat("3", 17)+`1"`), &p); err != nil || p != "533333XXXXXXXXX3331" {
		t.Errorf("UnmarshalJSON must mask: %q %v", p, err)
	}
	if p.Last4() != "3331" {
		t.Errorf("Last4 = %q", p.Last4())
	}
}

func TestRedactPANs(t *testing.T) {
	pan := "4" + strings.Repeat("2", 14) + "7"
	in := "КАРТКА " + pan + " RRN 000018706638 сума 12.34, 5168-7400-0000-1234;"
	got := RedactPANs(in)
	want := "КАРТКА 422222XXXXXX2227 RRN 000018706638 сума 12.34, 5168-74XX-XXXX-1234;"
	if got != want {
		t.Errorf("RedactPANs =\n%q\nwant\n%q", got, want)
	}
	if s := "no numbers here 123"; RedactPANs(s) != s {
		t.Error("text without long digit runs must not change")
	}
}

func FuzzRedactPANs(f *testing.F) {
	f.Add("card 4111 2222 3333 4444 ok")
	f.Add("12345678901234567890123")
	f.Fuzz(func(t *testing.T, s string) {
		out := RedactPANs(s)
		if len(out) != len(s) {
			t.Fatalf("length changed: %q -> %q", s, out)
		}
		// no run of 13..19 plain digits survives
		n := 0
		for i := 0; i < len(out); i++ {
			if out[i] >= '0' && out[i] <= '9' {
				n++
			} else {
				if n >= 13 && n <= 19 {
					t.Fatalf("digit run of %d survived in %q", n, out)
				}
				n = 0
			}
		}
	})
}
