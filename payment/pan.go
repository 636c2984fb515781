package payment

import "strings"

// MaskedPAN is a card number that is never full: [MaskPAN] (and UnmarshalText) keep the first 6
// and the last 4 digits of any number with more than 10 digits and replace the rest with 'X'.
// A number that is already masked ("4731XXXXXXXX9838", "516874******1234") stays as it is.
type MaskedPAN string

// MaskPAN masks s: when s holds more than 10 digits, every digit after the first 6 and before
// the last 4 becomes 'X'; other characters (spaces, '*', 'X') are kept.
func MaskPAN(s string) MaskedPAN {
	digits := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			digits++
		}
	}
	if digits <= 10 {
		return MaskedPAN(s)
	}
	b := []byte(s)
	seen := 0
	for i := range b {
		if b[i] >= '0' && b[i] <= '9' {
			if seen >= 6 && seen < digits-4 {
				b[i] = 'X'
			}
			seen++
		}
	}
	return MaskedPAN(b)
}

// String returns the masked number.
func (p MaskedPAN) String() string { return string(p) }

// Last4 returns the last four characters of the masked number.
func (p MaskedPAN) Last4() string {
	s := string(p)
	if len(s) <= 4 {
		return s
	}
	return s[len(s)-4:]
}

// MarshalText returns the masked number.
func (p MaskedPAN) MarshalText() ([]byte, error) { return []byte(p), nil }

// UnmarshalText masks the text before keeping it, so a full number read from JSON or from a
// journal never survives in memory as a MaskedPAN.
func (p *MaskedPAN) UnmarshalText(b []byte) error {
	*p = MaskPAN(string(b))
	return nil
}

// RedactPANs masks every run of 13 to 19 digits in s (a card number written anywhere in free
// text: a receipt, a device message, a log line) to first 6 / last 4. Runs may contain single
// spaces or dashes between digit groups (a number printed in groups of four, "NNNN NNNN ...").
// A longer run of groups is masked as a whole (first 6 / last 4 of the run) when some of its
// consecutive groups hold 13 to 19 digits, so a card number printed next to another number
// is not missed; a plain run of more than 19 digits is not a card number and stays.
func RedactPANs(s string) string {
	// A pass can leave the last digits of a masked number next to a further digit group, a
	// new run by the same rules; passes repeat until nothing changes, so the result is
	// stable (redacting it again changes nothing). Each pass that changes s masks digits,
	// so this ends.
	for hasLongDigitRun(s) {
		r := redactOnce(s)
		if r == s {
			break
		}
		s = r
	}
	return s
}

// redactOnce is one left-to-right pass of RedactPANs.
func redactOnce(s string) string {
	var out strings.Builder
	i := 0
	for i < len(s) {
		if !isDigit(s[i]) {
			out.WriteByte(s[i])
			i++
			continue
		}
		// extend over digits with single separators between them
		j, n := i, 0
		end := i
		for j < len(s) {
			if isDigit(s[j]) {
				n++
				j++
				end = j
				continue
			}
			if (s[j] == ' ' || s[j] == '-') && j+1 < len(s) && isDigit(s[j+1]) && n < 19 {
				j++
				continue
			}
			break
		}
		run := s[i:end]
		if n >= 13 && n <= 19 || n > 19 && holdsCardSpan(run) {
			out.WriteString(string(MaskPAN(run)))
		} else {
			out.WriteString(run)
		}
		i = end
	}
	return out.String()
}

// holdsCardSpan reports whether some consecutive digit groups of run (digit groups joined by
// single separators) hold 13 to 19 digits together: a card number next to another number,
// as in "0005 NNNN NNNN NNNN NNNN". Such a run is masked as a whole, which hides more than
// the card number but never less.
func holdsCardSpan(run string) bool {
	var groups []int
	n := 0
	for i := 0; i <= len(run); i++ {
		if i < len(run) && isDigit(run[i]) {
			n++
			continue
		}
		if n > 0 {
			groups = append(groups, n)
		}
		n = 0
	}
	for k := range groups {
		sum := 0
		for _, g := range groups[k:] {
			if sum += g; sum > 19 {
				break
			}
			if sum >= 13 {
				return true
			}
		}
	}
	return false
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func hasLongDigitRun(s string) bool {
	n := 0
	for i := 0; i < len(s); i++ {
		switch {
		case isDigit(s[i]):
			n++
			if n >= 13 {
				return true
			}
		case s[i] == ' ' || s[i] == '-':
		default:
			n = 0
		}
	}
	return false
}
