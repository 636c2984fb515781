package payment

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// Every code of device-manager.md ("Error codes for devices and terminals"), with the
// Ukrainian text DM returns (copied from the doc; %s as there) and the kind it must have.
var dmCodes = []struct {
	code int
	uk   string
	kind error
}{
	{430, "Device error: %s", ErrDevice},
	{1016, "Internal error:", ErrLink},
	{1091, "Пристрій не знайдено", ErrLink},
	{1105, "Пристрій зайнятий", ErrBusy},
	{1082, "Неможливо зберегти дані до бази даних.", ErrDevice},
	{303, `Protocol id="%s", name="%s" do not recognised`, ErrNotSupported},
	{411, "Error receiving TimeOut:", ErrTimeout},
	{1126, "Неможливо відкрити СОМ порт. Порт відсутній в системі або зайнятий.", ErrLink},
	{5013, `Транзакцію з id="%s" не знайдено в БД`, ErrNotFound},
	{5028, "Неможливо встановити з'єднання з терміналом по інтерфейсу %s (%s)", ErrLink},
	{5029, "Термінал %s (%s) не підтримує завдання з типом %s", ErrNotSupported},
	{5067, "Помилка при з'єднанні за вказаною адресою: %s", ErrLink},
	{5068, "Таймаут при перевірці зв'язку з терміналом", ErrTimeout},
	{5000, "Помилка терміналу: %s", ErrDevice},
	{5001, "Помилка терміналу: Операція скасована користувачем", ErrCancelled},
	{5002, "Помилка терміналу: EMV Decline", ErrDeclined},
	{5003, "Помилка терміналу: Transaction log is full. Need close batch", ErrDevice},
	{5004, "Помилка терміналу: Немає зв'язку з банком", ErrDevice},
	{5005, "Помилка терміналу: Немає паперу в принтері", ErrDevice},
	{5006, "Помилка терміналу: Error Crypto keys", ErrDevice},
	{5007, "Помилка терміналу: Card reader is not connected", ErrDevice},
	{5008, "Помилка терміналу: Transaction is already complete", ErrDevice},
	{5009, "Помилка терміналу: ResponseCodeStr = %s (не вдалося обробити помилку)", ErrProtocol},
	{5010, "Помилка терміналу: error opening COM port", ErrLink},
	{5011, "Помилка терміналу: need to open COM port", ErrLink},
	{5012, "Помилка терміналу: error connecting with terminal", ErrLink},
	{5014, "Помилка зв'язку з терміналом", ErrLink},
	{5022, "Помилка терміналу: Йде обробка попередньої операції", ErrBusy},
	{5026, "Помилка терміналу: Потрібно виконати загальний звіт", ErrDevice},
	{5027, "Помилка терміналу: Операція не знайдена", ErrNotFound},
	{5015, "Повідомлення від банку: Відмова у проведенні операції", ErrDeclined},
	{5016, "Повідомлення від банку: Недозволена сума трансакції", ErrDeclined},
	{5017, "Повідомлення від банку: Помилковий номер картки", ErrDeclined},
	{5018, "Повідомлення від банку: Недостатньо коштів на рахунку", ErrDeclined},
	{5019, "Повідомлення від банку: Невірний PIN", ErrDeclined},
	{5020, "Повідомлення від банку: Перевищено ліміт трансакці", ErrDeclined},
	{5021, "Повідомлення від банку: Система не функціонує", ErrDeclined},
	{5025, "Повідомлення від банку: Некоректний RRN при виконанні повернення", ErrDeclined},
	{5023, "Помилка терміналу: Операція скасована", ErrCancelled},
	{5024, "Повідомлення від банку: %s Статус: %s Код відповіді банку: %s", ErrDeclined},
}

var allKinds = []error{ErrDeclined, ErrCancelled, ErrBusy, ErrTimeout, ErrLink, ErrNotSupported, ErrProtocol, ErrDevice, ErrNotFound}

// ownCodes are uapos's own codes, outside DM's table.
var ownCodes = []int{CodeIDReused, CodeAskBank}

