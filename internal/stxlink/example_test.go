package stxlink_test

import (
	"fmt"

	"github.com/uapos/uapos/internal/stxlink"
)

func ExampleAppendFrame() {
	frame, _ := stxlink.AppendFrame(nil, []byte("REQ=ACQ;"))
	fmt.Printf("% x\n", frame)
	data, err := stxlink.ParseFrame(frame)
	fmt.Println(string(data), err)
	// Output:
	// 02 00 08 52 45 51 3d 41 43 51 3b 13
	// REQ=ACQ; <nil>
}
