package vprinter

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"log/slog"
	"net"
	"sync"

	"github.com/uapos/uapos/simulators/control"
	"github.com/uapos/uapos/simulators/internal/simnet"
)

// ErrDropped is returned by ServeConn when Config.DropAfterBytes closed the link.
var ErrDropped = errors.New("vprinter: connection dropped by fault knob")

// ErrClosed is what ServeConn and ListenTCP return after Close (wrapped, with the
// simulator's name).
//
// Deprecated: ErrClosed is [net.ErrClosed], the one "closed" error of every simulator; test
// for that instead.
var ErrClosed = net.ErrClosed

// Config configures the virtual printer. The zero value is a healthy Epson-numbered 80 mm
// printer with paper, cover closed, online, drawer closed.
type Config struct {
	// Profile names the printer profile (see ProfileNames); "" = "epson".
	Profile string
	// Dots overrides the profile's printable width (384, 512 or 576); 0 = the profile's.
	Dots int
	// Limits bound memory; the zero value uses the defaults documented on Limits.
	Limits Limits
	// Logger receives debug messages; nil discards them.
	Logger *slog.Logger

	// Identity answered to GS I 65/66/67/68 (escpos.md §1.8, reply 5F <ascii> 00). These are
	// the simulator's own values. Defaults: "1.0", "UAPOS", "VPRINTER", "VP0000001".
	Firmware, Maker, Model, Serial string
	// ModelID is the GS I 1 reply byte (default 0x20); bits 4 and 7 are forced to 0 to keep
	// the documented 0xx0xxxx pattern.
	ModelID byte
	// DrawerOpenLow makes an open drawer read as pin 3 LOW; default open = HIGH.
	DrawerOpenLow bool

	// Fault knobs (zero = off).

	// PaperNearEndAfterLines puts the paper sensor at near-end after this many printed lines.
	PaperNearEndAfterLines int
	// PaperOutAfterLines makes the paper run out after this many printed lines: the printer
	// goes offline and holds the rest of the data until SetPaper(PaperOK).
	PaperOutAfterLines int
	// CoverOpen starts with the cover open (offline) until SetCoverOpen(false).
	CoverOpen bool
	// CoverOpenAfterLines opens the cover after this many printed lines.
	CoverOpenAfterLines int
	// OfflineAfterLines sets the offline switch after this many printed lines.
	OfflineAfterLines int
	// Offline starts offline until SetOffline(false).
	Offline bool
	// StopReadingAfterBytes stops reading a connection after this many bytes, as a printer
	// with a full receive buffer, until ResumeReading.
	StopReadingAfterBytes int
	// DropAfterBytes closes a connection after reading this many bytes from it.
	DropAfterBytes int
}

// Counters are cumulative figures of a Server.
type Counters struct {
	Connections   int64 // links served
	BytesRead     int64 // bytes received
	BytesWritten  int64 // reply bytes sent
	Lines         int64 // printed lines of any kind (text, images, barcodes, QR)
	TextLines     int64
	Images        int64 // raster, graphics, NV lines
	Barcodes      int64
	QRCodes       int64
	Cuts          int64
	DrawerKicks   int64 // ESC p and DLE DC4 1 pulses
	StatusReplies int64 // DLE EOT, GS I, ASB and QR size replies
	Dropped       int64 // input bytes dropped while offline with a full buffer, plus lost replies
	Drops         int64 // links closed by DropAfterBytes
}

// Receipt is one page of paper: the text and the image per cut.
type Receipt struct {
	Page  *Page
	Text  string // RenderText
	Plain string // RenderPlain
}

// Image renders the receipt like the paper roll.
func (r Receipt) Image() *image.RGBA { return RenderImage(r.Page) }

// PNG renders the receipt as PNG bytes.
func (r Receipt) PNG() ([]byte, error) {
	var b bytes.Buffer
	if err := EncodePNG(&b, r.Page); err != nil {
		return nil, fmt.Errorf("vprinter: png: %w", err)
	}
	return b.Bytes(), nil
}

func newReceipt(p *Page) Receipt {
	return Receipt{Page: p, Text: RenderText(p), Plain: RenderPlain(p)}
}

// Server is the virtual printer device. All links feed one printer (one paper roll, one
// state), as a real printer does.
type Server struct {
	cfg  Config
	prof Profile
	log  *slog.Logger

	mu         sync.Mutex
	dec        *Decoder
	state      State
	counters   Counters
	paperLines int
	asbMask    byte
	lastASB    [4]byte
	active     *link
	resume     chan struct{}
	resumed    bool
	replyDrops int64
	stalled    chan struct{}
	stallOnce  sync.Once

	// The control (control.go): armed printer faults, when the paper runs low or out,
	// and the pages cut for the OnCut function.
	armed            control.Set
	nearEndAt, outAt int
	onCut            func(Receipt)
	cuts             []*Page

	net *simnet.Server
}

type link struct {
	rwc  io.ReadWriteCloser
	out  chan []byte
	done chan struct{}
	rt   rtScanner
	read int
}

