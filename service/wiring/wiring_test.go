package wiring

import (
	"strings"
	"testing"

	"github.com/uapos/uapos/service"
)

// TestConfigurationErrors: a device the protocols cannot serve is refused with its name and
// the reason, before anything is opened.
func TestConfigurationErrors(t *testing.T) {
	cases := []struct {
		dev  service.DeviceConfig
		want string
	}{
		{service.DeviceConfig{Name: "t", Kind: service.KindTerminal, Protocol: "nope", URL: "tcp://127.0.0.1:1"}, `terminal t: unknown protocol "nope"`},
		{service.DeviceConfig{Name: "t", Kind: service.KindTerminal, Protocol: "privatjson", Bank: "NoSuchBank", URL: "tcp://127.0.0.1:1"}, `bank "NoSuchBank" has no`},
		{service.DeviceConfig{Name: "t", Kind: service.KindTerminal, Protocol: "ssijson", URL: "serial:///dev/ttyS0"}, "want tcp://host:port"},
		{service.DeviceConfig{Name: "t", Kind: service.KindTerminal, Protocol: "ssijson", URL: "tcp://127.0.0.1:99999"}, "bad port"},
		{service.DeviceConfig{Name: "t", Kind: service.KindTerminal, Protocol: "bpos1", Library: "/x/libBPOSLib.so", URL: "usblp:///dev/usb/lp0"}, "a vendor library takes tcp:// or serial://"},
		{service.DeviceConfig{Name: "t", Kind: service.KindTerminal, Protocol: "posapi", URL: "serial:///dev/ttyS0?baud=fast"}, "bad baud"},
		{service.DeviceConfig{Name: "p", Kind: service.KindPrinter, URL: "tcp://127.0.0.1:1", Profile: "no-such-printer"}, "printer p:"},
	}
	for _, c := range cases {
		w := &Wiring{}
		_, err := w.Options(&service.Config{Devices: []service.DeviceConfig{c.dev}})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want one containing %q", c.dev, err, c.want)
		}
	}
}

// TestOneJournal: every terminal writes the journal the service reads, under its key.
func TestOneJournal(t *testing.T) {
	w := &Wiring{}
	cfg := &service.Config{Devices: []service.DeviceConfig{
		{Name: "a", Kind: service.KindTerminal, Protocol: "privatjson", URL: "tcp://127.0.0.1:1"},
		{Name: "b", Kind: service.KindTerminal, Protocol: "bposlight", URL: "tcp://127.0.0.1:1", JournalKey: "shop:b"},
	}}
	o, err := w.Options(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if o.Journal == nil || o.Journal != w.Journal {
		t.Fatal("the service's journal is not the adapters' journal")
	}
	if len(o.Terminals) != 2 || o.Terminals[0].JournalKey != "uaposd:a" || o.Terminals[1].JournalKey != "shop:b" {
		t.Fatalf("journal keys: %+v", o.Terminals)
	}
	if o.Terminals[0].Caps.Protocol == "" || o.Terminals[0].Open == nil {
		t.Fatalf("terminal a: %+v", o.Terminals[0])
	}
}
