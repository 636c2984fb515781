package libserve

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
)

// Version is the protocol version a "hello" call exchanges.
const Version = 1

// The kinds of library a server serves.
const (
	KindPOSAPI = "posapi" // Printec POSAPI (capi.Library)
	KindBPOS1  = "bpos1"  // Ingenico BPOS1 flat API (bpos1.Lib)
)

// Request is one library call. Ints and Strs are the call's arguments in the order of its
// signature (see the package doc); Handle is the POSAPI session handle of the calls that
// take one.
type Request struct {
	Call   string   `json:"call"`
	Handle uint64   `json:"h,omitempty"`
	Ints   []int64  `json:"n,omitempty"`
	Strs   [][]byte `json:"s,omitempty"`
}

// Param is one parameter of a POSAPI reply: its wire name and value, as bytes.
type Param struct {
	Name  []byte `json:"k"`
	Value []byte `json:"v"`
}

// Response is the answer to one Request: Ret is the C return value, Val a number the call
// hands back besides (symbol_int's value), Handle pos_open's handle, Str a string getter's
// bytes, Params a pos_receive reply's parameters. Err is set instead when the server refused the request.
type Response struct {
	Ret    int64        `json:"r"`
	Val    int64        `json:"v,omitempty"`
	Handle uint64       `json:"h,omitempty"`
	Str    []byte       `json:"s,omitempty"`
	Params []Param      `json:"p,omitempty"`
	Err    *RemoteError `json:"err,omitempty"`
}

// RemoteError is a request the server refused: Code is one of the Code* constants.
type RemoteError struct {
	Code string `json:"code"`
	Msg  string `json:"msg"`
}

// Error returns "libserve: server: CODE: message".
func (e *RemoteError) Error() string { return "libserve: server: " + e.Code + ": " + e.Msg }

// Codes of RemoteError.
const (
	CodeBadRequest  = "bad-request"  // the frame or its JSON does not decode
	CodeUnknownCall = "unknown-call" // no such call for this kind of library
	CodeBadArgs     = "bad-args"     // wrong number, range or bytes of arguments
	CodeTooLarge    = "too-large"    // the request or the answer exceeds the frame limit
	CodeWrongKind   = "wrong-kind"   // hello: the client wants another kind of library
)

// ErrUnknownCall and ErrBadArgs are the causes of a *ProtocolError from DecodeRequest.
var (
	ErrUnknownCall = errors.New("unknown call")
	ErrBadArgs     = errors.New("bad arguments")
)

// Argument letters of a call signature: B unsigned char, I unsigned 32-bit, N C int
// (signed 32-bit), S a C string (bytes without NUL).
const (
	argByte   = 'B'
	argUint32 = 'I'
	argInt    = 'N'
	argString = 'S'
)

// callHello opens every connection: Ints = [Version], Strs = [kind]; the answer has Ret =
// Version and Str = the server's kind.
const callHello = "hello"

// sigs returns the call signatures of kind, nil for an unknown kind.
func sigs(kind string) map[string]string {
	switch kind {
	case KindPOSAPI:
		return posapiSigs
	case KindBPOS1:
		return bpos1Sigs
	}
	return nil
}

// DecodeRequest decodes and validates one request body of a server of the given kind. The
// error is a *ProtocolError wrapping ErrUnknownCall, ErrBadArgs or the JSON error.
func DecodeRequest(kind string, body []byte) (*Request, error) {
	if sigs(kind) == nil {
		return nil, &ProtocolError{Op: "decode request", Err: fmt.Errorf("no library kind %q", truncate(kind))}
	}
	var r Request
	d := json.NewDecoder(bytes.NewReader(body))
	d.DisallowUnknownFields()
	if err := d.Decode(&r); err != nil {
		return nil, &ProtocolError{Op: "decode request", Err: err}
	}
	if d.More() {
		return nil, &ProtocolError{Op: "decode request", Err: errors.New("data after the JSON object")}
	}
	sig, ok := sigs(kind)[r.Call]
	if r.Call == callHello {
		sig, ok = "IS", true
	}
	if !ok {
		return nil, &ProtocolError{Op: "decode request", Err: fmt.Errorf("%w %q for %s", ErrUnknownCall, truncate(r.Call), kind)}
	}
	if err := checkArgs(sig, &r); err != nil {
		return nil, &ProtocolError{Op: "decode request " + r.Call, Err: err}
	}
	return &r, nil
}

// checkArgs checks r's arguments against the signature.
func checkArgs(sig string, r *Request) error {
	ni, ns := 0, 0
	for i := 0; i < len(sig); i++ {
		if sig[i] == argString {
			ns++
		} else {
			ni++
		}
	}
	if len(r.Ints) != ni || len(r.Strs) != ns {
		return fmt.Errorf("%w: %d numbers and %d strings, want %d and %d", ErrBadArgs, len(r.Ints), len(r.Strs), ni, ns)
	}
	k := 0
	for i := 0; i < len(sig); i++ {
		if sig[i] == argString {
			continue
		}
		v := r.Ints[k]
		var lo, hi int64
		switch sig[i] {
		case argByte:
			lo, hi = 0, math.MaxUint8
		case argUint32:
			lo, hi = 0, math.MaxUint32
		default:
			lo, hi = math.MinInt32, math.MaxInt32
		}
		if v < lo || v > hi {
			return fmt.Errorf("%w: argument %d = %d out of [%d, %d]", ErrBadArgs, k+1, v, lo, hi)
		}
		k++
	}
	for i, s := range r.Strs {
		if bytes.IndexByte(s, 0) >= 0 {
			return fmt.Errorf("%w: string %d holds a NUL byte", ErrBadArgs, i+1)
		}
	}
	return nil
}

// encodeRequest returns the frame body of r.
func encodeRequest(r *Request) ([]byte, error) { return json.Marshal(r) }

// decodeResponse decodes a response body.
func decodeResponse(body []byte) (*Response, error) {
	var r Response
	if err := json.Unmarshal(body, &r); err != nil {
		return nil, &ProtocolError{Op: "decode response", Err: err}
	}
	return &r, nil
}

// truncate shortens hostile text quoted in an error.
func truncate(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}
