package drawer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/uapos/uapos/escpos"
	"github.com/uapos/uapos/transport"
)

// Config sets up a [Drawer]. The zero value works: pin 2, ESC p with 50 ms ON and 250 ms OFF,
// pin 3 HIGH read as open.
type Config struct {
	// Pin is the kick-out connector pin driving the solenoid: 2 (default) or 5.
	Pin int
	// On is the pulse ON time (default 50 ms). ESC p sends it in 2 ms units (max 510 ms);
	// DLE DC4 rounds it up to 100 ms units (100-800 ms).
	On time.Duration
	// Off is the OFF time after the pulse (default 5×On, at least 4×On is recommended).
	Off time.Duration
	// RealTime sends DLE DC4 1 m t instead of ESC p: it is executed on arrival, even when the
	// printer is busy or its buffer is full, but not during an unrecoverable error.
	RealTime bool
	// OpenWhenLow reads pin 3 LOW as "drawer open". The default (false) reads HIGH as open.
	OpenWhenLow bool
	// ReplyTimeout bounds the wait for a DLE EOT 1 reply (default 500 ms).
	ReplyTimeout time.Duration
	// Logger receives debug messages (nil = discard).
	Logger *slog.Logger
}

// ErrNoSensor is returned by [Drawer.IsOpen] and [Drawer.WaitClosed] when the printer does not
// answer DLE EOT 1 (write-only link); it wraps escpos.ErrNoReply too.
var ErrNoSensor = errors.New("drawer: no sensor reading")

// Drawer is a cash drawer behind a printer link. The caller owns the connection; do not use
// it from a Drawer and an escpos.Printer at the same moment.
type Drawer struct {
	c   transport.Conn
	cfg Config
	log *slog.Logger
}

// New checks cfg and returns a Drawer on c.
func New(c transport.Conn, cfg Config) (*Drawer, error) {
	if cfg.Pin == 0 {
		cfg.Pin = 2
	}
	if cfg.Pin != 2 && cfg.Pin != 5 {
		return nil, fmt.Errorf("drawer: pin %d, want 2 or 5", cfg.Pin)
	}
	if cfg.On == 0 {
		cfg.On = 50 * time.Millisecond
	}
	if cfg.Off == 0 {
		cfg.Off = 5 * cfg.On
	}
	if cfg.On < 0 || cfg.Off < 0 {
		return nil, fmt.Errorf("drawer: negative pulse time")
	}
	if !cfg.RealTime && (cfg.On > 510*time.Millisecond || cfg.Off > 510*time.Millisecond) {
		return nil, fmt.Errorf("drawer: esc p pulse times are at most 510 ms, got on %v off %v", cfg.On, cfg.Off)
	}
	if cfg.RealTime && cfg.On > 800*time.Millisecond {
		return nil, fmt.Errorf("drawer: dle dc4 pulse is at most 800 ms, got %v", cfg.On)
	}
	if cfg.Off < cfg.On {
		return nil, fmt.Errorf("drawer: off time %v shorter than on time %v", cfg.Off, cfg.On)
	}
	if cfg.ReplyTimeout <= 0 {
		cfg.ReplyTimeout = 500 * time.Millisecond
	}
	lg := cfg.Logger
	if lg == nil {
		lg = slog.New(slog.DiscardHandler)
	}
	return &Drawer{c: c, cfg: cfg, log: lg}, nil
}

// Command returns the bytes that Open sends.
func (d *Drawer) Command() []byte {
	if d.cfg.RealTime {
		t := int((d.cfg.On + 99*time.Millisecond) / (100 * time.Millisecond))
		return escpos.AppendDrawerPulse(nil, d.cfg.Pin, t)
	}
	t1 := max(int(d.cfg.On/(2*time.Millisecond)), 1)
	t2 := max(int(d.cfg.Off/(2*time.Millisecond)), 1)
	return escpos.AppendDrawerKick(nil, d.cfg.Pin, byte(min(t1, 255)), byte(min(t2, 255)))
}

// Open pulses the drawer solenoid.
func (d *Drawer) Open(ctx context.Context) error {
	cmd := d.Command()
	defer transport.InterruptOnDone(ctx, d.c.SetWriteDeadline)()
	if dl, ok := ctx.Deadline(); ok {
		if err := d.c.SetWriteDeadline(dl); err != nil {
			return fmt.Errorf("drawer: set deadline: %w", err)
		}
	}
	if _, err := d.c.Write(cmd); err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("drawer: open: %w", ctx.Err())
		}
		return fmt.Errorf("drawer: open: %w", err)
	}
	d.log.Debug("drawer: kicked", "pin", d.cfg.Pin, "realtime", d.cfg.RealTime)
	return nil
}

// IsOpen reads pin 3 with DLE EOT 1 and applies the configured polarity.
func (d *Drawer) IsOpen(ctx context.Context) (bool, error) {
	s, err := escpos.QueryStatus(ctx, d.c, d.cfg.ReplyTimeout, escpos.StatusPrinter)
	if err != nil {
		if errors.Is(err, escpos.ErrNoReply) {
			return false, fmt.Errorf("%w: %w", ErrNoSensor, err)
		}
		return false, fmt.Errorf("drawer: %w", err)
	}
	return s.DrawerPin3High != d.cfg.OpenWhenLow, nil
}

// WaitClosed polls the sensor every poll until the drawer reads closed, ctx ends, or the
// printer stops answering. poll 0 polls back to back (useful against a simulator).
func (d *Drawer) WaitClosed(ctx context.Context, poll time.Duration) error {
	var t *time.Timer
	for {
		open, err := d.IsOpen(ctx)
		if err != nil {
			return err
		}
		if !open {
			return nil
		}
		if poll <= 0 {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("drawer: wait closed: %w", err)
			}
			continue
		}
		if t == nil {
			t = time.NewTimer(poll)
			defer t.Stop()
		} else {
			t.Reset(poll)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("drawer: wait closed: %w", ctx.Err())
		case <-t.C:
		}
	}
}
