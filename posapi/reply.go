package posapi

import (
	"time"

	"github.com/uapos/uapos/payment"
	"github.com/uapos/uapos/posapi/capi"
)

// Bounds on what a library may hand back: values and parameters are hostile input.
const (
	maxValues   = 256     // parameters kept per response
	maxValueLen = 1 << 16 // bytes kept per value (slips are the longest)
)

// Reply is the parameters of one response, by wire name. Card numbers are masked and free
// text has card-like digit runs redacted before they are stored.
type Reply struct {
	// Response is the RESP_* the values came with.
	Response capi.Response
	// Values holds every parameter of the response by its wire name.
	Values map[string]string
	sym    *symbols
}

// Get returns the value of parameter p ("" when absent or when p has no known wire name).
func (r *Reply) Get(p capi.Param) string {
	if r == nil || r.sym == nil {
		return ""
	}
	w, ok := r.sym.param(p)
	if !ok {
		return ""
	}
	return r.Values[w]
}

// Has reports whether parameter p came with the response.
func (r *Reply) Has(p capi.Param) bool {
	if r == nil || r.sym == nil {
		return false
	}
	w, ok := r.sym.param(p)
	if !ok {
		return false
	}
	_, ok = r.Values[w]
	return ok
}

// readReply collects every parameter of the last pos_receive with pos_get_first/next.
func readReply(lib capi.Library, h capi.Handle, resp capi.Response, sym *symbols) *Reply {
	r := &Reply{Response: resp, Values: map[string]string{}, sym: sym}
	panWire, _ := sym.param(capi.ParamCardPAN)
	name, val, ok := lib.GetFirst(h)
	for i := 0; ok && i < maxValues; i++ {
		if len(val) > maxValueLen {
			val = val[:maxValueLen]
		}
		if len(name) > 0 && len(name) <= 64 {
			val = clean(sym, name, panWire, val)
			r.Values[name] = val
		}
		name, val, ok = lib.GetNext(h)
	}
	return r
}

// clean masks card numbers in a value: the PAN field is masked; a well-formed date_time or
// SHA-256 hex value is kept as is (it is not a card number); every other value has card-like
// digit runs redacted.
func clean(sym *symbols, name, panWire, val string) string {
	if name == panWire {
		return string(payment.MaskPAN(val))
	}
	if p, ok := sym.wire[name]; ok {
		switch info, _ := p.Info(); info.Format {
		case capi.FormatDateTime:
			if _, err := ParseDateTime(val, time.UTC); err == nil {
				return val
			}
		case capi.FormatHex:
			if len(val) == 64 && isHex(val) {
				return val
			}
		}
	}
	return payment.RedactPANs(val)
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}
