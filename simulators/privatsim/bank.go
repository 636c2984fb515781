package privatsim

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// cardPAN is the masked card number the simulator's card has (the spec's §5.1 example).
const cardPAN = "4731XXXXXXXX9838"

// Txn is one transaction of the simulator's batch journal, fields as the wire carries them.
type Txn struct {
	Method        string
	InvoiceNumber string
	RRN           string
	ApprovalCode  string
	Amount        string // "12.34"
	AmountCash    string
	Discount      string
	ResponseCode  string
	TxnType       string // "1" purchase, "2" refund, "3" void, "4" instalment
	TrnStatus     string // "1" approved, "2" declined, "3" reversed
	Date, Time    string
	Merchant      string
	AgreementNum  string
	Receipt       string
}

type bank struct {
	invoice int
	rrn     int64
	batch   []Txn
	lastZ   string
	now     func() time.Time
}

// parseAmount reads "0.60", "0,60", "350" into kopecks (spec §5.1.1: "." or ",").
func parseAmount(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false
	}
	s = strings.Replace(s, ",", ".", 1)
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || len(frac) > 2 {
		return 0, false
	}
	for _, c := range whole + frac {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w > 1e12 {
		return 0, false
	}
	for len(frac) < 2 {
		frac += "0"
	}
	f, _ := strconv.ParseInt(frac, 10, 64)
	return w*100 + f, true
}

func money(k int64) string { return fmt.Sprintf("%d.%02d", k/100, k%100) }

// short is the short form of terminal codes 1000 and up: responseCode only (spec §4).
func short(method, code, desc string) reply {
	return reply{Method: method, Params: map[string]string{"responseCode": code}, Error: true, Desc: desc}
}

// terminalText are the texts of the terminal codes (privatjson.md §5).
var terminalText = map[string]string{"1001": "Transaction canceled by user", "1002": "EMV Decline", "1003": "Transaction log is full. Need close batch",
	"1004": "No connection with host", "1005": "No paper in printer", "1006": "Error Crypto keys", "1007": "Card reader is not connected", "1008": "Transaction is already complete"}

func (b *bank) find(invoice string) (int, bool) {
	for i := len(b.batch) - 1; i >= 0; i-- {
		if b.batch[i].InvoiceNumber == invoice {
			return i, true
		}
	}
	return 0, false
}

func (b *bank) last() (Txn, bool) {
	if len(b.batch) == 0 {
		return Txn{}, false
	}
	return b.batch[len(b.batch)-1], true
}

func slip(t Txn, declined bool) string {
	var sb strings.Builder
	sb.WriteString("ПРИВАТБАНК\nТЕРМІНАЛ TSTSALE2\n")
	fmt.Fprintf(&sb, "%s %s\n%s\nСУМА: %s ГРН\nКАРТКА: %s\n", t.Date, t.Time, strings.ToUpper(t.Method), t.Amount, cardPAN)
	if declined {
		fmt.Fprintf(&sb, "АВТОРИЗАЦІЮ ВІДХИЛЕНО!\nКОД %s\nКОД АВТОРІЗ.: DECLINE\n", t.ResponseCode[2:])
	} else {
		fmt.Fprintf(&sb, "RRN: %s\nКОД АВТОРІЗ.: %s\n", t.RRN, t.ApprovalCode)
	}
	fmt.Fprintf(&sb, "ЧЕК N: %s\n(simulator)", t.InvoiceNumber)
	return sb.String()
}

// txnParams are a transaction's reply params, Purchase-shaped (spec §5.1).
func txnParams(t Txn) map[string]string {
	return map[string]string{
		"amount": t.Amount, "approvalCode": t.ApprovalCode, "captureReference": "", "cardExpiryDate": "2709",
		"cardHolderName": "INSTANT/ISSUE", "date": t.Date, "discount": t.Discount, "hstFld63Sf89": "",
		"invoiceNumber": t.InvoiceNumber, "issuerName": "VISA ПРИВАТ", "merchant": "TSTTTTTT", "pan": cardPAN,
		"posConditionCode": "00", "posEntryMode": "071", "processingCode": "000000", "receipt": t.Receipt,
		"responseCode": t.ResponseCode, "rrn": t.RRN, "rrnExt": "", "terminalId": "TSTSALE2", "time": t.Time,
		"track1": "", "signVerif": "0", "txnType": t.TxnType, "trnStatus": t.TrnStatus, "adv": "ПриватБанк",
		"adv2p": "", "bankAcquirer": "ПриватБанк", "paymentSystem": "VISA", "subMerchant": "",
	}
}

