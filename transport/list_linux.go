package transport

// ListSerialPorts lists the serial ports of this machine. On Linux it reads sysfs only
// ([ListSerialPortsSysfs]): go.bug.st/serial's lister opens every ttyS* node to probe it.
func ListSerialPorts() ([]PortInfo, error) {
	return ListSerialPortsSysfs("")
}
