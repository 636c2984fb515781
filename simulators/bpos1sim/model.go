package bpos1sim

import (
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/text/encoding/charmap"

	"github.com/uapos/uapos/simulators/control"
)

// The numbers below are the vendor's (bpos1.md §2.2, §2.4). The simulator keeps its own
// copy on purpose: it must not import the package it simulates.
const (
	txnPurchase    = 1
	txnRefund      = 2
	txnVoid        = 3
	txnCashAdvance = 20

	trnApproved = 1
	trnDeclined = 2
	trnReversed = 3
	trnCanceled = 4

	errCodeNotOpened = 2
	errCodeConnect   = 3
	errCodeTerminal  = 4

	rcGeneral       = 1000
	rcCancelledUser = 1001
	rcNoHost        = 1004

	// hostInvalidTxn is the host code the simulator gives a refund without a 12-digit RRN:
	// ISO 8583 "12 invalid transaction" (UniCS table of bpos1.md §2.2). Which code a real
	// host sends is not public.
	hostInvalidTxn = 12
)

// Default values of [Config].
const (
	// DefaultTerminalInfo is the example of the vendor manual (bpos1.md §2.4).
	DefaultTerminalInfo = "TE7E118 0000005100CT20221154/AQ1/AQ2/AQ3"
	DefaultTerminalID   = "SIM00001"
	DefaultMerchantID   = "SIMMERCHANT0001"
	// DefaultPAN is a masked card number; the simulator never holds a full one.
	DefaultPAN = "4731XXXXXXXX9838"
)

// DefaultProgress is the LastStatMsgCode script of a card operation: waiting for card,
// card read, chip card, PIN entry, authorization, printing (bpos1.md §6 "Progress").
var DefaultProgress = []uint8{9, 1, 2, 6, 3, 5}

// statusText is the simulator's own wording of the status codes, sent in CP1251.
var statusText = map[uint8]string{
	1: "Картку прочитано", 2: "Чипова картка", 3: "Авторизація", 4: "Очікування касира",
	5: "Друк чека", 6: "Введіть PIN", 7: "Картку вилучено", 8: "Вибір додатку",
	9: "Вставте картку", 10: "Виконується",
}

// Config holds the behaviour knobs. The zero value is the happy path with no delays.
type Config struct {
	// TerminalInfo is the POSGetInfo answer; "" means DefaultTerminalInfo (3 merchants).
	TerminalInfo string
	// TerminalID and MerchantID of every transaction; "" means the defaults.
	TerminalID, MerchantID string
	// PAN is the masked card number of every transaction; "" means DefaultPAN. Digits
	// beyond the first 6 and the last 4 of a longer number are replaced with 'X'.
	PAN string
	// Declines maps a purchase amount (kopecks) to the response code the terminal gives it:
	// a host code (< 1000, e.g. 51 insufficient funds) or a terminal code (1000-1008). The
	// decline has a slip.
	Declines map[uint32]uint32
	// Progress is the LastStatMsgCode script of card operations; nil means DefaultProgress.
	Progress []uint8
	// Hang makes card operations wait for Cancel (or forever): for cancellation tests.
	Hang bool
	// HostDown makes CheckConnection fail with 1004 (no connection with host).
	HostDown bool
	// FirstInvoice and FirstBatch number the first invoice and batch; 0 means 1.
	FirstInvoice, FirstBatch uint32
	// AnswerDelay is the time a card operation or a settlement takes between the request and
	// the answer: a real terminal reads the card and calls the host in between. Zero answers
	// at once; `hwprobe sim` serves a realistic default.
	AnswerDelay time.Duration
	// ReplyBigEndian makes the wire simulator write its TLVs big-endian; the zero value
	// writes them little-endian, as WebCheck's parser reads them (bpos1.md §B.4).
	ReplyBigEndian bool
	// Now gives the transaction time; nil means a fixed 2026-01-02 03:04:05 UTC, so receipts
	// are deterministic.
	Now func() time.Time
	// Logger gets Debug records of the wire simulator's links opening and ending; nil
	// discards them.
	Logger *slog.Logger
}

