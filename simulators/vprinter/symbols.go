package vprinter

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/boombuler/barcode"
	"github.com/boombuler/barcode/codabar"
	"github.com/boombuler/barcode/code128"
	"github.com/boombuler/barcode/code39"
	"github.com/boombuler/barcode/code93"
	"github.com/boombuler/barcode/ean"
	"github.com/boombuler/barcode/qr"
	"github.com/boombuler/barcode/twooffive"
)

// maxQRData is the largest QR payload Epson/Citizen accept (escpos.md §1.5: k <= 7089).
const maxQRData = 7089

// symbologies of GS k function A (m 0-6) and B (m 65-78), escpos.md §1.4.
var symbologies = map[byte]string{
	0: "UPC-A", 1: "UPC-E", 2: "EAN13", 3: "EAN8", 4: "CODE39", 5: "ITF", 6: "CODABAR",
	65: "UPC-A", 66: "UPC-E", 67: "EAN13", 68: "EAN8", 69: "CODE39", 70: "ITF", 71: "CODABAR",
	72: "CODE93", 73: "CODE128", 74: "GS1-128", 75: "GS1 DataBar", 76: "GS1 DataBar",
	77: "GS1 DataBar", 78: "GS1 DataBar",
}

// barcode handles GS k (§1.4).
func (d *Decoder) barcode(b []byte) int {
	if !need(b, 3) {
		return 0
	}
	m := b[2]
	var data []byte
	total := 0
	switch {
	case m <= 6: // function A: data up to NUL
		end := bytes.IndexByte(b[3:min(len(b), 3+256)], 0)
		if end < 0 {
			if len(b) >= 3+256 {
				d.report("GS k", "function A without NUL in 255 bytes: header skipped")
				return 3
			}
			return 0
		}
		data, total = b[3:3+end], 3+end+1
	case m >= 65 && m <= 78: // function B: length byte
		if !need(b, 4) {
			return 0
		}
		total = 4 + int(b[3])
		if !need(b, total) {
			return 0
		}
		data = b[4:total]
	default:
		d.report("GS k", fmt.Sprintf("m=%d not documented: header skipped", m))
		return 3
	}
	bc := &Barcode{
		M: m, Symbology: symbologies[m], Data: append([]byte(nil), data...),
		Module: d.st.bcModule, Height: d.st.bcHeight, HRI: d.st.bcHRI, HRIFontB: d.st.bcHRIFontB,
	}
	bc.Text = string(data)
	if m == 73 || m == 74 {
		txt, err := code128Text(data)
		if err != nil {
			d.report("GS k CODE128", err.Error())
		}
		bc.Text = txt
	}
	d.flushForBlock("GS k")
	img, err := drawBarcode(bc)
	if err != nil {
		d.report("GS k "+bc.Symbology, "not drawn: "+err.Error())
	}
	h := bc.Height
	if img != nil {
		h = img.H
		if img.W > d.prof.Dots {
			d.report("GS k "+bc.Symbology, "wider than the paper: clipped")
		}
	}
	h += hriLines(bc.HRI) * hriHeight(bc.HRIFontB)
	d.addLine(Line{Kind: LineBarcode, Align: d.st.align, Height: h, Image: img, Barcode: bc})
	return total
}

func hriLines(pos byte) int {
	switch pos {
	case 1, 2:
		return 1
	case 3:
		return 2
	}
	return 0
}

func hriHeight(fontB bool) int {
	if fontB {
		return 17
	}
	return 24
}

// code128Text resolves the code-set selectors of GS k m=73 data (§1.4 CODE128 row):
// {A {B {C select a set, {S shifts, {1-{4 are FNC1-4 (dropped from the text), {{ is "{".
// In set C each byte is one pair of digits 00-99.
func code128Text(data []byte) (string, error) {
	var sb strings.Builder
	set := byte(0)
	var err error
	if len(data) < 2 || data[0] != '{' || data[1] < 'A' || data[1] > 'C' {
		err = fmt.Errorf("data does not start with {A, {B or {C")
	}
	for i := 0; i < len(data); i++ {
		c := data[i]
		if c == '{' && i+1 < len(data) {
			i++
			switch n := data[i]; n {
			case 'A', 'B', 'C':
				set = n
			case '{':
				sb.WriteByte('{')
			case 'S', '1', '2', '3', '4':
			default:
				sb.WriteByte('{')
				sb.WriteByte(n)
			}
			continue
		}
		if set == 'C' {
			if c > 99 {
				err = fmt.Errorf("set C byte %d over 99", c)
				continue
			}
			fmt.Fprintf(&sb, "%02d", c)
			continue
		}
		sb.WriteByte(c)
	}
	return sb.String(), err
}

