package posapi

import (
	"golang.org/x/text/encoding/charmap"

	"github.com/uapos/uapos/posapi/capi"
)

// LoadOptions configures [Load].
type LoadOptions struct {
	// CP1251 converts values between UTF-8 and Windows-1251 at the library boundary. The
	// Windows builds use the ANSI code page (the guide's samples convert to OEM for the
	// console); the encoding of LIBPOS.SO is not documented. Default false: bytes pass as is.
	CP1251 bool
}

// valueBuf is the pos_get buffer size when the library has no pos_get_length; the guide's C
// sample uses 10240 bytes.
const valueBuf = 10240

var _ capi.Library = (*VendorLibrary)(nil)

func (o LoadOptions) decode(s string) string {
	if !o.CP1251 {
		return s
	}
	d, err := charmap.Windows1251.NewDecoder().String(s)
	if err != nil {
		return s
	}
	return d
}

func (o LoadOptions) encode(s string) string {
	if !o.CP1251 {
		return s
	}
	e, err := charmap.Windows1251.NewEncoder().String(s)
	if err != nil {
		return s
	}
	return e
}
