package privatjson

import (
	"strconv"
	"strings"

	"github.com/uapos/uapos/payment"
)

// FormatAmount renders an amount as the spec wants it: a decimal string with two fraction
// digits and "." (spec §5.1.1: 0 -> "0.00").
func FormatAmount(a payment.Amount) string { return a.String() }

// ParseAmount reads an amount as terminals send it, tolerantly: "0.60", "0,60", "350" (the
// §5.13 example), "1000.0", with spaces around. It returns false for anything else.
func ParseAmount(s string) (payment.Amount, bool) {
	s = strings.TrimSpace(strings.ReplaceAll(s, ",", "."))
	if s == "" {
		return 0, false
	}
	a, err := payment.ParseAmount(s)
	return a, err == nil
}

// optAmount renders a non-zero amount, and "" for zero (the spec's "discount":"" example).
func optAmount(a payment.Amount) string {
	if a == 0 {
		return ""
	}
	return FormatAmount(a)
}

func boolString(b bool) string { return strconv.FormatBool(b) }

// merchantOrZero returns m, or "0" (the default merchant) when m is empty. Field reports say a
// missing merchantId is refused by some firmware (privatjson.md §3.1).
func merchantOrZero(m string) string {
	if m == "" {
		return "0"
	}
	return m
}

// ProgressFunc receives the terminal's status while a card operation runs. It is called from
// the client's polling goroutine; it may call the client's service methods (GetDiscountName,
// CorrectTransaction, Interrupt) but must not start another card operation.
type ProgressFunc func(Status)

// PurchaseRequest is Purchase (spec §5.1). The encoder always sends amount, discount,
// merchantId, facepay and subMerchant, as the spec's example does and field reports require
// (privatjson.md §3.1).
type PurchaseRequest struct {
	Amount payment.Amount
	// Discount is the additional sum; zero sends "".
	Discount payment.Amount
	// MerchantID is the merchant index; "" sends "0" (the default merchant).
	MerchantID string
	// FacePay starts FacePay24 on Android terminals that have it.
	FacePay bool
	// SubMerchant may be set only to a sub-merchant the bank registered (spec §5.1); "" is
	// sent as "", as the spec's own example does.
	SubMerchant string
	Progress    ProgressFunc
}

func (r PurchaseRequest) request() Request {
	return Request{Method: MethodPurchase, Params: []Param{{"amount", FormatAmount(r.Amount)}, {"discount", optAmount(r.Discount)},
		{"merchantId", merchantOrZero(r.MerchantID)}, {"facepay", boolString(r.FacePay)}, {"subMerchant", r.SubMerchant}}}
}

// RefundRequest is Refund by RRN, in any batch (spec §5.2).
type RefundRequest struct {
	Amount      payment.Amount
	Discount    payment.Amount
	MerchantID  string // "" sends "0"
	RRN         string
	SubMerchant string
	Progress    ProgressFunc
}

func (r RefundRequest) request() Request {
	return Request{Method: MethodRefund, Params: []Param{{"amount", FormatAmount(r.Amount)}, {"discount", optAmount(r.Discount)},
		{"merchantId", merchantOrZero(r.MerchantID)}, {"rrn", r.RRN}, {"subMerchant", r.SubMerchant}}}
}

// WithdrawalRequest is Withdrawal: void of a whole operation of the current batch by its
// invoice number (spec §5.3), or WithdrawalPartly when Amount is not zero (spec §5.4).
type WithdrawalRequest struct {
	InvoiceNumber string
	// Amount, when not zero, makes it WithdrawalPartly: reduce the operation by Amount.
	Amount   payment.Amount
	Progress ProgressFunc
}

func (r WithdrawalRequest) request() Request {
	if r.Amount != 0 {
		return Request{Method: MethodWithdrawalPartly, Params: []Param{{"amount", FormatAmount(r.Amount)}, {"invoiceNumber", r.InvoiceNumber}}}
	}
	return Request{Method: MethodWithdrawal, Params: []Param{{"invoiceNumber", r.InvoiceNumber}}}
}