func drawBarcode(bc *Barcode) (*Bitmap, error) {
	var (
		code barcode.Barcode
		err  error
	)
	txt := bc.Text
	switch bc.Symbology {
	case "UPC-A": // UPC-A is EAN-13 with a leading 0
		code, err = ean.Encode("0" + txt)
	case "EAN13", "EAN8":
		code, err = ean.Encode(txt)
	case "CODE39":
		code, err = code39.Encode(txt, false, false)
	case "ITF":
		code, err = twooffive.Encode(txt, true)
	case "CODABAR":
		code, err = codabar.Encode(txt)
	case "CODE93":
		code, err = code93.Encode(txt, true, false)
	case "CODE128", "GS1-128":
		code, err = code128.Encode(txt)
	default:
		return nil, fmt.Errorf("no drawer for %s", bc.Symbology)
	}
	if err != nil {
		return nil, err
	}
	w := code.Bounds().Dx()
	mod := max(bc.Module, 1)
	bmp := newBitmap(w*mod, bc.Height)
	for x := 0; x < w; x++ {
		r, _, _, _ := code.At(code.Bounds().Min.X+x, code.Bounds().Min.Y).RGBA()
		if r != 0 {
			continue
		}
		for dx := 0; dx < mod; dx++ {
			for y := 0; y < bc.Height; y++ {
				bmp.set(x*mod+dx, y)
			}
		}
	}
	return bmp, nil
}

var eccNames = map[byte]byte{0x30: 'L', 0x31: 'M', 0x32: 'Q', 0x33: 'H'}

// symbolCmd handles GS ( k (§1.5). Only cn = 49 (QR) is handled.
func (d *Decoder) symbolCmd(p []byte) {
	if len(p) < 2 {
		d.report("GS ( k", "too short")
		return
	}
	if p[0] != 0x31 {
		d.report(fmt.Sprintf("GS ( k cn %d", p[0]), "not QR: skipped by its length")
		return
	}
	fn := p[1]
	arg := byte(0)
	if len(p) >= 3 {
		arg = p[2]
	} else if fn != 0x50 {
		d.report(fmt.Sprintf("GS ( k fn %d", fn), "too short")
		return
	}
	switch fn {
	case 0x41: // 165 model
		d.st.qrModel = arg
	case 0x43: // 167 module size
		if arg < 1 || arg > 16 {
			d.report("GS ( k fn 167", fmt.Sprintf("module %d outside 1-16: ignored", arg))
			return
		}
		d.st.qrModule = int(arg)
	case 0x45: // 169 error correction
		if _, ok := eccNames[arg]; !ok {
			d.report("GS ( k fn 169", fmt.Sprintf("level %02X not documented: ignored", arg))
			return
		}
		d.st.qrECC = arg
	case 0x50: // 180 store: 31 50 30 d...
		data := p[min(3, len(p)):]
		if len(data) > maxQRData {
			d.report("GS ( k fn 180", "payload over 7089 bytes")
		}
		d.st.qrData = append(d.st.qrData[:0:0], data...)
	case 0x51: // 181 print
		d.printQR()
	case 0x52: // 182 transmit size: 37 36 H 1F V 1F 31 1F 30|31 00
		size, ok := 0, false
		if code, err := d.encodeQR(); err == nil {
			size, ok = code.Bounds().Dx()*d.st.qrModule, true
		}
		r := []byte{0x37, 0x36}
		r = strconv.AppendInt(r, int64(size), 10)
		r = append(r, 0x1F)
		r = strconv.AppendInt(r, int64(size), 10)
		r = append(r, 0x1F, 0x31, 0x1F)
		if ok {
			r = append(r, 0x30, 0x00)
		} else {
			r = append(r, 0x31, 0x00)
		}
		d.emit(Event{Kind: EventReply, Data: r})
	default:
		d.report(fmt.Sprintf("GS ( k fn %d", fn), "not handled: skipped by its length")
	}
}

// encodeQR encodes the stored data; the last result is cached (encoding is the costly part).
func (d *Decoder) encodeQR() (barcode.Barcode, error) {
	if len(d.st.qrData) == 0 {
		return nil, fmt.Errorf("no data stored")
	}
	key := string(d.st.qrECC) + string(d.st.qrData)
	if d.qrKey == key {
		return d.qrCode, d.qrErr
	}
	lvl := map[byte]qr.ErrorCorrectionLevel{0x30: qr.L, 0x31: qr.M, 0x32: qr.Q, 0x33: qr.H}[d.st.qrECC]
	d.qrKey = key
	d.qrCode, d.qrErr = qr.Encode(string(d.st.qrData), lvl, qr.Auto)
	return d.qrCode, d.qrErr
}

func (d *Decoder) printQR() {
	d.flushForBlock("GS ( k fn 181")
	if len(d.st.qrData) == 0 {
		d.report("GS ( k fn 181", "no data stored: nothing printed")
		return
	}
	q := &QR{Data: append([]byte(nil), d.st.qrData...), Model: d.st.qrModel, Module: d.st.qrModule, ECC: eccNames[d.st.qrECC]}
	code, err := d.encodeQR()
	if err != nil {
		d.report("GS ( k fn 181", "not drawn: "+err.Error())
		d.addLine(Line{Kind: LineQR, Align: d.st.align, Height: d.st.spacing, QR: q})
		return
	}
	n := code.Bounds().Dx()
	bmp := newBitmap(n, n)
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			if r, _, _, _ := code.At(x, y).RGBA(); r == 0 {
				bmp.set(x, y)
			}
		}
	}
	bmp = bmp.scaled(q.Module, q.Module)
	d.addLine(Line{Kind: LineQR, Align: d.st.align, Height: bmp.H, Image: bmp, QR: q})
}
