package service

import (
	"context"
	"errors"
	"net/http"
	"os"
	"strings"

	"github.com/uapos/uapos/escpos"
	"github.com/uapos/uapos/internal/advice"
	"github.com/uapos/uapos/payment"
	"github.com/uapos/uapos/transport"
)

// linkAdvice gives advice for an error that carries its link: a transport error from
// opening a link, or a read that timed out on one.
func linkAdvice(err error) (advice.Advice, bool) {
	var te *transport.Error
	if err == nil || !errors.As(err, &te) || te.Link == "" {
		return advice.Advice{}, false
	}
	url := te.Link
	if scheme, rest, ok := strings.Cut(te.Link, ":"); ok && !strings.HasPrefix(rest, "//") {
		url = scheme + "://" + rest
	}
	switch {
	case te.Op == "open":
		return advice.Open(url, err), true
	case te.Op == "read" && errors.Is(err, os.ErrDeadlineExceeded):
		return advice.NoAnswer(url), true
	}
	return advice.Advice{}, false
}

// openFailed lists the codes of a terminal that could not be opened or connected to.
var openFailed = map[int]bool{payment.CodeConnectFailed: true, payment.CodePortOpen: true, 5010: true, 5012: true, payment.CodeAddressFailed: true}

// describeFor is describe for an error of the named device: when the error does not carry
// its link, the device's configured URL gives the advice.
func (s *Service) describeFor(name string, err error) (int, ErrorInfo) {
	st, info := describe(err)
	if info.Advice != "" {
		return st, info
	}
	url := ""
	if t, ok := s.terminals[name]; ok {
		url = t.dev.URL
	} else if p, ok := s.printers[name]; ok {
		url = p.dev.URL
	} else if d, ok := s.drawers[name]; ok {
		url = s.printers[d.dev.Printer].dev.URL
	}
	if url == "" {
		return st, info
	}
	var a advice.Advice
	var de *deviceError
	switch {
	case openFailed[info.Code]:
		a = advice.Open(url, err)
	case payment.KindOf(err) == payment.ErrTimeout, errors.Is(err, escpos.ErrNoReply),
		errors.As(err, &de) && errors.Is(err, context.DeadlineExceeded):
		a = advice.NoAnswer(url)
	case errors.As(err, &de) && !isDocumentError(err):
		a = advice.Open(url, err)
	default:
		return st, info
	}
	info.Advice, info.AdviceUK = a.EN, a.UK
	return st, info
}

// writeDeviceError is writeError for a request about the device in the path's {name}.
func (s *Service) writeDeviceError(w http.ResponseWriter, r *http.Request, err error, res *payment.Result) {
	st, info := s.describeFor(r.PathValue("name"), err)
	writeJSON(w, st, errorBody{Error: info, Result: res})
}
