package bposlightsim

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/uapos/uapos/simulators/control"
)

// TxnState is the state of a journal record.
type TxnState string

// Journal states.
const (
	StatePending       TxnState = "pending"        // approved, waiting for CON
	StateConfirmed     TxnState = "confirmed"      // approved and confirmed: in the totals
	StateAutoCancelled TxnState = "auto-cancelled" // never confirmed: cancelled by the terminal, not in the totals
	StateVoided        TxnState = "voided"         // confirmed, then cancelled with CAN
)

// Txn is one purchase in the simulator's batch journal.
type Txn struct {
	Invoice  uint32
	Batch    uint32
	Amount   uint32
	MID, TID string
	CardType string // CHIP, CLESS, ..., QR
	QRData   string // for QR purchases
	Goods    string // GOODS as sent
	State    TxnState
	Time     time.Time
}

// Totals are what the next SET of a merchant would report.
type Totals struct {
	DebAmt, DebNum, CrdAmt, CrdNum, CanAmt, CanNum, TxnNum uint32
}

// rcError is the RC the simulator uses for its own refusals (unknown request, unknown
// invoice, unknown merchant, nothing to confirm). The spec lists no codes for these; 1000
// ("> 999 are terminal service errors", bposlight.md §1.2) is the simulator's choice.
const rcError = 1000

func rc(n uint32) string { return fmt.Sprintf("%04d", n) }

// selectMerchant applies bposlight.md §1.4: MID or TID selects; neither = the first TID.
// It returns the index, or -1 when the given MID/TID is unknown.
func (s *Server) selectMerchant(req kv) int {
	if mid, ok := req.get("MID"); ok {
		for i, m := range s.cfg.MIDs {
			if m == mid {
				return i
			}
		}
		return -1
	}
	if tid, ok := req.get("TID"); ok {
		for i, t := range s.cfg.TIDs {
			if t == tid {
				return i
			}
		}
		return -1
	}
	return 0
}

func (s *Server) datetime() string { return s.now().Format("20060102150405") }

// shortReply is the shape of the abort example of bposlight.md §3:
// RESP=PUR;RC=1001;DATETIM=...;MID=...;TID=...;
func (s *Server) shortReply(op string, code uint32, mi int) []byte {
	var b builder
	b.add("RESP", op).add("RC", rc(code)).add("DATETIM", s.datetime())
	if mi >= 0 {
		b.add("MID", s.cfg.MIDs[mi]).add("TID", s.cfg.TIDs[mi])
	}
	return []byte(b.String())
}

// errReply is RESP=<op>;RC=1000;.
func errReply(op string) []byte {
	var b builder
	if len(op) > 3 || op == "" {
		op = "ERR"
	}
	b.add("RESP", op).add("RC", rc(rcError))
	return []byte(b.String())
}

// cardReply is the shape of the purchase/void examples of bposlight.md §3, with AMOUNT and
// RRN from the operations table (§1.4).
func (s *Server) cardReply(op string, t *Txn) []byte {
	var b builder
	b.add("RESP", op).add("RC", rc(0)).add("AMOUNT", strconv.FormatUint(uint64(t.Amount), 10))
	b.add("PAN", s.cfg.PAN).add("DATETIM", t.Time.Format("20060102150405"))
	b.add("EAID", s.cfg.EAID).add("HOLDER", s.cfg.Holder)
	b.add("RRN", rrnOf(t))
	b.add("AUTH", authOf(t))
	b.add("MID", t.MID).add("TID", t.TID).add("SIGN", "0")
	b.add("INVOICE", strconv.FormatUint(uint64(t.Invoice), 10)).add("BATCH", strconv.FormatUint(uint64(t.Batch), 10))
	b.add("CARDTYPE", t.CardType).add("PAYSYS", s.cfg.PaySys)
	if t.Goods != "" && op == "PUR" {
		// as in the goods example: the fiscal number and a link to the receipt
		b.add("FSCNUM", s.cfg.FiscalNumber).add("QRDATA", escapeQR(s.cfg.FiscalLink))
	}
	return []byte(b.String())
}

// rrnOf and authOf are the simulator's RRN and approval code of a transaction.
func rrnOf(t *Txn) string {
	return fmt.Sprintf("%012d", 100000000000+uint64(t.Batch)*1000+uint64(t.Invoice))
}
func authOf(t *Txn) string { return fmt.Sprintf("%06d", 100000+t.Invoice) }

// qrReply is the shape of the QR example: RESP=PUR;MID;RC=0;AMOUNT;TID;DATETIM;CARDTYPE=QR;QRDATA;
// plus INVOICE, which the operations table lists.
func (s *Server) qrReply(t *Txn) []byte {
	var b builder
	b.add("RESP", "PUR").add("MID", t.MID).add("RC", "0").add("AMOUNT", strconv.FormatUint(uint64(t.Amount), 10))
	b.add("TID", t.TID).add("DATETIM", t.Time.Format("060102150405")).add("CARDTYPE", "QR")
	b.add("QRDATA", escapeQR(t.QRData)).add("INVOICE", strconv.FormatUint(uint64(t.Invoice), 10))
	return []byte(b.String())
}

