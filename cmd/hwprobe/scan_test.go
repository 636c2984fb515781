package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// fakeScanner scans testdata/root as a non-root user who may open everything except the
// nodes listed in denied.
func fakeScanner(t *testing.T, root string, denied ...string) *scanner {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("the fake sysfs tree uses symlinks")
	}
	s := newScanner(root)
	s.isRoot = false
	s.goos = "linux"
	s.userName = func() string { return "cashier" }
	s.groups = func() (map[string]bool, map[string]bool) {
		return map[string]bool{"dialout": true}, map[string]bool{"dialout": true}
	}
	s.access = func(p string) error {
		for _, d := range denied {
			if strings.HasSuffix(filepath.ToSlash(p), d) {
				return &os.PathError{Op: "access", Path: p, Err: fs.ErrPermission}
			}
		}
		return nil
	}
	s.nodeGroup = func(p string) string {
		if strings.Contains(filepath.ToSlash(p), "/dev/usb/") {
			return "lp"
		}
		return "dialout"
	}
	return s
}

func TestScanFakeSysfs(t *testing.T) {
	s := fakeScanner(t, "testdata/root", "/dev/usb/lp0")
	r := s.scan(context.Background())

	var names []string
	for _, p := range r.Serial {
		names = append(names, p.Name)
	}
	// ttyS1 is a placeholder UART (type 0) and tty0 is virtual: neither is listed.
	if got, want := strings.Join(names, " "), "/dev/ttyACM0 /dev/ttyS0 /dev/ttyUSB0"; got != want {
		t.Fatalf("serial ports %q, want %q", got, want)
	}
	byName := map[string]serialEntry{}
	for _, p := range r.Serial {
		byName[p.Name] = p
	}
	if p := byName["/dev/ttyUSB0"]; p.VID != "1A86" || p.PID != "7523" || p.Kind != "USB-serial bridge" || !strings.Contains(p.Label, "CH340") {
		t.Errorf("ttyUSB0 = %+v", p)
	}
	if p := byName["/dev/ttyACM0"]; p.SerialNumber != "A1B2C3" || p.Kind != "USB-CDC serial" || p.Driver != "cdc_acm" {
		t.Errorf("ttyACM0 = %+v", p)
	}
	if p := byName["/dev/ttyS0"]; p.IsUSB || p.Label != "" {
		t.Errorf("ttyS0 = %+v", p)
	}

	if len(r.USB) != 1 {
		t.Fatalf("USB printers %+v, want one", r.USB)
	}
	u := r.USB[0]
	if u.Node != "/dev/usb/lp0" || u.VID != "04B8" || u.PID != "0202" || u.Protocol != 2 ||
		u.IEEE1284ID != "MFG:EPSON;CMD:ESC/POS;MDL:TM-T88IV;CLS:PRINTER;" || !strings.Contains(u.Label, "Epson") {
		t.Errorf("printer = %+v", u)
	}

	if r.Env.ModemManager != "running" {
		t.Errorf("ModemManager %q, want running", r.Env.ModemManager)
	}
	if r.Env.Groups["dialout"] != "yes" || r.Env.Groups["lp"] != "no" {
		t.Errorf("groups %v", r.Env.Groups)
	}

	// Two problems: lp0 not writable (fix: join lp, udev rule with the printer's ids), and
	// ModemManager with a ttyACM device (fix: ID_MM_DEVICE_IGNORE rule).
	if len(r.Problems) != 2 {
		t.Fatalf("problems %+v, want 2", r.Problems)
	}
	var lp, mm problem
	for _, p := range r.Problems {
		switch p.Device {
		case "/dev/usb/lp0":
			lp = p
		case "/dev/ttyACM0":
			mm = p
		}
	}
	if !strings.Contains(lp.Fix, "usermod -aG lp") ||
		!strings.Contains(lp.Fix, `SUBSYSTEM=="usbmisc", KERNEL=="lp*", ATTRS{idVendor}=="04b8", ATTRS{idProduct}=="0202", MODE="0660", GROUP="lp"`) {
		t.Errorf("lp0 fix %q", lp.Fix)
	}
	if !strings.Contains(mm.Fix, `ATTRS{idVendor}=="0416", ATTRS{idProduct}=="5011", ENV{ID_MM_DEVICE_IGNORE}="1"`) {
		t.Errorf("ModemManager fix %q", mm.Fix)
	}

	var out bytes.Buffer
	writeScan(&out, r)
	for _, want := range []string{"/dev/ttyUSB0  USB 1A86:7523", "IEEE-1284 ID: MFG:EPSON", "ModemManager  running", "fix: sudo usermod -aG lp $USER"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

// A pending group membership (usermod done, no new login yet) gets its own advice.
func TestScanPendingGroup(t *testing.T) {
	s := fakeScanner(t, "testdata/root", "/dev/ttyUSB0")
	s.groups = func() (map[string]bool, map[string]bool) { return map[string]bool{"dialout": true}, map[string]bool{} }
	r := s.scan(context.Background())
	for _, p := range r.Problems {
		if p.Device == "/dev/ttyUSB0" {
			if !strings.Contains(p.Fix, "log out and back in") || strings.Contains(p.Fix, "usermod") {
				t.Errorf("fix %q", p.Fix)
			}
			return
		}
	}
	t.Fatalf("no problem for ttyUSB0: %+v", r.Problems)
}

// On a machine with no devices (an empty root) scan says "none found" for each section.
func TestScanNoDevices(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("sysfs is Linux only")
	}
	var out, errb bytes.Buffer
	a := &app{stdout: &out, stderr: &errb, root: t.TempDir()}
	if err := a.run(context.Background(), []string{"scan"}); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	if n := strings.Count(s, "  none found"); n != 3 {
		t.Errorf("%d sections say none found, want 3 (serial, USB, problems):\n%s", n, s)
	}
	if !strings.Contains(s, "No devices found") || !strings.Contains(s, "hwprobe demo") {
		t.Errorf("no clear closing line:\n%s", s)
	}
	if !strings.Contains(s, "ModemManager  not found") {
		t.Errorf("ModemManager line:\n%s", s)
	}
}

// The real machine: scan must finish (bounded) and print its three sections.
func TestScanThisMachine(t *testing.T) {
	var out bytes.Buffer
	a := &app{stdout: &out, stderr: &out}
	if err := a.run(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	for _, sec := range []string{"Environment", "Serial ports", "USB printers", "Problems"} {
		if !strings.Contains(out.String(), sec) {
			t.Errorf("no %s section:\n%s", sec, out.String())
		}
	}
}

func TestLookupDevice(t *testing.T) {
	tests := []struct{ vid, pid, kind string }{
		{"04b8", "0202", "receipt printer"},
		{"1A86", "7523", "USB-serial bridge"},
		{"11ca", "0220", "payment terminal"},
		{"0b00", "1234", "payment terminal"}, // vendor-only row
		{"154f", "0001", "receipt printer"},
		{"dead", "beef", ""},
		{"", "", ""},
	}
	for _, tc := range tests {
		d, ok := lookupDevice(tc.vid, tc.pid)
		if got := map[bool]string{true: d.kind.String(), false: ""}[ok]; got != tc.kind {
			t.Errorf("lookupDevice(%s, %s) = %q, want %q", tc.vid, tc.pid, got, tc.kind)
		}
	}
}

// scan --json on the fake tree: a machine-readable report for support tickets.
func TestScanJSON(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the fake sysfs tree uses symlinks")
	}
	var out bytes.Buffer
	a := &app{stdout: &out, stderr: &out, root: "testdata/root"}
	if err := a.run(context.Background(), []string{"scan", "--json"}); err != nil {
		t.Fatal(err)
	}
	var r scanReport
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if len(r.Serial) != 3 || len(r.USB) != 1 || r.USB[0].IEEE1284ID == "" || r.Env.ModemManager != "running" {
		t.Errorf("%+v", r)
	}
	// Every key is snake_case, those of the port and printer entries from the transport
	// package included (issue 19 #11).
	keys := jsonKeys(t, out.Bytes())
	for _, want := range []string{"serial_ports", "usb_printers", "is_usb", "ieee1284_id", "sys_path", "modem_manager"} {
		if !slices.Contains(keys, want) {
			t.Errorf("no key %q in the scan of the fake tree: the check below would miss it", want)
		}
	}
	for _, k := range keys {
		if !snakeKey.MatchString(k) {
			t.Errorf("key %q is not snake_case", k)
		}
	}
}

// snakeKey is the form of every key in hwprobe's JSON output (issue 19 #11).
var snakeKey = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)

// jsonKeys returns every object key in the JSON document b, at any depth.
func jsonKeys(t *testing.T, b []byte) []string {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	var keys []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, e := range v {
				keys = append(keys, k)
				walk(e)
			}
		case []any:
			for _, e := range v {
				walk(e)
			}
		}
	}
	walk(v)
	return keys
}
