package capture_test

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/uapos/uapos/transport/capture"
)

// Replay a capture: the host sends the recorded request and reads the recorded answer.
func ExampleReplay() {
	const file = `# a printer asked for its status
0.000000 > 10 04 01
0.012345 < 16
`
	chunks, err := capture.Parse(strings.NewReader(file))
	if err != nil {
		fmt.Println(err)
		return
	}
	dev := capture.Replay(chunks)
	if _, err := dev.Write([]byte{0x10, 0x04, 0x01}); err != nil {
		fmt.Println(err)
		return
	}
	status := make([]byte, 1)
	if _, err := io.ReadFull(dev, status); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("status % x, close: %v\n", status, dev.Close())
	capture.Format(os.Stdout, chunks)
	// Output:
	// status 16, close: <nil>
	// 0.000000 > 10 04 01
	// 0.012345 < 16
}
