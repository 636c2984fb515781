package bpos1sim_test

import (
	"strings"
	"testing"

	"github.com/uapos/uapos/simulators/bpos1sim"
	"golang.org/x/text/encoding/charmap"
)

// poll runs LastResult until it is not 2 and returns the progress codes seen.
func poll(t *testing.T, l *bpos1sim.Library) (uint8, []uint8) {
	t.Helper()
	var codes []uint8
	for i := 0; i < 1000; i++ {
		r := l.LastResult()
		if r != 2 {
			return r, codes
		}
		codes = append(codes, l.LastStatMsgCode())
	}
	t.Fatal("operation never ended")
	return 0, nil
}

func opened(t *testing.T, cfg bpos1sim.Config) *bpos1sim.Library {
	l := bpos1sim.NewLibrary(cfg)
	if rc := l.CommOpenTCP("127.0.0.1", "2000"); rc != 0 {
		t.Fatal(rc)
	}
	if r, _ := poll(t, l); r != 0 {
		t.Fatal("open failed")
	}
	return l
}

func utf8(s string) string {
	b, _ := charmap.Windows1251.NewDecoder().String(s)
	return b
}

func TestNotOpened(t *testing.T) {
	l := bpos1sim.NewLibrary(bpos1sim.Config{})
	l.Purchase(100, 0, 1)
	if r, _ := poll(t, l); r != 1 || l.LastErrorCode() != 2 {
		t.Fatalf("result %d code %d", r, l.LastErrorCode())
	}
}

func TestProgressAndConfirm(t *testing.T) {
	l := opened(t, bpos1sim.Config{})
	if rc := l.Purchase(1000, 100, 1); rc != 0 {
		t.Fatal(rc)
	}
	if rc := l.Ping(); rc != 7 {
		t.Fatalf("second action: ecrc %d, want 7 busy", rc)
	}
	r, codes := poll(t, l)
	if r != 0 {
		t.Fatal(r)
	}
	if want := []uint8{9, 1, 2, 6, 3, 5}; string(codes) != string(want) {
		t.Fatalf("progress %v, want %v", codes, want)
	}
	if l.Amount() != 900 || l.AddAmount() != 100 || len(l.RRN()) != 12 || l.TxnType() != 1 {
		t.Fatalf("amount %d add %d rrn %q", l.Amount(), l.AddAmount(), l.RRN())
	}
	l.Confirm()
	if r, _ := poll(t, l); r != 0 {
		t.Fatal("confirm failed")
	}
	l.ReqCurrReceipt()
	poll(t, l)
	if !strings.Contains(utf8(l.Receipt()), "ОПЕРАЦІЯ УСПІШНА") {
		t.Fatalf("receipt %q", utf8(l.Receipt()))
	}
	if j := l.Journal(); len(j) != 1 || j[0].TrnStatus != 1 || l.Reversed() != 0 {
		t.Fatalf("journal %+v", j)
	}
}

func TestAutoReversal(t *testing.T) {
	l := opened(t, bpos1sim.Config{})
	l.Purchase(500, 0, 1)
	poll(t, l)
	l.GetTxnNum() // not Confirm: the purchase is reversed
	poll(t, l)
	if j := l.Journal(); len(j) != 1 || j[0].TrnStatus != 3 || l.Reversed() != 1 {
		t.Fatalf("journal %+v", j)
	}
	l.GetBatchTotals(0)
	poll(t, l)
	if l.TotalsDebitNum() != 0 {
		t.Fatal("reversed purchase counted in the totals")
	}
}

func TestDeclineSlipCP1251(t *testing.T) {
	l := opened(t, bpos1sim.Config{Declines: map[uint32]uint32{4242: 51}})
	l.Purchase(4242, 0, 1)
	if r, _ := poll(t, l); r != 1 || l.LastErrorCode() != 4 || l.ResponseCode() != 51 {
		t.Fatalf("r %d code %d rc %d", r, l.LastErrorCode(), l.ResponseCode())
	}
	l.ReqCurrReceipt()
	poll(t, l)
	raw := l.Receipt()
	if !strings.Contains(raw, "\xc2\xb2\xc4\xcc\xce\xc2\xc0") { // "ВІДМОВА" in Windows-1251
		t.Fatalf("slip not CP1251: %q", raw)
	}
}

func TestRefundNeedsRRN(t *testing.T) {
	l := opened(t, bpos1sim.Config{})
	l.Refund(100, 0, 1, "12345")
	if r, _ := poll(t, l); r != 1 || l.ResponseCode() != 12 {
		t.Fatalf("r %d rc %d", r, l.ResponseCode())
	}
	l.Refund(100, 0, 1, "123456789012")
	if r, _ := poll(t, l); r != 0 || l.TxnType() != 2 {
		t.Fatalf("r %d", r)
	}
}

func TestVoidCurrentBatchAndSettlement(t *testing.T) {
	l := opened(t, bpos1sim.Config{})
	l.Purchase(300, 0, 2)
	poll(t, l)
	l.Confirm()
	poll(t, l)
	inv := l.InvoiceNum()
	l.Settlement(0)
	poll(t, l)
	if l.TotalsDebitNum() != 1 || l.TotalsDebitAmt() != 300 || len(l.Journal()) != 0 || l.Batch() != 2 {
		t.Fatalf("settlement: debit %d/%d journal %d batch %d", l.TotalsDebitNum(), l.TotalsDebitAmt(), len(l.Journal()), l.Batch())
	}
	l.Void(inv, 2)
	if r, _ := poll(t, l); r != 1 || l.ResponseCode() != 1000 {
		t.Fatal("void of a closed batch's invoice succeeded")
	}
}

func TestCancelAndHang(t *testing.T) {
	l := opened(t, bpos1sim.Config{Hang: true})
	l.Purchase(100, 0, 1)
	for i := 0; i < 20; i++ {
		if l.LastResult() != 2 {
			t.Fatal("hung operation ended")
		}
	}
	l.Cancel()
	if r, _ := poll(t, l); r != 1 || l.ResponseCode() != 1001 || len(l.Journal()) != 0 {
		t.Fatalf("r %d rc %d", r, l.ResponseCode())
	}
}

func TestMaskedPAN(t *testing.T) {
	// an unmasked number in the config is masked (built here so no full number is written)
	full := "4731" + strings.Repeat("0", 8) + "9838"
	l := opened(t, bpos1sim.Config{PAN: full})
	l.ReadBankCard()
	poll(t, l)
	if l.PAN() != "473100XXXXXX9838" {
		t.Fatalf("pan %q", l.PAN())
	}
}

func TestTerminalInfo(t *testing.T) {
	l := opened(t, bpos1sim.Config{})
	l.POSGetInfo()
	poll(t, l)
	if l.TerminalInfo() != bpos1sim.DefaultTerminalInfo {
		t.Fatal(l.TerminalInfo())
	}
}
