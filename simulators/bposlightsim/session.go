package bposlightsim

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strconv"
	"time"
)

var errDisconnect = errors.New("bposlightsim: disconnect fault")

// session serves one link.
type session struct {
	s     *Server
	c     io.ReadWriteCloser
	toks  <-chan token
	ctx   context.Context
	stash *token
	// fault state of the link: NAKs still to send, the request being silenced, answers
	// still to corrupt
	naks     int
	silenced []byte
	corrupt  int
}

// next returns the next token; timedOut when timeout (> 0) passed first; card when
// watchCard and a card was presented first.
func (ss *session) next(timeout time.Duration, watchCard bool) (t token, timedOut, card bool) {
	if ss.stash != nil {
		t, ss.stash = *ss.stash, nil
		return t, false, false
	}
	var tc <-chan time.Time
	if timeout > 0 {
		tm := time.NewTimer(timeout)
		defer tm.Stop()
		tc = tm.C
	}
	var cc <-chan struct{}
	if watchCard {
		cc = ss.s.card
	}
	select {
	case t = <-ss.toks:
		return t, false, false
	case <-tc:
		return token{}, true, false
	case <-cc:
		return token{}, false, true
	case <-ss.ctx.Done():
		return token{err: ss.ctx.Err()}, false, false
	}
}

func (ss *session) write(b []byte) error {
	_, err := ss.c.Write(b)
	return err
}

func (ss *session) faults() Faults {
	ss.s.mu.Lock()
	defer ss.s.mu.Unlock()
	return ss.s.faults
}

// takeFault decrements a counting fault and reports whether it applied.
func (ss *session) takeFault(p func(*Faults) *int) bool {
	ss.s.mu.Lock()
	defer ss.s.mu.Unlock()
	n := p(&ss.s.faults)
	if *n > 0 {
		*n--
		return true
	}
	return false
}

func (ss *session) run() error {
	for {
		t, _, _ := ss.next(0, false)
		if t.err != nil {
			return t.err
		}
		f := ss.faults()
		if f.NoACK || !t.frame {
			continue // stray ACK/NAK/EOT while idle: nothing to do
		}
		if !t.ok {
			ss.s.mu.Lock()
			ss.s.badFrames++
			ss.s.mu.Unlock()
			if err := ss.write([]byte{nak}); err != nil {
				return err
			}
			continue
		}
		if ss.silenced != nil && bytes.Equal(t.data, ss.silenced) {
			continue // the ECR sends the silenced request again: still no answer
		}
		ss.silenced = nil
		query := bytes.HasPrefix(t.data, []byte("REQ=ACQ;"))
		if ss.naks == 0 {
			if flt, ok := ss.s.cs.Armed.TakeFor("nak", query); ok {
				ss.naks, _ = flt.Count(1)
			}
		}
		if ss.naks > 0 || ss.takeFault(func(f *Faults) *int { return &f.NAKRequests }) {
			ss.naks = max(ss.naks-1, 0)
			if err := ss.write([]byte{nak}); err != nil {
				return err
			}
			continue
		}
		if _, ok := ss.s.cs.Armed.TakeFor("silent", query); ok {
			ss.silenced = t.data // not ACKed, not done, not answered
			continue
		}
		if err := ss.write([]byte{ack}); err != nil {
			return err
		}
		req, ok := parseKV(t.data)
		op, _ := req.get("REQ")
		ss.s.mu.Lock()
		ss.s.requests = append(ss.s.requests, op)
		ss.s.mu.Unlock()
		ss.s.cs.Log.Add(op, req.vals)
		ss.s.log.Debug("bposlightsim: request", "req", op, "ok", ok)
		if f.DisconnectOn != "" && f.DisconnectOn == op {
			return errDisconnect
		}
		p := ss.s.planFor(op)
		if p.drop {
			return errDisconnect
		}
		if f.NoResponse || p.noResponse {
			continue
		}
		var resp []byte
		if !ok {
			resp = errReply("ERR")
		} else {
			var eotOnly bool
			var err error
			resp, eotOnly, err = ss.handle(op, req, f, p)
			if err != nil {
				return err
			}
			if eotOnly {
				if err := ss.write([]byte{eot}); err != nil {
					return err
				}
				continue
			}
		}
		delay := p.slow
		if op == "PUR" || op == "CAN" || op == "SET" {
			delay += ss.s.cfg.AnswerDelay // the card and the host, between the ACK and the answer
		}
		if !wait(ss.ctx, delay) {
			return ss.ctx.Err()
		}
		switch p.reply {
		case "drop-reply": // done, and the answer is lost with the link
			return errDisconnect
		case "disconnect-mid-reply":
			fr := frameBytes(resp, false)
			ss.write(fr[:len(fr)/2])
			return errDisconnect
		case "garbage":
			ss.write(garbage)
			return errDisconnect
		}
		ss.corrupt = p.corrupt
		if err := ss.respond(resp); err != nil {
			return err
		}
	}
}

