// Package transport is the byte link between uapos drivers and devices.
//
// [Conn] is the only thing protocol packages depend on: a byte stream with deadlines, a
// strict subset of [net.Conn], so *net.TCPConn and both ends of [net.Pipe] satisfy it. [Open]
// opens a Conn from a URL:
//
//	tcp://127.0.0.1:9100
//	serial:///dev/ttyUSB0?baud=115200&parity=N&data=8&stop=1
//	usblp:///dev/usb/lp0            (Linux USB printer class node, no cgo)
//	usb://04b8:0202?serial=X123     (libusb, only in builds with -tags libusb)
//
// Time-outs surface as errors wrapping [os.ErrDeadlineExceeded] on every transport.
//
// The research behind this package is ../shared/protocols/transports.md (§0, §1.3 and §1.5
// for the serial library, §2 for USB, §3 for testing without hardware).
//
// # Serial ports
//
// Serial links use go.bug.st/serial v1.8.0 behind a wrapper that removes its pitfalls
// (transports.md §0): a read time-out, which the library reports as (0, nil), is an error
// wrapping os.ErrDeadlineExceeded, so io.ReadFull cannot spin; deadlines become the library's
// read time-out, and a deadline moved while a Read waits (as a cancelled context does) is
// seen within 50 ms; a Write never returns fewer bytes without an error; a Write runs under
// the write deadline, and a port whose write timed out or stopped half-way is marked dead, so
// later calls fail at once with an error matching [ErrPortDead]; Close unblocks pending
// Reads and Writes. Modem lines are never set at open (ptys and some bridges refuse it).
// The serial Conn also implements [fmt.Stringer] ("serial:/dev/ttyUSB0@115200"),
// [ModemControl] and [Drainer]; find them by type assertion and fall back when absent.
//
// # USB
//
// On Linux a USB printer is normally bound to the usblp driver, and usblp:///dev/usb/lp0
// writes its node directly: no cgo, no libusb. usb://VID:PID talks to the printer-class
// interface through libusb (github.com/google/gousb) and exists only in builds with
// -tags libusb (libusb-1.0-0-dev needed to build); other builds return an error matching
// [ErrUnsupported] and [ErrNoLibusb] that says so. The endpoints are found from the
// class-07 interface descriptor, usblp is detached while the link is open, and deadlines
// cancel the transfer in flight. That back end compiles but has not met a real device yet
// (the CI kernel has no USB stack): treat it as provisional.
//
// # Errors
//
// Open and the transports return [*Error] values. [errors.Is] classes them: [ErrNotFound]
// (missing port or device), [ErrPermission] (the text names the group to join: dialout for
// serial ports, lp for usblp nodes), [ErrBusy], [ErrUnsupported], [ErrBadURL],
// [ErrNotSerial], [ErrPortDead]; time-outs match [os.ErrDeadlineExceeded] and a closed link
// [net.ErrClosed].
//
// # Listing
//
// [ListSerialPorts] lists serial ports with their USB ids and strings without opening any
// (on Linux from sysfs; a ttyS* placeholder is recognised by its "type" attribute, not by
// opening it). [ListUSBPrinters] lists USB printer-class interfaces and their usblp nodes
// from sysfs. Both sysfs walkers take a root directory so tests run on a fake tree.
//
// Subpackages: transport/capture records and replays exchanges as text files;
// transport/transporttest has an in-memory Pipe, a pty helper and scripted fakes.
package transport

import (
	"io"
	"time"
)

// Conn is a byte stream to a device with deadlines: a subset of [net.Conn].
//
// Read and Write return errors wrapping [os.ErrDeadlineExceeded] when a deadline passes, and
// Close unblocks a blocked Read. Implementations may also implement [fmt.Stringer] to name
// the link ("serial:/dev/ttyUSB0@115200").
type Conn interface {
	io.ReadWriteCloser
	SetDeadline(t time.Time) error
	SetReadDeadline(t time.Time) error
	SetWriteDeadline(t time.Time) error
}
