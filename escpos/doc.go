// Package escpos encodes receipts for ESC/POS thermal printers with Ukrainian text, and reads
// their real-time status.
//
// The byte values come from the project's protocol note protocols/escpos.md (commands §1.1-
// §1.8, code pages per vendor §1.2, pitfalls); golden tests cite its sections. Three commands
// that the note does not document are taken from printer manuals and cited where they are
// built: ESC $ (absolute position, HPRT TP80K manual p.15; used only on profiles with
// "position": true), and the enable form of GS ( D (1D 28 44 03 00 14 01 01, Epson TM-U220A
// reference p.74; the disable form is in the note).
//
// Layout:
//   - commands.go, barcode.go, raster.go: pure append-style builders (AppendInit, AppendQR,
//     AppendRaster, AppendNVDefine, …), no I/O.
//   - text.go, cp1125.go: UTF-8 → code page (x/text charmap for CP1251/CP866/CP855, a
//     hand-written CP1125 table), with the documented substitutions and a [Report].
//   - profile.go, profiles.json: printer capabilities as embedded data ([LoadProfile]).
//   - document.go, encoder.go, render.go: the receipt model and [Encoder.Encode].
//   - status.go: DLE EOT and ASB decoding; printer.go: [Printer] over transport.Conn.
//
// Ukrainian text. Only CP1251 and CP1125 hold all of Ґ Є І Ї; CP866 lacks Ґ and І, CP855 lacks
// Ґ, and the slot numbers differ per vendor (Epson 46/44/17, Xprinter 23, Zjiang 73). The
// encoder picks one code page per receipt (the one with the fewest substitutions, ties to
// CP1251 > CP1125 > CP855 > CP866), re-sends ESC t after ESC @, sends FS . on clones that boot
// in Chinese mode, and reports every character it could not print exactly (₴ → "грн" always;
// on CP866 also Ґ→Г, І→I, і→i).
//
// Provisional or not public: the HPRT profile's code-page slots are not in the note (only
// CP866 at 17 is assumed); the legacy NV define command FS q is not built because the note
// gives no data layout (FS p print is); GS 8 L for graphics above 64 KiB is not built. The
// "b" (colour count) byte of GS ( L fn 67 is sent as 1 (one colour), an inference from the
// command's structure.
//
// Two-column lines are padded in few bytes: ESC $ where the profile allows it, otherwise
// spaces enlarged to 8× width with GS ! when that is shorter than plain spaces.
package escpos
