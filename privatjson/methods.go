package privatjson

import "fmt"

// Methods of spec 1.0.3.1 (privatjson.md §3, the spec's §5).
const (
	MethodPurchase           = "Purchase"
	MethodRefund             = "Refund"
	MethodWithdrawal         = "Withdrawal" // void by invoice number, not cash withdrawal
	MethodWithdrawalPartly   = "WithdrawalPartly"
	MethodCheckConnection    = "CheckConnection"
	MethodReadCardDiscount   = "ReadCardDiscount"
	MethodGetTerminalInfo    = "GetTerminalInfo"
	MethodPingDevice         = "PingDevice"
	MethodGetBalance         = "GetBalance"
	MethodServiceRefund      = "ServiceRefund"
	MethodServicePbP         = "ServicePbP"
	MethodServiceRefPbP      = "ServiceRefPbP"
	MethodServiceGeneric     = "ServiceGeneric"
	MethodCashback           = "Cashback"
	MethodAudit              = "Audit"  // X-balance
	MethodVerify             = "Verify" // Z-balance, close batch
	MethodVerifyCopy         = "VerifyCopy"
	MethodPrintReceiptNum    = "PrintReceiptNum"
	MethodPrintBatchJournal  = "PrintBatchJournal"
	MethodReadBonusCard      = "ReadBonusCard"
	MethodGetPinBonusCard    = "GetPinBonusCard"
	MethodPinChangeBonusCard = "PinChangeBonusCard"
	MethodGetPhoneNumber     = "GetPhoneNumber"
	MethodPreauthorization   = "Preauthorization"
	MethodSaleCompletion     = "SaleCompletion"
	MethodGetOTPpassword     = "GetOTPpassword"
	MethodGetReceiptInfo     = "GetReceiptInfo"
)

// Instalment service methods of table 1.1 (privatjson.md §3.14): the same shape as
// ServicePbP (amountOfParts) or ServiceRefPbP (agreementNum).
const (
	MethodServicePartlyRefPbP       = "ServicePartlyRefPbP"
	MethodServicePbPperiod          = "ServicePbPperiod"
	MethodServiceRefPbPperiod       = "ServiceRefPbPperiod"
	MethodServicePartlyRefPbPperiod = "ServicePartlyRefPbPperiod"
	MethodServiceInstantPbI         = "ServiceInstantPbI"
	MethodServiceRefPbI             = "ServiceRefPbI"
	MethodServicePartlyRefPbI       = "ServicePartlyRefPbI"
	MethodServicePbIAct             = "ServicePbIAct"
	MethodServiceRefPbIAct          = "ServiceRefPbIAct"
	MethodServicePartlyRefPbIAct    = "ServicePartlyRefPbIAct"
	MethodServicePbPAct             = "ServicePbPAct"
	MethodServiceRefPbPAct          = "ServiceRefPbPAct"
	MethodServicePartlyRefPbPAct    = "ServicePartlyRefPbPAct"
)

// Service message types (privatjson.md §4, the spec's §6).
const (
	MsgDeviceBusy                = "deviceBusy"
	MsgInterrupt                 = "interrupt"
	MsgInterruptTransmitted      = "interruptTransmitted"
	MsgMethodNotImplemented      = "methodNotImplemented"
	MsgGetMerchantList           = "getMerchantList"
	MsgGetMaskList               = "getMaskList"
	MsgGetLastResult             = "getLastResult"
	MsgGetLastStatMsgCode        = "getLastStatMsgCode"
	MsgGetLastStatMsgDescription = "getLastStatMsgDescription"
	MsgIdentify                  = "identify"
	MsgGetDiscountName           = "getDiscountName"
	MsgCorrectTransaction        = "correctTransaction"
	MsgCorrectionTransmitted     = "correctionTransmitted"
)

// replyType returns the msgType of the reply to a service request (spec §6.2, §6.12).
func replyType(msgType string) string {
	switch msgType {
	case MsgInterrupt:
		return MsgInterruptTransmitted
	case MsgCorrectTransaction:
		return MsgCorrectionTransmitted
	}
	return msgType
}

// Status is getLastStatMsgCode: what the terminal is doing (spec §6.8, "per BPOS").
type Status int

// The status codes.
const (
	StatusIdle              Status = 0  // status code is not available (idle)
	StatusCardRead          Status = 1  // card was read
	StatusChipCard          Status = 2  // used a chip card
	StatusAuthorizing       Status = 3  // authorization in progress
	StatusWaitingCashier    Status = 4  // waiting for cashier action
	StatusPrinting          Status = 5  // printing receipt
	StatusPINEntry          Status = 6  // pin entry is needed
	StatusCardRemoved       Status = 7  // card was removed
	StatusMultiAID          Status = 8  // EMV multi aid's
	StatusWaitingCard       Status = 9  // waiting for card
	StatusInProgress        Status = 10 // in progress
	StatusCorrectTransation Status = 11 // correct transaction: the register may correct the amount
)

var statusNames = [...]string{
	"status code is not available", "card was read", "used a chip card",
	"authorization in progress", "waiting for cashier action", "printing receipt",
	"pin entry is needed", "card was removed", "EMV multi aid's", "waiting for card",
	"in progress", "correct transaction",
}

// String returns the spec's English text for the code.
func (s Status) String() string {
	if s >= 0 && int(s) < len(statusNames) {
		return statusNames[s]
	}
	return fmt.Sprintf("status %d", int(s))
}

// TxnType is the txnType field (spec §5.1, §5.30).
type TxnType int

// The transaction types.
const (
	TxnUndefined  TxnType = 0
	TxnPurchase   TxnType = 1
	TxnRefund     TxnType = 2
	TxnVoid       TxnType = 3
	TxnInstalment TxnType = 4 // part-payment / instant-instalment (§5.30)
)

// String names the type.
func (t TxnType) String() string {
	switch t {
	case TxnUndefined:
		return "undefined"
	case TxnPurchase:
		return "purchase"
	case TxnRefund:
		return "refund"
	case TxnVoid:
		return "void"
	case TxnInstalment:
		return "instalment"
	}
	return fmt.Sprintf("txnType %d", int(t))
}

// TrnStatus is the trnStatus field (spec §5.1).
type TrnStatus int

// The transaction statuses.
const (
	TrnUndefined TrnStatus = 0
	TrnApproved  TrnStatus = 1
	TrnDeclined  TrnStatus = 2
	TrnReversed  TrnStatus = 3
	TrnCanceled  TrnStatus = 4
)

// String names the status.
func (t TrnStatus) String() string {
	switch t {
	case TrnUndefined:
		return "undefined"
	case TrnApproved:
		return "approved"
	case TrnDeclined:
		return "declined"
	case TrnReversed:
		return "reversed"
	case TrnCanceled:
		return "canceled"
	}
	return fmt.Sprintf("trnStatus %d", int(t))
}
