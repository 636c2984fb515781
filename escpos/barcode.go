package escpos

import "fmt"

// HRI is where the human-readable digits of a barcode are printed (GS H).
type HRI byte

// HRI positions (escpos.md §1.4 GS H).
const (
	HRINone  HRI = 0
	HRIAbove HRI = 1
	HRIBelow HRI = 2
	HRIBoth  HRI = 3
)

// AppendBarcodeHeight appends GS h n (1D 68 n), height in dots 1..255 (§1.4).
func AppendBarcodeHeight(dst []byte, dots int) []byte {
	return append(dst, GS, 'h', byte(clamp(dots, 1, 255)))
}

// AppendBarcodeWidth appends GS w n (1D 77 n), module width 2..6 (§1.4).
func AppendBarcodeWidth(dst []byte, n int) []byte {
	return append(dst, GS, 'w', byte(clamp(n, 2, 6)))
}

// AppendHRIPosition appends GS H n (1D 48 n) (§1.4).
func AppendHRIPosition(dst []byte, h HRI) []byte { return append(dst, GS, 'H', byte(h)) }

// AppendHRIFont appends GS f n (1D 66 n) (§1.4).
func AppendHRIFont(dst []byte, f Font) []byte { return append(dst, GS, 'f', byte(f)) }

// EAN13 validates an EAN-13 number given as 12 digits (the check digit is computed) or 13
// digits (the check digit is verified) and returns all 13 digits.
func EAN13(data string) (string, error) {
	if len(data) != 12 && len(data) != 13 {
		return "", fmt.Errorf("%w: ean-13 needs 12 or 13 digits, got %d characters", ErrBarcode, len(data))
	}
	sum := 0
	for i := 0; i < len(data); i++ {
		c := data[i]
		if c < '0' || c > '9' {
			return "", fmt.Errorf("%w: ean-13 character %d is not a digit", ErrBarcode, i+1)
		}
		if i < 12 {
			d := int(c - '0')
			if i%2 == 1 {
				d *= 3
			}
			sum += d
		}
	}
	check := byte('0' + (10-sum%10)%10)
	if len(data) == 13 {
		if data[12] != check {
			return "", fmt.Errorf("%w: ean-13 check digit is %c, want %c", ErrBarcode, data[12], check)
		}
		return data, nil
	}
	return data + string(check), nil
}

// AppendEAN13 appends GS k 67 n d… (1D 6B 43 0D d1…d13), function B (§1.4), after
// validating the number with [EAN13].
func AppendEAN13(dst []byte, data string) ([]byte, error) {
	d, err := EAN13(data)
	if err != nil {
		return dst, err
	}
	dst = append(dst, GS, 'k', 67, byte(len(d)))
	return append(dst, d...), nil
}

// AppendEAN13A appends the function A form GS k 2 d… 00 (1D 6B 02 d1…d13 00) (§1.4).
func AppendEAN13A(dst []byte, data string) ([]byte, error) {
	d, err := EAN13(data)
	if err != nil {
		return dst, err
	}
	dst = append(dst, GS, 'k', 2)
	dst = append(dst, d...)
	return append(dst, 0), nil
}

// Code128Data returns the GS k 73 payload for data: code-set selectors {A {B {C chosen to
// minimise the length, digit pairs packed in set C, and "{" escaped as "{{" (§1.4). Data must
// be ASCII (0x00-0x7F).
func Code128Data(data string) ([]byte, error) {
	n := len(data)
	if n == 0 {
		return nil, fmt.Errorf("%w: code128 data is empty", ErrBarcode)
	}
	for i := 0; i < n; i++ {
		if data[i] >= 0x80 {
			return nil, fmt.Errorf("%w: code128 byte %d is not ascii", ErrBarcode, i)
		}
	}
	// cost[i][s]: fewest bytes to encode data[i:] when set s is active at i.
	const inf = 1 << 30
	cost := make([][3]int, n+1)
	step := make([][3]int8, n+1) // chosen set for the next symbol
	for i := n - 1; i >= 0; i-- {
		for s := 0; s < 3; s++ {
			best, bs := inf, int8(-1)
			for _, t := range setOrder {
				c, adv := symCost(data, i, t)
				if c < 0 {
					continue
				}
				if t != s {
					c += 2
				}
				c += cost[i+adv][t]
				if c < best {
					best, bs = c, int8(t)
				}
			}
			cost[i][s], step[i][s] = best, bs
		}
	}
	// Start: a selector is always needed, so charge it and pick the best first set.
	start, best := 0, inf
	for _, t := range setOrder {
		c, adv := symCost(data, 0, t)
		if c < 0 {
			continue
		}
		if c+cost[adv][t] < best {
			best, start = c+cost[adv][t], t
		}
	}
	if best >= inf {
		return nil, fmt.Errorf("%w: code128 cannot encode data", ErrBarcode)
	}
	out := make([]byte, 0, best+2)
	s := start
	out = append(out, '{', 'A'+byte(s))
	for i := 0; i < n; {
		t := s
		if i > 0 {
			t = int(step[i][s])
		}
		if t != s {
			out = append(out, '{', 'A'+byte(t))
			s = t
		}
		switch s {
		case 2:
			out = append(out, (data[i]-'0')*10+data[i+1]-'0')
			i += 2
		default:
			if data[i] == '{' {
				out = append(out, '{')
			}
			out = append(out, data[i])
			i++
		}
	}
	if len(out) > 255 {
		return nil, fmt.Errorf("%w: code128 needs %d bytes, limit 255", ErrTooLarge, len(out))
	}
	return out, nil
}

