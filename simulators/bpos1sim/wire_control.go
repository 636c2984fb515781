package bpos1sim

import (
	"bytes"
	"encoding/binary"
	"errors"
	"strconv"
)

// The wire server's side of the fault vocabulary (control.go): faults on frames (silent,
// nak), on answers (drop-reply, disconnect-mid-reply, garbage, corrupt-checksum) and the
// card prompt (card-timeout).

var (
	errDropRequest = errors.New("bpos1sim: drop-request fault: link dropped before the request was done")
	errDropReply   = errors.New("bpos1sim: answer fault: link dropped")
)

// garbage is what the garbage fault sends instead of an answer: an STX whose length is
// beyond any frame, then bytes that are no frame.
var garbage = append([]byte{stx, 0xFF, 0xFF}, bytes.Repeat([]byte{0xFF, 0x00, 0x7E}, 170)...)

// frameFaults applies the faults that act on a request frame before the simulator ACKs it:
// a NAK (nak) or no answer at all, to the frame and to the ECR's repeats of it (silent).
// refused is true when the frame is not to be served. check marks a ping, on which only
// sticky faults show. A frame that is served is logged.
func (s *Server) frameFaults(c *simConn, data []byte, check bool) (refused bool, err error) {
	if c.silenced != nil && bytes.Equal(data, c.silenced) {
		return true, nil
	}
	c.silenced = nil
	if c.naks == 0 {
		if f, ok := s.m.cs.Armed.TakeFor("nak", check); ok {
			c.naks, _ = f.Count(1)
		}
	}
	if c.naks > 0 {
		c.naks--
		_, err := c.rw.Write([]byte{nak})
		return true, err
	}
	if _, ok := s.m.cs.Armed.TakeFor("silent", check); ok {
		c.silenced = append([]byte(nil), data...)
		return true, nil
	}
	s.m.cs.Log.Add(requestName(data), requestFields(data))
	return false, nil
}

// answer sends an answer as the request's plan says: lost with the link, cut in half,
// replaced by garbage, or sent with a bad LRC p.corrupt times.
func (c *simConn) answer(fields tlv, p plan) error {
	data := c.encode(fields)
	switch p.reply {
	case "drop-reply":
		return errDropReply
	case "disconnect-mid-reply":
		fr := append([]byte{stx, byte(len(data) >> 8), byte(len(data))}, data...)
		c.rw.Write(fr[:len(fr)/2])
		return errDropReply
	case "garbage":
		c.rw.Write(garbage)
		return errDropReply
	}
	c.corrupt = p.corrupt
	return c.send(data)
}

// waitCard holds a card operation at the card prompt until a card is presented through the
// control API, or the ECR's EOT aborts it (errEOT). Frames meanwhile are ACKed and ignored.
func (c *simConn) waitCard(card <-chan struct{}) error {
	for {
		if c.r.Buffered() == 0 {
			presented, err := c.r.fill(card)
			if err != nil {
				return err
			}
			if presented {
				return nil
			}
			continue
		}
		data, err := c.readFrame()
		if err != nil {
			return err
		}
		if data != nil {
			if err := c.ack(); err != nil {
				return err
			}
		}
	}
}

// isQuery reports whether a request is a ping or a service that changes nothing (POS info,
// X-report): only sticky faults show on those.
func isQuery(f map[uint32][]byte, order binary.ByteOrder) bool {
	switch num(f, 1, order) {
	case 11:
		return true
	case 3:
		return num(f, 27, order) != 1
	}
	return false
}

// requestName names a request for the log: "Purchase", "Settlement", "Ping", or its class.
func requestName(data []byte) string {
	f, order, ok := decodeRequest(data)
	if !ok {
		return "undecodable"
	}
	class := num(f, 1, order)
	switch class {
	case 1:
		if n, ok := map[uint32]string{1: "Purchase", 10: "Refund", 11: "Void"}[num(f, 2, order)]; ok {
			return n
		}
	case 3:
		if n, ok := map[uint32]string{1: "Settlement", 2: "PrintBatchTotals", 8: "POSGetInfo"}[num(f, 27, order)]; ok {
			return n
		}
	case 5:
		return "Confirm"
	case 11:
		return "Ping"
	}
	return "class " + strconv.FormatUint(uint64(class), 10)
}

// requestFields are a request's TLVs for the log: a 4-byte value as a number, others as
// text.
func requestFields(data []byte) map[string]string {
	f, order, ok := decodeRequest(data)
	if !ok {
		return nil
	}
	out := make(map[string]string, len(f))
	for tag, v := range f {
		k := strconv.FormatUint(uint64(tag), 10)
		if len(v) == 4 {
			out[k] = strconv.FormatUint(uint64(order.Uint32(v)), 10)
		} else {
			out[k] = string(bytes.ToValidUTF8(v, []byte("?")))
		}
	}
	return out
}
