package privatsim

import (
	"errors"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"
)

// session is one connected client.
type session struct {
	srv   *Server
	c     io.ReadWriteCloser
	wmu   sync.Mutex
	ended chan struct{} // closed when the connection is gone
}

// claim makes ss the session holder if nobody else holds it, waiting up to HandoverWait for
// a holder whose connection is closing.
func (ss *session) claim() bool {
	s := ss.srv
	if s.cfg.Shared {
		return true
	}
	for tries := 0; tries < 2; tries++ {
		s.mu.Lock()
		if s.active == nil || s.active == ss {
			s.active = ss
			s.mu.Unlock()
			return true
		}
		holder := s.active
		s.mu.Unlock()
		if tries > 0 {
			break
		}
		t := time.NewTimer(s.cfg.HandoverWait)
		select {
		case <-holder.ended:
		case <-t.C:
		}
		t.Stop()
	}
	return false
}

func (ss *session) serve() error {
	s := ss.srv
	fr := newFrameReader(ss.c)
	for {
		b, err := fr.next()
		if err != nil {
			return err
		}
		req, err := parseRequest(b)
		noMethod := errors.Is(err, errNoMethod)
		if err != nil && !noMethod {
			continue // not a JSON object: a real terminal ignores it too (privatjson.md §8)
		}
		if !ss.claim() {
			continue // a second client gets silence (privatjson.md §1.3, N950)
		}
		s.mu.Lock()
		name := req.Method
		if strings.EqualFold(name, "ServiceMessage") {
			name = strings.TrimSpace(req.Params["msgType"])
		}
		s.requests[strings.ToLower(name)]++
		s.mu.Unlock()
		s.cs.Log.Add(req.Method, req.Params)
		if s.cfg.Silent {
			continue
		}
		if noMethod {
			// The notes give no reply for a frame without a method. methodNotImplemented is
			// the spec's reply to a method the terminal does not know (§6.3), and it names no
			// method, so it fits a frame that names none; silence would leave the client
			// waiting for its whole timeout.
			ss.send(service("methodNotImplemented", nil))
			continue
		}
		ss.handle(req)
	}
}

func (ss *session) write(b []byte) error {
	ss.wmu.Lock()
	defer ss.wmu.Unlock()
	_, err := ss.c.Write(b)
	return err
}

func (ss *session) send(v any) { ss.write(encode(v)) }

// deliver sends a method's reply, or misbehaves as an injected fault or the request's plan
// of armed faults says; a slow plan waits first.
func (ss *session) deliver(method string, v any, p plan) {
	f := ss.srv.takeFault(method)
	if p.reply != FaultNone {
		f = p.reply
	}
	if !ss.srv.sleep(p.slow) {
		return
	}
	switch f {
	case FaultLoseReply:
		ss.c.Close()
	case FaultCutReply:
		b := encode(v)
		ss.write(b[:len(b)/2])
		ss.c.Close()
	case FaultGarbage:
		chunk := []byte(strings.Repeat("{garbage}", 4096))
		for n := 0; n < ss.srv.cfg.GarbageSize; n += len(chunk) {
			if ss.write(chunk) != nil {
				break
			}
		}
		ss.c.Close()
	case FaultSilence:
	default:
		ss.send(v)
	}
}

var cardOps = map[string]bool{}

func init() {
	for _, m := range []string{"Purchase", "Refund", "Withdrawal", "WithdrawalPartly", "ServiceRefund",
		"ServiceGeneric", "Cashback", "Preauthorization", "SaleCompletion"} {
		cardOps[strings.ToLower(m)] = true
	}
	for _, m := range instalmentMethods {
		cardOps[strings.ToLower(m)] = true
	}
}

// instalmentMethods are the instalment services of table 1.1 (privatjson.md §3.14).
var instalmentMethods = []string{"ServicePbP", "ServiceRefPbP", "ServicePartlyRefPbP", "ServicePbPperiod",
	"ServiceRefPbPperiod", "ServicePartlyRefPbPperiod", "ServiceInstantPbI", "ServiceRefPbI",
	"ServicePartlyRefPbI", "ServicePbIAct", "ServiceRefPbIAct", "ServicePartlyRefPbIAct", "ServicePbPAct",
	"ServiceRefPbPAct", "ServicePartlyRefPbPAct"}

func (ss *session) handle(req *request) {
	s := ss.srv
	if strings.EqualFold(req.Method, "ServiceMessage") {
		if _, dead := s.cs.Armed.TakeFor("silent", true); dead { // silent@sticky: a dead terminal
			return
		}
		ss.handleService(req)
		return
	}
	s.mu.Lock()
	busy := s.op != nil || s.cfg.Busy
	drop := s.faults[strings.ToLower(req.Method)] == FaultDropRequest
	if drop {
		delete(s.faults, strings.ToLower(req.Method))
	}
	s.mu.Unlock()
	pl := s.planFor(req, busy)
	if pl.silent {
		return
	}
	if drop || pl.drop {
		ss.c.Close()
		return
	}
	if busy || pl.busy {
		ss.send(service("deviceBusy", nil)) // spec §6.1
		return
	}
	if cardOps[strings.ToLower(req.Method)] {
		op := &operation{srv: s, ss: ss, req: req, interrupt: make(chan struct{}), corr: make(chan [2]string, 1), plan: pl}
		s.mu.Lock()
		s.op = op
		s.lastStat = 9 // accepted: waiting for the card, before any later request is read
		s.mu.Unlock()
		go op.run()
		return
	}
	if pl.code != "" { // host-down
		ss.deliver(req.Method, short(req.Method, pl.code, terminalText[pl.code]), pl)
		return
	}
	if strings.EqualFold(req.Method, "Verify") {
		s.mu.Lock()
		if len(s.bank.batch) > 0 {
			s.settle()
		}
		s.mu.Unlock()
	}
	v, ok := s.simple(req)
	if !ok {
		ss.send(service("methodNotImplemented", nil)) // spec §6.3
		return
	}
	ss.deliver(req.Method, v, pl)
}

