package bpos1sim

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"sync"

	"github.com/uapos/uapos/simulators/internal/simnet"
)

// The wire simulator speaks the PROVISIONAL native BPOS1 wire of bpos1.md §B with its own
// frame and TLV code (it imports neither bpos1 nor internal/stxlink):
//
//	STX | LL (big-endian uint16 = TLV bytes) | TLV... | LRC (XOR of the TLV bytes)
//	TLV = u32 tag | u32 length | value
//
// Every good frame is answered ACK (0x06), a bad LRC NAK (0x15). Requests are decoded in
// whichever byte order yields a first tag in 1..255 (bpos1.md §B.5); replies are
// little-endian unless Config.ReplyBigEndian. A card operation sends one status frame
// (class 13, tags 30/31) per progress step, each waiting for the ECR's ACK, then the
// answer (tag 14 = result code). The confirm frame (class 5) is only ACKed. An EOT from
// the ECR during a hung operation (Config.Hang) aborts it and is answered with EOT.

const (
	stx = 0x02
	eot = 0x04
	ack = 0x06
	nak = 0x15

	maxData = 4096
)

// Server is the wire simulator. It shares the terminal model of [Library]: one simulated
// terminal, however many links.
type Server struct {
	m   *model
	cfg Config

	mu    sync.Mutex // guards calls
	calls map[string]int
	net   *simnet.Server
}

// New returns a wire simulator.
func New(cfg Config) *Server {
	s := &Server{m: newModel(cfg), cfg: cfg, calls: map[string]int{}}
	s.net = simnet.New(simnet.Config{Name: "bpos1sim", Handler: s.serveLink, Logger: cfg.Logger})
	return s
}

// Journal returns a copy of the current batch's records, oldest first.
func (s *Server) Journal() []Record { return s.m.snapshot() }

// Batch returns the current batch number.
func (s *Server) Batch() uint32 {
	s.m.mu.Lock()
	defer s.m.mu.Unlock()
	return s.m.batch
}

// Calls returns how many requests of a kind were received: "Purchase", "Refund", "Void",
// "Confirm", "Settlement", "PrintBatchTotals", "POSGetInfo", "Ping".
func (s *Server) Calls(name string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[name]
}

// ListenTCP listens on addr ("" means 127.0.0.1:0, a host-less ":2000" binds 127.0.0.1)
// and serves every connection in the background; it returns the address. After Close it
// returns an error wrapping net.ErrClosed.
func (s *Server) ListenTCP(addr string) (string, error) { return s.net.ListenTCP(addr) }

// Close stops the listener, closes every link and waits for their goroutines. It is safe to
// call more than once.
func (s *Server) Close() error { return s.net.Close() }

// ServeConn serves one link (a TCP connection, a pty master, a pipe) until EOF, an error,
// ctx's end or Close, and closes c. It returns nil when the ECR hung up, ctx.Err() when ctx
// ended, and an error wrapping net.ErrClosed when the server was closed.
func (s *Server) ServeConn(ctx context.Context, c io.ReadWriteCloser) error {
	return s.net.Serve(ctx, c)
}

// serveLink is the simnet handler: one ECR link.
func (s *Server) serveLink(ctx context.Context, c io.ReadWriteCloser) error {
	// The link reader keeps what has arrived, so that a frame can be looked at before it is
	// taken, and lets a card wait watch the link and the control at once.
	sc := &simConn{rw: c, r: newLinkReader(c), order: binary.ByteOrder(binary.LittleEndian), ctx: ctx}
	defer sc.r.stop()
	if s.cfg.ReplyBigEndian {
		sc.order = binary.BigEndian
	}
	for {
		data, err := sc.readFrame()
		if errors.Is(err, errEOT) {
			continue // the ECR's EOT aborts an exchange; while idle there is nothing to abort
		}
		if err != nil {
			return err
		}
		if data == nil {
			continue // a control byte outside an exchange
		}
		fields, order, ok := decodeRequest(data)
		if refused, err := s.frameFaults(sc, data, ok && isQuery(fields, order)); refused || err != nil {
			if err != nil {
				return err
			}
			continue
		}
		if ok && num(fields, 1, order) == 5 { // confirm: record it, then ACK; no answer
			s.count("Confirm")
			s.m.mu.Lock()
			s.m.confirm()
			s.m.mu.Unlock()
			if err := sc.ack(); err != nil {
				return err
			}
			continue
		}
		if err := sc.ack(); err != nil {
			return err
		}
		if !ok {
			if err := sc.reply(tlv{{1, u32(0, sc.order)}, {14, u32(rcGeneral, sc.order)}, {15, []byte("bad request")}}); err != nil {
				return err
			}
			continue
		}
		if err := s.handle(sc, fields, order); err != nil {
			return err
		}
	}
}

