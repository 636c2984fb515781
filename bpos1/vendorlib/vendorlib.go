package vendorlib

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"sync"

	"github.com/uapos/uapos/bpos1"
)

// DefaultPath is the library name used when Config.Path is empty; the dynamic loader
// searches its usual directories for it.
const DefaultPath = "libcBPOSLib.so"

// Buffer sizes of the string getters (see the package doc).
const (
	ShortBufSize   = 128
	DataBufSize    = 4096
	ReceiptBufSize = 33000
)

// ErrUnsupportedPlatform is returned by Open where purego cannot load C libraries.
var ErrUnsupportedPlatform = errors.New("vendorlib: loading the vendor library is not supported on this platform")

// Config configures [Open]. The zero value loads DefaultPath.
type Config struct {
	// Path is the path of libcBPOSLib.so (for example /usr/lib/libcBPOSLib.so.1.4.19).
	// Empty means DefaultPath.
	Path string
	// NoInitialize skips BPOSLib_InitializeBPOS after loading (and UninitializeBPOS on
	// Close). The zero value calls them, as the SELF2000 and Qt samples do.
	NoInitialize bool
}

// ecrcNoData is returned by an action whose symbol the library lacks.
const ecrcNoData = int(bpos1.ECRCNoData)

// funcs holds the bound C functions; a nil field is a symbol the library lacks.
type funcs struct {
	initialize, uninitialize func() int32

	commOpen    func(string, int32) int32
	commOpenTCP func(string, string) int32
	commClose   func() int32

	purchase           func(int32, int32, uint8) int32
	refund             func(int32, int32, uint8, string) int32
	void               func(int32, uint8) int32
	completion         func(uint8, int32, string, int32) int32
	purchaseService    func(uint8, int32, string) int32
	identifyCard       func(uint8, string, uint8) int32
	cashAdvance        func(uint8, int32, string, uint8) int32
	startScenario      func(int32, string) int32
	correctTransaction func(int32, int32) int32
	getTxnDataByOrder  func(int32) int32
	byInv              map[string]func(int32, uint8) int32 // GetTxnDataByInv, ReqReceiptByInv
	byMerch            map[string]func(uint8) int32        // Settlement, PrintBatchTotals, ...
	noArg              map[string]func() int32             // Confirm, Cancel, Ping, ...
	u8                 map[string]func() uint8             // unsigned char getters
	i32                map[string]func() int32             // int getters
	str                map[string]func(*byte) int32        // string getters
}

// Library is the loaded vendor library. It implements bpos1.Lib.
type Library struct {
	mu     sync.Mutex
	f      funcs
	handle uintptr
	cfg    Config
	closed bool
}

var _ bpos1.Lib = (*Library)(nil)

// Symbol name lists of the flat C API (bpos1.md Addendum A.1).
var (
	byMerchNames = []string{"Settlement", "PrintBatchTotals", "GetBatchTotals", "CheckConnection", "SetErrorLang"}
	noArgNames   = []string{"Confirm", "Cancel", "GetTxnNum", "ReqCurrReceipt", "ReadCard", "POSGetInfo", "ReadBankCard", "Ping"}
	byInvNames   = []string{"GetTxnDataByInv", "ReqReceiptByInv"}
	u8Names      = []string{"LastResult", "LastErrorCode", "TxnType", "LastStatMsgCode", "SignVerif", "EntryMode", "TrnStatus", "SlipPrinted"}
	i32Names     = []string{"ResponseCode", "InvoiceNum", "TotalsDebitAmt", "TotalsDebitNum", "TotalsCreditAmt",
		"TotalsCreditNum", "TotalsCancelledAmt", "TotalsCancelledNum", "TxnNum", "Amount", "AddAmount",
		"TrnBatchNum", "FlagAcquirer", "DiscountAttribute", "CompletionInvoiceNum"}
	// strNames maps each string getter to its buffer size. IssueName is the header's
	// spelling of IssuerName; DateTime is not in the flat API (looked up all the same).
	strNames = map[string]int{
		"RRN": ShortBufSize, "TerminalID": ShortBufSize, "MerchantID": ShortBufSize,
		"AuthCode": ShortBufSize, "LastErrorDescription": ShortBufSize,
		"LastStatMsgDescription": ShortBufSize, "PAN": ShortBufSize, "ExpDate": ShortBufSize,
		"CardHolder": ShortBufSize, "IssueName": ShortBufSize, "Receipt": ReceiptBufSize,
		"emvAID": ShortBufSize, "Currency": ShortBufSize, "RNK": ShortBufSize,
		"CurrencyCode": ShortBufSize, "TerminalInfo": DataBufSize, "ScenarioData": DataBufSize,
		"DateTime": ShortBufSize, "AddData": DataBufSize, "ECRDataTM": ShortBufSize,
		"DiscountName": ShortBufSize, "LibraryVersion": ShortBufSize,
	}
)

