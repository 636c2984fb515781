package libserve

import (
	"github.com/uapos/uapos/bpos1"
)

// The BPOS1 calls are the methods of bpos1.Lib by name (bpos1.md §2.3, §2.4; the flat C
// API's BPOSLib_<name>), with the signature letters of their arguments.
var bpos1Actions = map[string]string{
	"CommOpen": "SI", "CommOpenTCP": "SS", "CommClose": "",
	"Purchase": "IIB", "Refund": "IIBS", "Void": "IB",
	"Settlement": "B", "PrintBatchTotals": "B", "GetBatchTotals": "B", "CheckConnection": "B",
	"SetErrorLang": "B",
	"Confirm":      "", "Cancel": "", "GetTxnNum": "", "ReqCurrReceipt": "", "ReadCard": "",
	"POSGetInfo": "", "ReadBankCard": "", "Ping": "",
	"GetTxnDataByOrder": "I", "GetTxnDataByInv": "IB", "ReqReceiptByInv": "IB",
	"Completion": "BISI", "PurchaseService": "BIS", "IdentifyCard": "BSB", "StartScenario": "IS",
	"CorrectTransaction": "II", "CashAdvance": "BISB",
}

// Getters: unsigned char, unsigned 32-bit and string properties.
var (
	bpos1U8 = map[string]func(bpos1.Lib) uint8{
		"LastResult": bpos1.Lib.LastResult, "LastErrorCode": bpos1.Lib.LastErrorCode,
		"LastStatMsgCode": bpos1.Lib.LastStatMsgCode, "SignVerif": bpos1.Lib.SignVerif,
		"EntryMode": bpos1.Lib.EntryMode, "TxnType": bpos1.Lib.TxnType,
		"TrnStatus": bpos1.Lib.TrnStatus, "SlipPrinted": bpos1.Lib.SlipPrinted,
	}
	bpos1U32 = map[string]func(bpos1.Lib) uint32{
		"ResponseCode": bpos1.Lib.ResponseCode, "InvoiceNum": bpos1.Lib.InvoiceNum,
		"Amount": bpos1.Lib.Amount, "AddAmount": bpos1.Lib.AddAmount,
		"TrnBatchNum": bpos1.Lib.TrnBatchNum, "FlagAcquirer": bpos1.Lib.FlagAcquirer,
		"DiscountAttribute": bpos1.Lib.DiscountAttribute, "CompletionInvoiceNum": bpos1.Lib.CompletionInvoiceNum,
		"TotalsDebitAmt": bpos1.Lib.TotalsDebitAmt, "TotalsDebitNum": bpos1.Lib.TotalsDebitNum,
		"TotalsCreditAmt": bpos1.Lib.TotalsCreditAmt, "TotalsCreditNum": bpos1.Lib.TotalsCreditNum,
		"TotalsCancelledAmt": bpos1.Lib.TotalsCancelledAmt, "TotalsCancelledNum": bpos1.Lib.TotalsCancelledNum,
		"TxnNum": bpos1.Lib.TxnNum,
	}
	bpos1Str = map[string]func(bpos1.Lib) string{
		"LastErrorDescription": bpos1.Lib.LastErrorDescription, "LastStatMsgDescription": bpos1.Lib.LastStatMsgDescription,
		"PAN": bpos1.Lib.PAN, "DateTime": bpos1.Lib.DateTime, "TerminalID": bpos1.Lib.TerminalID,
		"MerchantID": bpos1.Lib.MerchantID, "AuthCode": bpos1.Lib.AuthCode, "ExpDate": bpos1.Lib.ExpDate,
		"CardHolder": bpos1.Lib.CardHolder, "IssuerName": bpos1.Lib.IssuerName, "RRN": bpos1.Lib.RRN,
		"EmvAID": bpos1.Lib.EmvAID, "Currency": bpos1.Lib.Currency, "CurrencyCode": bpos1.Lib.CurrencyCode,
		"RNK": bpos1.Lib.RNK, "AddData": bpos1.Lib.AddData, "ECRDataTM": bpos1.Lib.ECRDataTM,
		"DiscountName": bpos1.Lib.DiscountName, "Receipt": bpos1.Lib.Receipt,
		"TerminalInfo": bpos1.Lib.TerminalInfo, "ScenarioData": bpos1.Lib.ScenarioData,
		"LibraryVersion": bpos1.Lib.LibraryVersion,
	}
)

