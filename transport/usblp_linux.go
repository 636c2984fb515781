//go:build linux

package transport

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
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

// usblpSysRoot is the directory holding the sysfs tree that usblp nodes are checked
// against; "" means "/". Tests point it at a fake tree.
var usblpSysRoot = ""

// hintNotUSBLP is shown when a usblp:// path is a character device but no usblp node.
const hintNotUSBLP = "usblp:// takes a USB printer node bound to the usblp driver (/dev/usb/lpN; `hwprobe scan` lists them); a serial port is serial://"

// openUSBLP opens a Linux usblp node (/dev/usb/lpN) as a file: no cgo, no libusb. Before
// opening it checks that the path is a character device and, where sysfs is mounted, that
// sysfs class usbmisc holds an lpN node with that device number bound to usblp (the kernel
// names usblp nodes lpN in class usbmisc, transports.md §2.5); anything else fails with
// ErrNotADevice and is never opened. After opening, the open file is checked to be that same
// node, so a path swapped between the check and the open is refused as well.
func openUSBLP(ctx context.Context, path string) (Conn, error) {
	link := "usblp:" + path
	if err := ctx.Err(); err != nil {
		return nil, &Error{Op: "open", Link: link, Err: err}
	}
	fi, err := checkNode(link, path)
	if err != nil {
		return nil, err
	}
	if fi != nil {
		if err := checkUSBLP(usblpSysRoot, fi); err != nil {
			return nil, &Error{Op: "open", Link: link, Kind: ErrNotADevice, Err: err, Hint: hintNotUSBLP}
		}
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
			e.Hint = hintLp
		case errors.Is(err, syscall.EBUSY):
			e.Kind = ErrBusy
			e.Hint = "another program (often CUPS) holds the printer"
		}
		return nil, e
	}
	if ofi, err := f.Stat(); err != nil || fi == nil || !os.SameFile(fi, ofi) {
		f.Close()
		if err == nil {
			err = fmt.Errorf("%s changed while it was opened", path)
		}
		return nil, &Error{Op: "open", Link: link, Kind: ErrNotADevice, Err: err, Hint: hintNotUSBLP}
	}
	return &fileConn{File: f, name: link}, nil
}

// checkUSBLP reports, with a nil error, that the character device fi is a usblp node
// according to the sysfs tree under root: an entry lpN of /sys/class/usbmisc whose dev
// attribute is fi's MAJ:MIN and whose driver, when sysfs names one, is usblp. Where root has
// no /sys/class (sysfs not mounted, as in some containers) the check cannot be made and
// passes.
func checkUSBLP(root string, fi fs.FileInfo) error {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	rdev := uint64(st.Rdev) // uint32 on some architectures
	devno := strconv.FormatUint(uint64(unix.Major(rdev)), 10) + ":" + strconv.FormatUint(uint64(unix.Minor(rdev)), 10)
	if root == "" {
		root = "/"
	}
	if _, err := os.Stat(filepath.Join(root, "sys", "class")); err != nil {
		return nil
	}
	classDir := filepath.Join(root, "sys", "class", "usbmisc")
	entries, err := os.ReadDir(classDir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("device %s: read %s: %w", devno, classDir, err)
	}
	for _, e := range entries {
		if !isLPName(e.Name()) {
			continue
		}
		dir := filepath.Join(classDir, e.Name())
		if d, ok := readAttr(filepath.Join(dir, "dev")); !ok || d != devno {
			continue
		}
		if drv := linkBase(filepath.Join(dir, "device", "driver")); drv != "" && drv != "usblp" {
			return fmt.Errorf("device %s is %s, bound to driver %s, not usblp", devno, e.Name(), drv)
		}
		return nil
	}
	return fmt.Errorf("device %s is no usblp printer node (no lpN with it in sysfs class usbmisc)", devno)
}

// isLPName reports whether name is "lp" and a number, as usblp names its nodes.
func isLPName(name string) bool {
	n, ok := strings.CutPrefix(name, "lp")
	if !ok || n == "" {
		return false
	}
	_, err := strconv.ParseUint(n, 10, 16)
	return err == nil
}
