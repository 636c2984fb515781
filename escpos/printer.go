package escpos

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/uapos/uapos/transport"
)

// PrinterConfig tunes a [Printer]. The zero value works.
type PrinterConfig struct {
	// Encoder configures document rendering (code page, dithering). Its Logos field is
	// replaced by PrinterConfig.Logos.
	Encoder EncoderConfig
	// Logos is this printer's NV-logo book (see [LogoBook]). nil (default) = a fresh empty
	// book: every logo prints inline until StoreLogo is called.
	Logos *LogoBook
	// ReplyTimeout bounds the wait for each status reply (default 500 ms). A printer that
	// does not answer in time gives [ErrNoReply].
	ReplyTimeout time.Duration
	// WriteTimeout bounds each Write of a job (default 30 s) unless ctx has an earlier deadline.
	WriteTimeout time.Duration
	// ChunkSize is the number of bytes per Write (default 4096).
	ChunkSize int
	// Logger receives debug messages (nil = discard).
	Logger *slog.Logger
}

// Printer drives one ESC/POS printer over a [transport.Conn]: it renders and sends documents
// and reads real-time status. Methods are safe for concurrent use; jobs are serialised.
// The caller that opened the connection closes it.
type Printer struct {
	c   transport.Conn
	enc *Encoder
	cfg PrinterConfig
	log *slog.Logger
	mu  sync.Mutex
}

// NewPrinter returns a Printer for profile p on c. At most one config may be given; without
// one the zero PrinterConfig is used.
func NewPrinter(c transport.Conn, p Profile, cfg ...PrinterConfig) *Printer {
	var pc PrinterConfig
	if len(cfg) > 0 {
		pc = cfg[0]
	}
	if pc.Logos == nil {
		pc.Logos = &LogoBook{}
	}
	if pc.ReplyTimeout <= 0 {
		pc.ReplyTimeout = 500 * time.Millisecond
	}
	if pc.WriteTimeout <= 0 {
		pc.WriteTimeout = 30 * time.Second
	}
	if pc.ChunkSize <= 0 {
		pc.ChunkSize = 4096
	}
	ec := pc.Encoder
	ec.Logos = pc.Logos
	lg := pc.Logger
	if lg == nil {
		lg = slog.New(slog.DiscardHandler)
	}
	return &Printer{c: c, enc: NewEncoder(p, ec), cfg: pc, log: lg}
}

// Encoder returns the printer's encoder (for previews and byte counts).
func (p *Printer) Encoder() *Encoder { return p.enc }

// Logos returns the printer's NV-logo book.
func (p *Printer) Logos() *LogoBook { return p.cfg.Logos }

// Print renders doc and sends it. The report lists the code page and substitutions even when
// sending fails.
func (p *Printer) Print(ctx context.Context, doc *Document) (Report, error) {
	data, rep, err := p.enc.Encode(doc)
	if err != nil {
		return rep, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.log.Debug("escpos: print", "bytes", len(data), "charset", rep.Charset, "inexact", len(rep.Inexact))
	if err := p.send(ctx, data); err != nil {
		return rep, err
	}
	return rep, nil
}

// Write sends raw ESC/POS bytes (io.Writer, for streaming); it uses WriteTimeout per chunk.
func (p *Printer) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.send(context.Background(), b); err != nil {
		return 0, err
	}
	return len(b), nil
}

var _ io.Writer = (*Printer)(nil)

// send writes data in chunks under ctx. The caller holds p.mu.
func (p *Printer) send(ctx context.Context, data []byte) error {
	defer transport.InterruptOnDone(ctx, p.c.SetWriteDeadline)()
	for len(data) > 0 {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("escpos: write: %w", err)
		}
		dl := time.Now().Add(p.cfg.WriteTimeout)
		if d, ok := ctx.Deadline(); ok && d.Before(dl) {
			dl = d
		}
		if err := p.c.SetWriteDeadline(dl); err != nil {
			return fmt.Errorf("escpos: set deadline: %w", err)
		}
		n := min(len(data), p.cfg.ChunkSize)
		w, err := p.c.Write(data[:n])
		if err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("escpos: write: %w", ctx.Err())
			}
			return fmt.Errorf("escpos: write: %w", err)
		}
		data = data[w:]
	}
	return nil
}

// Status asks DLE EOT 1, 2, 3 and 4 and decodes the replies. A printer that does not answer
// (write-only link, powered off) gives an error wrapping [ErrNoReply].
func (p *Printer) Status(ctx context.Context) (Status, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return QueryStatus(ctx, p.c, p.cfg.ReplyTimeout, StatusPrinter, StatusOffline, StatusError, StatusPaper)
}

