package escpos

import (
	"fmt"

	"github.com/boombuler/barcode"
	"github.com/boombuler/barcode/code128"
	"github.com/boombuler/barcode/ean"
	"github.com/boombuler/barcode/qr"
)

// Software rendering of barcodes and QR codes for printers without native support
// (issue 3 Deliver 4): github.com/boombuler/barcode computes the modules, which are scaled
// by whole dots into a [Raster].

// RenderQR renders data as a QR code with module size dots per module and a 4-module quiet
// zone, at most maxWidth dots wide (0 = no limit; the module size shrinks to fit).
func RenderQR(data string, module int, l QRLevel, maxWidth int) (*Raster, error) {
	lvl := map[QRLevel]qr.ErrorCorrectionLevel{QRLevelL: qr.L, QRLevelM: qr.M, QRLevelQ: qr.Q, QRLevelH: qr.H}[l]
	bc, err := qr.Encode(data, lvl, qr.Auto)
	if err != nil {
		return nil, fmt.Errorf("%w: qr: %w", ErrBarcode, err)
	}
	n := bc.Bounds().Dx()
	module = max(module, 1)
	if maxWidth > 0 {
		for module > 1 && (n+8)*module > maxWidth {
			module--
		}
		if (n+8)*module > maxWidth {
			return nil, fmt.Errorf("%w: qr of %d modules does not fit %d dots", ErrTooLarge, n, maxWidth)
		}
	}
	return scaleModules(bc, module, module, 4, 0), nil
}

// RenderEAN13 renders a validated EAN-13 (see [EAN13]) with the given module width and
// height in dots.
func RenderEAN13(data string, module, height int) (*Raster, error) {
	d, err := EAN13(data)
	if err != nil {
		return nil, err
	}
	bc, err := ean.Encode(d)
	if err != nil {
		return nil, fmt.Errorf("%w: ean-13: %w", ErrBarcode, err)
	}
	return scaleModules(bc, max(module, 1), 1, 9, height), nil
}

// RenderCode128 renders ASCII data as CODE128 with the given module width and height.
func RenderCode128(data string, module, height int) (*Raster, error) {
	if _, err := Code128Data(data); err != nil {
		return nil, err
	}
	bc, err := code128.Encode(data)
	if err != nil {
		return nil, fmt.Errorf("%w: code128: %w", ErrBarcode, err)
	}
	return scaleModules(bc, max(module, 1), 1, 10, height), nil
}

// scaleModules draws bc with each module mx×my dots and a quiet zone of quiet modules on
// each side. A 1-D barcode (height 1) is stretched to height dots.
func scaleModules(bc barcode.Barcode, mx, my, quiet, height int) *Raster {
	b := bc.Bounds()
	w, h := b.Dx(), b.Dy()
	qy := quiet
	if height > 0 {
		my, qy = height, 0
		h = 1
	}
	out := NewRasterBits((w+2*quiet)*mx, h*my+2*qy*my)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			r, _, _, _ := bc.At(b.Min.X+x, b.Min.Y+y).RGBA()
			if r >= 0x8000 {
				continue
			}
			for dy := 0; dy < my; dy++ {
				for dx := 0; dx < mx; dx++ {
					out.Set((x+quiet)*mx+dx, (y+qy)*my+dy)
				}
			}
		}
	}
	return out
}