// simConn is one link: its reader and the reply byte order.
type simConn struct {
	rw    io.ReadWriter
	r     *linkReader
	order binary.ByteOrder
	ctx   context.Context
	// fault state of the link (wire_control.go): NAKs still to send, the request being
	// silenced, answers still to corrupt
	naks     int
	silenced []byte
	corrupt  int
}

var errEOT = errors.New("bpos1sim: EOT from the ECR")

// readFrame reads the next frame, answering NAK to a bad LRC; the caller ACKs a good one
// (after recording a confirm, so the ECR never sees the ACK before the simulator's state
// has it). It returns nil data for a stray byte outside a frame (skipped by the caller) and
// errEOT for EOT; an STX with an impossible length is skipped as a stray byte.
//
// An STX does not commit the reader to the length after it: a stray 0x02 followed by a real
// frame reads as a frame header with the real frame's STX and first length byte as its
// length (02 02 00 ... gives 0x0200, which passes the size check). While such a frame is
// incomplete, a complete frame with a good LRC and well-formed TLVs starting at a later STX
// in the bytes received wins: the earlier STX was stray, and the reader resynchronises on the
// later frame instead of waiting for bytes that will not come.
func (c *simConn) readFrame() ([]byte, error) {
	for {
		head, err := c.r.Peek(1)
		if err != nil {
			return nil, err
		}
		switch head[0] {
		case eot:
			c.r.Discard(1)
			return nil, errEOT
		case stx:
		default:
			c.r.Discard(1)
			return nil, nil
		}
		data, err := c.frameAtHead()
		if err != nil || data != nil {
			return data, err
		}
	}
}

// frameAtHead reads the frame whose STX is the next buffered byte. It returns nil data and
// no error when it skipped bytes (a stray STX, a frame with a bad LRC, answered NAK), so that
// the caller looks at the next byte again.
func (c *simConn) frameAtHead() ([]byte, error) {
	for want := 3; ; {
		if _, err := c.r.Peek(want); err != nil {
			return nil, err
		}
		buf, _ := c.r.Peek(c.r.Buffered())
		n := int(buf[1])<<8 | int(buf[2])
		if n == 0 || n > maxData {
			// Not a frame start (a stray 0x02 among another protocol's bytes): skip only the
			// STX, so that a real frame starting in the peeked bytes is still found.
			c.r.Discard(1)
			return nil, nil
		}
		if total := 3 + n + 1; len(buf) >= total {
			if lrc(buf[3:3+n]) == buf[3+n] {
				out := append([]byte(nil), buf[3:3+n]...)
				c.r.Discard(total)
				return out, nil
			}
			if j := laterFrame(buf); j > 0 {
				c.r.Discard(j)
				return nil, nil
			}
			c.r.Discard(total)
			if _, err := c.rw.Write([]byte{nak}); err != nil {
				return nil, err
			}
			return nil, nil
		}
		if j := laterFrame(buf); j > 0 {
			c.r.Discard(j)
			return nil, nil
		}
		want = len(buf) + 1 // wait for more bytes
	}
}

// laterFrame returns the offset of the first STX after buf[0] that starts a complete frame
// with a good LRC whose data parses as a request's TLVs, or 0 when there is none.
func laterFrame(buf []byte) int {
	for j := 1; j+4 <= len(buf); j++ {
		if buf[j] != stx {
			continue
		}
		n := int(buf[j+1])<<8 | int(buf[j+2])
		if n == 0 || n > maxData || j+3+n+1 > len(buf) {
			continue
		}
		d := buf[j+3 : j+3+n]
		if lrc(d) != buf[j+3+n] {
			continue
		}
		if _, _, ok := decodeRequest(d); ok {
			return j
		}
	}
	return 0
}

func lrc(d []byte) byte {
	var x byte
	for _, v := range d {
		x ^= v
	}
	return x
}

func (c *simConn) ack() error {
	_, err := c.rw.Write([]byte{ack})
	return err
}

