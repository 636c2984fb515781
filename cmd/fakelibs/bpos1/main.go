//go:build cgo

package main

// #include <stdbool.h>
// #include <string.h>
import "C"

import (
	"unsafe"

	"github.com/uapos/uapos/bpos1"
	"github.com/uapos/uapos/simulators/libserve"
)

func main() {}

// lib forwards every call to the simulator; it dials on the first call.
var lib = libserve.NewBPOS1Client(libserve.AddrFromEnv(libserve.KindBPOS1), libserve.ClientConfig{})

// The buffer sizes the string getters fill at most, NUL included: the flat API passes no
// size, and these are the sizes the vendor's own tools use (bpos1.md A.2): 128 bytes for
// short fields and descriptions, 4096 for TerminalInfo, ScenarioData and AddData
// (DATA_SIZE_MAX), 33000 for Receipt (SELF2000).
const (
	shortBuf   = 128
	dataBuf    = 4096
	receiptBuf = 33000
)

// ECRC codes (bpos1.md §2.2).
const (
	ecrcOK             = C.int(bpos1.ECRCOK)
	ecrcFail           = C.int(bpos1.ECRCFail)
	ecrcNoData         = C.int(bpos1.ECRCNoData)
	ecrcTooSmallBuffer = C.int(bpos1.ECRCTooSmallBuffer)
	ecrcDisconnected   = C.int(bpos1.ECRCDisconnected)
)

// maxCString bounds the C strings read from the caller.
const maxCString = 64 << 10

func goString(p *C.char) string {
	if p == nil {
		return ""
	}
	return C.GoStringN(p, C.int(C.strnlen(p, maxCString)))
}

// putString copies s and a NUL into out, which holds size bytes; false when it does not
// fit (out then holds "").
func putString(out *C.char, size int, s string) bool {
	if out == nil {
		return false
	}
	buf := unsafe.Slice((*byte)(unsafe.Pointer(out)), size)
	if len(s)+1 > size {
		buf[0] = 0
		return false
	}
	copy(buf, s)
	buf[len(s)] = 0
	return true
}

// getString runs a string getter into out: ECRC 0; 10 (TOOSMALLBUFFER, out = "") for a
// value longer than size-1 bytes; 11 (DISCONNECTED, out = "") when the simulator could not
// be asked.
func getString(out *C.char, size int, get func() string) C.int {
	if out == nil {
		return ecrcFail
	}
	s := get()
	if lib.Err() != nil && s == "" {
		putString(out, size, "")
		return ecrcDisconnected
	}
	if !putString(out, size, s) {
		return ecrcTooSmallBuffer
	}
	return ecrcOK
}

// u32 converts a C int amount, invoice or number: a negative one is refused (ok false).
func u32(v C.int) (uint32, bool) { return uint32(v), v >= 0 }

// Lifecycle and link (bpos1.md A.1).

// BPOSLib_InitializeBPOS does nothing: the link to the simulator opens on the first call.
//
//export BPOSLib_InitializeBPOS
func BPOSLib_InitializeBPOS() C.int { return ecrcOK }

// BPOSLib_UninitializeBPOS closes the link to the simulator.
//
//export BPOSLib_UninitializeBPOS
func BPOSLib_UninitializeBPOS() C.int {
	lib.Conn().Close()
	return ecrcOK
}

//export BPOSLib_CommOpen
func BPOSLib_CommOpen(port *C.char, baud C.int) C.int {
	b, ok := u32(baud)
	if !ok {
		return ecrcFail
	}
	return C.int(lib.CommOpen(goString(port), b))
}

// BPOSLib_CommOpenAuto opens the simulated link as CommOpen with an empty port name: the
// simulated terminal is always found.
//
//export BPOSLib_CommOpenAuto
func BPOSLib_CommOpenAuto(baud C.int) C.int {
	b, ok := u32(baud)
	if !ok {
		return ecrcFail
	}
	return C.int(lib.CommOpen("", b))
}

//export BPOSLib_CommOpenTCP
func BPOSLib_CommOpenTCP(ip, port *C.char) C.int {
	return C.int(lib.CommOpenTCP(goString(ip), goString(port)))
}

//export BPOSLib_CommClose
func BPOSLib_CommClose() C.int { return C.int(lib.CommClose()) }

// Operations (bpos1.md A.1): each starts the operation and returns at once.

//export BPOSLib_Confirm
func BPOSLib_Confirm() C.int { return C.int(lib.Confirm()) }

