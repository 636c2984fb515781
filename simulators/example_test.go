package simulators_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"strings"

	"github.com/uapos/uapos/simulators"
)

// Start the virtual printer on loopback, ask it for its printer status (DLE EOT 1) over TCP,
// and close it.
func Example() {
	ctx := context.Background()
	r, err := simulators.Start(ctx, simulators.Spec{Name: "escpos"}) // 127.0.0.1, a free port
	if err != nil {
		fmt.Println(err)
		return
	}
	defer r.Close()
	fmt.Println(r.Name(), "on loopback:", strings.HasPrefix(r.Addr(), "127.0.0.1:"))

	c, err := net.Dial("tcp", r.Addr())
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	c.Write([]byte{0x10, 0x04, 0x01})
	b := make([]byte, 1)
	if _, err := io.ReadFull(c, b); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("printer status % X\n", b)
	// Output:
	// escpos on loopback: true
	// printer status 12
}
