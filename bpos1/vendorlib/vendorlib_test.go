//go:build linux && (amd64 || arm64)

package vendorlib_test

import (
	"context"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ebitengine/purego"
	"github.com/uapos/uapos/bpos1"
	"github.com/uapos/uapos/bpos1/vendorlib"
)

// buildFake compiles ../testdata/fakebpos/fakebpos.c into a shared library with the system
// C compiler, or skips the test when there is none.
func buildFake(t *testing.T, defines ...string) string {
	t.Helper()
	cc, err := exec.LookPath("cc")
	if err != nil {
		t.Skip("vendorlib: no C compiler (cc) on PATH: cannot build the fake libcBPOSLib.so; install gcc to run this test")
	}
	so := filepath.Join(t.TempDir(), "libfakebpos.so")
	args := append([]string{"-shared", "-fPIC", "-o", so}, defines...)
	args = append(args, filepath.Join("..", "testdata", "fakebpos", "fakebpos.c"))
	out, err := exec.Command(cc, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("cc: %v\n%s", err, out)
	}
	return so
}

// fakeCounter binds a test-only export of the fake library.
func fakeCounter(t *testing.T, so, name string) func() int32 {
	t.Helper()
	h, err := purego.Dlopen(so, purego.RTLD_NOW|purego.RTLD_LOCAL)
	if err != nil {
		t.Fatal(err)
	}
	var fn func() int32
	purego.RegisterLibFunc(&fn, h, name)
	return fn
}

