package privatsim_test

import (
	"fmt"
	"net"

	"github.com/uapos/uapos/simulators/privatsim"
)

// Start a simulated terminal on loopback and send it the handshake of spec §2.
func Example() {
	sim := privatsim.New(privatsim.Config{})
	defer sim.Close()
	addr, _ := sim.ListenTCP("") // "127.0.0.1:2000" for the real terminal's port
	c, _ := net.Dial("tcp", addr)
	defer c.Close()
	c.Write([]byte("\x00{\"method\":\"PingDevice\",\"step\":0}\x00"))
	buf := make([]byte, 256)
	n, _ := c.Read(buf)
	fmt.Printf("%s\n", buf[:n-1])
	// Output:
	// {"method":"PingDevice","step":0,"params":{"code":"00","responseCode":"0000"},"error":false,"errorDescription":""}
}
