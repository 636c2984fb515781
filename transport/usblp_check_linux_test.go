//go:build linux

package transport

import (
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// charDev is the FileInfo of a character device with a given device number.
type charDev struct{ major, minor uint32 }

func (d charDev) Name() string       { return "node" }
func (d charDev) Size() int64        { return 0 }
func (d charDev) Mode() fs.FileMode  { return fs.ModeDevice | fs.ModeCharDevice | 0o660 }
func (d charDev) ModTime() time.Time { return time.Time{} }
func (d charDev) IsDir() bool        { return false }
func (d charDev) Sys() any           { return &syscall.Stat_t{Rdev: unix.Mkdev(d.major, d.minor)} }

// The fake sysfs tree (testdata/README.md) has one usblp node, lp0 = 180:0 bound to usblp.
func TestCheckUSBLPFakeTree(t *testing.T) {
	root := "testdata/sysfs"
	if err := checkUSBLP(root, charDev{180, 0}); err != nil {
		t.Errorf("lp0 (180:0) refused: %v", err)
	}
	for _, d := range []charDev{{180, 1}, {1, 3}, {188, 0}, {136, 2}} {
		if err := checkUSBLP(root, d); err == nil {
			t.Errorf("%d:%d accepted as a usblp node", d.major, d.minor)
		}
	}
}

// An lpN in class usbmisc whose driver is not usblp is refused; a tree without /sys/class
// (sysfs not mounted) cannot be checked and passes.
func TestCheckUSBLPDriverAndNoSysfs(t *testing.T) {
	root := t.TempDir()
	lp := filepath.Join(root, "sys", "devices", "usb1", "1-1", "1-1.if0")
	node := filepath.Join(lp, "usbmisc", "lp3")
	drv := filepath.Join(root, "sys", "bus", "usb", "drivers", "other")
	for _, d := range []string{node, drv, filepath.Join(root, "sys", "class", "usbmisc")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.WriteFile(filepath.Join(node, "dev"), []byte("180:3\n"), 0o644))
	must(os.Symlink("../..", filepath.Join(node, "device")))
	must(os.Symlink(drv, filepath.Join(lp, "driver")))
	must(os.Symlink(node, filepath.Join(root, "sys", "class", "usbmisc", "lp3")))
	if err := checkUSBLP(root, charDev{180, 3}); err == nil {
		t.Error("lp3 bound to driver \"other\" accepted")
	}
	must(os.Remove(filepath.Join(lp, "driver")))
	must(os.Symlink("../../../../bus/usb/drivers/usblp", filepath.Join(lp, "driver")))
	if err := checkUSBLP(root, charDev{180, 3}); err != nil {
		t.Errorf("lp3 bound to usblp refused: %v", err)
	}
	if err := checkUSBLP(t.TempDir(), charDev{1, 3}); err != nil {
		t.Errorf("no sysfs: %v; want the check skipped", err)
	}
}
