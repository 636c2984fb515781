package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/uapos/uapos/transport"
)

// scanReport is everything scan found. It is also the --json form.
type scanReport struct {
	Env      envInfo       `json:"environment"`
	Serial   []serialEntry `json:"serial_ports"`
	USB      []usbEntry    `json:"usb_printers"`
	Problems []problem     `json:"problems"`
	// Errors are listing failures; the rest of the report still holds.
	Errors []string `json:"errors,omitempty"`
}

type envInfo struct {
	OS     string `json:"os"`
	Arch   string `json:"arch"`
	User   string `json:"user,omitempty"`
	IsRoot bool   `json:"root"`
	// Groups maps dialout, lp and plugdev to "yes", "no" or "pending" (member, but not in this
	// login session yet).
	Groups       map[string]string `json:"groups,omitempty"`
	Libusb       bool              `json:"libusb"`
	ModemManager string            `json:"modem_manager"` // "running", "installed", "not found", "n/a"
}

type serialEntry struct {
	transport.PortInfo
	Kind  string `json:"kind,omitempty"`
	Label string `json:"label,omitempty"`
}

type usbEntry struct {
	transport.USBPrinter
	Kind  string `json:"kind,omitempty"`
	Label string `json:"label,omitempty"`
}

// problem is one thing to fix, with the exact fix.
type problem struct {
	Device string `json:"device"`
	Issue  string `json:"issue"`
	Fix    string `json:"fix"`
}

// scanner holds the seams scan reads the machine through, so tests run it on a fake tree.
type scanner struct {
	root       string // "" means "/"
	listSerial func() ([]transport.PortInfo, error)
	listUSB    func() ([]transport.USBPrinter, error)
	// access reports whether the current user may read and write path (nil error: yes).
	access func(path string) error
	// nodeGroup names the group owning path ("" when unknown).
	nodeGroup func(path string) string
	groups    func() (member, active map[string]bool)
	userName  func() string
	isRoot    bool
	goos      string
}

// newScanner returns a scanner over the real machine, or over a fake tree under root.
func newScanner(root string) *scanner {
	s := &scanner{
		root:      root,
		access:    accessRW,
		nodeGroup: nodeGroup,
		groups:    userGroups,
		userName:  currentUser,
		isRoot:    os.Geteuid() == 0,
		goos:      runtime.GOOS,
	}
	if root == "" {
		s.listSerial = transport.ListSerialPorts
		s.listUSB = func() ([]transport.USBPrinter, error) { return transport.ListUSBPrinters("") }
	} else {
		s.listSerial = func() ([]transport.PortInfo, error) { return transport.ListSerialPortsSysfs(root) }
		s.listUSB = func() ([]transport.USBPrinter, error) { return transport.ListUSBPrinters(root) }
	}
	return s
}

func (s *scanner) path(p string) string {
	if s.root == "" {
		return p
	}
	return filepath.Join(s.root, filepath.FromSlash(p))
}

// within runs f, giving up when ctx ends (f keeps running in the background: listing calls
// have no context of their own).
func within[T any](ctx context.Context, f func() (T, error)) (T, error) {
	type res struct {
		v   T
		err error
	}
	ch := make(chan res, 1)
	go func() {
		v, err := f()
		ch <- res{v, err}
	}()
	select {
	case r := <-ch:
		return r.v, r.err
	case <-ctx.Done():
		var zero T
		return zero, fmt.Errorf("gave up: %w", ctx.Err())
	}
}

// scan gathers the report; it never opens a device.
func (s *scanner) scan(ctx context.Context) *scanReport {
	r := &scanReport{Serial: []serialEntry{}, USB: []usbEntry{}, Problems: []problem{}}
	r.Env = s.environment()

	ports, err := within(ctx, s.listSerial)
	if err != nil {
		r.Errors = append(r.Errors, "serial ports: "+err.Error())
	}
	sort.Slice(ports, func(i, j int) bool { return ports[i].Name < ports[j].Name })
	for _, p := range ports {
		e := serialEntry{PortInfo: p}
		if d, ok := lookupDevice(p.VID, p.PID); ok {
			e.Kind, e.Label = d.kind.String(), d.label
		}
		r.Serial = append(r.Serial, e)
	}

	printers, err := within(ctx, s.listUSB)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		r.Errors = append(r.Errors, "USB printers: "+err.Error())
	}
	sort.Slice(printers, func(i, j int) bool { return printers[i].SysPath < printers[j].SysPath })
	for _, p := range printers {
		e := usbEntry{USBPrinter: p, Kind: kindPrinter.String()}
		if d, ok := lookupDevice(p.VID, p.PID); ok {
			e.Label = d.label
		}
		r.USB = append(r.USB, e)
	}
	r.Problems = s.problems(r)
	return r
}

func (s *scanner) environment() envInfo {
	e := envInfo{OS: s.goos, Arch: runtime.GOARCH, IsRoot: s.isRoot, Libusb: libusbCompiled, ModemManager: "n/a"}
	if s.userName != nil {
		e.User = s.userName()
	}
	if s.goos == "windows" {
		return e
	}
	member, active := s.groups()
	e.Groups = map[string]string{}
	for _, g := range []string{"dialout", "lp", "plugdev"} {
		switch {
		case active[g]:
			e.Groups[g] = "yes"
		case member[g]:
			e.Groups[g] = "pending"
		default:
			e.Groups[g] = "no"
		}
	}
	if s.goos == "linux" {
		e.ModemManager = s.modemManager()
	}
	return e
}

// modemManager reports whether ModemManager runs (a /proc/N/comm says so) or is installed.
func (s *scanner) modemManager() string {
	procs, _ := os.ReadDir(s.path("/proc"))
	n := 0
	for _, p := range procs {
		if !p.IsDir() || p.Name()[0] < '0' || p.Name()[0] > '9' {
			continue
		}
		if n++; n > 10000 {
			break
		}
		b, err := os.ReadFile(filepath.Join(s.path("/proc"), p.Name(), "comm"))
		if err == nil && strings.TrimSpace(string(b)) == "ModemManager" {
			return "running"
		}
	}
	for _, p := range []string{"/usr/sbin/ModemManager", "/usr/bin/ModemManager", "/sbin/ModemManager"} {
		if _, err := os.Stat(s.path(p)); err == nil {
			return "installed"
		}
	}
	return "not found"
}

// udevFile is where scan's udev rules go.
const udevFile = "/etc/udev/rules.d/99-uapos.rules"

func udevAttrs(vid, pid string) string {
	if vid == "" {
		return ""
	}
	return fmt.Sprintf(`ATTRS{idVendor}=="%s", ATTRS{idProduct}=="%s", `, strings.ToLower(vid), strings.ToLower(pid))
}

// problems lists permission and ModemManager problems with their exact fix.
func (s *scanner) problems(r *scanReport) []problem {
	out := []problem{}
	if s.goos == "windows" {
		return out
	}
	reload := "then: sudo udevadm control --reload && sudo udevadm trigger"
	check := func(node, defGroup, rule string) {
		if s.isRoot || node == "" {
			return
		}
		err := s.access(s.path(node))
		if err == nil {
			return
		}
		if errors.Is(err, fs.ErrNotExist) {
			out = append(out, problem{node, "listed by the kernel but the device node is missing",
				"check that udev is running (or re-plug the device); " + reload})
			return
		}
		if !errors.Is(err, fs.ErrPermission) {
			out = append(out, problem{node, "cannot check access: " + err.Error(), "run hwprobe as the user of the cash-register application"})
			return
		}
		g := s.nodeGroup(s.path(node))
		if g == "" {
			g = defGroup
		}
		fix := fmt.Sprintf("sudo usermod -aG %s $USER, then log out and back in", g)
		if r.Env.Groups[g] == "pending" {
			fix = fmt.Sprintf("you were added to group %s but this session predates it: log out and back in", g)
		} else if r.Env.Groups[g] == "yes" {
			fix = fmt.Sprintf("add a udev rule to %s: %s\n%s", udevFile, rule, reload)
		} else {
			fix += fmt.Sprintf("; or add a udev rule to %s: %s\n%s", udevFile, rule, reload)
		}
		out = append(out, problem{node, "no read/write permission (group " + g + ")", fix})
	}
	for _, p := range r.Serial {
		rule := fmt.Sprintf(`SUBSYSTEM=="tty", KERNEL=="%s", %sMODE="0660", GROUP="dialout"`, filepath.Base(p.Name), udevAttrs(p.VID, p.PID))
		if p.VID != "" {
			rule = fmt.Sprintf(`SUBSYSTEM=="tty", %sMODE="0660", GROUP="dialout"`, udevAttrs(p.VID, p.PID))
		}
		check(p.Name, "dialout", rule)
		if r.Env.ModemManager == "running" && strings.Contains(p.Name, "ttyACM") {
			ign := `KERNEL=="ttyACM*", ENV{ID_MM_DEVICE_IGNORE}="1"`
			if p.VID != "" {
				ign = fmt.Sprintf(`%sENV{ID_MM_DEVICE_IGNORE}="1"`, udevAttrs(p.VID, p.PID))
			}
			out = append(out, problem{p.Name, "ModemManager probes ttyACM devices with AT commands after plug-in and can upset printers and terminals",
				fmt.Sprintf("add to %s: %s\n%s (or: sudo systemctl disable --now ModemManager)", udevFile, ign, reload)})
		}
	}
	for _, p := range r.USB {
		rule := fmt.Sprintf(`SUBSYSTEM=="usbmisc", KERNEL=="lp*", %sMODE="0660", GROUP="lp"`, udevAttrs(p.VID, p.PID))
		check(p.Node, "lp", rule)
	}
	return out
}

