package transport

import (
	"sort"
	"strings"
)

// PortInfo describes one serial port found by [ListSerialPorts]. Its JSON keys are snake_case.
type PortInfo struct {
	Name         string `json:"name"`                    // what Open takes after serial://: /dev/ttyUSB0, COM3
	IsUSB        bool   `json:"is_usb"`                  // a USB serial bridge or CDC-ACM device
	VID          string `json:"vid,omitempty"`           // USB vendor id, upper-case hex ("04B8"); empty when not USB
	PID          string `json:"pid,omitempty"`           // USB product id, upper-case hex; empty when not USB
	SerialNumber string `json:"serial_number,omitempty"` // USB serial number string; may be empty
	Manufacturer string `json:"manufacturer,omitempty"`  // USB manufacturer string; may be empty
	Product      string `json:"product,omitempty"`       // USB product string; may be empty
	Driver       string `json:"driver,omitempty"`        // kernel driver bound to the port (Linux: ch341-uart, cdc_acm, serial); may be empty
}

// USBPrinter describes one USB printer-class (class 07) interface found by [ListUSBPrinters].
// Its JSON keys are snake_case.
type USBPrinter struct {
	SysPath      string `json:"sys_path"`                // sysfs path of the interface: /sys/devices/.../1-3:1.0
	Node         string `json:"node,omitempty"`          // usblp node to Open as usblp://Node ("/dev/usb/lp0"); empty when usblp is not bound
	VID          string `json:"vid"`                     // USB vendor id, upper-case hex
	PID          string `json:"pid"`                     // USB product id, upper-case hex
	Manufacturer string `json:"manufacturer,omitempty"`  // USB manufacturer string; may be empty
	Product      string `json:"product,omitempty"`       // USB product string; may be empty
	SerialNumber string `json:"serial_number,omitempty"` // USB serial number string; may be empty
	IEEE1284ID   string `json:"ieee1284_id,omitempty"`   // device id string from usblp ("MFG:EPSON;CMD:ESC/POS;MDL:...;"); may be empty
	Protocol     int    `json:"protocol"`                // bInterfaceProtocol: 1 unidirectional, 2 bidirectional, 3 IEEE 1284.4
}

func sortPorts(ps []PortInfo) {
	sort.Slice(ps, func(i, j int) bool { return ps[i].Name < ps[j].Name })
}

func upperHex(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }
