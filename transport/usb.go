package transport

import "errors"

// ErrNoLibusb is the cause Open reports for usb:// URLs in a build without the libusb back
// end; the error also matches ErrUnsupported.
var ErrNoLibusb = errors.New("usb:// needs a build with -tags libusb and libusb-1.0 " +
	"(Debian: apt-get install libusb-1.0-0-dev pkg-config); on Linux usblp:///dev/usb/lp0 needs neither")

// usbLink names a usb: link ("usb:04B8:0202" or "usb:04B8:0202/X123").
func usbLink(vid, pid, serialNo string) string {
	s := "usb:" + vid + ":" + pid
	if serialNo != "" {
		s += "/" + serialNo
	}
	return s
}
