package privatjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MethodServiceMessage is the method of every service message (spec §6); params.msgType
// selects the message.
const MethodServiceMessage = "ServiceMessage"

// Params are a message's parameters. The spec sends every value as a string (privatjson.md
// §2); the decoder turns numbers and booleans into their JSON text, null into "", and nested
// objects or arrays into their JSON text.
type Params map[string]string

// Get returns the value of key, matching the key exactly first and then case-insensitively.
func (p Params) Get(key string) string {
	if v, ok := p[key]; ok {
		return v
	}
	for k, v := range p {
		if strings.EqualFold(k, key) {
			return v
		}
	}
	return ""
}

// Has reports whether key is present (exact or case-insensitive).
func (p Params) Has(key string) bool {
	if _, ok := p[key]; ok {
		return true
	}
	for k := range p {
		if strings.EqualFold(k, key) {
			return true
		}
	}
	return false
}

// Message is one decoded frame: a terminal's reply or a request, with the tolerance
// privatjson.md §8 asks for.
type Message struct {
	// Method as sent, spaces trimmed ("Purchase", "ServiceMessage").
	Method string
	// Step is the reserved multi-pass step, always 0 in 1.0.3.1.
	Step int
	// Params are the parameters; never nil after [ParseMessage].
	Params Params
	// Error is the top-level "error" flag; HasError reports whether the field was present.
	Error    bool
	HasError bool
	// ErrorDescription is "errorDescription", or one of the misspellings "errorDescritption"
	// and "errorDecsription" that real firmware sends.
	ErrorDescription string
	// Prompt is the raw top-level "prompt" object of the bonus-card methods, if any.
	Prompt json.RawMessage
}

// MsgType returns params.msgType with spaces trimmed (the spec's own examples carry stray
// spaces: " interruptTransmitted").
func (m *Message) MsgType() string { return strings.TrimSpace(m.Params.Get("msgType")) }

// IsService reports whether the message is a ServiceMessage.
func (m *Message) IsService() bool { return strings.EqualFold(m.Method, MethodServiceMessage) }

// ResponseCode returns params.responseCode, trimmed.
func (m *Message) ResponseCode() string { return strings.TrimSpace(m.Params.Get("responseCode")) }

// Failed reports whether the reply reports a failure: "error":true, or a responseCode that
// is neither "0000" nor "0010" (partial approval comes with "error":false, spec §4).
func (m *Message) Failed() bool {
	if m.HasError && m.Error {
		return true
	}
	rc := m.ResponseCode()
	return rc != "" && rc != "0000" && rc != "0010"
}

var errNotObject = errors.New("frame is not a JSON object")

// ParseMessage decodes one frame. It accepts compact and spaced JSON, keys in any case, a
// missing or null "params", non-string param values, "step" as a number or a string, "error"
// as a bool or a string, and the misspelt error description keys. Errors are
// [*ProtocolError] values with Op "message".
func ParseMessage(b []byte) (*Message, error) {
	m, err := parseMessage(b)
	if err != nil {
		return nil, &ProtocolError{Op: "message", Err: err}
	}
	return m, nil
}

func parseMessage(b []byte) (*Message, error) {
	b = trimFrame(b)
	if len(b) == 0 || b[0] != '{' {
		return nil, errNotObject
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var top map[string]any
	if err := dec.Decode(&top); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, errors.New("data after the JSON object")
	}
	m := &Message{Params: Params{}}
	for k, v := range top {
		switch strings.ToLower(k) {
		case "method":
			m.Method = strings.TrimSpace(anyString(v))
		case "step":
			m.Step, _ = strconv.Atoi(strings.TrimSpace(anyString(v)))
		case "params":
			switch p := v.(type) {
			case nil:
			case map[string]any:
				for pk, pv := range p {
					m.Params[pk] = anyString(pv)
				}
			default:
				return nil, errors.New("params is not an object")
			}
		case "error":
			switch strings.ToLower(strings.TrimSpace(anyString(v))) {
			case "true", "1":
				m.Error, m.HasError = true, true
			case "false", "0":
				m.Error, m.HasError = false, true
			}
		case "errordescription", "errordescritption", "errordecsription":
			if s := anyString(v); s != "" || m.ErrorDescription == "" {
				m.ErrorDescription = s
			}
		case "prompt":
			m.Prompt, _ = json.Marshal(v)
		}
	}
	return m, nil
}

// anyString renders a decoded JSON value as a param string: strings as they are, numbers as
// written, booleans as "true"/"false", null as "", objects and arrays as their JSON text.
func anyString(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case json.Number:
		return string(x)
	case bool:
		return strconv.FormatBool(x)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// Param is one request parameter. Requests keep their parameters in order, so that the
// encoder writes them as the spec's examples do.
type Param struct{ Key, Value string }

// PromptLine is one line shown on the terminal by the bonus-card methods (spec §5.22).
type PromptLine struct {
	Text  string
	Font  string // "N", "B" or "S"
	Align string // "C", "L" or "R"
}

// Request is an outgoing message.
type Request struct {
	Method string
	// Params in order; nil writes no "params" key (as the spec's PingDevice, GetTerminalInfo and
	// CheckConnection examples), an empty non-nil slice writes "params":{}.
	Params []Param
	// Prompt, when not nil, writes the top-level "prompt" object before "params".
	Prompt []PromptLine
}

// ServiceRequest returns a ServiceMessage request with msgType first, then extra params.
func ServiceRequest(msgType string, extra ...Param) Request {
	return Request{Method: MethodServiceMessage, Params: append([]Param{{"msgType", msgType}}, extra...)}
}

// AppendRequest appends r as compact JSON: {"method":"X","step":0[,"prompt":{...}][,"params":{...}]}.
// All values are strings (spec §4).
func AppendRequest(dst []byte, r Request) []byte {
	dst = append(dst, `{"method":`...)
	dst = appendString(dst, r.Method)
	dst = append(dst, `,"step":0`...)
	if r.Prompt != nil {
		dst = append(dst, `,"prompt":{"line":[`...)
		for i, l := range r.Prompt {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, `{"text":`...)
			dst = appendString(dst, l.Text)
			dst = append(dst, `,"font":`...)
			dst = appendString(dst, l.Font)
			dst = append(dst, `,"align":`...)
			dst = appendString(dst, l.Align)
			dst = append(dst, '}')
		}
		dst = append(dst, "]}"...)
	}
	if r.Params != nil {
		dst = append(dst, `,"params":{`...)
		for i, p := range r.Params {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendString(dst, p.Key)
			dst = append(dst, ':')
			dst = appendString(dst, p.Value)
		}
		dst = append(dst, '}')
	}
	return append(dst, '}')
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string. UTF-8 passes through as is (spec §2: Cyrillic as
// UTF-8); invalid bytes become U+FFFD; control characters are escaped.
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				dst = append(dst, '\\', c)
			case c == '\n':
				dst = append(dst, '\\', 'n')
			case c == '\r':
				dst = append(dst, '\\', 'r')
			case c == '\t':
				dst = append(dst, '\\', 't')
			case c < 0x20 || c == 0x7f:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			default:
				dst = append(dst, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, `\ufffd`...)
		} else {
			dst = append(dst, s[i:i+size]...)
		}
		i += size
	}
	return append(dst, '"')
}
