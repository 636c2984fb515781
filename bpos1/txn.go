package bpos1

import (
	"strings"

	"github.com/uapos/uapos/payment"
)

// Txn is the transaction properties of the library after a financial operation or a
// journal query (bpos1.md §2.4), text converted to UTF-8 and the card number masked.
type Txn struct {
	TxnType      TxnType
	TrnStatus    TrnStatus
	EntryMode    EntryMode
	Amount       uint32 // final amount, kopecks; may differ from the request
	AddAmount    uint32 // final discount, kopecks
	InvoiceNum   uint32 // the terminal's receipt number; Void takes it
	BatchNum     uint32
	ResponseCode uint32
	RRN          string // 12 characters
	AuthCode     string
	TerminalID   string
	MerchantID   string
	PAN          payment.MaskedPAN
	ExpDate      string // "YYMM"
	CardHolder   string
	IssuerName   string
	// PaymentSystem is the card scheme ("VISA"): tag 26 of the native wire; the vendor API
	// has no such property, so it is empty on the library path.
	PaymentSystem string
	DateTime      string // "YYMMDDhhmmss"; empty with the flat C library
	Currency      string
	CurrencyCode  string
	EmvAID        string
	// SignatureRequired is SignVerif = 1: the customer must sign the slip.
	SignatureRequired bool
	// Native is FlagAcquirer = 1: the card was issued by the acquiring bank.
	Native bool
	// SlipPrinted is SlipPrinted = 1: the terminal printed the slip itself.
	SlipPrinted bool
	// AddData is host field 63.89; ECRDataTM the bank's data for the ECR.
	AddData, ECRDataTM string
	// Receipt is the slip (ReqCurrReceipt), UTF-8; empty when there is none.
	Receipt string
}

// Totals are the batch totals properties (bpos1.md §2.4 "Totals").
type Totals struct {
	DebitAmt, DebitNum         uint32 // purchases
	CreditAmt, CreditNum       uint32 // refunds
	CancelledAmt, CancelledNum uint32 // voids
	// Receipt is the printed report, UTF-8, when there is one.
	Receipt string
}

// TerminalInfo is the answer of POSGetInfo: "<swver> <profile(8)><S/N>/<acq1>/<acq2>/..."
// (bpos1.md §2.4 "TerminalInfo format").
type TerminalInfo struct {
	Raw string
	// Head is the part before the first '/': software version, profile and serial number.
	Head string
	// Acquirers[i] is the acquirer whose merchant index is i+1.
	Acquirers []string
}

// ParseTerminalInfo splits s on '/': element 0 is the head, element i >= 1 the acquirer of
// merchant index i (bpos1.md §2.4).
func ParseTerminalInfo(s string) TerminalInfo {
	parts := strings.Split(s, "/")
	ti := TerminalInfo{Raw: s, Head: strings.TrimSpace(parts[0])}
	for _, p := range parts[1:] {
		ti.Acquirers = append(ti.Acquirers, strings.TrimSpace(p))
	}
	return ti
}

// readTxn reads the transaction properties; the caller holds c.mu.
func readTxn(l Lib) *Txn {
	return &Txn{
		TxnType:           TxnType(l.TxnType()),
		TrnStatus:         TrnStatus(l.TrnStatus()),
		EntryMode:         EntryMode(l.EntryMode()),
		Amount:            l.Amount(),
		AddAmount:         l.AddAmount(),
		InvoiceNum:        l.InvoiceNum(),
		BatchNum:          l.TrnBatchNum(),
		ResponseCode:      l.ResponseCode(),
		RRN:               strings.TrimSpace(decode(l.RRN())),
		AuthCode:          strings.TrimSpace(decode(l.AuthCode())),
		TerminalID:        strings.TrimSpace(decode(l.TerminalID())),
		MerchantID:        strings.TrimSpace(decode(l.MerchantID())),
		PAN:               payment.MaskPAN(strings.TrimSpace(decode(l.PAN()))),
		ExpDate:           decode(l.ExpDate()),
		CardHolder:        strings.TrimSpace(decode(l.CardHolder())),
		IssuerName:        strings.TrimSpace(decode(l.IssuerName())),
		DateTime:          decode(l.DateTime()),
		Currency:          decode(l.Currency()),
		CurrencyCode:      decode(l.CurrencyCode()),
		EmvAID:            decode(l.EmvAID()),
		SignatureRequired: l.SignVerif() == 1,
		Native:            l.FlagAcquirer() == 1,
		SlipPrinted:       l.SlipPrinted() == 1,
		AddData:           decode(l.AddData()),
		ECRDataTM:         decode(l.ECRDataTM()),
	}
}

func readTotals(l Lib) *Totals {
	return &Totals{
		DebitAmt: l.TotalsDebitAmt(), DebitNum: l.TotalsDebitNum(),
		CreditAmt: l.TotalsCreditAmt(), CreditNum: l.TotalsCreditNum(),
		CancelledAmt: l.TotalsCancelledAmt(), CancelledNum: l.TotalsCancelledNum(),
	}
}
