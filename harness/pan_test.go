package harness

import (
	"strings"
	"testing"
)

// cardLike builds a Luhn-valid number of n digits from prefix at run time, so that no
// unmasked card-like number is written in the source (project rule).
func cardLike(prefix string, n int) string {
	d := []byte(prefix)
	for len(d) < n-1 {
		d = append(d, byte('0'+len(d)%10))
	}
	for c := byte('0'); c <= '9'; c++ {
		if luhn(append(append([]byte(nil), d...), c)) {
			return string(append(d, c))
		}
	}
	panic("unreachable")
}

func TestFindPANs(t *testing.T) {
	for _, n := range []int{13, 16, 19} {
		full := cardLike("4731", n)
		if got := FindPANs("card " + full + " ok"); len(got) != 1 || got[0] != full {
			t.Errorf("%d digits: %q", n, got)
		}
		grouped := full[:4] + " " + full[4:8] + "-" + full[8:]
		if got := FindPANs("pan=" + grouped); len(got) != 1 {
			t.Errorf("grouped %d digits: %q", n, got)
		}
		// one digit changed breaks the Luhn check: not a card number
		bad := []byte(full)
		bad[len(bad)-1] = '0' + (bad[len(bad)-1]-'0'+1)%10
		if got := FindPANs(string(bad)); len(got) != 0 {
			t.Errorf("non-Luhn %d digits flagged: %q", n, got)
		}
	}
	clean := []string{
		"4731XXXXXXXX9838", "516874******1234", "4731*9838", "rrn 600000000001",
		"20260102030405", "amount 123456789012", strings.Repeat("7", 25),
		"invoice 999999999999", "",
	}
	for _, s := range clean {
		if got := FindPANs(s); len(got) != 0 {
			t.Errorf("%q: flagged %q", s, got)
		}
	}
	// twelve digits (RRN length) never match even when they pass Luhn
	if got := FindPANs(cardLike("6000", 12)); len(got) != 0 {
		t.Errorf("12 digits flagged: %q", got)
	}
}

func TestWaitGoroutines(t *testing.T) {
	stop := make(chan struct{})
	done := make(chan struct{})
	before, _ := WaitGoroutines(1<<30, 0)
	go func() { <-stop; close(done) }()
	if n, ok := WaitGoroutines(before, 3); ok {
		t.Fatalf("a running goroutine not counted: %d <= %d", n, before)
	}
	close(stop)
	<-done
	if n, ok := WaitGoroutines(before, 500); !ok {
		t.Fatalf("still %d goroutines, want <= %d", n, before)
	}
}
