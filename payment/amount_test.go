package payment

import (
	"errors"
	"flag"
	"testing"
)

func TestParseAmount(t *testing.T) {
	good := map[string]Amount{
		"0": 0, "0.00": 0, "12.34": 1234, "12.3": 1230, "12": 1200, "0.06": 6, "007.10": 710,
		"92233720368547758.07": MaxAmount,
	}
	for s, want := range good {
		got, err := ParseAmount(s)
		if err != nil || got != want {
			t.Errorf("ParseAmount(%q) = %d, %v; want %d", s, got, err, want)
		}
	}
	bad := []string{"", "0 06", "-1", "+1", "1.234", "1.", ".5", "1e3", "12,34", " 1", "1 ", "1..2",
		"92233720368547758.08", "99999999999999999999", "0x10", "١٢"}
	for _, s := range bad {
		if v, err := ParseAmount(s); err == nil || !errors.Is(err, ErrBadAmount) {
			t.Errorf("ParseAmount(%q) = %d, %v; want ErrBadAmount", s, v, err)
		}
	}
}

func TestAmountString(t *testing.T) {
	cases := map[Amount]string{0: "0.00", 5: "0.05", 1234: "12.34", 100: "1.00", -5: "-0.05", MaxAmount: "92233720368547758.07"}
	for a, want := range cases {
		if a.String() != want {
			t.Errorf("Amount(%d).String() = %q, want %q", int64(a), a.String(), want)
		}
	}
}

func TestAmountFlag(t *testing.T) {
	var a Amount
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	fs.Var(&a, "sum", "amount")
	if err := fs.Parse([]string{"-sum", "99.90"}); err != nil || a != 9990 {
		t.Fatalf("flag: %d, %v", a, err)
	}
	fs = flag.NewFlagSet("x", flag.ContinueOnError)
	fs.SetOutput(discard{})
	fs.Var(&a, "sum", "amount")
	if err := fs.Parse([]string{"-sum", "-1"}); err == nil {
		t.Fatal("flag accepted -1")
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{"12.34", "0", "0 06", "-1", "1.234", "92233720368547758.07", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseAmount(s)
		if err != nil {
			return
		}
		if a < 0 {
			t.Fatalf("negative amount from %q", s)
		}
		b, err := ParseAmount(a.String())
		if err != nil || a != b {
			t.Fatalf("round trip of %q: %q -> %d, %v", s, a.String(), b, err)
		}
	})
}
