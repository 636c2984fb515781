package escpos

import (
	"fmt"
	"strings"
)

// ProfilesMarkdown renders the built-in profile table as a Markdown table, one row per
// profile in [Profiles] order: name | model | code pages (charset=ESC t slot, provisional
// slots marked) | columns (font A / font B) | native QR | source. docs/profiles.md holds
// its output; a test keeps the two equal.
func ProfilesMarkdown() (string, error) {
	m, err := loadAll()
	if err != nil {
		return "", err
	}
	var sb strings.Builder
	sb.WriteString("| name | model | code pages | columns | native QR | source |\n")
	sb.WriteString("|---|---|---|---|---|---|\n")
	for _, n := range Profiles() {
		p := m[n]
		cols := fmt.Sprint(p.Columns(FontA))
		if p.FontB > 0 {
			cols += " / " + fmt.Sprint(p.FontB)
		}
		qr := "no (raster)"
		if p.NativeQR {
			qr = "yes (GS ( k)"
		}
		fmt.Fprintf(&sb, "| %s | %s | %s | %s | %s | %s |\n", mdCell(p.Name), mdCell(p.Vendor+" "+p.Model),
			mdCell(codePageList(p)), cols, qr, mdCell(p.Source))
	}
	return sb.String(), nil
}

// codePageList lists the profile's slots in the encoder's order of preference.
func codePageList(p Profile) string {
	var parts []string
	for _, c := range charsetPreference {
		s, ok := p.Slot(c)
		if !ok {
			continue
		}
		e := fmt.Sprintf("%s=%d", c, s)
		if p.IsProvisional(c) {
			e += " (provisional)"
		}
		parts = append(parts, e)
	}
	out := strings.Join(parts, ", ")
	if p.StarCodePage {
		out += "; ESC GS t"
	}
	return out
}

func mdCell(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.ReplaceAll(s, "\n", " ")
}
