//go:build windows || (darwin && cgo)

package transport

import "go.bug.st/serial/enumerator"

// ListSerialPorts lists the serial ports of this machine with go.bug.st/serial/enumerator.
func ListSerialPorts() ([]PortInfo, error) {
	ds, err := enumerator.GetDetailedPortsList()
	if err != nil {
		return nil, &Error{Op: "list", Link: "serial", Err: err}
	}
	ports := make([]PortInfo, 0, len(ds))
	for _, d := range ds {
		ports = append(ports, PortInfo{
			Name: d.Name, IsUSB: d.IsUSB, VID: upperHex(d.VID), PID: upperHex(d.PID),
			SerialNumber: d.SerialNumber, Manufacturer: d.Manufacturer, Product: d.Product,
		})
	}
	sortPorts(ports)
	return ports, nil
}
