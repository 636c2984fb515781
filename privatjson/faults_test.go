package privatjson

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"

	"github.com/uapos/uapos/journal"
	"github.com/uapos/uapos/payment"
	"github.com/uapos/uapos/simulators/privatsim"
	"github.com/uapos/uapos/transport"
)

type outcome struct {
	res *payment.Result
	err error
}

// The terminal answers deviceBusy to a non-service request while an operation runs
// (spec §6.1); the adapter refuses a second caller with 1105 before the wire.
func TestBusy(t *testing.T) {
	ctx := testCtx(t)
	sim, addr := startSim(t, privatsim.Config{HoldCard: true, Shared: true})
	c := tcpClient(t, addr, testConfig)
	other := tcpClient(t, addr, testConfig) // another register (the simulator shares the terminal here)
	term := newTerminal(t, c, TerminalConfig{})
	done := make(chan outcome, 1)
	go func() {
		r, err := term.Purchase(ctx, payment.Request{TransactionID: "b1", Amount: 100})
		done <- outcome{r, err}
	}()
	<-sim.Waiting()
	// Another caller of the same terminal: the gate says busy at once.
	if _, err := term.Purchase(ctx, payment.Request{TransactionID: "b2", Amount: 100}); payment.ErrorCode(err) != payment.CodeBusy {
		t.Fatalf("second caller: %v", err)
	}
	// The other register's request: deviceBusy.
	if err := other.PingDevice(ctx); !errors.Is(err, ErrBusy) {
		t.Fatalf("ping while busy: %v", err)
	}
	// Service messages go alongside: the status is 9, waiting for card.
	if s, err := c.LastStatMsgCode(ctx); err != nil || s != StatusWaitingCard {
		t.Fatalf("status %v %v", s, err)
	}
	if r, err := c.LastResult(ctx); err != nil || r != "2" {
		t.Fatalf("last result %q %v", r, err)
	}
	sim.PresentCard()
	if o := <-done; o.err != nil || !o.res.Approved {
		t.Fatalf("held purchase: %+v %v", o.res, o.err)
	}
	// A terminal that is always busy: the adapter reports DM's 5000 "пристрій зайнятий", kind busy,
	// and the journal lets the same id run again later.
	_, busyAddr := startSim(t, privatsim.Config{Busy: true})
	conn, err := transport.Open(ctx, "tcp://"+busyAddr)
	if err != nil {
		t.Fatal(err)
	}
	bc := New(conn, testConfig)
	defer bc.Close()
	if err := bc.Handshake(ctx); !errors.Is(err, ErrBusy) {
		t.Fatalf("handshake with a busy terminal: %v", err)
	}
	bt := newTerminal(t, bc, TerminalConfig{})
	_, err = bt.Purchase(ctx, payment.Request{TransactionID: "b3", Amount: 100})
	var pe *payment.Error
	if !errors.As(err, &pe) || pe.Code != payment.CodeTerminal || !errors.Is(err, payment.ErrBusy) || !strings.Contains(pe.Ukrainian(), "пристрій зайнятий") {
		t.Fatalf("busy terminal: %v", err)
	}
}