// Record is one transaction of the simulated terminal's journal.
type Record struct {
	TxnType    uint8
	TrnStatus  uint8
	Merchant   uint8
	Amount     uint32
	AddAmount  uint32
	Invoice    uint32
	Batch      uint32
	RRN        string
	AuthCode   string
	Response   uint32
	DateTime   string
	Receipt    string // UTF-8
	confirming bool   // approved, Confirm not yet received
}

// outcome is what an operation leaves in the properties.
type outcome struct {
	ok        bool
	errCode   uint8
	resp      uint32
	desc      string // UTF-8
	rec       *Record
	totals    *totals
	info      string
	txnNum    uint32
	hasTxnNum bool
}

type totals struct {
	debitAmt, debitNum, creditAmt, creditNum, cancAmt, cancNum uint32
}

// model is the simulated terminal, shared by the library simulator and the wire server.
type model struct {
	mu       sync.Mutex
	cfg      Config
	journal  []*Record
	batch    uint32
	invoice  uint32
	rrn      uint64
	receipt  string // last slip, UTF-8
	reversed int

	// The control (control.go): armed faults, what the bank saw, what was asked, and a
	// card presented through it.
	cs     control.State
	cardIn chan struct{}
}

func newModel(cfg Config) *model {
	if cfg.TerminalInfo == "" {
		cfg.TerminalInfo = DefaultTerminalInfo
	}
	if cfg.TerminalID == "" {
		cfg.TerminalID = DefaultTerminalID
	}
	if cfg.MerchantID == "" {
		cfg.MerchantID = DefaultMerchantID
	}
	if cfg.PAN == "" {
		cfg.PAN = DefaultPAN
	}
	cfg.PAN = mask(cfg.PAN)
	if cfg.Progress == nil {
		cfg.Progress = DefaultProgress
	}
	if cfg.FirstInvoice == 0 {
		cfg.FirstInvoice = 1
	}
	if cfg.FirstBatch == 0 {
		cfg.FirstBatch = 1
	}
	if cfg.Now == nil {
		cfg.Now = func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }
	}
	return &model{cfg: cfg, batch: cfg.FirstBatch, invoice: cfg.FirstInvoice, rrn: 600000000000, cardIn: make(chan struct{}, 1)}
}

func (m *model) merchants() int { return len(strings.Split(m.cfg.TerminalInfo, "/")) - 1 }

// beforeCommand reverses a transaction left unconfirmed when the next command is not
// Confirm (bpos1.md §2.3 Confirm: "otherwise the terminal cancels it").
func (m *model) beforeCommand(isConfirm bool) {
	if isConfirm {
		return
	}
	for _, r := range m.journal {
		if r.confirming {
			r.confirming = false
			r.TrnStatus = trnReversed
			m.reversed++
			m.cs.Charges.Add(control.Charge{Operation: "reversal", Amount: int64(r.Amount), Outcome: control.Approved,
				Invoice: strconv.FormatUint(uint64(r.Invoice), 10), Reference: strconv.FormatUint(uint64(r.Invoice), 10)})
		}
	}
}

func fail(code uint32, desc string) outcome {
	return outcome{errCode: errCodeTerminal, resp: code, desc: desc}
}

func (m *model) badMerchant(merch uint8, allowAll bool) bool {
	if merch == 0 {
		return !allowAll
	}
	return int(merch) > m.merchants()
}