//export BPOSLib_Cancel
func BPOSLib_Cancel() C.int { return C.int(lib.Cancel()) }

//export BPOSLib_Purchase
func BPOSLib_Purchase(amount, addAmount C.int, merchIdx C.uchar) C.int {
	a, ok1 := u32(amount)
	d, ok2 := u32(addAmount)
	if !ok1 || !ok2 {
		return ecrcFail
	}
	return C.int(lib.Purchase(a, d, uint8(merchIdx)))
}

//export BPOSLib_Refund
func BPOSLib_Refund(amount, addAmount C.int, merchIdx C.uchar, rrn *C.char) C.int {
	a, ok1 := u32(amount)
	d, ok2 := u32(addAmount)
	if !ok1 || !ok2 {
		return ecrcFail
	}
	return C.int(lib.Refund(a, d, uint8(merchIdx), goString(rrn)))
}

//export BPOSLib_Void
func BPOSLib_Void(invoiceNum C.int, merchIdx C.uchar) C.int {
	inv, ok := u32(invoiceNum)
	if !ok {
		return ecrcFail
	}
	return C.int(lib.Void(inv, uint8(merchIdx)))
}

//export BPOSLib_Settlement
func BPOSLib_Settlement(merchIdx C.uchar) C.int { return C.int(lib.Settlement(uint8(merchIdx))) }

//export BPOSLib_PrintBatchTotals
func BPOSLib_PrintBatchTotals(merchIdx C.uchar) C.int {
	return C.int(lib.PrintBatchTotals(uint8(merchIdx)))
}

//export BPOSLib_PurchaseService
func BPOSLib_PurchaseService(merchIdx C.uchar, amount C.int, serviceParams *C.char) C.int {
	a, ok := u32(amount)
	if !ok {
		return ecrcFail
	}
	return C.int(lib.PurchaseService(uint8(merchIdx), a, goString(serviceParams)))
}

//export BPOSLib_SetErrorLang
func BPOSLib_SetErrorLang(lang C.uchar) C.int { return C.int(lib.SetErrorLang(uint8(lang))) }

//export BPOSLib_IdentifyCard
func BPOSLib_IdentifyCard(merchIdx C.uchar, currCode *C.char, accNumber C.uchar) C.int {
	return C.int(lib.IdentifyCard(uint8(merchIdx), goString(currCode), uint8(accNumber)))
}

//export BPOSLib_GetTxnNum
func BPOSLib_GetTxnNum() C.int { return C.int(lib.GetTxnNum()) }

//export BPOSLib_GetTxnDataByOrder
func BPOSLib_GetTxnDataByOrder(orderNum C.int) C.int {
	n, ok := u32(orderNum)
	if !ok {
		return ecrcFail
	}
	return C.int(lib.GetTxnDataByOrder(n))
}

//export BPOSLib_GetTxnDataByInv
func BPOSLib_GetTxnDataByInv(invoiceNum C.int, merchIdx C.uchar) C.int {
	inv, ok := u32(invoiceNum)
	if !ok {
		return ecrcFail
	}
	return C.int(lib.GetTxnDataByInv(inv, uint8(merchIdx)))
}

//export BPOSLib_GetBatchTotals
func BPOSLib_GetBatchTotals(merchIdx C.uchar) C.int {
	return C.int(lib.GetBatchTotals(uint8(merchIdx)))
}

//export BPOSLib_CheckConnection
func BPOSLib_CheckConnection(merchIdx C.uchar) C.int {
	return C.int(lib.CheckConnection(uint8(merchIdx)))
}

//export BPOSLib_ReqCurrReceipt
func BPOSLib_ReqCurrReceipt() C.int { return C.int(lib.ReqCurrReceipt()) }

//export BPOSLib_ReqReceiptByInv
func BPOSLib_ReqReceiptByInv(invoiceNum C.int, merchIdx C.uchar) C.int {
	inv, ok := u32(invoiceNum)
	if !ok {
		return ecrcFail
	}
	return C.int(lib.ReqReceiptByInv(inv, uint8(merchIdx)))
}

//export BPOSLib_Completion
func BPOSLib_Completion(merchIdx C.uchar, amount C.int, rrn *C.char, invoiceNum C.int) C.int {
	a, ok1 := u32(amount)
	inv, ok2 := u32(invoiceNum)
	if !ok1 || !ok2 {
		return ecrcFail
	}
	return C.int(lib.Completion(uint8(merchIdx), a, goString(rrn), inv))
}

//export BPOSLib_ReadCard
func BPOSLib_ReadCard() C.int { return C.int(lib.ReadCard()) }

