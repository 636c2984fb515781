package payment

import (
	"errors"
	"fmt"
	"strings"
)

// Error kinds. Every [*Error] matches exactly one of them with [errors.Is].
var (
	// ErrDeclined: the bank or the card refused; nothing was charged.
	ErrDeclined = errors.New("declined")
	// ErrCancelled: the cashier or the customer cancelled the operation on the terminal, or
	// the caller interrupted it.
	ErrCancelled = errors.New("cancelled")
	// ErrBusy: the device is busy with an earlier operation; try again later.
	ErrBusy = errors.New("device busy")
	// ErrTimeout: the device did not answer in time; the outcome may be unknown.
	ErrTimeout = errors.New("timeout")
	// ErrLink: the link to the device failed (port missing, connection refused or closed);
	// after a request was sent the outcome may be unknown.
	ErrLink = errors.New("link failure")
	// ErrNotSupported: the terminal, protocol or bank does not offer the operation.
	ErrNotSupported = errors.New("not supported")
	// ErrProtocol: the device sent something the protocol does not allow.
	ErrProtocol = errors.New("protocol violation")
	// ErrDevice: the terminal reported a fault of its own (no paper, log full, keys, reader).
	ErrDevice = errors.New("device fault")
	// ErrNotFound: the transaction asked for does not exist (wrong id, or batch closed).
	ErrNotFound = errors.New("transaction not found")
)

// Codes of DM that this suite returns. The full list with texts is in [CodeText].
const (
	CodeDeviceError        = 430  // Device error: %s
	CodeLinkTimeout        = 411  // the terminal got the request but did not answer in time
	CodeInternal           = 1016 // internal error; also "connection closed gracefully"
	CodeJournal            = 1082 // the journal could not be written
	CodeDeviceNotFound     = 1091 // device not found
	CodeBusy               = 1105 // device busy with an earlier task
	CodePortOpen           = 1126 // the serial port is missing or taken
	CodeTerminal           = 5000 // terminal error: %s
	CodeUserCancelled      = 5001
	CodeEMVDecline         = 5002
	CodeLogFull            = 5003
	CodeNoHostLink         = 5004
	CodeNoPaper            = 5005
	CodeCryptoKeys         = 5006
	CodeNoCardReader       = 5007
	CodeAlreadyComplete    = 5008
	CodeUnprocessed        = 5009
	CodeTerminalLink       = 5014
	CodeBankDecline        = 5015
	CodePreviousOperation  = 5022
	CodePOSAPICancelled    = 5023
	CodePOSAPIBankMessage  = 5024
	CodeNeedCloseBatch     = 5026
	CodeOperationNotFound  = 5027
	CodeConnectFailed      = 5028
	CodeNotSupportedTask   = 5029
	CodeAddressFailed      = 5067
	CodePingTimeout        = 5068
	CodeTransactionUnknown = 5013

	// Codes of uapos's own, outside DM's table (DM has no code for these cases).

	// CodeIDReused: the transaction id is already journaled for another request (another
	// amount, operation, terminal or reference). The old outcome is not returned.
	CodeIDReused = 7001
	// CodeAskBank: the outcome of the operation is unknown and the terminal cannot prove it;
	// ask the bank before settling the sale.
	CodeAskBank = 7002
)

// codeInfo is one DM code: its kind, its Ukrainian text as DM returns it, and our English.
type codeInfo struct {
	kind   error
	uk, en string
}

