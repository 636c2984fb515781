package vprinter

import (
	"fmt"
	"sort"
)

// Profile describes one printer family: its printable width and how it numbers its code pages.
// Profiles are data (a table in this file), taken from protocols/escpos.md §1.2 and §4.
type Profile struct {
	// Name is the key used in Config.Profile ("epson", "xprinter", "pos5890", "bixolon").
	Name string
	// Description names the models the numbering was documented for.
	Description string
	// Dots is the printable width in dots (384 for 58 mm, 512 or 576 for 80 mm).
	Dots int
	// KanjiAtStart is true for clones that power on (and return after ESC @) in the
	// Chinese/Kanji mode, where bytes >= 0x80 print as GBK ideographs until FS . is sent
	// (escpos.md §0.2, §1.2 pitfalls).
	KanjiAtStart bool
	// CodePages maps an ESC t n value to its character table.
	CodePages map[byte]Charset
}

// Charset returns the table ESC t n selects on this profile, or CharsetUnknown.
func (p Profile) Charset(n byte) Charset {
	if c, ok := p.CodePages[n]; ok {
		return c
	}
	return CharsetUnknown
}

// epsonPages is the Epson numbering of escpos.md §1.2 restricted to the tables the decoder
// has (x/text charmap plus its own CP1125).
var epsonPages = map[byte]Charset{
	0: PC437, 2: PC850, 3: PC860, 4: PC863, 5: PC865, 16: WPC1252, 17: PC866, 18: PC852,
	19: PC858, 34: PC855, 36: PC862, 39: ISO8859_2, 40: ISO8859_15, 44: PC1125, 45: WPC1250,
	46: WPC1251, 47: WPC1253, 48: WPC1254, 49: WPC1255, 50: WPC1256, 51: WPC1257, 52: WPC1258,
}

// profiles is the profile table. Dot widths of the clone and Bixolon rows are provisional:
// escpos.md gives 384 for 58 mm and 512/576 for 80 mm but not per model.
var profiles = map[string]Profile{
	"epson": {
		Name:        "epson",
		Description: "Epson TM-T20II/III, TM-T70II, TM-L90, TM-m30III, 80 mm (Epson numbering)",
		Dots:        576, CodePages: epsonPages,
	},
	"xprinter": {
		Name:        "xprinter",
		Description: "Xprinter 80 mm clone (ReceiptPrinterEncoder xprinter numbering)",
		Dots:        576, KanjiAtStart: true,
		CodePages: map[byte]Charset{17: PC866, 23: WPC1251},
	},
	"pos5890": {
		Name:        "pos5890",
		Description: "Zjiang POS-5890 58 mm clone (escpos-printer-db numbering)",
		Dots:        384, KanjiAtStart: true,
		CodePages: map[byte]Charset{17: PC866, 59: PC866, 60: PC855, 23: WPC1251, 73: WPC1251},
	},
	"bixolon": {
		Name:        "bixolon",
		Description: "Bixolon 80 mm (ReceiptPrinterEncoder bixolon numbering)",
		Dots:        512,
		CodePages:   map[byte]Charset{17: PC866, 28: WPC1251},
	},
}

// DefaultProfile is the profile used when Config.Profile is empty.
const DefaultProfile = "epson"

// LookupProfile returns the named profile ("" = DefaultProfile).
func LookupProfile(name string) (Profile, error) {
	if name == "" {
		name = DefaultProfile
	}
	p, ok := profiles[name]
	if !ok {
		return Profile{}, fmt.Errorf("vprinter: unknown profile %q", name)
	}
	return p, nil
}

// ProfileNames lists the known profile names, sorted.
func ProfileNames() []string {
	names := make([]string, 0, len(profiles))
	for n := range profiles {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
