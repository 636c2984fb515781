package service

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"net/http"
	"strconv"
	"time"

	"github.com/uapos/uapos/escpos"
	"github.com/uapos/uapos/simulators/vprinter"
)

// TestPageReply is the reply of POST /v1/printers/{name}/test-page.
type TestPageReply struct {
	Printed bool `json:"printed"`
	// Profile is the printer profile used, Model its model.
	Profile string `json:"profile"`
	Model   string `json:"model,omitempty"`
	// Charset is the code page the page was printed in and Slot its ESC t number (-1: none).
	Charset string `json:"charset"`
	Slot    int    `json:"slot"`
	// Inexact counts characters not printed as written (a code page without Ґ, Є, І, Ї).
	Inexact int `json:"inexact"`
}

// testPageDoc is the test page: which printer and profile, every Ukrainian letter, the
// hryvnia sign, two columns and a QR code.
func testPageDoc(printer, profile, model string, now time.Time) *escpos.Document {
	return &escpos.Document{Blocks: []escpos.Block{
		{Type: escpos.BlockText, Text: "uaposd: ТЕСТОВА СТОРІНКА", Align: "center", Bold: true},
		{Type: escpos.BlockText, Text: "Принтер " + printer + "\nПрофіль " + profile + "\n" + model, Align: "center"},
		{Type: escpos.BlockText, Text: now.Format("02.01.2006 15:04"), Align: "center"},
		{Type: escpos.BlockRule},
		{Type: escpos.BlockText, Text: "АБВГҐДЕЄЖЗИІЇЙКЛМНОПРСТУФХЦЧШЩЬЮЯ\nабвгґдеєжзиіїйклмнопрстуфхцчшщьюя\n' ₴ № « » — 0123456789"},
		{Type: escpos.BlockColumns, Left: "Кава лате", Right: "55,00"},
		{Type: escpos.BlockColumns, Left: "СУМА", Right: "55,00 грн", Bold: true},
		{Type: escpos.BlockRule},
		{Type: escpos.BlockQR, Data: "uapos test page", Align: "center"},
		{Type: escpos.BlockCut},
	}}
}

// testPage is POST /v1/printers/{name}/test-page: it prints the test page and says which
// profile and code page it used.
func (s *Service) testPage(w http.ResponseWriter, r *http.Request) {
	e, err := s.printer(r.PathValue("name"))
	if err != nil {
		writeError(w, err, nil)
		return
	}
	rep := TestPageReply{Profile: e.dev.Profile, Slot: -1}
	if prof, err := escpos.LoadProfile(e.dev.Profile); err == nil {
		rep.Model = prof.Vendor + " " + prof.Model
	}
	doc := testPageDoc(e.dev.Name, rep.Profile, rep.Model, time.Now())
	var er escpos.Report
	err = s.printJob(r.Context(), e, func(ctx context.Context, p Printer) error {
		var err error
		er, err = p.Print(ctx, doc)
		return err
	})
	s.mon.refreshSoon(e.dev.Name)
	if err != nil {
		s.writeDeviceError(w, r, err, nil)
		return
	}
	rep.Printed, rep.Charset, rep.Slot, rep.Inexact = true, string(er.Charset), er.Slot, len(er.Inexact)
	writeJSON(w, http.StatusOK, rep)
}

// previewCharsets maps the encoder's code pages to the virtual printer's tables.
var previewCharsets = map[escpos.Charset]vprinter.Charset{
	escpos.CP1251: vprinter.WPC1251, escpos.CP1125: vprinter.PC1125, escpos.CP855: vprinter.PC855, escpos.CP866: vprinter.PC866,
}

// maxPreviewHeight bounds a preview image, in dots (about 1.5 m of paper, 28 MB of pixels
// at 576 dots).
const maxPreviewHeight = 12000

