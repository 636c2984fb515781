package transport

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"go.bug.st/serial"
)

// Open opens a link from a URL. Supported forms:
//
//	tcp://host:port                      TCP (printers on 9100, terminals' TCP protocols)
//	serial:///dev/ttyUSB0?baud=115200    serial port; also serial:///dev/pts/3, serial://COM3
//	usblp:///dev/usb/lp0                 Linux usblp printer node, no cgo
//	usb://04b8:0202?serial=X123          USB bulk endpoints via libusb (build with -tags libusb)
//
// Serial options, all optional: baud (default 9600), data (5..8, default 8), parity
// (N, E, O, M or S, default N), stop (1, 1.5 or 2, default 1). A bare device path
// (/dev/ttyUSB0, /dev/usb/lp0, COM3) is taken as the serial or usblp URL for it.
//
// Path-based links (serial, usblp) must name a character device: a regular file, a directory
// or another kind of node fails with ErrNotADevice before anything opens it, and usblp also
// wants sysfs (where mounted) to list the node as a usblp printer (class usbmisc, lpN).
//
// The context bounds the open itself (the TCP dial); it does not bound the returned Conn,
// whose time-outs are set with its deadlines. Errors are [*Error] values classed by
// ErrNotFound, ErrPermission, ErrBusy, ErrUnsupported, ErrBadURL, ErrNotSerial or
// ErrNotADevice.
func Open(ctx context.Context, rawURL string) (Conn, error) {
	u, err := parseURL(rawURL)
	if err != nil {
		return nil, err
	}
	switch u.Scheme {
	case "tcp":
		return openTCP(ctx, u.Host)
	case "serial":
		name, mode, err := serialTarget(u)
		if err != nil {
			return nil, err
		}
		return openSerial(ctx, name, mode)
	case "usblp":
		name, err := usblpTarget(u, rawURL)
		if err != nil {
			return nil, err
		}
		return openUSBLP(ctx, name)
	case "usb":
		vid, pid, serialNo, err := usbTarget(u)
		if err != nil {
			return nil, err
		}
		return openUSB(ctx, vid, pid, serialNo)
	default:
		return nil, &Error{Op: "open", Link: rawURL, Kind: ErrUnsupported,
			Err: fmt.Errorf("unknown scheme %q", u.Scheme), Hint: "use tcp://, serial://, usblp:// or usb://"}
	}
}

// Target is where a URL given to [Open] leads, as Open reads it.
type Target struct {
	// Scheme is "tcp", "serial", "usblp" or "usb"; bare device paths are mapped as Open
	// maps them (/dev/usb/lp0 to usblp, other paths and COM3 to serial).
	Scheme string
	// Address is host:port for tcp, the device path or port name for serial and usblp, and
	// VID:PID (upper-case hex) for usb.
	Address string
}

// ParseTarget reads rawURL as [Open] does, without opening anything, so a caller can decide
// what to send before it opens the link. Its errors are those Open returns for the URL
// (ErrBadURL, ErrUnsupported for an unknown scheme).
func ParseTarget(rawURL string) (Target, error) {
	u, err := parseURL(rawURL)
	if err != nil {
		return Target{}, err
	}
	t := Target{Scheme: u.Scheme}
	switch u.Scheme {
	case "tcp":
		t.Address = u.Host
	case "serial":
		t.Address, _, err = serialTarget(u)
	case "usblp":
		t.Address, err = usblpTarget(u, rawURL)
	case "usb":
		var vid, pid string
		vid, pid, _, err = usbTarget(u)
		t.Address = vid + ":" + pid
	default:
		err = &Error{Op: "open", Link: rawURL, Kind: ErrUnsupported, Err: fmt.Errorf("unknown scheme %q", u.Scheme)}
	}
	if err != nil {
		return Target{}, err
	}
	return t, nil
}

// usblpTarget returns the device path of a usblp: URL.
func usblpTarget(u *url.URL, rawURL string) (string, error) {
	name := u.Path
	if name == "" {
		name = u.Opaque
	}
	if name == "" {
		return "", badURL(rawURL, "usblp needs a device path, as in usblp:///dev/usb/lp0")
	}
	if len(u.Query()) > 0 {
		return "", badURL(rawURL, "usblp takes no options")
	}
	return name, nil
}

var comPort = regexp.MustCompile(`^(?i:com)[0-9]{1,3}$`)

