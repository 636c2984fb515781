// Package vprinter is a virtual ESC/POS receipt printer: a streaming decoder, text and PNG
// renderers, and a device that answers status requests, for tests and for vendors who want
// to see a receipt without paper.
//
// Everything here is written from the protocol notes ../shared/protocols/escpos.md (section
// numbers are cited in the code), not from the escpos package of this module: the simulator
// must not share a misunderstanding with the encoder it tests.
//
// # Decoder
//
// [Decoder] takes bytes in any chunking (commands split across writes are completed when
// the rest arrives). It handles: ESC @ (resets style, size, alignment, line spacing, code
// table, barcode and QR settings, Kanji mode; clears the line buffer; keeps NV graphics),
// ESC t with per-profile numbering ([Profile], a table of data from escpos.md §1.2), FS .
// (clones that start in GBK/Kanji mode print bytes >= 0x80 as GBK until then), ESC E/-/!/M,
// GS !/B, ESC a, ESC 2/3, LF, ESC d, ESC J, GS V and the legacy ESC i/m cuts (page break),
// GS v 0, ESC *, GS ( L and GS 8 L (fn 112/50 print buffer graphics, fn 67/69 NV graphics by
// key), GS k (functions A and B; the payload is kept and drawn with boombuler/barcode),
// GS ( k QR (fn 165/167/169/180/181/182; drawn with boombuler/barcode/qr), ESC p and
// DLE DC4 1 (drawer kick), DLE EOT, GS I, GS a.
//
// Commands the notes describe but that are not acted upon are skipped by their documented
// length and reported ([Report]); GS ( x and FS ( x with unknown x are skipped by their
// pL pH length [provisional: the rule is inferred from the documented GS ( commands]. An
// unknown ESC/GS/FS/DLE command has no documented length: its two bytes are skipped and it
// is reported. FS q (data length not in the notes) and GS r (reply bits not in the notes)
// are reported and not executed. Memory is bounded by [Limits]: image size, page length,
// pages kept, distinct reports; the line buffer wraps at the paper width.
//
// Not from the notes, hence provisional: one vertical motion unit is rendered as one dot,
// the default line spacing is 30 dots, ESC d n is taken as n LFs, ESC * single density is
// drawn 1:1, HT is not interpreted (reported), CR is ignored, QR ECC defaults to L, and the
// dot widths of the clone and Bixolon profiles (58 mm = 384, 80 mm = 512/576 per escpos.md
// §4). Barcodes are drawn from the payload by boombuler/barcode, so the code-set split of a
// CODE128 may differ from a real printer's; UPC-E and GS1 DataBar are kept but not drawn.
//
// # Renderers
//
// [RenderText] writes one line per printed line with style markers (format documented
// there); [RenderPlain] omits the style markers. [RenderImage] and [EncodePNG] draw a page
// like the paper roll at the profile's dot width (384/512/576) with Go Mono glyphs (they
// include Ґ Є І Ї), one page per cut.
//
// # Device
//
// [New] returns a [Server]; [Server.ListenTCP] serves TCP (127.0.0.1, port 9100 or any)
// and [Server.ServeConn] one link (pty master, pipe, transport.Conn). Real-time commands
// (DLE EOT n, DLE DC4 1 m t) are acted upon where they appear in the received stream, even
// inside image data, as escpos.md §1.3 warns printers do; other commands run in order.
// Replies follow the bit tables of escpos.md §1.8 ([State.DLEEOT], [State.ASB]); GS I
// 1/2/3/65/66/67/68 answer the simulator's own identity (Config fields). Paper end, an open
// cover and the offline switch put the printer offline: data is held (up to the buffer
// limit, the excess is dropped and counted) and printed when the fault clears, while
// real-time status keeps answering. Fault knobs in [Config]: paper near-end / out after N
// lines, cover open, offline, stop reading after N bytes (full buffer), drop the link after
// N bytes. Tests read [Server.Receipts] (text and image per cut), [Server.DrawerOpened],
// [Server.Counters] and [Server.Reports]; a DLE EOT sent after the data is a deterministic
// "everything before this was processed" marker while the printer is online.
//
// # Control
//
// [Server.Control] steers it at run time with the printer words of package control
// (docs/simulators.md): paper-near-end[=LINES], paper-out[=LINES], cover-open and offline
// are conditions that hold until cleared; drawer-stuck keeps the drawer shut for the next
// kicks. It returns each page kept as text, PNG and the commands it was printed with
// (Page.Commands, as decoded), and [Server.OnCut] hands each page over as it is cut. A
// printer reads no cards and moves no money: PresentCard is not supported and the ledger
// is empty; the request log lists the decoded commands.
package vprinter
