package capi

// Param names a POS_* symbol of the library, for example "POS_AMOUNT". The symbol points to
// the parameter's wire name ("amount"), which is what pos_set and pos_get take.
type Param string

// String returns the symbol name.
func (p Param) String() string { return string(p) }

// Known returns the wire name the public record gives for the parameter, and false for the
// parameters whose wire name is not public.
func (p Param) Known() (string, bool) {
	i, ok := paramIndex[p]
	if !ok || Dictionary[i].Wire == "" {
		return "", false
	}
	return Dictionary[i].Wire, true
}

// Info returns the dictionary entry of the parameter.
func (p Param) Info() (ParamInfo, bool) {
	i, ok := paramIndex[p]
	if !ok {
		return ParamInfo{}, false
	}
	return Dictionary[i], true
}

// Format is how a parameter's value is written.
type Format int

// The value formats of the v1.39 guide (protocols/posapi.md section 1.5).
const (
	FormatText     Format = iota // free text
	FormatAmount                 // integer, 1-12 digits, minor units (kopecks)
	FormatCurrency               // ISO 4217 numeric, 3 digits (980 = UAH)
	FormatDateTime               // YYYYMMDDhhmmss
	FormatDigits                 // decimal digits only
	FormatFlag                   // "0" or "1"
	FormatExpiry                 // YYMM
	FormatHex                    // hexadecimal digits
	FormatPAN                    // 8-19 digits, masked on output
)

var formatNames = [...]string{"text", "amount", "currency", "date_time", "digits", "flag", "expiry", "hex", "pan"}

// String returns the format's name.
func (f Format) String() string {
	if f >= 0 && int(f) < len(formatNames) {
		return formatNames[f]
	}
	return "format?"
}

// ParamInfo is one entry of the parameter dictionary.
type ParamInfo struct {
	// Symbol is the POS_* symbol.
	Symbol Param
	// Wire is the wire name from the Delphi unit; "" when not public.
	Wire string
	// Format of the value; MaxLen its documented maximum length in bytes (0 = not documented).
	Format Format
	MaxLen int
}

