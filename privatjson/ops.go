package privatjson

import (
	"context"
	"sort"
	"strconv"
	"strings"
)

// transact runs a card operation and reads its reply as a transaction. On a failure the
// terminal reported, the transaction (with the decline slip) is returned with the
// [*ResponseError].
func (c *Client) transact(ctx context.Context, req Request, progress ProgressFunc) (*Transaction, error) {
	m, err := c.call(ctx, req, true, progress)
	if m == nil {
		return nil, err
	}
	return TransactionFrom(m), err
}

// Purchase pays (spec §5.1). A partial approval comes back as approved with responseCode
// "0010" (see [Transaction.Partial]).
func (c *Client) Purchase(ctx context.Context, r PurchaseRequest) (*Transaction, error) {
	return c.transact(ctx, r.request(), r.Progress)
}

// Refund returns money by the purchase's RRN, in any batch (spec §5.2).
func (c *Client) Refund(ctx context.Context, r RefundRequest) (*Transaction, error) {
	return c.transact(ctx, r.request(), r.Progress)
}

// Withdrawal voids an operation of the current batch by invoice number (spec §5.3), or
// reduces it when r.Amount is set (WithdrawalPartly, spec §5.4).
func (c *Client) Withdrawal(ctx context.Context, r WithdrawalRequest) (*Transaction, error) {
	return c.transact(ctx, r.request(), r.Progress)
}

// ServiceRefund refunds through the hard-coded refund service (spec §5.11).
func (c *Client) ServiceRefund(ctx context.Context, r ServiceRefundRequest) (*Transaction, error) {
	return c.transact(ctx, r.request(), r.Progress)
}

// Instalment runs ServicePbP, ServiceRefPbP or another instalment service of table 1.1
// (spec §5.12-5.14).
func (c *Client) Instalment(ctx context.Context, r InstalmentRequest) (*Transaction, error) {
	return c.transact(ctx, r.request(), r.Progress)
}

// ServiceGeneric runs the universal service (spec §5.15).
func (c *Client) ServiceGeneric(ctx context.Context, r ServiceGenericRequest) (*Transaction, error) {
	return c.transact(ctx, r.request(), r.Progress)
}

// Cashback pays with cash withdrawal (spec §5.16).
func (c *Client) Cashback(ctx context.Context, r CashbackRequest) (*Transaction, error) {
	return c.transact(ctx, r.request(), r.Progress)
}

// Preauthorization blocks an amount (spec §5.26).
func (c *Client) Preauthorization(ctx context.Context, r PreauthRequest) (*Transaction, error) {
	return c.transact(ctx, r.request(), r.Progress)
}

// SaleCompletion completes a pre-authorisation (spec §5.27).
func (c *Client) SaleCompletion(ctx context.Context, r SaleCompletionRequest) (*Transaction, error) {
	return c.transact(ctx, r.request(), r.Progress)
}

// GetReceiptInfo returns a transaction of the batch by invoice number without printing;
// "" asks for the last one (spec §5.30). Its ResponseCode mirrors the queried transaction;
// an error is returned only when the call itself failed. The last receipt is whoever made
// it: match amount and time before trusting it (privatjson.md §6).
func (c *Client) GetReceiptInfo(ctx context.Context, invoiceNumber string) (*Transaction, error) {
	m, err := c.call(ctx, receiptInfoRequest(invoiceNumber), false, nil)
	if m == nil {
		return nil, err
	}
	return TransactionFrom(m), err
}

// PingDevice asks whether the terminal speaks the protocol and is free (spec §5.9). A busy
// terminal gives an error wrapping [ErrBusy].
func (c *Client) PingDevice(ctx context.Context) error {
	_, err := c.call(ctx, Request{Method: MethodPingDevice}, false, nil)
	return err
}

// CheckConnection tests the terminal's link to the bank; the operator picks a merchant on the
// terminal's screen (spec §5.5).
func (c *Client) CheckConnection(ctx context.Context) error {
	_, err := c.call(ctx, Request{Method: MethodCheckConnection}, true, nil)
	return err
}

// GetTerminalInfo returns the version string: software version, merchant and serial number
// (spec §5.8).
func (c *Client) GetTerminalInfo(ctx context.Context) (string, error) {
	m, err := c.call(ctx, Request{Method: MethodGetTerminalInfo}, false, nil)
	if err != nil {
		return "", err
	}
	return m.Params.Get("version"), nil
}

// GetBalance returns the balance text of a merchant; "" or "0" lists all (spec §5.10).
func (c *Client) GetBalance(ctx context.Context, merchantID string) (string, error) {
	m, err := c.call(ctx, balanceRequest(merchantID), true, nil)
	if err != nil {
		return "", err
	}
	return m.Params.Get("balance"), nil
}

