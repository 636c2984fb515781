package drawer_test

import (
	"context"
	"fmt"
	"io"

	"github.com/uapos/uapos/drawer"
	"github.com/uapos/uapos/transport/transporttest"
)

// Open the drawer on pin 2 with the default 50 ms pulse: ESC p 0 25 125.
func ExampleDrawer_Open() {
	link, printer := transporttest.Pipe() // in a shop: the printer's transport.Conn
	d, err := drawer.New(link, drawer.Config{})
	if err != nil {
		panic(err)
	}
	if err := d.Open(context.Background()); err != nil {
		panic(err)
	}
	link.Close()
	wire, _ := io.ReadAll(printer)
	fmt.Printf("% X\n", wire)
	// Output: 1B 70 00 19 7D
}
