package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/uapos/uapos/service"
)

// docBlock returns the fenced block of docs/service.md that follows marker (or the first
// fenced block of the given language after it).
func docBlock(t *testing.T, marker, lang string) string {
	t.Helper()
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "service.md"))
	if err != nil {
		t.Fatal(err)
	}
	s := string(doc)
	i := strings.Index(s, marker)
	if i < 0 {
		t.Fatalf("docs/service.md has no %q", marker)
	}
	s = s[i:]
	start := strings.Index(s, "```"+lang+"\n")
	if start < 0 {
		t.Fatalf("no ```%s block after %q", lang, marker)
	}
	s = s[start+len("```"+lang+"\n"):]
	end := strings.Index(s, "```")
	if end < 0 {
		t.Fatal("unterminated block")
	}
	return s[:end]
}

// TestPythonSnippet runs the README's Python snippet against the embedded default: it pays
// and prints.
func TestPythonSnippet(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not installed: the Python snippet of docs/service.md is not run")
	}
	code := docBlock(t, "<!-- snippet: pay_and_print.py -->", "python")
	path := filepath.Join(t.TempDir(), "pay_and_print.py")
	if err := os.WriteFile(path, []byte(code), 0o600); err != nil {
		t.Fatal(err)
	}
	s := startStack(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, py, path)
	cmd.Env = append(os.Environ(), "UAPOSD_URL="+s.url, "PYTHONIOENCODING=utf-8")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("python3: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "approved 12.34 RRN") || !strings.Contains(string(out), "printed") {
		t.Fatalf("output:\n%s", out)
	}
	if n := s.privat().Charges(); n != 1 {
		t.Fatalf("charged %d", n)
	}
	s.ok("GET", "/v1/printers/prn/status", nil) // after the print job on the same link
	rs := s.printer().Receipts()
	if len(rs) != 1 || !strings.Contains(rs[0].Plain, "ДЯКУЄМО ЗА ПОКУПКУ") || !strings.Contains(rs[0].Plain, "ПРИВАТБАНК") {
		t.Fatalf("receipt:\n%v", rs)
	}
}

// TestDocsConfigExample: the configuration example of docs/service.md passes check-config.
func TestDocsConfigExample(t *testing.T) {
	y := docBlock(t, "### Configuration", "yaml")
	if _, err := service.ParseConfig([]byte(y)); err != nil {
		t.Fatalf("the documented configuration: %v", err)
	}
}