// runScan is `hwprobe scan`.
func runScan(ctx context.Context, a *app, args []string) error {
	fs := newFlags("scan", a.stderr)
	asJSON := fs.Bool("json", false, "print the report as JSON")
	timeout := fs.Duration("timeout", 5*time.Second, "give up listing after this long")
	if _, err := parseInterspersed(fs, args); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	r := newScanner(a.root).scan(ctx)
	if *asJSON {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	writeScan(a.stdout, r)
	return nil
}

func writeScan(w io.Writer, r *scanReport) {
	e := r.Env
	fmt.Fprintln(w, "Environment")
	fmt.Fprintf(w, "  system        %s/%s\n", e.OS, e.Arch)
	if e.User != "" {
		root := ""
		if e.IsRoot {
			root = " (root: permission checks skipped)"
		}
		fmt.Fprintf(w, "  user          %s%s\n", e.User, root)
	}
	if e.Groups != nil {
		fmt.Fprintf(w, "  groups        dialout: %s, lp: %s, plugdev: %s\n", e.Groups["dialout"], e.Groups["lp"], e.Groups["plugdev"])
	}
	if e.Libusb {
		fmt.Fprintln(w, "  libusb        compiled in (usb:// URLs work)")
	} else {
		fmt.Fprintln(w, "  libusb        not compiled in (usblp:// works; build with -tags libusb for usb://)")
	}
	fmt.Fprintf(w, "  ModemManager  %s\n", e.ModemManager)

	fmt.Fprintln(w, "\nSerial ports")
	if len(r.Serial) == 0 {
		fmt.Fprintln(w, "  none found")
	}
	for _, p := range r.Serial {
		line := "  " + p.Name
		if p.IsUSB {
			line += fmt.Sprintf("  USB %s:%s", p.VID, p.PID)
		}
		if p.SerialNumber != "" {
			line += "  serial=" + p.SerialNumber
		}
		if s := strings.TrimSpace(p.Manufacturer + " " + p.Product); s != "" {
			line += "  " + fmt.Sprintf("%q", s)
		}
		if p.Driver != "" {
			line += "  driver=" + p.Driver
		}
		if p.Label != "" {
			line += "  [" + p.Kind + ": " + p.Label + "]"
		} else if !p.IsUSB {
			line += "  [built-in serial port]"
		}
		fmt.Fprintln(w, line)
	}

	fmt.Fprintln(w, "\nUSB printers (class 07)")
	if len(r.USB) == 0 {
		fmt.Fprintln(w, "  none found")
	}
	for _, p := range r.USB {
		node := p.Node
		if node == "" {
			node = "(no /dev/usb/lp node: usblp not bound)"
		}
		line := fmt.Sprintf("  %s  USB %s:%s", node, p.VID, p.PID)
		if p.SerialNumber != "" {
			line += "  serial=" + p.SerialNumber
		}
		if s := strings.TrimSpace(p.Manufacturer + " " + p.Product); s != "" {
			line += "  " + fmt.Sprintf("%q", s)
		}
		if p.Label != "" {
			line += "  [" + p.Label + "]"
		}
		fmt.Fprintln(w, line)
		if p.IEEE1284ID != "" {
			fmt.Fprintf(w, "      IEEE-1284 ID: %s\n", p.IEEE1284ID)
		}
		fmt.Fprintf(w, "      sysfs: %s\n", p.SysPath)
	}

	fmt.Fprintln(w, "\nProblems")
	if len(r.Problems) == 0 {
		fmt.Fprintln(w, "  none found")
	}
	for _, p := range r.Problems {
		fmt.Fprintf(w, "  %s: %s\n", p.Device, p.Issue)
		for _, l := range strings.Split(p.Fix, "\n") {
			fmt.Fprintf(w, "      fix: %s\n", l)
		}
	}
	for _, e := range r.Errors {
		fmt.Fprintf(w, "\nwarning: %s\n", e)
	}
	if len(r.Serial) == 0 && len(r.USB) == 0 {
		fmt.Fprintln(w, "\nNo devices found. To try hwprobe without hardware: hwprobe demo")
	}
}