// codes holds every device and terminal code of DM's error table. %s are filled from
// Error.Args, or from DeviceText where there are no Args.
var codes = map[int]codeInfo{
	303:  {ErrNotSupported, `Protocol id="%s", name="%s" do not recognised`, `protocol id=%q, name=%q not recognised`},
	411:  {ErrTimeout, `Error receiving TimeOut: %s ms`, `no answer from the terminal within %s ms`},
	430:  {ErrDevice, `Device error: %s`, `device error: %s`},
	1016: {ErrLink, `Internal error: %s`, `internal error: %s`},
	1082: {ErrDevice, `Неможливо зберегти дані до бази даних.`, `cannot save data to the journal`},
	1091: {ErrLink, `Пристрій не знайдено`, `device not found`},
	1105: {ErrBusy, `Пристрій зайнятий`, `device is busy with an earlier task`},
	1126: {ErrLink, `Неможливо відкрити СОМ порт. Порт відсутній в системі або зайнятий.`, `cannot open the serial port: it is missing or taken`},
	5000: {ErrDevice, `Помилка терміналу: %s`, `terminal error: %s`},
	5001: {ErrCancelled, `Помилка терміналу: Операція скасована користувачем`, `terminal error: operation cancelled by the user`},
	5002: {ErrDeclined, `Помилка терміналу: EMV Decline`, `terminal error: EMV decline`},
	5003: {ErrDevice, `Помилка терміналу: Transaction log is full. Need close batch`, `terminal error: transaction log is full, close the batch`},
	5004: {ErrDevice, `Помилка терміналу: Немає зв'язку з банком`, `terminal error: no link to the bank`},
	5005: {ErrDevice, `Помилка терміналу: Немає паперу в принтері`, `terminal error: no paper in the printer`},
	5006: {ErrDevice, `Помилка терміналу: Error Crypto keys`, `terminal error: crypto keys error`},
	5007: {ErrDevice, `Помилка терміналу: Card reader is not connected`, `terminal error: card reader is not connected`},
	5008: {ErrDevice, `Помилка терміналу: Transaction is already complete`, `terminal error: transaction is already complete`},
	5009: {ErrProtocol, `Помилка терміналу: ResponseCodeStr = %s (не вдалося обробити помилку)`, `terminal error: response code %s could not be interpreted`},
	5010: {ErrLink, `Помилка терміналу: error opening COM port`, `terminal error: error opening the serial port`},
	5011: {ErrLink, `Помилка терміналу: need to open COM port`, `terminal error: the serial port must be opened first`},
	5012: {ErrLink, `Помилка терміналу: error connecting with terminal`, `terminal error: error connecting with the terminal`},
	5013: {ErrNotFound, `Транзакцію з id="%s" не знайдено в БД`, `transaction id=%q not found in the journal`},
	5014: {ErrLink, `Помилка зв'язку з терміналом`, `link error with the terminal; the request did not go through, repeat it`},
	5015: {ErrDeclined, `Повідомлення від банку: Відмова у проведенні операції`, `bank: operation declined`},
	5016: {ErrDeclined, `Повідомлення від банку: Недозволена сума трансакції`, `bank: amount not allowed`},
	5017: {ErrDeclined, `Повідомлення від банку: Помилковий номер картки`, `bank: wrong card number`},
	5018: {ErrDeclined, `Повідомлення від банку: Недостатньо коштів на рахунку`, `bank: insufficient funds`},
	5019: {ErrDeclined, `Повідомлення від банку: Невірний PIN`, `bank: wrong PIN`},
	5020: {ErrDeclined, `Повідомлення від банку: Перевищено ліміт трансакці`, `bank: transaction limit exceeded`},
	5021: {ErrDeclined, `Повідомлення від банку: Система не функціонує`, `bank: system not working`},
	5022: {ErrBusy, `Помилка терміналу: Йде обробка попередньої операції`, `terminal error: the previous operation is still being processed`},
	5023: {ErrCancelled, `Помилка терміналу: Операція скасована`, `terminal error: operation cancelled`},
	5024: {ErrDeclined, `Повідомлення від банку: %s Статус: %s Код відповіді банку: %s`, `bank: %s, status %s, bank response code %s`},
	5025: {ErrDeclined, `Повідомлення від банку: Некоректний RRN при виконанні повернення`, `bank: incorrect RRN for the refund`},
	5026: {ErrDevice, `Помилка терміналу: Потрібно виконати загальний звіт`, `terminal error: close the batch first (24 hours since its first transaction)`},
	5027: {ErrNotFound, `Помилка терміналу: Операція не знайдена`, `terminal error: operation not found (wrong invoice, or batch already closed)`},
	5028: {ErrLink, `Неможливо встановити з'єднання з терміналом по інтерфейсу %s (%s)`, `cannot connect to the terminal over %s (%s)`},
	5029: {ErrNotSupported, `Термінал %s (%s) не підтримує завдання з типом %s`, `terminal %s (%s) does not support %s`},
	5067: {ErrLink, `Помилка при з'єднанні за вказаною адресою: %s`, `error connecting to the address %s`},
	7001: {ErrProtocol, `Ідентифікатор транзакції %s вже використано для іншого запиту`, `transaction id %s was already used for another request`},
	7002: {ErrLink, `Результат операції невідомий, термінал не може його підтвердити: зверніться до банку`, `outcome unknown and the terminal cannot prove it: ask the bank`},
	5068: {ErrTimeout, `Таймаут при перевірці зв'язку з терміналом`, `timeout while checking the link to the terminal`},
}

