package bposlightsim

import (
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
		if ss.takeFault(func(f *Faults) *int { return &f.NAKRequests }) {
			if err := ss.write([]byte{nak}); err != nil {
				return err
			}
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
		ss.s.log.Debug("bposlightsim: request", "req", op, "ok", ok)
		if f.DisconnectOn != "" && f.DisconnectOn == op {
			return errDisconnect
		}
		if f.NoResponse {
			continue
		}
		var resp []byte
		if !ok {
			resp = errReply("ERR")
		} else {
			var eotOnly bool
			var err error
			resp, eotOnly, err = ss.handle(op, req, f)
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
		if err := ss.respond(resp); err != nil {
			return err
		}
	}
}

func (ss *session) handle(op string, req kv, f Faults) (resp []byte, eotOnly bool, err error) {
	s := ss.s
	switch op {
	case "PUR":
		return ss.purchase(req, f)
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

func (ss *session) purchase(req kv, f Faults) ([]byte, bool, error) {
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
	if s.cfg.WaitForCard {
		// drain a card presented before this purchase started
		select {
		case <-s.card:
		default:
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
	if f.EOTOnPurchase {
		return nil, true, nil
	}
	if f.DeclineRC != 0 {
		return s.shortReply("PUR", f.DeclineRC, mi), false, nil
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
