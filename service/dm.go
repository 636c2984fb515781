package service

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/uapos/uapos/journal"
	"github.com/uapos/uapos/payment"
)

// The DM facade. Facts and guesses are those of shared/protocols/dm-http.md; every guess is
// marked GUESS here and listed as "unverified against DM" in docs/service.md.

// flexInt is an integer DM clients send as a number or as a string ("type": "1").
type flexInt struct {
	V   int
	Set bool
}

func (f *flexInt) UnmarshalJSON(b []byte) error {
	s := string(bytes.TrimSpace(b))
	if s == "null" {
		return nil
	}
	if u, err := strconv.Unquote(s); err == nil {
		s = strings.TrimSpace(u)
	}
	v, err := strconv.Atoi(s)
	if err != nil || v < 0 || v > 1<<20 {
		return fmt.Errorf("want a small integer, got %.20s", string(b))
	}
	f.V, f.Set = v, true
	return nil
}

// flexString is a string DM clients may send as a number ("merch": 1).
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexString(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("want a string or a number")
	}
	*f = flexString(n.String())
	return nil
}

// dmSum is DM's sum: UAH as a JSON number with at most two decimals (C-PHPDM sends 12.34), or
// the same as a string. It is parsed from its text, never through a float.
type dmSum struct {
	V   payment.Amount
	Set bool
}

func (d *dmSum) UnmarshalJSON(b []byte) error {
	s := string(bytes.TrimSpace(b))
	if s == "null" {
		return nil
	}
	if u, err := strconv.Unquote(s); err == nil {
		s = u
	}
	v, err := payment.ParseAmount(s)
	if err != nil {
		return &amountError{raw: trunc(s, 40), err: errors.Unwrap(err)}
	}
	d.V, d.Set = v, true
	return nil
}

// dmPay is the pay object of a type 3 request.
type dmPay struct {
	Task flexInt `json:"task"`
	// Sum: tasks 1, 14, 15 (FACT for task 1: C-PHPDM); the refund sum of task 2 is a GUESS.
	Sum dmSum `json:"sum"`
	// RefundID is the RRN of the purchase to refund (task 2; FACT S1p:654-666).
	RefundID flexString `json:"refundid"`
	// CancelID is the terminal's invoice number to cancel (task 3; FACT S1p:654-659); GUESS
	// for task 17 (the transaction to get).
	CancelID flexString `json:"cancelid"`
	// Merch selects the merchant (C-DART sends it with task 6; GUESS for the other tasks).
	Merch flexString `json:"merch"`
	// AgreementNum is the instalment agreement to refund (task 16; FACT S1:719-735).
	AgreementNum flexString `json:"agreementNum"`
	// CashSum is the cash to withdraw with task 14: the field name is a GUESS (not evidenced).
	CashSum dmSum `json:"cashsum"`
	// Parts is the number of instalments of task 15: the field name is a GUESS.
	Parts flexInt `json:"parts"`
}

// dmRequest is the body of POST /dm/execute. Unknown fields are ignored, as DM's clients send
// many (token, dt, need_pf_*, userinfo...).
type dmRequest struct {
	Ver               json.RawMessage `json:"ver"`
	Source            json.RawMessage `json:"source"`
	Device            flexString      `json:"device"`
	Type              flexInt         `json:"type"`
	Tag               json.RawMessage `json:"tag"`
	TransactionID     flexString      `json:"transaction_id"`
	TransactionSearch flexInt         `json:"transaction_search"`
	Pay               *dmPay          `json:"pay"`
	Fiscal            json.RawMessage `json:"fiscal"`
}

// DecodeDM decodes the body of POST /dm/execute. It is the decoder the fuzz target drives.
func DecodeDM(body []byte) (*dmRequest, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, badRequest("empty body")
	}
	var q dmRequest
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&q); err != nil {
		return nil, badRequest("%s", jsonErrText(err))
	}
	if _, err := dec.Token(); err == nil {
		return nil, badRequest("data after the JSON object")
	}
	if len(q.Ver) > 64 || len(q.Source) > 256 || len(q.Tag) > 256 {
		return nil, badRequest("ver, source or tag too long")
	}
	return &q, nil
}

// dmTasks are the pay.task values the facade serves.
var dmTasks = []int{1, 2, 3, 10, 11, 14, 15, 16, 17}