// Open loads the library and, unless cfg.NoInitialize, calls BPOSLib_InitializeBPOS.
func Open(cfg Config) (*Library, error) {
	if cfg.Path == "" {
		cfg.Path = DefaultPath
	}
	l := &Library{cfg: cfg}
	if err := load(l); err != nil {
		return nil, err
	}
	if !cfg.NoInitialize && l.f.initialize != nil {
		if rc := l.f.initialize(); rc != 0 {
			_ = l.unload()
			return nil, fmt.Errorf("vendorlib: InitializeBPOS: %s (ecrc %d)", bpos1.ECRC(rc), rc)
		}
	}
	return l, nil
}

// Close calls BPOSLib_UninitializeBPOS (unless Config.NoInitialize) and unloads the
// library. The Library must not be used afterwards.
func (l *Library) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil
	}
	l.closed = true
	if !l.cfg.NoInitialize && l.f.uninitialize != nil {
		l.f.uninitialize()
	}
	return l.unload()
}

// Path returns the path the library was loaded from.
func (l *Library) Path() string { return l.cfg.Path }

func amt(v uint32) (int32, bool) {
	if v > math.MaxInt32 {
		return 0, false
	}
	return int32(v), true
}

// call runs an action under the lock.
func (l *Library) call(f func() int32, present bool) int {
	if !present {
		return ecrcNoData
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return int(bpos1.ECRCNotInited)
	}
	return int(f())
}

func (l *Library) noArg(name string) int {
	f := l.f.noArg[name]
	return l.call(func() int32 { return f() }, f != nil)
}

func (l *Library) byMerch(name string, m uint8) int {
	f := l.f.byMerch[name]
	return l.call(func() int32 { return f(m) }, f != nil)
}

func (l *Library) getU8(name string) uint8 {
	f := l.f.u8[name]
	if f == nil {
		return 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return 0
	}
	return f()
}

func (l *Library) getU32(name string) uint32 {
	f := l.f.i32[name]
	if f == nil {
		return 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return 0
	}
	return uint32(f())
}

// getStr calls a string getter with a buffer of its documented size and returns the
// bytes before the first NUL (raw Windows-1251).
func (l *Library) getStr(name string) string {
	f := l.f.str[name]
	if f == nil {
		return ""
	}
	buf := make([]byte, strNames[name])
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return ""
	}
	rc := f(&buf[0])
	l.mu.Unlock()
	runtime.KeepAlive(buf)
	if rc != 0 {
		return ""
	}
	for i, b := range buf {
		if b == 0 {
			return string(buf[:i])
		}
	}
	return string(buf)
}

// CommOpen implements bpos1.Lib.
func (l *Library) CommOpen(port string, baud uint32) int {
	b, ok := amt(baud)
	if !ok {
		return int(bpos1.ECRCFail)
	}
	return l.call(func() int32 { return l.f.commOpen(port, b) }, l.f.commOpen != nil)
}

// CommOpenTCP implements bpos1.Lib.
func (l *Library) CommOpenTCP(ip, port string) int {
	return l.call(func() int32 { return l.f.commOpenTCP(ip, port) }, l.f.commOpenTCP != nil)
}

// CommClose implements bpos1.Lib.
func (l *Library) CommClose() int {
	return l.call(func() int32 { return l.f.commClose() }, l.f.commClose != nil)
}

