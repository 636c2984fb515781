package vprinter

import (
	"encoding/hex"
	"fmt"
	"strconv"

	"github.com/uapos/uapos/simulators/control"
)

// This file is the printer's side of package control: the printer fault words, the pages
// printed, and the hook that hands each page over as it is cut.

var support = control.Support{Protocol: "escpos", Words: control.PrinterWords}

// Control returns the printer's control: printer faults, pages, decoded commands, reset.
func (s *Server) Control() control.Printer { return ctl{s} }

// ctl is the Server's control.Printer.
type ctl struct{ s *Server }

var _ control.Printer = ctl{}

// Support implements control.Controller.
func (c ctl) Support() control.Support { return support }

// SetFaults implements control.Controller: a condition is set at once, or after LINES more
// printed lines for paper-near-end=LINES and paper-out=LINES; drawer-stuck keeps the drawer
// shut for the next kicks.
func (c ctl) SetFaults(fs ...control.Fault) error {
	lines := make([]int, len(fs))
	for i, f := range fs {
		if err := support.Check(f); err != nil {
			return err
		}
		if f.Value != "" {
			n, err := f.Count(0)
			if err != nil {
				return err
			}
			lines[i] = n
		}
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	s.armed.Arm(fs...)
	st := s.state
	for i, f := range fs {
		switch f.Name {
		case "paper-near-end":
			if lines[i] > 0 {
				s.nearEndAt = s.paperLines + lines[i]
			} else if st.Paper == PaperOK {
				st.Paper = PaperNearEnd
			}
		case "paper-out":
			if lines[i] > 0 {
				s.outAt = s.paperLines + lines[i]
			} else {
				st.Paper = PaperOut
			}
		case "cover-open":
			st.CoverOpen = true
		case "offline":
			st.Offline = true
		}
	}
	s.setState(st)
	return nil
}

// ClearFaults implements control.Controller: paper, cover and the offline switch are back
// to normal (held data prints), and the drawer opens again.
func (c ctl) ClearFaults() {
	s := c.s
	s.mu.Lock()
	s.armed.Clear()
	s.nearEndAt, s.outAt, s.paperLines = 0, 0, 0
	st := s.state
	st.Paper, st.CoverOpen, st.Offline = PaperOK, false, false
	s.setState(st)
	s.mu.Unlock()
	s.flushCuts()
}

// Faults implements control.Controller.
func (c ctl) Faults() []control.Fault { return c.s.armed.List() }

// PresentCard implements control.Controller: a printer reads no cards.
func (c ctl) PresentCard() error {
	return fmt.Errorf("%w: a printer reads no cards", control.ErrNotSupported)
}

// Ledger implements control.Controller: a printer moves no money.
func (c ctl) Ledger() []control.Charge { return []control.Charge{} }

// Requests implements control.Controller: the commands received, as decoded (the most
// recent control.MaxRequests of the pages kept).
func (c ctl) Requests() []control.Request {
	var out []control.Request
	for _, p := range c.s.pagesWith(true) {
		for _, cmd := range p.Commands {
			f := map[string]string{"offset": strconv.FormatInt(cmd.Offset, 10), "len": strconv.Itoa(cmd.Len),
				"hex": hex.EncodeToString(cmd.Bytes), "page": strconv.Itoa(p.Index)}
			if cmd.Text != "" {
				f["text"] = cmd.Text
			}
			out = append(out, control.Request{Seq: len(out) + 1, Operation: cmd.Name, Fields: f})
		}
	}
	if len(out) > control.MaxRequests {
		out = out[len(out)-control.MaxRequests:]
	}
	return out
}

// Reset implements control.Controller: a new roll, cover closed, online, drawer closed,
// no pages, counters at zero.
func (c ctl) Reset() {
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	s.armed.Clear()
	s.nearEndAt, s.outAt, s.paperLines = 0, 0, 0
	s.dec = NewDecoder(s.prof, s.cfg.Limits)
	s.dec.SetHandler(s.onEvent)
	s.state = State{DrawerOpenLow: s.cfg.DrawerOpenLow}
	s.asbMask, s.lastASB = 0, [4]byte{}
	s.counters, s.replyDrops = Counters{}, 0
	s.cuts = nil
}

// Pages implements control.Printer: the cut pages kept, then the page being printed if it
// has printed lines.
func (c ctl) Pages() []control.Page {
	var out []control.Page
	for _, p := range c.s.pages() {
		out = append(out, pageOf(p))
	}
	return out
}

// PagePNG implements control.Printer.
func (c ctl) PagePNG(index int) ([]byte, error) {
	for _, p := range c.s.pages() {
		if p.Index == index {
			return Receipt{Page: p}.PNG()
		}
	}
	return nil, fmt.Errorf("%w: %d", control.ErrNoPage, index)
}

// pageOf is a page as package control shows it.
func pageOf(p *Page) control.Page {
	cp := control.Page{Index: p.Index, Text: RenderText(p), Plain: RenderPlain(p), Cut: p.Cut,
		Commands: make([]control.Command, len(p.Commands))}
	for i, c := range p.Commands {
		cp.Commands[i] = control.Command{Offset: c.Offset, Name: c.Name, Len: c.Len, Hex: hex.EncodeToString(c.Bytes), Text: c.Text}
	}
	return cp
}

// pages returns copies of the cut pages kept and of the current page if it has printed
// lines.
func (s *Server) pages() []*Page { return s.pagesWith(false) }

// pagesWith is pages; with commands, the current page also counts when it only has
// commands (status requests, say).
func (s *Server) pagesWith(commands bool) []*Page {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*Page
	for _, p := range s.dec.Pages() {
		out = append(out, copyPage(p))
	}
	if cur := s.dec.Current(); len(cur.Lines) > 0 || commands && len(cur.Commands) > 0 {
		out = append(out, copyPage(cur))
	}
	return out
}

func copyPage(p *Page) *Page {
	c := *p
	c.Lines = append([]Line(nil), p.Lines...)
	c.Commands = append([]Command(nil), p.Commands...)
	return &c
}

// OnCut sets a function that receives each page as it is cut (nil: none), with its index.
// It runs on the goroutine of the link that printed the page (or of the call that cleared a
// fault and so let held data print), never with the printer locked: it may call the
// Server, and the printer waits for it.
func (s *Server) OnCut(f func(r Receipt)) {
	s.mu.Lock()
	s.onCut = f
	s.mu.Unlock()
}

// flushCuts hands the pages cut since the last call to the OnCut function.
func (s *Server) flushCuts() {
	s.mu.Lock()
	f, cuts := s.onCut, s.cuts
	s.cuts = nil
	s.mu.Unlock()
	if f == nil {
		return
	}
	for _, p := range cuts {
		f(newReceipt(p))
	}
}
