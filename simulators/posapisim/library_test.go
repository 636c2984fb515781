package posapisim

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/uapos/uapos/posapi/capi"
)

// TestSymbolsPinned checks the simulator's own symbol table against testdata/symbols.txt,
// written by hand from protocols/posapi.md A.3 and 1.5.
func TestSymbolsPinned(t *testing.T) {
	f, err := os.Open("testdata/symbols.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	l := New(Config{})
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		name, val, _ := strings.Cut(line, " ")
		if strings.HasPrefix(name, "POS_") {
			if got, ok := l.StringSymbol(name); !ok || got != val {
				t.Errorf("%s = %q, want %q", name, got, val)
			}
			continue
		}
		want, _ := strconv.ParseInt(val, 0, 32)
		if got, ok := l.IntSymbol(name); !ok || got != int(want) {
			t.Errorf("%s = %#x, want %#x", name, got, want)
		}
	}
}

type step struct {
	resp int
	vals map[string]string
}

func drive(t *testing.T, l *Library, h capi.Handle) []step {
	t.Helper()
	var out []step
	for i := 0; i < 20; i++ {
		r := l.Receive(h, 0)
		vals := map[string]string{}
		for k, v, ok := l.GetFirst(h); ok; k, v, ok = l.GetNext(h) {
			vals[k] = v
		}
		out = append(out, step{r, vals})
		if r == rConfirm || r == rDecline || r == rBreak || r == rWrongMAC || r == rError {
			return out
		}
	}
	t.Fatal("no final response")
	return nil
}

func pay(t *testing.T, l *Library, amount string, extra ...string) []step {
	t.Helper()
	h, ok := l.Open("sim", "")
	if !ok {
		t.Fatal("open failed")
	}
	defer l.Close(h)
	l.Set(h, "amount", amount)
	l.Set(h, "currency", "980")
	for i := 0; i+1 < len(extra); i += 2 {
		l.Set(h, extra[i], extra[i+1])
	}
	if !l.Send(h, aPayment) {
		t.Fatal("send failed")
	}
	return drive(t, l, h)
}

func TestPaymentFlow(t *testing.T) {
	l := New(Config{})
	steps := pay(t, l, "1250")
	var got []int
	for _, s := range steps {
		got = append(got, s.resp)
	}
	want := []int{rMessage, rMessage, rIdentifier, rMessage, rConfirm}
	if len(got) != len(want) {
		t.Fatalf("responses %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("responses %v, want %v", got, want)
		}
	}
	if steps[0].vals["msg_break"] != "1" || steps[3].vals["msg_break"] != "0" {
		t.Errorf("msg_break: card step %q, host step %q", steps[0].vals["msg_break"], steps[3].vals["msg_break"])
	}
	id := steps[2].vals["receipt"]
	fin := steps[4].vals
	if id == "" || fin["receipt"] != id || fin["amount"] != "1250" || len(fin["trans_rcpt"]) != 6 {
		t.Errorf("identifier %q, final %v", id, fin)
	}
	if l.Charges() != 1 || len(l.Records()) != 1 {
		t.Errorf("charges %d records %d", l.Charges(), len(l.Records()))
	}
}

func TestLostIdentifierNoCharge(t *testing.T) {
	l := New(Config{LoseIdentifier: true})
	steps := pay(t, l, "100")
	if last := steps[len(steps)-1]; last.resp != rBreak {
		t.Fatalf("final %d, want BREAK", last.resp)
	}
	for _, s := range steps {
		if s.resp == rIdentifier {
			t.Fatal("identifier delivered")
		}
	}
	if l.Charges() != 0 {
		t.Fatalf("charged %d", l.Charges())
	}
}

func TestDeclineClasses(t *testing.T) {
	for c := 1; c <= 6; c++ {
		l := New(Config{Decline: c})
		steps := pay(t, l, "100")
		fin := steps[len(steps)-1]
		if fin.resp != rDecline || fin.vals["status_code"] != strconv.Itoa(c) || fin.vals["host_code"] == "" || fin.vals["status"] == "" {
			t.Errorf("class %d: %d %v", c, fin.resp, fin.vals)
		}
		if l.Charges() != 0 || len(l.Records()) != 0 {
			t.Errorf("class %d: a decline was journaled", c)
		}
	}
}

