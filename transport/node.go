package transport

import (
	"fmt"
	"io/fs"
	"os"
	"runtime"
	"strings"
)

// checkNode refuses path when it names a regular file, a directory or, outside Windows, any
// node that is not a character device (block devices, FIFOs, sockets), before anything opens
// it: probing `usblp:///home/me/notes.txt` must not overwrite the file's first bytes. It
// returns the node's FileInfo, or nil when path cannot be examined (a missing node), which is
// left to the open to report. Windows port names (COM3, \\.\COM10) are not files and are not
// examined (Stat of a reserved device name can look like a file there); for other names on
// Windows only regular files and directories are refused.
func checkNode(link, path string) (fs.FileInfo, error) {
	if runtime.GOOS == "windows" && (comPort.MatchString(path) || strings.HasPrefix(path, `\\.\`)) {
		return nil, nil
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, nil
	}
	m := fi.Mode()
	what := ""
	switch {
	case m.IsRegular():
		what = "a regular file"
	case m.IsDir():
		what = "a directory"
	case runtime.GOOS == "windows" || m&fs.ModeCharDevice != 0:
		return fi, nil
	case m&fs.ModeNamedPipe != 0:
		what = "a FIFO"
	case m&fs.ModeSocket != 0:
		what = "a socket"
	case m&fs.ModeDevice != 0:
		what = "a block device"
	default:
		what = "not a character device"
	}
	return nil, &Error{Op: "open", Link: link, Kind: ErrNotADevice,
		Err:  fmt.Errorf("%s is %s", path, what),
		Hint: "give the device node (serial:///dev/ttyUSB0, usblp:///dev/usb/lp0); `hwprobe scan` lists them"}
}
