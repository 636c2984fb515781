//go:build !windows

// The fake sysfs tree uses symlinks, which a Windows checkout may not keep.

package transport_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/uapos/uapos/transport"
)

// Expected values are written by hand from testdata/sysfs (see testdata/README.md).
func TestListSerialPortsSysfs(t *testing.T) {
	got, err := transport.ListSerialPortsSysfs("testdata/sysfs")
	if err != nil {
		t.Fatal(err)
	}
	want := []transport.PortInfo{
		{Name: "/dev/ttyACM0", IsUSB: true, VID: "11CA", PID: "0220", SerialNumber: "TERM-0001",
			Manufacturer: "VeriFone Inc", Product: "Vx805", Driver: "cdc_acm"},
		{Name: "/dev/ttyS0", Driver: "serial"},
		{Name: "/dev/ttyUSB0", IsUSB: true, VID: "1A86", PID: "7523", Product: "USB Serial", Driver: "ch341-uart"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("ListSerialPortsSysfs =\n%+v\nwant\n%+v", got, want)
	}
}

func TestListUSBPrinters(t *testing.T) {
	got, err := transport.ListUSBPrinters("testdata/sysfs")
	if err != nil {
		t.Fatal(err)
	}
	want := []transport.USBPrinter{
		{SysPath: "/sys/devices/pci0000-00/0000-00-14.0/usb1/1-3/1-3.if0", Node: "/dev/usb/lp0",
			VID: "04B8", PID: "0E28", Manufacturer: "EPSON", Product: "TM-T20III", SerialNumber: "X5E1000001",
			IEEE1284ID: "MFG:EPSON;CMD:ESC/POS;MDL:TM-T20III;CLS:PRINTER;", Protocol: 2},
		{SysPath: "/sys/devices/pci0000-00/0000-00-14.0/usb1/1-4/1-4.if0",
			VID: "0FE6", PID: "811E", Product: "Parallel Adapter", Protocol: 1},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("ListUSBPrinters =\n%+v\nwant\n%+v", got, want)
	}
}

func TestListEmptySysfs(t *testing.T) {
	dir := t.TempDir() // no sys/ at all: a kernel without USB, a container
	ports, err := transport.ListSerialPortsSysfs(dir)
	if err != nil || len(ports) != 0 {
		t.Errorf("serial ports of an empty tree = %v, %v", ports, err)
	}
	printers, err := transport.ListUSBPrinters(dir)
	if err != nil || len(printers) != 0 {
		t.Errorf("printers of an empty tree = %v, %v", printers, err)
	}
	if _, err := transport.ListUSBPrinters(dir + "/missing"); err == nil {
		t.Error("a missing sysRoot is not an error")
	}
}

// The real listing must work on any machine (it may find nothing).
func TestListSerialPortsHere(t *testing.T) {
	ports, err := transport.ListSerialPorts()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ports {
		if p.Name == "" {
			t.Errorf("port without a name: %+v", p)
		}
	}
	if _, err := transport.ListUSBPrinters(""); err != nil && !errors.Is(err, transport.ErrUnsupported) {
		t.Fatal(err)
	}
}