// send writes a frame and waits for the ECR's ACK, resending on NAK (3 sends at most).
func (c *simConn) send(data []byte) error {
	frame := make([]byte, 0, len(data)+4)
	frame = append(frame, stx, byte(len(data)>>8), byte(len(data)))
	frame = append(frame, data...)
	var x byte
	for _, v := range data {
		x ^= v
	}
	frame = append(frame, x)
	for attempt := 0; attempt < 3; attempt++ {
		out := frame
		if c.corrupt > 0 { // the corrupt-checksum fault
			c.corrupt--
			out = append([]byte(nil), frame...)
			out[len(out)-1] ^= 0xFF
		}
		if _, err := c.rw.Write(out); err != nil {
			return err
		}
		for {
			b, err := c.r.ReadByte()
			if err != nil {
				return err
			}
			if b == ack {
				return nil
			}
			if b == nak {
				break
			}
			if b == eot {
				return errEOT
			}
		}
	}
	_, err := c.rw.Write([]byte{eot})
	if err == nil {
		err = errors.New("bpos1sim: ECR answered NAK three times")
	}
	return err
}

// tlv is a list of fields to encode: tag and raw value (numbers already in order).
type tlv []struct {
	tag uint32
	val []byte
}

func u32(v uint32, order binary.ByteOrder) []byte {
	b := make([]byte, 4)
	order.PutUint32(b, v)
	return b
}

func (c *simConn) reply(fields tlv) error { return c.send(c.encode(fields)) }

// encode writes fields as TLVs in the link's byte order.
func (c *simConn) encode(fields tlv) []byte {
	var out []byte
	for _, f := range fields {
		out = append(out, u32(f.tag, c.order)...)
		out = append(out, u32(uint32(len(f.val)), c.order)...)
		out = append(out, f.val...)
	}
	return out
}

// decodeRequest parses the TLVs in the byte order that yields a first tag in 1..255.
func decodeRequest(data []byte) (map[uint32][]byte, binary.ByteOrder, bool) {
	for _, order := range []binary.ByteOrder{binary.BigEndian, binary.LittleEndian} {
		fields := map[uint32][]byte{}
		off, first, ok := 0, uint32(0), true
		for off < len(data) {
			if len(data)-off < 8 {
				ok = false
				break
			}
			tag, n := order.Uint32(data[off:]), order.Uint32(data[off+4:])
			off += 8
			if uint64(n) > uint64(len(data)-off) {
				ok = false
				break
			}
			if first == 0 {
				first = tag
			}
			if _, dup := fields[tag]; !dup {
				fields[tag] = data[off : off+int(n)]
			}
			off += int(n)
		}
		if ok && first >= 1 && first <= 255 {
			return fields, order, true
		}
	}
	return nil, nil, false
}

func num(fields map[uint32][]byte, tag uint32, order binary.ByteOrder) uint32 {
	v := fields[tag]
	if len(v) != 4 {
		return 0
	}
	return order.Uint32(v)
}

func (s *Server) count(name string) {
	s.mu.Lock()
	s.calls[name]++
	s.mu.Unlock()
}

// handle runs one request.
func (s *Server) handle(c *simConn, f map[uint32][]byte, order binary.ByteOrder) error {
	class := num(f, 1, order)
	o := c.order
	switch class {
	case 11:
		s.count("Ping")
		p := s.m.planFor(opCheck, true)
		if p.drop {
			return errDropRequest
		}
		s.m.mu.Lock()
		s.m.beforeCommand(false)
		s.m.mu.Unlock()
		if !sleepCtx(c.ctx, p.slow) {
			return c.ctx.Err()
		}
		return c.answer(tlv{{1, u32(11, o)}, {14, u32(0, o)}}, p)
	case 3:
		return s.service(c, f, order)
	case 1:
		return s.financial(c, f, order)
	}
	return c.reply(tlv{{1, u32(class, o)}, {14, u32(rcGeneral, o)}, {15, []byte("unknown request")}})
}