// Preview renders doc as the printer with the named profile would print it: the document
// is encoded with the profile (its width, its code pages, its raster or native codes) and
// the bytes are decoded by the virtual printer's decoder into one PNG, pages one under
// another. A Star profile's code page command is shown as if it were Epson's ESC t (the
// virtual printer knows Epson's); the letters are the same.
func Preview(profile string, doc *escpos.Document) ([]byte, escpos.Report, error) {
	prof, err := escpos.LoadProfile(profile)
	if err != nil {
		return nil, escpos.Report{}, err
	}
	prof.StarCodePage = false
	data, rep, err := escpos.NewEncoder(prof).Encode(doc)
	if err != nil {
		return nil, rep, err
	}
	vp := vprinter.Profile{Name: prof.Name, Dots: prof.Dots, CodePages: map[byte]vprinter.Charset{}}
	for cs, slot := range prof.CodePages {
		if c, ok := previewCharsets[cs]; ok {
			vp.CodePages[slot] = c
		}
	}
	pages, _ := vprinter.Decode(vp, data)
	var imgs []*image.RGBA
	height, width := 0, prof.Dots
	const gap = 24 // between pages: where the cutter cut
	for _, p := range pages {
		if height += p.HeightDots() + gap; height > maxPreviewHeight {
			return nil, rep, badRequest("the preview would be taller than %d dots", maxPreviewHeight)
		}
		img := vprinter.RenderImage(p)
		imgs = append(imgs, img)
		width = max(width, img.Bounds().Dx())
	}
	height = 0
	for _, img := range imgs {
		height += img.Bounds().Dy() + gap
	}
	out := image.NewRGBA(image.Rect(0, 0, width, max(height-gap, 1)))
	draw.Draw(out, out.Bounds(), &image.Uniform{color.RGBA{0xd8, 0xd8, 0xd8, 0xff}}, image.Point{}, draw.Src)
	y := 0
	for _, img := range imgs {
		draw.Draw(out, img.Bounds().Add(image.Pt(0, y)), img, img.Bounds().Min, draw.Src)
		y += img.Bounds().Dy() + gap
	}
	var b bytes.Buffer
	if err := png.Encode(&b, out); err != nil {
		return nil, rep, fmt.Errorf("service: preview: %w", err)
	}
	return b.Bytes(), rep, nil
}

// preview is POST /v1/printers/{name}/preview: the document's PNG as the printer would
// print it, with its profile and code page in the headers X-Uapos-Profile, X-Uapos-Charset
// and X-Uapos-Inexact. Nothing is sent to the printer.
func (s *Service) preview(w http.ResponseWriter, r *http.Request) {
	e, doc, ok := s.printerDocument(w, r, DecodeDocument)
	if !ok {
		return
	}
	profile := e.dev.Profile
	if profile == "" {
		profile = DefaultPrinterProfile
	}
	img, rep, err := Preview(profile, doc)
	if err != nil {
		writeError(w, err, nil)
		return
	}
	w.Header().Set("X-Uapos-Profile", profile)
	w.Header().Set("X-Uapos-Charset", string(rep.Charset))
	w.Header().Set("X-Uapos-Inexact", strconv.Itoa(len(rep.Inexact)))
	writePNG(w, img)
}

func writePNG(w http.ResponseWriter, b []byte) {
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(b)
}

// ReceiptsReply is GET /v1/printers/{name}/receipts.
type ReceiptsReply struct {
	// Simulated is true for a simulated printer, whose pages are kept as images.
	Simulated bool `json:"simulated"`
	// Count is how many pages it keeps: GET .../receipts/0 is the oldest.
	Count int `json:"count"`
}

func (s *Service) listReceipts(w http.ResponseWriter, r *http.Request) {
	e, err := s.printer(r.PathValue("name"))
	if err != nil {
		writeError(w, err, nil)
		return
	}
	rep := ReceiptsReply{}
	if e.dev.Roll != nil {
		rep.Simulated, rep.Count = true, e.dev.Roll.Pages()
	}
	writeJSON(w, http.StatusOK, rep)
}

// receiptImage is GET /v1/printers/{name}/receipts/{index}: a simulated printer's page as PNG.
func (s *Service) receiptImage(w http.ResponseWriter, r *http.Request) {
	e, err := s.printer(r.PathValue("name"))
	if err != nil {
		writeError(w, err, nil)
		return
	}
	if e.dev.Roll == nil {
		writeError(w, &inputError{msg: fmt.Sprintf("printer %q is not simulated: its pages are on paper", e.dev.Name), status: http.StatusNotFound}, nil)
		return
	}
	i, err := strconv.Atoi(r.PathValue("index"))
	if err != nil || i < 0 || i >= e.dev.Roll.Pages() {
		writeError(w, &inputError{msg: fmt.Sprintf("no page %q: the printer keeps %d", trunc(r.PathValue("index"), 20), e.dev.Roll.Pages()), status: http.StatusNotFound}, nil)
		return
	}
	b, err := e.dev.Roll.PagePNG(i)
	if err != nil {
		writeError(w, err, nil)
		return
	}
	writePNG(w, b)
}
