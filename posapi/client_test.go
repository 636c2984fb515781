package posapi_test

import (
	"context"
	"errors"
	"testing"

	"github.com/uapos/uapos/posapi"
	"github.com/uapos/uapos/posapi/capi"
	"github.com/uapos/uapos/simulators/posapisim"
)

func newClient(t *testing.T, lib capi.Library) *posapi.Client {
	t.Helper()
	c, err := posapi.New(lib, posapi.Config{Poll: 1})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func payCall(amount string) posapi.Call {
	return posapi.Call{Action: capi.ActionPayment, Args: []posapi.Arg{{Param: capi.ParamAmount, Value: amount}, {Param: capi.ParamCurrency, Value: "980"}}}
}

func TestCashierConfirm(t *testing.T) {
	for _, ok := range []bool{true, false} {
		sim := posapisim.New(posapisim.Config{})
		call := payCall("500")
		call.Confirm = func(posapi.Identifier) (bool, string, error) { return ok, "DOC-1", nil }
		r, err := newClient(t, sim).Do(context.Background(), call)
		if ok && (err != nil || r.Get(capi.ParamAmount) != "500" || sim.Charges() != 1) {
			t.Fatalf("confirmed: %v, %v", r, err)
		}
		if !ok && (!errors.Is(err, posapi.ErrBreak) || sim.Charges() != 0) {
			t.Fatalf("refused: %v, charges %d", err, sim.Charges())
		}
	}
}

func TestRevisionAboveOriginalBreaks(t *testing.T) {
	sim := posapisim.New(posapisim.Config{})
	call := payCall("500")
	call.Revise = func(posapi.Identifier) (string, error) { return "501", nil }
	_, err := newClient(t, sim).Do(context.Background(), call)
	if !errors.Is(err, posapi.ErrBreak) || sim.Charges() != 0 {
		t.Fatalf("revision above the original: %v", err)
	}
}

func TestIdentifierCallbackFailureBreaks(t *testing.T) {
	sim := posapisim.New(posapisim.Config{})
	call := payCall("500")
	boom := errors.New("journal full")
	call.OnIdentifier = func(posapi.Identifier) error { return boom }
	_, err := newClient(t, sim).Do(context.Background(), call)
	var be *posapi.BreakError
	if !errors.As(err, &be) || !be.Requested || !errors.Is(err, boom) || sim.Charges() != 0 {
		t.Fatalf("callback failure: %v", err)
	}
}

func TestStatusNotFound(t *testing.T) {
	for _, old := range []bool{false, true} {
		sim := posapisim.New(posapisim.Config{StatusNotFoundBreak: old})
		_, err := newClient(t, sim).Status(context.Background(), "424242")
		want := posapi.ErrDeclined
		if old {
			want = posapi.ErrBreak
		}
		if !errors.Is(err, want) {
			t.Errorf("old=%v: %v", old, err)
		}
	}
}

// script is a scripted library for the receive-loop corner cases.
type script struct {
	capi.Library
	resps []int
	sent  []int
}

func (s *script) Send(h capi.Handle, a int) bool { s.sent = append(s.sent, a); return true }
func (s *script) Receive(h capi.Handle, ms int) int {
	if len(s.resps) == 0 {
		return int(capi.RespError)
	}
	r := s.resps[0]
	s.resps = s.resps[1:]
	return r
}
func (s *script) GetFirst(capi.Handle) (string, string, bool) { return "", "", false }

func TestUnknownResponseIsAnsweredWithBreak(t *testing.T) {
	s := &script{Library: posapisim.New(posapisim.Config{}), resps: []int{int(capi.RespTimeout), 42, int(capi.RespBreak)}}
	_, err := newClient(t, s).Do(context.Background(), payCall("1"))
	if !errors.Is(err, posapi.ErrBreak) || len(s.sent) != 2 || s.sent[1] != 0x0001 {
		t.Fatalf("err %v, sent %#x", err, s.sent)
	}
}

func TestReceiveErrorLeavesOutcomeUnknown(t *testing.T) {
	s := &script{Library: posapisim.New(posapisim.Config{}), resps: []int{int(capi.RespIdentifier)}}
	_, err := newClient(t, s).Do(context.Background(), payCall("1"))
	var le *posapi.LibraryError
	if !errors.Is(err, posapi.ErrOutcomeUnknown) || !errors.As(err, &le) || le.Op != "pos_receive" {
		t.Fatalf("err %v", err)
	}
}

func TestAmountFormat(t *testing.T) {
	if s, err := posapi.FormatAmount(12345); err != nil || s != "12345" {
		t.Fatalf("%q %v", s, err)
	}
	if _, err := posapi.FormatAmount(1_000_000_000_000); err == nil {
		t.Fatal("13 digits accepted")
	}
	if _, err := posapi.FormatAmount(-1); err == nil {
		t.Fatal("negative accepted")
	}
	for _, bad := range []string{"", "12a", "1234567890123", "-5", " 1"} {
		if _, err := posapi.ParseAmount(bad); !errors.Is(err, posapi.ErrBadValue) {
			t.Errorf("ParseAmount(%q) = %v", bad, err)
		}
	}
	if tm, err := posapi.ParseDateTime("20240131235959", nil); err != nil || tm.Day() != 31 || tm.Second() != 59 {
		t.Fatalf("%v %v", tm, err)
	}
	if _, err := posapi.ParseDateTime("20241331000000", nil); err == nil {
		t.Fatal("month 13 accepted")
	}
	if s := posapi.Slips("A\r\nB\fC\n\f"); len(s) != 2 || s[0] != "A\nB" || s[1] != "C\n" {
		t.Fatalf("slips %q", s)
	}
}
