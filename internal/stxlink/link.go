package stxlink

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/uapos/uapos/transport"
)

// DefaultACKTimeout is how long a sender waits for ACK/NAK (bposlight.md §1.2: "the receiver
// must ACK within 6 s"; bpos1.md §1.1 "Timing": the ECRCommX log shows the same 6 s).
const DefaultACKTimeout = 6 * time.Second

// DefaultMaxNAK is how many NAKs one frame may collect before the sender gives up and sends
// EOT (bposlight.md §1.2: "up to 3 NAKs; after that, with no ACK, EOT").
const DefaultMaxNAK = 3

// Config configures a [Link]. The zero value is the B-POS Light link of the spec.
type Config struct {
	// Format is the framing; the zero value is strict B-POS Light framing.
	Format Format
	// ACKTimeout bounds the wait for ACK/NAK after each frame sent, and the wait for the
	// peer's EOT after this side has sent its last NAK. Zero means DefaultACKTimeout.
	ACKTimeout time.Duration
	// MaxNAK is how many NAKs the sender accepts for one frame: the first MaxNAK-1 make it
	// resend, the MaxNAK-th makes it send EOT and fail with ErrNAKLimit. The receiver uses
	// the same number: after answering MaxNAK bad frames in a row with NAK it fails with
	// ErrNAKLimit (wrapping ErrBadLRC). Zero means DefaultMaxNAK.
	MaxNAK int
	// Logger receives Debug records of link events (sizes and control bytes, never data).
	// Nil discards.
	Logger *slog.Logger
}

// Link runs the ACK/NAK/EOT discipline over a [transport.Conn]. It is meant for one
// goroutine at a time (one exchange in flight), like the half-duplex link it models.
type Link struct {
	c   transport.Conn
	r   *bufio.Reader
	cfg Config
	log *slog.Logger
}

