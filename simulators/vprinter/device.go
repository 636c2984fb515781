package vprinter

// rtScanner finds real-time commands (DLE EOT n, DLE DC4 1 m t; escpos.md §1.7, §1.8) in
// the received byte stream, across any fragmentation.
type rtScanner struct {
	st  int // 0 idle, 1 DLE, 2 DLE EOT, 3 DLE DC4, 4 DLE DC4 1, 5 DLE DC4 1 m
	arg [2]byte
}

// rtCmd is a completed real-time command.
type rtCmd struct {
	eot  bool // DLE EOT n (else DLE DC4 1 m t)
	n, m byte
}

func (r *rtScanner) push(b byte) (rtCmd, bool) {
	switch r.st {
	case 1:
		switch b {
		case 0x04:
			r.st = 2
		case 0x14:
			r.st = 3
		case 0x10:
			r.st = 1
		default:
			r.st = 0
		}
	case 2:
		r.st = 0
		if b >= 1 && b <= 4 {
			return rtCmd{eot: true, n: b}, true
		}
		if b == 0x10 {
			r.st = 1
		}
	case 3:
		r.st = 0
		switch b {
		case 1:
			r.st = 4
		case 0x10:
			r.st = 1
		}
	case 4:
		r.arg[0] = b
		r.st = 5
	case 5:
		r.st = 0
		return rtCmd{m: r.arg[0], n: b}, true
	default:
		if b == 0x10 {
			r.st = 1
		}
	}
	return rtCmd{}, false
}

// realTime answers a real-time command. s.mu is held.
func (s *Server) realTime(c rtCmd) {
	if c.eot {
		if r, ok := s.state.DLEEOT(c.n); ok {
			s.counters.StatusReplies++
			s.reply([]byte{r})
		}
		return
	}
	// DLE DC4 1 m t: pulse pin m (0/1) for t x 100 ms, 1 <= t <= 8.
	if c.m > 1 || c.n < 1 || c.n > 8 {
		s.dec.report("DLE DC4 1", "m or t outside the documented range: no pulse")
		return
	}
	s.kick()
}

// onEvent handles decoder events. s.mu is held (the decoder only runs under it).
func (s *Server) onEvent(e Event) {
	switch e.Kind {
	case EventLine:
		s.counters.Lines++
		switch LineKind(e.N) {
		case LineText:
			s.counters.TextLines++
		case LineRaster, LineGraphics, LineNV:
			s.counters.Images++
		case LineBarcode:
			s.counters.Barcodes++
		case LineQR:
			s.counters.QRCodes++
		}
		s.paperLines++
		st := s.state
		if n := s.cfg.PaperOutAfterLines; n > 0 && s.paperLines >= n || s.outAt > 0 && s.paperLines >= s.outAt {
			st.Paper = PaperOut
		} else if n := s.cfg.PaperNearEndAfterLines; (n > 0 && s.paperLines >= n || s.nearEndAt > 0 && s.paperLines >= s.nearEndAt) && st.Paper == PaperOK {
			st.Paper = PaperNearEnd
		}
		if n := s.cfg.CoverOpenAfterLines; n > 0 && s.paperLines == n {
			st.CoverOpen = true
		}
		if n := s.cfg.OfflineAfterLines; n > 0 && s.paperLines == n {
			st.Offline = true
		}
		s.setState(st)
	case EventCut:
		s.counters.Cuts++
		if pages := s.dec.pages; s.onCut != nil && len(pages) > 0 {
			s.cuts = append(s.cuts, pages[len(pages)-1])
		}
	case EventDrawerKick:
		s.kick()
	case EventTransmitID:
		s.transmitID(e.N)
	case EventASB:
		s.asbMask = e.N
		if e.N != 0 {
			s.lastASB = s.state.ASB()
			s.counters.StatusReplies++
			s.reply(s.lastASB[:])
		}
	case EventReply:
		s.counters.StatusReplies++
		s.reply(e.Data)
	}
}

func (s *Server) kick() {
	s.counters.DrawerKicks++
	if _, stuck := s.armed.Take("drawer-stuck"); stuck {
		return // the solenoid pulls, the drawer stays shut
	}
	st := s.state
	st.DrawerOpen = true
	s.setState(st)
}

