package escpos_test

import (
	"context"
	"fmt"
	"io"

	"github.com/uapos/uapos/escpos"
	"github.com/uapos/uapos/transport/transporttest"
)

// Encode a small Ukrainian receipt for an Xprinter XP-58 (32 columns): FS . leaves Chinese
// mode, ESC t 23 selects WPC1251, the 22-cell gap of the two-column line is 2 spaces at 8×
// width plus 6, and the report says ₴ was printed as "грн".
func ExampleEncoder_Encode() {
	p, err := escpos.LoadProfile("xprinter-xp58")
	if err != nil {
		panic(err)
	}
	doc := &escpos.Document{Blocks: []escpos.Block{
		{Type: escpos.BlockText, Text: "Їжак", Align: "center", Bold: true},
		{Type: escpos.BlockColumns, Left: "Разом", Right: "9 ₴"},
		{Type: escpos.BlockCut},
	}}
	out, rep, err := escpos.NewEncoder(p).Encode(doc)
	if err != nil {
		panic(err)
	}
	fmt.Printf("% X\n", out)
	fmt.Println(rep.Charset, rep.Slot)
	for _, s := range rep.Inexact {
		fmt.Printf("%c -> %s (%d)\n", s.Rune, s.With, s.Count)
	}
	// Output:
	// 1B 40 1C 2E 1B 74 17 1B 61 01 1B 45 01 AF E6 E0 EA 0A 1B 61 00 1B 45 00 D0 E0 E7 EE EC 1D 21 70 20 20 1D 21 00 20 20 20 20 20 20 39 20 E3 F0 ED 0A 1B 64 04
	// cp1251 23
	// ₴ -> грн (1)
}

// Print a document on a printer link. Here the link is an in-memory pipe; in a shop it is
// transport.Open("tcp://…:9100") or a serial/USB port.
func ExamplePrinter_Print() {
	link, device := transporttest.Pipe()
	p, _ := escpos.LoadProfile("epson-tm-t20")
	printer := escpos.NewPrinter(link, p)
	rep, err := printer.Print(context.Background(), &escpos.Document{Blocks: []escpos.Block{
		{Type: escpos.BlockText, Text: "Дякуємо!"},
	}})
	if err != nil {
		panic(err)
	}
	link.Close()
	wire, _ := io.ReadAll(device)
	fmt.Printf("%s: % X\n", rep.Charset, wire)
	// Output:
	// cp1251: 1B 40 1B 74 2E C4 FF EA F3 BA EC EE 21 0A
}