func TestEveryDMCode(t *testing.T) {
	if len(Codes()) != len(dmCodes)+len(ownCodes) {
		t.Errorf("package knows %d codes, device-manager.md lists %d and uapos adds %d", len(Codes()), len(dmCodes), len(ownCodes))
	}
	for _, c := range ownCodes {
		if c < 7000 || c > 7999 {
			t.Errorf("own code %d is not in uapos's 7000-7999 range", c)
		}
	}
	for _, c := range dmCodes {
		tmpl, ok := CodeText(c.code)
		if !ok {
			t.Errorf("code %d unknown", c.code)
			continue
		}
		// DM's text up to its first placeholder must be ours too.
		prefix := c.uk
		if i := strings.Index(prefix, "%"); i >= 0 {
			prefix = prefix[:i]
		}
		if !strings.HasPrefix(tmpl, strings.TrimSpace(prefix)) {
			t.Errorf("code %d: text %q, DM says %q", c.code, tmpl, c.uk)
		}
		e := &Error{Code: c.code, DeviceText: "x"}
		for _, k := range allKinds {
			if got, want := errors.Is(e, k), k == c.kind; got != want {
				t.Errorf("code %d: errors.Is(%v) = %v, want %v", c.code, k, got, want)
			}
		}
		if !strings.Contains(e.Error(), fmt.Sprintf("[code %d]", c.code)) {
			t.Errorf("code %d: Error() = %q lacks the code", c.code, e.Error())
		}
		if e.Ukrainian() == "" {
			t.Errorf("code %d: empty Ukrainian()", c.code)
		}
	}
}

func TestErrorTexts(t *testing.T) {
	e := &Error{Code: 5024, Args: []string{"ВІДМОВА", "DECLINE", "51"}}
	if got := e.Ukrainian(); got != "Повідомлення від банку: ВІДМОВА Статус: DECLINE Код відповіді банку: 51" {
		t.Errorf("5024 Ukrainian = %q", got)
	}
	e = &Error{Code: 5000, DeviceText: "пристрій зайнятий", ResponseCode: "1000"}
	if got := e.Ukrainian(); got != "Помилка терміналу: пристрій зайнятий" {
		t.Errorf("5000 Ukrainian = %q", got)
	}
	if got := e.Error(); got != "payment: terminal error: пристрій зайнятий (response 1000) [code 5000]" {
		t.Errorf("5000 Error = %q", got)
	}
	if got := (&Error{Code: 411, Args: []string{"-"}}).Error(); got != "payment: no answer from the terminal in time [code 411]" {
		t.Errorf("411 without a time = %q", got)
	}
	if got := (&Error{Code: 411}).Ukrainian(); got != "Error receiving TimeOut" {
		t.Errorf("411 Ukrainian without a time = %q", got)
	}
	if got := (&Error{Code: 411, Args: []string{"310000"}}).Ukrainian(); got != "Error receiving TimeOut: 310000 ms" {
		t.Errorf("411 Ukrainian = %q", got)
	}
	cause := errors.New("read tcp: connection reset")
	e = &Error{Code: 5014, Err: cause}
	if !errors.Is(e, cause) || !errors.Is(e, ErrLink) {
		t.Error("Error must unwrap to its cause and match its kind")
	}
	e = &Error{Code: 5000, Kind: ErrDeclined}
	if !errors.Is(e, ErrDeclined) || errors.Is(e, ErrDevice) {
		t.Error("an explicit Kind overrides the code's kind")
	}
	if ErrorCode(fmt.Errorf("wrapped: %w", &Error{Code: 1105})) != 1105 || ErrorCode(cause) != 0 {
		t.Error("ErrorCode")
	}
	for in, want := range map[int]int{1000: 5000, 1001: 5001, 1008: 5008, 999: 0, 1009: 0} {
		if TerminalCode(in) != want {
			t.Errorf("TerminalCode(%d) = %d, want %d", in, TerminalCode(in), want)
		}
	}
}

// A card number a device puts into its message never leaves through Error() or Ukrainian().
func TestNoFullPANInErrors(t *testing.T) {
	full := "4" + strings.Repeat("1", 14) + "6" // a 16-digit card-like number, built so no literal sits in the source
	e := &Error{Code: 5000, DeviceText: "card " + full + " refused", Receipt: "PAN " + full, Err: errors.New("raw " + full)}
	for _, s := range []string{e.Error(), e.Ukrainian()} {
		if strings.Contains(s, full) {
			t.Fatalf("full PAN leaked: %q", s)
		}
		if !strings.Contains(s, "411111XXXXXX1116") {
			t.Errorf("masked PAN missing from %q", s)
		}
	}
}