// card runs a card operation of type t (purchase, refund, cash advance). forced, when not
// 0, is the ResponseCode a fault gives it (control.go).
func (m *model) card(t uint8, amount, add uint32, merch uint8, rrn string, forced uint32) outcome {
	if m.badMerchant(merch, false) {
		return fail(rcGeneral, "Невірний індекс мерчанта")
	}
	if amount == 0 || add > amount {
		return fail(rcGeneral, "Невірна сума")
	}
	if forced >= 1000 {
		return fail(forced, declineText(forced)) // the terminal's own: no host, no record
	}
	rec := &Record{TxnType: t, Merchant: merch, Amount: amount - add, AddAmount: add,
		Batch: m.batch, DateTime: m.cfg.Now().Format("060102150405")}
	if t == txnPurchase {
		if code, ok := m.cfg.Declines[amount]; ok {
			rec.TrnStatus, rec.Response = trnDeclined, code
		}
	}
	if rec.TrnStatus != trnDeclined {
		if forced == 0 {
			forced = testAmount(amount)
		}
		if forced != 0 {
			rec.TrnStatus, rec.Response = trnDeclined, forced
		}
	}
	if t == txnRefund && !twelveDigits(rrn) {
		rec.TrnStatus, rec.Response = trnDeclined, hostInvalidTxn
	}
	rec.Invoice = m.invoice
	m.invoice++
	if rec.TrnStatus == trnDeclined {
		rec.Receipt = m.slip(rec, false)
		m.journal = append(m.journal, rec)
		m.receipt = rec.Receipt
		m.charge(rec, rrn)
		o := fail(rec.Response, declineText(rec.Response))
		o.rec = rec
		return o
	}
	m.rrn++
	rec.RRN = fmt.Sprintf("%012d", m.rrn)
	rec.AuthCode = fmt.Sprintf("%06d", m.rrn%1000000)
	rec.TrnStatus = trnApproved
	rec.confirming = true
	rec.Receipt = m.slip(rec, true)
	m.journal = append(m.journal, rec)
	m.receipt = rec.Receipt
	m.charge(rec, rrn)
	return outcome{ok: true, rec: rec}
}

func (m *model) confirm() outcome {
	for _, r := range m.journal {
		if r.confirming {
			r.confirming = false
			return outcome{ok: true}
		}
	}
	return fail(rcGeneral, "Немає операції для підтвердження")
}

// void cancels invoice inv of the current batch (bpos1.md §3: "only within the current
// batch").
func (m *model) void(inv uint32, merch uint8, forced uint32) outcome {
	var orig *Record
	for _, r := range m.journal {
		if r.Invoice == inv && (merch == 0 || r.Merchant == merch) {
			orig = r
		}
	}
	if orig == nil || orig.TrnStatus != trnApproved || orig.TxnType == txnVoid {
		return fail(rcGeneral, "Операцію не знайдено")
	}
	if forced != 0 { // a fault: host-down, decline (control.go)
		if forced < 1000 {
			m.cs.Charges.Add(control.Charge{Operation: "void", Amount: int64(orig.Amount), Outcome: control.Declined,
				Code: strconv.FormatUint(uint64(forced), 10), Reference: strconv.FormatUint(uint64(inv), 10)})
		}
		return fail(forced, declineText(forced))
	}
	orig.TrnStatus = trnCanceled
	m.rrn++
	rec := &Record{TxnType: txnVoid, TrnStatus: trnApproved, Merchant: orig.Merchant,
		Amount: orig.Amount, Invoice: m.invoice, Batch: m.batch, RRN: orig.RRN,
		AuthCode: orig.AuthCode, DateTime: m.cfg.Now().Format("060102150405")}
	m.invoice++
	rec.Receipt = m.slip(rec, true)
	m.journal = append(m.journal, rec)
	m.receipt = rec.Receipt
	m.charge(rec, strconv.FormatUint(uint64(inv), 10))
	return outcome{ok: true, rec: rec}
}

func (m *model) sum(merch uint8) *totals {
	t := &totals{}
	for _, r := range m.journal {
		if merch != 0 && r.Merchant != merch {
			continue
		}
		switch {
		case r.TxnType == txnVoid && r.TrnStatus == trnApproved:
			t.cancAmt += r.Amount
			t.cancNum++
		case r.TrnStatus != trnApproved:
		case r.TxnType == txnRefund:
			t.creditAmt += r.Amount
			t.creditNum++
		default:
			t.debitAmt += r.Amount
			t.debitNum++
		}
	}
	return t
}

// report makes an X or Z report; settle closes the batch: the journal is cleared and the
// batch number incremented (bpos1.md §6).
func (m *model) report(merch uint8, settle, print bool) outcome {
	if m.badMerchant(merch, true) {
		return fail(rcGeneral, "Невірний індекс мерчанта")
	}
	t := m.sum(merch)
	title := "X-БАЛАНС"
	if settle {
		title = "ЗВІРКА ПІДСУМКІВ"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s\nТЕРМІНАЛ %s\nПАКЕТ %d\nОПЛАТА %d %s\nПОВЕРНЕННЯ %d %s\nСКАСУВАННЯ %d %s\n",
		title, m.cfg.TerminalID, m.batch, t.debitNum, money(t.debitAmt), t.creditNum, money(t.creditAmt), t.cancNum, money(t.cancAmt))
	o := outcome{ok: true, totals: t}
	if print || settle {
		m.receipt = b.String()
	}
	if settle {
		m.cs.Charges.Add(control.Charge{Operation: "settlement", Amount: int64(t.debitAmt) - int64(t.creditAmt), Outcome: control.Approved, Code: "0"})
		if merch == 0 {
			m.journal = nil
		} else {
			kept := m.journal[:0:0]
			for _, r := range m.journal {
				if r.Merchant != merch {
					kept = append(kept, r)
				}
			}
			m.journal = kept
		}
		m.batch++
	}
	return o
}

