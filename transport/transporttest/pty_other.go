//go:build !linux

package transporttest

import (
	"errors"
	"os"
)

// OpenPTY is available on Linux only; elsewhere it returns an error (tests skip on it).
func OpenPTY() (master *os.File, slavePath string, err error) {
	return nil, "", errors.New("transporttest: OpenPTY needs Linux")
}
