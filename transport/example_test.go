package transport_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/uapos/uapos/transport"
)

// Open a TCP link to a device (here a one-shot echo server on loopback), send a request
// and read the answer under a deadline.
func ExampleOpen() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		io.CopyN(c, c, 4) // echo one 4-byte request
	}()

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, err := transport.Open(ctx, "tcp://"+ln.Addr().String())
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Close()

	conn.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := conn.Write([]byte{0x10, 0x04, 0x01, 0x0a}); err != nil {
		fmt.Println(err)
		return
	}
	reply := make([]byte, 4)
	if _, err := io.ReadFull(conn, reply); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("% x\n", reply)
	// Output: 10 04 01 0a
}
