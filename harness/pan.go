package harness

import "regexp"

// digitRun matches a run of digits that may be split into groups by single spaces or
// dashes ("4111 1111 ..."), as card numbers are printed. Masked forms ("4731XXXXXXXX9838",
// "516874******1234") break the run and never match as a whole.
var digitRun = regexp.MustCompile(`[0-9]+(?:[ -][0-9]+)*`)

// FindPANs returns every unmasked card number in s: a run of 13 to 19 digits (single
// spaces or dashes between groups allowed) that passes the Luhn check and is not a
// YYYYMMDDhhmmss time stamp. Masked numbers, RRNs (12 digits) and amounts do not match.
func FindPANs(s string) []string {
	var out []string
	for _, m := range digitRun.FindAllString(s, -1) {
		d := make([]byte, 0, len(m))
		for i := 0; i < len(m); i++ {
			if m[i] >= '0' && m[i] <= '9' {
				d = append(d, m[i])
			}
		}
		if len(d) < 13 {
			continue
		}
		if len(d) > 19 {
			// a longer run: look at every 13-19 digit window would flag hashes and ids;
			// a card number inside a longer digit run is not printed that way.
			continue
		}
		if luhn(d) && !timestamp(d) {
			out = append(out, m)
		}
	}
	return out
}

// luhn reports whether the digits pass the Luhn (mod 10) check every card number passes.
func luhn(d []byte) bool {
	sum := 0
	double := false
	for i := len(d) - 1; i >= 0; i-- {
		v := int(d[i] - '0')
		if double {
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		sum += v
		double = !double
	}
	return sum%10 == 0
}

// timestamp reports whether 14 digits read as a plausible YYYYMMDDhhmmss between 1990 and
// 2099 (terminals send such date-times; they are not card numbers).
func timestamp(d []byte) bool {
	if len(d) != 14 {
		return false
	}
	n := func(i, j int) int {
		v := 0
		for _, c := range d[i:j] {
			v = v*10 + int(c-'0')
		}
		return v
	}
	y, mo, day, h, mi, s := n(0, 4), n(4, 6), n(6, 8), n(8, 10), n(10, 12), n(12, 14)
	return y >= 1990 && y <= 2099 && mo >= 1 && mo <= 12 && day >= 1 && day <= 31 && h < 24 && mi < 60 && s < 60
}
