package main

import (
	"context"
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// demo runs in-process on loopback; its JSON summary is parsed: every protocol that has a
// demo shows up, no step fails, and the receipt PNG (when the printer demo is built in) is
// written and decodes.
func TestDemo(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "receipt.png")
	var buf syncBuffer
	a := &app{stdout: &buf, stderr: &buf}
	if err := a.run(context.Background(), []string{"demo", "--json", "--out", out}); err != nil {
		t.Fatalf("demo: %v\n%s", err, buf.String())
	}
	var sum struct {
		Rows  []demoRow `json:"rows"`
		Files []string  `json:"files"`
	}
	if err := json.Unmarshal([]byte(buf.String()), &sum); err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	seen := map[string]bool{}
	for _, r := range sum.Rows {
		seen[strings.Fields(r.Protocol)[0]] = true // "bpos1 wire" counts for bpos1
		if r.Status != statusOK && r.Status != "skip" {
			t.Errorf("%s %s: %s %s", r.Protocol, r.Step, r.Status, r.Detail)
		}
	}
	for _, p := range protocols {
		if p.demo != nil && !seen[p.name] {
			t.Errorf("protocol %s has a demo but no row", p.name)
		}
	}
	// The package-mode sale (issue 11): both the sale and the auto-cancel ran and were ok.
	okSteps := map[string]bool{}
	for _, r := range sum.Rows {
		if r.Protocol == "checkout" && r.Status == statusOK {
			okSteps[r.Step] = true
		}
	}
	if !okSteps["cash + card sale"] || !okSteps["fiscal fails: auto-cancel"] {
		t.Errorf("package-mode rows missing or failed: %v", okSteps)
	}
	if p, ok := findProtocol("escpos"); ok && p.demo != nil {
		if len(sum.Files) == 0 || sum.Files[0] != out {
			t.Fatalf("files %q, want %s", sum.Files, out)
		}
		f, err := os.Open(out)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		img, err := png.Decode(f)
		if err != nil {
			t.Fatalf("receipt PNG: %v", err)
		}
		if w := img.Bounds().Dx(); w != 576 {
			t.Errorf("receipt width %d dots, want 576 (the reference receipt's paper)", w)
		}
	}
}

// The human form prints one aligned table row per step and the files written.
func TestWriteDemo(t *testing.T) {
	var b strings.Builder
	writeDemo(&b, []demoRow{
		{"privatjson", "purchase", statusOK, "approved 12.34"},
		{"bposlight", "refund", "skip", "not in DM row"},
		{"bpos1 wire", "void", statusFail, "payment: declined\nsecond line"},
	}, []string{"/tmp/r.png"})
	lines := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
	want := []string{
		"PROTOCOL    STEP      RESULT  DETAIL",
		"privatjson  purchase  ok      approved 12.34",
		"bposlight   refund    skip    not in DM row",
		"bpos1 wire  void      fail    payment: declined second line",
		"wrote /tmp/r.png",
	}
	if len(lines) != len(want)+1 {
		t.Fatalf("got %d lines:\n%s", len(lines), b.String())
	}
	for i, w := range want {
		if lines[i+1] != w {
			t.Errorf("line %d = %q, want %q", i+1, lines[i+1], w)
		}
	}
}