// toPayment maps a pay object onto a library request; it returns the operation.
func (p *dmPay) toPayment(txID string) (payment.Operation, payment.Request, error) {
	op := payment.Operation(p.Task.V)
	if !p.Task.Set {
		return 0, payment.Request{}, badRequest("pay.task is missing")
	}
	served := false
	for _, t := range dmTasks {
		served = served || t == p.Task.V
	}
	if !served {
		if _, known := map[int]bool{4: true, 5: true, 6: true, 7: true, 8: true}[p.Task.V]; known {
			return op, payment.Request{}, &payment.Error{Code: payment.CodeNotSupportedTask, Args: []string{"uaposd", "DM facade", strconv.Itoa(p.Task.V)},
				DeviceText: "uaposd's DM facade serves pay.task 1, 2, 3, 10, 11, 14, 15, 16, 17"}
		}
		return op, payment.Request{}, badRequest("pay.task %d is not a DM terminal task", p.Task.V)
	}
	o := OperationRequest{
		TransactionID:   txID,
		Amount:          Amount{p.Sum.V, p.Sum.Set},
		CashAmount:      Amount{p.CashSum.V, p.CashSum.Set},
		Merchant:        string(p.Merch),
		RRN:             string(p.RefundID),
		Invoice:         string(p.CancelID),
		AgreementNumber: string(p.AgreementNum),
		Instalments:     p.Parts.V,
	}
	req, err := o.toPayment(op)
	if err != nil {
		var ie *inputError
		if errors.As(err, &ie) {
			// Name DM's fields, not the native ones.
			r := strings.NewReplacer("an amount", "pay.sum", "a cash_amount", "pay.cashsum", "the rrn of the purchase", "pay.refundid (the RRN)",
				"the invoice of the operation to cancel", "pay.cancelid", "the agreement_number", "pay.agreementNum")
			ie.msg = r.Replace(ie.msg)
		}
		return op, req, err
	}
	return op, req, nil
}

// dmInfo is the reply's info for a terminal task. Names are those evidenced in the public
// sources (dm-http.md §3); the ones marked GUESS mirror fiscal.receipt.pays.
type dmInfo struct {
	RefundID     string          `json:"refundid,omitempty"`     // RRN (C-PHPDM, C-DART)
	CancelID     string          `json:"cancelid,omitempty"`     // invoice (C-PHPDM, C-DART)
	CardMask     string          `json:"cardmask,omitempty"`     // masked PAN
	PaySys       string          `json:"paysys,omitempty"`       // payment system
	BankName     string          `json:"bankname,omitempty"`     // bank name (C-DART)
	Sum          json.Number     `json:"sum,omitempty"`          // amount (C-DART)
	PayID        string          `json:"payid,omitempty"`        // auth code, as C-DART reads it: GUESS
	ResTxt       string          `json:"restxt,omitempty"`       // terminal's text (S1)
	Receipt      string          `json:"receipt,omitempty"`      // slip, PrivatBank JSON (C-DART)
	SlipTxt      string          `json:"sliptxt,omitempty"`      // slip, other protocols (C-DART)
	HstFld63Sf89 string          `json:"hstFld63Sf89,omitempty"` // instalment agreement (S1)
	RRN          string          `json:"rrn,omitempty"`          // GUESS (fiscal pays name)
	AuthCode     string          `json:"auth_code,omitempty"`    // GUESS
	TermID       string          `json:"term_id,omitempty"`      // GUESS
	BankID       string          `json:"bank_id,omitempty"`      // GUESS: the merchant id
	Status       *payment.Event  `json:"status,omitempty"`       // transaction-status: GUESS
	Totals       *payment.Totals `json:"totals,omitempty"`       // X/Z totals: uapos's own
	// Uapos is uapos's whole result (every field a PRRO needs): an extension DM clients ignore.
	Uapos *payment.Result `json:"uapos,omitempty"`
}

func infoOf(res *payment.Result, proto payment.Protocol) *dmInfo {
	if res == nil {
		return nil
	}
	in := &dmInfo{
		RefundID: res.RRN, CancelID: res.Invoice, CardMask: string(payment.MaskPAN(string(res.PAN))), PaySys: res.PaymentSystem,
		BankName: res.AcquirerBank, PayID: res.AuthCode, ResTxt: res.ResponseText, HstFld63Sf89: res.AgreementNumber,
		RRN: res.RRN, AuthCode: res.AuthCode, TermID: res.TerminalID, BankID: res.MerchantID, Totals: res.Totals, Uapos: res,
	}
	if res.Amount != 0 || res.Operation.MovesMoney() {
		in.Sum = json.Number(res.Amount.String())
	}
	if proto == payment.ProtoPrivatJSON || proto == payment.ProtoSSIJSON {
		in.Receipt = res.Receipt
	} else {
		in.SlipTxt = res.Receipt
	}
	return in
}

