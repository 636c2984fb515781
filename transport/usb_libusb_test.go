//go:build libusb

package transport_test

import (
	"context"
	"errors"
	"testing"

	"github.com/uapos/uapos/transport"
)

// No device has these ids, so libusb enumerates and finds nothing: a typed not-found error.
// (CI has no USB stack at all; transports.md §0.7.)
func TestOpenUSBMissing(t *testing.T) {
	_, err := transport.Open(context.Background(), "usb://fffe:fffd")
	if errors.Is(err, transport.ErrUnsupported) {
		t.Skipf("libusb unavailable here: %v", err)
	}
	if !errors.Is(err, transport.ErrNotFound) {
		t.Fatalf("open of absent USB device = %v; want ErrNotFound", err)
	}
}
