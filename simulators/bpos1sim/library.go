package bpos1sim

import "time"

// Library is an in-process simulation of the vendor library's behaviour: it implements
// the method set of bpos1.Lib (without importing that package) with the documented state
// machine of bpos1.md §2.2-§2.5 and §6:
//
//   - actions return ECRC 0 and run in the background; each LastResult poll advances the
//     operation by one progress step (LastStatMsgCode), so no time passes in tests;
//   - a second action while one runs returns ECRC 7 (BUSY);
//   - actions before CommOpen/CommOpenTCP end with LastErrorCode 2;
//   - an approved Purchase, Refund or CashAdvance waits for Confirm: any other command first
//     reverses it (TrnStatus 3) and it leaves the totals;
//   - Void works only on invoices of the current batch and needs no Confirm;
//   - Refund needs a 12-digit RRN (otherwise host code 12);
//   - Settlement clears the journal and increments the batch number;
//   - declines end with LastErrorCode 4 and ResponseCode, and have a slip;
//   - Cancel ends a running operation with ResponseCode 1001.
//
// Strings are returned in Windows-1251, as the vendor library returns them.
type Library struct {
	m *model // m.mu guards everything below

	opened bool
	job    *job
	lang   uint8
	calls  map[string]int

	lastResult, lastErr uint8
	resp                uint32
	errDesc             string
	stat                uint8
	statDesc            string
	rec                 Record
	tot                 totals
	receipt             string
	info                string
	txnNum              uint32
	pan                 string
}

type job struct {
	steps []uint8
	i     int
	hang  bool
	run   func(p plan) outcome
	p     plan // what the armed faults make of it (control.go)
	delay time.Duration
	until time.Time // with a delay: the answer is not ready before
}

// NewLibrary returns a library simulator. Its link is closed until CommOpen or CommOpenTCP.
func NewLibrary(cfg Config) *Library {
	return &Library{m: newModel(cfg), calls: map[string]int{}}
}

// Journal returns a copy of the current batch's records, oldest first.
func (l *Library) Journal() []Record { return l.m.snapshot() }

// Batch returns the current batch number.
func (l *Library) Batch() uint32 {
	l.m.mu.Lock()
	defer l.m.mu.Unlock()
	return l.m.batch
}

// Reversed returns how many approved transactions were reversed for lack of Confirm.
func (l *Library) Reversed() int {
	l.m.mu.Lock()
	defer l.m.mu.Unlock()
	return l.m.reversed
}

// Calls returns how many times the action name ("Confirm", "Purchase") was called.
func (l *Library) Calls(name string) int {
	l.m.mu.Lock()
	defer l.m.mu.Unlock()
	return l.calls[name]
}

// start begins an action of kind k: steps are the progress codes shown before run's
// outcome.
func (l *Library) start(name string, k opKind, steps []uint8, run func(p plan) outcome) int {
	l.m.mu.Lock()
	defer l.m.mu.Unlock()
	l.calls[name]++
	l.m.cs.Log.Add(name, nil)
	if l.job != nil {
		return 7 // ECRC_BUSY
	}
	if name == "CommOpen" || name == "CommOpenTCP" {
		k = opLocal
	}
	p := l.m.planFor(k, false)
	if p.busy {
		return 7 // ECRC_BUSY: "Another task is running" (bpos1.md §2.2)
	}
	l.lastResult, l.stat, l.statDesc = 2, 0, ""
	if !l.opened && name != "CommOpen" && name != "CommOpenTCP" {
		l.job = &job{run: func(plan) outcome {
			return outcome{errCode: errCodeNotOpened, desc: "Порт не відкрито"}
		}}
		return 0
	}
	l.m.beforeCommand(name == "Confirm")
	j := &job{steps: steps, run: run, p: p, delay: p.slow}
	if k == opCard || k == opVoid || k == opHost {
		j.delay += l.m.cfg.AnswerDelay
	}
	l.job = j
	return 0
}