func TestRevisionMustNotRaise(t *testing.T) {
	l := New(Config{})
	h, _ := l.Open("", "")
	l.Set(h, "amount", "1000")
	l.Set(h, "currency", "980")
	l.Set(h, "revision", "1")
	l.Send(h, aPayment)
	for r := l.Receive(h, 0); r != rIdentifier; r = l.Receive(h, 0) {
		if r != rMessage {
			t.Fatalf("got %d before identifier", r)
		}
	}
	l.Set(h, "amount", "1001")
	l.Send(h, aRevision)
	if r := l.Receive(h, 0); r != rBreak {
		t.Fatalf("raised revision: %d, want BREAK", r)
	}
	if l.Charges() != 0 {
		t.Fatal("charged")
	}
}

func TestStatusAndReversalAndCloseDay(t *testing.T) {
	l := New(Config{})
	fin := pay(t, l, "700")
	rec := fin[len(fin)-1].vals
	status := func(id string) step {
		h, _ := l.Open("", "")
		defer l.Close(h)
		l.Set(h, "receipt", id)
		l.Send(h, aStatus)
		s := drive(t, l, h)
		return s[len(s)-1]
	}
	if s := status(rec["receipt"]); s.resp != rConfirm || s.vals["rrn"] != rec["rrn"] {
		t.Fatalf("status: %d %v", s.resp, s.vals)
	}
	h, _ := l.Open("", "")
	l.Set(h, "trans_rcpt", rec["trans_rcpt"])
	l.Send(h, aReversal)
	s := drive(t, l, h)
	l.Close(h)
	if s[len(s)-1].resp != rConfirm {
		t.Fatalf("reversal: %v", s[len(s)-1])
	}
	if s := status(rec["receipt"]); s.resp != rConfirm || s.vals["action_name"] != "СКАСУВАННЯ" {
		t.Fatalf("status after reversal: %d %v", s.resp, s.vals)
	}
	h, _ = l.Open("", "")
	l.Send(h, aCloseDay)
	drive(t, l, h)
	l.Close(h)
	if s := status(rec["receipt"]); s.resp != rDecline {
		t.Fatalf("status after close day: %d", s.resp)
	}
	l2 := New(Config{StatusNotFoundBreak: true})
	l = l2
	if s := status("999"); s.resp != rBreak {
		t.Fatalf("old terminal status: %d", s.resp)
	}
}

func TestOneOperationPerSession(t *testing.T) {
	l := New(Config{})
	h, _ := l.Open("", "")
	l.Send(h, aReport)
	if l.Send(h, aReport) {
		t.Fatal("second operation accepted")
	}
	if l.Error(h) != errFailure {
		t.Fatal("pos_error not set")
	}
}

// TestAbandonedAfterIdentifier: the app dies after RESP_IDENTIFIER with the session open; the
// terminal goes to the host on its own, and the next session finds the payment by STATUS.
func TestAbandonedAfterIdentifier(t *testing.T) {
	l := New(Config{})
	h, _ := l.Open("", "")
	l.Set(h, "amount", "900")
	l.Set(h, "currency", "980")
	l.Send(h, aPayment)
	var id string
	for r := l.Receive(h, 0); ; r = l.Receive(h, 0) {
		if r == rIdentifier {
			id, _ = l.Get(h, "receipt")
			break
		}
	}
	// no Close: the process is gone
	h2, ok := l.Open("", "")
	if !ok || l.OpenSessions() != 1 {
		t.Fatalf("reopen: %v, %d sessions", ok, l.OpenSessions())
	}
	l.Set(h2, "receipt", id)
	l.Send(h2, aStatus)
	s := drive(t, l, h2)
	if fin := s[len(s)-1]; fin.resp != rConfirm || fin.vals["amount"] != "900" || l.Charges() != 1 {
		t.Fatalf("status after abandon: %d %v, charges %d", fin.resp, fin.vals, l.Charges())
	}
}

func TestAbandonedBeforeIdentifierNoCharge(t *testing.T) {
	l := New(Config{})
	h, _ := l.Open("", "")
	l.Set(h, "amount", "900")
	l.Set(h, "currency", "980")
	l.Send(h, aPayment)
	if r := l.Receive(h, 0); r != rMessage {
		t.Fatalf("first response %d", r)
	}
	l.Close(h)
	if l.Charges() != 0 || len(l.Records()) != 0 {
		t.Fatal("charged without an identifier")
	}
}
