package bposlight

import (
	"strings"
	"time"
)

// Merchant selects the merchant of a request: either TID or MID (bposlight.md §1.4: "either
// TID or MID may be given; if neither is given, the first TID is used"). When both are set
// MID is sent.
type Merchant struct {
	MID string
	TID string
}

func (s Merchant) add(m *Message) {
	switch {
	case s.MID != "":
		m.Add(TagMID, s.MID)
	case s.TID != "":
		m.Add(TagTID, s.TID)
	}
}

// QRMode is the CARDTYPE of a purchase-with-QR request (bposlight.md §1.3 row 17).
type QRMode uint8

// QR modes.
const (
	QRNone       QRMode = 0 // an ordinary card purchase: no QRALLOW, no CARDTYPE
	QRWindow     QRMode = 1 // QRALLOW=1, CARDTYPE=1: open the QR-read window at once
	QRCardWindow QRMode = 2 // QRALLOW=1, CARDTYPE=2: open the card-wait window (QR allowed)
)

// String implements fmt.Stringer.
func (q QRMode) String() string {
	switch q {
	case QRNone:
		return "none"
	case QRWindow:
		return "qr-window"
	case QRCardWindow:
		return "card-window"
	}
	return "QRMode(?)"
}

// PurchaseRequest is REQ=PUR.
type PurchaseRequest struct {
	Amount   uint32 // minor units (kopecks)
	Merchant Merchant
	// ServiceID is SERVID, the service number of a sale with service; empty omits it.
	ServiceID string
	// QR selects a purchase with QR; zero is a card purchase.
	QR QRMode
	// Goods, when not nil, is sent as GOODS for the fiscal system (spec v1.6).
	Goods *Goods
}

// Message returns the request in the field order of the spec's examples (bposlight.md §3):
// REQ, AMOUNT, MID|TID, SERVID, QRALLOW, CARDTYPE, GOODS.
func (r PurchaseRequest) Message() (Message, error) {
	var m Message
	m.Add(TagREQ, string(OpPurchase))
	m.AddUint(TagAMOUNT, r.Amount)
	r.Merchant.add(&m)
	if r.ServiceID != "" {
		m.Add(TagSERVID, r.ServiceID)
	}
	if r.QR != QRNone {
		m.AddUint(TagQRALLOW, 1)
		m.AddUint(TagCARDTYPE, uint32(r.QR))
	}
	if r.Goods != nil {
		g, err := r.Goods.Encode()
		if err != nil {
			return Message{}, err
		}
		m.Add(TagGOODS, g)
	}
	return m, nil
}

// CancelRequest is REQ=CAN: void the operation with Invoice in the current batch.
type CancelRequest struct {
	Invoice  uint32
	Merchant Merchant
	Goods    *Goods
}

// Message returns REQ, INVOICE, MID|TID, GOODS (the order of bposlight.md §3 "Void").
func (r CancelRequest) Message() (Message, error) {
	var m Message
	m.Add(TagREQ, string(OpCancel))
	m.AddUint(TagINVOICE, r.Invoice)
	r.Merchant.add(&m)
	if r.Goods != nil {
		g, err := r.Goods.Encode()
		if err != nil {
			return Message{}, err
		}
		m.Add(TagGOODS, g)
	}
	return m, nil
}

// ConfirmMessage returns REQ=CON;INVOICE=n; (card purchase).
func ConfirmMessage(invoice uint32) Message {
	var m Message
	m.Add(TagREQ, string(OpConfirm))
	m.AddUint(TagINVOICE, invoice)
	return m
}

// ConfirmQRMessage returns REQ=CON;QRDATA=...; (QR purchase), escaping qr.
func ConfirmQRMessage(qr string) Message {
	var m Message
	m.Add(TagREQ, string(OpConfirm))
	m.Add(TagQRDATA, EscapeQR(qr))
	return m
}

// SettlementMessage returns REQ=SET with the merchant selection.
func SettlementMessage(s Merchant) Message {
	var m Message
	m.Add(TagREQ, string(OpSettlement))
	s.add(&m)
	return m
}

// AcquirersMessage returns REQ=ACQ;.
func AcquirersMessage() Message {
	var m Message
	m.Add(TagREQ, string(OpAcquirers))
	return m
}

// Totals are the Z-balance totals of RESP=SET (bposlight.md §1.3 rows 18-24).
type Totals struct {
	DebitAmount, DebitCount         uint32
	CreditAmount, CreditCount       uint32
	CancelledAmount, CancelledCount uint32
	TxnCount                        uint32
}

