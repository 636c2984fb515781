package service

import (
	"context"
	"errors"
	"net/http"

	"github.com/uapos/uapos/journal"
	"github.com/uapos/uapos/payment"
)

// ledgered is a terminal whose money moves through a journal.Ledger (every adapter on
// adapter.Base is one): its ledger reconciles unknown outcomes.
type ledgered interface {
	Ledger() *journal.Ledger
}

// entryTerminal returns the journal entry id and the configured terminal that wrote it (nil
// when no configured terminal has its key).
func (s *Service) entryTerminal(ctx context.Context, id string) (journal.Entry, *terminalEntry, error) {
	e, ok, err := s.journal.Get(ctx, id)
	if err != nil {
		return e, nil, &payment.Error{Code: payment.CodeJournal, Err: err}
	}
	if !ok {
		return e, nil, &payment.Error{Code: payment.CodeTransactionUnknown, Args: []string{trunc(id, MaxIDLength)}}
	}
	for _, t := range s.terminals {
		if t.journalKey() == e.Terminal {
			return e, t, nil
		}
	}
	return e, nil, nil
}

// reconcileTransaction is POST /v1/transactions/{id}/reconcile ("check on the terminal"):
// the terminal's ledger asks the terminal, through the protocol's status or
// last-transaction query, what became of every entry of that terminal whose outcome is
// unknown, under the rules of package journal (a receipt another entry holds is never
// taken). It answers with the entry as it stands afterwards. A terminal that is busy gives
// 1105 at once.
func (s *Service) reconcileTransaction(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	entry, te, err := s.entryTerminal(r.Context(), id)
	if err != nil {
		writeError(w, err, nil)
		return
	}
	if te == nil {
		writeError(w, &payment.Error{Code: payment.CodeDeviceNotFound, DeviceText: "no configured terminal has journal key " + payment.RedactPANs(trunc(entry.Terminal, 80))}, nil)
		return
	}
	if entry.State.Pending() {
		done, err := s.begin()
		if err != nil {
			writeError(w, err, nil)
			return
		}
		defer done()
		ctx, cancel := context.WithTimeout(s.base, s.opts.OperationTimeout)
		defer cancel()
		t, release, err := te.acquire(r.Context(), false)
		if err != nil {
			s.describeWrite(w, te.dev.Name, err)
			return
		}
		lt, ok := t.(ledgered)
		if !ok {
			release(nil)
			caps := t.Capabilities()
			writeError(w, &payment.Error{Code: payment.CodeNotSupportedTask, Args: []string{string(caps.Bank), string(caps.Protocol), "reconcile"}}, nil)
			return
		}
		err = lt.Ledger().Resolve(ctx)
		release(err)
		s.mon.journalChanged()
		if err != nil {
			s.describeWrite(w, te.dev.Name, err)
			return
		}
	}
	s.writeEntry(w, r, id)
}

func (s *Service) describeWrite(w http.ResponseWriter, device string, err error) {
	st, info := s.describeFor(device, err)
	writeJSON(w, st, errorBody{Error: info})
}

func (s *Service) writeEntry(w http.ResponseWriter, r *http.Request, id string) {
	e, ok, err := s.journal.Get(r.Context(), id)
	if err != nil || !ok {
		writeError(w, &payment.Error{Code: payment.CodeJournal, Err: err}, nil)
		return
	}
	writeJSON(w, http.StatusOK, s.transactionView(e))
}

// SettleRequest is the body of POST /v1/transactions/{id}/settle.
type SettleRequest struct {
	// Outcome is what the bank said: "approved" (the money moved) or "failed" (it did not;
	// a retry with the same transaction id runs the operation anew).
	Outcome string `json:"outcome"`
	// RRN is the bank's reference of an approved operation, when it gave one.
	RRN string `json:"rrn,omitempty"`
	// By names who settles it; Why says on what evidence. Both are required and kept in the
	// journal as notes (settled_by, settled_why).
	By  string `json:"by"`
	Why string `json:"why"`
}

// settleTransaction is POST /v1/transactions/{id}/settle: a person settles by hand an entry
// whose outcome is unknown, after asking the bank (journal.Settle). It takes the terminal's
// gate (waiting), so that no reconciliation runs meanwhile.
func (s *Service) settleTransaction(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	var req SettleRequest
	if err := readJSON(r, &req); err != nil {
		writeError(w, err, nil)
		return
	}
	st := journal.Settlement{RRN: req.RRN, By: req.By, Why: req.Why}
	switch req.Outcome {
	case "approved":
		st.Approved = true
	case "failed":
	default:
		writeError(w, badRequest("outcome %q: want approved or failed", trunc(req.Outcome, 20)), nil)
		return
	}
	_, te, err := s.entryTerminal(r.Context(), id)
	if err != nil {
		writeError(w, err, nil)
		return
	}
	if te != nil {
		leave, err := te.enter(r.Context(), true)
		if err != nil {
			writeError(w, err, nil)
			return
		}
		defer leave()
	}
	_, err = journal.Settle(context.WithoutCancel(r.Context()), s.journal, id, st)
	switch {
	case errors.Is(err, journal.ErrSettlement):
		writeError(w, badRequest("%s", err.Error()), nil)
		return
	case errors.Is(err, journal.ErrNotPending), errors.Is(err, journal.ErrClaimed):
		writeError(w, &inputError{msg: err.Error(), status: http.StatusConflict}, nil)
		return
	case err != nil:
		writeError(w, &payment.Error{Code: payment.CodeJournal, Err: err}, nil)
		return
	}
	s.mon.journalChanged()
	s.writeEntry(w, r, id)
}