func TestInterruptDuringPurchase(t *testing.T) {
	ctx := testCtx(t)
	sim, addr := startSim(t, privatsim.Config{HoldCard: true})
	c := tcpClient(t, addr, testConfig)
	term := newTerminal(t, c, TerminalConfig{})
	done := make(chan outcome, 1)
	go func() {
		r, err := term.Purchase(ctx, payment.Request{TransactionID: "i1", Amount: 100})
		done <- outcome{r, err}
	}()
	<-sim.Waiting()
	if err := c.Interrupt(ctx); err != nil {
		t.Fatal(err)
	}
	o := <-done
	var pe *payment.Error
	if !errors.As(o.err, &pe) || pe.Code != payment.CodeUserCancelled || pe.ResponseCode != "1001" || !errors.Is(o.err, payment.ErrCancelled) {
		t.Fatalf("interrupted purchase: %v", o.err)
	}
	if sim.Charges() != 0 {
		t.Fatal("an interrupted purchase was charged")
	}
	// A cancelled context interrupts too, and the client reports the terminal's final 1001.
	cctx, cancel := context.WithCancel(ctx)
	errc := make(chan error, 1)
	go func() {
		_, err := c.Purchase(cctx, PurchaseRequest{Amount: 200})
		errc <- err
	}()
	<-sim.Waiting()
	cancel()
	err := <-errc
	var re *ResponseError
	if !errors.As(err, &re) || re.ResponseCode != "1001" || !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled purchase: %v", err)
	}
	// The link is still in order.
	if err := c.PingDevice(ctx); err != nil {
		t.Fatal(err)
	}
}

// Progress events come from getLastStatMsgCode polling (spec §6.8).
func TestProgressEvents(t *testing.T) {
	ctx := testCtx(t)
	sim, c := tcpLink(t, privatsim.Config{HoldCard: true})
	term := newTerminal(t, c, TerminalConfig{})
	events := make(chan payment.Event, 16)
	done := make(chan outcome, 1)
	go func() {
		r, err := term.Purchase(ctx, payment.Request{TransactionID: "p1", Amount: 100, Events: events})
		done <- outcome{r, err}
	}()
	<-sim.Waiting()
	ev := <-events
	if ev.Code != int(StatusWaitingCard) || ev.Text != "waiting for card" {
		t.Fatalf("first event %+v", ev)
	}
	if st, err := term.TransactionStatus(ctx); err != nil || st.Code != 9 {
		t.Fatalf("status %+v %v", st, err)
	}
	sim.PresentCard()
	if o := <-done; o.err != nil || !o.res.Approved {
		t.Fatalf("%+v %v", o.res, o.err)
	}
}

// The correction flow of spec §6.12: status 11, getDiscountName, correctTransaction.
func TestCorrectionFlow(t *testing.T) {
	ctx := testCtx(t)
	_, c := tcpLink(t, privatsim.Config{Correction: true})
	var info DiscountInfo
	var corrErr error
	tx, err := c.Purchase(ctx, PurchaseRequest{Amount: 1000, Progress: func(s Status) {
		if s != StatusCorrectTransation {
			return
		}
		if info, corrErr = c.GetDiscountName(ctx); corrErr == nil {
			corrErr = c.CorrectTransaction(ctx, "8.00", "2.00")
		}
	}})
	if err != nil || corrErr != nil {
		t.Fatalf("%v / %v", err, corrErr)
	}
	if info.DiscountName != "someDiscountGroup" || tx.Amount != 800 || tx.Discount != 200 {
		t.Fatalf("info %+v tx amount %v discount %v", info, tx.Amount, tx.Discount)
	}
}

