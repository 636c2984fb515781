package bpos1

import "fmt"

// The numeric enumerations below are those of the vendor manual ECRCommX B-POS1 v3.2.3 and
// of the Linux headers, as bpos1.md §2.2 and §2.4 record them (the PDF values, not the
// renumbered markdown copy).

// LastResult is the state of the last operation (property LastResult, bpos1.md §2.2).
type LastResult uint8

// The LastResult values.
const (
	LastOK         LastResult = 0 // completed OK
	LastFailed     LastResult = 1 // completed with an error: see LastErrorCode
	LastInProgress LastResult = 2 // still running: poll again
)

// String implements fmt.Stringer.
func (r LastResult) String() string {
	switch r {
	case LastOK:
		return "ok"
	case LastFailed:
		return "error"
	case LastInProgress:
		return "in progress"
	}
	return fmt.Sprintf("LastResult(%d)", uint8(r))
}

// ErrorCode is the property LastErrorCode, meaningful when LastResult is [ResultError]
// (bpos1.md §2.2).
type ErrorCode uint8

// The LastErrorCode values.
const (
	ErrCodeNone          ErrorCode = 0 // no error
	ErrCodeOpenPort      ErrorCode = 1 // error opening the COM port
	ErrCodePortNotOpened ErrorCode = 2 // the COM port must be opened first
	ErrCodeConnect       ErrorCode = 3 // error connecting with the terminal
	ErrCodeTerminal      ErrorCode = 4 // the terminal returned an error: see ResponseCode
)

// String implements fmt.Stringer.
func (c ErrorCode) String() string {
	switch c {
	case ErrCodeNone:
		return "no error"
	case ErrCodeOpenPort:
		return "error opening COM port"
	case ErrCodePortNotOpened:
		return "COM port must be opened first"
	case ErrCodeConnect:
		return "error connecting with terminal"
	case ErrCodeTerminal:
		return "terminal returned an error"
	}
	return fmt.Sprintf("ErrorCode(%d)", uint8(c))
}

// ECRC is the int every action of the Linux C/C++ library returns (bpos1.md §2.2,
// "Library-level ECRC_* return codes"; names from BPOSClient.h).
type ECRC int

// The ECRC codes, 0-17.
const (
	ECRCOK                  ECRC = 0
	ECRCFail                ECRC = 1
	ECRCFailedToOpenPort    ECRC = 2
	ECRCFailedToEnumPorts   ECRC = 3
	ECRCFailedToConnect     ECRC = 4
	ECRCNotOpened           ECRC = 5
	ECRCNotInited           ECRC = 6
	ECRCBusy                ECRC = 7
	ECRCNoData              ECRC = 8
	ECRCMessageCorrupted    ECRC = 9
	ECRCTooSmallBuffer      ECRC = 10
	ECRCDisconnected        ECRC = 11
	ECRCRecvTimeout         ECRC = 12
	ECRCSendMessage         ECRC = 13
	ECRCConnection          ECRC = 14
	ECRCReadFile            ECRC = 15
	ECRCUnknownError        ECRC = 16
	ECRCCheckTerminalTimout ECRC = 17
)

// ecrcText holds the DLL's string table texts, in the same order as the codes (bpos1.md
// §2.2; the mapping by order is an inference of the note). 15 and 17 have no text there.
var ecrcText = [...]string{
	"no error", "error", "failed to open port", "failed to enumerate ports",
	"failed to connect to client", "port is not opened", "client not inited",
	"another task is running", "no data available", "message corrupted",
	"too small buffer for data", "device disconnected", "timeout receive error",
	"can't send message", "terminal connection error", "read file error",
	"unknown error", "check terminal timeout",
}

// String implements fmt.Stringer.
func (c ECRC) String() string {
	if c >= 0 && int(c) < len(ecrcText) {
		return ecrcText[c]
	}
	return fmt.Sprintf("ECRC(%d)", int(c))
}

// StatusCode is the progress code of property LastStatMsgCode (bpos1.md §2.2, doc 3.2.3 /
// lib 1.9.4.6 numbering; the order changed in doc v1.12, so these numbers are
// version-specific).
type StatusCode uint8

// The LastStatMsgCode values 0-18.
const (
	StatusNone              StatusCode = 0
	StatusCardRead          StatusCode = 1
	StatusChipCard          StatusCode = 2
	StatusAuthorization     StatusCode = 3
	StatusWaitCashier       StatusCode = 4
	StatusPrinting          StatusCode = 5
	StatusPINNeeded         StatusCode = 6
	StatusCardRemoved       StatusCode = 7
	StatusEMVMultiAID       StatusCode = 8
	StatusWaitCard          StatusCode = 9
	StatusInProgress        StatusCode = 10
	StatusCorrectTxn        StatusCode = 11
	StatusPINWaitKey        StatusCode = 12
	StatusPINBackspace      StatusCode = 13
	StatusPINKey            StatusCode = 14
	StatusAccountSelect     StatusCode = 15
	StatusPurchaseOnly      StatusCode = 16
	StatusPurchaseOnlyConf  StatusCode = 17
	StatusFingerMatchVerify StatusCode = 18
)

