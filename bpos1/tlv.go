package bpos1

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
)

// The provisional native wire (bpos1.md §B): PROVISIONAL. Tags and message classes are
// exactly those of bpos1.md §B.3/§B.4, learned from one production client (WebCheck), not
// from a specification; names are ours.

// Message classes (tag 1).
const (
	ClassFinancial = 1  // purchase, refund, void
	ClassService   = 3  // settlement, X-report, POS info (tag 27)
	ClassConfirm   = 5  // confirm of the last financial answer
	ClassPing      = 11 // ping / default
	ClassStatus    = 13 // status message, terminal -> ECR (tags 30/31)
)

// Tags.
const (
	TagClass         = 1  // message class
	TagTxnType       = 2  // wire transaction type: WireTxn*
	TagAmount        = 3  // amount, kopecks
	TagPAN           = 4  // PAN (ASCII, masked by the terminal)
	TagTerminalID    = 5  // terminal ID (ASCII)
	TagMerchant      = 6  // merchant (ASCII)
	TagResult        = 14 // error number / result code; 0 = success
	TagErrorText     = 15 // error description (ASCII); also the first part of the POS info text
	TagAuthCode      = 16 // approval code (ASCII)
	TagInvoice       = 17 // invoice number
	TagRRN           = 18 // RRN (ASCII)
	TagPaymentSystem = 26 // payment system (ASCII)
	TagService       = 27 // service function: Service*
	TagStatusCode    = 30 // status code (class 13), as LastStatMsgCode
	TagStatusText    = 31 // status text (class 13, ASCII)
	TagMerchantIndex = 33 // merchant index
	TagPrint         = 47 // print flag (with service 2)
	TagInfo2         = 68 // second part of the POS info text (numeric)
	TagAcquirer      = 71 // bank acquirer
)

// Wire transaction types (tag 2). They differ from [TxnType] (bpos1.md §B.3 note).
const (
	WireTxnPurchase = 1
	WireTxnRefund   = 10
	WireTxnVoid     = 11
)

// Service functions (tag 27).
const (
	ServiceSettlement = 1
	ServiceTotals     = 2 // batch totals / X-report, with tag 47 = 1
	ServicePOSInfo    = 8
)

// MaxFields bounds the fields of one message (WebCheck reads up to 99).
const MaxFields = 256

// ErrBadTLV is wrapped by every TLV parse error.
var ErrBadTLV = errors.New("bpos1: malformed TLV")

// Field is one TLV: u32 tag, u32 length, value. A field built with [Message.AddUint] is
// a Number, written as 4 bytes in the encoding's byte order; any other field (ASCII, or
// received) is written as its raw Value.
type Field struct {
	Tag      uint32
	Value    []byte
	Number   uint32
	IsNumber bool
}

// Message is the TLV payload of one frame, fields in wire order. Unknown tags are kept as
// they came, so a message re-encodes to the same bytes.
type Message struct {
	Fields []Field
}

// Get returns the value of the first field with the tag.
func (m Message) Get(tag uint32) ([]byte, bool) {
	for _, f := range m.Fields {
		if f.Tag == tag {
			return f.Value, true
		}
	}
	return nil, false
}

// Uint returns the first field with the tag as a number: a Number field as it is, a raw
// value of 1-8 bytes read in the given byte order.
func (m Message) Uint(tag uint32, order binary.ByteOrder) (uint64, bool) {
	var v []byte
	found := false
	for _, f := range m.Fields {
		if f.Tag == tag {
			if f.IsNumber {
				return uint64(f.Number), true
			}
			v, found = f.Value, true
			break
		}
	}
	if !found || len(v) == 0 || len(v) > 8 {
		return 0, false
	}
	var b [8]byte
	if order == binary.BigEndian {
		copy(b[8-len(v):], v)
		return binary.BigEndian.Uint64(b[:]), true
	}
	copy(b[:], v)
	return binary.LittleEndian.Uint64(b[:]), true
}

