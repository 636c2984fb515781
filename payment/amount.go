package payment

import (
	"errors"
	"fmt"
	"math"
	"strconv"
)

// Amount is a sum of money in kopecks (1/100 of a hryvnia). The zero value is 0.00.
// Amount implements [flag.Value], so it can be a command-line flag ("12.34").
type Amount int64

// MaxAmount is the largest amount [ParseAmount] accepts: the largest int64 count of kopecks.
const MaxAmount = Amount(math.MaxInt64)

// ErrBadAmount is wrapped by every error [ParseAmount] returns.
var ErrBadAmount = errors.New("payment: bad amount")

// ParseAmount parses a non-negative decimal amount in hryvnias: "12", "12.3" or "12.34".
// It rejects empty strings, signs, spaces, more than two decimals, exponents, and values that
// overflow int64 kopecks.
func ParseAmount(s string) (Amount, error) {
	bad := func(why string) (Amount, error) {
		return 0, fmt.Errorf("%w %q: %s", ErrBadAmount, s, why)
	}
	if s == "" {
		return bad("empty")
	}
	whole, frac := s, ""
	for i := 0; i < len(s); i++ {
		if s[i] == '.' {
			whole, frac = s[:i], s[i+1:]
			break
		}
	}
	if whole == "" {
		return bad("no digits before the point")
	}
	if len(frac) > 2 {
		return bad("more than two decimals")
	}
	if len(s) > len(whole) && frac == "" {
		return bad("no digits after the point")
	}
	for _, part := range []string{whole, frac} {
		for i := 0; i < len(part); i++ {
			if part[i] < '0' || part[i] > '9' {
				return bad("not a digit")
			}
		}
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w > math.MaxInt64/100 {
		return bad("too large")
	}
	var f int64
	if frac != "" {
		f, _ = strconv.ParseInt(frac, 10, 64)
		if len(frac) == 1 {
			f *= 10
		}
	}
	if w*100 > math.MaxInt64-f {
		return bad("too large")
	}
	return Amount(w*100 + f), nil
}

// String formats the amount as hryvnias with two decimals: "12.34", "-0.05".
func (a Amount) String() string {
	neg := a < 0
	u := uint64(a)
	if neg {
		u = uint64(-a)
	}
	s := fmt.Sprintf("%d.%02d", u/100, u%100)
	if neg {
		return "-" + s
	}
	return s
}

// Set parses s with [ParseAmount]; it makes *Amount a [flag.Value].
func (a *Amount) Set(s string) error {
	v, err := ParseAmount(s)
	if err != nil {
		return err
	}
	*a = v
	return nil
}

// Kopecks returns the amount as an integer number of kopecks (minor units).
func (a Amount) Kopecks() int64 { return int64(a) }

// MarshalText formats the amount as "12.34".
func (a Amount) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// UnmarshalText parses "12.34" with [ParseAmount].
func (a *Amount) UnmarshalText(b []byte) error { return a.Set(string(b)) }