// autoCancelLocked cancels the pending purchase, if any (the confirm time ran out, or a new
// request came while it waited: the simulator's model of "otherwise the terminal
// auto-cancels", bposlight.md §1.4).
func (s *Server) autoCancelLocked() {
	if s.pending == nil {
		return
	}
	s.pending.State = StateAutoCancelled
	s.charge("reversal", control.Approved, s.pending, 0, strconv.FormatUint(uint64(s.pending.Invoice), 10))
	s.pending = nil
	s.autoCancelled++
	if s.pendingTimer != nil {
		s.pendingTimer.Stop()
		s.pendingTimer = nil
	}
}

// approve records an approved purchase as pending confirmation.
func (s *Server) approve(req kv, mi int, amount uint32, qr bool) *Txn {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.autoCancelLocked()
	s.invoice++
	t := &Txn{Invoice: s.invoice, Batch: s.batch, Amount: amount, MID: s.cfg.MIDs[mi], TID: s.cfg.TIDs[mi],
		CardType: s.cfg.CardType, State: StatePending, Time: s.now()}
	t.Goods, _ = req.get("GOODS")
	if qr {
		t.CardType = "QR"
		t.QRData = s.cfg.QRData
	}
	s.journal = append(s.journal, t)
	s.charge("purchase", control.Approved, t, 0, "")
	s.pending = t
	wait := s.cfg.ConfirmTimeout
	s.pendingTimer = time.AfterFunc(wait, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.pending == t {
			s.autoCancelLocked()
		}
	})
	return t
}

func (s *Server) confirm(req kv) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.pending
	var b builder
	match := false
	if p != nil {
		if inv, ok := req.get("INVOICE"); ok {
			match = inv == strconv.FormatUint(uint64(p.Invoice), 10) || strings.TrimLeft(inv, "0") == strconv.FormatUint(uint64(p.Invoice), 10)
		} else if qd, ok := req.get("QRDATA"); ok {
			match = p.CardType == "QR" && unescapeQR(qd) == p.QRData
		}
	}
	if !match {
		return errReply("CON")
	}
	p.State = StateConfirmed
	s.pending = nil
	if s.pendingTimer != nil {
		s.pendingTimer.Stop()
		s.pendingTimer = nil
	}
	if p.CardType == "QR" {
		return []byte(b.add("RESP", "CON").add("RC", "0").String()) // as the QR example
	}
	return []byte(b.add("RESP", "CON").add("RC", rc(0)).String())
}

func (s *Server) cancel(req kv) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.autoCancelLocked()
	inv, ok := req.get("INVOICE")
	n, err := strconv.ParseUint(inv, 10, 32)
	mi := s.selectMerchant(req)
	if !ok || err != nil || mi < 0 {
		return errReply("CAN")
	}
	for _, t := range s.journal {
		if t.Invoice == uint32(n) && t.Batch == s.batch && t.State == StateConfirmed && t.MID == s.cfg.MIDs[mi] {
			t.State = StateVoided
			if g, ok := req.get("GOODS"); ok {
				t.Goods = g
			}
			c := *t
			c.Time = s.now()
			if c.CardType == "QR" {
				c.CardType = s.cfg.CardType
			}
			s.charge("void", control.Approved, &c, 0, strconv.FormatUint(uint64(t.Invoice), 10))
			return s.cardReply("CAN", &c)
		}
	}
	return errReply("CAN")
}

func (s *Server) totalsLocked(mid string) Totals {
	var t Totals
	for _, x := range s.journal {
		if x.MID != mid {
			continue
		}
		switch x.State {
		case StateConfirmed:
			t.DebAmt += x.Amount
			t.DebNum++
		case StateVoided:
			t.DebAmt += x.Amount
			t.DebNum++
			t.CanAmt += x.Amount
			t.CanNum++
		}
	}
	t.TxnNum = t.DebNum + t.CrdNum + t.CanNum
	return t
}

func (s *Server) settle(req kv) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.autoCancelLocked()
	mi := s.selectMerchant(req)
	if mi < 0 {
		return errReply("SET")
	}
	mid := s.cfg.MIDs[mi]
	t := s.totalsLocked(mid)
	s.cs.Charges.Add(control.Charge{Operation: "settlement", Amount: int64(t.DebAmt) - int64(t.CanAmt), Outcome: control.Approved, Code: rc(0)})
	var b builder
	u := func(v uint32) string { return strconv.FormatUint(uint64(v), 10) }
	b.add("RESP", "SET").add("RC", rc(0)).add("MID", mid).add("TID", s.cfg.TIDs[mi]).add("BATCH", u(s.batch))
	b.add("DEBAMT", u(t.DebAmt)).add("DEBNUM", u(t.DebNum)).add("CRDAMT", u(t.CrdAmt)).add("CRDNUM", u(t.CrdNum))
	b.add("CANAMT", u(t.CanAmt)).add("CANNUM", u(t.CanNum)).add("TXNNUM", u(t.TxnNum))
	// close the batch of this merchant: its records leave the journal
	kept := s.journal[:0]
	for _, x := range s.journal {
		if x.MID != mid {
			kept = append(kept, x)
		} else {
			s.closed = append(s.closed, x)
		}
	}
	s.journal = kept
	s.batch++
	s.settlements++
	return []byte(b.String())
}

func (s *Server) acquirers() []byte {
	var b builder
	b.add("RESP", "ACQ").add("RC", rc(0)).add("MID", strings.Join(s.cfg.MIDs, ",")).add("TID", strings.Join(s.cfg.TIDs, ","))
	return []byte(b.String())
}