// Response is a decoded terminal answer with every tag of the spec typed. Fields absent
// from the message are zero; use Raw.Has to tell absent from zero.
type Response struct {
	Op     Op     // RESP
	RC     uint32 // response code; 0 = success
	RCText string // RC as sent ("0000", "0")
	Amount uint32
	MID    string
	TID    string
	// ServiceID is SERVID.
	ServiceID string
	// PAN is the card number as the terminal masked it ("1234*1213").
	PAN string
	// DateTime is DATETIM as sent: 14 digits YYYYMMDDhhmmss, or 12 (YYMMDDhhmmss) in the
	// spec's QR example. See [Response.Time].
	DateTime     string
	EAID         string
	Holder       string
	Expiry       string
	RRN          string
	AuthCode     string
	Signature    bool
	Invoice      uint32
	Batch        uint32
	CardType     string
	Totals       Totals
	QRAllow      bool
	QRData       string // unescaped
	PaySys       string
	Goods        string
	FiscalNumber string
	// Raw is the message as received.
	Raw Message
}

// DecodeResponse decodes a terminal answer. It needs RESP and RC; other tags are optional.
func DecodeResponse(data []byte) (*Response, error) {
	m, err := ParseMessage(data)
	if err != nil {
		return nil, err
	}
	return ResponseFromMessage(m)
}

// ResponseFromMessage types a parsed message; see [DecodeResponse].
func ResponseFromMessage(m Message) (*Response, error) {
	r := &Response{Raw: m}
	resp, ok := m.Get(TagRESP)
	if !ok {
		return nil, protoErr("decode", -1, "%w RESP", ErrMissingTag)
	}
	r.Op = Op(resp)
	rc, ok := m.Get(TagRC)
	if !ok {
		return nil, protoErr("decode", -1, "%w RC", ErrMissingTag)
	}
	r.RCText = rc
	u := func(t Tag) uint32 {
		v, _ := m.Get(t)
		n, _ := parseDWORD(v) // values were checked by ParseMessage
		return n
	}
	s := func(t Tag) string { v, _ := m.Get(t); return v }
	r.RC = u(TagRC)
	r.Amount = u(TagAMOUNT)
	r.MID, r.TID, r.ServiceID = s(TagMID), s(TagTID), s(TagSERVID)
	r.PAN, r.DateTime, r.EAID = s(TagPAN), s(TagDATETIM), s(TagEAID)
	r.Holder, r.Expiry, r.RRN, r.AuthCode = s(TagHOLDER), s(TagEXP), s(TagRRN), s(TagAUTH)
	r.Signature = u(TagSIGN) == 1
	r.Invoice, r.Batch = u(TagINVOICE), u(TagBATCH)
	r.CardType = s(TagCARDTYPE)
	r.Totals = Totals{u(TagDEBAMT), u(TagDEBNUM), u(TagCRDAMT), u(TagCRDNUM), u(TagCANAMT), u(TagCANNUM), u(TagTXNNUM)}
	r.QRAllow = u(TagQRALLOW) == 1
	r.QRData = UnescapeQR(s(TagQRDATA))
	r.PaySys, r.Goods, r.FiscalNumber = s(TagPAYSYS), s(TagGOODS), s(TagFSCNUM)
	return r, nil
}

// Time parses DateTime in loc (nil = time.Local): 14 digits YYYYMMDDhhmmss, or 12 digits
// YYMMDDhhmmss as in the spec's QR example. It reports false when DateTime is absent or
// does not parse.
func (r *Response) Time(loc *time.Location) (time.Time, bool) {
	if loc == nil {
		loc = time.Local
	}
	layout := ""
	switch len(r.DateTime) {
	case 14:
		layout = "20060102150405"
	case 12:
		layout = "060102150405"
	default:
		return time.Time{}, false
	}
	t, err := time.ParseInLocation(layout, r.DateTime, loc)
	return t, err == nil
}

// Acquirer is one TID/MID pair of RESP=ACQ.
type Acquirer struct {
	MID string
	TID string
}

// Acquirers splits the comma lists of an ACQ answer into pairs, by position. When the lists
// differ in length, the missing side is empty.
func (r *Response) Acquirers() []Acquirer {
	split := func(s string) []string {
		if s == "" {
			return nil
		}
		return strings.Split(s, ",")
	}
	mids, tids := split(r.MID), split(r.TID)
	n := max(len(mids), len(tids))
	out := make([]Acquirer, n)
	for i := range n {
		if i < len(mids) {
			out[i].MID = mids[i]
		}
		if i < len(tids) {
			out[i].TID = tids[i]
		}
	}
	return out
}
