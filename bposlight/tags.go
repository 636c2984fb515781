package bposlight

import "fmt"

// Tag is the name of a field of a B-POS Light message (bposlight.md §1.3).
type Tag string

// The 29 tags of the spec v1.6 (bposlight.md §1.3), REQ and RESP sharing row 1.
const (
	TagREQ      Tag = "REQ"      // 1: request type (ECR → terminal)
	TagRESP     Tag = "RESP"     // 1: response type (terminal → ECR)
	TagRC       Tag = "RC"       // 2: response code, 0 = success
	TagAMOUNT   Tag = "AMOUNT"   // 3: amount in minor units
	TagMID      Tag = "MID"      // 4: merchant ID; for ACQ a comma list
	TagTID      Tag = "TID"      // 5: terminal ID; for ACQ a comma list
	TagSERVID   Tag = "SERVID"   // 6: service number for a sale with service
	TagPAN      Tag = "PAN"      // 7: masked card number, "1234*4321"
	TagDATETIM  Tag = "DATETIM"  // 8: transaction date and time
	TagEAID     Tag = "EAID"     // 9: EMV AID
	TagHOLDER   Tag = "HOLDER"   // 10: cardholder name
	TagEXP      Tag = "EXP"      // 11: card expiry
	TagRRN      Tag = "RRN"      // 12: retrieval reference number
	TagAUTH     Tag = "AUTH"     // 13: authorisation code
	TagSIGN     Tag = "SIGN"     // 14: 1 = signature verification was used
	TagINVOICE  Tag = "INVOICE"  // 15: invoice number
	TagBATCH    Tag = "BATCH"    // 16: batch number
	TagCARDTYPE Tag = "CARDTYPE" // 17: CLESS, CHIP, MSTRIPE, MANUAL, QR; a DWORD in a QR purchase request
	TagDEBAMT   Tag = "DEBAMT"   // 18: Z totals: debit amount
	TagDEBNUM   Tag = "DEBNUM"   // 19: Z totals: debit count
	TagCRDAMT   Tag = "CRDAMT"   // 20: Z totals: credit amount
	TagCRDNUM   Tag = "CRDNUM"   // 21: Z totals: credit count
	TagCANAMT   Tag = "CANAMT"   // 22: Z totals: cancelled amount
	TagCANNUM   Tag = "CANNUM"   // 23: Z totals: cancelled count
	TagTXNNUM   Tag = "TXNNUM"   // 24: Z totals: DEBNUM + CRDNUM + CANNUM
	TagQRALLOW  Tag = "QRALLOW"  // 25: 1 = QR sale allowed
	TagQRDATA   Tag = "QRDATA"   // 26: scanned QR, ';' and '=' escaped
	TagPAYSYS   Tag = "PAYSYS"   // 27: VISA, MASTERCARD, CUP, PROSTIR
	TagGOODS    Tag = "GOODS"    // 28: goods list (see [Goods])
	TagFSCNUM   Tag = "FSCNUM"   // 29: fiscal number; the operations table spells it FISCNUM
)

// TagFISCNUM is the spelling of [TagFSCNUM] in the spec's operations table; decoders accept
// it as an alias, encoders write FSCNUM as the examples do.
const TagFISCNUM Tag = "FISCNUM"

// Kind is the type of a tag's value.
type Kind uint8

// The value types of the spec.
const (
	KindString Kind = iota + 1 // STRING, with a length limit where the spec gives one
	KindDWORD                  // DWORD: decimal 0..4294967295
	KindByte                   // BYTE: decimal, with the range of the spec (SIGN 0..1)
)

// String implements fmt.Stringer.
func (k Kind) String() string {
	switch k {
	case KindString:
		return "STRING"
	case KindDWORD:
		return "DWORD"
	case KindByte:
		return "BYTE"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// TagInfo is one row of the tag table.
type TagInfo struct {
	Tag  Tag
	Kind Kind
	// Max is the STRING length limit, or for BYTE/DWORD with a narrow range the largest
	// value; 0 means the spec gives no limit.
	Max int
}

// Tags is the tag table of bposlight.md §1.3, in the spec's order.
var Tags = []TagInfo{
	{TagREQ, KindString, 3}, {TagRESP, KindString, 3},
	{TagRC, KindDWORD, 0},
	{TagAMOUNT, KindDWORD, 0},
	{TagMID, KindString, 160},
	{TagTID, KindString, 90},
	{TagSERVID, KindString, 10},
	{TagPAN, KindString, 19},
	{TagDATETIM, KindString, 14},
	{TagEAID, KindString, 16},
	{TagHOLDER, KindString, 26},
	{TagEXP, KindString, 4},
	{TagRRN, KindString, 12},
	{TagAUTH, KindString, 8},
	{TagSIGN, KindByte, 1},
	{TagINVOICE, KindDWORD, 0},
	{TagBATCH, KindDWORD, 0},
	{TagCARDTYPE, KindString, 7},
	{TagDEBAMT, KindDWORD, 0}, {TagDEBNUM, KindDWORD, 0},
	{TagCRDAMT, KindDWORD, 0}, {TagCRDNUM, KindDWORD, 0},
	{TagCANAMT, KindDWORD, 0}, {TagCANNUM, KindDWORD, 0},
	{TagTXNNUM, KindDWORD, 0},
	{TagQRALLOW, KindDWORD, 1},
	{TagQRDATA, KindString, 512},
	{TagPAYSYS, KindString, 15},
	{TagGOODS, KindString, 0},
	{TagFSCNUM, KindString, 0},
}

var tagIndex = func() map[Tag]TagInfo {
	m := make(map[Tag]TagInfo, len(Tags)+1)
	for _, t := range Tags {
		m[t.Tag] = t
	}
	m[TagFISCNUM] = TagInfo{TagFISCNUM, KindString, 0}
	return m
}()

// Info returns the table row of t and whether t is a known tag.
func Info(t Tag) (TagInfo, bool) {
	i, ok := tagIndex[t]
	return i, ok
}

// Op is a request or response type: the value of REQ or RESP.
type Op string

// The operations of the spec (bposlight.md §1.4).
const (
	OpPurchase   Op = "PUR" // purchase (also purchase with QR)
	OpCancel     Op = "CAN" // cancel (void) by invoice
	OpConfirm    Op = "CON" // confirm a purchase
	OpSettlement Op = "SET" // Z-balance (settlement)
	OpAcquirers  Op = "ACQ" // list of acquirers (TIDs and MIDs)
)

// String implements fmt.Stringer.
func (o Op) String() string { return string(o) }
