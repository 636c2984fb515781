package bposlightsim_test

import (
	"fmt"
	"io"
	"net"
	"time"

	"github.com/uapos/uapos/simulators/bposlightsim"
)

// An ECR asks the simulated terminal for its acquirer (REQ=ACQ;) over TCP on loopback. The
// request frame is written out by hand from bposlight.md §1.2 and §3: STX, LL = 00 08, the
// data, LRC = XOR of the data = 0x13. The terminal acknowledges (ACK 0x06), then answers
// with a frame of its own, which the ECR acknowledges.
func Example() {
	s := bposlightsim.New(bposlightsim.Config{})
	defer s.Close()
	addr, err := s.ListenTCP("") // 127.0.0.1, port chosen by the OS
	if err != nil {
		fmt.Println(err)
		return
	}
	c, err := net.Dial("tcp", addr)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))

	if _, err := c.Write([]byte("\x02\x00\x08REQ=ACQ;\x13")); err != nil {
		fmt.Println(err)
		return
	}
	head := make([]byte, 4) // ACK, then STX and LL of the answer
	if _, err := io.ReadFull(c, head); err != nil {
		fmt.Println(err)
		return
	}
	data := make([]byte, int(head[2])<<8|int(head[3])+1) // data and LRC
	if _, err := io.ReadFull(c, data); err != nil {
		fmt.Println(err)
		return
	}
	_, _ = c.Write([]byte{0x06})
	fmt.Printf("ack %02x, answer %s\n", head[0], data[:len(data)-1])
	// Output: ack 06, answer RESP=ACQ;RC=0000;MID=BANK;TID=12123123;
}