func open(t *testing.T) (*vendorlib.Library, *bpos1.Client, string) {
	so := buildFake(t)
	lib, err := vendorlib.Open(vendorlib.Config{Path: so})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = lib.Close() })
	c, err := bpos1.New(lib, bpos1.Config{PollInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.OpenTCP(t.Context(), "127.0.0.1", "2100"); err != nil {
		t.Fatal(err)
	}
	return lib, c, so
}

func TestPurchaseAndConfirm(t *testing.T) {
	_, c, so := open(t)
	confirms := fakeCounter(t, so, "fake_confirms")
	lastAmount := fakeCounter(t, so, "fake_last_amount")
	lastMerch := fakeCounter(t, so, "fake_last_merch")

	var progress []bpos1.Status
	ctx := bpos1.WithProgress(t.Context(), func(s bpos1.Status) { progress = append(progress, s) })
	txn, err := c.Purchase(ctx, 12345, 0, 2)
	if err != nil {
		t.Fatal(err)
	}
	if lastAmount() != 12345 || lastMerch() != 2 {
		t.Fatalf("the library got amount %d merchant %d", lastAmount(), lastMerch())
	}
	if confirms() != 1 {
		t.Fatalf("Confirm reached the library %d times", confirms())
	}
	if txn.Amount != 12345 || txn.InvoiceNum != 1 || txn.RRN != "000424242001" || txn.AuthCode != "A1B2C3" ||
		txn.PAN != "4731XXXXXXXX9838" || txn.TxnType != bpos1.TxnPurchase || txn.EntryMode != bpos1.EntryContactlessChip {
		t.Fatalf("txn %+v", txn)
	}
	if txn.IssuerName != "Ощадбанк" {
		t.Fatalf("issuer %q: CP1251 not decoded", txn.IssuerName)
	}
	// polling: three progress steps, descriptions decoded from CP1251
	if len(progress) != 3 || progress[0].Code != bpos1.StatusWaitCard || progress[0].Text != "Вставте картку" ||
		progress[2].Code != bpos1.StatusAuthorization || progress[2].Text != "Авторизація" {
		t.Fatalf("progress %+v", progress)
	}
	// string buffers: the slip is longer than the 128-byte short buffers and arrives whole
	if len(txn.Receipt) < 2000 || !strings.HasPrefix(txn.Receipt, "ОПЛАТА\n") ||
		!strings.Contains(txn.Receipt, "Рядок 200\n") || !strings.HasSuffix(txn.Receipt, "КІНЕЦЬ\n") {
		t.Fatalf("receipt (%d bytes) %q...", len(txn.Receipt), txn.Receipt[:min(len(txn.Receipt), 40)])
	}
	if !txn.SlipPrinted || txn.ECRDataTM != "OSCHADBANK" {
		t.Fatalf("slip printed %v, ECRDataTM %q", txn.SlipPrinted, txn.ECRDataTM)
	}
	if txn.DateTime != "" {
		t.Fatalf("DateTime %q from a flat library without the getter", txn.DateTime)
	}
}

func TestDeclineWithReceipt(t *testing.T) {
	_, c, so := open(t)
	confirms := fakeCounter(t, so, "fake_confirms")
	_, err := c.Purchase(t.Context(), 777, 0, 1)
	var re *bpos1.ResultError
	if !errors.As(err, &re) {
		t.Fatalf("error %v, want *ResultError", err)
	}
	if re.ErrorCode != bpos1.ErrCodeTerminal || re.ResponseCode != 51 || !re.HostCode() {
		t.Fatalf("result error %+v", re)
	}
	if re.Description != "Відмова" {
		t.Fatalf("description %q", re.Description)
	}
	if re.Receipt != "ВІДМОВА\nКОД 51\n" {
		t.Fatalf("decline slip %q", re.Receipt)
	}
	if confirms() != 0 {
		t.Fatal("a decline was confirmed")
	}
}

func TestCancelOnContext(t *testing.T) {
	_, c, so := open(t)
	cancels := fakeCounter(t, so, "fake_cancels")
	ctx, cancel := context.WithCancel(t.Context())
	ctx = bpos1.WithProgress(ctx, func(bpos1.Status) { cancel() }) // the first progress report cancels
	_, err := c.Purchase(ctx, 999, 0, 1)
	var re *bpos1.ResultError
	if !errors.As(err, &re) || re.ResponseCode != bpos1.RCCancelledByUser {
		t.Fatalf("error %v, want ResponseCode 1001", err)
	}
	if cancels() != 1 {
		t.Fatalf("Cancel reached the library %d times", cancels())
	}
}

func TestTerminalInfoAndMissingSymbols(t *testing.T) {
	lib, c, _ := open(t)
	ti, err := c.TerminalInfo(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(ti.Acquirers) != 2 || ti.Acquirers[1] != "AQ2" {
		t.Fatalf("terminal info %+v", ti)
	}
	// BPOSLib_ScenarioData answers ECRC 8: the getter yields ""
	if lib.ScenarioData() != "" {
		t.Fatal("ScenarioData")
	}
	if v := lib.LibraryVersion(); v != "0.0.0-fake" {
		t.Fatalf("LibraryVersion %q", v)
	}
	// getters the fake lacks (as the real flat API lacks them) yield zero values
	if lib.CompletionInvoiceNum() != 0 || lib.DateTime() != "" {
		t.Fatal("missing getters")
	}
}

func TestOpenErrors(t *testing.T) {
	if _, err := vendorlib.Open(vendorlib.Config{Path: filepath.Join(t.TempDir(), "missing.so")}); err == nil {
		t.Fatal("loaded a missing library")
	}
}

func TestBusy(t *testing.T) {
	lib, _, _ := open(t)
	if rc := lib.Purchase(999, 0, 1); rc != 0 {
		t.Fatalf("first purchase ecrc %d", rc)
	}
	if rc := lib.Purchase(100, 0, 1); rc != int(bpos1.ECRCBusy) {
		t.Fatalf("second purchase ecrc %d, want 7", rc)
	}
	if rc := lib.Purchase(1<<31, 0, 1); rc != int(bpos1.ECRCFail) {
		t.Fatalf("amount above int32: ecrc %d, want 1", rc)
	}
	lib.Cancel()
}

// TestMissingSymbol: an action the loaded library does not export answers ECRC 8, which
// the client reports as not supported.
func TestMissingSymbol(t *testing.T) {
	so := buildFake(t, "-DFAKE_NO_REFUND")
	lib, err := vendorlib.Open(vendorlib.Config{Path: so})
	if err != nil {
		t.Fatal(err)
	}
	defer lib.Close()
	if rc := lib.Refund(100, 0, 1, "123456789012"); rc != int(bpos1.ECRCNoData) {
		t.Fatalf("Refund ecrc %d, want 8", rc)
	}
	c, _ := bpos1.New(lib, bpos1.Config{PollInterval: -1})
	if _, err := c.Refund(t.Context(), 100, 1, "123456789012"); !errors.Is(err, bpos1.ErrNotSupported) {
		t.Fatalf("client: %v", err)
	}
}