// transmitID answers GS I n (escpos.md §1.8).
func (s *Server) transmitID(n byte) {
	var r []byte
	switch n {
	case 1, 49:
		r = []byte{s.cfg.ModelID &^ 0x90}
	case 2, 50: // type ID: bit1 autocutter; bit0 multibyte on Kanji-capable clones
		t := byte(0x02)
		if s.prof.KanjiAtStart {
			t |= 0x01
		}
		r = []byte{t}
	case 3, 51: // ROM / feature ID: the simulator's own value
		r = []byte{0x01}
	case 65, 66, 67, 68:
		v := map[byte]string{65: s.cfg.Firmware, 66: s.cfg.Maker, 67: s.cfg.Model, 68: s.cfg.Serial}[n]
		r = append(append([]byte{0x5F}, v...), 0x00)
	default:
		s.dec.report("GS I", "n not answered by the simulator")
		return
	}
	s.counters.StatusReplies++
	s.reply(r)
}

// setState applies a new state: holds or releases the decoder and sends ASB on changes of
// enabled items. s.mu is held.
func (s *Server) setState(st State) {
	old := s.state
	s.state = st
	if off := st.IsOffline(); off != s.dec.Held() {
		s.dec.Hold(off)
	}
	if s.asbMask == 0 || old == st {
		return
	}
	cur := st.ASB()
	var mask [4]byte
	if s.asbMask&0x01 != 0 {
		mask[0] |= 0x04
	}
	if s.asbMask&0x02 != 0 {
		mask[0] |= 0x28
	}
	if s.asbMask&0x04 != 0 {
		mask[1] = 0xFF
	}
	if s.asbMask&0x08 != 0 {
		mask[2] = 0xFF
	}
	changed := false
	for i := range cur {
		if cur[i]&mask[i] != s.lastASB[i]&mask[i] {
			changed = true
		}
	}
	if changed {
		s.lastASB = cur
		s.counters.StatusReplies++
		s.reply(cur[:])
	}
}

// reply queues bytes for the link that sent the data being processed. s.mu is held.
func (s *Server) reply(b []byte) {
	if s.active == nil {
		s.replyDrops += int64(len(b))
		return
	}
	select {
	case s.active.out <- append([]byte(nil), b...):
	default:
		s.replyDrops += int64(len(b))
	}
}

// Receipts returns the cut pages kept, oldest first, with their text.
func (s *Server) Receipts() []Receipt {
	s.mu.Lock()
	pages := s.dec.Pages()
	s.mu.Unlock()
	out := make([]Receipt, len(pages))
	for i, p := range pages {
		out[i] = newReceipt(p)
	}
	return out
}

// Current returns the page printed since the last cut (text still in the line buffer,
// not ended by LF, is not included).
func (s *Server) Current() Receipt {
	s.mu.Lock()
	p := copyPage(s.dec.Current())
	s.mu.Unlock()
	return newReceipt(p)
}

// DrawerOpened reports whether the cash drawer is open (a kick opens it, CloseDrawer
// closes it).
func (s *Server) DrawerOpened() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state.DrawerOpen
}

// CloseDrawer closes the cash drawer.
func (s *Server) CloseDrawer() {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.state
	st.DrawerOpen = false
	s.setState(st)
}

// SetCoverOpen opens or closes the cover. An open cover puts the printer offline.
func (s *Server) SetCoverOpen(open bool) {
	s.mu.Lock()
	st := s.state
	st.CoverOpen = open
	s.setState(st)
	s.mu.Unlock()
	s.flushCuts() // held data may have printed and been cut
}

// SetOffline sets the offline switch.
func (s *Server) SetOffline(off bool) {
	s.mu.Lock()
	st := s.state
	st.Offline = off
	s.setState(st)
	s.mu.Unlock()
	s.flushCuts() // held data may have printed and been cut
}

// SetPaper sets the paper sensor. SetPaper(PaperOK) also restarts the
// PaperNearEndAfterLines / PaperOutAfterLines count (a new roll).
func (s *Server) SetPaper(p PaperState) {
	s.mu.Lock()
	if p == PaperOK {
		s.paperLines = 0
	}
	st := s.state
	st.Paper = p
	s.setState(st)
	s.mu.Unlock()
	s.flushCuts() // held data may have printed and been cut
}

// State returns the current device state.
func (s *Server) State() State {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state
}

// ResumeReading lifts Config.StopReadingAfterBytes for good.
func (s *Server) ResumeReading() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.resumed {
		s.resumed = true
		close(s.resume)
	}
}

// Counters returns the cumulative counters.
func (s *Server) Counters() Counters {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.counters
	c.Dropped = s.dec.Dropped() + s.replyDrops
	return c
}

// Reports returns what the decoder skipped or ignored.
func (s *Server) Reports() []Report {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dec.Reports()
}
