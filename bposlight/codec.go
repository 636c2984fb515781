package bposlight

import (
	"errors"
	"strconv"
	"strings"
)

// Field is one "TAG=value" pair as it travels: Value is the wire text (QRDATA still escaped).
type Field struct {
	Tag   Tag
	Value string
}

// Message is the data of one frame: an ordered list of fields. Order is free in the
// protocol; it is kept so that an encoded message is reproducible byte for byte.
type Message struct {
	Fields []Field
}

// MaxMessage is the largest message data this package encodes or accepts (the LL of a
// frame): well above the sum of the spec's limits for any one message of §1.4 plus a goods
// list of a few dozen items.
const MaxMessage = 8192

// Get returns the wire value of tag t (FSCNUM also answers to FISCNUM).
func (m Message) Get(t Tag) (string, bool) {
	for _, f := range m.Fields {
		if f.Tag == t || (t == TagFSCNUM && f.Tag == TagFISCNUM) {
			return f.Value, true
		}
	}
	return "", false
}

// Has reports whether tag t is present.
func (m Message) Has(t Tag) bool { _, ok := m.Get(t); return ok }

// Add appends a field.
func (m *Message) Add(t Tag, value string) { m.Fields = append(m.Fields, Field{t, value}) }

// AddUint appends a DWORD field.
func (m *Message) AddUint(t Tag, v uint32) { m.Add(t, strconv.FormatUint(uint64(v), 10)) }

// AppendTo appends the wire form "TAG=value;TAG=value;" to dst after checking every known
// tag against its type and limit (bposlight.md §1.3). Values may not contain ';', '=' or
// bytes outside printable ASCII: the spec defines no other character set, and QRDATA must
// be escaped first ([EscapeQR]).
func (m Message) AppendTo(dst []byte) ([]byte, error) {
	start := len(dst)
	seen := make(map[Tag]bool, len(m.Fields))
	for _, f := range m.Fields {
		if err := checkTag(string(f.Tag)); err != nil {
			return dst[:start], &ProtocolError{Op: "encode", Offset: len(dst) - start, Err: err}
		}
		if seen[f.Tag] {
			return dst[:start], protoErr("encode", len(dst)-start, "%w %s", ErrDuplicateTag, f.Tag)
		}
		seen[f.Tag] = true
		if err := checkWireValue(f.Value); err != nil {
			return dst[:start], protoErr("encode", len(dst)-start, "%s: %w", f.Tag, err)
		}
		if err := checkValue(f.Tag, f.Value, f.Tag == TagCARDTYPE && seen[TagREQ]); err != nil {
			return dst[:start], protoErr("encode", len(dst)-start, "%w", err)
		}
		dst = append(dst, f.Tag...)
		dst = append(dst, '=')
		dst = append(dst, f.Value...)
		dst = append(dst, ';')
	}
	if len(dst)-start > MaxMessage {
		return dst[:start], protoErr("encode", -1, "%w: message longer than %d bytes", ErrBadValue, MaxMessage)
	}
	return dst, nil
}

// Encode returns the wire form of m; see [Message.AppendTo].
func (m Message) Encode() ([]byte, error) { return m.AppendTo(nil) }

// String returns the wire text with the PAN left as the terminal masked it; it never fails
// (bad values are shown as they are).
func (m Message) String() string {
	var b strings.Builder
	for _, f := range m.Fields {
		b.WriteString(string(f.Tag) + "=" + f.Value + ";")
	}
	return b.String()
}

// ParseMessage parses "TAG=value;..." data. Every pair must be terminated by ';' (a missing
// final ';' is tolerated), tags are non-empty upper-case letters and digits, a tag may
// appear once, and the values of known tags must fit their type and limit. Unknown tags
// are kept. Errors are *ProtocolError wrapping ErrSyntax, ErrDuplicateTag or ErrBadValue;
// data ending in NUL bytes is reported as ErrNULPadding (with ErrSyntax).
func ParseMessage(data []byte) (Message, error) {
	if len(data) == 0 {
		return Message{}, protoErr("decode", 0, "%w: empty", ErrSyntax)
	}
	if len(data) > MaxMessage {
		return Message{}, protoErr("decode", MaxMessage, "%w: longer than %d bytes", ErrSyntax, MaxMessage)
	}
	if pad := trailingNULs(data); pad > 0 {
		// The LL = len+3 frame of the older implementation (bposlight.md §2): the counted
		// data ends with NULs. Say so rather than "no '=' in pair".
		return Message{}, protoErr("decode", len(data)-pad,
			"%w: %w: %d NUL bytes after the message (the LL = len+3 frame of the older implementation; tolerant framing accepts it)",
			ErrSyntax, ErrNULPadding, pad)
	}
	var m Message
	seen := make(map[Tag]bool)
	off := 0
	isReq := false
	for off < len(data) {
		end := off
		for end < len(data) && data[end] != ';' {
			end++
		}
		pair := data[off:end]
		eq := -1
		for i, c := range pair {
			if c == '=' {
				eq = i
				break
			}
		}
		if eq < 0 {
			return Message{}, protoErr("decode", off, "%w: no '=' in pair", ErrSyntax)
		}
		tag := Tag(pair[:eq])
		if err := checkTag(string(tag)); err != nil {
			return Message{}, &ProtocolError{Op: "decode", Offset: off, Err: err}
		}
		if tag == TagFISCNUM {
			tag = TagFSCNUM
		}
		if seen[tag] {
			return Message{}, protoErr("decode", off, "%w %s", ErrDuplicateTag, tag)
		}
		seen[tag] = true
		if tag == TagREQ {
			isReq = true
		}
		val := string(pair[eq+1:])
		if err := checkValue(tag, val, tag == TagCARDTYPE && isReq); err != nil {
			return Message{}, protoErr("decode", off+eq+1, "%w", err)
		}
		m.Fields = append(m.Fields, Field{Tag(pair[:eq]), val})
		off = end + 1
	}
	return m, nil
}

