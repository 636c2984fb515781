package service

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"io"
	"net/http"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/uapos/uapos/escpos"
	"github.com/uapos/uapos/payment"
)

// DefaultMaxBody bounds a request body.
const DefaultMaxBody = 1 << 20

// MaxIDLength bounds a transaction id (DM sends UUIDs: 36 characters).
const MaxIDLength = 128

// readBody reads a bounded request body.
func readBody(r *http.Request) ([]byte, error) {
	b, err := io.ReadAll(r.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, &inputError{msg: fmt.Sprintf("request body larger than %d bytes", mbe.Limit), status: http.StatusRequestEntityTooLarge}
		}
		return nil, badRequest("reading the request body: %v", err)
	}
	return b, nil
}

// jsonBody reads a bounded body declared as JSON (see requireJSON).
func jsonBody(r *http.Request) ([]byte, error) {
	if err := requireJSON(r); err != nil {
		return nil, err
	}
	return readBody(r)
}

// readJSON reads a JSON body into v (see jsonBody and decodeStrict).
func readJSON(r *http.Request, v any) error {
	body, err := jsonBody(r)
	if err != nil {
		return err
	}
	return decodeStrict(body, v)
}

// decodeStrict decodes one JSON object into v, refusing unknown fields and trailing data.
func decodeStrict(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return badRequest("empty body: want a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return badRequest("malformed JSON: %s", jsonErrText(err))
	}
	if _, err := dec.Token(); err != io.EOF {
		return badRequest("malformed JSON: data after the object")
	}
	return nil
}

func jsonErrText(err error) string {
	var ae *amountError
	if errors.As(err, &ae) {
		return ae.Error()
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("%v (at byte %d)", se, se.Offset)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		if te.Field != "" {
			return fmt.Sprintf("field %q: want %s, got JSON %s", te.Field, te.Type, te.Value)
		}
		return fmt.Sprintf("want %s, got JSON %s", te.Type, te.Value)
	}
	return payment.RedactPANs(err.Error())
}

// amountError is a refused amount.
type amountError struct {
	raw string
	err error
}

func (e *amountError) Error() string {
	if len(e.raw) > 40 {
		e.raw = e.raw[:40] + "…"
	}
	return fmt.Sprintf("amount %s: want a string of hryvnias with at most two decimals, as \"12.34\" (%v)", e.raw, e.err)
}

// Amount is an amount on the native API: a JSON string "12.34" (hryvnias, at most two
// decimals). A JSON number is refused: 12 would be ambiguous between hryvnias and kopecks.
type Amount struct {
	payment.Amount
	Set bool
}

// UnmarshalJSON implements json.Unmarshaler.
func (a *Amount) UnmarshalJSON(b []byte) error {
	var s string
	if len(b) == 0 || b[0] != '"' {
		return &amountError{raw: string(b), err: errors.New("not a string")}
	}
	if err := json.Unmarshal(b, &s); err != nil {
		return &amountError{raw: string(b), err: err}
	}
	v, err := payment.ParseAmount(s)
	if err != nil {
		return &amountError{raw: strconv.Quote(s), err: errors.Unwrap(err)}
	}
	a.Amount, a.Set = v, true
	return nil
}

// MarshalJSON implements json.Marshaler.
func (a Amount) MarshalJSON() ([]byte, error) { return json.Marshal(a.Amount.String()) }

// OperationRequest is the body of a native terminal operation.
type OperationRequest struct {
	// TransactionID is the caller's id of the operation; required for every operation that
	// moves money. A retry with the same id returns the recorded outcome and never charges
	// twice.
	TransactionID   string            `json:"transaction_id,omitempty"`
	Amount          Amount            `json:"amount,omitzero"`
	CashAmount      Amount            `json:"cash_amount,omitzero"`
	Discount        Amount            `json:"discount,omitzero"`
	Merchant        string            `json:"merchant,omitempty"`
	RRN             string            `json:"rrn,omitempty"`
	Invoice         string            `json:"invoice,omitempty"`
	AgreementNumber string            `json:"agreement_number,omitempty"`
	Instalments     int               `json:"instalments,omitempty"`
	Extra           map[string]string `json:"extra,omitempty"`
}

// checkID checks a transaction id: required when the operation moves money, at most
// MaxIDLength bytes, printable.
func checkID(op payment.Operation, id string) error {
	if id == "" {
		if op.MovesMoney() {
			return payment.ErrNoTransactionID
		}
		return nil
	}
	if len(id) > MaxIDLength {
		return badRequest("transaction_id longer than %d bytes", MaxIDLength)
	}
	if !utf8.ValidString(id) {
		return badRequest("transaction_id is not valid UTF-8")
	}
	for _, r := range id {
		if !unicode.IsPrint(r) {
			return badRequest("transaction_id has a control or non-printable character")
		}
	}
	return nil
}

// checkRef checks a free-text reference (rrn, invoice, merchant...).
func checkRef(name, v string) error {
	if len(v) > 64 {
		return badRequest("%s longer than 64 bytes", name)
	}
	for _, r := range v {
		if !unicode.IsPrint(r) || r == utf8.RuneError {
			return badRequest("%s has a control or non-printable character", name)
		}
	}
	return nil
}

// toPayment checks the request for op and returns the library request.
func (o OperationRequest) toPayment(op payment.Operation) (payment.Request, error) {
	if err := checkID(op, o.TransactionID); err != nil {
		return payment.Request{}, err
	}
	for _, f := range []struct{ name, v string }{{"merchant", o.Merchant}, {"rrn", o.RRN}, {"invoice", o.Invoice}, {"agreement_number", o.AgreementNumber}} {
		if err := checkRef(f.name, f.v); err != nil {
			return payment.Request{}, err
		}
	}
	if len(o.Extra) > 32 {
		return payment.Request{}, badRequest("extra has more than 32 fields")
	}
	for k, v := range o.Extra {
		if len(k) > 64 || len(v) > 1024 {
			return payment.Request{}, badRequest("extra field %q too long", payment.RedactPANs(k))
		}
	}
	if o.Instalments < 0 || o.Instalments > 99 {
		return payment.Request{}, badRequest("instalments must be 0-99")
	}
	need := func(ok bool, what string) error {
		if !ok {
			return badRequest("%s needs %s", op, what)
		}
		return nil
	}
	var err error
	switch op {
	case payment.OpPurchase, payment.OpP2P, payment.OpServicePayment, payment.OpInstalment:
		err = need(o.Amount.Set && o.Amount.Amount > 0, "an amount above 0.00")
	case payment.OpRefund:
		err = errors.Join(need(o.Amount.Set && o.Amount.Amount > 0, "an amount above 0.00"), need(o.RRN != "", "the rrn of the purchase"))
	case payment.OpCancel:
		err = need(o.Invoice != "", "the invoice of the operation to cancel")
	case payment.OpPurchaseCashback:
		err = errors.Join(need(o.Amount.Set, "an amount"), need(o.CashAmount.Set && o.CashAmount.Amount > 0, "a cash_amount above 0.00"))
	case payment.OpInstalmentRefund:
		err = need(o.AgreementNumber != "", "the agreement_number")
	}
	if err != nil {
		return payment.Request{}, badRequest("%s", strings.ReplaceAll(err.Error(), "\n", "; "))
	}
	return payment.Request{
		TransactionID: o.TransactionID, Amount: o.Amount.Amount, CashAmount: o.CashAmount.Amount, Discount: o.Discount.Amount,
		Merchant: o.Merchant, RRN: o.RRN, Invoice: o.Invoice, AgreementNumber: o.AgreementNumber,
		Instalments: o.Instalments, Extra: o.Extra,
	}, nil
}

// DecodeOperation decodes and checks the body of a native terminal operation. It is the
// decoder the fuzz target drives.
func DecodeOperation(op payment.Operation, body []byte) (payment.Request, error) {
	var o OperationRequest
	if err := decodeStrict(body, &o); err != nil {
		return payment.Request{}, err
	}
	return o.toPayment(op)
}

// jobRequest is the body of POST /v1/terminals/{name}/jobs: the operation's route name and
// its fields.
type jobRequest struct {
	Operation string `json:"operation"`
	OperationRequest
}

// maxImagePixels bounds a picture in a printed document (a logo is a few hundred dots wide).
const maxImagePixels = 4 << 20

// DecodeDocument decodes a receipt document from a request: images come only as image_data
// (never as a file of the service's machine), each at most 4 megapixels.
func DecodeDocument(body []byte) (*escpos.Document, error) {
	var d escpos.Document
	if err := decodeStrict(body, &d); err != nil {
		return nil, err
	}
	if len(d.Blocks) == 0 {
		return nil, badRequest("document has no blocks")
	}
	if len(d.Blocks) > 2000 {
		return nil, badRequest("document has more than 2000 blocks")
	}
	for i, b := range d.Blocks {
		if b.File != "" {
			return nil, badRequest("block %d: file is not accepted over HTTP; send the picture as image_data (base64)", i)
		}
		if b.Type == escpos.BlockImage && len(b.ImageData) > 0 {
			c, _, err := image.DecodeConfig(bytes.NewReader(b.ImageData))
			if err != nil {
				return nil, badRequest("block %d: image_data is not a BMP, PNG or JPEG picture: %v", i, err)
			}
			if c.Width <= 0 || c.Height <= 0 || c.Width*c.Height > maxImagePixels || c.Width > 8192 || c.Height > 8192*4 {
				return nil, badRequest("block %d: picture %dx%d is too large", i, c.Width, c.Height)
			}
		}
	}
	if err := d.LoadImages(nil); err != nil {
		return nil, badRequest("%s", strings.TrimPrefix(err.Error(), "escpos: "))
	}
	return &d, nil
}
