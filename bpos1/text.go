package bpos1

import (
	"fmt"

	"golang.org/x/text/encoding/charmap"
)

// decode converts a Windows-1251 string from the library (Receipt, descriptions, names) to
// UTF-8 (bpos1.md §1.1 "Character set"; the Linux samples iconv CP1251 -> UTF-8). Every
// byte of CP1251 has a mapping, so decoding never fails; NUL bytes are dropped.
func decode(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] != 0 {
			b = append(b, s[i])
		}
	}
	out, err := charmap.Windows1251.NewDecoder().Bytes(b)
	if err != nil {
		return string(b)
	}
	return string(out)
}

// encode converts a UTF-8 argument (RRN, currency code, service parameters) to the
// Windows-1251 bytes the library expects.
func encode(s string) (string, error) {
	out, err := charmap.Windows1251.NewEncoder().String(s)
	if err != nil {
		return "", fmt.Errorf("bpos1: %q cannot be written in Windows-1251: %w", s, err)
	}
	return out, nil
}
