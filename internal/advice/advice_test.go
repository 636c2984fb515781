package advice

import (
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/uapos/uapos/transport"
)

func TestOpen(t *testing.T) {
	for _, tc := range []struct {
		name, url string
		err       error
		problem   string
		en, uk    string // substrings
	}{
		{"permission with the transport's hint", "serial:///dev/ttyUSB0",
			&transport.Error{Op: "open", Kind: transport.ErrPermission, Hint: "add the user to the dialout group"},
			Permission, "dialout", "немає дозволу"},
		{"permission without a hint", "serial:///dev/ttyUSB0", fmt.Errorf("open: %w", os.ErrPermission),
			Permission, "hwprobe scan", "hwprobe scan"},
		{"port name changed", "serial:///dev/ttyACM0", &transport.Error{Op: "open", Kind: transport.ErrNotFound},
			Closed, "re-plugging", "перепідключення"},
		{"refused", "tcp://127.0.0.1:2000", fmt.Errorf("dial: %w", syscall.ECONNREFUSED),
			Closed, "nothing listens", "ніхто не слухає"},
		{"tcp connect timeout", "tcp://10.0.0.9:2000", fmt.Errorf("dial: %w", os.ErrDeadlineExceeded),
			Closed, "TCP connect", "TCP"},
		{"serial open timeout", "serial:///dev/ttyS0", fmt.Errorf("open: %w", os.ErrDeadlineExceeded),
			Closed, "opening timed out", "не вклалося"},
		{"held by another program", "serial:///dev/ttyS0", &transport.Error{Op: "open", Kind: transport.ErrBusy},
			Busy, "another program", "інша програма"},
		{"bad url", "ftp://x", &transport.Error{Op: "open", Kind: transport.ErrBadURL}, BadURL, "tcp://HOST:PORT", "tcp://HOST:PORT"},
		{"anything else", "tcp://127.0.0.1:1", fmt.Errorf("boom"), Closed, "cable", "кабель"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := Open(tc.url, tc.err)
			if a.Problem != tc.problem || !strings.Contains(a.EN, tc.en) || !strings.Contains(a.UK, tc.uk) {
				t.Fatalf("%+v", a)
			}
		})
	}
}

func TestNoAnswer(t *testing.T) {
	for url, want := range map[string]string{
		"serial:///dev/ttyUSB0?baud=9600": "baud rate",
		"/dev/ttyACM0":                    "baud rate",
		"COM3":                            "baud rate",
		"tcp://192.168.1.20:2000":         "cash-register port",
	} {
		a := NoAnswer(url)
		if a.Problem != Silent || !strings.Contains(a.EN, want) || a.UK == "" {
			t.Errorf("%s: %+v", url, a)
		}
	}
	if !strings.Contains(NoAnswer("serial:///dev/ttyUSB0").UK, "115200") {
		t.Error("the Ukrainian serial advice lost the baud rate")
	}
}
