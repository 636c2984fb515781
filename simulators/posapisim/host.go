package posapisim

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/uapos/uapos/simulators/control"
)

var declineTexts = map[int]string{
	1: "ВІДМОВА", 2: "ПОМИЛКА ЗВ'ЯЗКУ", 3: "ПОМИЛКА КРИПТОГРАФІЇ", 4: "ЗБІЙ ПРОЦЕСИНГУ",
	5: "НЕДОСТАТНЬО КОШТІВ", 6: "ЕМІТЕНТ НЕДОСТУПНИЙ",
}

// hostIndex selects the host by merchant_id or profile (terminal id); -1 when none matches.
func (l *Library) hostIndex(s *session) int {
	mid, prof := s.set["merchant_id"], s.set["profile"]
	if mid == "" && prof == "" {
		return 0
	}
	for i, h := range l.cfg.Hosts {
		if (mid != "" && h.MerchantID == mid) || (prof != "" && h.TerminalID == prof) {
			return i
		}
	}
	return -1
}

// process runs the host (or local) step of op and makes its final response.
func (l *Library) process(s *session, op *operation) {
	switch op.action {
	case aPayment, aReturn, aCash, aPaymentCash:
		l.financial(s, op)
	case aReversal:
		l.reversal(s, op)
	case aStatus:
		id := s.set["receipt"]
		for _, r := range l.journal {
			if r.TransID == id && id != "" {
				l.finish(op, rConfirm, l.recordValues(r))
				return
			}
		}
		if l.cfg.StatusNotFoundBreak {
			l.finish(op, rBreak, nil)
			return
		}
		l.finish(op, rDecline, []kv{{"status", "ТРАНЗАКЦІЮ НЕ ЗНАЙДЕНО"}, {"status_code", "1"}, {"receipt", id}})
	case aReport:
		switch s.set["report"] {
		case "1", "2", "3":
			l.finish(op, rConfirm, []kv{{"print", l.report("X-ЗВІТ", -1)}})
		default:
			l.finish(op, rBreak, nil)
		}
	case aCloseDay:
		hi := -1
		if s.set["merchant_id"] != "" || s.set["profile"] != "" {
			if hi = l.hostIndex(s); hi < 0 {
				l.finish(op, rBreak, nil)
				return
			}
		}
		slip := l.report("Z-ЗВІТ", hi)
		var net int64
		for _, r := range l.journal {
			if hi < 0 || r.Host == hi {
				switch r.Action {
				case aReturn:
					net -= r.Amount
				case aReversal:
				default:
					net += r.Amount + r.Cash
				}
			}
		}
		l.charge("settlement", Record{Amount: net, Time: l.cfg.Now()}, control.Approved, "00", "")
		kept := l.journal[:0]
		for _, r := range l.journal {
			if hi >= 0 && r.Host != hi {
				kept = append(kept, r)
			}
		}
		l.journal = kept
		l.finish(op, rConfirm, []kv{{"print", slip}})
	case aHostEcho:
		if s.set["profile"] == "" && len(l.cfg.Hosts) > 1 {
			l.finish(op, rBreak, []kv{{"msg_title", "НЕВІРНИЙ ПРОФІЛЬ"}})
			return
		}
		if l.hostIndex(s) < 0 {
			l.finish(op, rBreak, []kv{{"msg_title", "НЕВІРНИЙ ПРОФІЛЬ"}})
			return
		}
		if l.cfg.EchoFail {
			l.finish(op, rDecline, []kv{{"status", "НЕМАЄ ЗВ'ЯЗКУ"}, {"status_code", "2"}})
			return
		}
		l.finish(op, rConfirm, nil)
	case aHostCount:
		l.finish(op, rConfirm, []kv{{"data", strconv.Itoa(len(l.cfg.Hosts))}, {"host_state", "1"}})
	case aHostInfo:
		num := s.set["host_record"]
		if num == "" {
			num = s.set["option"]
		}
		n, err := strconv.Atoi(num)
		if err != nil || n < 1 || n > len(l.cfg.Hosts) {
			l.finish(op, rBreak, nil)
			return
		}
		h := l.cfg.Hosts[n-1]
		l.finish(op, rConfirm, []kv{{"host_name", h.Name}, {"terminal_id", h.TerminalID},
			{"merchant_id", h.MerchantID}, {"host_state", "1"}})
	default:
		l.finish(op, rBreak, nil)
	}
}