var statusText = [...]string{
	"n/a", "card read", "chip card used", "authorization in progress",
	"waiting for cashier action", "printing receipt", "PIN entry needed", "card removed",
	"EMV multi-AID", "waiting for card", "in progress", "correct transaction",
	"PIN input, waiting for key", "PIN backspace", "PIN key pressed", "account selection",
	"purchase only", "confirmation purchase only", "waiting for finger-match verification",
}

// String implements fmt.Stringer.
func (s StatusCode) String() string {
	if int(s) < len(statusText) {
		return statusText[s]
	}
	return fmt.Sprintf("StatusCode(%d)", uint8(s))
}

// TxnType is the property TxnType (bpos1.md §2.4).
type TxnType uint8

// The TxnType values.
const (
	TxnUndefined            TxnType = 0
	TxnPurchase             TxnType = 1
	TxnRefund               TxnType = 2
	TxnVoid                 TxnType = 3
	TxnCompletion           TxnType = 4
	TxnIdentifyCard         TxnType = 5
	TxnBalanceInquiry       TxnType = 6
	TxnDeposit              TxnType = 7
	TxnCardVoucher          TxnType = 8
	TxnCashback             TxnType = 9 // deprecated
	TxnInstallment          TxnType = 10
	TxnCashAdvance          TxnType = 20
	TxnAccountFunding       TxnType = 21
	TxnAccountConfirmation  TxnType = 22
	TxnPurchaseWithCashback TxnType = 23
)

var txnTypeText = map[TxnType]string{
	TxnUndefined: "undefined", TxnPurchase: "purchase", TxnRefund: "refund", TxnVoid: "void",
	TxnCompletion: "completion", TxnIdentifyCard: "identify card",
	TxnBalanceInquiry: "balance inquiry", TxnDeposit: "deposit", TxnCardVoucher: "card voucher",
	TxnCashback: "cashback", TxnInstallment: "installment", TxnCashAdvance: "cash advance",
	TxnAccountFunding: "account funding", TxnAccountConfirmation: "account confirmation",
	TxnPurchaseWithCashback: "purchase with cashback",
}

// String implements fmt.Stringer.
func (t TxnType) String() string {
	if s, ok := txnTypeText[t]; ok {
		return s
	}
	return fmt.Sprintf("TxnType(%d)", uint8(t))
}

// EntryMode is the property EntryMode (bpos1.md §2.4).
type EntryMode uint8

// The EntryMode values.
const (
	EntryUndefined         EntryMode = 0
	EntryMagstripe         EntryMode = 1
	EntryChip              EntryMode = 2
	EntryContactlessChip   EntryMode = 3
	EntryContactlessStripe EntryMode = 4
	EntryFallback          EntryMode = 5
	EntryManual            EntryMode = 6
)

var entryText = [...]string{"undefined", "magstripe", "chip", "contactless chip", "contactless stripe", "fallback", "manual"}

// String implements fmt.Stringer.
func (e EntryMode) String() string {
	if int(e) < len(entryText) {
		return entryText[e]
	}
	return fmt.Sprintf("EntryMode(%d)", uint8(e))
}

// TrnStatus is the property TrnStatus of a journal record (bpos1.md §2.4).
type TrnStatus uint8

// The TrnStatus values.
const (
	TrnUndefined TrnStatus = 0
	TrnApproved  TrnStatus = 1
	TrnDeclined  TrnStatus = 2
	TrnReversed  TrnStatus = 3
	TrnCanceled  TrnStatus = 4
)

var trnText = [...]string{"undefined", "approved", "declined", "reversed", "canceled"}

// String implements fmt.Stringer.
func (s TrnStatus) String() string {
	if int(s) < len(trnText) {
		return trnText[s]
	}
	return fmt.Sprintf("TrnStatus(%d)", uint8(s))
}

// ErrorLang is the argument of SetErrorLang (bpos1.md §2.2: 0 ENG, 1 UKR, 2 RUS).
type ErrorLang uint8

// The SetErrorLang values.
const (
	LangEnglish   ErrorLang = 0
	LangUkrainian ErrorLang = 1
	LangRussian   ErrorLang = 2
)

// String implements fmt.Stringer.
func (l ErrorLang) String() string {
	switch l {
	case LangEnglish:
		return "english"
	case LangUkrainian:
		return "ukrainian"
	case LangRussian:
		return "russian"
	}
	return fmt.Sprintf("ErrorLang(%d)", uint8(l))
}

// Terminal-local ResponseCode values 1000-1008 (bpos1.md §2.2); codes below 1000 come from
// the host.
const (
	RCGeneralError     = 1000
	RCCancelledByUser  = 1001
	RCEMVDecline       = 1002
	RCLogFull          = 1003
	RCNoHostConnection = 1004
	RCNoPaper          = 1005
	RCCryptoKeys       = 1006
	RCNoCardReader     = 1007
	RCAlreadyComplete  = 1008
)
