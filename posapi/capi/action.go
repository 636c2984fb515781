package capi

import "fmt"

// Action names an ACTION_* symbol of the library, for example "ACTION_PAYMENT". Its numeric
// value is what the loaded library exports under that name; [Action.Known] gives the value the
// public record shows, if any.
type Action string

// The actions of the v1.39 guide (protocols/posapi.md section 1.3 and A.3).
const (
	ActionBreak            Action = "ACTION_BREAK"
	ActionTest             Action = "ACTION_TEST" // deprecated since v1.9
	ActionStatus           Action = "ACTION_STATUS"
	ActionRevision         Action = "ACTION_REVISION"
	ActionHostEchoTest     Action = "ACTION_HOST_ECHO_TEST"
	ActionCash             Action = "ACTION_CASH"
	ActionDeposit          Action = "ACTION_DEPOSIT"
	ActionPayment          Action = "ACTION_PAYMENT"
	ActionReversal         Action = "ACTION_REVERSAL"
	ActionReturn           Action = "ACTION_RETURN"
	ActionPreauth          Action = "ACTION_PREAUTH"
	ActionComplete         Action = "ACTION_COMPLETE"
	ActionPartialReversal  Action = "ACTION_PARTIAL_REVERSAL"
	ActionCreditVoucher    Action = "ACTION_CREDIT_VOUCHER"
	ActionPaymentWithCash  Action = "ACTION_PAYMENT_WITH_CASH"
	ActionBalance          Action = "ACTION_BALANCE"
	ActionCloseDay         Action = "ACTION_CLOSE_DAY"
	ActionReport           Action = "ACTION_REPORT"
	ActionCopyReceipt      Action = "ACTION_COPY_RECEIPT"
	ActionCopyCloseDay     Action = "ACTION_COPY_CLOSE_DAY"
	ActionReadCard         Action = "ACTION_READ_CARD"
	ActionGetVerifCode     Action = "ACTION_GET_VERIF_CODE"
	ActionCardVerification Action = "ACTION_CARD_VERIFICATION"
	ActionChangeVerifCode  Action = "ACTION_CHANGE_VERIF_CODE"
	ActionFuelPayment      Action = "ACTION_FUEL_PAYMENT"
	ActionFuelReversal     Action = "ACTION_FUEL_REVERSAL"
	ActionFuelReturn       Action = "ACTION_FUEL_RETURN"
	ActionFuelPinReturn    Action = "ACTION_FUEL_PIN_RETURN"
	ActionFuelPreauth      Action = "ACTION_FUEL_PREAUTH"
	ActionFuelComplete     Action = "ACTION_FUEL_COMPLETE"
	ActionFuelVoiceAuth    Action = "ACTION_FUEL_VOICE_AUTH"
	ActionFuelCouponPay    Action = "ACTION_FUEL_COUPON_PAYMENT"
	ActionFuelCouponVoice  Action = "ACTION_FUEL_COUPON_VOICE_AUTH"
	ActionPrintData        Action = "ACTION_PRINT_DATA"
	ActionShowQRCode       Action = "ACTION_SHOW_QR_CODE"
	ActionSignature        Action = "ACTION_SIGNATURE"

	// Named in the v1.39 guide with no value in any public source: usable only when the
	// loaded library exports the symbol.
	ActionPreauthReversal Action = "ACTION_PREAUTH_REVERSAL"
	ActionConfirm         Action = "ACTION_CONFIRM"
	ActionGetComInfo      Action = "ACTION_GET_COM_INFO"
	ActionPOSInfo         Action = "ACTION_POS_INFO"
	ActionTrnCount        Action = "ACTION_TRN_COUNT"
	ActionTrnInfo         Action = "ACTION_TRN_INFO"
	ActionHostInfo        Action = "ACTION_HOST_INFO"
	ActionHostCount       Action = "ACTION_HOST_COUNT"
	ActionXReportSummary  Action = "ACTION_XREPORT_SUMMARY"
)

