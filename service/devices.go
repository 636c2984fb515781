package service

import (
	"context"
	"errors"
	"io"
	"sync"

	"github.com/uapos/uapos/escpos"
	"github.com/uapos/uapos/payment"
)

// TerminalDevice is a bank terminal the service serves.
type TerminalDevice struct {
	// Name is how requests name it (DM's device and dev_name).
	Name string
	// Protocol is the uapos protocol name ("privatjson"), for listings.
	Protocol string
	// Caps is the terminal's DM capability row, shown in listings before the terminal is
	// opened; operations use the opened terminal's own Capabilities.
	Caps payment.CapabilitySet
	// JournalKey is the terminal's key in the journal (what transaction queries by device
	// filter on); "" = Name.
	JournalKey string
	// Merchant is the merchant used when a request names none.
	Merchant string
	// URL is the terminal's transport URL (tcp://..., serial://...), for listings and for the
	// advice the support page gives when the terminal cannot be opened or does not answer;
	// "" when it has none (a vendor library's own port).
	URL string
	// Open connects to the terminal. The service calls it on first use, and again after the
	// terminal's link failed. The closer (may be nil) releases the link.
	Open func(ctx context.Context) (payment.Terminal, io.Closer, error)
}

// Printer is an opened receipt printer; *escpos.Printer with its link's Close is one.
type Printer interface {
	Print(ctx context.Context, doc *escpos.Document) (escpos.Report, error)
	Status(ctx context.Context) (escpos.Status, error)
	Close() error
}

// PrinterDevice is a receipt printer the service serves. Its jobs queue: one at a time.
type PrinterDevice struct {
	Name string
	// Profile is the printer profile's name, for listings, test pages and previews.
	Profile string
	// URL is the printer's transport URL, for listings and advice; "" when unknown.
	URL string
	// Roll, when set, is the paper of a simulated printer: the support page shows each
	// printed page as an image. nil for a real printer.
	Roll Roll
	// Open connects to the printer; called on first use and after a failure.
	Open func(ctx context.Context) (Printer, error)
}

// Roll is the paper of a simulated printer: the pages it printed, kept as images (the
// built-in virtual printer, simulators/vprinter, has one).
type Roll interface {
	// Pages returns how many cut pages are kept.
	Pages() int
	// PagePNG renders page i (0 = the oldest kept) as PNG.
	PagePNG(i int) ([]byte, error)
}

// Drawer is a cash drawer on a printer's link; *drawer.Drawer is one.
type Drawer interface {
	Open(ctx context.Context) error
	IsOpen(ctx context.Context) (bool, error)
}

// DrawerDevice is a cash drawer hanging on a printer's kick-out port. Its operations queue
// with the printer's jobs (they share the link).
type DrawerDevice struct {
	Name string
	// Printer names the printer it hangs on.
	Printer string
	// Attach returns the drawer on the printer's opened link.
	Attach func(p Printer) (Drawer, error)
}

// terminalEntry is a terminal with its gate and its current link.
type terminalEntry struct {
	dev  TerminalDevice
	gate payment.Gate

	mu     sync.Mutex
	t      payment.Terminal
	closer io.Closer
	broken error // why the last link was dropped, for status

	// health is the terminal's last known condition for the live status: nil when the last
	// open, probe or exchange reached it, else the link error; reached is true once it was.
	health  error
	reached bool
	// active counts the callers holding the gate (not the monitor's probes).
	active int
	// probe is held (a value in it) while the monitor's probe holds the gate: a caller
	// refused by the gate waits for it to end instead of getting 1105.
	probe chan struct{}
	// changed, when set, is told that the live status may have changed; recheck, when set,
	// that the link just failed (the live status probes it again soon).
	changed, recheck func()

	// waiting, when set (tests), is called when a caller starts waiting for the busy gate.
	waiting func()
}

// enter takes the gate: at once, or after the monitor's probe that holds it ends, or (with
// wait) when it is free.
func (e *terminalEntry) enter(ctx context.Context, wait bool) (func(), error) {
	leave, err := e.gate.Enter(ctx, false)
	if err != nil && e.probe != nil {
		// A probe pings for a moment: wait for it, as for nothing else.
		select {
		case e.probe <- struct{}{}: // no probe runs
		default:
			if e.waiting != nil {
				e.waiting()
			}
			select {
			case e.probe <- struct{}{}:
			case <-ctx.Done():
				return nil, err
			}
		}
		<-e.probe
		leave, err = e.gate.Enter(ctx, false)
	}
	if err != nil && wait {
		if e.waiting != nil {
			e.waiting()
		}
		leave, err = e.gate.Enter(ctx, true)
	}
	return leave, err
}

// setHealth records what the last open, probe or exchange said of the link.
func (e *terminalEntry) setHealth(err error) {
	e.mu.Lock()
	e.health = err
	if err == nil {
		e.reached = true
	}
	e.mu.Unlock()
}

// addActive counts a caller in or out of the gate and tells the monitor.
func (e *terminalEntry) addActive(n int) {
	e.mu.Lock()
	e.active += n
	e.mu.Unlock()
	if e.changed != nil {
		e.changed()
	}
}