func (s *Server) service(c *simConn, f map[uint32][]byte, order binary.ByteOrder) error {
	o := c.order
	merch := uint8(num(f, 33, order))
	fn := num(f, 27, order)
	kind := opLocal
	if fn == 1 {
		kind = opHost
	}
	p := s.m.planFor(kind, true)
	if p.drop {
		return errDropRequest
	}
	delay := p.slow
	if kind == opHost {
		delay += s.m.cfg.AnswerDelay
	}
	if !sleepCtx(c.ctx, delay) {
		return c.ctx.Err()
	}
	var out outcome
	s.m.mu.Lock()
	s.m.beforeCommand(false)
	switch fn {
	case 1:
		s.count("Settlement")
		if p.code != 0 {
			out = fail(p.code, declineText(p.code))
			break
		}
		out = s.m.report(merch, true, true)
	case 2:
		s.count("PrintBatchTotals")
		out = s.m.report(merch, false, num(f, 47, order) == 1)
	case 8:
		s.count("POSGetInfo")
		out = outcome{ok: true, info: s.m.cfg.TerminalInfo}
	default:
		out = fail(rcGeneral, "unknown service")
	}
	s.m.mu.Unlock()
	if !out.ok {
		return c.answer(tlv{{1, u32(3, o)}, {14, u32(out.resp, o)}, {15, []byte(cp1251(out.desc))}}, p)
	}
	r := tlv{{1, u32(3, o)}, {14, u32(0, o)}}
	if out.info != "" {
		r = append(r, struct {
			tag uint32
			val []byte
		}{15, []byte(cp1251(out.info))})
	}
	return c.answer(r, p)
}

func (s *Server) financial(c *simConn, f map[uint32][]byte, order binary.ByteOrder) error {
	o := c.order
	typ := num(f, 2, order)
	merch := uint8(num(f, 33, order))
	amount := num(f, 3, order)
	names := map[uint32]string{1: "Purchase", 10: "Refund", 11: "Void"}
	name, known := names[typ]
	if !known {
		return c.reply(tlv{{1, u32(1, o)}, {14, u32(rcGeneral, o)}, {15, []byte("unknown transaction type")}})
	}
	s.count(name)
	kind := opCard
	if typ == 11 {
		kind = opVoid
	}
	p := s.m.planFor(kind, true)
	if p.drop {
		return errDropRequest
	}
	s.m.mu.Lock()
	s.m.beforeCommand(false)
	s.m.mu.Unlock()
	for i, code := range s.m.cfg.Progress {
		err := c.reply(tlv{{1, u32(13, o)}, {30, u32(uint32(code), o)}, {31, []byte(cp1251(statusText[code]))}})
		if err == nil && i == 0 && p.waitCard {
			err = c.waitCard(s.m.cardIn) // card-timeout: at the card prompt
		}
		if errors.Is(err, errEOT) {
			_, werr := c.rw.Write([]byte{eot})
			return werr
		}
		if err != nil {
			return err
		}
	}
	if s.m.cfg.Hang {
		for {
			data, err := c.readFrame()
			if errors.Is(err, errEOT) {
				_, werr := c.rw.Write([]byte{eot})
				return werr
			}
			if err != nil {
				return err
			}
			if data != nil {
				if err := c.ack(); err != nil { // anything but EOT is ignored while waiting
					return err
				}
			}
		}
	}
	if !sleepCtx(c.ctx, s.m.cfg.AnswerDelay+p.slow) {
		return c.ctx.Err()
	}
	var out outcome
	s.m.mu.Lock()
	switch typ {
	case 1:
		out = s.m.card(txnPurchase, amount, 0, merch, "", p.code)
	case 10:
		rrn := string(f[18])
		out = s.m.card(txnRefund, amount, 0, merch, rrn, p.code)
	case 11:
		out = s.m.void(num(f, 17, order), merch, p.code)
	}
	s.m.mu.Unlock()
	r := tlv{{1, u32(1, o)}, {14, u32(out.resp, o)}, {2, u32(typ, o)}}
	add := func(tag uint32, v []byte) {
		r = append(r, struct {
			tag uint32
			val []byte
		}{tag, v})
	}
	if !out.ok {
		add(15, []byte(cp1251(out.desc)))
	}
	if rec := out.rec; rec != nil {
		add(3, u32(rec.Amount, o))
		add(17, u32(rec.Invoice, o))
		if out.ok {
			add(18, []byte(rec.RRN))
			add(16, []byte(rec.AuthCode))
			add(4, []byte(s.m.cfg.PAN))
			add(5, []byte(s.m.cfg.TerminalID))
			add(6, []byte(s.m.cfg.MerchantID))
			add(26, []byte("VISA"))
		}
	}
	return c.answer(r, p)
}