func TestPartialApprovalAndDeclines(t *testing.T) {
	ctx := testCtx(t)
	sim, c := tcpLink(t, privatsim.Config{PartialLimit: "15.00", Decline: privatsim.DeclineRules})
	term := newTerminal(t, c, TerminalConfig{})
	r, err := term.Purchase(ctx, payment.Request{TransactionID: "pa", Amount: 2000})
	if err != nil || !r.Approved || !r.Partial || r.Amount != 1500 || r.ResponseCode != "0010" {
		t.Fatalf("partial: %+v %v", r, err)
	}
	cases := []struct {
		amount payment.Amount
		code   int
		kind   error
		rc     string
	}{
		{5, payment.CodeBankDecline, payment.ErrDeclined, "0005"},
		{51, payment.CodeBankDecline, payment.ErrDeclined, "0051"},
		{1001, payment.CodeUserCancelled, payment.ErrCancelled, "1001"},
		{1002, payment.CodeEMVDecline, payment.ErrDeclined, "1002"},
		{1004, payment.CodeNoHostLink, payment.ErrDevice, "1004"},
	}
	for _, tc := range cases {
		id := "d" + tc.rc
		_, err := term.Purchase(ctx, payment.Request{TransactionID: id, Amount: tc.amount})
		var pe *payment.Error
		if !errors.As(err, &pe) || pe.Code != tc.code || !errors.Is(err, tc.kind) || pe.ResponseCode != tc.rc {
			t.Fatalf("%s: %v", tc.rc, err)
		}
		if tc.rc[0] == '0' && !strings.Contains(pe.Receipt, "ВІДХИЛЕНО") {
			t.Fatalf("%s: no decline slip: %q", tc.rc, pe.Receipt)
		}
	}
	// A host decline is final: the retry returns it without the wire.
	n := sim.Requests("Purchase")
	if _, err := term.Purchase(ctx, payment.Request{TransactionID: "d0005", Amount: 5}); !errors.Is(err, payment.ErrDeclined) || sim.Requests("Purchase") != n {
		t.Fatalf("retried decline: %v", err)
	}
	// Cancel of an unknown invoice: DM's 5027.
	if _, err := term.Cancel(ctx, payment.Request{TransactionID: "v", Invoice: "999999999999"}); payment.ErrorCode(err) != payment.CodeOperationNotFound {
		t.Fatalf("cancel unknown: %v", err)
	}
}

// The reply to a purchase is lost; the retry with the same transaction id reconciles through
// GetReceiptInfo and charges once (design.md "Never lose a payment").
func TestLostReplyRetryChargesOnce(t *testing.T) {
	ctx := testCtx(t)
	sim, addr := startSim(t, privatsim.Config{})
	c := tcpClient(t, addr, testConfig)
	j := journal.NewMemory()
	term := newTerminal(t, c, TerminalConfig{Journal: j, Key: "shop-1"})
	sim.InjectFault("Purchase", privatsim.FaultLoseReply)
	req := payment.Request{TransactionID: "sale-42", Amount: 4200}
	_, err := term.Purchase(ctx, req)
	if !errors.Is(err, payment.ErrOutcomeUnknown) {
		t.Fatalf("lost reply: %v", err)
	}
	if e, _, _ := j.Get(ctx, "sale-42"); e.State != journal.StateUnknown {
		t.Fatalf("journal state %s", e.State)
	}
	if sim.Charges() != 1 {
		t.Fatalf("terminal charged %d", sim.Charges())
	}
	res, err := term.Purchase(ctx, req) // the client reconnects with the full scheme
	if err != nil || !res.Approved || res.Amount != 4200 || res.TransactionID != "sale-42" {
		t.Fatalf("retry: %+v %v", res, err)
	}
	if sim.Charges() != 1 || sim.Requests("Purchase") != 1 || sim.Requests("GetReceiptInfo") != 1 {
		t.Fatalf("charges %d, purchases %d, receipt queries %d", sim.Charges(), sim.Requests("Purchase"), sim.Requests("GetReceiptInfo"))
	}
	if e, _, _ := j.Get(ctx, "sale-42"); e.State != journal.StateApproved || e.Result.RRN != res.RRN {
		t.Fatalf("journal %+v", e)
	}
	// A lost reply of an operation the terminal did not do is reconciled as not done and runs
	// again: the last receipt is the earlier sale's, whose amount differs.
	sim.InjectFault("Refund", privatsim.FaultCutReply)
	_, err = term.Refund(ctx, payment.Request{TransactionID: "ref-1", Amount: 100, RRN: res.RRN})
	if !errors.Is(err, payment.ErrOutcomeUnknown) {
		t.Fatalf("cut refund reply: %v", err)
	}
	// The refund did happen on the terminal: the retry finds it and does not refund again.
	if r, err := term.Refund(ctx, payment.Request{TransactionID: "ref-1", Amount: 100, RRN: res.RRN}); err != nil || !r.Approved {
		t.Fatalf("refund retry: %+v %v", r, err)
	}
	if sim.Requests("Refund") != 1 {
		t.Fatalf("refunds sent %d", sim.Requests("Refund"))
	}
}