// New returns a virtual printer. An unknown Config.Profile falls back to "epson" (reported
// by Reports).
func New(cfg Config) *Server {
	prof, err := LookupProfile(cfg.Profile)
	if err != nil {
		prof, _ = LookupProfile("")
	}
	if cfg.Dots > 0 {
		prof.Dots = cfg.Dots
	}
	if cfg.Firmware == "" {
		cfg.Firmware = "1.0"
	}
	if cfg.Maker == "" {
		cfg.Maker = "UAPOS"
	}
	if cfg.Model == "" {
		cfg.Model = "VPRINTER"
	}
	if cfg.Serial == "" {
		cfg.Serial = "VP0000001"
	}
	if cfg.ModelID == 0 {
		cfg.ModelID = 0x20
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Server{cfg: cfg, prof: prof, log: log, resume: make(chan struct{}), stalled: make(chan struct{})}
	s.net = simnet.New(simnet.Config{Name: "vprinter", Handler: s.serveLink, Logger: cfg.Logger})
	s.dec = NewDecoder(prof, cfg.Limits)
	if err != nil {
		s.dec.report("config", err.Error()+": using epson")
	}
	s.dec.SetHandler(s.onEvent)
	s.state = State{CoverOpen: cfg.CoverOpen, Offline: cfg.Offline, DrawerOpenLow: cfg.DrawerOpenLow}
	s.dec.Hold(s.state.IsOffline())
	return s
}

// Profile returns the profile in use.
func (s *Server) Profile() Profile { return s.prof }

// ListenTCP listens on addr ("" = "127.0.0.1:0", a host-less ":9100" binds 127.0.0.1; the
// real port is 9100) and serves each accepted connection in the background. It returns the
// bound host:port. After Close it returns an error wrapping net.ErrClosed.
func (s *Server) ListenTCP(addr string) (string, error) { return s.net.ListenTCP(addr) }

// ServeConn serves one link (TCP connection, pty master, pipe) until EOF, ctx is done or
// the server is closed, and closes rwc. It returns nil at EOF, ctx's error, an error
// wrapping net.ErrClosed after Close, ErrDropped, or the read error.
func (s *Server) ServeConn(ctx context.Context, rwc io.ReadWriteCloser) error {
	return s.net.Serve(ctx, rwc)
}

// Close stops the listeners, closes every link and waits for them to end. It is safe to
// call more than once.
func (s *Server) Close() error { return s.net.Close() }

// serveLink is the simnet handler: one link feeding the printer.
func (s *Server) serveLink(ctx context.Context, rwc io.ReadWriteCloser) error {
	l := &link{rwc: rwc, out: make(chan []byte, 64), done: make(chan struct{})}
	s.mu.Lock()
	s.counters.Connections++
	s.mu.Unlock()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		s.writeLoop(l)
	}()
	err := s.readLoop(ctx, l)
	close(l.done)
	wg.Wait()
	s.mu.Lock()
	if s.active == l {
		s.active = nil
	}
	s.mu.Unlock()
	return err
}

func (s *Server) writeLoop(l *link) {
	write := func(b []byte) {
		n, _ := l.rwc.Write(b)
		s.mu.Lock()
		s.counters.BytesWritten += int64(n)
		s.mu.Unlock()
	}
	for {
		select {
		case b := <-l.out:
			write(b)
		case <-l.done:
			for {
				select {
				case b := <-l.out:
					write(b)
				default:
					return
				}
			}
		}
	}
}

func (s *Server) readLoop(ctx context.Context, l *link) error {
	buf := make([]byte, 4096)
	stopAt, dropAt := s.cfg.StopReadingAfterBytes, s.cfg.DropAfterBytes
	for {
		n := len(buf)
		s.mu.Lock()
		resumed := s.resumed
		s.mu.Unlock()
		if stopAt > 0 && !resumed {
			if l.read >= stopAt {
				s.stallOnce.Do(func() { close(s.stalled) })
				select {
				case <-s.resume:
					continue
				case <-ctx.Done(): // the caller's or Close
					return ctx.Err()
				}
			}
			n = min(n, stopAt-l.read)
		}
		if dropAt > 0 {
			n = min(n, dropAt-l.read)
		}
		k, err := l.rwc.Read(buf[:n])
		if k > 0 {
			l.read += k
			s.feed(l, buf[:k])
			s.flushCuts()
		}
		if dropAt > 0 && l.read >= dropAt {
			_ = l.rwc.Close()
			s.mu.Lock()
			s.counters.Drops++
			s.mu.Unlock()
			return ErrDropped
		}
		if err != nil {
			if simnet.IsHangup(err) || ctx.Err() != nil {
				return err // simnet makes it nil, ctx's error or the closed error
			}
			return fmt.Errorf("vprinter: read: %w", err)
		}
	}
}

// feed passes received bytes to the decoder, answering real-time commands where they
// appear in the stream (escpos.md §1.8: real-time commands act on receipt, even inside
// other data, which is why Epson advises GS ( D around images).
func (s *Server) feed(l *link, p []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.active = l
	s.counters.BytesRead += int64(len(p))
	start := 0
	for i, b := range p {
		cmd, ok := l.rt.push(b)
		if !ok {
			continue
		}
		_, _ = s.dec.Write(p[start : i+1])
		start = i + 1
		s.realTime(cmd)
	}
	_, _ = s.dec.Write(p[start:])
}

// Stalled is closed when a link first stops reading because of Config.StopReadingAfterBytes.
func (s *Server) Stalled() <-chan struct{} { return s.stalled }