func (m *model) txnByOrder(n uint32) outcome {
	if n == 0 || int(n) > len(m.journal) {
		return fail(rcGeneral, "Запис не знайдено")
	}
	return outcome{ok: true, rec: m.journal[n-1]}
}

func (m *model) txnByInv(inv uint32, merch uint8) outcome {
	for _, r := range m.journal {
		if r.Invoice == inv && (merch == 0 || r.Merchant == merch) {
			return outcome{ok: true, rec: r}
		}
	}
	return fail(rcGeneral, "Запис не знайдено")
}

func (m *model) checkConnection(merch uint8, forced uint32) outcome {
	if m.cfg.HostDown || forced == rcNoHost {
		return fail(rcNoHost, declineText(rcNoHost))
	}
	if m.badMerchant(merch, true) {
		return fail(rcGeneral, "Невірний індекс мерчанта")
	}
	return outcome{ok: true}
}

func twelveDigits(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func money(k uint32) string { return fmt.Sprintf("%d.%02d", k/100, k%100) }

func declineText(code uint32) string {
	switch code {
	case 51:
		return "Недостатньо коштів"
	case 55:
		return "Невірний PIN"
	case rcCancelledUser:
		return "Операція скасована користувачем"
	case rcNoHost:
		return "Немає зв'язку з банком"
	case 1002:
		return "EMV Decline"
	case hostInvalidTxn:
		return "Недійсна операція"
	}
	return "Відмова"
}

var txnTitle = map[uint8]string{txnPurchase: "ОПЛАТА", txnRefund: "ПОВЕРНЕННЯ", txnVoid: "СКАСУВАННЯ", txnCashAdvance: "ВИДАЧА ГОТІВКИ"}

// slip renders the receipt of a record (UTF-8; sent as CP1251).
func (m *model) slip(r *Record, ok bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\nТЕРМІНАЛ %s\nМЕРЧАНТ %s\nЧЕК %d\nКАРТКА %s\nСУМА %s ГРН\n",
		txnTitle[r.TxnType], m.cfg.TerminalID, m.cfg.MerchantID, r.Invoice, m.cfg.PAN, money(r.Amount))
	if ok {
		fmt.Fprintf(&b, "RRN %s\nКОД АВТ. %s\nОПЕРАЦІЯ УСПІШНА\n", r.RRN, r.AuthCode)
	} else {
		fmt.Fprintf(&b, "КОД ВІДПОВІДІ %d\nВІДМОВА: %s\n", r.Response, declineText(r.Response))
	}
	return b.String()
}

// cp1251 encodes simulator text for the wire and the library properties; characters
// outside CP1251 become '?'.
func cp1251(s string) string {
	out := make([]byte, 0, len(s))
	for _, r := range s {
		if b, ok := charmap.Windows1251.EncodeRune(r); ok {
			out = append(out, b)
		} else {
			out = append(out, '?')
		}
	}
	return string(out)
}

// Journal returns a copy of the current batch's records.
func (m *model) snapshot() []Record {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]Record, len(m.journal))
	for i, r := range m.journal {
		out[i] = *r
	}
	return out
}

// mask keeps the first 6 and last 4 digits of a number with more than 10 digits.
func mask(s string) string {
	digits := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			digits++
		}
	}
	if digits <= 10 {
		return s
	}
	b := []byte(s)
	seen := 0
	for i := range b {
		if b[i] >= '0' && b[i] <= '9' {
			if seen >= 6 && seen < digits-4 {
				b[i] = 'X'
			}
			seen++
		}
	}
	return string(b)
}
