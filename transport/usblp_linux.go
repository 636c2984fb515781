//go:build linux

package transport

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"syscall"
)

// fileConn is a character device opened as a file. On Linux the runtime poller serves
// nodes that support poll(2) (usblp does), so deadlines work and Close unblocks a Read;
// where the node cannot be polled the Set*Deadline methods return os.ErrNoDeadline.
type fileConn struct {
	*os.File
	name string
}

// String names the link: "usblp:/dev/usb/lp0".
func (c *fileConn) String() string { return c.name }

// openFileConn opens a device node read-write.
func openFileConn(ctx context.Context, scheme, path, permHint string) (Conn, error) {
	link := scheme + ":" + path
	if err := ctx.Err(); err != nil {
		return nil, &Error{Op: "open", Link: link, Err: err}
	}
	f, err := os.OpenFile(path, os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		e := &Error{Op: "open", Link: link, Err: err}
		switch {
		case errors.Is(err, fs.ErrNotExist):
			e.Kind = ErrNotFound
			e.Hint = "is the printer on and bound to the usblp driver? `hwprobe` lists USB printers"
		case errors.Is(err, fs.ErrPermission):
			e.Kind = ErrPermission
			e.Hint = permHint
		case errors.Is(err, syscall.EBUSY):
			e.Kind = ErrBusy
			e.Hint = "another program (often CUPS) holds the printer"
		}
		return nil, e
	}
	return &fileConn{File: f, name: link}, nil
}

// openUSBLP opens a Linux usblp node (/dev/usb/lpN) as a file: no cgo, no libusb.
func openUSBLP(ctx context.Context, path string) (Conn, error) {
	return openFileConn(ctx, "usblp", path, hintLp)
}