//export BPOSLib_POSGetInfo
func BPOSLib_POSGetInfo() C.int { return C.int(lib.POSGetInfo()) }

//export BPOSLib_StartScenario
func BPOSLib_StartScenario(scenarioID C.int, scenarioXML *C.char) C.int {
	id, ok := u32(scenarioID)
	if !ok {
		return ecrcFail
	}
	return C.int(lib.StartScenario(id, goString(scenarioXML)))
}

//export BPOSLib_CorrectTransaction
func BPOSLib_CorrectTransaction(amount, addAmount C.int) C.int {
	a, ok1 := u32(amount)
	d, ok2 := u32(addAmount)
	if !ok1 || !ok2 {
		return ecrcFail
	}
	return C.int(lib.CorrectTransaction(a, d))
}

//export BPOSLib_CashAdvance
func BPOSLib_CashAdvance(merchIdx C.uchar, amount C.int, currCode *C.char, accNumber C.uchar) C.int {
	a, ok := u32(amount)
	if !ok {
		return ecrcFail
	}
	return C.int(lib.CashAdvance(uint8(merchIdx), a, goString(currCode), uint8(accNumber)))
}

//export BPOSLib_ReadBankCard
func BPOSLib_ReadBankCard() C.int { return C.int(lib.ReadBankCard()) }

//export BPOSLib_Ping
func BPOSLib_Ping() C.int { return C.int(lib.Ping()) }

// BPOSLib_useLogging does nothing: the fake keeps no log of its own.
//
//export BPOSLib_useLogging
func BPOSLib_useLogging(level C.uchar, path *C.char) C.int { return ecrcOK }

// The flat API's functions the simulator does not simulate answer ECRC 8 (NODATA), as a
// missing function does for package bpos1/vendorlib.

//export BPOSLib_PrintLastSettleCopy
func BPOSLib_PrintLastSettleCopy(merchIdx C.uchar) C.int { return ecrcNoData }

//export BPOSLib_PrintBatchJournal
func BPOSLib_PrintBatchJournal(merchIdx C.uchar) C.int { return ecrcNoData }

//export BPOSLib_SetControlMode
func BPOSLib_SetControlMode(on C.bool) C.int { return ecrcNoData }

//export BPOSLib_ReadKey
func BPOSLib_ReadKey(timeout C.uchar) C.int { return ecrcNoData }

//export BPOSLib_DisplayText
func BPOSLib_DisplayText(beep C.uchar) C.int { return ecrcNoData }

//export BPOSLib_SetLine
func BPOSLib_SetLine(row, col C.uchar, text *C.char, invert C.uchar) C.int { return ecrcNoData }

//export BPOSLib_ExchangeStatuses
func BPOSLib_ExchangeStatuses(ecrStatus C.uchar) C.int { return ecrcNoData }

//export BPOSLib_Balance
func BPOSLib_Balance(merchIdx C.uchar, currCode *C.char, accNumber C.uchar) C.int { return ecrcNoData }

//export BPOSLib_Deposit
func BPOSLib_Deposit(merchIdx C.uchar, amount C.int, currCode *C.char, accNumber C.uchar) C.int {
	return ecrcNoData
}

//export BPOSLib_POSExTransaction
func BPOSLib_POSExTransaction() C.int { return ecrcNoData }

//export BPOSLib_SelectApp
func BPOSLib_SelectApp(appName *C.char, appIdx C.int) C.int { return ecrcNoData }

//export BPOSLib_CloseApp
func BPOSLib_CloseApp() C.int { return ecrcNoData }

//export BPOSLib_SetExtraPrintData
func BPOSLib_SetExtraPrintData(text *C.char) C.int { return ecrcNoData }

//export BPOSLib_SetExtraXmlData
func BPOSLib_SetExtraXmlData(xml *C.char) C.int { return ecrcNoData }

//export BPOSLib_SendFile
func BPOSLib_SendFile(path *C.char, dataType, command C.uchar) C.int { return ecrcNoData }

//export BPOSLib_SetScreen
func BPOSLib_SetScreen(screen C.int) C.int { return ecrcNoData }

//export BPOSLib_CheckTerminal
func BPOSLib_CheckTerminal() C.int { return ecrcNoData }

//export BPOSLib_ReqDataFile
func BPOSLib_ReqDataFile() C.int { return ecrcNoData }

//export BPOSLib_UseMac
func BPOSLib_UseMac(macType C.uchar, hexKey *C.char) C.int { return ecrcNoData }