// dmReply is DM's reply envelope (dm-http.md §1.3).
type dmReply struct {
	Ver           json.RawMessage `json:"ver,omitempty"`
	Source        json.RawMessage `json:"source,omitempty"`
	Device        string          `json:"device,omitempty"`
	Type          *int            `json:"type,omitempty"`
	DT            string          `json:"dt,omitempty"`
	Res           int             `json:"res"`
	ErrorTxt      string          `json:"errortxt"`
	TaskStatus    int             `json:"task_status"`
	TransactionID string          `json:"transaction_id,omitempty"`
	Info          *dmInfo         `json:"info,omitempty"`
	// MerchList and MaskList answer /dm/getmerchantlist and /dm/getmasklist: the names are
	// FACT (S1), the index→value map shape a GUESS.
	MerchList map[string]string `json:"merchListValue,omitempty"`
	MaskList  map[string]string `json:"maskListValue,omitempty"`
	Warnings  []any             `json:"warnings"`
}

// writeDM writes a DM reply: HTTP 200 always, as DM does. An error fills res and errortxt
// (DM's Ukrainian text) and sets task_status 0 (GUESS); success sets task_status 1.
func (s *Service) writeDM(w http.ResponseWriter, rep dmReply, err error) {
	rep.DT = time.Now().Format("20060102150405")
	if rep.Warnings == nil {
		rep.Warnings = []any{}
	}
	if err != nil {
		_, info := describe(err)
		rep.Res, rep.ErrorTxt, rep.TaskStatus = info.Code, info.Text, 0
	} else if rep.Res == 0 {
		rep.TaskStatus = 1
	}
	writeJSON(w, http.StatusOK, rep)
}

// errFiscal is DM's answer to a fiscal request: there is no PRRO device in uaposd.
func errFiscal() error {
	return &payment.Error{Code: payment.CodeDeviceNotFound,
		DeviceText: "uapos не фіскалізує: ПРРО в uaposd немає (uapos does not fiscalise). Фіскальний крок підключається вебхуком checkout.fiscal_url у POST /v1/checkout/sale; оплату на терміналі дає type 3 з pay."}
}

func (s *Service) dmFiscalOnly(w http.ResponseWriter, r *http.Request) {
	s.writeDM(w, dmReply{}, errFiscal())
}

func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

func (s *Service) dmExecute(w http.ResponseWriter, r *http.Request) {
	body, err := readBody(r)
	if err != nil {
		s.writeDM(w, dmReply{}, err)
		return
	}
	q, err := DecodeDM(body)
	if err != nil {
		s.writeDM(w, dmReply{}, err)
		return
	}
	rep := dmReply{Ver: q.Ver, Source: q.Source, Device: trunc(string(q.Device), 64)}
	if q.Type.Set {
		t := q.Type.V
		rep.Type = &t
	}
	switch {
	case !q.Type.Set:
		s.writeDM(w, rep, badRequest("type is missing: uaposd serves type 3 (terminal task in pay)"))
		return
	case q.Type.V == 0 || q.Type.V == 1:
		s.writeDM(w, rep, errFiscal())
		return
	case q.Type.V != 3:
		s.writeDM(w, rep, badRequest("type %d: uaposd serves type 3 (terminal task in pay)", q.Type.V))
		return
	}
	e, ok := s.terminals[string(q.Device)]
	if !ok {
		s.writeDM(w, rep, s.noDevice(string(q.Device), KindTerminal))
		return
	}
	txID := string(q.TransactionID)
	if q.TransactionSearch.V == 1 {
		s.dmSearch(w, r, rep, e, txID)
		return
	}
	if q.Pay == nil {
		s.writeDM(w, rep, badRequest("pay is missing: a type 3 request carries pay {task, ...}"))
		return
	}
	if txID == "" && payment.Operation(q.Pay.Task.V).MovesMoney() {
		// DM replaces a missing or non-UUID id with its own and returns it (C-PHPDM).
		txID = newUUID()
	}
	op, req, err := q.Pay.toPayment(txID)
	if err != nil {
		s.writeDM(w, rep, err)
		return
	}
	rep.TransactionID = req.TransactionID
	res, err := s.operate(r.Context(), e, op, req, wantWait(r))
	rep.Info = infoOf(res, e.caps().Protocol)
	s.writeDM(w, rep, err)
}

