package posapisim

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/uapos/uapos/posapi/capi"
	"github.com/uapos/uapos/simulators/control"
)

// Host is one host (merchant profile) configured on the simulated terminal.
type Host struct {
	Name       string
	MerchantID string
	TerminalID string
}

// Step is one progress message of the card-reading phase.
type Step struct{ Title, Body string }

// Config holds the simulator's knobs; the zero value is a happy single-host terminal with no
// delays.
type Config struct {
	// Hosts are the configured hosts; nil means one: "RAIFFEISEN AVAL", merchant 1234567,
	// terminal P0001027.
	Hosts []Host
	// CardSteps are the interruptible messages before RESP_IDENTIFIER; nil means two
	// (present card, enter PIN).
	CardSteps []Step
	// PAN is the card number as the terminal reports it (masked); "" means 4731XXXXXXXX9838.
	PAN string
	// PaymentSystem is payment_sys; "" means "VISA".
	PaymentSystem string
	// Decline, 1-6, makes the host decline with that class (POS_STATUS): 1 declined, 2
	// communications, 3 cryptography, 4 processing centre, 5 insufficient funds, 6 issuer
	// unavailable. 0 approves.
	Decline int
	// HostCode is POS_HOST_CODE of a decline; "" means "05" ("51" for class 5).
	HostCode string
	// DeclineText is POS_TRANS_STATUS of a decline; "" means a text per class.
	DeclineText string
	// PartialAmount, when positive and below the asked amount, is all the host approves.
	PartialAmount int64
	// LoseIdentifier: RESP_IDENTIFIER cannot be delivered; the terminal returns RESP_BREAK
	// and does not go to the host.
	LoseIdentifier bool
	// CustomerCancel: the cardholder cancels on the terminal after the card steps (RESP_BREAK).
	CustomerCancel bool
	// Hold, when not nil, stops each operation before its host step (after the host
	// message, no longer interruptible) until the channel is closed; meanwhile pos_receive
	// waits its timeout and returns RESP_TIMEOUT.
	Hold <-chan struct{}
	// HoldCard, when not nil, stops each card operation after its first card step (the
	// cardholder has not presented the card; still interruptible) until the channel is closed.
	HoldCard <-chan struct{}
	// StatusNotFoundBreak answers ACTION_STATUS for an unknown id with RESP_BREAK (terminals
	// before USO 3.109r, or with the setting off) instead of RESP_DECLINE.
	StatusNotFoundBreak bool
	// EchoFail makes ACTION_HOST_ECHO_TEST answer RESP_DECLINE.
	EchoFail bool
	// MACKey, when set, must come as mac_key with every operation, else RESP_WRONG_MAC.
	MACKey string
	// OpenFail makes pos_open fail (no link to the terminal).
	OpenFail bool
	// AnswerDelay is the time a card operation spends with the host before its final
	// response (meanwhile pos_receive returns RESP_TIMEOUT). Zero answers at once.
	AnswerDelay time.Duration
	// Now is the terminal clock; nil means time.Now.
	Now func() time.Time
}

// Record is one successful operation in the terminal journal.
type Record struct {
	TransID    string // POS_TRANS_ID ("receipt")
	Receipt    string // POS_TRANS_RECEIPT, 6 digits
	RRN        string
	Approval   string
	Action     int
	Amount     int64
	Cash       int64
	OrigAmount int64
	Partial    bool
	Host       int // index into the hosts
	Time       time.Time
}

// Library is the simulated POSAPI library; it implements capi.Library. Safe for concurrent use.
type Library struct {
	cfg Config

	mu       sync.Mutex
	sessions map[capi.Handle]*session
	nextH    capi.Handle
	nextID   int
	nextRcpt int
	journal  []Record
	charges  int
	opens    int
	lastErr  int

	// The control (control.go): armed faults, what the bank saw, what was asked, and a
	// card presented through it.
	cs     control.State
	cardIn chan struct{}
}

var _ capi.Library = (*Library)(nil)

type kv struct{ k, v string }

type session struct {
	set  map[string]string
	op   *operation
	out  []kv
	iter int
	err  int
}

const (
	stCard = iota
	stIdent
	stWait
	stHost
	stDone
)

type operation struct {
	action     int
	card       bool // reads a card: IDENTIFIER comes before the host
	stage      int
	step       int
	transID    string
	amount     int64
	origAmount int64
	needRev    bool
	needConf   bool
	breakable  bool
	breakReq   bool
	hostMsg    bool
	pending    bool // a final response waits to be delivered
	final      []kv
	finalResp  int
	plan       plan // what the armed faults make of it (control.go)
}

// New returns a simulated library.
func New(cfg Config) *Library {
	if cfg.Hosts == nil {
		cfg.Hosts = []Host{{Name: "RAIFFEISEN AVAL", MerchantID: "1234567", TerminalID: "P0001027"}}
	}
	if cfg.CardSteps == nil {
		cfg.CardSteps = []Step{{"ОПЛАТА", "ПРИКЛАДІТЬ АБО ВСТАВТЕ КАРТКУ"}, {"ОПЛАТА", "ВВЕДІТЬ PIN"}}
	}
	if cfg.PAN == "" {
		cfg.PAN = "4731XXXXXXXX9838"
	}
	if cfg.PaymentSystem == "" {
		cfg.PaymentSystem = "VISA"
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Library{cfg: cfg, sessions: map[capi.Handle]*session{}, nextID: 1000, nextRcpt: 1, cardIn: make(chan struct{}, 1)}
}

// Records returns the terminal journal (successful operations since the last close day).
func (l *Library) Records() []Record {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Record(nil), l.journal...)
}

// Charges returns how many purchases (PAYMENT, PAYMENT_WITH_CASH, CASH) the host approved.
func (l *Library) Charges() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.charges
}

// Opens returns how many sessions were opened.
func (l *Library) Opens() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.opens
}

// OpenSessions returns how many sessions are open now.
func (l *Library) OpenSessions() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.sessions)
}

// Open implements capi.Library. Only one session may be open: an abandoned one (the app
// died) is superseded, and an operation it left after RESP_IDENTIFIER is finished first.
func (l *Library) Open(name, log string) (capi.Handle, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.cfg.OpenFail {
		l.lastErr = errFailure
		return capi.NoHandle, false
	}
	for h, s := range l.sessions {
		l.abandon(s)
		delete(l.sessions, h)
	}
	l.nextH++
	l.opens++
	l.sessions[l.nextH] = &session{set: map[string]string{}}
	return l.nextH, true
}

// OpenWithTimeout implements capi.Library.
func (l *Library) OpenWithTimeout(name string, timeout int, log string) (capi.Handle, bool) {
	return l.Open(name, log)
}

// Close implements capi.Library.
func (l *Library) Close(h capi.Handle) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	s, ok := l.sessions[h]
	if !ok {
		return false
	}
	l.abandon(s)
	delete(l.sessions, h)
	return true
}

// abandon finishes an operation the app left after RESP_IDENTIFIER: the terminal goes to the
// host on its own.
func (l *Library) abandon(s *session) {
	if op := s.op; op != nil && op.stage == stHost && !op.pending && op.transID != "" {
		l.process(s, op)
	}
}

// Set implements capi.Library.
func (l *Library) Set(h capi.Handle, param, val string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	s, ok := l.sessions[h]
	if !ok || param == "" {
		l.lastErr = errFailure
		return false
	}
	s.set[param] = val
	return true
}

