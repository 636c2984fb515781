package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"unicode/utf8"
)

// The recognisers below name the framing of one direction of a capture. They are small and
// independent of the protocol packages on purpose: identify must name traffic even when it
// was produced by a buggy encoder. Each returns how many bytes of the stream it explains.
//
// Framing facts (project notes):
//   - JSON: UTF-8 JSON followed by one 0x00; the PingDevice handshake has an extra leading
//     0x00 (protocols/privatjson.md §1.2). Empty datagrams are skipped.
//   - STX link of B-POS Light and BPOS1: STX 0x02 | LL (2 bytes, big-endian, data length) |
//     data | LRC (XOR of the data only); ACK 0x06, NAK 0x15, EOT 0x04 single bytes
//     (protocols/bposlight.md §1.2, protocols/bpos1.md §B.2).
//   - B-POS Light data: ASCII `TAG=value;` pairs (bposlight.md §1.2).
//   - BPOS1 data: TLVs of u32 tag | u32 length | value, byte order not settled
//     (bpos1.md §B.2, §B.5).
//   - ESC/POS: command bytes ESC (0x1B), GS (0x1D), DLE (0x10), FS (0x1C) with text;
//     real-time status replies match 0xx1xx10 (protocols/escpos.md §1.8).

// framing is a recognised framing.
type framing int

const (
	framingUnknown framing = iota
	framingJSON0
	framingSTXText
	framingSTXTLV
	framingESCPOS
	framingESCPOSStatus
	framingSTXControl // only ACK/NAK/EOT bytes of the STX link
)

// String names the framing as identify prints it.
func (f framing) String() string {
	switch f {
	case framingJSON0:
		return "0x00-terminated JSON"
	case framingSTXText:
		return "STX/LL/text+LRC"
	case framingSTXTLV:
		return "STX/LL/TLV+LRC"
	case framingESCPOS:
		return "ESC/POS commands"
	case framingESCPOSStatus:
		return "ESC/POS status bytes"
	case framingSTXControl:
		return "STX link control bytes only (ACK/NAK/EOT)"
	}
	return "unrecognised"
}

// Limits that keep the recognisers bounded on hostile input.
const (
	maxFrameKeep = 16      // frames kept for the report
	maxJSONFrame = 1 << 20 // a longer "JSON frame" is not one
	maxTLVs      = 256
)

// recognition is what one recogniser found in a stream.
type recognition struct {
	framing   framing
	frames    int      // whole frames (control bytes not counted)
	bad       int      // frame-shaped but broken (bad LRC, invalid JSON)
	controls  int      // ACK/NAK/EOT bytes
	lrcWithLL int      // STX frames whose LRC covers LL as well as the data
	explained int      // bytes accounted for
	first     [][]byte // the first frames, for the hex dump
	names     []string // method or request names seen, in order, without repeats
}

func (r *recognition) keep(b []byte) {
	if len(r.first) < maxFrameKeep {
		r.first = append(r.first, append([]byte(nil), b...))
	}
}

func (r *recognition) name(s string) {
	if s == "" || len(r.names) >= maxFrameKeep {
		return
	}
	for _, n := range r.names {
		if n == s {
			return
		}
	}
	r.names = append(r.names, s)
}

// recogniseJSON0 splits b on 0x00 and checks every non-empty datagram is a JSON object.
func recogniseJSON0(b []byte) recognition {
	r := recognition{framing: framingJSON0}
	for len(b) > 0 {
		i := bytes.IndexByte(b, 0)
		if i < 0 {
			break // unterminated tail: not explained
		}
		frame := b[:i]
		b = b[i+1:]
		r.explained++ // the terminator
		body := bytes.TrimSpace(frame)
		if len(body) == 0 {
			r.explained += len(frame)
			continue
		}
		if len(body) > maxJSONFrame || body[0] != '{' || !json.Valid(body) {
			r.bad++
			continue
		}
		r.frames++
		r.explained += len(frame)
		r.keep(append(frame, 0))
		var env struct {
			Method string `json:"method"`
			Params struct {
				MsgType string `json:"msgType"`
			} `json:"params"`
		}
		if json.Unmarshal(body, &env) == nil {
			n := env.Method
			if env.Params.MsgType != "" {
				n += "/" + env.Params.MsgType
			}
			r.name(n)
		}
	}
	return r
}

// STX link bytes.
const (
	stx = 0x02
	eot = 0x04
	ack = 0x06
	nak = 0x15
)

// stxFrames walks b as an STX link stream and calls data for every frame with a good LRC.
func stxFrames(b []byte, r *recognition, data func(d []byte)) {
	for len(b) > 0 {
		switch b[0] {
		case ack, nak, eot:
			r.controls++
			r.explained++
			b = b[1:]
			continue
		case stx:
		default:
			b = b[1:] // noise
			continue
		}
		if len(b) < 4 {
			return
		}
		n := int(binary.BigEndian.Uint16(b[1:3]))
		if len(b) < 3+n+1 {
			return // truncated frame
		}
		d := b[3 : 3+n]
		var lrc byte
		for _, c := range d {
			lrc ^= c
		}
		if lrc != b[3+n] {
			// The spec's other reading: the LRC also covers the two LL bytes
			// (bposlight.md §1.2 "from the packet length to the end of the packet").
			if lrc^b[1]^b[2] != b[3+n] {
				r.bad++
				b = b[1:]
				continue
			}
			r.lrcWithLL++
		}
		r.keep(b[:3+n+1])
		r.explained += 3 + n + 1
		data(d)
		b = b[3+n+1:]
	}
}