// ServiceRefundRequest is ServiceRefund: refund through the hard-coded refund service
// (spec §5.11).
type ServiceRefundRequest struct {
	Amount      payment.Amount
	RRN         string
	SubMerchant string
	Progress    ProgressFunc
}

func (r ServiceRefundRequest) request() Request {
	return Request{Method: MethodServiceRefund, Params: []Param{{"amount", FormatAmount(r.Amount)}, {"rrn", r.RRN}, {"subMerchant", r.SubMerchant}}}
}

// InstalmentRequest is one of the instalment services of table 1.1: ServicePbP and the other
// purchase variants take AmountOfParts; ServiceRefPbP and the other refund variants take
// AgreementNum (spec §5.12-5.14).
type InstalmentRequest struct {
	// Method is the service method; "" means ServicePbP when AgreementNum is empty and
	// ServiceRefPbP otherwise.
	Method        string
	Amount        payment.Amount
	AmountOfParts int
	AgreementNum  string
	SubMerchant   string
	Progress      ProgressFunc
}

func (r InstalmentRequest) request() Request {
	m := r.Method
	if m == "" {
		m = MethodServicePbP
		if r.AgreementNum != "" {
			m = MethodServiceRefPbP
		}
	}
	p := []Param{{"amount", FormatAmount(r.Amount)}}
	if r.AgreementNum != "" {
		p = append(p, Param{"agreementNum", r.AgreementNum})
	} else {
		p = append(p, Param{"amountOfParts", strconv.Itoa(r.AmountOfParts)}, Param{"subMerchant", r.SubMerchant})
	}
	return Request{Method: m, Params: p}
}

// ServiceGenericRequest is ServiceGeneric, the universal service (spec §5.15).
type ServiceGenericRequest struct {
	Amount payment.Amount
	// Param is the service's parameters, several written "a/b/c".
	Param      string
	SrvNum     string // service number, for example "046"
	MerchantID string
	Progress   ProgressFunc
}

func (r ServiceGenericRequest) request() Request {
	return Request{Method: MethodServiceGeneric, Params: []Param{{"amount", FormatAmount(r.Amount)}, {"param", r.Param}, {"srvNum", r.SrvNum}, {"merchantId", merchantOrZero(r.MerchantID)}}}
}

// CashbackRequest is Cashback: purchase with cash withdrawal (spec §5.16).
type CashbackRequest struct {
	Amount      payment.Amount
	AmountCash  payment.Amount
	MerchantID  string // "" sends "0"
	SubMerchant string
	Progress    ProgressFunc
}

func (r CashbackRequest) request() Request {
	return Request{Method: MethodCashback, Params: []Param{{"amount", FormatAmount(r.Amount)}, {"amountCash", FormatAmount(r.AmountCash)}, {"merchantId", merchantOrZero(r.MerchantID)}, {"subMerchant", r.SubMerchant}}}
}

// PreauthRequest is Preauthorization (spec §5.26).
type PreauthRequest struct {
	Amount     payment.Amount
	MerchantID string
	Progress   ProgressFunc
}

func (r PreauthRequest) request() Request {
	return Request{Method: MethodPreauthorization, Params: []Param{{"amount", FormatAmount(r.Amount)}, {"merchantId", merchantOrZero(r.MerchantID)}}}
}

// SaleCompletionRequest is SaleCompletion of a pre-authorisation (spec §5.27).
type SaleCompletionRequest struct {
	Amount       payment.Amount // the pre-authorised sum
	AddAmount    payment.Amount // the final sum
	ApprovalCode string
	RRN          string // optional
	Progress     ProgressFunc
}

func (r SaleCompletionRequest) request() Request {
	return Request{Method: MethodSaleCompletion, Params: []Param{{"amount", FormatAmount(r.Amount)}, {"addamount", FormatAmount(r.AddAmount)}, {"approvalCode", r.ApprovalCode}, {"rrn", r.RRN}}}
}