// Codes returns every DM code this package knows, in ascending order.
func Codes() []int {
	out := make([]int, 0, len(codes))
	for c := range codes {
		out = append(out, c)
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// Error is a terminal or device failure with its DM code.
//
// Match its kind with errors.Is(err, payment.ErrDeclined) and friends; get the details with
// errors.As(err, &perr).
type Error struct {
	// Code is the DM error code, for example 5002 (EMV decline) or 1105 (busy). Host (bank)
	// codes 1-999 of BPOS are reported as DM reports them: in ResponseCode, with Code 5015-5025.
	Code int
	// Kind is one of the Err* kinds; nil means the kind of Code.
	Kind error
	// ResponseCode is the host or terminal response code as the device sent it ("0051", "1002").
	ResponseCode string
	// DeviceText is the device's own message, as sent (for example "EMV Decline").
	DeviceText string
	// Args fill the %s of the code's text, in order; where there are none, DeviceText fills the
	// first %s.
	Args []string
	// Receipt is the slip text the terminal produced for a decline, if any.
	Receipt string
	// Err is the underlying cause (an I/O error, a protocol error), if any.
	Err error
}

// NewError returns an *Error with the code and its kind, wrapping cause (which may be nil).
func NewError(code int, cause error, args ...string) *Error {
	return &Error{Code: code, Err: cause, Args: args}
}

// Is reports whether target is the error's kind.
func (e *Error) Is(target error) bool { return target == e.kind() }

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// KindOf returns the kind of err (one of the Err* kinds) if it is or wraps an [*Error], and
// nil otherwise.
func KindOf(err error) error {
	var pe *Error
	if errors.As(err, &pe) {
		return pe.kind()
	}
	return nil
}

// KindNamed returns the kind whose text is name ("declined", "device busy"...), or nil.
func KindNamed(name string) error {
	for _, k := range []error{ErrDeclined, ErrCancelled, ErrBusy, ErrTimeout, ErrLink, ErrNotSupported, ErrProtocol, ErrDevice, ErrNotFound} {
		if k.Error() == name {
			return k
		}
	}
	return nil
}

func (e *Error) kind() error {
	if e.Kind != nil {
		return e.Kind
	}
	if c, ok := codes[e.Code]; ok {
		return c.kind
	}
	return ErrDevice
}

// fill formats tmpl with Args, or with DeviceText where there are no Args; it reports whether
// DeviceText went into the text.
func (e *Error) fill(tmpl string) (string, bool) {
	if e.Code == CodeLinkTimeout && (len(e.Args) == 0 || e.Args[0] == "" || e.Args[0] == "-") {
		// DM's 411 names the time-out in ms; without one, say it without the number.
		tmpl = strings.Replace(strings.Replace(tmpl, " within %s ms", " in time", 1), ": %s ms", "", 1)
		return tmpl, false
	}
	n := strings.Count(tmpl, "%s") + strings.Count(tmpl, "%q")
	args := make([]any, n)
	used := false
	for i := range args {
		switch {
		case i < len(e.Args):
			args[i] = e.Args[i]
		case i == 0 && len(e.Args) == 0:
			args[i], used = e.DeviceText, true
		default:
			args[i] = ""
		}
	}
	return fmt.Sprintf(tmpl, args...), used
}

// Error returns the English message: "payment: <text> [code N]", with the device's own text and
// the response code when they add something.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("payment: ")
	used := false
	if c, ok := codes[e.Code]; ok {
		var text string
		text, used = e.fill(c.en)
		b.WriteString(text)
	} else {
		b.WriteString(e.kind().Error())
	}
	if e.DeviceText != "" && !used {
		b.WriteString(": " + e.DeviceText)
	}
	if e.ResponseCode != "" {
		b.WriteString(" (response " + e.ResponseCode + ")")
	}
	fmt.Fprintf(&b, " [code %d]", e.Code)
	if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	return RedactPANs(b.String())
}

// Ukrainian returns DM's Ukrainian text for the code, as DM's errortxt carries it.
func (e *Error) Ukrainian() string {
	c, ok := codes[e.Code]
	if !ok {
		s := "Помилка терміналу: " + e.DeviceText
		return RedactPANs(s)
	}
	s, _ := e.fill(c.uk)
	return RedactPANs(s)
}

// CodeText returns DM's Ukrainian text template for code, and whether the code is known.
func CodeText(code int) (string, bool) {
	c, ok := codes[code]
	return c.uk, ok
}

// TerminalCode maps the 1000-1008 terminal codes of BPOS1 and PrivatBank JSON one to one onto
// DM's 5000-5008. Other values return 0.
func TerminalCode(code int) int {
	if code >= 1000 && code <= 1008 {
		return code + 4000
	}
	return 0
}

// ErrorCode returns the DM code of err if it is or wraps an [*Error], and 0 otherwise.
func ErrorCode(err error) int {
	var pe *Error
	if errors.As(err, &pe) {
		return pe.Code
	}
	return 0
}