// isKV reports whether d is ASCII `TAG=value;` text, as B-POS Light sends (trailing NULs of
// the LL=len+3 variant tolerated), and returns the REQ or RESP value.
func isKV(d []byte) (string, bool) {
	d = bytes.TrimRight(d, "\x00")
	if len(d) == 0 || !utf8.Valid(d) || d[len(d)-1] != ';' {
		return "", false
	}
	name := ""
	for _, pair := range bytes.Split(d[:len(d)-1], []byte{';'}) {
		k, v, ok := bytes.Cut(pair, []byte{'='})
		if !ok || len(k) == 0 {
			return "", false
		}
		for _, c := range k {
			if (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
				return "", false
			}
		}
		if string(k) == "REQ" || string(k) == "RESP" {
			name = string(k) + "=" + string(v)
		}
	}
	return name, true
}

// tlvClass parses d as u32 tag | u32 length | value TLVs in either byte order and returns the
// value of tag 1 (the message class) when the whole of d parses with tags in 1..255.
func tlvClass(d []byte) (uint32, bool) {
	for _, bo := range []binary.ByteOrder{binary.BigEndian, binary.LittleEndian} {
		p, class, ok, n := d, uint32(0), true, 0
		for len(p) > 0 && ok {
			if len(p) < 8 || n >= maxTLVs {
				ok = false
				break
			}
			tag, l := bo.Uint32(p), bo.Uint32(p[4:])
			if tag < 1 || tag > 255 || uint64(l) > uint64(len(p)-8) {
				ok = false
				break
			}
			if tag == 1 && l == 4 {
				class = bo.Uint32(p[8:])
			}
			p = p[8+l:]
			n++
		}
		if ok && n > 0 {
			return class, true
		}
	}
	return 0, false
}

// recogniseSTX reads b as the STX link and sorts the frames into text and TLV payloads; the
// framing is the kind most frames have.
func recogniseSTX(b []byte) recognition {
	text := recognition{framing: framingSTXText}
	tlv := recognition{framing: framingSTXTLV}
	var all recognition
	stxFrames(b, &all, func(d []byte) {
		if name, ok := isKV(d); ok {
			text.frames++
			text.name(name)
			return
		}
		if class, ok := tlvClass(d); ok {
			tlv.frames++
			tlv.name(bpos1ClassName(class))
		}
	})
	r := text
	if tlv.frames > text.frames {
		r = tlv
	}
	r.controls, r.explained, r.bad, r.first, r.lrcWithLL = all.controls, all.explained, all.bad, all.first, all.lrcWithLL
	if r.frames == 0 {
		r.framing = framingUnknown
		if all.controls > 0 && all.controls == len(b) {
			r.framing = framingSTXControl // the link layer only, payload unknown
		}
	}
	return r
}

// bpos1ClassName names a BPOS1 message class (tag 1), bpos1.md §B.3.
func bpos1ClassName(c uint32) string {
	switch c {
	case 1:
		return "financial"
	case 3:
		return "service"
	case 5:
		return "confirm"
	case 11:
		return "ping"
	case 13:
		return "status"
	}
	return ""
}