// BonusCardRequest is ReadBonusCard, GetPinBonusCard or PinChangeBonusCard (spec §5.22-5.24).
type BonusCardRequest struct {
	Prompt []PromptLine
	// EnterPIN asks for the PIN after the card (ReadBonusCard only).
	EnterPIN bool
	// TimeoutMS is the terminal's own time limit in ms; 0 omits it (terminal default 60 s).
	TimeoutMS int
	// Attempt is PinChangeBonusCard's number of attempts; 0 omits it (terminal default 1).
	Attempt int
}

func (r BonusCardRequest) request(method string) Request {
	p := []Param{}
	if method == MethodReadBonusCard {
		p = append(p, Param{"enterPIN", map[bool]string{false: "0", true: "1"}[r.EnterPIN]})
	}
	if r.TimeoutMS > 0 {
		p = append(p, Param{"timeout", strconv.Itoa(r.TimeoutMS)})
	}
	if method == MethodPinChangeBonusCard && r.Attempt > 0 {
		p = append(p, Param{"attempt", strconv.Itoa(r.Attempt)})
	}
	return Request{Method: method, Params: p, Prompt: r.Prompt}
}

// Transaction is the reply of a card operation (Purchase and the Purchase-like replies of
// spec §5.1-5.4, 5.11-5.16, 5.26-5.30). Fields the reply lacks are empty. Every field is also
// in Params by its own name.
type Transaction struct {
	Method           string
	ResponseCode     string
	Amount           payment.Amount
	Discount         payment.Amount
	AmountCash       payment.Amount // Cashback
	ApprovalCode     string
	CaptureReference string
	CardExpiryDate   string
	CardHolderName   string
	Date             string // "02.10.2019"
	Time             string // "09:11:07"
	HstFld63Sf89     string
	InvoiceNumber    string
	IssuerName       string
	Merchant         string
	PAN              payment.MaskedPAN
	PosConditionCode string
	PosEntryMode     string
	ProcessingCode   string
	Receipt          string
	RRN              string
	RRNExt           string
	TerminalID       string
	SignVerif        string
	TxnType          TxnType
	TrnStatus        TrnStatus
	Adv              string
	Adv2p            string
	BankAcquirer     string
	PaymentSystem    string
	SubMerchant      string
	AmountOfParts    string // instalments
	AgreementNum     string // instalment refunds, ServiceGeneric
	Result           string // Cashback, bonus cards: "Операція успішна"
	ResultCashback   string // Cashback: "true", or "false" when only the purchase passed
	// Error and ErrorDescription are the reply's top-level fields.
	Error            bool
	ErrorDescription string
	Params           Params
}

// Approved reports whether the responseCode is "0000" or "0010" (partial approval).
func (t *Transaction) Approved() bool { return t.ResponseCode == "0000" || t.ResponseCode == "0010" }

// Partial reports partial approval: responseCode "0010" (spec §5.28).
func (t *Transaction) Partial() bool { return t.ResponseCode == "0010" }

// TransactionFrom reads the transaction fields of a reply.
func TransactionFrom(m *Message) *Transaction {
	p := m.Params
	t := &Transaction{
		Method: m.Method, ResponseCode: m.ResponseCode(), ApprovalCode: p.Get("approvalCode"),
		CaptureReference: p.Get("captureReference"), CardExpiryDate: p.Get("cardExpiryDate"),
		CardHolderName: p.Get("cardHolderName"), Date: p.Get("date"), Time: p.Get("time"),
		HstFld63Sf89: p.Get("hstFld63Sf89"), InvoiceNumber: p.Get("invoiceNumber"),
		IssuerName: p.Get("issuerName"), Merchant: p.Get("merchant"),
		PAN: payment.MaskPAN(p.Get("pan")), PosConditionCode: p.Get("posConditionCode"),
		PosEntryMode: p.Get("posEntryMode"), ProcessingCode: p.Get("processingCode"),
		Receipt: p.Get("receipt"), RRN: p.Get("rrn"), RRNExt: p.Get("rrnExt"),
		TerminalID: p.Get("terminalId"), SignVerif: p.Get("signVerif"), Adv: p.Get("adv"),
		Adv2p: p.Get("adv2p"), BankAcquirer: p.Get("bankAcquirer"),
		PaymentSystem: p.Get("paymentSystem"), SubMerchant: p.Get("subMerchant"),
		AmountOfParts: p.Get("amountOfParts"), AgreementNum: p.Get("agreementNum"),
		Result: p.Get("result"), ResultCashback: p.Get("resultCashback"),
		Error: m.Error, ErrorDescription: m.ErrorDescription, Params: p,
	}
	if t.ResponseCode == "" && strings.TrimSpace(p.Get("code")) == "00" && !(m.HasError && m.Error) {
		t.ResponseCode = "0000" // old firmware: legacy 2-digit code only (spec §4)
	}
	t.Amount, _ = ParseAmount(p.Get("amount"))
	t.Discount, _ = ParseAmount(p.Get("discount"))
	t.AmountCash, _ = ParseAmount(p.Get("amountCash"))
	if n, err := strconv.Atoi(strings.TrimSpace(p.Get("txnType"))); err == nil {
		t.TxnType = TxnType(n)
	}
	if n, err := strconv.Atoi(strings.TrimSpace(p.Get("trnStatus"))); err == nil {
		t.TrnStatus = TrnStatus(n)
	}
	return t
}