// card starts a card operation: the progress script, and Config.Hang.
func (l *Library) card(name string, k opKind, run func(p plan) outcome) int {
	code := l.start(name, k, l.m.cfg.Progress, run)
	if code == 0 && l.m.cfg.Hang {
		l.m.mu.Lock()
		if l.job != nil && l.opened {
			l.job.hang = true
		}
		l.m.mu.Unlock()
	}
	return code
}

var serviceSteps = []uint8{10}

func (l *Library) service(name string, k opKind, run func(p plan) outcome) int {
	return l.start(name, k, serviceSteps, run)
}

// complete applies an outcome to the properties; l.m.mu is held.
func (l *Library) complete(o outcome) {
	l.job = nil
	if o.ok {
		l.lastResult, l.lastErr, l.resp, l.errDesc = 0, 0, 0, ""
	} else {
		l.lastResult, l.lastErr, l.resp, l.errDesc = 1, o.errCode, o.resp, o.desc
	}
	if o.rec != nil {
		l.rec = *o.rec
		l.resp = o.rec.Response
		if !o.ok {
			l.resp = o.resp
		}
		l.pan = l.m.cfg.PAN
	}
	if o.totals != nil {
		l.tot = *o.totals
	}
	if o.info != "" {
		l.info = o.info
	}
	if o.hasTxnNum {
		l.txnNum = o.txnNum
	}
}

// LastResult polls the running operation: it advances one progress step per call.
func (l *Library) LastResult() uint8 {
	l.m.mu.Lock()
	defer l.m.mu.Unlock()
	if j := l.job; j != nil {
		if j.i == 1 && j.p.waitCard { // card-timeout: at the card prompt until a card comes
			select {
			case <-l.m.cardIn:
				j.p.waitCard = false
			default:
				return 2
			}
		}
		if j.i < len(j.steps) {
			l.stat = j.steps[j.i]
			l.statDesc = statusText[l.stat]
			j.i++
			return 2
		}
		if j.hang || j.p.silent {
			return 2
		}
		if j.delay > 0 {
			if j.until.IsZero() {
				j.until = time.Now().Add(j.delay)
			}
			if time.Now().Before(j.until) {
				return 2
			}
		}
		o := j.run(j.p)
		if j.p.reply == "drop-reply" {
			// Done on the terminal; the answer is lost between it and the library: "error
			// connecting with terminal" (LastErrorCode 3, bpos1.md §2.2).
			o = outcome{errCode: errCodeConnect, desc: "Помилка з'єднання з терміналом"}
		}
		l.complete(o)
	}
	return l.lastResult
}

// CommOpen opens the (simulated) serial link.
func (l *Library) CommOpen(port string, baud uint32) int {
	return l.start("CommOpen", opLocal, nil, func(plan) outcome { l.opened = true; return outcome{ok: true} })
}

// CommOpenTCP opens the (simulated) TCP link.
func (l *Library) CommOpenTCP(ip, port string) int {
	return l.start("CommOpenTCP", opLocal, nil, func(plan) outcome { l.opened = true; return outcome{ok: true} })
}

// CommClose closes the link.
func (l *Library) CommClose() int {
	l.m.mu.Lock()
	defer l.m.mu.Unlock()
	l.calls["CommClose"]++
	l.opened = false
	return 0
}

// Purchase starts a sale.
func (l *Library) Purchase(amount, addAmount uint32, merchIdx uint8) int {
	return l.card("Purchase", opCard, func(p plan) outcome {
		return l.m.card(txnPurchase, amount, addAmount, merchIdx, "", p.code)
	})
}

// Refund starts a refund by RRN.
func (l *Library) Refund(amount, addAmount uint32, merchIdx uint8, rrn string) int {
	return l.card("Refund", opCard, func(p plan) outcome { return l.m.card(txnRefund, amount, 0, merchIdx, rrn, p.code) })
}

// Void starts the cancellation of an invoice of the current batch.
func (l *Library) Void(invoiceNum uint32, merchIdx uint8) int {
	return l.card("Void", opVoid, func(p plan) outcome { return l.m.void(invoiceNum, merchIdx, p.code) })
}

// CashAdvance starts a cash withdrawal.
func (l *Library) CashAdvance(merchIdx uint8, amount uint32, currCode string, accNumber uint8) int {
	return l.card("CashAdvance", opCard, func(p plan) outcome {
		return l.m.card(txnCashAdvance, amount, 0, merchIdx, "", p.code)
	})
}