func (l *Library) financial(s *session, op *operation) {
	hi := l.hostIndex(s)
	if hi < 0 {
		l.finish(op, rBreak, []kv{{"msg_title", "НЕВІРНИЙ ПРОФІЛЬ"}})
		return
	}
	host := l.cfg.Hosts[hi]
	now := l.cfg.Now()
	c, code, text := l.cfg.Decline, l.cfg.HostCode, l.cfg.DeclineText
	if c >= 1 && c <= 6 && code == "" {
		code = "05"
		if c == 5 {
			code = "51"
		}
	}
	fc, fcode, partial := l.outcomeOf(op)
	if fc != 0 { // a fault or a test amount (control.go)
		c, code, text = fc, fcode, ""
	}
	if c >= 1 && c <= 6 {
		if text == "" {
			text = declineTexts[c]
		}
		vals := []kv{
			{"amount", fmtAmount(op.amount)}, {"currency", s.set["currency"]}, {"receipt", op.transID},
			{"trans_rcpt", l.receiptNo()}, {"host_code", code}, {"status", text},
			{"date_time", now.Format("20060102150405")}, {"card_pan", l.cfg.PAN},
			{"status_code", strconv.Itoa(c)}, {"merchant_id", host.MerchantID},
			{"terminal_id", host.TerminalID}, {"action_name", actionName(op.action)},
			{"print", fmt.Sprintf("%s\nВІДМОВА\n%s\nКОД %s\n", host.Name, text, code)},
		}
		if code == "" {
			vals = append(vals[:4], vals[5:]...) // no host code: the host was not asked
		} else {
			l.charge(ledgerOp[op.action], Record{Amount: op.amount, Receipt: vals[3].v, Time: now}, control.Declined, code, "")
		}
		l.finish(op, rDecline, vals)
		return
	}
	r := Record{TransID: op.transID, Receipt: l.receiptNo(), Action: op.action, Amount: op.amount,
		OrigAmount: op.origAmount, Host: hi, Time: now}
	r.RRN = fmt.Sprintf("%012d", 600000000000+int64(l.nextID))
	r.Approval = fmt.Sprintf("%06d", 100000+l.nextID%900000)
	if p := l.cfg.PartialAmount; p > 0 && p < r.Amount {
		r.Amount, r.Partial = p, true
	}
	if partial > 0 && partial < r.Amount {
		r.Amount, r.Partial = partial, true
	}
	if op.action == aPaymentCash && !r.Partial {
		r.Cash, _ = strconv.ParseInt(s.set["cshbk_amount"], 10, 64)
	}
	l.journal = append(l.journal, r)
	if op.action != aReturn {
		l.charges++
	}
	led := r
	if r.Partial {
		led.OrigAmount = op.amount
	}
	l.charge(ledgerOp[op.action], led, control.Approved, "00", "")
	l.finish(op, rConfirm, l.recordValues(r))
}

func (l *Library) reversal(s *session, op *operation) {
	rcpt, id := s.set["trans_rcpt"], s.set["receipt"]
	if p := op.plan; p.hostDown || p.host != "" { // a fault (control.go)
		c, text := 2, declineTexts[2]
		vals := []kv{{"status", text}, {"status_code", "2"}, {"trans_rcpt", rcpt}}
		if !p.hostDown {
			n, _ := strconv.Atoi(p.host)
			c = control.HostClass(n)
			vals = []kv{{"status", declineTexts[c]}, {"status_code", strconv.Itoa(c)}, {"trans_rcpt", rcpt}, {"host_code", p.host}}
			l.charge("void", Record{Time: l.cfg.Now()}, control.Declined, p.host, rcpt+id)
		}
		l.finish(op, rDecline, vals)
		return
	}
	for i, r := range l.journal {
		if r.Action == aReversal || (rcpt == "" || r.Receipt != rcpt) && (id == "" || r.TransID != id) {
			continue
		}
		// The reversal replaces the original in the journal, under the original's id.
		ref := r.Receipt
		r.Action, r.Receipt, r.Time = aReversal, l.receiptNo(), l.cfg.Now()
		l.journal[i] = r
		l.charge("void", r, control.Approved, "00", ref)
		l.finish(op, rConfirm, l.recordValues(r))
		return
	}
	l.finish(op, rDecline, []kv{{"status", "ОПЕРАЦІЮ НЕ ЗНАЙДЕНО"}, {"status_code", "1"}, {"trans_rcpt", rcpt}})
}

func actionName(a int) string {
	switch a {
	case aPayment:
		return "ОПЛАТА"
	case aReturn:
		return "ПОВЕРНЕННЯ"
	case aReversal:
		return "СКАСУВАННЯ"
	case aPaymentCash:
		return "ОПЛАТА З ВИДАЧЕЮ ГОТІВКИ"
	case aCash:
		return "ВИДАЧА ГОТІВКИ"
	}
	return "ОПЕРАЦІЯ"
}

func (l *Library) recordValues(r Record) []kv {
	h := l.cfg.Hosts[r.Host]
	part := "0"
	if r.Partial {
		part = "1"
	}
	v := []kv{
		{"amount", fmtAmount(r.Amount)}, {"currency", "980"}, {"receipt", r.TransID},
		{"trans_rcpt", r.Receipt}, {"rrn", r.RRN}, {"approval", r.Approval},
		{"date_time", r.Time.Format("20060102150405")}, {"card_pan", l.cfg.PAN},
		{"pan_sha256", l.panHash()}, {"card_exp", "2812"}, {"merchant_id", h.MerchantID},
		{"terminal_id", h.TerminalID}, {"soft_ver", "USO 3.109r (simulator)"},
		{"bank_acquir", h.Name}, {"payment_sys", l.cfg.PaymentSystem},
		{"action_name", actionName(r.Action)}, {"client_check", "2"}, {"part_approval", part},
		{"card_type", "CHIP"},
	}
	if r.Action == aPaymentCash {
		v = append(v, kv{"goods_amount", fmtAmount(r.Amount)}, kv{"cshbk_amount", fmtAmount(r.Cash)})
	}
	if r.OrigAmount > 0 {
		v = append(v, kv{"orig_amount", fmtAmount(r.OrigAmount)})
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s\nТЕРМІНАЛ %s\n%s\nКАРТКА %s\nСУМА %d.%02d ГРН\nЧЕК %s RRN %s\nКОД АВТ. %s\n",
		h.Name, h.TerminalID, actionName(r.Action), l.cfg.PAN, r.Amount/100, r.Amount%100, r.Receipt, r.RRN, r.Approval)
	return append(v, kv{"print", b.String()})
}

// report prints the totals of the journal (host hi, or all when hi < 0).
func (l *Library) report(title string, hi int) string {
	var n int
	var sum int64
	for _, r := range l.journal {
		if (hi < 0 || r.Host == hi) && r.Action != aReversal && r.Action != aReturn {
			n++
			sum += r.Amount
		}
	}
	return fmt.Sprintf("%s\nОПЛАТИ: %d\nСУМА: %d.%02d ГРН\n", title, n, sum/100, sum%100)
}
