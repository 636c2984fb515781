package transport

import (
	"sort"
	"strings"
)

// PortInfo describes one serial port found by [ListSerialPorts].
type PortInfo struct {
	Name         string // what Open takes after serial://: /dev/ttyUSB0, COM3
	IsUSB        bool   // a USB serial bridge or CDC-ACM device
	VID, PID     string // USB ids, upper-case hex ("04B8"); empty when not USB
	SerialNumber string // USB serial number string; may be empty
	Manufacturer string // USB manufacturer string; may be empty
	Product      string // USB product string; may be empty
	Driver       string // kernel driver bound to the port (Linux: ch341-uart, cdc_acm, serial); may be empty
}

// USBPrinter describes one USB printer-class (class 07) interface found by [ListUSBPrinters].
type USBPrinter struct {
	SysPath      string // sysfs path of the interface: /sys/devices/.../1-3:1.0
	Node         string // usblp node to Open as usblp://Node ("/dev/usb/lp0"); empty when usblp is not bound
	VID, PID     string // upper-case hex
	Manufacturer string
	Product      string
	SerialNumber string
	IEEE1284ID   string // device id string from usblp ("MFG:EPSON;CMD:ESC/POS;MDL:...;"); may be empty
	Protocol     int    // bInterfaceProtocol: 1 unidirectional, 2 bidirectional, 3 IEEE 1284.4
}

func sortPorts(ps []PortInfo) {
	sort.Slice(ps, func(i, j int) bool { return ps[i].Name < ps[j].Name })
}

func upperHex(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }
