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
