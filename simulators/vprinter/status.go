package vprinter

// PaperState is the roll paper sensor state.
type PaperState uint8

// Paper states.
const (
	PaperOK PaperState = iota
	PaperNearEnd
	PaperOut
)

// String returns "ok", "near-end" or "out".
func (p PaperState) String() string {
	switch p {
	case PaperNearEnd:
		return "near-end"
	case PaperOut:
		return "out"
	}
	return "ok"
}

// State is what the status replies are computed from.
type State struct {
	Paper      PaperState
	CoverOpen  bool
	Offline    bool // set by Config.Offline or SetOffline (independent of cover and paper)
	DrawerOpen bool
	// DrawerOpenLow inverts the drawer pin 3 polarity: open reads LOW (bit clear). By
	// default open reads HIGH (escpos.md §1.8 "Drawer polarity": it differs per drawer).
	DrawerOpenLow bool
}

// IsOffline reports whether the printer is offline: the offline switch, an open cover or
// paper end (escpos.md §1.8: "When paper runs out, Epson printers go offline").
func (s State) IsOffline() bool { return s.Offline || s.CoverOpen || s.Paper == PaperOut }

func (s State) pin3High() bool { return s.DrawerOpen != s.DrawerOpenLow }

// DLEEOT returns the one-byte reply to DLE EOT n (n 1-4) per the bit tables of
// escpos.md §1.8; ok is false for other n (not answered). Every reply has the fixed
// pattern 0xx1xx10.
func (s State) DLEEOT(n byte) (reply byte, ok bool) {
	r := byte(0x12)
	switch n {
	case 1: // printer: bit2 drawer pin 3 HIGH, bit3 offline
		if s.pin3High() {
			r |= 0x04
		}
		if s.IsOffline() {
			r |= 0x08
		}
	case 2: // offline cause: bit2 cover open, bit5 stopped by paper end
		if s.CoverOpen {
			r |= 0x04
		}
		if s.Paper == PaperOut {
			r |= 0x20
		}
	case 3: // error cause: no error is simulated
	case 4: // roll paper: bits 2+3 near-end, bits 5+6 paper end
		switch s.Paper {
		case PaperNearEnd:
			r |= 0x0C
		case PaperOut:
			r |= 0x60
		}
	default:
		return 0, false
	}
	return r, true
}

// ASB returns the 4 Automatic Status Back bytes (escpos.md §1.8 GS a): byte 1 0xx1xx00 with
// b2 drawer pin 3, b3 offline, b5 cover open; byte 2 errors (none simulated); byte 3 b0+b1
// near-end, b2+b3 roll end; byte 4 reserved.
func (s State) ASB() [4]byte {
	b := [4]byte{0x10, 0, 0, 0}
	if s.pin3High() {
		b[0] |= 0x04
	}
	if s.IsOffline() {
		b[0] |= 0x08
	}
	if s.CoverOpen {
		b[0] |= 0x20
	}
	switch s.Paper {
	case PaperNearEnd:
		b[2] |= 0x03
	case PaperOut:
		b[2] |= 0x0C
	}
	return b
}