// setOrder is the order in which code sets are tried; on a tie the first wins, so B (the
// usual default) is preferred over C and A.
var setOrder = [3]int{1, 2, 0}

// symCost returns the bytes one symbol costs at data[i] in set t (0=A, 1=B, 2=C) and how many
// input bytes it consumes, or -1 if set t cannot encode it.
func symCost(data string, i, t int) (int, int) {
	c := data[i]
	switch t {
	case 0: // set A: 0x00-0x5F
		if c <= 0x5F {
			return 1, 1
		}
	case 1: // set B: 0x20-0x7F; "{" doubles
		if c >= 0x20 {
			if c == '{' {
				return 2, 1
			}
			return 1, 1
		}
	case 2:
		if i+1 < len(data) && isDigit(c) && isDigit(data[i+1]) {
			return 1, 2
		}
	}
	return -1, 0
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// AppendCode128 appends GS k 73 n {X… (1D 6B 49 n …) with the payload of [Code128Data] (§1.4).
func AppendCode128(dst []byte, data string) ([]byte, error) {
	p, err := Code128Data(data)
	if err != nil {
		return dst, err
	}
	dst = append(dst, GS, 'k', 73, byte(len(p)))
	return append(dst, p...), nil
}

// QRLevel is a QR error-correction level.
type QRLevel byte

// QR error-correction levels (escpos.md §1.5 function 169).
const (
	QRLevelL QRLevel = 0x30 // 7 %
	QRLevelM QRLevel = 0x31 // 15 %
	QRLevelQ QRLevel = 0x32 // 25 %
	QRLevelH QRLevel = 0x33 // 30 %
)

// String returns "L", "M", "Q" or "H".
func (l QRLevel) String() string {
	if l >= QRLevelL && l <= QRLevelH {
		return string("LMQH"[l-QRLevelL])
	}
	return "qrlevel(" + itoa(int(l)) + ")"
}

// ParseQRLevel maps "L", "M", "Q", "H" (case-insensitive, "" = M) to a level.
func ParseQRLevel(s string) (QRLevel, error) {
	switch s {
	case "", "M", "m":
		return QRLevelM, nil
	case "L", "l":
		return QRLevelL, nil
	case "Q", "q":
		return QRLevelQ, nil
	case "H", "h":
		return QRLevelH, nil
	}
	return 0, fmt.Errorf("%w: qr error correction %q", ErrBarcode, s)
}

// QR model numbers for function 165.
const (
	QRModel1     = 0x31
	QRModel2     = 0x32
	QRModelMicro = 0x33
)

// MaxQRData is the largest QR payload for GS ( k function 180 on Epson/Citizen (§1.5).
const MaxQRData = 7089

// AppendQRModel appends GS ( k fn 165: 1D 28 6B 04 00 31 41 n1 00 (§1.5).
func AppendQRModel(dst []byte, model byte) []byte {
	return append(dst, GS, '(', 'k', 4, 0, 0x31, 0x41, model, 0)
}

// AppendQRSize appends GS ( k fn 167: 1D 28 6B 03 00 31 43 n, module size 1..16 (§1.5).
func AppendQRSize(dst []byte, n int) []byte {
	return append(dst, GS, '(', 'k', 3, 0, 0x31, 0x43, byte(clamp(n, 1, 16)))
}

// AppendQRLevel appends GS ( k fn 169: 1D 28 6B 03 00 31 45 n (§1.5).
func AppendQRLevel(dst []byte, l QRLevel) []byte {
	return append(dst, GS, '(', 'k', 3, 0, 0x31, 0x45, byte(l))
}

// AppendQRStore appends GS ( k fn 180: 1D 28 6B pL pH 31 50 30 d…, pL+pH·256 = len(data)+3,
// the length counted in bytes (UTF-8 for non-ASCII) (§1.5).
func AppendQRStore(dst []byte, data []byte) ([]byte, error) {
	if len(data) == 0 {
		return dst, fmt.Errorf("%w: qr data is empty", ErrBarcode)
	}
	if len(data) > MaxQRData {
		return dst, fmt.Errorf("%w: qr data is %d bytes, limit %d", ErrTooLarge, len(data), MaxQRData)
	}
	n := len(data) + 3
	dst = append(dst, GS, '(', 'k', byte(n), byte(n>>8), 0x31, 0x50, 0x30)
	return append(dst, data...), nil
}

// AppendQRPrint appends GS ( k fn 181: 1D 28 6B 03 00 31 51 30 (§1.5).
func AppendQRPrint(dst []byte) []byte {
	return append(dst, GS, '(', 'k', 3, 0, 0x31, 0x51, 0x30)
}

// AppendQR appends the whole native QR sequence: model 2, module size, error correction,
// store, print.
func AppendQR(dst []byte, data []byte, size int, l QRLevel) ([]byte, error) {
	if len(data) > MaxQRData || len(data) == 0 {
		_, err := AppendQRStore(nil, data)
		return dst, err
	}
	dst = AppendQRModel(dst, QRModel2)
	dst = AppendQRSize(dst, size)
	dst = AppendQRLevel(dst, l)
	dst, _ = AppendQRStore(dst, data)
	return AppendQRPrint(dst), nil
}
