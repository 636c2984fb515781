package libserve

import (
	"context"
	"errors"
	"sync"

	"github.com/uapos/uapos/bpos1"
)

// BPOS1Client is a bpos1.Lib whose calls run on a BPOS1 server: the library a fake
// libcBPOSLib.so wraps.
//
// A call that cannot reach the server fails as the vendor library fails to reach its
// terminal: an action returns ECRC 4 (FAILEDTOCONNECT) when the server cannot be dialled
// and ECRC 11 (DISCONNECTED) when the link broke; a request the server refused returns
// ECRC 1 (FAIL). After a link failure, and until an action reaches the server again,
// LastResult is 1 (error), LastErrorCode 3 ("error connecting with terminal", bpos1.md
// §2.2) and LastErrorDescription the cause, so that an application polling LastResult
// never reads a stale 0 (done). Other getters return their zero value when they fail.
// Safe for concurrent use.
type BPOS1Client struct {
	conn *Conn

	mu      sync.Mutex
	linkErr error
}

var _ bpos1.Lib = (*BPOS1Client)(nil)

// NewBPOS1Client returns a client of the BPOS1 server at addr; it dials on the first call.
func NewBPOS1Client(addr string, cfg ClientConfig) *BPOS1Client {
	return &BPOS1Client{conn: NewConn(KindBPOS1, addr, cfg)}
}

// Conn returns the client's connection (to Connect or Close it).
func (c *BPOS1Client) Conn() *Conn { return c.conn }

// Err returns the link failure in force (see the type doc), nil when none.
func (c *BPOS1Client) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.linkErr
}

func (c *BPOS1Client) do(name string, ints []int64, strs ...string) (*Response, error) {
	r := &Request{Call: name, Ints: ints}
	for _, s := range strs {
		r.Strs = append(r.Strs, []byte(s))
	}
	resp, err := c.conn.Call(context.Background(), r, 0)
	var re *RemoteError
	if err != nil && !errors.As(err, &re) {
		c.mu.Lock()
		c.linkErr = err
		c.mu.Unlock()
	}
	return resp, err
}

// action runs an action and returns its ECRC code.
func (c *BPOS1Client) action(name string, ints []int64, strs ...string) int {
	resp, err := c.do(name, ints, strs...)
	var re *RemoteError
	switch {
	case errors.As(err, &re):
		return int(bpos1.ECRCFail)
	case errors.Is(err, ErrUnreachable):
		return int(bpos1.ECRCFailedToConnect)
	case err != nil:
		return int(bpos1.ECRCDisconnected)
	}
	c.mu.Lock()
	c.linkErr = nil
	c.mu.Unlock()
	return int(resp.Ret)
}

func (c *BPOS1Client) num(name string) int64 {
	resp, err := c.do(name, nil)
	if err != nil {
		return 0
	}
	return resp.Ret
}

func (c *BPOS1Client) str(name string) string {
	resp, err := c.do(name, nil)
	if err != nil {
		return ""
	}
	return string(resp.Str)
}

func n64(v ...uint32) []int64 {
	out := make([]int64, len(v))
	for i, x := range v {
		out[i] = int64(x)
	}
	return out
}

// CommOpen implements bpos1.Lib.
func (c *BPOS1Client) CommOpen(port string, baud uint32) int {
	return c.action("CommOpen", n64(baud), port)
}

// CommOpenTCP implements bpos1.Lib.
func (c *BPOS1Client) CommOpenTCP(ip, port string) int { return c.action("CommOpenTCP", nil, ip, port) }

// CommClose implements bpos1.Lib.
func (c *BPOS1Client) CommClose() int { return c.action("CommClose", nil) }

// Purchase implements bpos1.Lib.
func (c *BPOS1Client) Purchase(amount, addAmount uint32, merchIdx uint8) int {
	return c.action("Purchase", n64(amount, addAmount, uint32(merchIdx)))
}

// Refund implements bpos1.Lib.
func (c *BPOS1Client) Refund(amount, addAmount uint32, merchIdx uint8, rrn string) int {
	return c.action("Refund", n64(amount, addAmount, uint32(merchIdx)), rrn)
}

// Void implements bpos1.Lib.
func (c *BPOS1Client) Void(invoiceNum uint32, merchIdx uint8) int {
	return c.action("Void", n64(invoiceNum, uint32(merchIdx)))
}

// Settlement implements bpos1.Lib.
func (c *BPOS1Client) Settlement(m uint8) int { return c.action("Settlement", n64(uint32(m))) }

// PrintBatchTotals implements bpos1.Lib.
func (c *BPOS1Client) PrintBatchTotals(m uint8) int {
	return c.action("PrintBatchTotals", n64(uint32(m)))
}

// GetBatchTotals implements bpos1.Lib.
func (c *BPOS1Client) GetBatchTotals(m uint8) int { return c.action("GetBatchTotals", n64(uint32(m))) }

// CheckConnection implements bpos1.Lib.
func (c *BPOS1Client) CheckConnection(m uint8) int {
	return c.action("CheckConnection", n64(uint32(m)))
}