// The parameters (protocols/posapi.md section 1.5 and A.3).
const (
	ParamAmount          Param = "POS_AMOUNT"
	ParamTips            Param = "POS_TIPS"
	ParamCurrency        Param = "POS_CURRENCY"
	ParamProfile         Param = "POS_PROFILE"
	ParamMerchantID      Param = "POS_MERCHANT_ID"
	ParamTerminalID      Param = "POS_TERMINAL_ID"
	ParamTransID         Param = "POS_TRANS_ID"
	ParamTransReceipt    Param = "POS_TRANS_RECEIPT"
	ParamTransCode       Param = "POS_TRANS_CODE"
	ParamTransApproval   Param = "POS_TRANS_APPROVAL"
	ParamTransStatus     Param = "POS_TRANS_STATUS"
	ParamStatus          Param = "POS_STATUS"
	ParamTransAction     Param = "POS_TRANS_ACTION"
	ParamTransMsgCode    Param = "POS_TRANS_MSGCODE"
	ParamDateTime        Param = "POS_DATE_TIME"
	ParamCardPAN         Param = "POS_CARD_PAN"
	ParamCardExpiry      Param = "POS_CARD_EXPIRY"
	ParamCardHolder      Param = "POS_CARD_HOLDER"
	ParamCardTrack1      Param = "POS_CARD_TRACK1"
	ParamCardTrack2      Param = "POS_CARD_TRACK2"
	ParamCardTrack3      Param = "POS_CARD_TRACK3"
	ParamMsgTitle        Param = "POS_MSG_TITLE"
	ParamMsgBody         Param = "POS_MSG_BODY"
	ParamMsgBreak        Param = "POS_MSG_BREAK"
	ParamPrint           Param = "POS_PRINT"
	ParamRevisionSign    Param = "POS_REVISION_SIGN"
	ParamReport          Param = "POS_REPORT"
	ParamOrigAmount      Param = "POS_ORIG_AMOUNT"
	ParamCardPayment     Param = "POS_CARD_PAYMENT"
	ParamVerifCode       Param = "POS_CARD_VERIF_CODE"
	ParamNewVerifCode    Param = "POS_CARD_NEW_VERIF_CODE"
	ParamEncryptionSign  Param = "POS_ENCRYPTION_SIGN"
	ParamPrintData       Param = "POS_PRINT_DATA"
	ParamCardIDNumber    Param = "POS_CARD_ID_NUMBER"
	ParamCardCVV2        Param = "POS_CARD_CVV2"
	ParamPrintReceipt    Param = "POS_PRINT_RECEIPT"
	ParamBeforePrint     Param = "POS_BEFORE_PRINT"
	ParamLoyaltyCode     Param = "POS_CARD_LOYALTY_CODE"
	ParamPANSHA256       Param = "POS_CARD_PAN_SHA256"
	ParamData            Param = "POS_DATA"
	ParamTimeout         Param = "POS_TIMEOUT"
	ParamOption          Param = "POS_OPTION"
	ParamSoftVer         Param = "POS_SOFT_VER"
	ParamBankAcquirer    Param = "POS_BANK_ACQUIRER"
	ParamPaymentSys      Param = "POS_CARD_PAYMENT_SYS"
	ParamActionName      Param = "POS_TRANS_ACTION_NAME"
	ParamClientCheckType Param = "POS_CLIENT_CHECK_TYPE"
	ParamEMVAID          Param = "POS_CARD_EMV_AID"
	ParamCTLSInfo        Param = "POS_CARD_CTLS_INFO"
	ParamDocument        Param = "POS_DOCUMENT"
	ParamFontSize        Param = "POS_FONT_SIZE"
	ParamSignature       Param = "POS_SIGNATURE"
	ParamMACKey          Param = "POS_MAC_KEY"
	ParamCardType        Param = "POS_CARD_TYPE"
	ParamGoodsID         Param = "POS_GOODS_ID"
	ParamGoodsName       Param = "POS_GOODS_NAME"
	ParamGoodsQuantity   Param = "POS_GOODS_QUANTITY"
	ParamGoodsPrice      Param = "POS_GOODS_PRICE"
	ParamGoodsAmount     Param = "POS_GOODS_AMOUNT"
	ParamAddGoods        Param = "POS_ADD_GOODS"
	ParamGoodsRespCode   Param = "POS_GOODS_RESP_CODE"
	ParamGoodsRespData   Param = "POS_GOODS_RESP_DATA"
	ParamGoodsDiscount   Param = "POS_GOODS_DISCOUNT"

	// Named in the v1.39 guide with no wire name in any public source: usable only when the
	// loaded library exports the symbol (or the caller supplies the name).
	ParamHostCode         Param = "POS_HOST_CODE"
	ParamCashbackAmount   Param = "POS_CASHBACK_AMOUNT"
	ParamConfirmSign      Param = "POS_CONFIRM_SIGN"
	ParamTransPartApprove Param = "POS_TRANS_PART_APPROVAL"
	ParamSerialNumber     Param = "POS_SERIAL_NUMBER"
	ParamLicense          Param = "POS_LICENSE"
	ParamHostName         Param = "POS_HOST_NAME"
	ParamHostState        Param = "POS_HOST_STATE"
	ParamHostRecord       Param = "POS_HOST_RECORD"
	ParamTransRecord      Param = "POS_TRANS_RECORD"
	ParamComInfo          Param = "POS_COM_INFO"
	ParamCommissionAmount Param = "POS_COMMISSION_AMOUNT"
	ParamEcomTrID         Param = "POS_ECOM_TRID"
)