// record journals a new transaction and returns its reply.
func (b *bank) record(method string, amount int64, txnType, code string, p map[string]string) (Txn, reply) {
	now := b.now()
	b.invoice++
	t := Txn{Method: method, InvoiceNumber: strconv.Itoa(b.invoice), Amount: money(amount), Discount: "0.00",
		ResponseCode: code, TxnType: txnType, TrnStatus: "1", Date: now.Format("02.01.2006"),
		Time: now.Format("15:04:05"), Merchant: p["merchantId"]}
	declined := code != "0000" && code != "0010"
	if declined {
		t.TrnStatus = "2"
	} else {
		b.rrn++
		t.RRN = strconv.FormatInt(b.rrn, 10)
		t.ApprovalCode = fmt.Sprintf("%06d", b.rrn%1000000)
	}
	t.Receipt = slip(t, declined)
	b.batch = append(b.batch, t)
	r := reply{Method: method, Params: txnParams(t), Error: declined}
	if declined {
		r.Desc = "ВІДХИЛЕНО!  ЗВЕРНІТЬСЯ ДО БАНКУ-ЕМІТЕНТА КАРТКИ"
	}
	return t, r
}

// apply does a card operation once the card was read; the caller holds the server's lock.
// forced, when not "", is the response code of a DeclineNext.
func (b *bank) apply(cfg *Config, req *request, corr *[2]string, forced string) any {
	p := req.Params
	m := req.Method
	lm := strings.ToLower(m)
	switch lm {
	case "withdrawal", "withdrawalpartly":
		inv := strings.TrimSpace(p["invoiceNumber"])
		if inv == "" {
			return short(m, "1000", "Введіть номер чека")
		}
		i, ok := b.find(inv)
		if !ok || b.batch[i].TrnStatus != "1" || b.batch[i].TxnType == "3" {
			return short(m, "1000", "Транзакція продажу не знайдена")
		}
		orig := &b.batch[i]
		amt, _ := parseAmount(orig.Amount)
		if forced != "" { // a fault: host-down, decline (control.go)
			if n, _ := strconv.Atoi(forced); n >= 1000 {
				return short(m, forced, terminalText[forced])
			}
			_, r := b.record(m, amt, "3", forced, p)
			return r
		}
		if lm == "withdrawalpartly" {
			part, ok := parseAmount(p["amount"])
			if !ok || part <= 0 || part > amt {
				return short(m, "1000", "Операція неможлива")
			}
			orig.Amount = money(amt - part)
			amt = part
		} else {
			orig.TrnStatus = "3"
		}
		_, r := b.record(m, amt, "3", "0000", p)
		if lm == "withdrawalpartly" {
			delete(r.Params, "txnType")
		}
		delete(r.Params, "signVerif")
		delete(r.Params, "rrnExt")
		return r
	}
	if !req.HasKey["amount"] || strings.TrimSpace(p["amount"]) == "" {
		return short(m, "1000", "empty String")
	}
	if strings.HasPrefix(strings.TrimSpace(p["amount"]), "-") {
		return short(m, "1000", "amount має бути > 0")
	}
	amount, ok := parseAmount(p["amount"])
	if !ok {
		return short(m, "1000", "Операція неможлива") // spec §5.1.1
	}
	if amount == 0 {
		return short(m, "1000", "amount має бути > 0")
	}
	if (lm == "purchase" || lm == "refund") && !req.HasKey["discount"] {
		return short(m, "1000", "Введіть discount") // field report, N950 and CSaE (privatjson.md §3.1)
	}
	if lm == "salecompletion" {
		if add, ok := parseAmount(p["addamount"]); ok {
			amount = add
		}
	}
	var cash int64
	if lm == "cashback" {
		cash, _ = parseAmount(p["amountCash"])
	}
	if corr != nil {
		amount, _ = parseAmount(corr[0])
	}
	code := "0000"
	if c, ok := cfg.Decline[money(amount)]; ok {
		code = c
	}
	if forced != "" {
		code = forced
	}
	if n, _ := strconv.Atoi(code); n >= 1000 {
		return short(m, code, terminalText[code])
	}
	if lim, ok := parseAmount(cfg.PartialLimit); ok && lm == "purchase" && code == "0000" && amount > lim {
		amount, code = lim, "0010" // partial approval, spec §5.28
	}
	txnType := "1"
	switch {
	case lm == "refund" || lm == "servicerefund" || strings.Contains(lm, "ref"):
		txnType = "2"
	case strings.HasPrefix(lm, "service") && lm != "servicegeneric":
		txnType = "4"
	}
	t, r := b.record(m, amount+cash, txnType, code, p)
	if code == "0010" {
		r.Error = false // partial approval comes with error:false (spec §4)
	}
	switch {
	case lm == "refund":
		delete(r.Params, "signVerif") // "the same as Purchase without signVerif" (spec §5.2)
	case lm == "cashback":
		r.Params["amountCash"] = money(cash)
		r.Params["result"] = "Операція успішна"
		r.Params["resultCashback"] = "true"
		delete(r.Params, "signVerif")
		delete(r.Params, "txnType")
		delete(r.Params, "trnStatus")
		b.batch[len(b.batch)-1].AmountCash = money(cash)
	case strings.Contains(lm, "ref") && strings.HasPrefix(lm, "service") && lm != "servicerefund":
		r.Params["agreementNum"] = p["agreementNum"]
	case strings.HasPrefix(lm, "service") && lm != "servicerefund" && lm != "servicegeneric":
		r.Params["amountOfParts"] = p["amountOfParts"]
		agr := "AGR" + t.InvoiceNumber
		r.Params["hstFld63Sf89"] = agr
		b.batch[len(b.batch)-1].AgreementNum = agr
	}
	if corr != nil {
		r.Params["discount"] = corr[1]
	}
	return r
}

