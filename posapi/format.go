package posapi

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/uapos/uapos/payment"
)

// ErrBadValue is wrapped by the value parsers when a terminal's value is malformed.
var ErrBadValue = errors.New("posapi: bad value")

// FormatAmount writes an amount as POS_AMOUNT wants it: an integer of minor units, 1-12 digits
// (protocols/posapi.md section 1.5).
func FormatAmount(a payment.Amount) (string, error) {
	if a < 0 {
		return "", fmt.Errorf("%w: negative amount %s", ErrBadValue, a)
	}
	s := fmt.Sprintf("%d", a.Kopecks())
	if len(s) > 12 {
		return "", fmt.Errorf("%w: amount %s has more than 12 digits", ErrBadValue, a)
	}
	return s, nil
}

// ParseAmount reads a POS_AMOUNT-format value: 1-12 decimal digits of minor units.
func ParseAmount(s string) (payment.Amount, error) {
	if len(s) == 0 || len(s) > 12 {
		return 0, fmt.Errorf("%w: amount %q: want 1-12 digits", ErrBadValue, clip(s))
	}
	var v int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("%w: amount %q: not a digit", ErrBadValue, clip(s))
		}
		v = v*10 + int64(c-'0')
	}
	return payment.Amount(v), nil
}

// ParseDateTime reads POS_DATE_TIME: YYYYMMDDhhmmss, in the terminal's local time (taken as
// loc; nil means time.Local).
func ParseDateTime(s string, loc *time.Location) (time.Time, error) {
	if loc == nil {
		loc = time.Local
	}
	if len(s) != 14 {
		return time.Time{}, fmt.Errorf("%w: date_time %q: want YYYYMMDDhhmmss", ErrBadValue, clip(s))
	}
	t, err := time.ParseInLocation("20060102150405", s, loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: date_time %q", ErrBadValue, clip(s))
	}
	return t, nil
}

// Slips splits POS_PRINT into slips (separated by '\f'), each with lines split by '\n'
// (protocols/posapi.md section 1.5); CR before LF is dropped.
func Slips(print string) []string {
	if print == "" {
		return nil
	}
	parts := strings.Split(strings.ReplaceAll(print, "\r\n", "\n"), "\f")
	out := parts[:0]
	for _, p := range parts {
		if strings.TrimSpace(p) != "" {
			out = append(out, p)
		}
	}
	return out
}

func clip(s string) string {
	s = payment.RedactPANs(s)
	if len(s) > 32 {
		return s[:32] + "..."
	}
	return s
}
