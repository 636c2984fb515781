package transport

import (
	"errors"
	"strings"
)

// Error classes. Every error that Open and the transports return matches at most one of them
// with [errors.Is]; time-outs match [os.ErrDeadlineExceeded] instead, and use of a closed
// link matches [net.ErrClosed].
var (
	// ErrNotFound: the port, device node or USB device does not exist (unplugged, wrong
	// name, re-enumerated under another name).
	ErrNotFound = errors.New("not found")
	// ErrPermission: the node exists but this user may not open it. The error text carries
	// the usual fix (dialout group for serial ports, lp group for /dev/usb/lp*).
	ErrPermission = errors.New("permission denied")
	// ErrBusy: another process holds the port or device.
	ErrBusy = errors.New("busy")
	// ErrUnsupported: the URL scheme, option or operation is not available on this
	// platform or in this build (for example usb:// without -tags libusb).
	ErrUnsupported = errors.New("unsupported")
	// ErrBadURL: the URL given to Open cannot be parsed or has an invalid option.
	ErrBadURL = errors.New("bad url")
	// ErrNotSerial: the node exists but is not a serial port (for example /dev/null).
	ErrNotSerial = errors.New("not a serial port")
	// ErrNotADevice: the path names a regular file, a directory or another node that is not
	// the device its scheme wants (usblp:// wants a usblp printer node). It is refused before
	// anything opens the path, so nothing was written to it.
	ErrNotADevice = errors.New("not a device")
	// ErrPortDead: an earlier write timed out or failed half-way, so the link is in an
	// unknown state and refuses further reads and writes. Close it and open it again.
	ErrPortDead = errors.New("port is dead after a failed write")
)

// Error is the error type of this package: an operation on a link, an error class from the
// list above (Kind, may be nil) and the underlying cause (Err, may be nil). Both Kind and
// Err take part in [errors.Is] and [errors.As].
type Error struct {
	Op   string // "open", "read", "write", "list"
	Link string // "serial:/dev/ttyUSB0", "tcp:127.0.0.1:9100"; may be empty
	Kind error  // one of the Err* classes, or os.ErrDeadlineExceeded; may be nil
	Err  error  // the cause from the OS or library; may be nil
	Hint string // what the user can do about it; may be empty
}

// Error returns "transport: op link: kind: cause (hint)".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("transport: ")
	b.WriteString(e.Op)
	if e.Link != "" {
		b.WriteString(" ")
		b.WriteString(e.Link)
	}
	if e.Kind != nil {
		b.WriteString(": ")
		b.WriteString(e.Kind.Error())
	}
	if e.Err != nil && e.Err != e.Kind {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	if e.Hint != "" {
		b.WriteString(" (")
		b.WriteString(e.Hint)
		b.WriteString(")")
	}
	return b.String()
}

// Unwrap returns Kind and Err, so errors.Is works against both.
func (e *Error) Unwrap() []error {
	var out []error
	if e.Kind != nil {
		out = append(out, e.Kind)
	}
	if e.Err != nil && e.Err != e.Kind {
		out = append(out, e.Err)
	}
	return out
}

// Timeout reports whether the error is a deadline error, like [net.Error].
func (e *Error) Timeout() bool { return errors.Is(e, errDeadline) }

// Hints shown with permission errors.
const (
	hintDialout = "add the user to the dialout group: sudo usermod -aG dialout $USER, then log in again"
	hintLp      = "add the user to the lp group: sudo usermod -aG lp $USER, then log in again"
	hintUSB     = "grant the device node with a udev rule (SUBSYSTEM==\"usb\", ATTRS{idVendor}==\"VVVV\", ATTRS{idProduct}==\"PPPP\", MODE=\"0660\", GROUP=\"plugdev\") and join that group"
)
