package main

import (
	"context"
	"fmt"
	"io"

	"github.com/uapos/uapos/transport"
)

// capturePTY relays between a pseudo-terminal the application opens as its serial port and
// the device, until ctx ends or the device link fails.
func capturePTY(ctx context.Context, a *app, to string, openDev func() (transport.Conn, error), out io.Writer, outPath string) error {
	master, slave, hold, err := openPTY()
	if err != nil {
		return fmt.Errorf("capture: %w", err)
	}
	defer master.Close()
	defer hold.Close()
	writeComment(out, "hwprobe capture: application at serial port %s, device %s", slave, to)
	dev, err := openDev()
	if err != nil {
		writeComment(out, "device open failed: %v", err)
		return fmt.Errorf("capture: %w", err)
	}
	writeComment(out, "device link %s", linkName(dev))
	fmt.Fprintf(a.stdout, "capture: point the application at serial port %s; writing %s; Ctrl-C to stop\n", slave, outPath)
	a.notify("pty", slave)
	err = relay(ctx, master, dev, out)
	a.notify("done", outPath)
	if err != nil {
		return fmt.Errorf("capture: %w", err)
	}
	return nil
}