// escposLen returns the length of the ESC/POS command at the start of b (b[0] is ESC, GS,
// DLE or FS), 0 when b is too short to tell, and -1 when the command is not in this table.
// The table holds the commands of protocols/escpos.md §1.1-§1.8 (with ESC i / ESC m, the
// legacy cuts of §1.6), plus ESC $ (absolute position, which the escpos package sends on some
// profiles, citing the HPRT TP80K manual).
func escposLen(b []byte) int {
	if len(b) < 2 {
		return 0
	}
	need := func(n int) int {
		if len(b) < n {
			return 0
		}
		return n
	}
	switch b[0] {
	case 0x10: // DLE
		switch b[1] {
		case 0x04: // DLE EOT n (§1.8)
			return need(3)
		case 0x14: // DLE DC4 1 m t (§1.7)
			return need(5)
		}
	case 0x1C: // FS
		switch b[1] {
		case '.': // FS . cancel Kanji mode (§1.2)
			return 2
		case 'p': // FS p n m legacy NV print (§1.3)
			return need(4)
		}
	case 0x1B: // ESC
		switch b[1] {
		case '@', '2', 'i', 'm': // init, default spacing (§1.1); legacy cuts (§1.6)
			return 2
		case 'a', 'E', '-', 't', 'd', 'J', '!', 'M', '3', 'R': // §1.1, §1.2
			return need(3)
		case '$': // ESC $ nL nH
			return need(4)
		case 'p': // ESC p m t1 t2 (§1.7)
			return need(5)
		case '*': // ESC * m nL nH d... (§1.3)
			if len(b) < 5 {
				return 0
			}
			k := int(b[3]) | int(b[4])<<8
			if b[2] == 32 || b[2] == 33 {
				k *= 3
			}
			return need(5 + k)
		}
	case 0x1D: // GS
		switch b[1] {
		case 'V': // GS V m [n] (§1.6)
			if len(b) < 3 {
				return 0
			}
			if b[2] >= 65 {
				return need(4)
			}
			return 3
		case '!', 'B', 'H', 'h', 'w', 'f', 'a', 'r', 'I': // §1.1, §1.4, §1.8
			return need(3)
		case 'v': // GS v 0 m xL xH yL yH d... (§1.3)
			if len(b) < 8 {
				return 0
			}
			x := int(b[4]) | int(b[5])<<8
			y := int(b[6]) | int(b[7])<<8
			return need(8 + x*y)
		case '(': // GS ( k, GS ( L, GS ( D: pL pH then that many bytes (§1.3, §1.5)
			if len(b) < 5 {
				return 0
			}
			return need(5 + (int(b[3]) | int(b[4])<<8))
		case '8': // GS 8 L p1..p4 ... (§1.3)
			if len(b) < 7 {
				return 0
			}
			return need(7 + (int(b[3]) | int(b[4])<<8 | int(b[5])<<16 | int(b[6])<<24))
		case 'k': // GS k m ... (§1.4)
			if len(b) < 3 {
				return 0
			}
			if b[2] <= 6 {
				i := bytes.IndexByte(b[3:], 0)
				if i < 0 {
					return 0
				}
				return 3 + i + 1
			}
			if len(b) < 4 {
				return 0
			}
			return need(4 + int(b[3]))
		}
	}
	return -1
}

// recogniseESCPOS reads b as a host-to-printer ESC/POS stream: known commands, text and line
// breaks. Each command counts as a frame.
func recogniseESCPOS(b []byte) recognition {
	r := recognition{framing: framingESCPOS}
	for len(b) > 0 {
		c := b[0]
		switch {
		case c == 0x1B || c == 0x1D || c == 0x10 || c == 0x1C:
			n := escposLen(b)
			if n <= 0 {
				b = b[1:]
				if n < 0 {
					r.bad++
				}
				continue
			}
			r.frames++
			r.explained += n
			r.keep(b[:min(n, 64)])
			r.name(escposName(b))
			b = b[n:]
		case c >= 0x20 || c == '\n' || c == '\r' || c == '\t' || c == 0x0C:
			r.explained++
			b = b[1:]
		default:
			b = b[1:]
		}
	}
	return r
}

// escposName names a few commands for the summary.
func escposName(b []byte) string {
	switch {
	case b[0] == 0x1B && b[1] == '@':
		return "ESC @ (initialise)"
	case b[0] == 0x10 && b[1] == 0x04:
		return "DLE EOT (status)"
	case b[0] == 0x1D && b[1] == 'V':
		return "GS V (cut)"
	case b[0] == 0x1B && b[1] == 'p', b[0] == 0x10 && b[1] == 0x14:
		return "drawer kick"
	case b[0] == 0x1D && b[1] == 'v':
		return "GS v 0 (raster image)"
	case b[0] == 0x1D && b[1] == 'k':
		return "GS k (barcode)"
	case b[0] == 0x1D && b[1] == '(' && len(b) > 2 && b[2] == 'k':
		return "GS ( k (QR)"
	case b[0] == 0x1B && b[1] == 't':
		return "ESC t (code page)"
	}
	return ""
}

// recogniseESCPOSStatus reads b as printer replies: DLE EOT bytes (0xx1xx10) and ASB first
// bytes (0xx1xx00) with their three following bytes (0xx0xxxx), escpos.md §1.8.
func recogniseESCPOSStatus(b []byte) recognition {
	r := recognition{framing: framingESCPOSStatus}
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case c&0x93 == 0x12: // DLE EOT reply
			r.frames++
			r.explained++
			r.keep(b[i : i+1])
		case c&0x93 == 0x10 && i+3 < len(b) && b[i+1]&0x90 == 0 && b[i+2]&0x90 == 0 && b[i+3]&0x90 == 0: // ASB
			r.frames++
			r.explained += 4
			r.keep(b[i : i+4])
			i += 3
		}
	}
	return r
}

// recognise runs every recogniser on one direction and returns the best, or an
// unrecognised result when none explains at least 90% of the bytes.
func recognise(b []byte) recognition {
	if len(b) == 0 {
		return recognition{}
	}
	cands := []recognition{recogniseJSON0(b), recogniseSTX(b), recogniseESCPOS(b), recogniseESCPOSStatus(b)}
	best := recognition{}
	for _, c := range cands {
		if c.framing == framingUnknown || c.frames+c.controls == 0 {
			continue
		}
		if c.explained*10 < len(b)*9 {
			continue
		}
		if best.framing == framingUnknown || c.explained > best.explained ||
			(c.explained == best.explained && c.frames > best.frames) {
			best = c
		}
	}
	return best
}