// Purchase implements bpos1.Lib.
func (l *Library) Purchase(amount, addAmount uint32, merchIdx uint8) int {
	a, ok1 := amt(amount)
	d, ok2 := amt(addAmount)
	if !ok1 || !ok2 {
		return int(bpos1.ECRCFail)
	}
	return l.call(func() int32 { return l.f.purchase(a, d, merchIdx) }, l.f.purchase != nil)
}

// Refund implements bpos1.Lib.
func (l *Library) Refund(amount, addAmount uint32, merchIdx uint8, rrn string) int {
	a, ok1 := amt(amount)
	d, ok2 := amt(addAmount)
	if !ok1 || !ok2 {
		return int(bpos1.ECRCFail)
	}
	return l.call(func() int32 { return l.f.refund(a, d, merchIdx, rrn) }, l.f.refund != nil)
}

// Void implements bpos1.Lib.
func (l *Library) Void(invoiceNum uint32, merchIdx uint8) int {
	inv, ok := amt(invoiceNum)
	if !ok {
		return int(bpos1.ECRCFail)
	}
	return l.call(func() int32 { return l.f.void(inv, merchIdx) }, l.f.void != nil)
}

// Settlement implements bpos1.Lib.
func (l *Library) Settlement(merchIdx uint8) int { return l.byMerch("Settlement", merchIdx) }

// PrintBatchTotals implements bpos1.Lib.
func (l *Library) PrintBatchTotals(merchIdx uint8) int {
	return l.byMerch("PrintBatchTotals", merchIdx)
}

// GetBatchTotals implements bpos1.Lib.
func (l *Library) GetBatchTotals(merchIdx uint8) int { return l.byMerch("GetBatchTotals", merchIdx) }

// CheckConnection implements bpos1.Lib.
func (l *Library) CheckConnection(merchIdx uint8) int {
	return l.byMerch("CheckConnection", merchIdx)
}

// SetErrorLang implements bpos1.Lib.
func (l *Library) SetErrorLang(lang uint8) int { return l.byMerch("SetErrorLang", lang) }

// Confirm implements bpos1.Lib.
func (l *Library) Confirm() int { return l.noArg("Confirm") }

// Cancel implements bpos1.Lib.
func (l *Library) Cancel() int { return l.noArg("Cancel") }

// GetTxnNum implements bpos1.Lib.
func (l *Library) GetTxnNum() int { return l.noArg("GetTxnNum") }

// ReqCurrReceipt implements bpos1.Lib.
func (l *Library) ReqCurrReceipt() int { return l.noArg("ReqCurrReceipt") }

// ReadCard implements bpos1.Lib.
func (l *Library) ReadCard() int { return l.noArg("ReadCard") }

// POSGetInfo implements bpos1.Lib.
func (l *Library) POSGetInfo() int { return l.noArg("POSGetInfo") }

// ReadBankCard implements bpos1.Lib.
func (l *Library) ReadBankCard() int { return l.noArg("ReadBankCard") }

// Ping implements bpos1.Lib.
func (l *Library) Ping() int { return l.noArg("Ping") }

// GetTxnDataByOrder implements bpos1.Lib.
func (l *Library) GetTxnDataByOrder(orderNum uint32) int {
	n, ok := amt(orderNum)
	if !ok {
		return int(bpos1.ECRCFail)
	}
	return l.call(func() int32 { return l.f.getTxnDataByOrder(n) }, l.f.getTxnDataByOrder != nil)
}

func (l *Library) byInv(name string, inv uint32, m uint8) int {
	n, ok := amt(inv)
	if !ok {
		return int(bpos1.ECRCFail)
	}
	f := l.f.byInv[name]
	return l.call(func() int32 { return f(n, m) }, f != nil)
}

// GetTxnDataByInv implements bpos1.Lib.
func (l *Library) GetTxnDataByInv(invoiceNum uint32, merchIdx uint8) int {
	return l.byInv("GetTxnDataByInv", invoiceNum, merchIdx)
}

// ReqReceiptByInv implements bpos1.Lib.
func (l *Library) ReqReceiptByInv(invoiceNum uint32, merchIdx uint8) int {
	return l.byInv("ReqReceiptByInv", invoiceNum, merchIdx)
}