// NewLink returns a Link over c. The caller keeps ownership of c (closing it is theirs).
func NewLink(c transport.Conn, cfg Config) *Link {
	if cfg.ACKTimeout <= 0 {
		cfg.ACKTimeout = DefaultACKTimeout
	}
	if cfg.MaxNAK <= 0 {
		cfg.MaxNAK = DefaultMaxNAK
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	size := cfg.Format.maxData() + HeaderLen + TrailerLen
	if size < 64 {
		size = 64
	}
	return &Link{c: c, r: bufio.NewReaderSize(c, size), cfg: cfg, log: log}
}

// Conn returns the underlying connection.
func (l *Link) Conn() transport.Conn { return l.c }

// Send writes data as one frame and waits for ACK. On NAK it resends, until MaxNAK NAKs
// have been collected; then it writes EOT and returns ErrNAKLimit. Without any answer
// within ACKTimeout it writes EOT and returns an error wrapping both ErrNoACK and
// os.ErrDeadlineExceeded. An EOT from the peer yields ErrEOT. When ctx ends (cancelled, or
// its deadline passed, even before its own timer fired) Send returns an error wrapping
// context.Canceled or context.DeadlineExceeded and writes no EOT: whether to abort is the
// caller's call. A write that put no byte on the connection wraps ErrNotSent.
func (l *Link) Send(ctx context.Context, data []byte) error {
	frame, err := l.cfg.Format.AppendFrame(nil, data)
	if err != nil {
		return withOp("send", err)
	}
	naks := 0
	for {
		if err := l.write(ctx, frame); err != nil {
			return err
		}
		l.log.Debug("stxlink: frame sent", "len", len(data), "attempt", naks+1)
	wait:
		for {
			tok, _, err := l.next(ctx, time.Now().Add(l.cfg.ACKTimeout))
			if err != nil {
				if errors.Is(err, os.ErrDeadlineExceeded) && !ctxEnded(ctx, err) {
					// The ACK timeout, not ctx's deadline: the link gives up on its own.
					l.log.Debug("stxlink: no ACK, sending EOT")
					_ = l.writeDetached(ctx, EOT)
					return perr("send", -1, fmt.Errorf("%w: %w", ErrNoACK, err))
				}
				return err
			}
			switch tok {
			case ACK:
				l.log.Debug("stxlink: ACK")
				return nil
			case NAK:
				naks++
				l.log.Debug("stxlink: NAK", "count", naks)
				if naks >= l.cfg.MaxNAK {
					_ = l.writeDetached(ctx, EOT)
					return perr("send", -1, ErrNAKLimit)
				}
				break wait
			case EOT:
				return perr("send", -1, ErrEOT)
			default:
				return perr("send", -1, fmt.Errorf("%w 0x%02x while waiting for ACK", ErrUnexpectedByte, tok))
			}
		}
	}
}

// Receive waits for the next frame, verifies its LRC and answers ACK (good) or NAK (bad),
// returning the data of the first good frame. Stray ACK/NAK and unknown single bytes are
// skipped. An EOT from the peer returns ErrEOT. After MaxNAK bad frames in a row it
// consumes the peer's EOT if one comes within ACKTimeout and returns ErrNAKLimit. The wait
// is bounded only by ctx (its deadline or cancellation).
func (l *Link) Receive(ctx context.Context) ([]byte, error) {
	bad := 0
	for {
		tok, frame, err := l.next(ctx, time.Time{})
		if err != nil {
			return nil, err
		}
		switch {
		case tok == EOT:
			l.log.Debug("stxlink: EOT received")
			return nil, perr("receive", -1, ErrEOT)
		case tok != STX:
			l.log.Debug("stxlink: stray byte skipped", "byte", tok)
			continue
		}
		data, perrv := l.cfg.Format.ParseFrame(frame)
		if perrv == nil {
			// The frame is taken: its ACK goes out even if ctx ends now, or the peer would
			// resend (or give up on) an answer this side has already read.
			if err := l.writeDetached(ctx, ACK); err != nil {
				return nil, err
			}
			l.log.Debug("stxlink: frame received", "len", len(data))
			out := make([]byte, len(data))
			copy(out, data)
			return out, nil
		}
		if !errors.Is(perrv, ErrBadLRC) {
			return nil, withOp("receive", perrv)
		}
		bad++
		l.log.Debug("stxlink: bad LRC, sending NAK", "count", bad)
		if err := l.write(ctx, []byte{NAK}); err != nil {
			return nil, err
		}
		if bad >= l.cfg.MaxNAK {
			// The sender should now give up with EOT; consume it if it comes.
			if tok, _, err := l.next(ctx, time.Now().Add(l.cfg.ACKTimeout)); err == nil && tok != EOT && tok != STX {
				l.log.Debug("stxlink: expected EOT after last NAK", "byte", tok)
			}
			return nil, perr("receive", -1, fmt.Errorf("%w: %w", ErrNAKLimit, ErrBadLRC))
		}
	}
}

// SendEOT writes a bare EOT: the ECR's "abort waiting for the card" (bposlight.md §1.4).
func (l *Link) SendEOT(ctx context.Context) error {
	l.log.Debug("stxlink: sending EOT")
	return l.write(ctx, []byte{EOT})
}

// Discard drops whatever is already buffered from the peer (stale bytes of an earlier,
// abandoned exchange). It does not read from the connection.
func (l *Link) Discard() int {
	n, _ := l.r.Discard(l.r.Buffered())
	return n
}

func (l *Link) write(ctx context.Context, b []byte) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("stxlink: write: %w (%w)", err, ErrNotSent)
	}
	dl, ctxDL := ctx.Deadline()
	if ctxDL && !time.Now().Before(dl) {
		// ctx's deadline has passed though its timer may not have fired yet
		return fmt.Errorf("stxlink: write: %w (%w)", context.DeadlineExceeded, ErrNotSent)
	}
	_ = l.c.SetWriteDeadline(dl)
	defer transport.InterruptOnDone(ctx, l.c.SetWriteDeadline)()
	n, err := l.c.Write(b)
	if err == nil {
		return nil
	}
	// A port whose write did not finish in time (transport.ErrPortDead) may still have put
	// every byte on the wire: the write runs on, and the device may be acting on it. Only a
	// write that failed with nothing handed over is "not sent".
	if n == 0 && !errors.Is(err, transport.ErrPortDead) {
		err = fmt.Errorf("%w: %w", ErrNotSent, err)
	}
	if cerr := ctx.Err(); cerr != nil {
		return fmt.Errorf("stxlink: write: %w (%w)", cerr, err)
	}
	if ctxDL && errors.Is(err, os.ErrDeadlineExceeded) {
		return fmt.Errorf("stxlink: write: %w (%w)", context.DeadlineExceeded, err)
	}
	return fmt.Errorf("stxlink: write: %w", err)
}

