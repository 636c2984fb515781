package transport

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
)

// maxAttr bounds how much of one sysfs attribute file is read.
const maxAttr = 4096

// ListSerialPortsSysfs lists serial ports from a Linux sysfs tree under sysRoot ("" means
// "/"), reading files only: no port is opened. Every /sys/class/tty entry backed by a device
// is listed, except legacy UART placeholders (ttyS*, ttyHS*) whose "type" attribute is 0,
// meaning no UART is there (jclark/satpulse#394; go.bug.st/serial opens them to find out,
// which reconfigures a port another program may be using). USB details come from the
// nearest USB device above the port. The list is sorted by name; a tree without
// /sys/class/tty gives an empty list.
func ListSerialPortsSysfs(sysRoot string) ([]PortInfo, error) {
	root, err := sysfsRoot(sysRoot)
	if err != nil {
		return nil, err
	}
	classDir := filepath.Join(root, "sys", "class", "tty")
	entries, err := os.ReadDir(classDir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, &Error{Op: "list", Link: classDir, Err: err}
	}
	var ports []PortInfo
	for _, e := range entries {
		name := e.Name()
		dir, err := filepath.EvalSymlinks(filepath.Join(classDir, name))
		if err != nil {
			continue
		}
		dev, err := filepath.EvalSymlinks(filepath.Join(dir, "device"))
		if err != nil {
			continue // virtual terminal, pty master, console: no device behind it
		}
		if strings.HasPrefix(name, "ttyS") || strings.HasPrefix(name, "ttyHS") {
			if t, ok := readAttr(filepath.Join(dir, "type")); ok && t == "0" {
				continue
			}
		}
		p := PortInfo{Name: "/dev/" + name, Driver: linkBase(filepath.Join(dev, "driver"))}
		if usb, ok := usbDeviceAbove(root, dev); ok {
			p.IsUSB = true
			p.VID, _ = readAttr(filepath.Join(usb, "idVendor"))
			p.PID, _ = readAttr(filepath.Join(usb, "idProduct"))
			p.VID, p.PID = upperHex(p.VID), upperHex(p.PID)
			p.SerialNumber, _ = readAttr(filepath.Join(usb, "serial"))
			p.Manufacturer, _ = readAttr(filepath.Join(usb, "manufacturer"))
			p.Product, _ = readAttr(filepath.Join(usb, "product"))
		}
		ports = append(ports, p)
	}
	sortPorts(ports)
	return ports, nil
}

// ListUSBPrinters lists USB printer-class (07) interfaces from a Linux sysfs tree under
// sysRoot ("" means "/"), reading files only (no libusb, no cgo). Node is the usblp node bound
// to the interface, if any. A tree without /sys/bus/usb (no USB stack) gives an empty list.
// With sysRoot "" on other systems it returns an error matching ErrUnsupported.
func ListUSBPrinters(sysRoot string) ([]USBPrinter, error) {
	root, err := sysfsRoot(sysRoot)
	if err != nil {
		return nil, err
	}
	busDir := filepath.Join(root, "sys", "bus", "usb", "devices")
	entries, err := os.ReadDir(busDir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, &Error{Op: "list", Link: busDir, Err: err}
	}
	var out []USBPrinter
	for _, e := range entries {
		intf, err := filepath.EvalSymlinks(filepath.Join(busDir, e.Name()))
		if err != nil {
			continue
		}
		if c, ok := readAttr(filepath.Join(intf, "bInterfaceClass")); !ok || c != "07" {
			continue
		}
		dev := filepath.Dir(intf)
		if _, ok := readAttr(filepath.Join(dev, "idVendor")); !ok {
			continue
		}
		p := USBPrinter{SysPath: sysPath(root, intf)}
		p.VID, _ = readAttr(filepath.Join(dev, "idVendor"))
		p.PID, _ = readAttr(filepath.Join(dev, "idProduct"))
		p.VID, p.PID = upperHex(p.VID), upperHex(p.PID)
		p.Manufacturer, _ = readAttr(filepath.Join(dev, "manufacturer"))
		p.Product, _ = readAttr(filepath.Join(dev, "product"))
		p.SerialNumber, _ = readAttr(filepath.Join(dev, "serial"))
		p.IEEE1284ID, _ = readAttr(filepath.Join(intf, "ieee1284_id"))
		if s, ok := readAttr(filepath.Join(intf, "bInterfaceProtocol")); ok {
			if n, err := strconv.ParseUint(s, 16, 8); err == nil {
				p.Protocol = int(n)
			}
		}
		if lps, err := os.ReadDir(filepath.Join(intf, "usbmisc")); err == nil {
			for _, lp := range lps {
				if strings.HasPrefix(lp.Name(), "lp") {
					p.Node = "/dev/usb/" + lp.Name()
					break
				}
			}
		}
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].SysPath < out[j].SysPath })
	return out, nil
}

// sysfsRoot returns the directory holding "sys"; the real one is only meaningful on Linux.
func sysfsRoot(sysRoot string) (string, error) {
	if sysRoot != "" {
		root, err := filepath.EvalSymlinks(sysRoot)
		if err != nil {
			return "", &Error{Op: "list", Link: sysRoot, Kind: ErrNotFound, Err: err}
		}
		return root, nil
	}
	if runtime.GOOS != "linux" {
		return "", &Error{Op: "list", Link: "sysfs", Kind: ErrUnsupported, Hint: "sysfs exists on Linux only"}
	}
	return "/", nil
}

// usbDeviceAbove returns the nearest directory at or above dev (within root/sys) that is
// a USB device (has idVendor).
func usbDeviceAbove(root, dev string) (string, bool) {
	top := filepath.Join(root, "sys")
	for d, i := dev, 0; i < 16 && strings.HasPrefix(d, top+string(filepath.Separator)); d, i = filepath.Dir(d), i+1 {
		if _, ok := readAttr(filepath.Join(d, "idVendor")); ok {
			return d, true
		}
	}
	return "", false
}

// sysPath turns a resolved path under root into the path it has on the running system.
func sysPath(root, p string) string {
	rel, err := filepath.Rel(root, p)
	if err != nil {
		return p
	}
	return "/" + filepath.ToSlash(rel)
}

// linkBase returns the last element of the symlink target at p ("" when p is no link).
func linkBase(p string) string {
	t, err := os.Readlink(p)
	if err != nil {
		return ""
	}
	return filepath.Base(t)
}

// readAttr reads a small sysfs attribute, trimmed; ok is false when it cannot be read or
// is empty.
func readAttr(p string) (string, bool) {
	f, err := os.Open(p)
	if err != nil {
		return "", false
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxAttr))
	if err != nil {
		return "", false
	}
	s := strings.TrimSpace(string(b))
	return s, s != ""
}