// Dictionary is the parameter dictionary: every parameter this package names, with its wire
// name (when public), format and documented maximum length.
var Dictionary = []ParamInfo{
	{ParamAmount, "amount", FormatAmount, 12},
	{ParamTips, "tips", FormatAmount, 12},
	{ParamCurrency, "currency", FormatCurrency, 3},
	{ParamProfile, "profile", FormatText, 0},
	{ParamMerchantID, "merchant_id", FormatText, 0},
	{ParamTerminalID, "terminal_id", FormatText, 0},
	{ParamTransID, "receipt", FormatDigits, 0},
	{ParamTransReceipt, "trans_rcpt", FormatDigits, 6},
	{ParamTransCode, "rrn", FormatText, 12},
	{ParamTransApproval, "approval", FormatText, 6},
	{ParamTransStatus, "status", FormatText, 50},
	{ParamStatus, "status_code", FormatDigits, 1},
	{ParamTransAction, "action", FormatHex, 4},
	{ParamTransMsgCode, "mtid", FormatText, 0},
	{ParamDateTime, "date_time", FormatDateTime, 14},
	{ParamCardPAN, "card_pan", FormatPAN, 19},
	{ParamCardExpiry, "card_exp", FormatExpiry, 4},
	{ParamCardHolder, "card_holder", FormatText, 26},
	{ParamCardTrack1, "track1", FormatText, 0},
	{ParamCardTrack2, "track2", FormatText, 0},
	{ParamCardTrack3, "track3", FormatText, 0},
	{ParamMsgTitle, "msg_title", FormatText, 50},
	{ParamMsgBody, "msg_body", FormatText, 200},
	{ParamMsgBreak, "msg_break", FormatFlag, 1},
	{ParamPrint, "print", FormatText, 0},
	{ParamRevisionSign, "revision", FormatFlag, 1},
	{ParamReport, "report", FormatDigits, 0},
	{ParamOrigAmount, "orig_amount", FormatAmount, 12},
	{ParamCardPayment, "card_payment", FormatFlag, 1},
	{ParamVerifCode, "verif_code", FormatText, 0},
	{ParamNewVerifCode, "verif_ncode", FormatText, 0},
	{ParamEncryptionSign, "encrypt_sign", FormatDigits, 1},
	{ParamPrintData, "print_data", FormatText, 500},
	{ParamCardIDNumber, "card_id_nmb", FormatText, 0},
	{ParamCardCVV2, "card_cvv2", FormatDigits, 4},
	{ParamPrintReceipt, "prn_receipt", FormatText, 0},
	{ParamBeforePrint, "before_prn", FormatText, 0},
	{ParamLoyaltyCode, "loyal_code", FormatText, 0},
	{ParamPANSHA256, "pan_sha256", FormatHex, 64},
	{ParamData, "data", FormatText, 0},
	{ParamTimeout, "timeout", FormatDigits, 0},
	{ParamOption, "option", FormatText, 0},
	{ParamSoftVer, "soft_ver", FormatText, 0},
	{ParamBankAcquirer, "bank_acquir", FormatText, 0},
	{ParamPaymentSys, "payment_sys", FormatText, 0},
	{ParamActionName, "action_name", FormatText, 0},
	{ParamClientCheckType, "client_check", FormatDigits, 1},
	{ParamEMVAID, "emv_aid", FormatHex, 0},
	{ParamCTLSInfo, "ctls_info", FormatText, 0},
	{ParamDocument, "document", FormatText, 0},
	{ParamFontSize, "fnt_size", FormatDigits, 0},
	{ParamSignature, "signature", FormatText, 0},
	{ParamMACKey, "mac_key", FormatHex, 32},
	{ParamCardType, "card_type", FormatText, 20},
	{ParamGoodsID, "goods_id", FormatText, 0},
	{ParamGoodsName, "goods_name", FormatText, 0},
	{ParamGoodsQuantity, "goods_quant", FormatText, 0},
	{ParamGoodsPrice, "goods_price", FormatAmount, 12},
	{ParamGoodsAmount, "goods_amount", FormatAmount, 12},
	{ParamAddGoods, "add_goods", FormatText, 0},
	{ParamGoodsRespCode, "goods_rcode", FormatText, 0},
	{ParamGoodsRespData, "goods_rdata", FormatText, 0},
	{ParamGoodsDiscount, "goods_discnt", FormatAmount, 12},
	{ParamHostCode, "", FormatText, 0},
	{ParamCashbackAmount, "", FormatAmount, 12},
	{ParamConfirmSign, "", FormatFlag, 1},
	{ParamTransPartApprove, "", FormatFlag, 1},
	{ParamSerialNumber, "", FormatText, 0},
	{ParamLicense, "", FormatText, 0},
	{ParamHostName, "", FormatText, 0},
	{ParamHostState, "", FormatText, 0},
	{ParamHostRecord, "", FormatDigits, 0},
	{ParamTransRecord, "", FormatDigits, 0},
	{ParamComInfo, "", FormatDigits, 0},
	{ParamCommissionAmount, "", FormatAmount, 12},
	{ParamEcomTrID, "", FormatText, 0},
}

var paramIndex = func() map[Param]int {
	m := make(map[Param]int, len(Dictionary))
	for i, p := range Dictionary {
		m[p.Symbol] = i
	}
	return m
}()