// ReadCardDiscount reads a discount card's magnetic stripe (spec §5.7).
func (c *Client) ReadCardDiscount(ctx context.Context) (*CardData, error) {
	m, err := c.call(ctx, Request{Method: MethodReadCardDiscount}, true, nil)
	if err != nil {
		return nil, err
	}
	p := m.Params
	return &CardData{Hash: p.Get("hash"), Track1: p.Get("track1"), Track2: p.Get("track2"), Track3: p.Get("track3")}, nil
}

func (c *Client) report(ctx context.Context, req Request) (*Report, error) {
	m, err := c.call(ctx, req, true, nil)
	if m == nil {
		return nil, err
	}
	return &Report{Method: req.Method, Receipt: m.Params.Get("receipt"), ResponseCode: m.ResponseCode()}, err
}

// Audit returns the X-balance slip; merchantID "0" or "" means all (spec §5.17).
func (c *Client) Audit(ctx context.Context, merchantID string) (*Report, error) {
	return c.report(ctx, merchantRequest(MethodAudit, merchantID))
}

// Verify closes the batch (Z-balance), sending totals to the bank; merchantID "0" or "" means
// all (spec §5.18).
func (c *Client) Verify(ctx context.Context, merchantID string) (*Report, error) {
	return c.report(ctx, merchantRequest(MethodVerify, merchantID))
}

// VerifyCopy returns (and prints) a copy of the last settlement slip (spec §5.19).
func (c *Client) VerifyCopy(ctx context.Context, merchantID string) (*Report, error) {
	return c.report(ctx, merchantRequest(MethodVerifyCopy, merchantID))
}

// PrintReceiptNum returns a receipt by invoice number ("" or "0" = the last), printing it too
// when print is true (spec §5.20).
func (c *Client) PrintReceiptNum(ctx context.Context, invoiceNumber string, print bool) (*Report, error) {
	return c.report(ctx, printRequest(MethodPrintReceiptNum, "invoiceNumber", invoiceNumber, print))
}

// PrintBatchJournal returns the batch's transaction list, printing it too when print is true
// (spec §5.21).
func (c *Client) PrintBatchJournal(ctx context.Context, merchantID string, print bool) (*Report, error) {
	return c.report(ctx, printRequest(MethodPrintBatchJournal, "merchantId", merchantOrZero(merchantID), print))
}

func (c *Client) bonus(ctx context.Context, method string, r BonusCardRequest) (*BonusCard, error) {
	m, err := c.call(ctx, r.request(method), true, nil)
	if m == nil {
		return nil, err
	}
	p := m.Params
	return &BonusCard{PAN: maskPAN(p.Get("pan")), Track2: p.Get("track2"), PinBlock: p.Get("pinblock"),
		PinBlockNew: p.Get("pinblockNew"), Result: p.Get("result"), ResponseCode: m.ResponseCode()}, err
}

// ReadBonusCard reads a bonus card and, with EnterPIN, its PIN (spec §5.22).
func (c *Client) ReadBonusCard(ctx context.Context, r BonusCardRequest) (*BonusCard, error) {
	return c.bonus(ctx, MethodReadBonusCard, r)
}

// GetPinBonusCard asks for a bonus card's PIN (spec §5.23).
func (c *Client) GetPinBonusCard(ctx context.Context, r BonusCardRequest) (*BonusCard, error) {
	return c.bonus(ctx, MethodGetPinBonusCard, r)
}

// PinChangeBonusCard changes a bonus card's PIN (spec §5.24).
func (c *Client) PinChangeBonusCard(ctx context.Context, r BonusCardRequest) (*BonusCard, error) {
	return c.bonus(ctx, MethodPinChangeBonusCard, r)
}

// GetPhoneNumber asks the customer for a phone number on the "Terminal" (default, "") or
// "PinPad" (spec §5.25).
func (c *Client) GetPhoneNumber(ctx context.Context, deviceType string) (string, error) {
	m, err := c.call(ctx, phoneRequest(deviceType), true, nil)
	if err != nil {
		return "", err
	}
	return m.Params.Get("PhoneNumber"), nil
}

// GetOTPpassword asks the customer for a one-time password; timeoutMS 0 omits the terminal's
// own limit (spec §5.29).
func (c *Client) GetOTPpassword(ctx context.Context, deviceType string, timeoutMS int) (string, error) {
	m, err := c.call(ctx, otpRequest(deviceType, timeoutMS), true, nil)
	if err != nil {
		return "", err
	}
	return m.Params.Get("OTPpassword"), nil
}

