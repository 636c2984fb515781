package service

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/uapos/uapos/escpos"
	"github.com/uapos/uapos/payment"
)

// CodeBadRequest is DM's 2000 "Невірний формат вхідного JSON": the service gives it to every
// request it refuses before touching a device (malformed JSON, a bad amount, a missing
// transaction id, an unknown task, a body over the limit).
const CodeBadRequest = 2000

const textBadRequest = "Невірний формат вхідного JSON"

// inputError is a request the service refuses before any device is touched.
type inputError struct {
	msg    string
	status int // 0 = 400
}

func (e *inputError) Error() string { return e.msg }

func badRequest(format string, args ...any) error {
	return &inputError{msg: fmt.Sprintf(format, args...)}
}

// deviceError is a printer or drawer failure (DM 430 "Device error: %s").
type deviceError struct {
	device string
	err    error
}

func (e *deviceError) Error() string { return e.device + ": " + e.err.Error() }
func (e *deviceError) Unwrap() error { return e.err }

// ErrorInfo is the "error" object of every native error body, and the source of the DM
// facade's res and errortxt.
type ErrorInfo struct {
	// Code is the DM code: payment.Error codes, 2000 for refused input.
	Code int `json:"code"`
	// Kind is the error's kind: "declined", "cancelled", "device busy", "timeout", "link
	// failure", "not supported", "protocol violation", "device fault", "transaction not found",
	// or "bad request".
	Kind string `json:"kind"`
	// Message is the English text.
	Message string `json:"message"`
	// Text is DM's Ukrainian text for the code (DM's errortxt).
	Text string `json:"text"`
	// ResponseCode and DeviceText are the host's response code and the device's own text.
	ResponseCode string `json:"response_code,omitempty"`
	DeviceText   string `json:"device_text,omitempty"`
	// OutcomeUnknown is true when the request may have reached the terminal and its outcome
	// is not known: retry with the same transaction id, which reconciles first.
	OutcomeUnknown bool `json:"outcome_unknown,omitempty"`
	// AskBank is true when the terminal cannot prove the outcome: only the bank can settle it.
	AskBank bool `json:"ask_bank,omitempty"`
	// Advice and AdviceUK say what to do, in English and Ukrainian, when the device could not
	// be opened or did not answer (the advice hwprobe gives: permissions, the baud rate, a
	// port whose name changed).
	Advice   string `json:"advice,omitempty"`
	AdviceUK string `json:"advice_uk,omitempty"`
}

// describe maps any error the service meets to its HTTP status and the JSON error. It is the
// one place where errors become wire errors.
func describe(err error) (int, ErrorInfo) {
	st, info := describeBare(err)
	if a, ok := linkAdvice(err); ok {
		info.Advice, info.AdviceUK = a.EN, a.UK
	}
	return st, info
}

func describeBare(err error) (int, ErrorInfo) {
	var ie *inputError
	if errors.As(err, &ie) {
		st := ie.status
		if st == 0 {
			st = http.StatusBadRequest
		}
		return st, ErrorInfo{Code: CodeBadRequest, Kind: "bad request", Message: ie.msg, Text: textBadRequest + ": " + ie.msg}
	}
	if errors.Is(err, payment.ErrNoTransactionID) {
		msg := "transaction_id is required for an operation that moves money"
		return http.StatusBadRequest, ErrorInfo{Code: CodeBadRequest, Kind: "bad request", Message: msg, Text: textBadRequest + ": " + msg}
	}
	for _, docErr := range []error{escpos.ErrDocument, escpos.ErrBarcode, escpos.ErrTooLarge, escpos.ErrNotSupported} {
		if errors.Is(err, docErr) {
			msg := payment.RedactPANs(err.Error())
			return http.StatusBadRequest, ErrorInfo{Code: CodeBadRequest, Kind: "bad request", Message: msg, Text: textBadRequest + ": " + msg}
		}
	}
	var pe *payment.Error
	if errors.As(err, &pe) {
		text := pe.Ukrainian()
		if dt := payment.RedactPANs(pe.DeviceText); dt != "" && !strings.Contains(text, dt) {
			text += ": " + dt
		}
		info := ErrorInfo{
			Code:           pe.Code,
			Kind:           payment.KindOf(pe).Error(),
			Message:        strings.TrimPrefix(pe.Error(), "payment: "),
			Text:           text,
			ResponseCode:   pe.ResponseCode,
			DeviceText:     payment.RedactPANs(pe.DeviceText),
			OutcomeUnknown: errors.Is(err, payment.ErrOutcomeUnknown),
			AskBank:        errors.Is(err, payment.ErrAskBank),
		}
		return statusOf(pe), info
	}
	var de *deviceError
	if errors.As(err, &de) {
		pe := &payment.Error{Code: payment.CodeDeviceError, Args: []string{payment.RedactPANs(de.Error())}}
		st := http.StatusBadGateway
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, escpos.ErrNoReply) {
			st = http.StatusGatewayTimeout
		}
		return st, ErrorInfo{Code: pe.Code, Kind: payment.ErrDevice.Error(), Message: strings.TrimPrefix(pe.Error(), "payment: "), Text: pe.Ukrainian()}
	}
	pe = &payment.Error{Code: payment.CodeInternal, Args: []string{payment.RedactPANs(err.Error())}}
	return http.StatusInternalServerError, ErrorInfo{Code: pe.Code, Kind: payment.KindOf(pe).Error(),
		Message: strings.TrimPrefix(pe.Error(), "payment: "), Text: pe.Ukrainian()}
}

// statusOf gives the HTTP status of a payment error: by code where the code says more than
// the kind, else by kind.
func statusOf(pe *payment.Error) int {
	switch pe.Code {
	case payment.CodeDeviceNotFound, 303:
		return http.StatusNotFound
	case payment.CodeIDReused:
		return http.StatusConflict
	case payment.CodeJournal:
		return http.StatusInternalServerError
	case payment.CodeAskBank:
		return http.StatusBadGateway
	}
	switch payment.KindOf(pe) {
	case payment.ErrDeclined:
		return http.StatusPaymentRequired
	case payment.ErrBusy, payment.ErrCancelled:
		return http.StatusConflict
	case payment.ErrNotSupported:
		return http.StatusUnprocessableEntity
	case payment.ErrNotFound:
		return http.StatusNotFound
	case payment.ErrTimeout:
		return http.StatusGatewayTimeout
	}
	return http.StatusBadGateway
}

// errorBody is the JSON body of a native error: the error and, for a decline that came with
// the terminal's answer, the result.
type errorBody struct {
	Error  ErrorInfo       `json:"error"`
	Result *payment.Result `json:"result,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"error":{"code":1016,"kind":"link failure","message":"internal error: cannot encode the reply","text":"Internal error: "}}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

// writeError writes err as a native error body.
func writeError(w http.ResponseWriter, err error, res *payment.Result) {
	st, info := describe(err)
	writeJSON(w, st, errorBody{Error: info, Result: res})
}
