package main

import "strings"

// deviceKind says what a known USB id usually is.
type deviceKind int

const (
	kindUnknown deviceKind = iota
	kindPrinter
	kindBridge   // USB-serial bridge: a printer or terminal behind an RS-232 adapter
	kindTerminal // payment terminal vendor
	kindCDC      // generic USB-CDC serial (printers and terminals use it)
)

// String names the kind for the scan table.
func (k deviceKind) String() string {
	switch k {
	case kindPrinter:
		return "receipt printer"
	case kindBridge:
		return "USB-serial bridge"
	case kindTerminal:
		return "payment terminal"
	case kindCDC:
		return "USB-CDC serial"
	}
	return "unknown"
}

// knownDevice is one row of the label table. PID "" matches any product of the vendor.
type knownDevice struct {
	vid, pid string
	kind     deviceKind
	label    string
}

// knownDevices is the VID:PID table of protocols/transports.md §2.6 (usb.ids 2025.07.26 and the
// public code cited there). Ids are upper case.
var knownDevices = []knownDevice{
	{"04B8", "0202", kindPrinter, "Epson UB-U05 interface (TM-T70/TM-T88IV)"},
	{"04B8", "0E03", kindPrinter, "Epson TM-T20"},
	{"04B8", "0E31", kindPrinter, "Epson TM-L100"},
	{"04B8", "0E28", kindPrinter, "Epson receipt printer"},
	{"0416", "5011", kindCDC, "Winbond Virtual Com Port (POS-5890 and other printers)"},
	{"0FE6", "811E", kindPrinter, "ICS Advent parallel adapter (Xprinter XP-T80A, GOOJPRT PT-210)"},
	{"1FC9", "2016", kindPrinter, "NXP USB printer (UNIKA UK56007, 3nStar RPT004, XP-365B)"},
	{"28E9", "0289", kindPrinter, "GD32 micro-printer (EM5820, PT-210/280)"},
	{"0483", "5720", kindPrinter, "STMicro id reused by 58/80 mm printers"},
	{"20D1", "7008", kindPrinter, "white-label printer (unverified id)"},
	{"1504", "001F", kindPrinter, "Bixolon SRP-350II"},
	{"0519", "0003", kindPrinter, "Star TSP100ECO/TSP100II (Star command set, not ESC/POS)"},
	{"0519", "0001", kindPrinter, "Star TSP650II (Star command set, not ESC/POS)"},
	{"1D90", "20F0", kindPrinter, "Citizen CT-E351"},
	{"0DD4", "0237", kindPrinter, "Custom K80"},
	{"154F", "", kindPrinter, "SNBC printer"},
	{"2D37", "", kindPrinter, "Zhuhai Poskey printer"},
	{"2D84", "", kindPrinter, "Zhuhai Poskey printer"},
	{"1A86", "7523", kindBridge, "CH340 USB-serial bridge"},
	{"067B", "2303", kindBridge, "PL2303 USB-serial bridge"},
	{"0403", "6001", kindBridge, "FTDI FT232 USB-serial bridge"},
	{"10C4", "EA60", kindBridge, "CP210x USB-serial bridge"},
	{"0B00", "", kindTerminal, "Ingenico terminal"},
	{"11CA", "0207", kindTerminal, "VeriFone VX 810"},
	{"11CA", "0220", kindTerminal, "VeriFone VX 805"},
	{"11CA", "", kindTerminal, "VeriFone terminal"},
	{"0F14", "", kindTerminal, "VeriFone terminal"},
	{"079B", "", kindTerminal, "Sagem terminal"},
	{"0780", "", kindTerminal, "Sagem terminal"},
	{"0CA6", "", kindTerminal, "Castles terminal"},
	{"1EAB", "", kindTerminal, "Newland terminal"},
}

// lookupDevice returns the row for vid:pid (any case), preferring an exact product match over
// a vendor-only row.
func lookupDevice(vid, pid string) (knownDevice, bool) {
	vid, pid = strings.ToUpper(vid), strings.ToUpper(pid)
	if vid == "" {
		return knownDevice{}, false
	}
	var vendorOnly *knownDevice
	for i, d := range knownDevices {
		if d.vid != vid {
			continue
		}
		if d.pid == pid {
			return d, true
		}
		if d.pid == "" && vendorOnly == nil {
			vendorOnly = &knownDevices[i]
		}
	}
	if vendorOnly != nil {
		return *vendorOnly, true
	}
	return knownDevice{}, false
}