var statusText = []string{"status code is not available", "card was read", "used a chip card",
	"authorization in progress", "waiting for cashier action", "printing receipt",
	"pin entry is needed", "card was removed", "EMV multi aid's", "waiting for card",
	"in progress", "correct transaction"}

func (ss *session) handleService(req *request) {
	s := ss.srv
	mt := strings.TrimSpace(req.Params["msgType"])
	s.mu.Lock()
	op, stat := s.op, s.lastStat
	s.mu.Unlock()
	switch strings.ToLower(mt) {
	case "interrupt":
		ss.send(service("interruptTransmitted", nil))
		if op != nil {
			op.abort()
		}
	case "getlaststatmsgcode":
		ss.send(service("getLastStatMsgCode", map[string]string{"LastStatMsgCode": strconv.Itoa(stat)}))
	case "getlaststatmsgdescription":
		ss.send(service("getLastStatMsgDescription", map[string]string{"LastStatMsgDescription": statusText[stat]}))
	case "getlastresult":
		r := "0"
		if op != nil {
			r = "2"
		}
		ss.send(service("getLastResult", map[string]string{"LastResult": r}))
	case "getmerchantlist":
		ss.send(service("getMerchantList", s.cfg.Merchants))
	case "getmasklist":
		ss.send(service("getMaskList", s.cfg.Masks))
	case "identify":
		ss.send(service("identify", map[string]string{"result": "true", "vendor": s.cfg.Vendor, "model": s.cfg.Model}))
	case "debug":
		ss.send(service("debugOn", nil))
	case "getdiscountname":
		if op != nil && stat == 11 {
			ss.send(service("getDiscountName", map[string]string{"discountName": "someDiscountGroup", "pan": cardPAN, "posEntryMode": "071"}))
		} else {
			ss.send(service("getDiscountName", map[string]string{"discountName": "NO_D_GROUP", "pan": "PAN_UNDEF", "posEntryMode": "MODE_UNDEF"}))
		}
	case "correcttransaction":
		amount, discount := req.Params["amount"], req.Params["discount"]
		_, okA := parseAmount(amount)
		_, okD := parseAmount(discount)
		if op == nil || stat != 11 || !okA || (discount != "" && !okD) {
			r := service("correctionTransmitted", nil)
			r.Error, r.Desc = true, "Корекція неможлива"
			ss.send(r)
			return
		}
		ss.send(service("correctionTransmitted", nil))
		select {
		case op.corr <- [2]string{amount, discount}:
		default:
		}
	default:
		ss.send(service("methodNotImplemented", nil))
	}
}

// operation is a running card operation.
type operation struct {
	srv       *Server
	ss        *session
	req       *request
	interrupt chan struct{}
	once      sync.Once
	corr      chan [2]string
	plan      plan // what the armed faults make of it
}

func (op *operation) abort() { op.once.Do(func() { close(op.interrupt) }) }

func (op *operation) setStat(n int) {
	op.srv.mu.Lock()
	op.srv.lastStat = n
	op.srv.mu.Unlock()
}

// step moves to status n and waits the step delay; false when interrupted.
func (op *operation) step(n int) bool {
	op.setStat(n)
	if d := op.srv.cfg.StepDelay; d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
		case <-op.interrupt:
			return false
		}
	}
	select {
	case <-op.interrupt:
		return false
	default:
		return true
	}
}

func (op *operation) signalWaiting() {
	select {
	case op.srv.waiting <- struct{}{}:
	default:
	}
}

// run walks the realistic progression 9 -> 1 -> 6 -> 3 -> 10 -> 0 (issue 5; privatjson.md §8).
func (op *operation) run() {
	s := op.srv
	ok := op.step(9)
	if ok && (s.cfg.HoldCard || op.plan.holdCard) {
		op.signalWaiting()
		select {
		case <-s.present:
		case <-op.interrupt:
			ok = false
		}
	}
	for _, n := range []int{1, 6, 3, 10} {
		if ok {
			ok = op.step(n)
		}
	}
	var corr *[2]string
	if ok && s.cfg.Correction && strings.EqualFold(op.req.Method, "Purchase") {
		op.setStat(11)
		op.signalWaiting()
		select {
		case c := <-op.corr:
			corr = &c
		case <-op.interrupt:
			ok = false
		}
	}
	var v any
	if ok {
		s.mu.Lock()
		if s.nextCode != "" {
			op.plan.code = s.nextCode
		}
		s.nextCode = ""
		s.testAmount(op.req, &op.plan)
		cfg := s.cfg
		if op.plan.partial != "" {
			cfg.PartialLimit = op.plan.partial
		}
		v = s.bank.apply(&cfg, op.req, corr, op.plan.code)
		s.charge(op.req, v)
		s.mu.Unlock()
	} else {
		v = short(op.req.Method, "1001", "Oперація скасов.") // spec §6.2
	}
	s.mu.Lock()
	s.lastStat = 0
	s.op = nil
	s.mu.Unlock()
	select {
	case s.complete <- op.req.Method:
	default:
	}
	op.ss.deliver(op.req.Method, v, op.plan)
}