// writeDetached writes one control byte that must go out even when ctx has ended (an ACK
// for a frame taken, the EOT that closes a failed send): on a context that keeps ctx's
// values but not its end, bounded by ACKTimeout.
func (l *Link) writeDetached(ctx context.Context, b byte) error {
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), l.cfg.ACKTimeout)
	defer cancel()
	return l.write(wctx, []byte{b})
}

// ctxEnded reports whether err (from this link, under ctx) means ctx ended: cancelled, or
// its deadline passed, also when the connection's deadline (set from ctx's) fired before
// ctx's own timer.
func ctxEnded(ctx context.Context, err error) bool {
	return ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)
}

// aLongTimeAgo is a deadline in the past, used to unblock a Read when ctx is done.
var aLongTimeAgo = time.Unix(1, 0)

// next reads one token: a single non-STX byte (returned as tok) or a whole raw frame
// (tok == STX, frame = raw bytes, valid until the next read). The deadline is the earlier
// of dl (zero = none) and ctx's deadline.
func (l *Link) next(ctx context.Context, dl time.Time) (tok byte, frame []byte, err error) {
	if err := ctx.Err(); err != nil {
		return 0, nil, fmt.Errorf("stxlink: read: %w", err)
	}
	ctxDL := false
	if cd, ok := ctx.Deadline(); ok && (dl.IsZero() || !dl.Before(cd)) {
		dl, ctxDL = cd, true
	}
	_ = l.c.SetReadDeadline(dl)
	fired := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		_ = l.c.SetReadDeadline(aLongTimeAgo)
		close(fired)
	})
	defer func() {
		if !stop() {
			<-fired
		}
	}()
	tok, frame, err = l.token()
	if err != nil {
		if cerr := ctx.Err(); cerr != nil {
			return 0, nil, fmt.Errorf("stxlink: read: %w", cerr)
		}
		var pe *ProtocolError
		if errors.As(err, &pe) {
			return 0, nil, err
		}
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		if ctxDL && errors.Is(err, os.ErrDeadlineExceeded) {
			// ctx's own deadline passed (its timer may not have fired yet)
			return 0, nil, fmt.Errorf("stxlink: read: %w (%w)", context.DeadlineExceeded, err)
		}
		return 0, nil, fmt.Errorf("stxlink: read: %w", err)
	}
	return tok, frame, nil
}

// token reads one token from the buffered reader, leaving partial frames buffered when a
// read fails (so a later call resumes where this one stopped).
func (l *Link) token() (byte, []byte, error) {
	b, err := l.r.Peek(1)
	if err != nil {
		return 0, nil, err
	}
	if b[0] != STX {
		_, _ = l.r.Discard(1)
		return b[0], nil, nil
	}
	b, err = l.r.Peek(HeaderLen)
	if err != nil {
		return 0, nil, err
	}
	n, _, perrv := l.cfg.Format.frame(b, false)
	if perrv != nil {
		_, _ = l.r.Discard(1) // drop the STX so the next read can resynchronise
		return 0, nil, withOp("receive", perrv)
	}
	if n < 0 {
		ll := int(b[1])<<8 | int(b[2])
		b, err = l.r.Peek(HeaderLen + ll + TrailerLen)
		if err != nil {
			return 0, nil, err
		}
	} else {
		b = b[:n]
	}
	frame := make([]byte, len(b))
	copy(frame, b)
	_, _ = l.r.Discard(len(b))
	return STX, frame, nil
}
