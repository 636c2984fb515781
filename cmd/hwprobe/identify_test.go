package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/uapos/uapos/harness"
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

// identify --json: the verdict for scripts, every key snake_case (issue 19 #11).
func TestIdentifyJSON(t *testing.T) {
	var out bytes.Buffer
	a := &app{stdout: &out, stderr: &out}
	if err := a.run(context.Background(), []string{"identify", "--json", "testdata/captures/privatjson-ping.cap"}); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	var r identifyReport
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if !strings.HasPrefix(r.Protocol, "PrivatBank / SSI JSON ECR protocol") || r.HostToDevice.Framing != "0x00-terminated JSON" ||
		r.HostToDevice.Frames == 0 || !slices.Contains(r.HostToDevice.Names, "PingDevice") || len(r.HostToDevice.FirstHex) == 0 {
		t.Errorf("%+v", r)
	}
	keys := jsonKeys(t, out.Bytes())
	if !slices.Contains(keys, "host_to_device") || !slices.Contains(keys, "explained_percent") {
		t.Fatalf("keys %q: the check below would miss them", keys)
	}
	for _, k := range keys {
		if !snakeKey.MatchString(k) {
			t.Errorf("key %q is not snake_case", k)
		}
	}
}

// identify's readable column never shows a card number, even one split across two dump
// lines.
func TestIdentifyDumpMasksCardNumbers(t *testing.T) {
	pan := "4111" + strings.Repeat("1111", 3) // a test card number, built so the source holds none
	data := []byte("GET /?x=1&card=" + pan + " HTTP/1.0\r\n")
	file := filepath.Join(t.TempDir(), "card.cap")
	if err := os.WriteFile(file, []byte("0.000000 > "+spacedHex(data)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	a := &app{stdout: &out, stderr: &out}
	a.run(context.Background(), []string{"identify", file})
	var cols strings.Builder
	for _, l := range strings.Split(out.String(), "\n") {
		if i, j := strings.Index(l, "|"), strings.LastIndex(l, "|"); i >= 0 && j > i {
			cols.WriteString(l[i+1 : j])
		}
	}
	if !strings.Contains(cols.String(), "card=") {
		t.Fatalf("no readable column with the data: the check below would prove nothing\n%s", out.String())
	}
	if pans := harness.FindPANs(cols.String()); len(pans) > 0 {
		t.Errorf("%d unmasked card numbers in identify's readable column", len(pans))
	}
}

// spacedHex writes b as "aa bb cc", the capture format's data field.
func spacedHex(b []byte) string {
	h := make([]string, len(b))
	for i, c := range b {
		h[i] = hex.EncodeToString([]byte{c})
	}
	return strings.Join(h, " ")
}