// ErrNULPadding: the message data ends with NUL bytes, as in the frames of the older hobby
// implementation (bposlight.md §2: LL = len+3, the data followed by 00 00 00 before the LRC).
// Strict framing rejects it with this error, wrapped together with ErrSyntax; tolerant
// framing ([ParseFrame] with tolerant set) drops the NULs.
var ErrNULPadding = errors.New("trailing NUL padding")

// trailingNULs returns the number of NUL bytes that end data.
func trailingNULs(data []byte) int {
	n := 0
	for n < len(data) && data[len(data)-1-n] == 0 {
		n++
	}
	return n
}

func checkTag(t string) error {
	if t == "" || len(t) > 16 {
		return errSyntaxTag
	}
	for i := 0; i < len(t); i++ {
		c := t[i]
		if (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			return errSyntaxTag
		}
	}
	return nil
}

var errSyntaxTag = wrapSentinel(ErrSyntax, "bad tag name")

type sentinelErr struct {
	s   error
	msg string
}

func (e sentinelErr) Error() string { return e.s.Error() + ": " + e.msg }
func (e sentinelErr) Unwrap() error { return e.s }

func wrapSentinel(s error, msg string) error { return sentinelErr{s, msg} }

func checkWireValue(v string) error {
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == ';' || c == '=' || c < 0x20 || c > 0x7E {
			return wrapSentinel(ErrBadValue, "byte 0x"+strconv.FormatUint(uint64(c), 16)+" not allowed in a value")
		}
	}
	return nil
}

// checkValue checks v against the table row of t; unknown tags pass. dwordCardType is true
// for CARDTYPE in a request, where the spec makes it a DWORD (1 or 2).
func checkValue(t Tag, v string, dwordCardType bool) error {
	info, ok := Info(t)
	if !ok {
		return nil
	}
	if dwordCardType {
		info = TagInfo{TagCARDTYPE, KindDWORD, 2}
	}
	switch info.Kind {
	case KindDWORD, KindByte:
		n, err := parseDWORD(v)
		if err != nil {
			return wrapSentinel(ErrBadValue, string(t)+" is not a "+info.Kind.String())
		}
		if info.Max > 0 && n > uint32(info.Max) {
			return wrapSentinel(ErrBadValue, string(t)+" out of range")
		}
	case KindString:
		n := len(v)
		if t == TagQRDATA {
			n = len(UnescapeQR(v))
		}
		if info.Max > 0 && n > info.Max {
			return wrapSentinel(ErrBadValue, string(t)+" longer than "+strconv.Itoa(info.Max))
		}
	}
	return nil
}

// parseDWORD parses a decimal DWORD; leading zeros are allowed ("RC=0000"), at most 10
// digits.
func parseDWORD(s string) (uint32, error) {
	if s == "" || len(s) > 10 {
		return 0, ErrBadValue
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, ErrBadValue
		}
	}
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil {
		return 0, ErrBadValue
	}
	return uint32(n), nil
}

// EscapeQR escapes QRDATA as the spec says: ';' → "##3B##", '=' → "##3D##"
// (bposlight.md §1.3 row 26). Other bytes pass unchanged; the spec escapes nothing else.
func EscapeQR(s string) string {
	if !strings.ContainsAny(s, ";=") {
		return s
	}
	r := strings.NewReplacer(";", "##3B##", "=", "##3D##")
	return r.Replace(s)
}

// UnescapeQR reverses [EscapeQR]. The spec defines no escape for a literal "##3B##" in the
// data, so such text is unescaped too.
func UnescapeQR(s string) string {
	if !strings.Contains(s, "##3") {
		return s
	}
	r := strings.NewReplacer("##3B##", ";", "##3D##", "=", "##3b##", ";", "##3d##", "=")
	return r.Replace(s)
}