// Call sends any method on the primary lane and returns the raw reply: for methods this
// package does not type (CashAdvance, PrintHTML of old firmware). long selects the card
// operation timeout.
func (c *Client) Call(ctx context.Context, req Request, long bool) (*Message, error) {
	return c.call(ctx, req, long, nil)
}

// Service messages (spec §6).

// Interrupt asks the terminal to cancel the running operation; the operation then ends with
// responseCode "1001" (spec §6.2).
func (c *Client) Interrupt(ctx context.Context) error {
	_, err := c.service(ctx, ServiceRequest(MsgInterrupt))
	return err
}

// indexMap returns the numbered params of getMerchantList / getMaskList, in index order.
func indexMap(p Params) [][2]string {
	var out [][2]string
	for k, v := range p {
		if strings.EqualFold(k, "msgType") {
			continue
		}
		out = append(out, [2]string{k, v})
	}
	sort.Slice(out, func(i, j int) bool {
		a, ea := strconv.Atoi(out[i][0])
		b, eb := strconv.Atoi(out[j][0])
		if ea == nil && eb == nil {
			return a < b
		}
		return out[i][0] < out[j][0]
	})
	return out
}

// MerchantList returns the terminal's merchants as index -> name pairs, in index order
// (spec §6.4).
func (c *Client) MerchantList(ctx context.Context) ([][2]string, error) {
	m, err := c.service(ctx, ServiceRequest(MsgGetMerchantList))
	if err != nil {
		return nil, err
	}
	return indexMap(m.Params), nil
}

// MaskList returns the merchant masks (terminal ids) as index -> mask pairs (spec §6.5).
func (c *Client) MaskList(ctx context.Context) ([][2]string, error) {
	m, err := c.service(ctx, ServiceRequest(MsgGetMaskList))
	if err != nil {
		return nil, err
	}
	return indexMap(m.Params), nil
}

// LastResult returns getLastResult: "0" done, "2" in progress (spec §6.7).
func (c *Client) LastResult(ctx context.Context) (string, error) {
	m, err := c.service(ctx, ServiceRequest(MsgGetLastResult))
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(m.Params.Get("LastResult")), nil
}

// LastStatMsgCode returns the terminal's status code (spec §6.8).
func (c *Client) LastStatMsgCode(ctx context.Context) (Status, error) {
	m, err := c.service(ctx, ServiceRequest(MsgGetLastStatMsgCode))
	if err != nil {
		return 0, err
	}
	n, cerr := strconv.Atoi(strings.TrimSpace(m.Params.Get("LastStatMsgCode")))
	if cerr != nil {
		return 0, &ProtocolError{Op: MsgGetLastStatMsgCode, Err: cerr}
	}
	return Status(n), nil
}

// LastStatMsgDescription returns the status text (spec §6.9).
func (c *Client) LastStatMsgDescription(ctx context.Context) (string, error) {
	m, err := c.service(ctx, ServiceRequest(MsgGetLastStatMsgDescription))
	if err != nil {
		return "", err
	}
	return m.Params.Get("LastStatMsgDescription"), nil
}

// Identify asks the terminal who it is (spec §6.10).
func (c *Client) Identify(ctx context.Context) (Identity, error) {
	m, err := c.service(ctx, ServiceRequest(MsgIdentify))
	if err != nil {
		return Identity{}, err
	}
	return Identity{Result: m.Params.Get("result"), Vendor: m.Params.Get("vendor"), Model: m.Params.Get("model"), Params: m.Params}, nil
}

// GetDiscountName returns the discount group, masked PAN and entry mode of the card in a
// running Purchase, for the correction flow (spec §6.11).
func (c *Client) GetDiscountName(ctx context.Context) (DiscountInfo, error) {
	m, err := c.service(ctx, ServiceRequest(MsgGetDiscountName))
	if err != nil {
		return DiscountInfo{}, err
	}
	return DiscountInfo{DiscountName: m.Params.Get("discountName"), PAN: maskPAN(m.Params.Get("pan")), PosEntryMode: m.Params.Get("posEntryMode")}, nil
}

// CorrectTransaction corrects the amount and discount of a running Purchase when its status
// is 11 (spec §6.12). A value the terminal refuses gives a [*ResponseError] ("Корекція
// неможлива") and the Purchase continues with the original sum.
func (c *Client) CorrectTransaction(ctx context.Context, amount, discount string) error {
	_, err := c.service(ctx, ServiceRequest(MsgCorrectTransaction, Param{"amount", amount}, Param{"discount", discount}))
	return err
}

// Service sends any service message and returns the raw reply.
func (c *Client) Service(ctx context.Context, msgType string, extra ...Param) (*Message, error) {
	return c.service(ctx, ServiceRequest(msgType, extra...))
}