// bpos1Sigs is every BPOS1 call with its signature: the actions, and the getters (no
// arguments).
var bpos1Sigs = func() map[string]string {
	m := map[string]string{}
	for k, v := range bpos1Actions {
		m[k] = v
	}
	for k := range bpos1U8 {
		m[k] = ""
	}
	for k := range bpos1U32 {
		m[k] = ""
	}
	for k := range bpos1Str {
		m[k] = ""
	}
	return m
}()

// serveBPOS1 runs one validated BPOS1 request.
func (s *Server) serveBPOS1(r *Request) *Response {
	lib := s.bpos1
	if f := bpos1U8[r.Call]; f != nil {
		return &Response{Ret: int64(f(lib))}
	}
	if f := bpos1U32[r.Call]; f != nil {
		return &Response{Ret: int64(f(lib))}
	}
	if f := bpos1Str[r.Call]; f != nil {
		return &Response{Str: []byte(f(lib))}
	}
	n, str := r.Ints, func(i int) string { return string(r.Strs[i]) }
	u8 := func(i int) uint8 { return uint8(n[i]) }
	u32 := func(i int) uint32 { return uint32(n[i]) }
	var rc int
	switch r.Call {
	case "CommOpen":
		rc = lib.CommOpen(str(0), u32(0))
	case "CommOpenTCP":
		rc = lib.CommOpenTCP(str(0), str(1))
	case "CommClose":
		rc = lib.CommClose()
	case "Purchase":
		rc = lib.Purchase(u32(0), u32(1), u8(2))
	case "Refund":
		rc = lib.Refund(u32(0), u32(1), u8(2), str(0))
	case "Void":
		rc = lib.Void(u32(0), u8(1))
	case "Settlement":
		rc = lib.Settlement(u8(0))
	case "PrintBatchTotals":
		rc = lib.PrintBatchTotals(u8(0))
	case "GetBatchTotals":
		rc = lib.GetBatchTotals(u8(0))
	case "CheckConnection":
		rc = lib.CheckConnection(u8(0))
	case "SetErrorLang":
		rc = lib.SetErrorLang(u8(0))
	case "Confirm":
		rc = lib.Confirm()
	case "Cancel":
		rc = lib.Cancel()
	case "GetTxnNum":
		rc = lib.GetTxnNum()
	case "ReqCurrReceipt":
		rc = lib.ReqCurrReceipt()
	case "ReadCard":
		rc = lib.ReadCard()
	case "POSGetInfo":
		rc = lib.POSGetInfo()
	case "ReadBankCard":
		rc = lib.ReadBankCard()
	case "Ping":
		rc = lib.Ping()
	case "GetTxnDataByOrder":
		rc = lib.GetTxnDataByOrder(u32(0))
	case "GetTxnDataByInv":
		rc = lib.GetTxnDataByInv(u32(0), u8(1))
	case "ReqReceiptByInv":
		rc = lib.ReqReceiptByInv(u32(0), u8(1))
	case "Completion":
		rc = lib.Completion(u8(0), u32(1), str(0), u32(2))
	case "PurchaseService":
		rc = lib.PurchaseService(u8(0), u32(1), str(0))
	case "IdentifyCard":
		rc = lib.IdentifyCard(u8(0), str(0), u8(1))
	case "StartScenario":
		rc = lib.StartScenario(u32(0), str(0))
	case "CorrectTransaction":
		rc = lib.CorrectTransaction(u32(0), u32(1))
	case "CashAdvance":
		rc = lib.CashAdvance(u8(0), u32(1), str(0), u8(2))
	default:
		return &Response{Err: &RemoteError{Code: CodeUnknownCall, Msg: r.Call}}
	}
	return &Response{Ret: int64(rc)}
}