// Send implements capi.Library.
func (l *Library) Send(h capi.Handle, action int) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	s, ok := l.sessions[h]
	if !ok {
		l.lastErr = errFailure
		return false
	}
	op := s.op
	switch action {
	case aBreak:
		if op != nil && op.stage != stDone && op.breakable {
			op.breakReq = true
		}
		return op != nil
	case aRevision:
		if op == nil || op.stage != stWait || !op.needRev {
			s.err = errFailure
			return false
		}
		op.needRev = false
		n, err := strconv.ParseInt(s.set["amount"], 10, 64)
		if err != nil || n <= 0 || n > op.amount {
			l.finish(op, rBreak, nil) // the revised amount must not exceed the original
			return true
		}
		op.origAmount, op.amount = op.amount, n
		if !op.needConf {
			op.stage = stHost
		}
		return true
	case aConfirm:
		if op == nil || op.stage != stWait || !op.needConf || op.needRev {
			s.err = errFailure
			return false
		}
		op.needConf = false
		if s.set["status_code"] != "1" {
			l.finish(op, rBreak, nil)
			return true
		}
		op.stage = stHost
		return true
	}
	if op != nil {
		s.err = errFailure // one operation per session
		return false
	}
	op = &operation{action: action, breakable: true}
	switch action {
	case aPayment, aReturn, aCash, aPaymentCash:
		op.card = true
		amt := s.set["amount"]
		if action == aPaymentCash {
			amt = s.set["goods_amount"]
		}
		n, err := strconv.ParseInt(amt, 10, 64)
		if err != nil || n <= 0 || len(amt) > 12 || s.set["currency"] == "" {
			s.err = errFailure
			return false
		}
		op.amount = n
		op.needRev = action == aPayment && s.set["revision"] == "1"
		op.needConf = s.set["confirm_sign"] == "1"
	case aReversal, aStatus, aReport, aCloseDay, aHostEcho, aHostCount, aHostInfo:
		op.stage = stHost
	default:
		s.err = errFailure
		return false
	}
	s.op = op
	l.cs.Log.Add(actionName(action), s.set)
	op.plan = l.planFor(action)
	if l.cfg.MACKey != "" && s.set["mac_key"] != l.cfg.MACKey {
		l.finish(op, rWrongMAC, nil)
	}
	return true
}

// Receive implements capi.Library.
func (l *Library) Receive(h capi.Handle, timeoutMS int) int {
	l.mu.Lock()
	s, ok := l.sessions[h]
	if !ok || s.op == nil || s.op.stage == stDone {
		if ok {
			s.err = errFailure
		}
		l.mu.Unlock()
		return rError
	}
	op := s.op
	timeout := time.Duration(timeoutMS) * time.Millisecond
	var hold <-chan struct{}
	var card bool
	switch {
	case op.plan.silent: // the terminal answers nothing, not even a break
		l.mu.Unlock()
		time.Sleep(timeout)
		return rTimeout
	case op.pending || op.breakReq:
	case op.stage == stHost && (op.hostMsg || !op.card):
		hold = l.cfg.Hold
		if hold == nil && op.plan.delay > 0 { // slow, AnswerDelay: the host takes its time
			if op.plan.until.IsZero() {
				op.plan.until = time.Now().Add(op.plan.delay)
			}
			left := time.Until(op.plan.until)
			if left > 0 {
				l.mu.Unlock()
				time.Sleep(min(left, timeout))
				if left > timeout {
					return rTimeout
				}
				l.mu.Lock()
				if l.sessions[h] != s {
					l.mu.Unlock()
					return rError
				}
			}
		}
	case op.stage == stCard && op.step >= 1:
		hold = l.cfg.HoldCard
		if op.plan.waitCard { // card-timeout: at the card prompt until a card comes
			hold, card = l.cardIn, true
		}
	}
	if hold != nil {
		l.mu.Unlock()
		t := time.NewTimer(timeout)
		select {
		case <-hold:
			t.Stop()
		case <-t.C:
			return rTimeout
		}
		l.mu.Lock()
		if l.sessions[h] != s {
			l.mu.Unlock()
			return rError
		}
		if card {
			op.plan.waitCard = false
		}
	}
	defer l.mu.Unlock()
	resp, out := l.next(s, op)
	s.out, s.iter = out, 0
	return resp
}