// Settlement closes the batch.
func (l *Library) Settlement(merchIdx uint8) int {
	return l.service("Settlement", opHost, func(p plan) outcome {
		if p.code != 0 {
			return fail(p.code, declineText(p.code))
		}
		return l.m.report(merchIdx, true, true)
	})
}

// PrintBatchTotals prints the X-report.
func (l *Library) PrintBatchTotals(merchIdx uint8) int {
	return l.service("PrintBatchTotals", opLocal, func(plan) outcome { return l.m.report(merchIdx, false, true) })
}

// GetBatchTotals fills the totals without printing.
func (l *Library) GetBatchTotals(merchIdx uint8) int {
	return l.service("GetBatchTotals", opLocal, func(plan) outcome { return l.m.report(merchIdx, false, false) })
}

// Confirm confirms the transaction waiting for it.
func (l *Library) Confirm() int {
	return l.start("Confirm", opLocal, nil, func(plan) outcome { return l.m.confirm() })
}

// Cancel ends the running operation with ResponseCode 1001; with none running it does
// nothing.
func (l *Library) Cancel() int {
	l.m.mu.Lock()
	defer l.m.mu.Unlock()
	l.calls["Cancel"]++
	if l.job != nil {
		l.complete(fail(rcCancelledUser, declineText(rcCancelledUser)))
	}
	return 0
}

// GetTxnNum fills TxnNum.
func (l *Library) GetTxnNum() int {
	return l.service("GetTxnNum", opLocal, func(plan) outcome {
		return outcome{ok: true, txnNum: uint32(len(l.m.journal)), hasTxnNum: true}
	})
}

// GetTxnDataByOrder fills the transaction properties from record n.
func (l *Library) GetTxnDataByOrder(orderNum uint32) int {
	return l.service("GetTxnDataByOrder", opLocal, func(plan) outcome { return l.m.txnByOrder(orderNum) })
}

// GetTxnDataByInv fills the transaction properties from the record with the invoice.
func (l *Library) GetTxnDataByInv(invoiceNum uint32, merchIdx uint8) int {
	return l.service("GetTxnDataByInv", opLocal, func(plan) outcome { return l.m.txnByInv(invoiceNum, merchIdx) })
}

// CheckConnection tests the (simulated) host link.
func (l *Library) CheckConnection(merchIdx uint8) int {
	return l.service("CheckConnection", opHost, func(p plan) outcome { return l.m.checkConnection(merchIdx, p.code) })
}

// ReqCurrReceipt makes Receipt the slip of the last operation.
func (l *Library) ReqCurrReceipt() int {
	return l.start("ReqCurrReceipt", opLocal, nil, func(plan) outcome {
		l.receipt = l.m.receipt
		return outcome{ok: true}
	})
}

// ReqReceiptByInv makes the slip of the invoice the current one.
func (l *Library) ReqReceiptByInv(invoiceNum uint32, merchIdx uint8) int {
	return l.service("ReqReceiptByInv", opLocal, func(plan) outcome {
		o := l.m.txnByInv(invoiceNum, merchIdx)
		if o.ok {
			l.m.receipt = o.rec.Receipt
			o.rec = nil
		}
		return o
	})
}

// SetErrorLang stores the language; the simulator's texts are Ukrainian whatever it is.
func (l *Library) SetErrorLang(lang uint8) int {
	l.m.mu.Lock()
	defer l.m.mu.Unlock()
	l.calls["SetErrorLang"]++
	l.lang = lang
	return 0
}

func notSimulated(plan) outcome {
	return fail(rcGeneral, "Не підтримується симулятором")
}

// Completion is not simulated: it ends with ResponseCode 1000.
func (l *Library) Completion(merchIdx uint8, amount uint32, rrn string, inv uint32) int {
	return l.service("Completion", opLocal, notSimulated)
}

// ReadCard is not simulated: it ends with ResponseCode 1000.
func (l *Library) ReadCard() int { return l.service("ReadCard", opLocal, notSimulated) }

