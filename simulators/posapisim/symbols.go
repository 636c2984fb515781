package posapisim

// Action and response values as the Delphi unit uPosApi.pas gives them (protocols/posapi.md
// A.3), and the simulator's own values for the actions with no public value.
const (
	aBreak       = 0x0001
	aStatus      = 0x0003
	aRevision    = 0x0004
	aHostEcho    = 0x0005
	aCash        = 0x0101
	aPayment     = 0x0103
	aReversal    = 0x0104
	aReturn      = 0x0105
	aPaymentCash = 0x0110
	aCloseDay    = 0x0301
	aReport      = 0x0302
	aHostCount   = 0x0F01 // simulator's own value
	aHostInfo    = 0x0F02 // simulator's own value
	aConfirm     = 0x0F03 // simulator's own value
	rError       = 0
	rBreak       = 1
	rTimeout     = 2
	rConfirm     = 3
	rDecline     = 4
	rMessage     = 5
	rIdentifier  = 7
	rWrongMAC    = 9
	errNone      = 0
	errFailure   = 1
)

var intSymbols = map[string]int{
	"ACTION_BREAK": 0x0001, "ACTION_TEST": 0x0002, "ACTION_STATUS": 0x0003,
	"ACTION_REVISION": 0x0004, "ACTION_HOST_ECHO_TEST": 0x0005,
	"ACTION_CASH": 0x0101, "ACTION_DEPOSIT": 0x0102, "ACTION_PAYMENT": 0x0103,
	"ACTION_REVERSAL": 0x0104, "ACTION_RETURN": 0x0105, "ACTION_PREAUTH": 0x0106,
	"ACTION_COMPLETE": 0x0107, "ACTION_PARTIAL_REVERSAL": 0x0108,
	"ACTION_CREDIT_VOUCHER": 0x0109, "ACTION_PAYMENT_WITH_CASH": 0x0110,
	"ACTION_BALANCE": 0x0201, "ACTION_CLOSE_DAY": 0x0301, "ACTION_REPORT": 0x0302,
	"ACTION_COPY_RECEIPT": 0x0303, "ACTION_COPY_CLOSE_DAY": 0x0304, "ACTION_READ_CARD": 0x0305,
	"ACTION_GET_VERIF_CODE": 0x0306, "ACTION_CARD_VERIFICATION": 0x0307,
	"ACTION_CHANGE_VERIF_CODE": 0x0308, "ACTION_FUEL_PAYMENT": 0x0401,
	"ACTION_FUEL_COUPON_VOICE_AUTH": 0x0409,
	"ACTION_PRINT_DATA":             0x0500, "ACTION_SHOW_QR_CODE": 0x0501, "ACTION_SIGNATURE": 0x0502,
	"RESP_ERROR": 0, "RESP_BREAK": 1, "RESP_TIMEOUT": 2, "RESP_CONFIRM": 3, "RESP_DECLINE": 4,
	"RESP_MESSAGE": 5, "RESP_INPUT": 6, "RESP_IDENTIFIER": 7, "RESP_KEEPALIVE": 8,
	"RESP_WRONG_MAC": 9, "ERR_NONE": 0, "ERR_FAILURE": 1,
	// simulator's own
	"ACTION_HOST_COUNT": aHostCount, "ACTION_HOST_INFO": aHostInfo, "ACTION_CONFIRM": aConfirm,
}

var stringSymbols = map[string]string{
	"POS_AMOUNT": "amount", "POS_TIPS": "tips", "POS_CURRENCY": "currency",
	"POS_PROFILE": "profile", "POS_MERCHANT_ID": "merchant_id", "POS_TERMINAL_ID": "terminal_id",
	"POS_TRANS_ID": "receipt", "POS_TRANS_RECEIPT": "trans_rcpt", "POS_TRANS_CODE": "rrn",
	"POS_TRANS_APPROVAL": "approval", "POS_TRANS_STATUS": "status", "POS_STATUS": "status_code",
	"POS_DATE_TIME": "date_time", "POS_CARD_PAN": "card_pan", "POS_CARD_EXPIRY": "card_exp",
	"POS_MSG_TITLE": "msg_title", "POS_MSG_BODY": "msg_body", "POS_MSG_BREAK": "msg_break",
	"POS_PRINT": "print", "POS_REVISION_SIGN": "revision", "POS_REPORT": "report",
	"POS_ORIG_AMOUNT": "orig_amount", "POS_CARD_PAN_SHA256": "pan_sha256", "POS_DATA": "data",
	"POS_OPTION": "option", "POS_SOFT_VER": "soft_ver", "POS_BANK_ACQUIRER": "bank_acquir",
	"POS_CARD_PAYMENT_SYS": "payment_sys", "POS_TRANS_ACTION_NAME": "action_name",
	"POS_CLIENT_CHECK_TYPE": "client_check", "POS_DOCUMENT": "document",
	"POS_MAC_KEY": "mac_key", "POS_CARD_TYPE": "card_type", "POS_GOODS_AMOUNT": "goods_amount",
	// simulator's own
	"POS_HOST_CODE": "host_code", "POS_CASHBACK_AMOUNT": "cshbk_amount",
	"POS_CONFIRM_SIGN": "confirm_sign", "POS_TRANS_PART_APPROVAL": "part_approval",
	"POS_HOST_NAME": "host_name", "POS_HOST_STATE": "host_state", "POS_HOST_RECORD": "host_record",
}

// SimulatorSymbols lists the symbols whose values this simulator chose itself because no
// public source gives them.
var SimulatorSymbols = []string{
	"ACTION_HOST_COUNT", "ACTION_HOST_INFO", "ACTION_CONFIRM", "POS_HOST_CODE",
	"POS_CASHBACK_AMOUNT", "POS_CONFIRM_SIGN", "POS_TRANS_PART_APPROVAL", "POS_HOST_NAME",
	"POS_HOST_STATE", "POS_HOST_RECORD",
}
