package escpos

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"io/fs"
	"os"
	"path/filepath"
)

// BlockType names a kind of receipt block.
type BlockType string

// Block types of a [Document]. The first ten are those of testdata/bench/reference-receipt.json.
const (
	BlockImage   BlockType = "image"   // a picture or logo: File/ImageData, optional Key (NV logo)
	BlockText    BlockType = "text"    // one or more lines with style (bold, size, align)
	BlockColumns BlockType = "columns" // Left … Right fitted to the line width
	BlockRule    BlockType = "rule"    // a full-width line of Char (default "-")
	BlockQR      BlockType = "qr"      // Data, Size (module dots), EC (L/M/Q/H)
	BlockEAN13   BlockType = "ean13"   // Data: 12 or 13 digits
	BlockCode128 BlockType = "code128" // Data: ASCII
	BlockFeed    BlockType = "feed"    // Lines blank lines
	BlockCut     BlockType = "cut"     // feed to the cutter and cut (Partial)
	BlockDrawer  BlockType = "drawer"  // kick the cash drawer (Pin 2 or 5)
	// BlockSlip prints a bank terminal's slip (e.g. PrivatBank "receipt"): preformatted
	// monospace lines kept as they are, wrapped only where longer than the paper, and
	// centred as one block when Align is "center".
	BlockSlip BlockType = "slip"
	// BlockFiscal prints a PRRO service's text_print (Text, as a slip) followed by its QR link
	// (Data), sized to fit the paper.
	BlockFiscal BlockType = "fiscal"
)

// Document is a receipt: an ordered list of blocks, JSON-friendly. Rendering it is one call
// to [Encoder.Encode] or [Printer.Print].
type Document struct {
	// PaperDots overrides the profile's dots per line when > 0 and smaller.
	PaperDots int `json:"paper_dots,omitempty"`
	// Columns is the font-A characters per line the document was laid out for; it applies
	// when > 0 and narrower than the printer's paper (never wider).
	Columns int     `json:"columns,omitempty"`
	Blocks  []Block `json:"blocks"`
}

// Block is one element of a [Document]. Which fields matter depends on Type.
type Block struct {
	Type BlockType `json:"type"`

	Text      string `json:"text,omitempty"`      // text, slip, fiscal
	Align     string `json:"align,omitempty"`     // "left" (default; images: "center"), "center", "right"
	Bold      bool   `json:"bold,omitempty"`      // text, columns
	Underline bool   `json:"underline,omitempty"` // text, columns
	Reverse   bool   `json:"reverse,omitempty"`   // text
	Width     int    `json:"width,omitempty"`     // character width multiplier 1-8 (text)
	Height    int    `json:"height,omitempty"`    // character height multiplier 1-8 (text, columns)
	Font      string `json:"font,omitempty"`      // "A" (default) or "B"

	Left  string `json:"left,omitempty"`  // columns
	Right string `json:"right,omitempty"` // columns
	Char  string `json:"char,omitempty"`  // rule character (default "-")

	Data string `json:"data,omitempty"` // qr, ean13, code128, fiscal (QR link)
	Size int    `json:"size,omitempty"` // qr module size in dots (default 6); barcode module width (default 2)
	EC   string `json:"ec,omitempty"`   // qr error correction L, M (default), Q, H
	HRI  *bool  `json:"hri,omitempty"`  // barcodes: print the digits below (default true)
	Dots int    `json:"dots,omitempty"` // barcode height in dots (default 80); image width in dots

	File      string      `json:"file,omitempty"`       // image file, relative to the document
	ImageData []byte      `json:"image_data,omitempty"` // image bytes (BMP/PNG/JPEG), base64 in JSON
	Key       string      `json:"key,omitempty"`        // two-character NV logo key
	Dither    string      `json:"dither,omitempty"`     // "threshold" or "" (Floyd–Steinberg)
	Image     image.Image `json:"-"`                    // decoded image, set by LoadDocument or the caller

	Lines   int  `json:"lines,omitempty"`   // feed lines
	Partial bool `json:"partial,omitempty"` // cut: partial instead of the profile's default
	Pin     int  `json:"pin,omitempty"`     // drawer pin 2 (default) or 5
}

// ParseDocument decodes a JSON document. Image blocks keep their File name; call
// [Document.LoadImages] to read them.
func ParseDocument(data []byte) (*Document, error) {
	var d Document
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrDocument, err)
	}
	return &d, nil
}

// LoadDocument reads a JSON document from path and decodes the images it names, relative
// to the document's directory.
func LoadDocument(path string) (*Document, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("escpos: %w", err)
	}
	d, err := ParseDocument(data)
	if err != nil {
		return nil, err
	}
	if err := d.LoadImages(os.DirFS(filepath.Dir(path))); err != nil {
		return nil, err
	}
	return d, nil
}

// LoadImages decodes every image block's ImageData or File (read from fsys; nil = none)
// into Image. Blocks that already have an Image are left alone.
func (d *Document) LoadImages(fsys fs.FS) error {
	for i := range d.Blocks {
		b := &d.Blocks[i]
		if (b.Type != BlockImage) || b.Image != nil {
			continue
		}
		data := b.ImageData
		if len(data) == 0 {
			if b.File == "" || fsys == nil {
				return fmt.Errorf("%w: block %d: image has no data", ErrDocument, i)
			}
			var err error
			if data, err = fs.ReadFile(fsys, b.File); err != nil {
				return fmt.Errorf("%w: block %d: %w", ErrDocument, i, err)
			}
		}
		img, err := DecodeImage(bytes.NewReader(data))
		if err != nil {
			return fmt.Errorf("%w: block %d: %w", ErrDocument, i, err)
		}
		b.Image = img
	}
	return nil
}