// knownActions are the values of the Delphi unit uPosApi.pas (protocols/posapi.md A.3).
var knownActions = map[Action]int{
	ActionBreak: 0x0001, ActionTest: 0x0002, ActionStatus: 0x0003, ActionRevision: 0x0004,
	ActionHostEchoTest: 0x0005,
	ActionCash:         0x0101, ActionDeposit: 0x0102, ActionPayment: 0x0103, ActionReversal: 0x0104,
	ActionReturn: 0x0105, ActionPreauth: 0x0106, ActionComplete: 0x0107,
	ActionPartialReversal: 0x0108, ActionCreditVoucher: 0x0109, ActionPaymentWithCash: 0x0110,
	ActionBalance:  0x0201,
	ActionCloseDay: 0x0301, ActionReport: 0x0302, ActionCopyReceipt: 0x0303,
	ActionCopyCloseDay: 0x0304, ActionReadCard: 0x0305, ActionGetVerifCode: 0x0306,
	ActionCardVerification: 0x0307, ActionChangeVerifCode: 0x0308,
	ActionFuelPayment: 0x0401, ActionFuelReversal: 0x0402, ActionFuelReturn: 0x0403,
	ActionFuelPinReturn: 0x0404, ActionFuelPreauth: 0x0405, ActionFuelComplete: 0x0406,
	ActionFuelVoiceAuth: 0x0407, ActionFuelCouponPay: 0x0408, ActionFuelCouponVoice: 0x0409,
	ActionPrintData: 0x0500, ActionShowQRCode: 0x0501, ActionSignature: 0x0502,
}

// Actions lists every action this package names, known values first in value order.
var Actions = []Action{
	ActionBreak, ActionTest, ActionStatus, ActionRevision, ActionHostEchoTest,
	ActionCash, ActionDeposit, ActionPayment, ActionReversal, ActionReturn, ActionPreauth,
	ActionComplete, ActionPartialReversal, ActionCreditVoucher, ActionPaymentWithCash,
	ActionBalance, ActionCloseDay, ActionReport, ActionCopyReceipt, ActionCopyCloseDay,
	ActionReadCard, ActionGetVerifCode, ActionCardVerification, ActionChangeVerifCode,
	ActionFuelPayment, ActionFuelReversal, ActionFuelReturn, ActionFuelPinReturn,
	ActionFuelPreauth, ActionFuelComplete, ActionFuelVoiceAuth, ActionFuelCouponPay,
	ActionFuelCouponVoice, ActionPrintData, ActionShowQRCode, ActionSignature,
	ActionPreauthReversal, ActionConfirm, ActionGetComInfo, ActionPOSInfo, ActionTrnCount,
	ActionTrnInfo, ActionHostInfo, ActionHostCount, ActionXReportSummary,
}

// Known returns the value the public record gives for the action, and false for the actions
// whose value is not public.
func (a Action) Known() (int, bool) {
	v, ok := knownActions[a]
	return v, ok
}

// String returns the symbol name.
func (a Action) String() string { return string(a) }

// Response is a value pos_receive returns (a RESP_* symbol).
type Response int

// The responses (protocols/posapi.md section 1.4); the values are the Delphi unit's and the
// loaded library's RESP_* exports override them.
const (
	RespError      Response = 0 // library error: call pos_error
	RespBreak      Response = 1 // operation interrupted (final)
	RespTimeout    Response = 2 // nothing within the timeout: receive again
	RespConfirm    Response = 3 // success (final)
	RespDecline    Response = 4 // declined by the terminal or the host (final)
	RespMessage    Response = 5 // progress message (msg_title, msg_body, msg_break)
	RespInput      Response = 6 // in the binding only; not described in v1.39
	RespIdentifier Response = 7 // transaction id assigned, after card read, before the host
	RespKeepalive  Response = 8 // reserved, not supported
	RespWrongMAC   Response = 9 // missing or wrong MAC (final)
)

var responseNames = [...]string{"RESP_ERROR", "RESP_BREAK", "RESP_TIMEOUT", "RESP_CONFIRM",
	"RESP_DECLINE", "RESP_MESSAGE", "RESP_INPUT", "RESP_IDENTIFIER", "RESP_KEEPALIVE", "RESP_WRONG_MAC"}

// Responses lists every response in value order.
var Responses = []Response{RespError, RespBreak, RespTimeout, RespConfirm, RespDecline,
	RespMessage, RespInput, RespIdentifier, RespKeepalive, RespWrongMAC}

// Symbol returns the RESP_* symbol name of a known response, and "" otherwise.
func (r Response) Symbol() string {
	if r >= 0 && int(r) < len(responseNames) {
		return responseNames[r]
	}
	return ""
}

// String returns the symbol name, or "RESP(n)" for a value no symbol names.
func (r Response) String() string {
	if s := r.Symbol(); s != "" {
		return s
	}
	return fmt.Sprintf("RESP(%d)", int(r))
}

// Final reports whether the response ends the operation: CONFIRM, DECLINE, BREAK, WRONG_MAC.
func (r Response) Final() bool {
	return r == RespConfirm || r == RespDecline || r == RespBreak || r == RespWrongMAC
}
