package bposlightsim

import (
	"bufio"
	"io"
	"strings"
)

// The simulator's own framing, written from bposlight.md §1.2 without the driver's code:
// STX | LL (2 bytes, big-endian, data length) | data | LRC (XOR of the data).
const (
	stx byte = 0x02
	eot byte = 0x04
	ack byte = 0x06
	nak byte = 0x15
)

// maxData bounds LL; anything above is treated as line noise (the STX is dropped).
const maxData = 8192

func xorAll(b []byte) byte {
	var x byte
	for _, c := range b {
		x ^= c
	}
	return x
}

// frameBytes builds one frame; corrupt flips the LRC.
func frameBytes(data []byte, corrupt bool) []byte {
	out := make([]byte, 0, len(data)+4)
	out = append(out, stx, byte(len(data)>>8), byte(len(data)))
	out = append(out, data...)
	lrc := xorAll(data)
	if corrupt {
		lrc ^= 0xFF
	}
	return append(out, lrc)
}

// token is one thing read from the ECR: a control byte, or a frame.
type token struct {
	ctl   byte   // ack, nak, eot or another stray byte; 0 with frame set
	frame bool   // a frame was read
	data  []byte // its data (trailing NULs dropped, bposlight.md §2)
	ok    bool   // LRC matched (over the data, or over LL and data: both accepted)
	err   error  // read error: the link is gone
}

// readTokens reads the ECR's bytes until an error and sends them as tokens.
func readTokens(r io.Reader, out chan<- token, done <-chan struct{}) {
	br := bufio.NewReaderSize(r, maxData+8)
	send := func(t token) bool {
		select {
		case out <- t:
			return true
		case <-done:
			return false
		}
	}
	for {
		b, err := br.ReadByte()
		if err != nil {
			send(token{err: err})
			return
		}
		if b != stx {
			if !send(token{ctl: b}) {
				return
			}
			continue
		}
		hdr, err := br.Peek(2)
		if err != nil {
			send(token{err: err})
			return
		}
		ll := int(hdr[0])<<8 | int(hdr[1])
		if ll == 0 || ll > maxData {
			continue // not a frame we can take; resynchronise on the next STX
		}
		var l2 [2]byte
		copy(l2[:], hdr)
		br.Discard(2)
		body := make([]byte, ll+1)
		if _, err := io.ReadFull(br, body); err != nil {
			send(token{err: err})
			return
		}
		data, lrc := body[:ll], body[ll]
		x := xorAll(data)
		// The spec's LRC covers the data; a literal reading of its wording includes LL.
		// Accept both (bposlight.md §1.2). The LITE variant (LL = len+3 with three NULs
		// before the LRC) arrives as data ending in NULs, with the same XOR.
		ok := x == lrc || x^l2[0]^l2[1] == lrc
		for len(data) > 0 && data[len(data)-1] == 0 {
			data = data[:len(data)-1]
		}
		if !send(token{frame: true, data: data, ok: ok && len(data) > 0}) {
			return
		}
	}
}

// kv is a parsed request: ordered pairs.
type kv struct {
	keys []string
	vals map[string]string
}

func (m kv) get(k string) (string, bool) { v, ok := m.vals[k]; return v, ok }

// parseKV parses "TAG=value;..." strictly enough for a terminal: every pair has '=', no
// duplicate tags.
func parseKV(data []byte) (kv, bool) {
	m := kv{vals: map[string]string{}}
	s := string(data)
	s = strings.TrimSuffix(s, ";")
	if s == "" {
		return m, false
	}
	for _, p := range strings.Split(s, ";") {
		k, v, ok := strings.Cut(p, "=")
		if !ok || k == "" {
			return m, false
		}
		if _, dup := m.vals[k]; dup {
			return m, false
		}
		m.keys = append(m.keys, k)
		m.vals[k] = v
	}
	return m, true
}

// builder writes "TAG=value;" pairs in order.
type builder struct{ strings.Builder }

func (b *builder) add(k, v string) *builder {
	b.WriteString(k)
	b.WriteByte('=')
	b.WriteString(v)
	b.WriteByte(';')
	return b
}

func escapeQR(s string) string {
	return strings.NewReplacer(";", "##3B##", "=", "##3D##").Replace(s)
}

func unescapeQR(s string) string {
	return strings.NewReplacer("##3B##", ";", "##3D##", "=").Replace(s)
}
