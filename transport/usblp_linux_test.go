//go:build linux

package transport_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/uapos/uapos/transport"
	"github.com/uapos/uapos/transport/transporttest"
)

// fakeUSBLPSysfs builds a sysfs tree in which the character device at node is usblp's lp0,
// and makes the usblp transport check against it until the test ends.
func fakeUSBLPSysfs(t *testing.T, node string) {
	t.Helper()
	var st unix.Stat_t
	if err := unix.Stat(node, &st); err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	intf := filepath.Join(root, "sys", "devices", "usb1", "1-3", "1-3.if0")
	lp := filepath.Join(intf, "usbmisc", "lp0")
	class := filepath.Join(root, "sys", "class", "usbmisc")
	for _, d := range []string{lp, class, filepath.Join(root, "sys", "bus", "usb", "drivers", "usblp")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	dev := fmt.Sprintf("%d:%d\n", unix.Major(uint64(st.Rdev)), unix.Minor(uint64(st.Rdev)))
	for _, err := range []error{
		os.WriteFile(filepath.Join(lp, "dev"), []byte(dev), 0o644),
		os.Symlink("../..", filepath.Join(lp, "device")),
		os.Symlink("../../../bus/usb/drivers/usblp", filepath.Join(intf, "driver")),
		os.Symlink("../../devices/usb1/1-3/1-3.if0/usbmisc/lp0", filepath.Join(class, "lp0")),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	transport.SetUSBLPSysRoot(t, root)
}

// A pty slave stands in for /dev/usb/lp0: both are character devices the usblp transport
// opens as a file (transports.md §3.2 point 3). A fake sysfs tree names the pty lp0.
func TestUSBLPOverPTY(t *testing.T) {
	master, slave, err := transporttest.OpenPTY()
	if err != nil {
		t.Skipf("no pty: %v", err)
	}
	defer master.Close()
	fakeUSBLPSysfs(t, slave)
	c, err := transport.Open(context.Background(), "usblp://"+slave)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()

	out := []byte{0x1b, 0x40, 'A', '\n', 0x1d, 0x56, 0x00}
	if _, err := c.Write(out); err != nil {
		t.Fatal(err)
	}
	master.SetReadDeadline(time.Now().Add(5 * time.Second))
	got := make([]byte, len(out))
	if _, err := io.ReadFull(master, got); err != nil || !bytes.Equal(got, out) {
		t.Fatalf("printer got % x (%v), want % x", got, err, out)
	}
	if err := c.SetReadDeadline(time.Now().Add(10 * time.Millisecond)); err != nil {
		t.Fatalf("usblp node without deadlines: %v", err)
	}
	if _, err := c.Read(make([]byte, 1)); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("read = %v; want deadline error", err)
	}
	c.SetReadDeadline(time.Time{})
	errc := make(chan error, 1)
	go func() {
		_, err := c.Read(make([]byte, 1))
		errc <- err
	}()
	c.Close()
	if err := <-errc; err == nil {
		t.Fatal("Close did not fail the blocked Read")
	}
}

// Character devices that are not usblp nodes are refused before they are opened: a pty
// that sysfs does not list in class usbmisc, and /dev/null (class mem) on the real sysfs.
func TestUSBLPRefusesOtherDevices(t *testing.T) {
	master, slave, err := transporttest.OpenPTY()
	if err != nil {
		t.Skipf("no pty: %v", err)
	}
	defer master.Close()
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "sys", "class", "usbmisc"), 0o755); err != nil {
		t.Fatal(err)
	}
	transport.SetUSBLPSysRoot(t, root)
	c, err := transport.Open(context.Background(), "usblp://"+slave)
	if err == nil {
		c.Close()
		t.Fatal("a pty that is no usblp node was opened as usblp://")
	}
	if !errors.Is(err, transport.ErrNotADevice) {
		t.Fatalf("usblp:// of a pty = %v; want ErrNotADevice", err)
	}
	master.SetReadDeadline(time.Now())
	if n, _ := master.Read(make([]byte, 16)); n != 0 {
		t.Fatalf("%d bytes reached the pty", n)
	}

	if _, err := os.Stat("/sys/class"); err != nil {
		t.Skip("no sysfs here")
	}
	transport.SetUSBLPSysRoot(t, "")
	if c, err := transport.Open(context.Background(), "usblp:///dev/null"); !errors.Is(err, transport.ErrNotADevice) {
		if c != nil {
			c.Close()
		}
		t.Fatalf("usblp:///dev/null = %v; want ErrNotADevice", err)
	}
}

// A FIFO is no device either, for serial:// and usblp:// alike.
func TestOpenRefusesFIFO(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := unix.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	for _, u := range []string{"serial://" + fifo, "usblp://" + fifo} {
		if c, err := transport.Open(context.Background(), u); !errors.Is(err, transport.ErrNotADevice) {
			if c != nil {
				c.Close()
			}
			t.Errorf("Open(%q) = %v; want ErrNotADevice", u, err)
		}
	}
}

func TestUSBLPMissing(t *testing.T) {
	_, err := transport.Open(context.Background(), "/dev/usb/lp-uapos-missing")
	if !errors.Is(err, transport.ErrNotFound) {
		t.Fatalf("open missing usblp = %v; want ErrNotFound", err)
	}
}