// next advances the operation's state machine by one response.
func (l *Library) next(s *session, op *operation) (int, []kv) {
	if op.pending {
		return l.deliver(op)
	}
	if op.breakReq {
		l.finish(op, rBreak, []kv{{"msg_title", "ОПЕРАЦІЮ ПЕРЕРВАНО"}})
		return l.deliver(op)
	}
	switch op.stage {
	case stCard:
		if op.step < len(l.cfg.CardSteps) {
			st := l.cfg.CardSteps[op.step]
			op.step++
			return rMessage, []kv{{"msg_title", st.Title}, {"msg_body", st.Body}, {"msg_break", "1"}}
		}
		if l.cfg.CustomerCancel || op.plan.abort {
			l.finish(op, rBreak, []kv{{"msg_title", "ОПЕРАЦІЮ СКАСОВАНО"}})
			return l.deliver(op)
		}
		op.stage = stIdent
		fallthrough
	case stIdent:
		if l.cfg.LoseIdentifier || op.plan.lostID {
			// The identifier could not be delivered: no host request.
			l.finish(op, rBreak, nil)
			return l.deliver(op)
		}
		l.nextID++
		op.transID = strconv.Itoa(l.nextID)
		op.stage = stHost
		if op.needRev || op.needConf {
			op.stage = stWait
		}
		return rIdentifier, []kv{{"receipt", op.transID}, {"msg_break", "1"},
			{"pan_sha256", l.panHash()}, {"card_type", "CHIP"}, {"card_pan", l.cfg.PAN}}
	case stWait:
		return rTimeout, nil
	case stHost:
		if !op.hostMsg && op.card || !op.hostMsg && (op.action == aReversal || op.action == aCloseDay || op.action == aHostEcho) {
			op.hostMsg, op.breakable = true, false
			return rMessage, []kv{{"msg_title", "ЗВ'ЯЗОК З БАНКОМ"}, {"msg_body", "ЗАЧЕКАЙТЕ"}, {"msg_break", "0"}}
		}
		l.process(s, op)
		if op.plan.dropReply {
			// Done with the host; the response is lost on the way to the library: RESP_ERROR,
			// and pos_error says ERR_FAILURE (posapi.md §1.4).
			op.stage, op.pending = stDone, false
			s.err = errFailure
			return rError, nil
		}
		return l.deliver(op)
	}
	return rError, nil
}

// finish makes resp with vals the operation's final response, delivered by the next Receive.
func (l *Library) finish(op *operation, resp int, vals []kv) {
	op.finalResp, op.final, op.pending = resp, vals, true
}

func (l *Library) deliver(op *operation) (int, []kv) {
	op.stage, op.pending = stDone, false
	return op.finalResp, op.final
}

func (l *Library) panHash() string {
	sum := sha256.Sum256([]byte(l.cfg.PAN))
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}

// Get implements capi.Library.
func (l *Library) Get(h capi.Handle, param string) (string, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	s, ok := l.sessions[h]
	if !ok {
		return "", false
	}
	for _, p := range s.out {
		if p.k == param {
			return p.v, true
		}
	}
	return "", false
}

// GetFirst implements capi.Library.
func (l *Library) GetFirst(h capi.Handle) (string, string, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	s, ok := l.sessions[h]
	if !ok || len(s.out) == 0 {
		return "", "", false
	}
	s.iter = 1
	return s.out[0].k, s.out[0].v, true
}

// GetNext implements capi.Library.
func (l *Library) GetNext(h capi.Handle) (string, string, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	s, ok := l.sessions[h]
	if !ok || s.iter <= 0 || s.iter >= len(s.out) {
		return "", "", false
	}
	p := s.out[s.iter]
	s.iter++
	return p.k, p.v, true
}

// Error implements capi.Library.
func (l *Library) Error(h capi.Handle) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	if s, ok := l.sessions[h]; ok {
		e := s.err
		s.err = errNone
		return e
	}
	e := l.lastErr
	l.lastErr = errNone
	return e
}

// IntSymbol implements capi.Library.
func (l *Library) IntSymbol(name string) (int, bool) {
	v, ok := intSymbols[name]
	return v, ok
}

// StringSymbol implements capi.Library.
func (l *Library) StringSymbol(name string) (string, bool) {
	v, ok := stringSymbols[name]
	return v, ok
}

func fmtAmount(n int64) string { return strconv.FormatInt(n, 10) }

func (l *Library) receiptNo() string {
	s := fmt.Sprintf("%06d", l.nextRcpt)
	l.nextRcpt++
	return s
}
