package privatsim

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/uapos/uapos/simulators/control"
	"github.com/uapos/uapos/simulators/internal/simnet"
)

// This file is the simulator's side of package control: the fault vocabulary, the test
// amounts, the ledger and the request log.

// support is what the PrivatBank JSON wire makes of the vocabulary.
var support = control.Support{
	Protocol: "privatjson",
	Words:    control.TerminalWords,
	NotExpressible: map[string]string{
		"corrupt-checksum": "a frame is JSON ended by 0x00 (privatjson.md §1.2): there is no checksum to corrupt",
		"nak":              "the JSON ECR protocol has no ACK/NAK: a request is answered by its reply or not at all (privatjson.md §1.2)",
	},
	Extra: []control.Word{control.DropRequest},
}

// Control returns the simulator's control: faults, card, ledger, request log, reset (the
// faults injected with InjectFault, the batch journal and the counters too; a running card
// operation is interrupted). A decline's code is sent with four digits ("51" is "0051");
// without one it is do not honour, 0005.
func (s *Server) Control() control.Controller {
	return control.NewTerminal(&s.cs, control.TerminalSpec{Support: support, DeclineCode: "5", MaxCode: 9999,
		PresentCard: s.PresentCard, Reset: s.reset})
}

// reset is the simulator's part of the control's Reset.
func (s *Server) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.op != nil {
		s.op.abort()
	}
	s.bank = newBank()
	s.faults = map[string]Fault{}
	s.requests = map[string]int{}
	s.nextCode = ""
}

// plan is what the armed faults make of one request (not a service message).
type plan struct {
	silent, drop, busy bool
	reply              Fault // FaultLoseReply, FaultCutReply, FaultGarbage or FaultNone
	slow               time.Duration
	// card operations
	holdCard bool
	code     string // forced response code: cashier-abort, host-down, decline
	partial  string // partial approval limit, "12.34"
}

// queries read the terminal's state and change nothing: a one-shot fault waits for an
// operation.
var queries = map[string]bool{"pingdevice": true, "getterminalinfo": true, "getreceiptinfo": true,
	"printreceiptnum": true, "printbatchjournal": true, "audit": true, "verifycopy": true}

// hostMethods go to the bank: host-down fails them.
var hostMethods = map[string]bool{"checkconnection": true, "verify": true, "getbalance": true,
	"withdrawal": true, "withdrawalpartly": true}

// planFor takes the faults that apply to req. busy is true when the terminal already runs an
// operation (then only silent and drop-request can apply).
func (s *Server) planFor(req *request, busy bool) plan {
	var p plan
	lm := strings.ToLower(req.Method)
	// The link check (PingDevice, the handshake) and queries show only sticky faults.
	check := queries[lm]
	take := func(name string) (control.Fault, bool) { return s.cs.Armed.TakeFor(name, check) }
	if _, ok := take("silent"); ok {
		p.silent = true
		return p
	}
	if _, ok := take("drop-request"); ok {
		p.drop = true
		return p
	}
	if busy {
		return p
	}
	if _, ok := take("busy"); ok {
		p.busy = true
		return p
	}
	a := s.cs.Armed.TakeAnswer(check)
	p.slow = a.Slow
	p.reply = map[string]Fault{"drop-reply": FaultLoseReply, "disconnect-mid-reply": FaultCutReply, "garbage": FaultGarbage}[a.Lost]
	card := cardOps[lm]
	void := lm == "withdrawal" || lm == "withdrawalpartly"
	if (card || hostMethods[lm]) && p.code == "" {
		if _, ok := take("host-down"); ok {
			p.code = "1004"
		}
	}
	if card && !void && p.code == "" {
		if _, ok := take("card-timeout"); ok {
			p.holdCard = true
		}
		if _, ok := take("cashier-abort"); ok {
			p.code = "1001"
		}
	}
	if card && p.code == "" {
		if f, ok := take("decline"); ok {
			n, _ := strconv.Atoi(f.Value)
			p.code = fmt.Sprintf("%04d", n)
		}
	}
	if lm == "purchase" && p.code == "" {
		if f, ok := take("partial"); ok {
			k, _ := f.Kopecks()
			p.partial = money(k)
		}
	}
	return p
}

// purchaseLike are the methods a test amount applies to: they ask the host for an amount.
func purchaseLike(lm string) bool {
	switch lm {
	case "purchase", "refund", "cashback", "servicerefund", "servicegeneric", "preauthorization":
		return true
	}
	for _, m := range instalmentMethods {
		if strings.EqualFold(m, lm) {
			return true
		}
	}
	return false
}

// testAmount applies the test amounts (control.TestAmounts) to req when no fault or
// Config.Decline rule decides its outcome: it returns a forced response code or a partial
// approval limit. The caller holds s.mu.
func (s *Server) testAmount(req *request, p *plan) {
	lm := strings.ToLower(req.Method)
	if p.code != "" || p.partial != "" || !purchaseLike(lm) {
		return
	}
	amount, ok := parseAmount(req.Params["amount"])
	if !ok {
		return
	}
	if _, ruled := s.cfg.Decline[money(amount)]; ruled {
		return
	}
	o, ok := control.TestAmount(amount)
	switch {
	case !ok:
	case o.Partial:
		if lm == "purchase" {
			p.partial = money(amount / 2)
		}
	case o.Terminal != 0:
		p.code = strconv.Itoa(o.Terminal)
	case o.Host != 0:
		p.code = fmt.Sprintf("%04d", o.Host)
	}
}

// charge records a card operation's reply in the ledger: host approvals and declines (a
// code below 1000), not the terminal's own refusals, which never reached the bank.
func (s *Server) charge(req *request, v any) {
	r, ok := v.(reply)
	if !ok {
		return
	}
	code := r.Params["responseCode"]
	n, err := strconv.Atoi(code)
	if err != nil || n >= 1000 {
		return
	}
	amount, _ := parseAmount(r.Params["amount"])
	requested, _ := parseAmount(req.Params["amount"])
	c := control.Charge{Operation: ledgerOp(req.Method), Amount: amount, Requested: requested, Code: code,
		Invoice: r.Params["invoiceNumber"], RRN: r.Params["rrn"], AuthCode: r.Params["approvalCode"], PAN: r.Params["pan"]}
	switch {
	case n == 10:
		c.Outcome = control.Partial
	case n == 0:
		c.Outcome = control.Approved
	default:
		c.Outcome, c.Amount = control.Declined, requested
	}
	if ledgerOp(req.Method) == "void" {
		c.Reference = req.Params["invoiceNumber"]
		c.Requested = 0
	}
	s.cs.Charges.Add(c)
}

func ledgerOp(method string) string {
	switch strings.ToLower(method) {
	case "purchase":
		return "purchase"
	case "refund", "servicerefund":
		return "refund"
	case "withdrawal", "withdrawalpartly":
		return "void"
	}
	return method
}

// settle records a Verify in the ledger: the approved purchases and refunds of the batch it
// closes. The caller holds s.mu, before the batch is cleared.
func (s *Server) settle() {
	var sum int64
	for _, t := range s.bank.batch {
		if t.TrnStatus != "1" {
			continue
		}
		a, _ := parseAmount(t.Amount)
		switch t.TxnType {
		case "2":
			sum -= a
		case "3":
		default:
			sum += a
		}
	}
	s.cs.Charges.Add(control.Charge{Operation: "settlement", Amount: sum, Outcome: control.Approved, Code: "0000"})
}

// sleep waits d or until the server closes; false when it closed.
func (s *Server) sleep(d time.Duration) bool { return simnet.Wait(s.closing, d) }
