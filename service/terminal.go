package service

import (
	"context"
	"net/http"
	"time"

	"github.com/uapos/uapos/payment"
)

// terminalOp is one native terminal operation: its route and DM task.
type terminalOp struct {
	path string
	op   payment.Operation
}

// terminalOps are the operations of the native API, one route each, in DM task order. Tasks
// 6, 7 and 8 have no method on payment.Terminal and are not served.
var terminalOps = []terminalOp{
	{"purchase", payment.OpPurchase},
	{"refund", payment.OpRefund},
	{"cancel", payment.OpCancel},
	{"p2p", payment.OpP2P},
	{"service-payment", payment.OpServicePayment},
	{"x-report", payment.OpXReport},
	{"close-batch", payment.OpCloseBatch},
	{"purchase-cashback", payment.OpPurchaseCashback},
	{"instalment", payment.OpInstalment},
	{"instalment-refund", payment.OpInstalmentRefund},
	{"get-transaction", payment.OpGetTransaction},
}

func opByPath(path string) (payment.Operation, bool) {
	for _, o := range terminalOps {
		if o.path == path {
			return o.op, true
		}
	}
	return 0, false
}

func opByTask(task int) (payment.Operation, bool) {
	for _, o := range terminalOps {
		if int(o.op) == task {
			return o.op, true
		}
	}
	return 0, false
}

func pathOf(op payment.Operation) string {
	for _, o := range terminalOps {
		if o.op == op {
			return o.path
		}
	}
	return ""
}

// dispatch runs op on t: the capability row first (5029 before the wire), then the method,
// or 5029 when the terminal has no method for the operation.
func dispatch(ctx context.Context, t payment.Terminal, op payment.Operation, req payment.Request) (*payment.Result, error) {
	caps := t.Capabilities()
	if err := caps.Check(op); err != nil {
		return nil, err
	}
	unsupported := func() (*payment.Result, error) {
		return nil, &payment.Error{Code: payment.CodeNotSupportedTask, Args: []string{string(caps.Bank), string(caps.Protocol), op.String()}}
	}
	switch op {
	case payment.OpPurchase:
		return t.Purchase(ctx, req)
	case payment.OpRefund:
		return t.Refund(ctx, req)
	case payment.OpCancel:
		return t.Cancel(ctx, req)
	case payment.OpXReport:
		return t.XReport(ctx, req)
	case payment.OpCloseBatch:
		return t.CloseBatch(ctx, req)
	case payment.OpP2P:
		if x, ok := t.(payment.P2PTransferer); ok {
			return x.TransferP2P(ctx, req)
		}
	case payment.OpServicePayment:
		if x, ok := t.(payment.ServicePayer); ok {
			return x.PayService(ctx, req)
		}
	case payment.OpPurchaseCashback:
		if x, ok := t.(payment.CashbackPurchaser); ok {
			return x.PurchaseCashback(ctx, req)
		}
	case payment.OpInstalment:
		if x, ok := t.(payment.InstalmentPayer); ok {
			return x.PurchaseInstalments(ctx, req)
		}
	case payment.OpInstalmentRefund:
		if x, ok := t.(payment.InstalmentPayer); ok {
			return x.RefundInstalments(ctx, req)
		}
	case payment.OpGetTransaction:
		if x, ok := t.(payment.TransactionGetter); ok {
			return x.GetTransaction(ctx, req)
		}
	}
	return unsupported()
}

// operate runs one terminal operation through the terminal's gate. wait says whether a busy
// terminal is waited for (bounded by waitCtx, the caller's) or refused with 1105 at once. The
// exchange itself runs under the service's exchange context, not the caller's.
func (s *Service) operate(waitCtx context.Context, e *terminalEntry, op payment.Operation, req payment.Request, wait bool) (*payment.Result, error) {
	done, err := s.begin()
	if err != nil {
		return nil, err
	}
	defer done()
	ctx, cancel := s.exchangeContext()
	defer cancel()
	return s.operateIn(waitCtx, ctx, e, op, req, wait, nil)
}

// operateIn is operate with the exchange context given (a job's); started, when not nil, is
// called once the terminal is taken.
func (s *Service) operateIn(waitCtx, ctx context.Context, e *terminalEntry, op payment.Operation, req payment.Request, wait bool, started func()) (*payment.Result, error) {
	if req.Merchant == "" {
		req.Merchant = e.dev.Merchant
	}
	// Waiting for the gate ends with either context: the caller's or the exchange's.
	gateCtx, stop := context.WithCancel(waitCtx)
	defer stop()
	unhook := context.AfterFunc(ctx, stop)
	defer unhook()
	t, release, err := e.acquire(gateCtx, wait)
	if err != nil {
		return nil, err
	}
	if started != nil {
		started()
	}
	res, err := dispatch(ctx, t, op, req)
	release(err)
	if op.MovesMoney() {
		s.mon.journalChanged()
	}
	if err != nil {
		s.log.Info("terminal operation failed", "device", e.dev.Name, "op", op.String(), "code", payment.ErrorCode(err))
	}
	return res, err
}

func wantWait(r *http.Request) bool {
	v := r.URL.Query().Get("wait")
	return v == "1" || v == "true"
}

