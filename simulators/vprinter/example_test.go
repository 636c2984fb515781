package vprinter_test

import (
	"context"
	"fmt"

	"github.com/uapos/uapos/simulators/vprinter"
	"github.com/uapos/uapos/transport/transporttest"
)

// Decode a stream: ESC @, ESC t 46 (WPC1251 on Epson), centred bold "Київ", a cut.
func ExampleDecode() {
	stream := []byte("\x1b@\x1bt\x2e\x1ba\x01\x1bE\x01\xca\xe8\xbf\xe2\n\x1bE\x00\x1ba\x00ok\n\x1dV\x00")
	prof, _ := vprinter.LookupProfile("epson")
	pages, reports := vprinter.Decode(prof, stream)
	fmt.Print(vprinter.RenderText(pages[0]))
	fmt.Println(len(pages), pages[0].Cut, len(reports))
	// Output:
	//                       <b>Київ</>
	// ok
	// 1 true 0
}

// Serve a link, send a receipt and a kick, then ask DLE EOT 1: the reply comes after the
// preceding data was processed.
func ExampleServer() {
	s := vprinter.New(vprinter.Config{})
	defer s.Close()
	dev, app := transporttest.Pipe()
	go func() { _ = s.ServeConn(context.Background(), dev) }()

	_, _ = app.Write([]byte("Hello\n\x1dV\x01\x1bp\x00\x19\xfa\x10\x04\x01"))
	reply := make([]byte, 1)
	_, _ = app.Read(reply)
	_ = app.Close()

	fmt.Printf("status %02X drawer open %v\n", reply[0], s.DrawerOpened())
	fmt.Print(s.Receipts()[0].Text)
	// Output:
	// status 16 drawer open true
	// Hello
}
