//go:build linux

package main

import (
	"fmt"
	"io"
	"os"
	"syscall"

	"github.com/uapos/uapos/transport/transporttest"
)

// openPTY opens a pseudo-terminal for an application to use as its serial port. It returns
// the master, the slave path and a handle that keeps the slave open, so the master does not
// see a hang-up each time the application closes the port. Close hold, then master.
func openPTY() (master *os.File, slave string, hold io.Closer, err error) {
	master, slave, err = transporttest.OpenPTY()
	if err != nil {
		return nil, "", nil, err
	}
	h, err := os.OpenFile(slave, os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		master.Close()
		return nil, "", nil, fmt.Errorf("hold %s open: %w", slave, err)
	}
	return master, slave, h, nil
}
