package privatjson

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/uapos/uapos/payment"
	"github.com/uapos/uapos/simulators/privatsim"
	"github.com/uapos/uapos/transport"
)

// testConfig has every delay at zero and fast status polling.
var testConfig = Config{SendGap: -1, PingPause: -1, PollInterval: time.Millisecond}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func startSim(t *testing.T, cfg privatsim.Config) (*privatsim.Server, string) {
	t.Helper()
	sim := privatsim.New(cfg)
	addr, err := sim.ListenTCP("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	return sim, addr
}

func tcpDial(addr string) DialFunc {
	return func(ctx context.Context) (transport.Conn, error) { return transport.Open(ctx, "tcp://"+addr) }
}

// tcpClient opens a client on the simulator with the spec's three-connection scheme.
func tcpClient(t *testing.T, addr string, cfg Config) *Client {
	t.Helper()
	c, err := Open(testCtx(t), tcpDial(addr), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

type linkFunc func(t *testing.T, cfg privatsim.Config) (*privatsim.Server, *Client)

func tcpLink(t *testing.T, cfg privatsim.Config) (*privatsim.Server, *Client) {
	sim, addr := startSim(t, cfg)
	return sim, tcpClient(t, addr, testConfig)
}

func newTerminal(t *testing.T, c *Client, cfg TerminalConfig) *Terminal {
	t.Helper()
	term, err := NewTerminal(c, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return term
}

// runDMTasks runs every DM task and service of the PrivatBank (JSON) row through
// payment.Terminal.
func runDMTasks(t *testing.T, open linkFunc) {
	sim, c := open(t, privatsim.Config{})
	if id := c.Identity(); id.Vendor != "PAX" || id.Model != "s800" {
		t.Fatalf("identity %+v", id)
	}
	term := newTerminal(t, c, TerminalConfig{})
	var pt payment.Terminal = term
	ctx := testCtx(t)
	want := payment.MustCapabilities(payment.BankPrivat, payment.ProtoPrivatJSON)
	if got := pt.Capabilities(); got.String() != want.String() || len(got.Operations) != len(want.Operations) {
		t.Fatalf("caps %v", got)
	}
	approved := func(name string) func(*payment.Result, error) *payment.Result {
		return func(r *payment.Result, err error) *payment.Result {
			t.Helper()
			if err != nil || r == nil || !r.Approved {
				t.Fatalf("%s: %+v, %v", name, r, err)
			}
			return r
		}
	}
	// task 1
	sale := approved("purchase")(pt.Purchase(ctx, payment.Request{TransactionID: "t1", Amount: 1234}))
	if sale.Amount != 1234 || sale.Invoice == "" || sale.RRN == "" || sale.AuthCode == "" || sale.PAN != "4731XXXXXXXX9838" ||
		sale.PaymentSystem != "VISA" || sale.Receipt == "" || sale.EntryMode != "contactless" || sale.Time.IsZero() {
		t.Fatalf("purchase result %+v", sale)
	}
	// task 2
	ref := approved("refund")(pt.Refund(ctx, payment.Request{TransactionID: "t2", Amount: 500, RRN: sale.RRN}))
	if ref.Amount != 500 || ref.Raw["txnType"] != "2" {
		t.Fatalf("refund %+v", ref)
	}
	// task 3
	void := approved("cancel")(pt.Cancel(ctx, payment.Request{TransactionID: "t3", Invoice: sale.Invoice}))
	if void.Amount != 1234 || void.Raw["txnType"] != "3" {
		t.Fatalf("cancel %+v", void)
	}
	// task 5
	svc := approved("service")(term.PayService(ctx, payment.Request{TransactionID: "t5", Amount: 1, Extra: map[string]string{"srvNum": "046", "param": "6"}}))
	if svc.Amount != 1 {
		t.Fatalf("service %+v", svc)
	}
	// task 14
	cb := approved("cashback")(term.PurchaseCashback(ctx, payment.Request{TransactionID: "t14", Amount: 30, CashAmount: 100}))
	if cb.Amount != 130 || cb.CashAmount != 100 || cb.ResponseText != "Операція успішна" {
		t.Fatalf("cashback %+v", cb)
	}
	// task 15
	pbp := approved("instalments")(term.PurchaseInstalments(ctx, payment.Request{TransactionID: "t15", Amount: 6000, Instalments: 6}))
	if pbp.AgreementNumber == "" {
		t.Fatalf("instalments %+v", pbp)
	}
	// task 16
	rpbp := approved("instalment refund")(term.RefundInstalments(ctx, payment.Request{TransactionID: "t16", Amount: 6000, AgreementNumber: pbp.AgreementNumber}))
	if rpbp.AgreementNumber != pbp.AgreementNumber {
		t.Fatalf("instalment refund %+v", rpbp)
	}
	// task 17
	got := approved("get transaction")(term.GetTransaction(ctx, payment.Request{Invoice: sale.Invoice}))
	if got.Invoice != sale.Invoice || got.Amount != 1234 || got.Operation != payment.OpPurchase {
		t.Fatalf("get transaction %+v", got)
	}
	if _, err := term.GetTransaction(ctx, payment.Request{Invoice: "424242"}); !errors.Is(err, payment.ErrNotFound) {
		t.Fatalf("unknown invoice: %v", err)
	}
	// task 10
	x := approved("x-report")(pt.XReport(ctx, payment.Request{}))
	if !strings.Contains(x.Receipt, "Х БАЛАНС") {
		t.Fatalf("x-report %q", x.Receipt)
	}
	// services 1-6
	if err := term.Ping(ctx); err != nil {
		t.Fatal("ping:", err)
	}
	ms, err := term.Merchants(ctx)
	if err != nil || len(ms) != 5 || ms[0].Index != "3" || ms[4].Index != "12" || ms[1].Name != "Оплата частинами" {
		t.Fatalf("merchants %v %v", ms, err)
	}
	masks, err := term.MerchantMasks(ctx)
	if err != nil || len(masks) != 5 || masks[0] != "TESTKKM0" {
		t.Fatalf("masks %v %v", masks, err)
	}
	if err := term.BankEcho(ctx); err != nil {
		t.Fatal("bank echo:", err)
	}
	if ev, err := term.TransactionStatus(ctx); err != nil || ev.Code != 0 {
		t.Fatalf("status %v %v", ev, err)
	}
	last := approved("last transaction")(term.LastTransaction(ctx))
	if last.Invoice != rpbp.Invoice {
		t.Fatalf("last %+v, want invoice %s", last, rpbp.Invoice)
	}
	// task 11
	z := approved("close batch")(pt.CloseBatch(ctx, payment.Request{}))
	if !strings.Contains(z.Receipt, "Z БАЛАНС") || len(sim.Journal()) != 0 {
		t.Fatalf("close batch %q, journal %d", z.Receipt, len(sim.Journal()))
	}
	// An empty batch cannot be closed again (spec §5.18).
	if _, err := pt.CloseBatch(ctx, payment.Request{}); payment.ErrorCode(err) != payment.CodeTerminal {
		t.Fatalf("second close: %v", err)
	}
	// A retry of task 1 with the same id returns the recorded outcome without the wire.
	n := sim.Requests("Purchase")
	again, err := pt.Purchase(ctx, payment.Request{TransactionID: "t1", Amount: 1234})
	if err != nil || again.RRN != sale.RRN || sim.Requests("Purchase") != n {
		t.Fatalf("retry: %+v %v (%d requests)", again, err, sim.Requests("Purchase"))
	}
}

func TestDMTasksTCP(t *testing.T) { runDMTasks(t, tcpLink) }

// A-Bank (JSON) has a smaller row: outside it, 5029 before the wire.
func TestABankRow(t *testing.T) {
	sim, c := tcpLink(t, privatsim.Config{})
	term := newTerminal(t, c, TerminalConfig{Bank: payment.BankABank})
	ctx := testCtx(t)
	if _, err := term.PayService(ctx, payment.Request{TransactionID: "x", Amount: 1}); payment.ErrorCode(err) != payment.CodeNotSupportedTask {
		t.Fatalf("task 5: %v", err)
	}
	if _, err := term.GetTransaction(ctx, payment.Request{}); payment.ErrorCode(err) != payment.CodeNotSupportedTask {
		t.Fatalf("task 17: %v", err)
	}
	if err := term.Ping(ctx); payment.ErrorCode(err) != payment.CodeNotSupportedTask {
		t.Fatalf("ping: %v", err)
	}
	if sim.Requests("ServiceGeneric")+sim.Requests("GetReceiptInfo") != 0 || sim.Requests("PingDevice") != 1 {
		t.Fatal("a refused task reached the wire")
	}
	if _, err := term.Purchase(ctx, payment.Request{TransactionID: "y", Amount: 100}); err != nil {
		t.Fatal(err)
	}
	if _, err := NewTerminal(c, TerminalConfig{Bank: payment.BankOschad}); err == nil {
		t.Fatal("Oschadbank has no JSON row")
	}
}

// Every method of the client against the simulator.
func TestClientMethodsTCP(t *testing.T) { runClientMethods(t, tcpLink) }

// The spec's scheme is three connections; SingleConnection does it all on one.
func TestOpenSingleConnection(t *testing.T) {
	sim, addr := startSim(t, privatsim.Config{})
	cfg := testConfig
	cfg.SingleConnection = true
	c := tcpClient(t, addr, cfg)
	if c.Identity().Model != "s800" {
		t.Fatalf("identity %+v", c.Identity())
	}
	if err := c.PingDevice(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	if sim.Requests("PingDevice") != 2 || sim.Requests("identify") != 1 {
		t.Fatalf("pings %d identifies %d", sim.Requests("PingDevice"), sim.Requests("identify"))
	}
}

func runClientMethods(t *testing.T, open linkFunc) {
	sim, c := open(t, privatsim.Config{})
	ctx := testCtx(t)
	check := func(name string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	ver, err := c.GetTerminalInfo(ctx)
	check("GetTerminalInfo", err)
	if ver != "TE7E132 TESTKKM000CT22927302" {
		t.Fatalf("version %q", ver)
	}
	check("PingDevice", c.PingDevice(ctx))
	check("CheckConnection", c.CheckConnection(ctx))
	bal, err := c.GetBalance(ctx, "1")
	check("GetBalance", err)
	card, err := c.ReadCardDiscount(ctx)
	check("ReadCardDiscount", err)
	if bal != "1000.00" || *card != (CardData{}) {
		t.Fatalf("balance %q card %+v", bal, card)
	}
	tx, err := c.Purchase(ctx, PurchaseRequest{Amount: 1000})
	check("Purchase", err)
	part, err := c.Withdrawal(ctx, WithdrawalRequest{InvoiceNumber: tx.InvoiceNumber, Amount: 300})
	check("WithdrawalPartly", err)
	if part.Amount != 300 || part.Method != MethodWithdrawalPartly {
		t.Fatalf("partly %+v", part)
	}
	_, err = c.ServiceRefund(ctx, ServiceRefundRequest{Amount: 100, RRN: tx.RRN})
	check("ServiceRefund", err)
	pre, err := c.Preauthorization(ctx, PreauthRequest{Amount: 50000, MerchantID: "1"})
	check("Preauthorization", err)
	done, err := c.SaleCompletion(ctx, SaleCompletionRequest{Amount: 50000, AddAmount: 45000, ApprovalCode: pre.ApprovalCode, RRN: pre.RRN})
	check("SaleCompletion", err)
	if done.Amount != 45000 {
		t.Fatalf("completion amount %v", done.Amount)
	}
	_, err = c.Instalment(ctx, InstalmentRequest{Method: MethodServicePbPperiod, Amount: 300, AmountOfParts: 3})
	check("ServicePbPperiod", err)
	rep, err := c.PrintReceiptNum(ctx, tx.InvoiceNumber, false)
	check("PrintReceiptNum", err)
	if !strings.Contains(rep.Receipt, tx.InvoiceNumber) {
		t.Fatalf("receipt %q", rep.Receipt)
	}
	rep, err = c.PrintBatchJournal(ctx, "", false)
	check("PrintBatchJournal", err)
	if strings.Count(rep.Receipt, "\n") != len(sim.Journal()) {
		t.Fatalf("batch journal %q", rep.Receipt)
	}
	_, err = c.Verify(ctx, "")
	check("Verify", err)
	rep, err = c.VerifyCopy(ctx, "")
	check("VerifyCopy", err)
	if !strings.HasPrefix(rep.Receipt, "КОПІЯ") {
		t.Fatalf("copy %q", rep.Receipt)
	}
	bc, err := c.ReadBonusCard(ctx, BonusCardRequest{Prompt: []PromptLine{{"Картка", "B", "C"}}, EnterPIN: true})
	check("ReadBonusCard", err)
	if bc.PinBlock == "" || bc.PAN.Last4() != "0307" {
		t.Fatalf("bonus %+v", bc)
	}
	_, err = c.GetPinBonusCard(ctx, BonusCardRequest{TimeoutMS: 6000})
	check("GetPinBonusCard", err)
	bc, err = c.PinChangeBonusCard(ctx, BonusCardRequest{Attempt: 2})
	check("PinChangeBonusCard", err)
	if bc.PinBlockNew == "" {
		t.Fatal("no new pin block")
	}
	phone, err := c.GetPhoneNumber(ctx, "")
	check("GetPhoneNumber", err)
	otp, err := c.GetOTPpassword(ctx, "PinPad", 6000)
	check("GetOTPpassword", err)
	if phone != "1234567890" || otp != "12345678" {
		t.Fatalf("phone %q otp %q", phone, otp)
	}
	// Service messages.
	if r, err := c.LastResult(ctx); err != nil || r != "0" {
		t.Fatalf("LastResult %q %v", r, err)
	}
	if d, err := c.LastStatMsgDescription(ctx); err != nil || d != "status code is not available" {
		t.Fatalf("LastStatMsgDescription %q %v", d, err)
	}
	if id, err := c.Identify(ctx); err != nil || id.String() != "PAX s800" || id.Result != "true" {
		t.Fatalf("Identify %+v %v", id, err)
	}
	if d, err := c.GetDiscountName(ctx); err != nil || d.DiscountName != "NO_D_GROUP" || d.PAN != "PAN_UNDEF" {
		t.Fatalf("GetDiscountName %+v %v", d, err)
	}
	var re *ResponseError
	if err := c.CorrectTransaction(ctx, "1.00", ""); !errors.As(err, &re) || re.Description != "Корекція неможлива" {
		t.Fatalf("correction out of context: %v", err)
	}
	if err := c.Interrupt(ctx); err != nil {
		t.Fatal("idle interrupt:", err)
	}
	if m, err := c.Service(ctx, "debug"); err != nil || m.MsgType() != "debugOn" {
		t.Fatalf("debug: %v", err)
	}
	if _, err := c.Call(ctx, Request{Method: "CashAdvance"}, false); !errors.Is(err, ErrNotImplemented) {
		t.Fatalf("unknown method: %v", err)
	}
	if _, err := c.Service(ctx, "getVersion"); !errors.Is(err, ErrNotImplemented) {
		t.Fatalf("unknown msgType: %v", err)
	}
}