// Query asks a single DLE EOT k and decodes its reply into a Status.
func (p *Printer) Query(ctx context.Context, k StatusKind) (Status, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return QueryStatus(ctx, p.c, p.cfg.ReplyTimeout, k)
}

// StoreLogo rasters img to at most the paper width and stores it in NV memory under key
// (two printable ASCII characters) with GS ( L fn 67, unless the printer's logo book says
// that key already holds exactly this raster. It reports whether it wrote. This is the only
// method that writes NV memory; printing a document with the logo's Key never does.
func (p *Printer) StoreLogo(ctx context.Context, key string, img image.Image) (bool, error) {
	k1, k2, err := ParseKey(key)
	if err != nil {
		return false, err
	}
	prof := p.enc.Profile()
	if !prof.NVGraphics {
		return false, fmt.Errorf("%w: nv graphics on %s", ErrNotSupported, prof.Name)
	}
	r := ToRaster(img, RasterOptions{MaxWidth: prof.Dots, Dither: p.cfg.Encoder.Dither, Threshold: p.cfg.Encoder.Threshold})
	h := r.Hash()
	if p.cfg.Logos.Has(key, h) {
		return false, nil
	}
	var cmd []byte
	if prof.RealTimeGuard {
		cmd = AppendRealTime(cmd, false)
	}
	cmd, err = AppendNVDefine(cmd, k1, k2, r)
	if err != nil {
		return false, err
	}
	if prof.RealTimeGuard {
		cmd = AppendRealTime(cmd, true)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.send(ctx, cmd); err != nil {
		return false, err
	}
	p.cfg.Logos.Set(key, h)
	p.log.Debug("escpos: stored nv logo", "key", key, "bytes", len(r.Bits))
	return true, nil
}

// ErrNotPrinter reports that the peer answered DLE EOT with bytes no ESC/POS printer sends
// (text, garbage, extra replies): whatever answers on the link is something else. [Identify]
// wraps it together with a *[ProtocolError] naming the first offending byte.
var ErrNotPrinter = errors.New("escpos: not an ESC/POS printer")

// identifyAllowance is how many bytes other than the status reply Identify accepts per
// DLE EOT request: one 4-byte ASB frame (first byte 0xx1xx00, then 0xx0xxxx) plus two
// XON/XOFF bytes (escpos.md §1.8). Anything beyond, or any byte of another shape, is not
// a printer.
const identifyAllowance = 6

// identifyQuiet is how long Identify keeps listening after the last reply for surplus
// bytes (a second reply, trailing text) that would show the peer is not a printer.
const identifyQuiet = 100 * time.Millisecond

// Identify sends DLE EOT 1-4 on c (real-time status requests: nothing is printed) and
// describes the printer from the replies, e.g. "ESC/POS printer (online, paper near end)".
// It is strict, because the link may lead to anything: each request must be answered by
// exactly one byte with the fixed DLE EOT pattern 0xx1xx10 (escpos.md §1.8), among at most
// one ASB frame and XON/XOFF bytes, and nothing more may arrive within 100 ms after the last
// reply. Other bytes give an error wrapping [ErrNotPrinter] and a *[ProtocolError]; no
// reply gives an error wrapping [ErrNoReply]. It waits up to 1 s per reply unless ctx ends
// sooner.
func Identify(ctx context.Context, c transport.Conn) (string, error) {
	s, err := queryStatus(ctx, c, time.Second, true, StatusPrinter, StatusOffline, StatusError, StatusPaper)
	if err != nil {
		return "", err
	}
	return "ESC/POS printer (" + s.String() + ")", nil
}

// strayFilter accepts the bytes a printer may send besides a DLE EOT reply while Identify
// waits: XON/XOFF and the bytes of one ASB frame in order.
type strayFilter struct {
	n      int // bytes accepted in this request's window
	asbPos int // 0 = outside an ASB frame, 1..3 = bytes of the frame seen so far
}

// accept reports whether b may be skipped; a status-shaped byte is never stray here.
func (f *strayFilter) accept(b byte) bool {
	if f.n++; f.n > identifyAllowance {
		return false
	}
	switch {
	case b == xon || b == xoff:
		return true
	case asbFirst(b):
		f.asbPos = 1
		return true
	case f.asbPos > 0 && asbRest(b):
		if f.asbPos++; f.asbPos == 4 {
			f.asbPos = 0
		}
		return true
	}
	return false
}

// maxStray bounds how many unrelated bytes (ASB frames, XON/XOFF, stale data) are skipped
// while waiting for one status reply.
const maxStray = 64

// QueryStatus sends DLE EOT k for each kind on c and reads one valid reply (pattern 0xx1xx10)
// per request, waiting at most timeout per reply (or until ctx ends) and skipping up to 64
// unrelated bytes (ASB frames, XON/XOFF). It is what [Printer.Status] and the drawer package
// use; call it directly on a link that no Printer is using at the same time.
func QueryStatus(ctx context.Context, c transport.Conn, timeout time.Duration, kinds ...StatusKind) (Status, error) {
	return queryStatus(ctx, c, timeout, false, kinds...)
}

// queryStatus is [QueryStatus]; strict is Identify's mode (see [Identify]).
func queryStatus(ctx context.Context, c transport.Conn, timeout time.Duration, strict bool, kinds ...StatusKind) (Status, error) {
	var s Status
	defer transport.InterruptOnDone(ctx, c.SetDeadline)()
	var buf [1]byte
	for _, k := range kinds {
		if err := ctx.Err(); err != nil {
			return s, fmt.Errorf("escpos: status: %w", err)
		}
		dl := time.Now().Add(timeout)
		if d, ok := ctx.Deadline(); ok && d.Before(dl) {
			dl = d
		}
		if err := c.SetDeadline(dl); err != nil {
			return s, fmt.Errorf("escpos: set deadline: %w", err)
		}
		if _, err := c.Write(AppendStatusRequest(nil, k)); err != nil {
			return s, fmt.Errorf("escpos: dle eot %d: %w", k, ctxOr(ctx, err))
		}
		stray := 0
		var sf strayFilter
		for {
			n, err := c.Read(buf[:])
			if n == 1 {
				if strict && !IsStatusReply(buf[0]) && !sf.accept(buf[0]) {
					return s, notPrinter("dle eot "+itoa(int(k)), sf.n-1, buf[0])
				}
				if IsStatusReply(buf[0]) {
					if err := DecodeStatus(k, buf[0], &s); err != nil {
						return s, err
					}
					break
				}
				if stray++; stray > maxStray {
					return s, &ProtocolError{Op: "dle eot " + itoa(int(k)), Offset: stray, Byte: buf[0],
						Err: errors.New("no status reply among stray bytes")}
				}
				continue
			}
			if err == nil && time.Now().Before(dl) {
				continue // (0, nil): a serial read timeout slice
			}
			if errors.Is(ctx.Err(), context.Canceled) {
				return s, fmt.Errorf("escpos: dle eot %d: %w", k, ctx.Err())
			}
			if err == nil || errors.Is(err, os.ErrDeadlineExceeded) || ctx.Err() != nil {
				if err == nil {
					err = os.ErrDeadlineExceeded
				}
				return s, fmt.Errorf("%w: dle eot %d: %w", ErrNoReply, k, err)
			}
			return s, fmt.Errorf("escpos: dle eot %d: %w", k, err)
		}
	}
	if strict {
		return s, quietAfter(ctx, c)
	}
	return s, nil
}

// notPrinter builds Identify's error for byte b at offset off of a reply window.
func notPrinter(op string, off int, b byte) error {
	return fmt.Errorf("%w: %w", ErrNotPrinter, &ProtocolError{Op: op, Offset: off, Byte: b,
		Err: errors.New("not a dle eot reply")})
}

// quietAfter listens for identifyQuiet (or until ctx ends) after Identify's last reply: a
// printer has nothing more to say, except possibly an ASB frame or XON/XOFF. The caller has
// armed the ctx-to-deadline hook.
func quietAfter(ctx context.Context, c transport.Conn) error {
	dl := time.Now().Add(identifyQuiet)
	if d, ok := ctx.Deadline(); ok && d.Before(dl) {
		dl = d
	}
	if err := c.SetDeadline(dl); err != nil {
		return fmt.Errorf("escpos: set deadline: %w", err)
	}
	var sf strayFilter
	var buf [1]byte
	for {
		n, err := c.Read(buf[:])
		if n == 1 && !sf.accept(buf[0]) { // a second status reply is surplus too
			return notPrinter("after dle eot 4", sf.n-1, buf[0])
		}
		if n == 1 || (err == nil && time.Now().Before(dl)) {
			continue
		}
		if errors.Is(ctx.Err(), context.Canceled) {
			return fmt.Errorf("escpos: identify: %w", ctx.Err())
		}
		// Deadline (the quiet window, or ctx's own deadline), EOF or a link error: all the
		// replies were valid and nothing else came.
		return nil
	}
}

func ctxOr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}