// SetErrorLang implements bpos1.Lib.
func (c *BPOS1Client) SetErrorLang(lang uint8) int {
	return c.action("SetErrorLang", n64(uint32(lang)))
}

// Confirm implements bpos1.Lib.
func (c *BPOS1Client) Confirm() int { return c.action("Confirm", nil) }

// Cancel implements bpos1.Lib.
func (c *BPOS1Client) Cancel() int { return c.action("Cancel", nil) }

// GetTxnNum implements bpos1.Lib.
func (c *BPOS1Client) GetTxnNum() int { return c.action("GetTxnNum", nil) }

// ReqCurrReceipt implements bpos1.Lib.
func (c *BPOS1Client) ReqCurrReceipt() int { return c.action("ReqCurrReceipt", nil) }

// ReadCard implements bpos1.Lib.
func (c *BPOS1Client) ReadCard() int { return c.action("ReadCard", nil) }

// POSGetInfo implements bpos1.Lib.
func (c *BPOS1Client) POSGetInfo() int { return c.action("POSGetInfo", nil) }

// ReadBankCard implements bpos1.Lib.
func (c *BPOS1Client) ReadBankCard() int { return c.action("ReadBankCard", nil) }

// Ping implements bpos1.Lib.
func (c *BPOS1Client) Ping() int { return c.action("Ping", nil) }

// GetTxnDataByOrder implements bpos1.Lib.
func (c *BPOS1Client) GetTxnDataByOrder(n uint32) int {
	return c.action("GetTxnDataByOrder", n64(n))
}

// GetTxnDataByInv implements bpos1.Lib.
func (c *BPOS1Client) GetTxnDataByInv(inv uint32, m uint8) int {
	return c.action("GetTxnDataByInv", n64(inv, uint32(m)))
}

// ReqReceiptByInv implements bpos1.Lib.
func (c *BPOS1Client) ReqReceiptByInv(inv uint32, m uint8) int {
	return c.action("ReqReceiptByInv", n64(inv, uint32(m)))
}

// Completion implements bpos1.Lib.
func (c *BPOS1Client) Completion(m uint8, amount uint32, rrn string, inv uint32) int {
	return c.action("Completion", n64(uint32(m), amount, inv), rrn)
}

// PurchaseService implements bpos1.Lib.
func (c *BPOS1Client) PurchaseService(m uint8, amount uint32, params string) int {
	return c.action("PurchaseService", n64(uint32(m), amount), params)
}

// IdentifyCard implements bpos1.Lib.
func (c *BPOS1Client) IdentifyCard(m uint8, currCode string, acc uint8) int {
	return c.action("IdentifyCard", n64(uint32(m), uint32(acc)), currCode)
}

// StartScenario implements bpos1.Lib.
func (c *BPOS1Client) StartScenario(id uint32, data string) int {
	return c.action("StartScenario", n64(id), data)
}

// CorrectTransaction implements bpos1.Lib.
func (c *BPOS1Client) CorrectTransaction(amount, addAmount uint32) int {
	return c.action("CorrectTransaction", n64(amount, addAmount))
}

// CashAdvance implements bpos1.Lib.
func (c *BPOS1Client) CashAdvance(m uint8, amount uint32, currCode string, acc uint8) int {
	return c.action("CashAdvance", n64(uint32(m), amount, uint32(acc)), currCode)
}

// LastResult implements bpos1.Lib: 1 (error) while a link failure is in force.
func (c *BPOS1Client) LastResult() uint8 {
	if c.Err() != nil {
		return 1
	}
	resp, err := c.do("LastResult", nil)
	if err != nil {
		return 1
	}
	return uint8(resp.Ret)
}

// LastErrorCode implements bpos1.Lib: 3 while a link failure is in force.
func (c *BPOS1Client) LastErrorCode() uint8 {
	if c.Err() != nil {
		return 3
	}
	return uint8(c.num("LastErrorCode"))
}

// LastErrorDescription implements bpos1.Lib: the link failure while one is in force.
func (c *BPOS1Client) LastErrorDescription() string {
	if err := c.Err(); err != nil {
		return err.Error()
	}
	return c.str("LastErrorDescription")
}

// LastStatMsgCode implements bpos1.Lib.
func (c *BPOS1Client) LastStatMsgCode() uint8 { return uint8(c.num("LastStatMsgCode")) }

// LastStatMsgDescription implements bpos1.Lib.
func (c *BPOS1Client) LastStatMsgDescription() string { return c.str("LastStatMsgDescription") }

// ResponseCode implements bpos1.Lib.
func (c *BPOS1Client) ResponseCode() uint32 { return uint32(c.num("ResponseCode")) }

// PAN implements bpos1.Lib.
func (c *BPOS1Client) PAN() string { return c.str("PAN") }

// DateTime implements bpos1.Lib.
func (c *BPOS1Client) DateTime() string { return c.str("DateTime") }

// TerminalID implements bpos1.Lib.
func (c *BPOS1Client) TerminalID() string { return c.str("TerminalID") }

// MerchantID implements bpos1.Lib.
func (c *BPOS1Client) MerchantID() string { return c.str("MerchantID") }

// AuthCode implements bpos1.Lib.
func (c *BPOS1Client) AuthCode() string { return c.str("AuthCode") }