func (s *Service) operationHandler(o terminalOp) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		e, err := s.terminal(r.PathValue("name"))
		if err != nil {
			writeError(w, err, nil)
			return
		}
		body, err := jsonBody(r)
		if err != nil {
			writeError(w, err, nil)
			return
		}
		if len(body) == 0 && !o.op.MovesMoney() {
			body = []byte("{}")
		}
		req, err := DecodeOperation(o.op, body)
		if err != nil {
			writeError(w, err, nil)
			return
		}
		res, err := s.operate(r.Context(), e, o.op, req, wantWait(r))
		if err != nil {
			s.writeDeviceError(w, r, err, res)
			return
		}
		writeJSON(w, http.StatusOK, resultBody{Result: res})
	}
}

// resultBody is the reply of a terminal operation.
type resultBody struct {
	Result *payment.Result `json:"result"`
}

// requireJSON refuses a body that is not declared JSON: a web page cannot send one without a
// CORS preflight, which only allowed origins pass.
func requireJSON(r *http.Request) error {
	if r.ContentLength == 0 {
		return nil
	}
	ct := r.Header.Get("Content-Type")
	if ct == "application/json" || len(ct) > len("application/json") && ct[:len("application/json")] == "application/json" && (ct[len("application/json")] == ';' || ct[len("application/json")] == ' ') {
		return nil
	}
	return &inputError{msg: "Content-Type must be application/json", status: http.StatusUnsupportedMediaType}
}

// serviceCall is one of DM's service calls on the native API.
type serviceCall struct {
	path string
	svc  payment.Service
	// gate is false for the call that must run while an operation is in progress.
	gate bool
}

var serviceCalls = []serviceCall{
	{"ping", payment.SvcPing, true},
	{"merchants", payment.SvcMerchantList, true},
	{"masks", payment.SvcMaskList, true},
	{"bank-echo", payment.SvcBankEcho, true},
	{"transaction-status", payment.SvcTransactionStatus, false},
	{"last-transaction", payment.SvcLastTransaction, true},
}

// serviceReply is what a service call returns; one field is set per call.
type serviceReply struct {
	OK        bool               `json:"ok"`
	Merchants []payment.Merchant `json:"merchants,omitempty"`
	Masks     []string           `json:"masks,omitempty"`
	Status    *payment.Event     `json:"status,omitempty"`
	Result    *payment.Result    `json:"result,omitempty"`
}

// callService runs a service call. Calls that run alongside an operation (transaction status)
// skip the gate once the terminal is open.
func (s *Service) callService(waitCtx context.Context, e *terminalEntry, c serviceCall, wait bool) (*serviceReply, error) {
	done, err := s.begin()
	if err != nil {
		return nil, err
	}
	defer done()
	ctx, cancel := context.WithTimeout(s.base, 60*time.Second)
	defer cancel()
	var t payment.Terminal
	release := func(error) {}
	if !c.gate {
		e.mu.Lock()
		t = e.t
		e.mu.Unlock()
	}
	if t == nil {
		t, release, err = e.acquire(waitCtx, wait)
		if err != nil {
			return nil, err
		}
	}
	rep, err := runService(ctx, t, c.svc)
	release(err)
	return rep, err
}

func runService(ctx context.Context, t payment.Terminal, svc payment.Service) (*serviceReply, error) {
	caps := t.Capabilities()
	if err := caps.CheckService(svc); err != nil {
		return nil, err
	}
	rep := &serviceReply{OK: true}
	var err error
	switch svc {
	case payment.SvcPing:
		x, ok := t.(payment.Pinger)
		if !ok {
			break
		}
		return rep, x.Ping(ctx)
	case payment.SvcMerchantList:
		x, ok := t.(payment.MerchantLister)
		if !ok {
			break
		}
		rep.Merchants, err = x.Merchants(ctx)
		return rep, err
	case payment.SvcMaskList:
		x, ok := t.(payment.MaskLister)
		if !ok {
			break
		}
		rep.Masks, err = x.MerchantMasks(ctx)
		return rep, err
	case payment.SvcBankEcho:
		x, ok := t.(payment.BankEchoer)
		if !ok {
			break
		}
		return rep, x.BankEcho(ctx)
	case payment.SvcTransactionStatus:
		x, ok := t.(payment.StatusReader)
		if !ok {
			break
		}
		ev, err := x.TransactionStatus(ctx)
		rep.Status = &ev
		return rep, err
	case payment.SvcLastTransaction:
		x, ok := t.(payment.LastTransactioner)
		if !ok {
			break
		}
		rep.Result, err = x.LastTransaction(ctx)
		return rep, err
	}
	return nil, &payment.Error{Code: payment.CodeNotSupportedTask, Args: []string{string(caps.Bank), string(caps.Protocol), svc.String()}}
}

func (s *Service) serviceCallHandler(c serviceCall) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		e, err := s.terminal(r.PathValue("name"))
		if err != nil {
			writeError(w, err, nil)
			return
		}
		rep, err := s.callService(r.Context(), e, c, wantWait(r))
		if err != nil {
			var res = (*payment.Result)(nil)
			if rep != nil {
				res = rep.Result
			}
			s.writeDeviceError(w, r, err, res)
			return
		}
		writeJSON(w, http.StatusOK, rep)
	}
}
