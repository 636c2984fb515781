//go:build darwin || freebsd || linux || netbsd

package posapi

import (
	"context"
	"errors"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/uapos/uapos/posapi/capi"
)

// buildFake compiles testdata/fakeposapi/fakeposapi.c into a shared library with the system
// C compiler, or skips.
func buildFake(t *testing.T) string {
	t.Helper()
	cc, err := exec.LookPath("cc")
	if err != nil {
		t.Skip("no C compiler (cc) on PATH: the binding test needs one to build testdata/fakeposapi")
	}
	out := filepath.Join(t.TempDir(), "libfakeposapi.so")
	cmd := exec.Command(cc, "-shared", "-fPIC", "-O1", "-o", out, filepath.Join("testdata", "fakeposapi", "fakeposapi.c"))
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("cc: %v\n%s", err, b)
	}
	return out
}

func TestBindingFakeLibrary(t *testing.T) {
	lib, err := Load(buildFake(t), LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer lib.Unload()

	// Constant symbols resolved by name (POS_* dereferenced once).
	if v, ok := lib.IntSymbol("ACTION_HOST_COUNT"); !ok || v != 0x0777 {
		t.Fatalf("ACTION_HOST_COUNT = %#x, %v", v, ok)
	}
	if v, ok := lib.IntSymbol("RESP_IDENTIFIER"); !ok || v != 7 {
		t.Fatalf("RESP_IDENTIFIER = %d, %v", v, ok)
	}
	if v, ok := lib.StringSymbol("POS_AMOUNT"); !ok || v != "amount" {
		t.Fatalf("POS_AMOUNT = %q, %v", v, ok)
	}
	if _, ok := lib.StringSymbol("POS_NOT_THERE"); ok {
		t.Fatal("a missing symbol resolved")
	}

	c, err := New(lib, Config{Port: "fake", Poll: 1})
	if err != nil {
		t.Fatal(err)
	}
	if w, ok := c.WireName(capi.ParamHostCode); !ok || w != "hcode" {
		t.Fatalf("POS_HOST_CODE = %q, %v (not read from the library)", w, ok)
	}
	// open, set, send, receive loop (MESSAGE, TIMEOUT, IDENTIFIER, CONFIRM), get, close.
	var msgs []Message
	var ids []string
	r, err := c.Do(context.Background(), Call{
		Action:       capi.ActionPayment,
		Args:         []Arg{{capi.ParamAmount, "1999"}, {capi.ParamCurrency, "980"}},
		OnMessage:    func(m Message) { msgs = append(msgs, m) },
		OnIdentifier: func(id Identifier) error { ids = append(ids, id.TransID); return nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 1 || msgs[0].Title != "INSERT CARD" || !msgs[0].CanBreak {
		t.Errorf("messages %+v", msgs)
	}
	if len(ids) != 1 || ids[0] != "77" {
		t.Errorf("identifiers %v", ids)
	}
	if r.Get(capi.ParamAmount) != "1999" || r.Get(capi.ParamTransCode) != "123456789012" ||
		r.Get(capi.ParamCardPAN) != "4731XXXXXXXX9838" || r.Get(capi.ParamPrint) != "SLIP\nLINE 2" {
		t.Errorf("reply %v", r.Values)
	}
	if v, ok := lib.Get(capi.Handle(0), "amount"); ok {
		t.Errorf("pos_get on no handle = %q", v)
	}
	if n, _ := lib.IntSymbol("fake_open_count"); n != 0 {
		t.Errorf("%d sessions left open", n)
	}
	if a, _ := lib.IntSymbol("fake_last_action"); a != 0x0103 {
		t.Errorf("last action %#x", a)
	}

	// An action with no public value, resolved from the library's export.
	n, err := c.HostCount(context.Background())
	if err != nil || n != 3 {
		t.Fatalf("host count %d, %v", n, err)
	}
	if a, _ := lib.IntSymbol("fake_last_action"); a != 0x0777 {
		t.Errorf("host count sent as %#x", a)
	}

	// A decline carries POS_HOST_CODE by the library's own wire name.
	_, err = c.Status(context.Background(), "5")
	var de *DeclineError
	if !errors.As(err, &de) || de.HostCode != "05" || de.Text != "DECLINED" || de.Status != "1" {
		t.Fatalf("decline %v", err)
	}

	// pos_open failing.
	bad, _ := New(lib, Config{Port: "fail"})
	_, err = bad.Status(context.Background(), "1")
	var le *LibraryError
	if !errors.As(err, &le) || le.Op != "pos_open" || le.Code != 1 {
		t.Fatalf("open failure %v", err)
	}
}

func TestLoadMissing(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "libpos.so"), LoadOptions{})
	if !errors.Is(err, ErrNotAvailable) {
		t.Fatalf("err %v", err)
	}
}