// garbage is what the garbage fault sends instead of an answer: an STX whose length is
// beyond any frame, then bytes that are no frame.
var garbage = append([]byte{stx, 0xFF, 0xFF}, bytes.Repeat([]byte{0xFF, 0x00, 0x3B}, 170)...)

func (ss *session) handle(op string, req kv, f Faults, p plan) (resp []byte, eotOnly bool, err error) {
	s := ss.s
	if p.rc != 0 && op != "PUR" {
		mi := s.selectMerchant(req)
		if op == "CAN" && p.rc < 1000 {
			s.declined("void", req, p.rc)
		}
		return s.shortReply(op, p.rc, mi), false, nil
	}
	switch op {
	case "PUR":
		return ss.purchase(req, f, p)
	case "CON":
		return s.confirm(req), false, nil
	case "CAN":
		return s.cancel(req), false, nil
	case "SET":
		return s.settle(req), false, nil
	case "ACQ":
		return s.acquirers(), false, nil
	}
	s.mu.Lock()
	s.autoCancelLocked()
	s.mu.Unlock()
	return errReply(op), false, nil
}

func (ss *session) purchase(req kv, f Faults, p plan) ([]byte, bool, error) {
	s := ss.s
	s.mu.Lock()
	s.autoCancelLocked()
	s.mu.Unlock()
	mi := s.selectMerchant(req)
	amt, _ := req.get("AMOUNT")
	amount, err := strconv.ParseUint(amt, 10, 32)
	if mi < 0 || err != nil || amount == 0 {
		return errReply("PUR"), false, nil
	}
	qa, _ := req.get("QRALLOW")
	ct, _ := req.get("CARDTYPE")
	qr := qa == "1" && ct == "1"
	if s.cfg.WaitForCard || p.waitCard {
		// drain a card presented before this purchase started, unless the card-timeout
		// fault armed the wait: then a card presented through the control API counts
		if !p.waitCard {
			select {
			case <-s.card:
			default:
			}
		}
		select {
		case s.waiting <- struct{}{}:
		default:
		}
	wait:
		for {
			t, _, card := ss.next(0, true)
			switch {
			case card:
				break wait
			case t.err != nil:
				return nil, false, t.err
			case !t.frame && t.ctl == eot:
				// bposlight.md §1.4: the ECR's EOT aborts the card wait.
				return s.shortReply("PUR", 1001, mi), false, nil
			}
		}
	}
	if f.EOTOnPurchase || p.eot {
		return nil, true, nil
	}
	if p.abort {
		// The answer of the spec's abort example (bposlight.md §3): RC=1001.
		return s.shortReply("PUR", 1001, mi), false, nil
	}
	rcode := p.rc
	if rcode == 0 {
		rcode = f.DeclineRC
	}
	if rcode == 0 {
		rcode = testAmount(amount)
	}
	if rcode != 0 {
		if rcode < 1000 {
			s.declined("purchase", req, rcode)
		}
		return s.shortReply("PUR", rcode, mi), false, nil
	}
	t := s.approve(req, mi, uint32(amount), qr)
	if qr {
		return s.qrReply(t), false, nil
	}
	return s.cardReply("PUR", t), false, nil
}

// respond sends an answer and waits for ACK: NAK → resend, up to 3 NAKs, then EOT
// (bposlight.md §1.2). Without an ACK in ACKTimeout it gives up on the answer.
func (ss *session) respond(data []byte) error {
	naks := 0
	for {
		corrupt := ss.takeFault(func(f *Faults) *int { return &f.CorruptResponses })
		if ss.corrupt > 0 {
			ss.corrupt--
			corrupt = true
		}
		if err := ss.write(frameBytes(data, corrupt)); err != nil {
			return err
		}
	wait:
		for {
			t, timedOut, _ := ss.next(ss.s.cfg.ACKTimeout, false)
			switch {
			case timedOut:
				ss.s.log.Debug("bposlightsim: no ACK for the answer")
				return nil
			case t.err != nil:
				return t.err
			case t.frame:
				ss.stash = &t // the ECR moved on; serve it next
				return nil
			case t.ctl == ack:
				return nil
			case t.ctl == nak:
				naks++
				if naks >= 3 {
					return ss.write([]byte{eot})
				}
				break wait
			case t.ctl == eot:
				return nil
			}
		}
	}
}
