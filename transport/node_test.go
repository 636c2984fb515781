package transport_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/uapos/uapos/transport"
)

// A path that names a regular file or a directory is refused with ErrNotADevice before it is
// opened: `hwprobe probe usblp:///some/file` once overwrote the file's first bytes with query
// frames (issue 19 item 1).
func TestOpenRefusesFilesAndDirectories(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "notes.txt")
	content := []byte("shopping list: bread, milk\n")
	if err := os.WriteFile(file, content, 0o644); err != nil {
		t.Fatal(err)
	}
	urls := []string{"serial://" + file, "serial://" + file + "?baud=115200", file, "serial://" + dir, dir}
	if runtime.GOOS == "linux" {
		urls = append(urls, "usblp://"+file, "usblp://"+dir)
	}
	for _, u := range urls {
		c, err := transport.Open(context.Background(), u)
		if err == nil {
			c.Write([]byte("\x10\x04\x01")) // what probe would send: the check below must see it
			c.Close()
			t.Errorf("Open(%q) succeeded; want ErrNotADevice", u)
			continue
		}
		if !errors.Is(err, transport.ErrNotADevice) {
			t.Errorf("Open(%q) = %v; want ErrNotADevice", u, err)
		}
		for _, other := range []error{transport.ErrNotFound, transport.ErrNotSerial, transport.ErrBadURL} {
			if errors.Is(err, other) {
				t.Errorf("Open(%q) = %v also matches %v", u, err, other)
			}
		}
	}
	got, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, content) {
		t.Fatalf("file changed to %q; want %q", got, content)
	}
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) != 1 {
		t.Fatalf("directory holds %d entries (%v); want only the file", len(entries), err)
	}
}
