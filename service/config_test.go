package service

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const goodConfig = `# a shop with one PrivatBank terminal, a printer and its drawer
listen: 127.0.0.1:3939
journal: /var/lib/uaposd/journal.db
retention: 2160h
operation_timeout: 310s
log: {format: json, level: info}
devices:
  - name: priv
    kind: terminal
    protocol: privatjson
    url: tcp://192.0.2.10:2000
    bank: PrivatBank
    merchant: "1"
  - name: oschad
    kind: terminal
    protocol: bpos1
    library: /opt/ingenico/libBPOSLib.so
    bank: Oschadbank
  - {name: prn, kind: printer, url: "tcp://192.0.2.11:9100", profile: xprinter-xp80}
  - {name: cash, kind: drawer, printer: prn, pin: 5}
checkout:
  fiscal_url: https://fiscal.internal.example/uapos
  terminal: priv
  printer: prn
  drawer: cash
`

func TestParseConfigGood(t *testing.T) {
	cfg, err := ParseConfig([]byte(goodConfig))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Listen != "127.0.0.1:3939" || cfg.Retention != 2160*time.Hour || cfg.OperationTimeout != 310*time.Second || cfg.LogFormat != "json" {
		t.Fatalf("%+v", cfg)
	}
	if len(cfg.Devices) != 4 || cfg.Devices[0].Merchant != "1" || cfg.Devices[1].Library == "" || cfg.Devices[3].Pin != 5 || cfg.Devices[2].Line != 19 {
		t.Fatalf("%+v", cfg.Devices)
	}
	if cfg.Checkout.Drawer != "cash" {
		t.Fatalf("%+v", cfg.Checkout)
	}
	if _, err := ParseConfig(nil); err != nil {
		t.Fatalf("an empty file is every default: %v", err)
	}
}