// Completion implements bpos1.Lib.
func (l *Library) Completion(merchIdx uint8, amount uint32, rrn string, inv uint32) int {
	a, ok1 := amt(amount)
	n, ok2 := amt(inv)
	if !ok1 || !ok2 {
		return int(bpos1.ECRCFail)
	}
	return l.call(func() int32 { return l.f.completion(merchIdx, a, rrn, n) }, l.f.completion != nil)
}

// PurchaseService implements bpos1.Lib.
func (l *Library) PurchaseService(merchIdx uint8, amount uint32, params string) int {
	a, ok := amt(amount)
	if !ok {
		return int(bpos1.ECRCFail)
	}
	return l.call(func() int32 { return l.f.purchaseService(merchIdx, a, params) }, l.f.purchaseService != nil)
}

// IdentifyCard implements bpos1.Lib.
func (l *Library) IdentifyCard(merchIdx uint8, currCode string, accNumber uint8) int {
	return l.call(func() int32 { return l.f.identifyCard(merchIdx, currCode, accNumber) }, l.f.identifyCard != nil)
}

// CashAdvance implements bpos1.Lib.
func (l *Library) CashAdvance(merchIdx uint8, amount uint32, currCode string, accNumber uint8) int {
	a, ok := amt(amount)
	if !ok {
		return int(bpos1.ECRCFail)
	}
	return l.call(func() int32 { return l.f.cashAdvance(merchIdx, a, currCode, accNumber) }, l.f.cashAdvance != nil)
}

// StartScenario implements bpos1.Lib.
func (l *Library) StartScenario(scenarioID uint32, scenarioData string) int {
	id, ok := amt(scenarioID)
	if !ok {
		return int(bpos1.ECRCFail)
	}
	return l.call(func() int32 { return l.f.startScenario(id, scenarioData) }, l.f.startScenario != nil)
}

// CorrectTransaction implements bpos1.Lib.
func (l *Library) CorrectTransaction(amount, addAmount uint32) int {
	a, ok1 := amt(amount)
	d, ok2 := amt(addAmount)
	if !ok1 || !ok2 {
		return int(bpos1.ECRCFail)
	}
	return l.call(func() int32 { return l.f.correctTransaction(a, d) }, l.f.correctTransaction != nil)
}

// LastResult implements bpos1.Lib.
func (l *Library) LastResult() uint8 { return l.getU8("LastResult") }

// LastErrorCode implements bpos1.Lib.
func (l *Library) LastErrorCode() uint8 { return l.getU8("LastErrorCode") }

// LastErrorDescription implements bpos1.Lib.
func (l *Library) LastErrorDescription() string { return l.getStr("LastErrorDescription") }

// LastStatMsgCode implements bpos1.Lib.
func (l *Library) LastStatMsgCode() uint8 { return l.getU8("LastStatMsgCode") }

// LastStatMsgDescription implements bpos1.Lib.
func (l *Library) LastStatMsgDescription() string { return l.getStr("LastStatMsgDescription") }

// ResponseCode implements bpos1.Lib.
func (l *Library) ResponseCode() uint32 { return l.getU32("ResponseCode") }

// PAN implements bpos1.Lib.
func (l *Library) PAN() string { return l.getStr("PAN") }

// DateTime implements bpos1.Lib; the flat C API has no such getter, so it is "" unless the
// loaded library exports BPOSLib_DateTime.
func (l *Library) DateTime() string { return l.getStr("DateTime") }

// TerminalID implements bpos1.Lib.
func (l *Library) TerminalID() string { return l.getStr("TerminalID") }

// MerchantID implements bpos1.Lib.
func (l *Library) MerchantID() string { return l.getStr("MerchantID") }

// AuthCode implements bpos1.Lib.
func (l *Library) AuthCode() string { return l.getStr("AuthCode") }

// ExpDate implements bpos1.Lib.
func (l *Library) ExpDate() string { return l.getStr("ExpDate") }

// CardHolder implements bpos1.Lib.
func (l *Library) CardHolder() string { return l.getStr("CardHolder") }

// IssuerName implements bpos1.Lib (BPOSLib_IssueName in the header).
func (l *Library) IssuerName() string { return l.getStr("IssueName") }

// InvoiceNum implements bpos1.Lib.
func (l *Library) InvoiceNum() uint32 { return l.getU32("InvoiceNum") }