// PurchaseService is not simulated: it ends with ResponseCode 1000.
func (l *Library) PurchaseService(merchIdx uint8, amount uint32, params string) int {
	return l.service("PurchaseService", opLocal, notSimulated)
}

// IdentifyCard is not simulated: it ends with ResponseCode 1000.
func (l *Library) IdentifyCard(merchIdx uint8, currCode string, accNumber uint8) int {
	return l.service("IdentifyCard", opLocal, notSimulated)
}

// POSGetInfo fills TerminalInfo.
func (l *Library) POSGetInfo() int {
	return l.service("POSGetInfo", opLocal, func(plan) outcome { return outcome{ok: true, info: l.m.cfg.TerminalInfo} })
}

// StartScenario is not simulated: it ends with ResponseCode 1000.
func (l *Library) StartScenario(scenarioID uint32, scenarioData string) int {
	return l.service("StartScenario", opLocal, notSimulated)
}

// CorrectTransaction is not simulated: it ends with ResponseCode 1000.
func (l *Library) CorrectTransaction(amount, addAmount uint32) int {
	return l.service("CorrectTransaction", opLocal, notSimulated)
}

// ReadBankCard reads the (simulated) card: PAN and FlagAcquirer.
func (l *Library) ReadBankCard() int {
	return l.card("ReadBankCard", opCardNoHost, func(plan) outcome {
		l.pan = l.m.cfg.PAN
		return outcome{ok: true}
	})
}

// Ping answers at once when no operation runs.
func (l *Library) Ping() int {
	return l.service("Ping", opCheck, func(plan) outcome { return outcome{ok: true} })
}

func (l *Library) get8(f func() uint8) uint8 {
	l.m.mu.Lock()
	defer l.m.mu.Unlock()
	return f()
}

func (l *Library) get32(f func() uint32) uint32 {
	l.m.mu.Lock()
	defer l.m.mu.Unlock()
	return f()
}

func (l *Library) str(f func() string) string {
	l.m.mu.Lock()
	defer l.m.mu.Unlock()
	return cp1251(f())
}

// LastErrorCode returns the property.
func (l *Library) LastErrorCode() uint8 { return l.get8(func() uint8 { return l.lastErr }) }

// LastErrorDescription returns the property (CP1251).
func (l *Library) LastErrorDescription() string { return l.str(func() string { return l.errDesc }) }

// LastStatMsgCode returns the property.
func (l *Library) LastStatMsgCode() uint8 { return l.get8(func() uint8 { return l.stat }) }

// LastStatMsgDescription returns the property (CP1251).
func (l *Library) LastStatMsgDescription() string { return l.str(func() string { return l.statDesc }) }

// ResponseCode returns the property.
func (l *Library) ResponseCode() uint32 { return l.get32(func() uint32 { return l.resp }) }

// PAN returns the masked card number.
func (l *Library) PAN() string { return l.str(func() string { return l.pan }) }

// DateTime returns "YYMMDDhhmmss".
func (l *Library) DateTime() string { return l.str(func() string { return l.rec.DateTime }) }

// TerminalID returns the property.
func (l *Library) TerminalID() string { return l.str(func() string { return l.m.cfg.TerminalID }) }

// MerchantID returns the property.
func (l *Library) MerchantID() string { return l.str(func() string { return l.m.cfg.MerchantID }) }

// AuthCode returns the property.
func (l *Library) AuthCode() string { return l.str(func() string { return l.rec.AuthCode }) }

// ExpDate returns a fixed "YYMM".
func (l *Library) ExpDate() string { return l.str(func() string { return "2912" }) }

// CardHolder returns a fixed name.
func (l *Library) CardHolder() string { return l.str(func() string { return "TEST CARDHOLDER" }) }

// IssuerName returns a fixed issuer.
func (l *Library) IssuerName() string { return l.str(func() string { return "SIM BANK" }) }

// InvoiceNum returns the property.
func (l *Library) InvoiceNum() uint32 { return l.get32(func() uint32 { return l.rec.Invoice }) }

// RRN returns the property.
func (l *Library) RRN() string { return l.str(func() string { return l.rec.RRN }) }