// acquire takes the terminal's gate (1105 at once when busy, or waits when wait is true), opens
// the terminal if needed, and returns it with the function that releases it: pass the
// operation's error, and a link failure drops the link so that the next request reopens it.
func (e *terminalEntry) acquire(ctx context.Context, wait bool) (payment.Terminal, func(error), error) {
	leave, err := e.enter(ctx, wait)
	if err != nil {
		var pe *payment.Error
		if errors.As(err, &pe) && pe.DeviceText == "" {
			pe.DeviceText = e.dev.Name + " is running another operation"
		}
		return nil, nil, err
	}
	e.addActive(1)
	t, err := e.open(ctx)
	if err != nil {
		e.addActive(-1)
		leave()
		return nil, nil, err
	}
	return t, func(opErr error) {
		failed := linkFailed(opErr)
		if failed {
			e.drop(opErr)
		} else {
			e.setHealth(nil)
		}
		e.addActive(-1)
		leave()
		if failed && e.recheck != nil {
			e.recheck()
		}
	}, nil
}

func (e *terminalEntry) open(ctx context.Context) (payment.Terminal, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.t != nil {
		return e.t, nil
	}
	if e.dev.Open == nil {
		return nil, &payment.Error{Code: payment.CodeConnectFailed, Args: []string{e.dev.Name, "no way to open it is configured"}}
	}
	t, c, err := e.dev.Open(ctx)
	if err != nil {
		var pe *payment.Error
		if !errors.As(err, &pe) {
			err = &payment.Error{Code: payment.CodeConnectFailed, Args: []string{e.dev.Name, payment.RedactPANs(err.Error())}, Err: err}
		}
		e.health = err
		return nil, err
	}
	e.t, e.closer, e.broken = t, c, nil
	e.health, e.reached = nil, true
	return t, nil
}

// drop closes the link after a failure; the next acquire reopens it.
func (e *terminalEntry) drop(why error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closer != nil {
		_ = e.closer.Close()
	}
	e.t, e.closer, e.broken, e.health = nil, nil, why, why
}

func (e *terminalEntry) close() {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closer != nil {
		_ = e.closer.Close()
	}
	e.t, e.closer = nil, nil
}

// caps returns the capability row: the opened terminal's, else the configured one.
func (e *terminalEntry) caps() payment.CapabilitySet {
	e.mu.Lock()
	t := e.t
	e.mu.Unlock()
	if t != nil {
		return t.Capabilities()
	}
	return e.dev.Caps
}

func (e *terminalEntry) journalKey() string {
	if e.dev.JournalKey != "" {
		return e.dev.JournalKey
	}
	return e.dev.Name
}

// linkFailed reports whether an operation's error says the link to the device is gone.
func linkFailed(err error) bool {
	if err == nil {
		return false
	}
	if payment.KindOf(err) != nil {
		return errors.Is(err, payment.ErrLink) && payment.ErrorCode(err) != payment.CodeAskBank
	}
	return false
}

// printerEntry is a printer with its queue, its current link and the drawers on it.
type printerEntry struct {
	dev   PrinterDevice
	queue payment.Gate

	mu      sync.Mutex
	p       Printer
	drawers map[string]Drawer // by drawer name, on the current link
	broken  error
}

// acquire waits for the printer's turn, opens it if needed and returns it with its release.
// Pass the job's error to release: an I/O failure closes the link so the next job reopens it.
func (e *printerEntry) acquire(ctx context.Context) (Printer, func(error), error) {
	leave, err := e.queue.Enter(ctx, true)
	if err != nil {
		return nil, nil, err
	}
	p, err := e.open(ctx)
	if err != nil {
		leave()
		return nil, nil, err
	}
	return p, func(jobErr error) {
		if jobErr != nil && !isDocumentError(jobErr) && ctx.Err() == nil {
			e.drop(jobErr)
		}
		leave()
	}, nil
}

func (e *printerEntry) open(ctx context.Context) (Printer, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.p != nil {
		return e.p, nil
	}
	if e.dev.Open == nil {
		return nil, &deviceError{e.dev.Name, errors.New("no way to open it is configured")}
	}
	p, err := e.dev.Open(ctx)
	if err != nil {
		return nil, &deviceError{e.dev.Name, err}
	}
	e.p, e.drawers, e.broken = p, map[string]Drawer{}, nil
	return p, nil
}

func (e *printerEntry) drop(why error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.p != nil {
		_ = e.p.Close()
	}
	e.p, e.drawers, e.broken = nil, nil, why
}

func (e *printerEntry) close() {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.p != nil {
		_ = e.p.Close()
	}
	e.p, e.drawers = nil, nil
}

// drawer returns the drawer d on the current link p, attaching it once per link.
func (e *printerEntry) drawer(d *drawerEntry, p Printer) (Drawer, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if dr, ok := e.drawers[d.dev.Name]; ok {
		return dr, nil
	}
	if d.dev.Attach == nil {
		return nil, &deviceError{d.dev.Name, errors.New("no way to attach it is configured")}
	}
	dr, err := d.dev.Attach(p)
	if err != nil {
		return nil, &deviceError{d.dev.Name, err}
	}
	if e.drawers == nil {
		e.drawers = map[string]Drawer{}
	}
	e.drawers[d.dev.Name] = dr
	return dr, nil
}

func isDocumentError(err error) bool {
	for _, e := range []error{escpos.ErrDocument, escpos.ErrBarcode, escpos.ErrTooLarge, escpos.ErrNotSupported} {
		if errors.Is(err, e) {
			return true
		}
	}
	var ie *inputError
	return errors.As(err, &ie)
}

// drawerEntry is a drawer and the printer it hangs on.
type drawerEntry struct {
	dev     DrawerDevice
	printer *printerEntry
}
