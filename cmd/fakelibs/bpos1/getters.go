//go:build cgo

package main

// #include <stdbool.h>
import "C"

// Numeric getters (bpos1.md A.1): the value is the return value.

//export BPOSLib_LastResult
func BPOSLib_LastResult() C.uchar { return C.uchar(lib.LastResult()) }

//export BPOSLib_LastErrorCode
func BPOSLib_LastErrorCode() C.uchar { return C.uchar(lib.LastErrorCode()) }

//export BPOSLib_TxnType
func BPOSLib_TxnType() C.uchar { return C.uchar(lib.TxnType()) }

//export BPOSLib_LastStatMsgCode
func BPOSLib_LastStatMsgCode() C.uchar { return C.uchar(lib.LastStatMsgCode()) }

//export BPOSLib_SignVerif
func BPOSLib_SignVerif() C.uchar { return C.uchar(lib.SignVerif()) }

//export BPOSLib_EntryMode
func BPOSLib_EntryMode() C.uchar { return C.uchar(lib.EntryMode()) }

//export BPOSLib_TrnStatus
func BPOSLib_TrnStatus() C.uchar { return C.uchar(lib.TrnStatus()) }

//export BPOSLib_SlipPrinted
func BPOSLib_SlipPrinted() C.uchar { return C.uchar(lib.SlipPrinted()) }

// BPOSLib_TermStatus is not simulated: 0.
//
//export BPOSLib_TermStatus
func BPOSLib_TermStatus() C.uchar { return 0 }

// BPOSLib_Key is not simulated: 0.
//
//export BPOSLib_Key
func BPOSLib_Key() C.uchar { return 0 }

//export BPOSLib_ResponseCode
func BPOSLib_ResponseCode() C.int { return C.int(int32(lib.ResponseCode())) }

//export BPOSLib_InvoiceNum
func BPOSLib_InvoiceNum() C.int { return C.int(int32(lib.InvoiceNum())) }

//export BPOSLib_TotalsDebitAmt
func BPOSLib_TotalsDebitAmt() C.int { return C.int(int32(lib.TotalsDebitAmt())) }

//export BPOSLib_TotalsDebitNum
func BPOSLib_TotalsDebitNum() C.int { return C.int(int32(lib.TotalsDebitNum())) }

//export BPOSLib_TotalsCreditAmt
func BPOSLib_TotalsCreditAmt() C.int { return C.int(int32(lib.TotalsCreditAmt())) }

//export BPOSLib_TotalsCreditNum
func BPOSLib_TotalsCreditNum() C.int { return C.int(int32(lib.TotalsCreditNum())) }

//export BPOSLib_TotalsCancelledAmt
func BPOSLib_TotalsCancelledAmt() C.int { return C.int(int32(lib.TotalsCancelledAmt())) }

//export BPOSLib_TotalsCancelledNum
func BPOSLib_TotalsCancelledNum() C.int { return C.int(int32(lib.TotalsCancelledNum())) }

//export BPOSLib_TxnNum
func BPOSLib_TxnNum() C.int { return C.int(int32(lib.TxnNum())) }

//export BPOSLib_Amount
func BPOSLib_Amount() C.int { return C.int(int32(lib.Amount())) }

//export BPOSLib_AddAmount
func BPOSLib_AddAmount() C.int { return C.int(int32(lib.AddAmount())) }

//export BPOSLib_TrnBatchNum
func BPOSLib_TrnBatchNum() C.int { return C.int(int32(lib.TrnBatchNum())) }

//export BPOSLib_DiscountAttribute
func BPOSLib_DiscountAttribute() C.int { return C.int(int32(lib.DiscountAttribute())) }

//export BPOSLib_FlagAcquirer
func BPOSLib_FlagAcquirer() C.int { return C.int(int32(lib.FlagAcquirer())) }

// String getters (bpos1.md A.1): int BPOSLib_X(char* out), no size argument.

//export BPOSLib_RRN
func BPOSLib_RRN(out *C.char) C.int { return getString(out, shortBuf, lib.RRN) }

//export BPOSLib_TerminalID
func BPOSLib_TerminalID(out *C.char) C.int { return getString(out, shortBuf, lib.TerminalID) }

