//go:build !linux && !windows && !(darwin && cgo)

package transport

import "go.bug.st/serial"

// ListSerialPorts lists serial port names only: the detailed enumerator needs cgo here
// (darwin) or does not exist. Names come from /dev and no port is opened.
func ListSerialPorts() ([]PortInfo, error) {
	names, err := serial.GetPortsList()
	if err != nil {
		return nil, &Error{Op: "list", Link: "serial", Err: err}
	}
	ports := make([]PortInfo, 0, len(names))
	for _, n := range names {
		ports = append(ports, PortInfo{Name: n})
	}
	sortPorts(ports)
	return ports, nil
}
