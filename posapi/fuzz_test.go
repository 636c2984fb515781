package posapi

import (
	"bytes"
	"strings"
	"testing"

	"github.com/uapos/uapos/payment"
	"github.com/uapos/uapos/posapi/capi"
)

// kvLibrary hands out a fixed parameter list, as a hostile library could.
type kvLibrary struct {
	capi.Library
	kv [][2]string
	i  int
}

func (l *kvLibrary) IntSymbol(string) (int, bool)       { return 0, false }
func (l *kvLibrary) StringSymbol(string) (string, bool) { return "", false }
func (l *kvLibrary) GetFirst(capi.Handle) (string, string, bool) {
	l.i = 0
	return l.GetNext(0)
}
func (l *kvLibrary) GetNext(capi.Handle) (string, string, bool) {
	if l.i >= len(l.kv) {
		return "", "", false
	}
	p := l.kv[l.i]
	l.i++
	return p[0], p[1], true
}

// FuzzReply feeds arbitrary parameter lists ("name=value" lines) through the reply reader
// and the result mapping: no panic, and no card-like number survives outside the fields
// whose format is checked (a valid date_time, a 64-hex SHA-256).
func FuzzReply(f *testing.F) {
	f.Add([]byte("amount=12345\ncard_pan=4731XXXXXXXX9838\ndate_time=20240131120000\nprint=SLIP\n"))
	// Card-like runs are built at run time so that no such number is written in the source.
	long := strings.Repeat("4", 16)
	spaced := strings.Repeat("5555 ", 3) + "5555"
	for _, seed := range [][]byte{
		[]byte("card_pan=" + long + "\nstatus=CARD " + spaced + " DECLINED\n"),
		[]byte("amount=99999999999999999999\norig_amount=x\ncshbk_amount=-1\n"),
		[]byte("date_time=" + long + "\npan_sha256=" + long + long + "\n"),
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		lib := &kvLibrary{}
		for _, line := range bytes.Split(data, []byte("\n")) {
			k, v, _ := bytes.Cut(line, []byte("="))
			lib.kv = append(lib.kv, [2]string{string(k), string(v)})
		}
		c, err := New(lib, Config{})
		if err != nil {
			t.Fatal(err)
		}
		r := readReply(lib, 1, capi.RespConfirm, c.sym)
		if len(r.Values) > maxValues {
			t.Fatalf("%d values kept", len(r.Values))
		}
		for k, v := range r.Values {
			if k == "date_time" || k == "pan_sha256" || k == "card_pan" {
				continue
			}
			if payment.RedactPANs(v) != v {
				t.Fatalf("%s keeps a card-like number", k)
			}
		}
		term, err := NewTerminal(c, TerminalConfig{})
		if err != nil {
			t.Fatal(err)
		}
		for _, op := range []payment.Operation{payment.OpPurchase, payment.OpPurchaseCashback} {
			res := term.toResult(op, payment.Request{Amount: 100}, r)
			if payment.MaskPAN(string(res.PAN)) != res.PAN || payment.RedactPANs(res.Receipt) != res.Receipt {
				t.Fatal("card number in the result")
			}
		}
		_, _ = ParseAmount(string(data))
		_, _ = ParseDateTime(string(data), nil)
		_ = Slips(string(data))
	})
}
