package transport_test

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/uapos/uapos/transport"
)

func TestOpenTCP(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			close(accepted)
			return
		}
		accepted <- c
	}()
	c, err := transport.Open(context.Background(), "tcp://"+ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	peer := <-accepted
	if peer == nil {
		t.Fatal("accept failed")
	}
	defer peer.Close()

	if got, want := c.(interface{ String() string }).String(), "tcp:"+ln.Addr().String(); got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if _, err := c.Write([]byte("ab\x00")); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 3)
	if _, err := io.ReadFull(peer, buf); err != nil || string(buf) != "ab\x00" {
		t.Fatalf("peer got %q, %v", buf, err)
	}
	c.SetReadDeadline(time.Now().Add(10 * time.Millisecond))
	if _, err := c.Read(buf); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("read with nothing sent = %v; want deadline error", err)
	}
}

func TestOpenTCPRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	c, err := transport.Open(context.Background(), "tcp://"+addr)
	if err == nil {
		c.Close()
		t.Skip("another process took the port between Close and Open")
	}
	var te *transport.Error
	if err == nil || !errors.As(err, &te) || te.Op != "open" {
		t.Fatalf("open of a closed port = %v; want *transport.Error", err)
	}
}

func TestOpenTCPCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := transport.Open(ctx, "tcp://127.0.0.1:1")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("open with a cancelled context = %v", err)
	}
}

func TestOpenBadURLs(t *testing.T) {
	cases := []struct {
		url  string
		want error
	}{
		{"", transport.ErrBadURL},
		{"ttyUSB0", transport.ErrBadURL},
		{"ftp://x/y", transport.ErrUnsupported},
		{"tcp://127.0.0.1", transport.ErrBadURL},
		{"serial://", transport.ErrBadURL},
		{"serial:///dev/ttyUSB0?baud=fast", transport.ErrBadURL},
		{"serial:///dev/ttyUSB0?baud=0", transport.ErrBadURL},
		{"serial:///dev/ttyUSB0?data=9", transport.ErrBadURL},
		{"serial:///dev/ttyUSB0?parity=X", transport.ErrBadURL},
		{"serial:///dev/ttyUSB0?stop=3", transport.ErrBadURL},
		{"serial:///dev/ttyUSB0?speed=9600", transport.ErrBadURL},
		{"serial:///dev/ttyUSB0?baud=9600&baud=19200", transport.ErrBadURL},
		{"serial://host/dev/ttyUSB0", transport.ErrBadURL},
		{"usblp://", transport.ErrBadURL},
		{"usb://04b8", transport.ErrBadURL},
		{"usb://04b8:02", transport.ErrBadURL},
		{"usb://zzzz:0202", transport.ErrBadURL},
		{"usb://04b8:0202?port=1", transport.ErrBadURL},
	}
	for _, tc := range cases {
		_, err := transport.Open(context.Background(), tc.url)
		if !errors.Is(err, tc.want) {
			t.Errorf("Open(%q) = %v; want %v", tc.url, err, tc.want)
		}
		if err != nil && !strings.HasPrefix(err.Error(), "transport: ") {
			t.Errorf("Open(%q) error %q lacks the package prefix", tc.url, err)
		}
	}
}

func TestOpenUSBWithoutLibusb(t *testing.T) {
	if transport.LibusbEnabled {
		t.Skip("built with -tags libusb")
	}
	_, err := transport.Open(context.Background(), "usb://04b8:0e28?serial=X1")
	if !errors.Is(err, transport.ErrUnsupported) || !errors.Is(err, transport.ErrNoLibusb) {
		t.Fatalf("usb:// without libusb = %v", err)
	}
	if !strings.Contains(err.Error(), "-tags libusb") {
		t.Errorf("error %q does not say how to enable usb://", err)
	}
}

func TestParseTarget(t *testing.T) {
	cases := []struct {
		url  string
		want transport.Target
	}{
		{"tcp://10.0.0.5:9100", transport.Target{Scheme: "tcp", Address: "10.0.0.5:9100"}},
		{"serial:///dev/ttyACM0?baud=115200", transport.Target{Scheme: "serial", Address: "/dev/ttyACM0"}},
		{"serial://COM3", transport.Target{Scheme: "serial", Address: "COM3"}},
		{"COM3", transport.Target{Scheme: "serial", Address: "COM3"}},
		{"/dev/ttyUSB0", transport.Target{Scheme: "serial", Address: "/dev/ttyUSB0"}},
		{"/dev/usb/lp1", transport.Target{Scheme: "usblp", Address: "/dev/usb/lp1"}},
		{"usblp:///dev/usb/lp0", transport.Target{Scheme: "usblp", Address: "/dev/usb/lp0"}},
		{"usb://04b8:0e28?serial=X1", transport.Target{Scheme: "usb", Address: "04B8:0E28"}},
	}
	for _, tc := range cases {
		got, err := transport.ParseTarget(tc.url)
		if err != nil || got != tc.want {
			t.Errorf("ParseTarget(%q) = %+v, %v; want %+v", tc.url, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", "ftp://x/y", "usblp://", "serial:///dev/ttyUSB0?baud=fast"} {
		if _, err := transport.ParseTarget(bad); err == nil {
			t.Errorf("ParseTarget(%q) succeeded", bad)
		}
	}
}