// dmSearch answers transaction_search 1: the recorded outcome of transaction_id, with no
// terminal exchange; 5013 when the journal has no such id.
func (s *Service) dmSearch(w http.ResponseWriter, r *http.Request, rep dmReply, e *terminalEntry, id string) {
	rep.TransactionID = id
	if id == "" {
		s.writeDM(w, rep, badRequest("transaction_search 1 needs transaction_id"))
		return
	}
	ent, ok, err := s.journal.Get(r.Context(), id)
	if err != nil {
		s.writeDM(w, rep, &payment.Error{Code: payment.CodeJournal, Err: err})
		return
	}
	if !ok {
		s.writeDM(w, rep, &payment.Error{Code: payment.CodeTransactionUnknown, Args: []string{trunc(id, MaxIDLength)}})
		return
	}
	rep.Info = infoOf(ent.Result, e.caps().Protocol)
	switch ent.State {
	case journal.StateApproved:
		s.writeDM(w, rep, nil)
	case journal.StateDeclined, journal.StateFailed:
		err := ent.Err()
		if err == nil {
			err = &payment.Error{Code: payment.CodeTerminal, DeviceText: string(ent.State)}
		}
		s.writeDM(w, rep, err)
	case journal.StateUnknown:
		if why := ent.Refs[journal.RefAskBank]; why != "" {
			s.writeDM(w, rep, journal.AskBank(id, why))
			return
		}
		s.writeDM(w, rep, &payment.Error{Code: payment.CodeInternal, Kind: payment.ErrLink, Err: payment.ErrOutcomeUnknown,
			DeviceText: "outcome unknown: send the task again with the same transaction_id to reconcile it"})
	default:
		s.writeDM(w, rep, &payment.Error{Code: payment.CodeBusy, DeviceText: "transaction " + id + " is running"})
	}
}

// dmServiceCall is one of DM's service GETs (dm-http.md §9).
type dmServiceCall struct {
	path string
	svc  payment.Service
}

var dmServiceCalls = []dmServiceCall{
	{"bankping", payment.SvcPing},
	{"getmerchantlist", payment.SvcMerchantList},
	{"getmasklist", payment.SvcMaskList},
	{"getgetmasklist", payment.SvcMaskList}, // the path S1p's table gives (S1p:1171)
	{"bankecho", payment.SvcBankEcho},
	{"transaction-status", payment.SvcTransactionStatus},
	{"lasttransaction", payment.SvcLastTransaction},
}

func (s *Service) dmServiceHandler(c dmServiceCall) http.HandlerFunc {
	call := serviceCall{path: c.path, svc: c.svc, gate: c.svc != payment.SvcTransactionStatus}
	return func(w http.ResponseWriter, r *http.Request) {
		name := r.URL.Query().Get("dev_name")
		rep := dmReply{Device: trunc(name, 64)}
		e, ok := s.terminals[name]
		if !ok {
			// DM's answer to a wrong dev_name (S1:929).
			s.writeDM(w, rep, &payment.Error{Code: 303, Args: []string{"", trunc(name, 64)}})
			return
		}
		out, err := s.callService(r.Context(), e, call, wantWait(r))
		if out != nil {
			switch c.svc {
			case payment.SvcMerchantList:
				rep.MerchList = map[string]string{}
				for i, m := range out.Merchants {
					k := m.Index
					if k == "" {
						k = strconv.Itoa(i + 1)
					}
					rep.MerchList[k] = firstNonEmpty(m.Name, m.MerchantID, m.TerminalID)
				}
			case payment.SvcMaskList:
				rep.MaskList = map[string]string{}
				for i, m := range out.Masks {
					rep.MaskList[strconv.Itoa(i+1)] = m
				}
			case payment.SvcTransactionStatus:
				rep.Info = &dmInfo{Status: out.Status}
			case payment.SvcLastTransaction:
				rep.Info = infoOf(out.Result, e.caps().Protocol)
				if out.Result != nil {
					rep.TransactionID = out.Result.TransactionID
				}
			}
		}
		s.writeDM(w, rep, err)
	}
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