//export BPOSLib_MerchantID
func BPOSLib_MerchantID(out *C.char) C.int { return getString(out, shortBuf, lib.MerchantID) }

//export BPOSLib_AuthCode
func BPOSLib_AuthCode(out *C.char) C.int { return getString(out, shortBuf, lib.AuthCode) }

//export BPOSLib_LastErrorDescription
func BPOSLib_LastErrorDescription(out *C.char) C.int {
	return getString(out, shortBuf, lib.LastErrorDescription)
}

//export BPOSLib_LastStatMsgDescription
func BPOSLib_LastStatMsgDescription(out *C.char) C.int {
	return getString(out, shortBuf, lib.LastStatMsgDescription)
}

//export BPOSLib_PAN
func BPOSLib_PAN(out *C.char) C.int { return getString(out, shortBuf, lib.PAN) }

//export BPOSLib_ExpDate
func BPOSLib_ExpDate(out *C.char) C.int { return getString(out, shortBuf, lib.ExpDate) }

//export BPOSLib_CardHolder
func BPOSLib_CardHolder(out *C.char) C.int { return getString(out, shortBuf, lib.CardHolder) }

//export BPOSLib_IssueName
func BPOSLib_IssueName(out *C.char) C.int { return getString(out, shortBuf, lib.IssuerName) }

//export BPOSLib_Receipt
func BPOSLib_Receipt(out *C.char) C.int { return getString(out, receiptBuf, lib.Receipt) }

//export BPOSLib_emvAID
func BPOSLib_emvAID(out *C.char) C.int { return getString(out, shortBuf, lib.EmvAID) }

//export BPOSLib_Currency
func BPOSLib_Currency(out *C.char) C.int { return getString(out, shortBuf, lib.Currency) }

//export BPOSLib_RNK
func BPOSLib_RNK(out *C.char) C.int { return getString(out, shortBuf, lib.RNK) }

//export BPOSLib_CurrencyCode
func BPOSLib_CurrencyCode(out *C.char) C.int { return getString(out, shortBuf, lib.CurrencyCode) }

//export BPOSLib_AddData
func BPOSLib_AddData(out *C.char) C.int { return getString(out, dataBuf, lib.AddData) }

//export BPOSLib_TerminalInfo
func BPOSLib_TerminalInfo(out *C.char) C.int { return getString(out, dataBuf, lib.TerminalInfo) }

//export BPOSLib_DiscountName
func BPOSLib_DiscountName(out *C.char) C.int { return getString(out, shortBuf, lib.DiscountName) }

//export BPOSLib_ECRDataTM
func BPOSLib_ECRDataTM(out *C.char) C.int { return getString(out, shortBuf, lib.ECRDataTM) }

//export BPOSLib_LibraryVersion
func BPOSLib_LibraryVersion(out *C.char) C.int { return getString(out, shortBuf, lib.LibraryVersion) }

//export BPOSLib_ScenarioData
func BPOSLib_ScenarioData(out *C.char) C.int { return getString(out, dataBuf, lib.ScenarioData) }

// BPOSLib_Track3 is card data the suite does not carry: "" and ECRC 8.
//
//export BPOSLib_Track3
func BPOSLib_Track3(out *C.char) C.int { putString(out, shortBuf, ""); return ecrcNoData }

// BPOSLib_CryptedData is card data the suite does not carry: "" and ECRC 8.
//
//export BPOSLib_CryptedData
func BPOSLib_CryptedData(out *C.char) C.int { putString(out, shortBuf, ""); return ecrcNoData }

// BPOSLib_ExtraCardData is card data the suite does not carry: "" and ECRC 8.
//
//export BPOSLib_ExtraCardData
func BPOSLib_ExtraCardData(out *C.char) C.int { putString(out, shortBuf, ""); return ecrcNoData }

// BPOSLib_PanHash is card data the suite does not carry: "" and ECRC 8.
//
//export BPOSLib_PanHash
func BPOSLib_PanHash(out *C.char) C.int { putString(out, shortBuf, ""); return ecrcNoData }

// BPOSLib_DataFile is card data the suite does not carry: "" and ECRC 8.
//
//export BPOSLib_DataFile
func BPOSLib_DataFile(out *C.char) C.int { putString(out, shortBuf, ""); return ecrcNoData }
