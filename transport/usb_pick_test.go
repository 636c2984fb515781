//go:build libusb

package transport

import (
	"testing"

	"github.com/google/gousb"
)

// Descriptors modelled on transports.md §2.5: endpoint addresses vary (0x01/0x82,
// 0x01/0x81, 0x03), so they are taken from the class-07 interface.
func TestPickPrinterSetting(t *testing.T) {
	bulk := func(addr gousb.EndpointAddress, dir gousb.EndpointDirection) gousb.EndpointDesc {
		return gousb.EndpointDesc{Address: addr, Number: int(addr & 0x0f), Direction: dir,
			TransferType: gousb.TransferTypeBulk, MaxPacketSize: 64}
	}
	desc := gousb.ConfigDesc{Number: 1, Interfaces: []gousb.InterfaceDesc{
		{Number: 0, AltSettings: []gousb.InterfaceSetting{{Number: 0, Class: gousb.ClassVendorSpec,
			Endpoints: map[gousb.EndpointAddress]gousb.EndpointDesc{0x02: bulk(0x02, gousb.EndpointDirectionOut)}}}},
		{Number: 1, AltSettings: []gousb.InterfaceSetting{
			{Number: 1, Alternate: 0, Class: gousb.ClassPrinter, Protocol: 1,
				Endpoints: map[gousb.EndpointAddress]gousb.EndpointDesc{0x03: bulk(0x03, gousb.EndpointDirectionOut)}},
			{Number: 1, Alternate: 1, Class: gousb.ClassPrinter, Protocol: 2,
				Endpoints: map[gousb.EndpointAddress]gousb.EndpointDesc{
					0x01: bulk(0x01, gousb.EndpointDirectionOut), 0x82: bulk(0x82, gousb.EndpointDirectionIn)}},
		}},
	}}
	set, out, in, ok := pickPrinterSetting(desc)
	if !ok || set.Number != 1 || set.Alternate != 1 || out.Number != 1 || in == nil || in.Number != 2 {
		t.Fatalf("picked %v out %v in %v ok %v; want interface 1 alt 1, OUT 1, IN 2", set, out, in, ok)
	}
	desc.Interfaces = desc.Interfaces[:1]
	if _, _, _, ok := pickPrinterSetting(desc); ok {
		t.Fatal("picked a setting from a device with no printer-class interface")
	}
}