// A reply that never comes: the caller gives up, and the retry finds the operation in the
// terminal's last receipt instead of charging again.
func TestSilentReplyReconciled(t *testing.T) {
	ctx := testCtx(t)
	sim, addr := startSim(t, privatsim.Config{})
	cfg := testConfig
	cfg.InterruptWait = 100e6 // no final reply will come: do not wait long for it
	c := tcpClient(t, addr, cfg)
	term := newTerminal(t, c, TerminalConfig{})
	if _, err := term.Purchase(ctx, payment.Request{TransactionID: "a", Amount: 100}); err != nil {
		t.Fatal(err)
	}
	sim.InjectFault("Purchase", privatsim.FaultSilence)
	cctx, cancel := context.WithCancel(ctx)
	errc := make(chan error, 1)
	go func() {
		_, err := term.Purchase(cctx, payment.Request{TransactionID: "b", Amount: 300})
		errc <- err
	}()
	// FaultSilence still runs the operation; once it is journaled, give up waiting.
	for m := range sim.Completed() {
		if m == "Purchase" && sim.Charges() == 2 {
			break
		}
	}
	cancel()
	if err := <-errc; !errors.Is(err, payment.ErrOutcomeUnknown) {
		t.Fatalf("silent purchase: %v", err)
	}
	res, err := term.Purchase(ctx, payment.Request{TransactionID: "b", Amount: 300})
	if err != nil || res.Amount != 300 || sim.Requests("Purchase") != 2 || sim.Charges() != 2 {
		t.Fatalf("retry %+v %v, purchases %d, charges %d", res, err, sim.Requests("Purchase"), sim.Charges())
	}
}

// The link drops before the terminal did anything: the last receipt is an earlier sale's, so
// the reconcile says "not done" and the retry runs the operation.
func TestReconcileNotDone(t *testing.T) {
	ctx := testCtx(t)
	sim, c := tcpLink(t, privatsim.Config{})
	term := newTerminal(t, c, TerminalConfig{})
	if _, err := term.Purchase(ctx, payment.Request{TransactionID: "a", Amount: 100}); err != nil {
		t.Fatal(err)
	}
	sim.InjectFault("Purchase", privatsim.FaultDropRequest)
	if _, err := term.Purchase(ctx, payment.Request{TransactionID: "b", Amount: 300}); !errors.Is(err, payment.ErrOutcomeUnknown) {
		t.Fatalf("dropped purchase: %v", err)
	}
	res, err := term.Purchase(ctx, payment.Request{TransactionID: "b", Amount: 300})
	if err != nil || res.Amount != 300 || sim.Requests("Purchase") != 3 || sim.Charges() != 2 {
		t.Fatalf("retry %+v %v, purchases %d, charges %d", res, err, sim.Requests("Purchase"), sim.Charges())
	}
}

func TestDisconnectMidFrame(t *testing.T) {
	ctx := testCtx(t)
	sim, c := tcpLink(t, privatsim.Config{})
	sim.InjectFault("GetTerminalInfo", privatsim.FaultCutReply)
	_, err := c.GetTerminalInfo(ctx)
	var le *LinkError
	if !errors.As(err, &le) || !le.Sent || !errors.Is(err, ErrTruncated) {
		t.Fatalf("cut reply: %v", err)
	}
	// The client dials again with the reference scheme.
	if _, err := c.GetTerminalInfo(ctx); err != nil {
		t.Fatal(err)
	}
}

