//go:build libusb

package transport

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"

	"github.com/google/gousb"
)

// LibusbEnabled reports whether this build has the libusb back end for usb:// URLs.
const LibusbEnabled = true

// openUSB opens the first device with the ids (and serial number, if given) and claims its
// printer-class interface; the kernel's usblp driver is detached while the link is open.
func openUSB(ctx context.Context, vid, pid, serialNo string) (Conn, error) {
	link := usbLink(vid, pid, serialNo)
	if err := ctx.Err(); err != nil {
		return nil, &Error{Op: "open", Link: link, Err: err}
	}
	v, _ := strconv.ParseUint(vid, 16, 16)
	p, _ := strconv.ParseUint(pid, 16, 16)
	uctx, err := newUSBContext()
	if err != nil {
		return nil, &Error{Op: "open", Link: link, Kind: ErrUnsupported, Err: err}
	}
	devs, err := uctx.OpenDevices(func(d *gousb.DeviceDesc) bool {
		return d.Vendor == gousb.ID(v) && d.Product == gousb.ID(p)
	})
	var dev *gousb.Device
	for _, d := range devs {
		if dev == nil && serialNo != "" {
			if s, serr := d.SerialNumber(); serr != nil || s != serialNo {
				d.Close()
				continue
			}
		}
		if dev == nil {
			dev = d
			continue
		}
		d.Close()
	}
	if dev == nil {
		uctx.Close()
		if err != nil {
			return nil, usbError("open", link, err)
		}
		return nil, &Error{Op: "open", Link: link, Kind: ErrNotFound,
			Hint: "no such USB device: check the cable, the ids and (with ?serial=) the serial number"}
	}
	c, err := claimPrinter(uctx, dev, link)
	if err != nil {
		dev.Close()
		uctx.Close()
		return nil, err
	}
	return c, nil
}

// newUSBContext is gousb.NewContext, which panics when libusb cannot initialise (no USB
// stack, no /dev/bus/usb); that becomes an error here.
func newUSBContext() (c *gousb.Context, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("libusb: %v", r)
		}
	}()
	return gousb.NewContext(), nil
}

// claimPrinter finds the printer-class interface of dev's active configuration, claims it
// and opens its bulk endpoints (addresses vary by model, so they come from the descriptor).
// On success the returned link owns dev and uctx.
func claimPrinter(uctx *gousb.Context, dev *gousb.Device, link string) (*usbConn, error) {
	if err := dev.SetAutoDetach(true); err != nil {
		return nil, usbError("open", link, err)
	}
	cfgNum, err := dev.ActiveConfigNum()
	if err != nil || cfgNum == 0 {
		cfgNum = 1
	}
	desc, ok := dev.Desc.Configs[cfgNum]
	if !ok {
		return nil, &Error{Op: "open", Link: link, Kind: ErrUnsupported, Err: fmt.Errorf("no configuration %d", cfgNum)}
	}
	set, outEP, inEP, ok := pickPrinterSetting(desc)
	if !ok {
		return nil, &Error{Op: "open", Link: link, Kind: ErrUnsupported,
			Err: errors.New("no printer-class interface with a bulk OUT endpoint")}
	}
	cfg, err := dev.Config(cfgNum)
	if err != nil {
		return nil, usbError("open", link, err)
	}
	intf, err := cfg.Interface(set.Number, set.Alternate)
	if err != nil {
		cfg.Close()
		return nil, usbError("open", link, err)
	}
	release := func() error {
		intf.Close()
		return errors.Join(cfg.Close(), dev.Close(), uctx.Close())
	}
	fail := func(err error) (*usbConn, error) {
		intf.Close()
		cfg.Close()
		return nil, usbError("open", link, err)
	}
	out, err := intf.OutEndpoint(outEP.Number)
	if err != nil {
		return fail(err)
	}
	c := &usbConn{name: link, out: out, release: release, classify: usbError, closed: make(chan struct{})}
	if inEP != nil {
		in, err := intf.InEndpoint(inEP.Number)
		if err != nil {
			return fail(err)
		}
		c.in = in
		c.rbuf = make([]byte, readBufferSize(inEP.MaxPacketSize))
	}
	return c, nil
}

// pickPrinterSetting chooses the printer-class (07) alternate setting with a bulk OUT
// endpoint, preferring one that also has a bulk IN endpoint (bidirectional, so status can
// be read). in is nil for a write-only printer.
func pickPrinterSetting(desc gousb.ConfigDesc) (set *gousb.InterfaceSetting, out, in *gousb.EndpointDesc, ok bool) {
	for _, id := range desc.Interfaces {
		for i := range id.AltSettings {
			s := &id.AltSettings[i]
			if s.Class != gousb.ClassPrinter {
				continue
			}
			var o, n *gousb.EndpointDesc
			for _, ep := range sortedEndpoints(s.Endpoints) {
				if ep.TransferType != gousb.TransferTypeBulk {
					continue
				}
				switch {
				case ep.Direction == gousb.EndpointDirectionOut && o == nil:
					o = ep
				case ep.Direction == gousb.EndpointDirectionIn && n == nil:
					n = ep
				}
			}
			if o != nil && (set == nil || (in == nil && n != nil)) {
				set, out, in = s, o, n
			}
		}
	}
	return set, out, in, set != nil
}

// sortedEndpoints returns the endpoints by address, so the choice does not depend on map order.
func sortedEndpoints(m map[gousb.EndpointAddress]gousb.EndpointDesc) []*gousb.EndpointDesc {
	out := make([]*gousb.EndpointDesc, 0, len(m))
	for _, ep := range m {
		ep := ep
		out = append(out, &ep)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Address < out[j].Address })
	return out
}

// usbError classifies a libusb error.
func usbError(op, link string, err error) error {
	e := &Error{Op: op, Link: link, Err: err}
	switch {
	case errors.Is(err, gousb.ErrorAccess):
		e.Kind, e.Hint = ErrPermission, hintUSB
	case errors.Is(err, gousb.ErrorBusy):
		e.Kind, e.Hint = ErrBusy, "another program or a kernel driver holds the interface"
	case errors.Is(err, gousb.ErrorNoDevice), errors.Is(err, gousb.ErrorNotFound):
		e.Kind = ErrNotFound
	case errors.Is(err, gousb.ErrorTimeout), errors.Is(err, gousb.TransferTimedOut):
		e.Kind = errDeadline
	}
	return e
}