func ok(method string, params map[string]string) reply {
	if params == nil {
		params = map[string]string{}
	}
	if _, has := params["responseCode"]; !has {
		params["responseCode"] = "0000"
	}
	return reply{Method: method, Params: params}
}

func (b *bank) totals(title string) string {
	var n, sum, rn, rsum, vn, vsum int64
	for _, t := range b.batch {
		if t.TrnStatus == "2" {
			continue
		}
		a, _ := parseAmount(t.Amount)
		switch t.TxnType {
		case "2":
			rn, rsum = rn+1, rsum+a
		case "3":
			vn, vsum = vn+1, vsum+a
		default:
			n, sum = n+1, sum+a
		}
	}
	now := b.now()
	return fmt.Sprintf("%s %s\n========================\n[ %s ]\n========================\nТЕРМ. TESTKKM0\nОПЛАТА %d %s\nПОВЕРНЕННЯ %d %s\nСКАСУВАННЯ %d %s\n(simulator)",
		now.Format("15:04:05"), now.Format("02/01/2006"), title, n, money(sum), rn, money(rsum), vn, money(vsum))
}

// simple answers the methods that do not read a card; false for an unknown method.
func (s *Server) simple(req *request) (any, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := &s.bank
	p := req.Params
	m := req.Method
	switch strings.ToLower(m) {
	case "pingdevice":
		return ok(m, map[string]string{"code": "00"}), true
	case "checkconnection":
		return ok(m, map[string]string{"code": "00"}), true
	case "getterminalinfo":
		return reply{Method: m, Params: map[string]string{"version": s.cfg.Version}}, true
	case "getbalance":
		return ok(m, map[string]string{"balance": "1000.00", "code": "00"}), true
	case "readcarddiscount":
		// A failed read: every param empty (spec §5.7); the simulator has no discount card.
		return reply{Method: m, Params: map[string]string{"hash": "", "track1": "", "track2": "", "track3": ""}}, true
	case "audit":
		return ok(m, map[string]string{"receipt": b.totals("Х БАЛАНС")}), true
	case "verify":
		if len(b.batch) == 0 {
			return reply{Method: m, Params: map[string]string{"receipt": "", "responseCode": "0001"}, Error: true, Desc: "Cannot obtain receipt: log file is empty!"}, true
		}
		b.lastZ = b.totals("Z БАЛАНС") + "\nПІДСУМКИ ВИЛУЧЕНІ"
		b.batch = nil
		return ok(m, map[string]string{"receipt": b.lastZ}), true
	case "verifycopy":
		return ok(m, map[string]string{"receipt": "КОПІЯ\n" + b.lastZ}), true
	case "printreceiptnum", "getreceiptinfo":
		inv := strings.TrimSpace(p["invoiceNumber"])
		var t Txn
		var found bool
		if inv == "" || inv == "0" {
			t, found = b.last()
		} else if i, f := b.find(inv); f {
			t, found = b.batch[i], true
		}
		if !found {
			// Not documented for an unknown invoice; the simulator uses the §5.20 error form.
			return reply{Method: m, Params: map[string]string{"receipt": "", "responseCode": "1000"}, Error: true, Desc: "Cannot get receipt: transaction not found"}, true
		}
		if strings.EqualFold(m, "printreceiptnum") {
			return ok(m, map[string]string{"receipt": t.Receipt}), true
		}
		tp := txnParams(t)
		out := map[string]string{}
		for _, k := range []string{"amount", "approvalCode", "date", "invoiceNumber", "issuerName", "merchant", "pan", "receipt", "rrn", "time", "bankAcquirer", "paymentSystem", "signVerif", "txnType", "responseCode"} {
			out[k] = tp[k]
		}
		return reply{Method: m, Params: out}, true // responseCode mirrors the transaction (spec §5.30)
	case "printbatchjournal":
		var sb strings.Builder
		for _, t := range b.batch {
			fmt.Fprintf(&sb, "%s %s %s %s %s\n", t.InvoiceNumber, t.Date, t.Time, t.TxnType, t.Amount)
		}
		return ok(m, map[string]string{"receipt": sb.String()}), true
	case "readbonuscard", "getpinbonuscard", "pinchangebonuscard":
		out := map[string]string{"pinblock": "4C07BDD306150F2AB41A076CED87B50A", "result": "Операція успішна"}
		if strings.EqualFold(m, "readbonuscard") {
			out["pan"] = "676965XXXXXX0307"
		}
		if strings.EqualFold(m, "pinchangebonuscard") {
			out["pinblockNew"] = "0A5B78DE6ECA14B0A2F05160330DB70C"
		}
		return ok(m, out), true
	case "getphonenumber":
		return ok(m, map[string]string{"PhoneNumber": "1234567890"}), true
	case "getotppassword":
		return ok(m, map[string]string{"OTPpassword": "12345678"}), true
	}
	return nil, false
}
