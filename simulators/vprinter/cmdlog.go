package vprinter

import (
	"fmt"
)

// Command is one command as the decoder took it, kept on the page it printed on.
type Command struct {
	// Offset is the position of its first byte in the received stream.
	Offset int64
	// Name is the command ("ESC @", "GS ( k fn 180", "LF", "control 07") or "text" for a run
	// of printable bytes; a command skipped by its declared length ends in " (skipped)".
	Name string
	// Len is its length in bytes.
	Len int
	// Bytes are its first bytes (at most 32).
	Bytes []byte
	// Text is what a "text" run printed, as decoded.
	Text string
}

// Bounds of the command log of a page: further commands are counted in
// Page.CommandsDropped, further text of a run is not kept.
const (
	maxPageCommands = 4096
	maxCommandText  = 4096
	maxCommandBytes = 32
)

// record logs the command of n bytes at the start of b (n < 0: a command of -n bytes
// skipped by its declared length) on page pg, the page that was being printed when it
// started. d.off is still its offset.
func (d *Decoder) record(pg *Page, b []byte, n int) {
	size := n
	if n < 0 {
		size = -n
	}
	if b[0] >= 0x20 { // printable: extend the page's text run
		if k := len(pg.Commands); k > 0 {
			last := &pg.Commands[k-1]
			if last.Name == "text" && last.Offset+int64(last.Len) == d.off {
				last.Len += size
				if k := maxCommandBytes - len(last.Bytes); k > 0 {
					last.Bytes = append(last.Bytes, b[:min(size, k, len(b))]...)
				}
				if len(last.Text)+len(d.runText) <= maxCommandText {
					last.Text += string(d.runText)
				}
				return
			}
		}
	}
	if len(pg.Commands) >= maxPageCommands {
		pg.CommandsDropped++
		return
	}
	c := Command{Offset: d.off, Len: size, Bytes: append([]byte(nil), b[:min(len(b), size, maxCommandBytes)]...)}
	switch {
	case b[0] >= 0x20:
		c.Name, c.Text = "text", string(d.runText)
	case n < 0:
		c.Name = commandName(b) + " (skipped)"
	default:
		c.Name = commandName(b[:n])
	}
	pg.Commands = append(pg.Commands, c)
}

// commandName names the command at the start of b for the log.
func commandName(b []byte) string {
	switch b[0] {
	case 0x0A:
		return "LF"
	case 0x0D:
		return "CR"
	case 0x1B:
		if len(b) > 1 {
			return name("ESC", b[1])
		}
	case 0x1C:
		if len(b) > 1 {
			return name("FS", b[1])
		}
	case 0x10:
		if len(b) > 1 {
			switch b[1] {
			case 0x04:
				return "DLE EOT"
			case 0x14:
				return "DLE DC4"
			}
			return name("DLE", b[1])
		}
	case 0x1D:
		switch {
		case len(b) > 6 && b[1] == '(' && (b[2] == 'k' || b[2] == 'L'): // GS ( k|L pL pH cn|m fn
			fn := int(b[6])
			if b[2] == 'k' && b[5] == 0x31 {
				fn += 100 // QR functions are numbered 165-182 for fn bytes 0x41-0x52 (escpos.md §1.5)
			}
			return fmt.Sprintf("GS ( %c fn %d", b[2], fn)
		case len(b) > 8 && b[1] == '8' && b[2] == 'L': // GS 8 L p1 p2 p3 p4 m fn
			return fmt.Sprintf("GS 8 L fn %d", b[8])
		case len(b) > 2 && b[1] == '(':
			return "GS ( " + string(rune(b[2]))
		case len(b) > 1:
			return name("GS", b[1])
		}
	}
	return fmt.Sprintf("control %02X", b[0])
}
