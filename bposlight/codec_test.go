package bposlight

import (
	"errors"
	"strings"
	"testing"
)

func TestTagTable(t *testing.T) {
	// bposlight.md §1.3: 29 rows, REQ and RESP sharing row 1.
	rows := map[Tag]bool{}
	for _, ti := range Tags {
		rows[ti.Tag] = true
	}
	if len(Tags) != 30 || len(rows) != 30 {
		t.Fatalf("%d tags, want 30 names (29 rows)", len(Tags))
	}
	for tag, want := range map[Tag]TagInfo{
		TagMID: {TagMID, KindString, 160}, TagTID: {TagTID, KindString, 90}, TagPAN: {TagPAN, KindString, 19},
		TagSIGN: {TagSIGN, KindByte, 1}, TagQRDATA: {TagQRDATA, KindString, 512}, TagPAYSYS: {TagPAYSYS, KindString, 15},
		TagTXNNUM: {TagTXNNUM, KindDWORD, 0}, TagHOLDER: {TagHOLDER, KindString, 26},
	} {
		if got, _ := Info(tag); got != want {
			t.Errorf("%s: %+v, want %+v", tag, got, want)
		}
	}
	if _, ok := Info(TagFISCNUM); !ok {
		t.Error("FISCNUM alias unknown")
	}
}

func TestQREscaping(t *testing.T) {
	raw := "https://x.ua/p?a=1;b=2"
	esc := EscapeQR(raw)
	if esc != "https://x.ua/p?a##3D##1##3B##b##3D##2" {
		t.Fatalf("EscapeQR = %q", esc)
	}
	if UnescapeQR(esc) != raw {
		t.Fatalf("UnescapeQR = %q", UnescapeQR(esc))
	}
	// CON with QRDATA carries the escaped form and decodes back
	b, err := ConfirmQRMessage(raw).Encode()
	if err != nil || string(b) != "REQ=CON;QRDATA="+esc+";" {
		t.Fatalf("encode %q %v", b, err)
	}
	r, err := DecodeResponse([]byte("RESP=PUR;RC=0;CARDTYPE=QR;QRDATA=" + esc + ";"))
	if err != nil || r.QRData != raw {
		t.Fatalf("decode %+v %v", r, err)
	}
	// unescaped separators in a QRDATA value cannot be encoded
	var m Message
	m.Add(TagREQ, "CON")
	m.Add(TagQRDATA, raw)
	if _, err := m.Encode(); !errors.Is(err, ErrBadValue) {
		t.Fatalf("raw QR encoded: %v", err)
	}
}

func TestParseMessageErrors(t *testing.T) {
	for _, c := range []struct {
		in   string
		want error
	}{
		{"", ErrSyntax},
		{"RESP=CON;RC", ErrSyntax},
		{"resp=CON;", ErrSyntax},
		{"=1;", ErrSyntax},
		{"RESP=CON;RC=0;RC=1;", ErrDuplicateTag},
		{"RESP=CON;RC=abc;", ErrBadValue},
		{"RESP=CON;RC=4294967296;", ErrBadValue},
		{"RESP=PUR;RC=0;SIGN=2;", ErrBadValue},
		{"RESP=PUR;RC=0;PAN=12345678901234567890;", ErrBadValue},
		{"RESP=PUR;RC=0;HOLDER=" + strings.Repeat("A", 27) + ";", ErrBadValue},
		{"RESP=PUR;RC=0;FSCNUM=1;FISCNUM=2;", ErrDuplicateTag},
	} {
		_, err := ParseMessage([]byte(c.in))
		var pe *ProtocolError
		if !errors.Is(err, c.want) || !errors.As(err, &pe) {
			t.Errorf("%q: %v, want %v", c.in, err, c.want)
		}
	}
	// missing final ';' tolerated; unknown tags kept; FISCNUM alias
	m, err := ParseMessage([]byte("RESP=PUR;RC=0;XTRA=1;FISCNUM=77"))
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := m.Get("XTRA"); v != "1" {
		t.Error("unknown tag lost")
	}
	if v, _ := m.Get(TagFSCNUM); v != "77" {
		t.Error("FISCNUM alias not found")
	}
	if _, err := DecodeResponse([]byte("REQ=PUR;AMOUNT=1;")); !errors.Is(err, ErrMissingTag) {
		t.Errorf("request decoded as response: %v", err)
	}
	if _, err := DecodeResponse([]byte("RESP=PUR;")); !errors.Is(err, ErrMissingTag) {
		t.Errorf("no RC: %v", err)
	}
}

func TestEncodeChecks(t *testing.T) {
	bad := []PurchaseRequest{
		{Amount: 1, Merchant: Merchant{MID: strings.Repeat("M", 161)}},
		{Amount: 1, Merchant: Merchant{MID: "BA;NK"}},
		{Amount: 1, ServiceID: "12345678901"},
		{Amount: 1, Merchant: Merchant{MID: "БАНК"}},
		{Amount: 1, Goods: &Goods{Items: []Item{{ID: "1", Name: "A|B", Unit: UnitKg}}, Type: PayCash}},
		{Amount: 1, Goods: &Goods{Type: "CARD"}},
	}
	for i, r := range bad {
		m, err := r.Message()
		if err == nil {
			_, err = m.Encode()
		}
		if !errors.Is(err, ErrBadValue) {
			t.Errorf("case %d: %v", i, err)
		}
	}
	// CARDTYPE is a DWORD 1..2 in a request, a STRING in a response
	b, err := PurchaseRequest{Amount: 5, QR: QRCardWindow}.Message()
	if err != nil {
		t.Fatal(err)
	}
	if enc, err := b.Encode(); err != nil || string(enc) != "REQ=PUR;AMOUNT=5;QRALLOW=1;CARDTYPE=2;" {
		t.Fatalf("%q %v", enc, err)
	}
	if _, err := ParseMessage([]byte("REQ=PUR;AMOUNT=5;CARDTYPE=CHIP;")); !errors.Is(err, ErrBadValue) {
		t.Errorf("string CARDTYPE in a request: %v", err)
	}
	// TID selection when no MID
	c, _ := CancelRequest{Invoice: 7, Merchant: Merchant{TID: "12123123"}}.Message()
	if c.String() != "REQ=CAN;INVOICE=7;TID=12123123;" {
		t.Errorf("cancel by TID: %q", c.String())
	}
}

func TestGoods(t *testing.T) {
	g := Goods{Items: []Item{{ID: "7", Name: "MILK 2.5%", Price: 4250, Count: 1500, Discount: 100, Unit: UnitKg}}, Total: 6275, Type: PayCash}
	s, err := g.Encode()
	if err != nil || s != "ID:7|NAME:MILK 2.5%|PRICE:4250|COUNT:1500|DISCOUNT:100|UNIT:KG||TOTAL:6275||TYPE:CASH||" {
		t.Fatalf("%q %v", s, err)
	}
	back, err := ParseGoods(s)
	if err != nil || back.Items[0] != g.Items[0] || back.Total != 6275 || back.Type != PayCash {
		t.Fatalf("%+v %v", back, err)
	}
	if g.Sum() != 6275 {
		t.Errorf("Sum = %d", g.Sum())
	}
	for _, bad := range []string{
		"", "TOTAL:1||TYPE:CASH|", "TOTAL:1||", "ID:1|NAME:A|PRICE:x|COUNT:1|DISCOUNT:0|UNIT:KG||TOTAL:1||TYPE:CASH||",
		"ID:1|NAME:A|PRICE:1|COUNT:1|DISCOUNT:0||TOTAL:1||TYPE:CASH||", "TOTAL:1||TYPE:CASH||ID:1|NAME:A|PRICE:1|COUNT:1|DISCOUNT:0|UNIT:KG||",
		"ID:1|NAME:A|PRICE:1|COUNT:1|DISCOUNT:0|UNIT:L||TOTAL:1||TYPE:CASH||",
	} {
		if _, err := ParseGoods(bad); !errors.Is(err, ErrBadValue) {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func TestTolerantFrame(t *testing.T) {
	// LITE's variant (bposlight.md §2): LL = len+3, three NULs, then the LRC 0x47 of
	// "RESP=CON;RC=0000;" (bposlight.md §1.2).
	b := append([]byte{0x02, 0x00, 0x14}, "RESP=CON;RC=0000;"...)
	b = append(b, 0, 0, 0, 0x47)
	if _, err := ParseFrame(b, false); !errors.Is(err, ErrSyntax) {
		t.Errorf("strict: %v", err)
	}
	m, err := ParseFrame(b, true)
	if err != nil || m.String() != "RESP=CON;RC=0000;" {
		t.Fatalf("tolerant: %q %v", m.String(), err)
	}
}
