package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
)

// protocolLine returns the text after "protocol: " in identify's output.
func protocolLine(t *testing.T, out string) string {
	t.Helper()
	for _, l := range strings.Split(out, "\n") {
		if p, ok := strings.CutPrefix(l, "protocol: "); ok {
			return p
		}
	}
	t.Fatalf("no protocol line in:\n%s", out)
	return ""
}

func TestIdentifyCaptures(t *testing.T) {
	tests := []struct {
		file, want string
	}{
		{"privatjson-ping.cap", "PrivatBank / SSI JSON ECR protocol"},
		{"bposlight-con.cap", "B-POS Light"},
		{"bpos1-ping.cap", "BPOS1 native wire"},
		{"escpos-status.cap", "ESC/POS receipt printer"},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			var out bytes.Buffer
			a := &app{stdout: &out, stderr: &out}
			if err := a.run(context.Background(), []string{"identify", "testdata/captures/" + tc.file}); err != nil {
				t.Fatalf("%v\n%s", err, out.String())
			}
			if got := protocolLine(t, out.String()); !strings.HasPrefix(got, tc.want) {
				t.Errorf("protocol %q, want %q", got, tc.want)
			}
		})
	}
}

func TestIdentifyUnknownDumpsHex(t *testing.T) {
	var out bytes.Buffer
	a := &app{stdout: &out, stderr: &out}
	err := a.run(context.Background(), []string{"identify", "testdata/captures/unknown.cap"})
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != 2 {
		t.Fatalf("err = %v, want exit code 2", err)
	}
	s := out.String()
	if got := protocolLine(t, s); !strings.HasPrefix(got, "not recognised") {
		t.Errorf("protocol %q", got)
	}
	for _, want := range []string{"could not recognise the framing (18 bytes)", "> 0000  47 45 54 20 2f 20 48 54 54 50 2f 31 2e 30 0d 0a  |GET / HTTP/1.0..|"} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
}

func TestIdentifyBadFile(t *testing.T) {
	var out bytes.Buffer
	a := &app{stdout: &out, stderr: &out}
	if err := a.run(context.Background(), []string{"identify", "testdata/captures/missing.cap"}); err == nil {
		t.Fatal("no error for a missing file")
	}
	if err := a.run(context.Background(), []string{"identify", "testdata/root/README.md"}); err == nil {
		t.Fatal("no error for a file that is not a capture")
	}
}
