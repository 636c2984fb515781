package payment

import (
	"encoding/json"
	"strings"
	"testing"
)

// grouped joins digit groups with sep, so that no card-like number is written in the source
// (not even one printed in groups).
func grouped(sep string, groups ...string) string { return strings.Join(groups, sep) }

func TestMaskPAN(t *testing.T) {
	cases := map[string]string{
		"4" + strings.Repeat("0", 14) + "2":          "400000XXXXXX0002",
		"4731XXXXXXXX9838":                           "4731XXXXXXXX9838", // already masked
		"516874******1234":                           "516874******1234",
		"1234567890":                                 "1234567890", // 10 digits: not a card number
		"12345678901":                                "123456X8901",
		grouped(" ", "5168", "7400", "0000", "1234"): "5168 74XX XXXX 1234",
		"": "",
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
	in := "КАРТКА " + pan + " RRN 000018706638 сума 12.34, " + grouped("-", "5168", "7400", "0000", "1234") + ";"
	got := RedactPANs(in)
	want := "КАРТКА 422222XXXXXX2227 RRN 000018706638 сума 12.34, 5168-74XX-XXXX-1234;"
	if got != want {
		t.Errorf("RedactPANs =\n%q\nwant\n%q", got, want)
	}
	// A card number printed next to another number: the run of groups is longer than 19
	// digits, and is masked as a whole rather than left alone.
	for _, c := range []struct{ in, want string }{
		{"code " + grouped(" ", "0005", "4731", "1234", "5678", "9838"), "code 0005 47XX XXXX XXXX 9838"},
		{grouped(" ", "4731", "1234", "5678", "9838", "0005", "4731", "1234", "5678", "9838"),
			"4731 12XX XXXX XXXX 0005 4731 12XX XXXX 9838"},
		{"id 123 " + strings.Repeat("7", 17), "id 123 777XXXXXXXXXX7777"},
		{"ref " + strings.Repeat("1", 24), "ref " + strings.Repeat("1", 24)}, // not a card number
		{"ref 1 " + strings.Repeat("1", 24), "ref 1 " + strings.Repeat("1", 24)},
	} {
		if got := RedactPANs(c.in); got != c.want {
			t.Errorf("RedactPANs(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	// The tail of a masked run and the next group form a new run: masked too, so that the
	// result is stable (found by posapi's FuzzReply).
	in = strings.Repeat("0", 19) + " " + strings.Repeat("0", 9)
	if got := RedactPANs(in); RedactPANs(got) != got || strings.Contains(got, "0000 000000000") {
		t.Errorf("RedactPANs(%q) = %q, not stable", in, got)
	}
	if s := "no numbers here 123"; RedactPANs(s) != s {
		t.Error("text without long digit runs must not change")
	}
}

func FuzzRedactPANs(f *testing.F) {
	f.Add("card " + grouped(" ", "4111", "2222", "3333", "4444") + " ok")
	f.Add("12345678901234567890123")
	f.Fuzz(func(t *testing.T, s string) {
		out := RedactPANs(s)
		if len(out) != len(s) {
			t.Fatalf("length changed: %q -> %q", s, out)
		}
		if again := RedactPANs(out); again != out {
			t.Fatalf("not stable: %q -> %q -> %q", s, out, again)
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
