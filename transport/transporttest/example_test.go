package transporttest_test

import (
	"fmt"
	"io"

	"github.com/uapos/uapos/transport/transporttest"
)

// A scripted ESC/POS printer: the host asks for the printer status (DLE EOT 1, 10 04 01)
// and the device answers 0x16, delivered in pieces of at most one byte. Close reports
// whether the whole script was played.
func ExamplePlayback() {
	p := &transporttest.Playback{
		Ops:     []transporttest.IO{{W: []byte{0x10, 0x04, 0x01}, R: []byte{0x16}}},
		MaxRead: 1,
	}
	if _, err := p.Write([]byte{0x10, 0x04, 0x01}); err != nil {
		fmt.Println(err)
		return
	}
	b := make([]byte, 1)
	if _, err := io.ReadFull(p, b); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("status % x, close: %v\n", b, p.Close())
	// Output: status 16, close: <nil>
}

// Pipe joins a client and a simulator in memory; a write returns once buffered.
func ExamplePipe() {
	host, device := transporttest.Pipe()
	defer host.Close()
	defer device.Close()
	if _, err := host.Write([]byte("ping")); err != nil {
		fmt.Println(err)
		return
	}
	b := make([]byte, 4)
	if _, err := io.ReadFull(device, b); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s\n", b)
	// Output: ping
}