// String returns the first field with the tag as text (raw bytes, NULs removed).
func (m Message) String(tag uint32) (string, bool) {
	v, ok := m.Get(tag)
	if !ok {
		return "", false
	}
	out := make([]byte, 0, len(v))
	for _, c := range v {
		if c != 0 {
			out = append(out, c)
		}
	}
	return string(out), true
}

// AddUint appends a 4-byte numeric field; its byte order is chosen when encoding.
func (m *Message) AddUint(tag, v uint32) {
	m.Fields = append(m.Fields, Field{Tag: tag, Number: v, IsNumber: true})
}

// AddString appends an ASCII field.
func (m *Message) AddString(tag uint32, s string) {
	m.Fields = append(m.Fields, Field{Tag: tag, Value: []byte(s)})
}

// textTag reports whether WebCheck decodes the tag's value as ASCII (bpos1.md §B.4 step 5).
func textTag(tag uint32) bool {
	switch tag {
	case TagPAN, TagTerminalID, TagMerchant, TagErrorText, TagAuthCode, TagRRN, TagPaymentSystem, TagStatusText,
		7, 19, 20, 21, 22, 23, 28, 58, 59, 61, 63, 66:
		return true
	}
	return false
}

// AppendMessage appends the TLV encoding of m: for each field u32 tag, u32 length, value,
// in the given byte order; 4-byte numeric values are written in that order too
// (bpos1.md §B.2: big-endian in WebCheck's requests; §B.4: little-endian in its parser).
func AppendMessage(dst []byte, m Message, order binary.ByteOrder) []byte {
	var u [4]byte
	put := func(v uint32) {
		order.PutUint32(u[:], v)
		dst = append(dst, u[:]...)
	}
	for _, f := range m.Fields {
		put(f.Tag)
		if f.IsNumber {
			put(4)
			put(f.Number)
			continue
		}
		put(uint32(len(f.Value)))
		dst = append(dst, f.Value...)
	}
	return dst
}

// ParseMessage parses a TLV payload in the given byte order. Numeric values stay as raw
// bytes: read them with [Message.Uint] in the same order. Errors wrap ErrBadTLV.
func ParseMessage(b []byte, order binary.ByteOrder) (Message, error) {
	var m Message
	off := 0
	for off < len(b) {
		if len(m.Fields) == MaxFields {
			return Message{}, fmt.Errorf("%w: more than %d fields", ErrBadTLV, MaxFields)
		}
		if len(b)-off < 8 {
			return Message{}, fmt.Errorf("%w: %d stray bytes at offset %d", ErrBadTLV, len(b)-off, off)
		}
		tag := order.Uint32(b[off:])
		n := order.Uint32(b[off+4:])
		off += 8
		if uint64(n) > uint64(len(b)-off) {
			return Message{}, fmt.Errorf("%w: tag %d length %d beyond the data at offset %d", ErrBadTLV, tag, n, off-4)
		}
		v := make([]byte, n)
		copy(v, b[off:off+int(n)])
		m.Fields = append(m.Fields, Field{Tag: tag, Value: v})
		off += int(n)
	}
	if len(m.Fields) == 0 {
		return Message{}, fmt.Errorf("%w: empty", ErrBadTLV)
	}
	return m, nil
}

// ParseMessageAuto parses b little-endian first (WebCheck's reader, bpos1.md §B.4) and
// big-endian when that fails or yields a first tag outside 1-255; it returns the order
// that worked (bpos1.md §B.5: the public evidence on the reply byte order conflicts).
func ParseMessageAuto(b []byte) (Message, binary.ByteOrder, error) {
	var firstErr error
	for _, order := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
		m, err := ParseMessage(b, order)
		if err == nil && m.Fields[0].Tag >= 1 && m.Fields[0].Tag <= 255 {
			return m, order, nil
		}
		if firstErr == nil {
			firstErr = err
			if err == nil {
				firstErr = fmt.Errorf("%w: first tag %d", ErrBadTLV, m.Fields[0].Tag)
			}
		}
	}
	return Message{}, nil, firstErr
}