// ExpDate implements bpos1.Lib.
func (c *BPOS1Client) ExpDate() string { return c.str("ExpDate") }

// CardHolder implements bpos1.Lib.
func (c *BPOS1Client) CardHolder() string { return c.str("CardHolder") }

// IssuerName implements bpos1.Lib.
func (c *BPOS1Client) IssuerName() string { return c.str("IssuerName") }

// InvoiceNum implements bpos1.Lib.
func (c *BPOS1Client) InvoiceNum() uint32 { return uint32(c.num("InvoiceNum")) }

// RRN implements bpos1.Lib.
func (c *BPOS1Client) RRN() string { return c.str("RRN") }

// SignVerif implements bpos1.Lib.
func (c *BPOS1Client) SignVerif() uint8 { return uint8(c.num("SignVerif")) }

// Amount implements bpos1.Lib.
func (c *BPOS1Client) Amount() uint32 { return uint32(c.num("Amount")) }

// AddAmount implements bpos1.Lib.
func (c *BPOS1Client) AddAmount() uint32 { return uint32(c.num("AddAmount")) }

// EmvAID implements bpos1.Lib.
func (c *BPOS1Client) EmvAID() string { return c.str("EmvAID") }

// EntryMode implements bpos1.Lib.
func (c *BPOS1Client) EntryMode() uint8 { return uint8(c.num("EntryMode")) }

// TxnType implements bpos1.Lib.
func (c *BPOS1Client) TxnType() uint8 { return uint8(c.num("TxnType")) }

// TrnStatus implements bpos1.Lib.
func (c *BPOS1Client) TrnStatus() uint8 { return uint8(c.num("TrnStatus")) }

// Currency implements bpos1.Lib.
func (c *BPOS1Client) Currency() string { return c.str("Currency") }

// CurrencyCode implements bpos1.Lib.
func (c *BPOS1Client) CurrencyCode() string { return c.str("CurrencyCode") }

// TrnBatchNum implements bpos1.Lib.
func (c *BPOS1Client) TrnBatchNum() uint32 { return uint32(c.num("TrnBatchNum")) }

// FlagAcquirer implements bpos1.Lib.
func (c *BPOS1Client) FlagAcquirer() uint32 { return uint32(c.num("FlagAcquirer")) }

// RNK implements bpos1.Lib.
func (c *BPOS1Client) RNK() string { return c.str("RNK") }

// AddData implements bpos1.Lib.
func (c *BPOS1Client) AddData() string { return c.str("AddData") }

// ECRDataTM implements bpos1.Lib.
func (c *BPOS1Client) ECRDataTM() string { return c.str("ECRDataTM") }

// SlipPrinted implements bpos1.Lib.
func (c *BPOS1Client) SlipPrinted() uint8 { return uint8(c.num("SlipPrinted")) }

// DiscountName implements bpos1.Lib.
func (c *BPOS1Client) DiscountName() string { return c.str("DiscountName") }

// DiscountAttribute implements bpos1.Lib.
func (c *BPOS1Client) DiscountAttribute() uint32 { return uint32(c.num("DiscountAttribute")) }

// CompletionInvoiceNum implements bpos1.Lib.
func (c *BPOS1Client) CompletionInvoiceNum() uint32 { return uint32(c.num("CompletionInvoiceNum")) }

// TotalsDebitAmt implements bpos1.Lib.
func (c *BPOS1Client) TotalsDebitAmt() uint32 { return uint32(c.num("TotalsDebitAmt")) }

// TotalsDebitNum implements bpos1.Lib.
func (c *BPOS1Client) TotalsDebitNum() uint32 { return uint32(c.num("TotalsDebitNum")) }

// TotalsCreditAmt implements bpos1.Lib.
func (c *BPOS1Client) TotalsCreditAmt() uint32 { return uint32(c.num("TotalsCreditAmt")) }

// TotalsCreditNum implements bpos1.Lib.
func (c *BPOS1Client) TotalsCreditNum() uint32 { return uint32(c.num("TotalsCreditNum")) }

// TotalsCancelledAmt implements bpos1.Lib.
func (c *BPOS1Client) TotalsCancelledAmt() uint32 { return uint32(c.num("TotalsCancelledAmt")) }

// TotalsCancelledNum implements bpos1.Lib.
func (c *BPOS1Client) TotalsCancelledNum() uint32 { return uint32(c.num("TotalsCancelledNum")) }

// TxnNum implements bpos1.Lib.
func (c *BPOS1Client) TxnNum() uint32 { return uint32(c.num("TxnNum")) }

// Receipt implements bpos1.Lib.
func (c *BPOS1Client) Receipt() string { return c.str("Receipt") }

// TerminalInfo implements bpos1.Lib.
func (c *BPOS1Client) TerminalInfo() string { return c.str("TerminalInfo") }

// ScenarioData implements bpos1.Lib.
func (c *BPOS1Client) ScenarioData() string { return c.str("ScenarioData") }

// LibraryVersion implements bpos1.Lib.
func (c *BPOS1Client) LibraryVersion() string { return c.str("LibraryVersion") }
