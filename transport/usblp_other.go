//go:build !linux

package transport

import (
	"context"
	"errors"
)

// openUSBLP: usblp nodes exist on Linux only.
func openUSBLP(ctx context.Context, path string) (Conn, error) {
	return nil, &Error{Op: "open", Link: "usblp:" + path, Kind: ErrUnsupported,
		Err: errors.New("usblp nodes exist on Linux only"), Hint: "use usb://VID:PID with a -tags libusb build"}
}