// GoString renders m as "{1=1 2=1 18="123456789012"}" for logs and test failures; card
// numbers are not rendered (tag 4 shows its length only).
func (m Message) GoString() string {
	s := "{"
	for i, f := range m.Fields {
		if i > 0 {
			s += " "
		}
		s += strconv.FormatUint(uint64(f.Tag), 10) + "="
		switch {
		case f.Tag == TagPAN:
			s += fmt.Sprintf("<%d bytes>", len(f.Value))
		case f.IsNumber:
			s += strconv.FormatUint(uint64(f.Number), 10)
		case textTag(f.Tag):
			s += strconv.Quote(string(f.Value))
		default:
			s += fmt.Sprintf("%x", f.Value)
		}
	}
	return s + "}"
}

// Request builders of bpos1.md §B.3 (numeric values in the order AppendMessage is given).

// PurchaseRequest is 1=1, 2=1, 33=merchant, 3=amount.
func PurchaseRequest(amount uint32, merch uint8) Message {
	var m Message
	m.AddUint(TagClass, ClassFinancial)
	m.AddUint(TagTxnType, WireTxnPurchase)
	m.AddUint(TagMerchantIndex, uint32(merch))
	m.AddUint(TagAmount, amount)
	return m
}

// RefundRequest is 1=1, 2=10, 33=merchant, 3=amount, 18=RRN (ASCII).
func RefundRequest(amount uint32, merch uint8, rrn string) Message {
	var m Message
	m.AddUint(TagClass, ClassFinancial)
	m.AddUint(TagTxnType, WireTxnRefund)
	m.AddUint(TagMerchantIndex, uint32(merch))
	m.AddUint(TagAmount, amount)
	m.AddString(TagRRN, rrn)
	return m
}

// VoidRequest is 1=1, 2=11, 33=merchant, 3=amount, 17=invoice; WebCheck sends the
// amount, the vendor API's Void has none: amount 0 leaves tag 3 out.
func VoidRequest(amount uint32, merch uint8, invoice uint32) Message {
	var m Message
	m.AddUint(TagClass, ClassFinancial)
	m.AddUint(TagTxnType, WireTxnVoid)
	m.AddUint(TagMerchantIndex, uint32(merch))
	if amount != 0 {
		m.AddUint(TagAmount, amount)
	}
	m.AddUint(TagInvoice, invoice)
	return m
}

// SettlementRequest is 1=3, 27=1, 33=merchant.
func SettlementRequest(merch uint8) Message {
	var m Message
	m.AddUint(TagClass, ClassService)
	m.AddUint(TagService, ServiceSettlement)
	m.AddUint(TagMerchantIndex, uint32(merch))
	return m
}

// XReportRequest is 1=3, 27=2, 33=merchant, 47=1.
func XReportRequest(merch uint8) Message {
	var m Message
	m.AddUint(TagClass, ClassService)
	m.AddUint(TagService, ServiceTotals)
	m.AddUint(TagMerchantIndex, uint32(merch))
	m.AddUint(TagPrint, 1)
	return m
}

// POSInfoRequest is 1=3, 27=8.
func POSInfoRequest() Message {
	var m Message
	m.AddUint(TagClass, ClassService)
	m.AddUint(TagService, ServicePOSInfo)
	return m
}

// PingRequest is 1=11.
func PingRequest() Message {
	var m Message
	m.AddUint(TagClass, ClassPing)
	return m
}

// ConfirmRequest is 1=5: WebCheck's hard-coded confirm frame 02000c00000001000000040000000500.
func ConfirmRequest() Message {
	var m Message
	m.AddUint(TagClass, ClassConfirm)
	return m
}