// parseURL parses rawURL, mapping bare device paths to serial: or usblp: URLs.
func parseURL(rawURL string) (*url.URL, error) {
	s := strings.TrimSpace(rawURL)
	switch {
	case s == "":
		return nil, badURL(rawURL, "empty")
	case strings.HasPrefix(s, "/dev/usb/lp"):
		return &url.URL{Scheme: "usblp", Path: s}, nil
	case strings.HasPrefix(s, "/"):
		return &url.URL{Scheme: "serial", Path: s}, nil
	case comPort.MatchString(s), strings.HasPrefix(s, `\\.\`):
		return &url.URL{Scheme: "serial", Opaque: s}, nil
	}
	if rest, ok := cutPrefixFold(s, "usb:"); ok {
		// usb://04b8:0e28 is not a valid URL host (the "port" is hex), so split it here.
		rest = strings.TrimPrefix(rest, "//")
		target, query, _ := strings.Cut(rest, "?")
		return &url.URL{Scheme: "usb", Opaque: strings.TrimSuffix(target, "/"), RawQuery: query}, nil
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, &Error{Op: "open", Link: rawURL, Kind: ErrBadURL, Err: err}
	}
	if u.Scheme == "" {
		return nil, badURL(rawURL, "no scheme: use tcp://host:port, serial:///dev/ttyUSB0, usblp:///dev/usb/lp0 or usb://VID:PID")
	}
	u.Scheme = strings.ToLower(u.Scheme)
	return u, nil
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return s, false
}

func badURL(rawURL, detail string) error {
	return &Error{Op: "open", Link: rawURL, Kind: ErrBadURL, Err: fmt.Errorf("%s", detail)}
}

// serialTarget returns the port name and line setting of a serial: URL.
func serialTarget(u *url.URL) (string, serialMode, error) {
	var m serialMode
	name := u.Path
	switch {
	case u.Host != "" && name == "":
		name = u.Host // serial://COM3
	case u.Host != "":
		return "", m, badURL(u.String(), "serial URLs have no host: write serial:///dev/ttyUSB0")
	case name == "":
		name = u.Opaque // serial:COM3
	}
	if name == "" {
		return "", m, badURL(u.String(), "serial needs a port, as in serial:///dev/ttyUSB0")
	}
	for k, vs := range u.Query() {
		if len(vs) != 1 {
			return "", m, badURL(u.String(), "option "+k+" given more than once")
		}
		v := vs[0]
		switch strings.ToLower(k) {
		case "baud":
			n, err := strconv.Atoi(v)
			if err != nil || n <= 0 || n > 4000000 {
				return "", m, badURL(u.String(), "baud must be a positive rate, got "+strconv.Quote(v))
			}
			m.Baud = n
		case "data":
			n, err := strconv.Atoi(v)
			if err != nil || n < 5 || n > 8 {
				return "", m, badURL(u.String(), "data must be 5, 6, 7 or 8, got "+strconv.Quote(v))
			}
			m.DataBits = n
		case "parity":
			switch strings.ToUpper(v) {
			case "N":
				m.Parity = serial.NoParity
			case "E":
				m.Parity = serial.EvenParity
			case "O":
				m.Parity = serial.OddParity
			case "M":
				m.Parity = serial.MarkParity
			case "S":
				m.Parity = serial.SpaceParity
			default:
				return "", m, badURL(u.String(), "parity must be N, E, O, M or S, got "+strconv.Quote(v))
			}
		case "stop":
			switch v {
			case "1":
				m.StopBits = serial.OneStopBit
			case "1.5":
				m.StopBits = serial.OnePointFiveStopBits
			case "2":
				m.StopBits = serial.TwoStopBits
			default:
				return "", m, badURL(u.String(), "stop must be 1, 1.5 or 2, got "+strconv.Quote(v))
			}
		default:
			return "", m, badURL(u.String(), "unknown serial option "+strconv.Quote(k))
		}
	}
	return name, m, nil
}

// usbTarget returns the vendor and product id (upper-case hex) and serial number of a usb: URL.
func usbTarget(u *url.URL) (vid, pid, serialNo string, err error) {
	v, p, ok := strings.Cut(u.Opaque, ":")
	if !ok || !isHex4(v) || !isHex4(p) {
		return "", "", "", badURL(u.String(), "usb needs VID:PID in hex, as in usb://04b8:0202")
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return "", "", "", &Error{Op: "open", Link: u.String(), Kind: ErrBadURL, Err: err}
	}
	for k, vs := range q {
		if k != "serial" || len(vs) != 1 {
			return "", "", "", badURL(u.String(), "the only usb option is serial=")
		}
		serialNo = vs[0]
	}
	return strings.ToUpper(v), strings.ToUpper(p), serialNo, nil
}

func isHex4(s string) bool {
	if len(s) != 4 {
		return false
	}
	_, err := strconv.ParseUint(s, 16, 16)
	return err == nil
}
