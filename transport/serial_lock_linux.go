package transport

import (
	"errors"
	"io"

	"golang.org/x/sys/unix"
)

// lockPort takes an exclusive flock(2) on the port node, held until the returned closer is
// closed. go.bug.st/serial's TIOCEXCL does not stop a second open by root
// (transports.md §1.3, §1.4), so two programs, or two drivers in one program, could
// otherwise share a port and corrupt each other's frames. A node that cannot be opened here
// is left to serial.Open to report.
func lockPort(name string) (io.Closer, error) {
	fd, err := unix.Open(name, unix.O_RDWR|unix.O_NOCTTY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, nil
	}
	if err := unix.Flock(fd, unix.LOCK_EX|unix.LOCK_NB); err != nil {
		unix.Close(fd)
		if errors.Is(err, unix.EWOULDBLOCK) {
			return nil, unix.EBUSY
		}
		return nil, nil // flock unsupported on this node: go on without the lock
	}
	return fdCloser(fd), nil
}

type fdCloser int

func (f fdCloser) Close() error { return unix.Close(int(f)) }