// 10 MiB without a 0x00 in reply to a purchase: a typed error, memory bounded by the frame
// limit.
func TestGarbageReplyBounded(t *testing.T) {
	ctx := testCtx(t)
	sim, addr := startSim(t, privatsim.Config{})
	cfg := testConfig
	cfg.MaxFrame = 64 << 10
	c := tcpClient(t, addr, cfg)
	term := newTerminal(t, c, TerminalConfig{})
	sim.InjectFault("Purchase", privatsim.FaultGarbage)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := c.Purchase(ctx, PurchaseRequest{Amount: 100})
	runtime.ReadMemStats(&after)
	var pe *ProtocolError
	if !errors.As(err, &pe) || !errors.Is(err, ErrFrameTooLarge) {
		t.Fatalf("garbage: %v", err)
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 4<<20 {
		t.Fatalf("allocated %d bytes while reading garbage", grew)
	}
	// Through the adapter the outcome is unknown (kind protocol), not a decline.
	sim.InjectFault("Purchase", privatsim.FaultGarbage)
	_, err = term.Purchase(ctx, payment.Request{TransactionID: "g", Amount: 100})
	if !errors.Is(err, payment.ErrOutcomeUnknown) || !errors.Is(err, payment.ErrProtocol) {
		t.Fatalf("adapter garbage: %v", err)
	}
}

// A second register gets silence while one holds the session (N950 field report).
func TestSecondClientSilence(t *testing.T) {
	_, addr := startSim(t, privatsim.Config{})
	first := tcpClient(t, addr, testConfig)
	if err := first.PingDevice(testCtx(t)); err != nil { // takes the session
		t.Fatal(err)
	}
	cfg := testConfig
	cfg.ServiceTimeout = 50e6 // 50 ms: only the absence of an answer is tested
	ctx, cancel := context.WithTimeout(context.Background(), 100e6)
	defer cancel()
	if _, err := Open(ctx, tcpDial(addr), cfg); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("second client: %v", err)
	}
}

// methodNotImplemented names no method (spec §6.3): it goes to the latest pending request, so
// an unknown service message during a purchase fails alone and the purchase goes on.
func TestNotImplementedDuringPurchase(t *testing.T) {
	ctx := testCtx(t)
	sim, c := tcpLink(t, privatsim.Config{HoldCard: true})
	done := make(chan error, 1)
	go func() {
		_, err := c.Purchase(ctx, PurchaseRequest{Amount: 100})
		done <- err
	}()
	<-sim.Waiting()
	if _, err := c.Service(ctx, "getVersion"); !errors.Is(err, ErrNotImplemented) {
		t.Fatalf("unknown msgType: %v", err)
	}
	sim.PresentCard()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// A lost void reply, then the application restarts with its journal: the retry finds the
// void in the terminal's last receipt and does not send it again.
func TestLostCancelAcrossRestart(t *testing.T) {
	ctx := testCtx(t)
	sim, addr := startSim(t, privatsim.Config{})
	j := journal.NewMemory()
	c := tcpClient(t, addr, testConfig)
	term := newTerminal(t, c, TerminalConfig{Journal: j, Key: "till-1"})
	sale, err := term.Purchase(ctx, payment.Request{TransactionID: "s", Amount: 700})
	if err != nil {
		t.Fatal(err)
	}
	sim.InjectFault("Withdrawal", privatsim.FaultLoseReply)
	void := payment.Request{TransactionID: "v", Invoice: sale.Invoice}
	if _, err := term.Cancel(ctx, void); !errors.Is(err, payment.ErrOutcomeUnknown) {
		t.Fatalf("lost void: %v", err)
	}
	c.Close()
	// "Restart": a new journal handle on the same entries, a new client and adapter.
	j2 := j.Reopen()
	defer j2.Close()
	term2 := newTerminal(t, tcpClient(t, addr, testConfig), TerminalConfig{Journal: j2, Key: "till-1"})
	res, err := term2.Cancel(ctx, void)
	if err != nil || !res.Approved || res.Amount != 700 || sim.Requests("Withdrawal") != 1 {
		t.Fatalf("void retry %+v %v, voids sent %d", res, err, sim.Requests("Withdrawal"))
	}
}
