package payment

import (
	"context"
	"time"
)

// Request is one terminal operation as the caller asks for it. Each method of [Terminal] says
// which fields it reads; the others are ignored.
type Request struct {
	// TransactionID is the caller's id of this operation, unique per terminal. Every
	// money-moving call needs one: a retry with the same id never charges twice.
	TransactionID string `json:"transaction_id,omitempty"`
	// Amount is the sum to charge or refund.
	Amount Amount `json:"amount,omitempty"`
	// CashAmount is the cash withdrawn with a purchase (task 14).
	CashAmount Amount `json:"cash_amount,omitempty"`
	// Discount is the discount to apply, where the protocol carries one.
	Discount Amount `json:"discount,omitempty"`
	// Merchant selects the merchant (legal entity) on a terminal that holds several: the 1-based
	// index for PrivatBank JSON and BPOS1 terminals (Oschadbank, Ukrsibbank...), the 7-digit
	// merchant code for POSAPI (Raiffeisen, PUMB), the MID for B-POS Light. Empty means the
	// terminal's default merchant.
	Merchant string `json:"merchant,omitempty"`
	// RRN is the retrieval reference number of the purchase to refund (task 2).
	RRN string `json:"rrn,omitempty"`
	// Invoice is the terminal's invoice (document) number of the operation to cancel (task 3),
	// or of the transaction to get (task 17).
	Invoice string `json:"invoice,omitempty"`
	// AgreementNumber identifies the instalment agreement to refund (task 16).
	AgreementNumber string `json:"agreement_number,omitempty"`
	// Instalments is the number of parts of an instalment purchase (task 15).
	Instalments int `json:"instalments,omitempty"`
	// Extra carries protocol-specific fields by the protocol's own names.
	Extra map[string]string `json:"extra,omitempty"`
	// Events, when not nil, receives progress events (card inserted, PIN entry, host
	// connection...). Sends never block: an event is dropped when the channel is full.
	Events chan<- Event `json:"-"`
}

// Result is a terminal's answer to an operation. It carries every field a fiscal (PRRO)
// service needs to put a card payment on a fiscal receipt.
type Result struct {
	Operation     Operation `json:"operation"`
	TransactionID string    `json:"transaction_id,omitempty"`
	// Approved is true when the host approved the operation.
	Approved bool `json:"approved"`
	// Partial is true when the host approved less than asked (Amount says how much).
	Partial bool `json:"partial,omitempty"`
	// ResponseCode is the host's response (approval) code, for example "0000" or "00".
	ResponseCode string `json:"response_code,omitempty"`
	// ResponseText is the terminal's text for the result ("ОПЕРАЦІЯ УСПІШНА", "APPROVED").
	ResponseText string `json:"response_text,omitempty"`
	RRN          string `json:"rrn,omitempty"`
	AuthCode     string `json:"auth_code,omitempty"`
	// Invoice is the terminal's invoice (document) number; cancel (task 3) takes it.
	Invoice string    `json:"invoice,omitempty"`
	PAN     MaskedPAN `json:"pan,omitempty"`
	// PaymentSystem is the card scheme: "VISA", "MASTERCARD", "PROSTIR"...
	PaymentSystem string `json:"payment_system,omitempty"`
	// Issuer is the card's issuing bank, when the terminal says it.
	Issuer string `json:"issuer,omitempty"`
	// AcquirerBank is the name of the acquiring bank.
	AcquirerBank string `json:"acquirer_bank,omitempty"`
	TerminalID   string `json:"terminal_id,omitempty"`
	MerchantID   string `json:"merchant_id,omitempty"`
	// EntryMode is how the card was read: "chip", "contactless", "magstripe", "manual", "qr".
	EntryMode string `json:"entry_mode,omitempty"`
	// Amount is the approved amount; DiscountAmount and CashAmount as the terminal reports them.
	Amount         Amount `json:"amount"`
	DiscountAmount Amount `json:"discount_amount,omitempty"`
	CashAmount     Amount `json:"cash_amount,omitempty"`
	// Currency is the ISO 4217 code or name the terminal sent ("980", "UAH", "ГРН").
	Currency string    `json:"currency,omitempty"`
	Time     time.Time `json:"time,omitzero"`
	// SignatureRequired is true when the customer must sign the slip.
	SignatureRequired bool `json:"signature_required,omitempty"`
	// Receipt is the slip text from the terminal, UTF-8, lines split by '\n'.
	Receipt string `json:"receipt,omitempty"`
	// AgreementNumber is the instalment agreement number (task 15).
	AgreementNumber string `json:"agreement_number,omitempty"`
	// Totals are the batch totals of an X or Z report.
	Totals *Totals `json:"totals,omitempty"`
	// Raw holds the protocol's own fields by their own names (card numbers masked).
	Raw map[string]string `json:"raw,omitempty"`
}

