package main

import (
	"bytes"
	"context"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
)

// hwprobe version names the module version and the VCS commit the binary was built from
// (issue 19 #11).
func TestVersionLine(t *testing.T) {
	bi := &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Path: "github.com/uapos/uapos", Version: "v0.3.1"},
		Settings: []debug.BuildSetting{
			{Key: "vcs", Value: "git"},
			{Key: "vcs.revision", Value: "d8ae0b5c0ffee"},
			{Key: "vcs.time", Value: "2026-11-20T10:00:00Z"},
			{Key: "vcs.modified", Value: "true"},
		}}
	want := "hwprobe github.com/uapos/uapos v0.3.1 (commit d8ae0b5c0ffee, 2026-11-20T10:00:00Z, modified) go1.26.0"
	if got := versionLine(bi, true); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	bi.Settings, bi.Main.Version = nil, ""
	if got := versionLine(bi, true); got != "hwprobe github.com/uapos/uapos (devel) (no VCS information) go1.26.0" {
		t.Errorf("no VCS: %q", got)
	}
	if got := versionLine(nil, false); !strings.Contains(got, "no build information") {
		t.Errorf("no build info: %q", got)
	}
	var out bytes.Buffer
	a := &app{stdout: &out, stderr: &out}
	if err := a.run(context.Background(), []string{"version"}); err != nil {
		t.Fatal(err)
	}
	if s := out.String(); !strings.HasPrefix(s, "hwprobe ") || !strings.Contains(s, runtime.Version()) {
		t.Errorf("hwprobe version printed %q", s)
	}
}