// RRN implements bpos1.Lib.
func (l *Library) RRN() string { return l.getStr("RRN") }

// SignVerif implements bpos1.Lib.
func (l *Library) SignVerif() uint8 { return l.getU8("SignVerif") }

// Amount implements bpos1.Lib.
func (l *Library) Amount() uint32 { return l.getU32("Amount") }

// AddAmount implements bpos1.Lib.
func (l *Library) AddAmount() uint32 { return l.getU32("AddAmount") }

// EmvAID implements bpos1.Lib (BPOSLib_emvAID).
func (l *Library) EmvAID() string { return l.getStr("emvAID") }

// EntryMode implements bpos1.Lib.
func (l *Library) EntryMode() uint8 { return l.getU8("EntryMode") }

// TxnType implements bpos1.Lib.
func (l *Library) TxnType() uint8 { return l.getU8("TxnType") }

// TrnStatus implements bpos1.Lib.
func (l *Library) TrnStatus() uint8 { return l.getU8("TrnStatus") }

// Currency implements bpos1.Lib.
func (l *Library) Currency() string { return l.getStr("Currency") }

// CurrencyCode implements bpos1.Lib.
func (l *Library) CurrencyCode() string { return l.getStr("CurrencyCode") }

// TrnBatchNum implements bpos1.Lib.
func (l *Library) TrnBatchNum() uint32 { return l.getU32("TrnBatchNum") }

// FlagAcquirer implements bpos1.Lib.
func (l *Library) FlagAcquirer() uint32 { return l.getU32("FlagAcquirer") }

// RNK implements bpos1.Lib.
func (l *Library) RNK() string { return l.getStr("RNK") }

// TotalsDebitAmt implements bpos1.Lib.
func (l *Library) TotalsDebitAmt() uint32 { return l.getU32("TotalsDebitAmt") }

// TotalsDebitNum implements bpos1.Lib.
func (l *Library) TotalsDebitNum() uint32 { return l.getU32("TotalsDebitNum") }

// TotalsCreditAmt implements bpos1.Lib.
func (l *Library) TotalsCreditAmt() uint32 { return l.getU32("TotalsCreditAmt") }

// TotalsCreditNum implements bpos1.Lib.
func (l *Library) TotalsCreditNum() uint32 { return l.getU32("TotalsCreditNum") }

// TotalsCancelledAmt implements bpos1.Lib.
func (l *Library) TotalsCancelledAmt() uint32 { return l.getU32("TotalsCancelledAmt") }

// TotalsCancelledNum implements bpos1.Lib.
func (l *Library) TotalsCancelledNum() uint32 { return l.getU32("TotalsCancelledNum") }

// TxnNum implements bpos1.Lib.
func (l *Library) TxnNum() uint32 { return l.getU32("TxnNum") }

// Receipt implements bpos1.Lib.
func (l *Library) Receipt() string { return l.getStr("Receipt") }

// TerminalInfo implements bpos1.Lib.
func (l *Library) TerminalInfo() string { return l.getStr("TerminalInfo") }

// ScenarioData implements bpos1.Lib.
func (l *Library) ScenarioData() string { return l.getStr("ScenarioData") }

// AddData implements bpos1.Lib.
func (l *Library) AddData() string { return l.getStr("AddData") }

// ECRDataTM implements bpos1.Lib.
func (l *Library) ECRDataTM() string { return l.getStr("ECRDataTM") }

// SlipPrinted implements bpos1.Lib.
func (l *Library) SlipPrinted() uint8 { return l.getU8("SlipPrinted") }

// DiscountName implements bpos1.Lib.
func (l *Library) DiscountName() string { return l.getStr("DiscountName") }

// DiscountAttribute implements bpos1.Lib.
func (l *Library) DiscountAttribute() uint32 { return l.getU32("DiscountAttribute") }

// CompletionInvoiceNum implements bpos1.Lib; the flat C API has no such getter, so it is 0
// unless the loaded library exports BPOSLib_CompletionInvoiceNum.
func (l *Library) CompletionInvoiceNum() uint32 { return l.getU32("CompletionInvoiceNum") }

// LibraryVersion implements bpos1.Lib.
func (l *Library) LibraryVersion() string { return l.getStr("LibraryVersion") }