// SignVerif returns 0: no signature needed.
func (l *Library) SignVerif() uint8 { return 0 }

// Amount returns the final amount.
func (l *Library) Amount() uint32 { return l.get32(func() uint32 { return l.rec.Amount }) }

// AddAmount returns the final discount.
func (l *Library) AddAmount() uint32 { return l.get32(func() uint32 { return l.rec.AddAmount }) }

// EmvAID returns a fixed AID.
func (l *Library) EmvAID() string { return l.str(func() string { return "A0000000031010" }) }

// EntryMode returns 2 (EMV chip) after a transaction.
func (l *Library) EntryMode() uint8 {
	return l.get8(func() uint8 {
		if l.rec.TxnType == 0 {
			return 0
		}
		return 2
	})
}

// TxnType returns the property.
func (l *Library) TxnType() uint8 { return l.get8(func() uint8 { return l.rec.TxnType }) }

// TrnStatus returns the property.
func (l *Library) TrnStatus() uint8 { return l.get8(func() uint8 { return l.rec.TrnStatus }) }

// Currency returns "UAH".
func (l *Library) Currency() string { return l.str(func() string { return "UAH" }) }

// CurrencyCode returns "980".
func (l *Library) CurrencyCode() string { return l.str(func() string { return "980" }) }

// TrnBatchNum returns the record's batch.
func (l *Library) TrnBatchNum() uint32 { return l.get32(func() uint32 { return l.rec.Batch }) }

// FlagAcquirer returns 1: the simulated card is "native".
func (l *Library) FlagAcquirer() uint32 { return 1 }

// RNK returns "" (IdentifyCard is not simulated).
func (l *Library) RNK() string { return "" }

// TotalsDebitAmt returns the property.
func (l *Library) TotalsDebitAmt() uint32 { return l.get32(func() uint32 { return l.tot.debitAmt }) }

// TotalsDebitNum returns the property.
func (l *Library) TotalsDebitNum() uint32 { return l.get32(func() uint32 { return l.tot.debitNum }) }

// TotalsCreditAmt returns the property.
func (l *Library) TotalsCreditAmt() uint32 { return l.get32(func() uint32 { return l.tot.creditAmt }) }

// TotalsCreditNum returns the property.
func (l *Library) TotalsCreditNum() uint32 { return l.get32(func() uint32 { return l.tot.creditNum }) }

// TotalsCancelledAmt returns the property.
func (l *Library) TotalsCancelledAmt() uint32 { return l.get32(func() uint32 { return l.tot.cancAmt }) }

// TotalsCancelledNum returns the property.
func (l *Library) TotalsCancelledNum() uint32 { return l.get32(func() uint32 { return l.tot.cancNum }) }

// TxnNum returns the property.
func (l *Library) TxnNum() uint32 { return l.get32(func() uint32 { return l.txnNum }) }

// Receipt returns the slip fetched by ReqCurrReceipt (CP1251).
func (l *Library) Receipt() string { return l.str(func() string { return l.receipt }) }

// TerminalInfo returns the POSGetInfo answer.
func (l *Library) TerminalInfo() string { return l.str(func() string { return l.info }) }

// ScenarioData returns "" (scenarios are not simulated).
func (l *Library) ScenarioData() string { return "" }

// AddData returns "".
func (l *Library) AddData() string { return "" }

// ECRDataTM returns "".
func (l *Library) ECRDataTM() string { return "" }

// SlipPrinted returns 1 after a transaction: the simulated terminal prints every slip.
func (l *Library) SlipPrinted() uint8 {
	return l.get8(func() uint8 {
		if l.rec.TxnType == 0 {
			return 0
		}
		return 1
	})
}

// DiscountName returns "" (no discount cards).
func (l *Library) DiscountName() string { return "" }

// DiscountAttribute returns 0.
func (l *Library) DiscountAttribute() uint32 { return 0 }

// CompletionInvoiceNum returns 0 (Completion is not simulated).
func (l *Library) CompletionInvoiceNum() uint32 { return 0 }

// LibraryVersion returns "bpos1sim".
func (l *Library) LibraryVersion() string { return "bpos1sim" }
