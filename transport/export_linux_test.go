//go:build linux

package transport

import "testing"

// SetUSBLPSysRoot makes openUSBLP check nodes against the sysfs tree under root until the
// test ends.
func SetUSBLPSysRoot(t testing.TB, root string) {
	old := usblpSysRoot
	usblpSysRoot = root
	t.Cleanup(func() { usblpSysRoot = old })
}