// Totals are the batch totals of an X-report or a batch close.
type Totals struct {
	Batch          string `json:"batch,omitempty"`
	PurchaseCount  int    `json:"purchase_count"`
	PurchaseAmount Amount `json:"purchase_amount"`
	RefundCount    int    `json:"refund_count"`
	RefundAmount   Amount `json:"refund_amount"`
	CancelCount    int    `json:"cancel_count"`
	CancelAmount   Amount `json:"cancel_amount"`
}

// Merchant is one merchant (legal entity) on a terminal.
type Merchant struct {
	// Index is how a [Request] selects it (1-based index, or code).
	Index string `json:"index"`
	Name  string `json:"name,omitempty"`
	// MerchantID and TerminalID as the bank knows them.
	MerchantID string `json:"merchant_id,omitempty"`
	TerminalID string `json:"terminal_id,omitempty"`
}

// Event is a progress event from a terminal during an operation.
type Event struct {
	// Code is the protocol's own status code (for example getLastStatMsgCode 0-11).
	Code int    `json:"code"`
	Text string `json:"text"`
}

// Send delivers ev to the request's Events channel without blocking.
func (r Request) Send(ev Event) {
	if r.Events == nil {
		return
	}
	select {
	case r.Events <- ev:
	default:
	}
}

// Terminal is a bank payment terminal driven by one protocol. Implementations serialise
// operations: a second caller gets a 1105 [*Error] (kind [ErrBusy]) while one runs.
//
// Money-moving calls need Request.TransactionID; they write a [Journal] entry before and after
// the exchange, and a retry with the same id returns the recorded outcome instead of charging
// again.
type Terminal interface {
	// Capabilities returns the DM capability row the terminal follows.
	Capabilities() CapabilitySet
	// Purchase charges req.Amount (task 1). Reads TransactionID, Amount, Merchant, Discount.
	Purchase(ctx context.Context, req Request) (*Result, error)
	// Refund refunds req.Amount of the purchase with req.RRN (task 2).
	Refund(ctx context.Context, req Request) (*Result, error)
	// Cancel voids the whole operation with invoice req.Invoice in the current batch (task 3).
	Cancel(ctx context.Context, req Request) (*Result, error)
	// XReport returns the batch totals without closing the batch (task 10).
	XReport(ctx context.Context, req Request) (*Result, error)
	// CloseBatch sends the totals to the bank and clears the batch (task 11, Z).
	CloseBatch(ctx context.Context, req Request) (*Result, error)
}

// Pinger is a terminal that can tell it is present and idle (service 1, or the protocol's own
// link check where DM has none).
type Pinger interface {
	Ping(ctx context.Context) error
}

// CashbackPurchaser is a terminal that does purchase with cash withdrawal (task 14).
type CashbackPurchaser interface {
	PurchaseCashback(ctx context.Context, req Request) (*Result, error)
}

// P2PTransferer is a terminal that does P2P transfers (task 4).
type P2PTransferer interface {
	TransferP2P(ctx context.Context, req Request) (*Result, error)
}

// ServicePayer is a terminal that does universal service payments (task 5).
type ServicePayer interface {
	PayService(ctx context.Context, req Request) (*Result, error)
}

// InstalmentPayer is a terminal that sells by instalments (tasks 15 and 16).
type InstalmentPayer interface {
	PurchaseInstalments(ctx context.Context, req Request) (*Result, error)
	RefundInstalments(ctx context.Context, req Request) (*Result, error)
}

// TransactionGetter is a terminal that returns an earlier transaction by invoice, or the last
// one when req.Invoice is empty (task 17).
type TransactionGetter interface {
	GetTransaction(ctx context.Context, req Request) (*Result, error)
}

// MerchantLister is a terminal that lists its merchants (service 2).
type MerchantLister interface {
	Merchants(ctx context.Context) ([]Merchant, error)
}

// MaskLister is a terminal that lists merchant card masks (service 3).
type MaskLister interface {
	MerchantMasks(ctx context.Context) ([]string, error)
}

// BankEchoer is a terminal that tests its own link to the bank (service 4).
type BankEchoer interface {
	BankEcho(ctx context.Context) error
}

// StatusReader is a terminal that reports the status of the operation in progress (service 5).
type StatusReader interface {
	TransactionStatus(ctx context.Context) (Event, error)
}

// LastTransactioner is a terminal that returns its last transaction (service 6).
type LastTransactioner interface {
	LastTransaction(ctx context.Context) (*Result, error)
}
