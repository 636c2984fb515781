//go:build !libusb

package transport

import "context"

// LibusbEnabled reports whether this build has the libusb back end for usb:// URLs.
const LibusbEnabled = false

// openUSB: this build has no libusb back end.
func openUSB(ctx context.Context, vid, pid, serialNo string) (Conn, error) {
	return nil, &Error{Op: "open", Link: usbLink(vid, pid, serialNo), Kind: ErrUnsupported, Err: ErrNoLibusb}
}