// Identity is the reply to ServiceMessage identify (spec §6.10).
type Identity struct {
	// Result is "true" in the spec; a third-party emulator sends "OK" (privatjson.md §4).
	Result string
	Vendor string
	Model  string
	Params Params
}

// String returns "vendor model".
func (i Identity) String() string { return strings.TrimSpace(i.Vendor + " " + i.Model) }

// DiscountInfo is the reply to getDiscountName (spec §6.11). Out of a correction flow the
// terminal sends "NO_D_GROUP", "PAN_UNDEF", "MODE_UNDEF".
type DiscountInfo struct {
	DiscountName string
	PAN          payment.MaskedPAN
	PosEntryMode string
}

// CardData is the reply to ReadCardDiscount (spec §5.7): the magnetic stripe of a discount
// card. All fields are empty on a failed read. Track data may hold a card number: do not log it.
type CardData struct {
	Hash, Track1, Track2, Track3 string
}

// BonusCard is the reply to ReadBonusCard, GetPinBonusCard or PinChangeBonusCard. PinBlock and
// PinBlockNew are encrypted with the integrator's 3DES key (spec §5.22).
type BonusCard struct {
	PAN                   payment.MaskedPAN
	Track2                string
	PinBlock, PinBlockNew string
	Result                string
	ResponseCode          string
}

// Report is the reply of Audit, Verify, VerifyCopy, PrintReceiptNum and PrintBatchJournal:
// a slip text and a response code.
type Report struct {
	Method       string
	Receipt      string
	ResponseCode string
}

func maskPAN(s string) payment.MaskedPAN { return payment.MaskPAN(s) }

// Request builders of the methods without a request struct, shared by the client and the
// golden tests.

func balanceRequest(merchantID string) Request {
	return Request{Method: MethodGetBalance, Params: []Param{{"merchantId", merchantID}}}
}

func merchantRequest(method, merchantID string) Request {
	return Request{Method: method, Params: []Param{{"merchantId", merchantOrZero(merchantID)}}}
}

func printRequest(method, key, value string, print bool) Request {
	return Request{Method: method, Params: []Param{{key, value}, {"prnFlag", prnFlag(print)}}}
}

func phoneRequest(deviceType string) Request {
	if deviceType == "" {
		deviceType = "Terminal"
	}
	return Request{Method: MethodGetPhoneNumber, Params: []Param{{"deviceType", deviceType}}}
}

func otpRequest(deviceType string, timeoutMS int) Request {
	if deviceType == "" {
		deviceType = "Terminal"
	}
	var p []Param
	if timeoutMS > 0 {
		p = append(p, Param{"timeout", strconv.Itoa(timeoutMS)})
	}
	return Request{Method: MethodGetOTPpassword, Params: append(p, Param{"deviceType", deviceType})}
}

func receiptInfoRequest(invoiceNumber string) Request {
	return Request{Method: MethodGetReceiptInfo, Params: []Param{{"invoiceNumber", invoiceNumber}}}
}

func prnFlag(print bool) string {
	if print {
		return "1"
	}
	return "0"
}