// TestParseConfigErrors: every problem is reported with its line (and column), all at once.
func TestParseConfigErrors(t *testing.T) {
	cases := []struct {
		name, yaml string
		want       []string // "line:col: fragment"
	}{
		{"syntax", "listen: [127.0.0.1\n", []string{"1: did not find expected"}},
		{"tab indentation", "devices:\n\t- name: x\n", []string{"2:"}},
		{"unknown top key", "listen: 127.0.0.1:3939\nlisten_port: 1\n", []string{"2:1: unknown key \"listen_port\""}},
		{"repeated key", "listen: 127.0.0.1:1\nlisten: 127.0.0.1:2\n", []string{"2:1: key \"listen\" given twice"}},
		{"wrong type", "devices:\n  - name: p\n    kind: drawer\n    printer: q\n    pin: two\n", []string{"5:10: cannot unmarshal", "4:14: drawer \"p\": no printer named \"q\""}},
		{"bad duration", "operation_timeout: 5 minutes\n", []string{"1:20: \"5 minutes\" is not a duration"}},
		{"public bind without token", "listen: 0.0.0.0:3939\n", []string{"1:9: listen \"0.0.0.0:3939\": binding an address other than loopback needs an API token"}},
		{"devices not a list", "devices: {name: x}\n", []string{"1:10: devices: want a list"}},
		{"unknown protocol", "devices:\n  - name: t\n    kind: terminal\n    protocol: ingenico\n    url: tcp://192.0.2.1:1\n", []string{"4:15: protocol \"ingenico\": want one of bpos1, bposlight, posapi, privatjson, ssijson"}},
		{"bank without a row", "devices:\n  - name: t\n    kind: terminal\n    protocol: bposlight\n    url: tcp://192.0.2.1:1\n    bank: PrivatBank\n", []string{"6:11: bank \"PrivatBank\" has no BPOS Light row"}},
		{"posapi without library", "devices:\n  - {name: r, kind: terminal, protocol: posapi, bank: Raiffeisen}\n", []string{"2:41: posapi needs library"}},
		{"terminal without url", "devices:\n  - {name: t, kind: terminal, protocol: privatjson}\n", []string{"2:21: terminal \"t\" has no url"}},
		{"bad url", "devices:\n  - {name: p, kind: printer, url: \"http://192.0.2.1/\"}\n", []string{"2:35: url \"http://192.0.2.1/\": want tcp://"}},
		{"unknown profile", "devices:\n  - {name: p, kind: printer, url: \"tcp://192.0.2.1:9100\", profile: epson9000}\n", []string{"2:68: profile \"epson9000\""}},
		{"key of another kind", "devices:\n  - {name: p, kind: printer, url: \"tcp://192.0.2.1:9100\", bank: PrivatBank}\n", []string{"2:65: bank is not a key of a printer"}},
		{"duplicate name", "devices:\n  - {name: p, kind: printer, url: \"tcp://192.0.2.1:9100\"}\n  - {name: p, kind: printer, url: \"tcp://192.0.2.2:9100\"}\n", []string{"3:12: device name \"p\" already used on line 2"}},
		{"bad name", "devices:\n  - {name: \"my printer\", kind: printer, url: \"tcp://192.0.2.1:9100\"}\n", []string{"2:12: device name \"my printer\""}},
		{"no kind", "devices:\n  - {name: p, url: \"tcp://192.0.2.1:9100\"}\n", []string{"2:12: device \"p\" has no kind"}},
		{"bad kind", "devices:\n  - {name: p, kind: scanner}\n", []string{"2:21: kind \"scanner\""}},
		{"drawer pin", "devices:\n  - {name: p, kind: printer, url: \"tcp://192.0.2.1:9100\"}\n  - {name: d, kind: drawer, printer: p, pin: 3}\n", []string{"3:46: drawer pin 3"}},
		{"checkout names a missing device", "checkout:\n  terminal: nope\n", []string{"2:13: checkout terminal: no terminal named \"nope\""}},
		{"fiscal url", "checkout:\n  fiscal_url: ftp://x\n", []string{"2:15: fiscal_url: \"ftp://x\": want an http"}},
		{"log level", "log: {level: loud}\n", []string{"1:14: log level \"loud\""}},
		{"origin", "allowed_origins: [\"https://pos.example/path\"]\n", []string{"1:19: origin"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseConfig([]byte(c.yaml))
			var ces ConfigErrors
			if !errors.As(err, &ces) {
				t.Fatalf("err %v, want ConfigErrors", err)
			}
			text := err.Error()
			for _, w := range c.want {
				if !strings.Contains(text, w) {
					t.Errorf("errors:\n%s\nwant one with %q", text, w)
				}
			}
			for _, e := range ces {
				if e.Line == 0 {
					t.Errorf("no line: %v", e)
				}
			}
		})
	}
}

func TestLoadConfigNamesTheFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "uaposd.yaml")
	if err := os.WriteFile(p, []byte("listen: 127.0.0.1:3939\nbogus: 1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := LoadConfig(p)
	if err == nil || !strings.HasPrefix(err.Error(), p+":2:1: unknown key \"bogus\"") {
		t.Fatalf("%v", err)
	}
	if err := os.WriteFile(p, []byte(goodConfig), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadConfig(p); err != nil {
		t.Fatal(err)
	}
}

func TestCheckListen(t *testing.T) {
	for _, c := range []struct {
		addr, token string
		ok          bool
	}{
		{"127.0.0.1:3939", "", true},
		{"localhost:3939", "", true},
		{"[::1]:3939", "", true},
		{"127.0.0.2:0", "", true},
		{":3939", "", false},
		{"0.0.0.0:3939", "", false},
		{"0.0.0.0:3939", "t", true},
		{"192.0.2.1:3939", "", false},
		{"3939", "", false},
	} {
		if err := CheckListen(c.addr, c.token); (err == nil) != c.ok {
			t.Errorf("%q token %q: %v", c.addr, c.token, err)
		}
	}
}
