package escpos

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"sort"
)

//go:embed profiles.json
var profilesJSON []byte

// Profile describes what one printer model can do: capabilities as data, not code branches
// (style rule 14). Profiles ship as embedded JSON (profiles.json); [LoadProfile] parses a
// fresh copy every time, so callers may change the result freely.
type Profile struct {
	Name   string `json:"name"`   // key for LoadProfile, e.g. "epson-tm-t20"
	Vendor string `json:"vendor"` // "Epson", "Xprinter", …
	Model  string `json:"model"`  // human model name
	// Source names where the profile's facts come from: the escpos-printer-db profile file(s)
	// (receipt-print-hq/escpos-printer-db data/profile/*.yml) or, for a model the DB lacks,
	// "not in DB: " and the other source. Every built-in profile has one.
	Source string `json:"source,omitempty"`
	// Notes says which facts came from where, and which source the profile follows where two
	// disagree, and why.
	Notes string `json:"notes,omitempty"`
	Dots  int    `json:"dots"`             // printable dots per line: 384 (58 mm), 512 or 576 (80 mm)
	FontA int    `json:"font_a"`           // columns per line in font A
	FontB int    `json:"font_b,omitempty"` // columns per line in font B (0 = unknown)

	// CodePages maps a charset to the ESC t slot number holding it on this model. Where the
	// DB lists one charset at several slots, the built-in profiles take the lowest.
	CodePages map[Charset]byte `json:"code_pages"`
	// Provisional lists the charsets of CodePages whose slot no DB profile confirms: read
	// them from the printer's self-test page and override with [Profile.WithCodePage].
	Provisional []Charset `json:"provisional,omitempty"`
	// StarCodePage selects the table with ESC GS t n (1B 1D 74 n) instead of ESC t n: the
	// DB's starCommands, Star printers numbering their tables their own way (escpos.md §1.2).
	StarCodePage bool `json:"star_code_page,omitempty"`
	// CancelKanji sends FS . after every ESC @ (Chinese clones boot in GBK mode).
	CancelKanji bool `json:"cancel_kanji,omitempty"`

	NativeQR      bool `json:"native_qr,omitempty"`      // GS ( k QR; otherwise rendered as raster
	QRMaxModule   int  `json:"qr_max_module,omitempty"`  // largest GS ( k module size (0 = 16)
	NativeBarcode bool `json:"native_barcode,omitempty"` // GS k function B (EAN-13, CODE128); otherwise raster
	// Image is the raster command for images: "raster" (GS v 0, default) or "column" (ESC *).
	Image string `json:"image,omitempty"`
	// BandRows is the number of rows per GS v 0 band (0 = 256), so the printer buffer never
	// overflows (escpos.md §1.3).
	BandRows int `json:"band_rows,omitempty"`
	// RealTimeGuard wraps image data in GS ( D disable/enable of DLE DC4 (escpos.md §1.3).
	RealTimeGuard bool `json:"realtime_guard,omitempty"`
	// NVGraphics means GS ( L fn 67/69 NV graphics (logos stored in flash).
	NVGraphics bool `json:"nv_graphics,omitempty"`
	// Position means ESC $ absolute positioning in dots is used for two-column lines instead
	// of space padding.
	Position bool `json:"position,omitempty"`
	// Cutter is "full", "partial" or "" (none: the encoder only feeds).
	Cutter string `json:"cutter,omitempty"`
	// CutFeed is the n of GS V 66 n (feed to the cutter, then cut); 0 = GS V 1 / GS V 0.
	CutFeed int `json:"cut_feed,omitempty"`
	// DrawerPins lists the kick-out connector pins known to be wired on this model (2, 5);
	// empty = not known (the DB does not say).
	DrawerPins []int `json:"drawer_pins,omitempty"`
}

// Slot returns the ESC t slot of charset c and whether the profile has it.
func (p Profile) Slot(c Charset) (byte, bool) {
	s, ok := p.CodePages[c]
	return s, ok
}

// WithCodePage returns a copy of p with charset c in slot n, for users who read the slot
// from their printer's self-test page.
func (p Profile) WithCodePage(c Charset, n byte) Profile {
	m := make(map[Charset]byte, len(p.CodePages)+1)
	for k, v := range p.CodePages {
		m[k] = v
	}
	m[c] = n
	p.CodePages = m
	// The user read the slot from the printer: it is no longer provisional.
	var prov []Charset
	for _, x := range p.Provisional {
		if x != c {
			prov = append(prov, x)
		}
	}
	p.Provisional = prov
	return p
}

// IsProvisional reports whether the slot of charset c is not confirmed by a DB profile
// (see [Profile.Provisional]).
func (p Profile) IsProvisional(c Charset) bool {
	for _, x := range p.Provisional {
		if x == c {
			return true
		}
	}
	return false
}

// Columns returns the characters per line in font f.
func (p Profile) Columns(f Font) int {
	if f == FontB && p.FontB > 0 {
		return p.FontB
	}
	if p.FontA > 0 {
		return p.FontA
	}
	return p.Dots / 12
}

// Validate checks the profile fields.
func (p Profile) Validate() error {
	if p.Dots < 8 || p.Dots > 4096 {
		return fmt.Errorf("escpos: profile %q: dots %d out of range", p.Name, p.Dots)
	}
	for c := range p.CodePages {
		if !c.Known() {
			return fmt.Errorf("escpos: profile %q: unknown charset %q", p.Name, c)
		}
	}
	for _, c := range p.Provisional {
		if _, ok := p.CodePages[c]; !ok {
			return fmt.Errorf("escpos: profile %q: provisional charset %q has no slot", p.Name, c)
		}
	}
	switch p.Image {
	case "", "raster", "column":
	default:
		return fmt.Errorf("escpos: profile %q: unknown image mode %q", p.Name, p.Image)
	}
	switch p.Cutter {
	case "", "full", "partial":
	default:
		return fmt.Errorf("escpos: profile %q: unknown cutter %q", p.Name, p.Cutter)
	}
	return nil
}

func loadAll() (map[string]Profile, error) {
	var list []Profile
	if err := json.Unmarshal(profilesJSON, &list); err != nil {
		return nil, fmt.Errorf("escpos: embedded profiles: %w", err)
	}
	m := make(map[string]Profile, len(list))
	for _, p := range list {
		if err := p.Validate(); err != nil {
			return nil, err
		}
		m[p.Name] = p
	}
	return m, nil
}

// LoadProfile returns the built-in profile with the given name (see [Profiles]).
func LoadProfile(name string) (Profile, error) {
	m, err := loadAll()
	if err != nil {
		return Profile{}, err
	}
	p, ok := m[name]
	if !ok {
		return Profile{}, fmt.Errorf("%w: %q", ErrUnknownProfile, name)
	}
	return p, nil
}

// Profiles returns the names of the built-in profiles, sorted.
func Profiles() []string {
	m, err := loadAll()
	if err != nil {
		return nil
	}
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// ParseProfile decodes a user-supplied profile in the same JSON format as the built-ins.
func ParseProfile(data []byte) (Profile, error) {
	var p Profile
	if err := json.Unmarshal(data, &p); err != nil {
		return Profile{}, fmt.Errorf("escpos: profile: %w", err)
	}
	return p, p.Validate()
}
