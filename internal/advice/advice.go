// Package advice holds what a support engineer is told to do about a device that cannot be
// opened or does not answer: the texts hwprobe prints and uaposd's support page shows, in
// English and Ukrainian, so that both tools give the same advice for the same failure.
package advice

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"strings"
	"syscall"

	"github.com/uapos/uapos/transport"
)

// Problems that [Open] and [NoAnswer] tell apart (hwprobe's "problem" values).
const (
	Closed      = "closed"       // nothing to connect to: refused, no such port or device
	Permission  = "permission"   // the node exists but may not be opened
	Busy        = "busy"         // another program holds the port
	BadURL      = "bad-url"      // the URL cannot be used
	Unsupported = "unsupported"  // this build or platform cannot open it
	NotDevice   = "not-a-device" // the path is a file, a directory or not the device the scheme wants
	Silent      = "silent"       // opened, but nothing answered
)

// Advice is what to do about one failure.
type Advice struct {
	// Problem is one of the constants above.
	Problem string
	// EN and UK are the advice in English and in Ukrainian.
	EN, UK string
}

// Open returns the advice for an error of opening the link url (tcp://HOST:PORT,
// serial:///dev/ttyUSB0, usblp:///dev/usb/lp0, usb://VID:PID). A hint the transport gave
// (the group to join, a udev rule) is kept.
func Open(url string, err error) Advice {
	scheme, _, _ := strings.Cut(url, "://")
	var te *transport.Error
	hint := ""
	if errors.As(err, &te) {
		hint = te.Hint
	}
	withHint := func(problem, uk string) Advice {
		return Advice{problem, hint, uk + ": " + hint}
	}
	switch {
	case errors.Is(err, transport.ErrBadURL):
		return Advice{BadURL, "write it as tcp://HOST:PORT, serial:///dev/ttyUSB0?baud=115200, usblp:///dev/usb/lp0 or usb://VID:PID",
			"запишіть адресу як tcp://HOST:PORT, serial:///dev/ttyUSB0?baud=115200, usblp:///dev/usb/lp0 або usb://VID:PID"}
	case errors.Is(err, transport.ErrUnsupported):
		if hint != "" {
			return withHint(Unsupported, "ця збірка чи система не може його відкрити")
		}
		return Advice{Unsupported, "this build cannot open it (usb:// needs a build with -tags libusb; usblp:// is Linux only)",
			"ця збірка не може його відкрити (usb:// потребує збірки з -tags libusb; usblp:// є лише в Linux)"}
	case errors.Is(err, transport.ErrPermission), errors.Is(err, fs.ErrPermission):
		if hint != "" {
			return withHint(Permission, "немає дозволу відкрити порт")
		}
		return Advice{Permission, "run hwprobe scan: it prints the group to join and a udev rule",
			"немає дозволу відкрити порт: запустіть hwprobe scan, він покаже групу, до якої слід додати користувача, і правило udev"}
	case errors.Is(err, transport.ErrBusy):
		return Advice{Busy, "another program holds the port: stop the cash-register application or its driver service, then retry",
			"порт тримає інша програма: зупиніть касову програму або службу її драйвера й повторіть"}
	case errors.Is(err, syscall.ECONNREFUSED):
		return Advice{Closed, "nothing listens there: check the device is on, its IP address (DHCP may have changed it: reserve it in the router) and its ECR port",
			"там ніхто не слухає: перевірте, що пристрій увімкнено, його IP-адресу (DHCP міг її змінити: зарезервуйте її в роутері) і його порт ECR"}
	case errors.Is(err, transport.ErrNotFound), errors.Is(err, fs.ErrNotExist):
		return Advice{Closed, "no such port or device: its name may have changed after re-plugging; run hwprobe scan and pick it by VID:PID",
			"немає такого порту чи пристрою: його назва могла змінитися після перепідключення; запустіть hwprobe scan і виберіть його за VID:PID"}
	case errors.Is(err, transport.ErrNotSerial):
		return Advice{Closed, "that node is not a serial port", "цей вузол не є послідовним портом"}
	case errors.Is(err, transport.ErrNotADevice):
		return Advice{NotDevice, "that path is not a device node (nothing was opened or written): give the port or printer node; hwprobe scan lists them",
			"цей шлях не є вузлом пристрою (нічого не відкрито й не записано): вкажіть порт або вузол принтера; hwprobe scan їх показує"}
	case errors.Is(err, os.ErrDeadlineExceeded), errors.Is(err, context.DeadlineExceeded):
		if scheme == "tcp" {
			return Advice{Closed, "no answer to the TCP connect: wrong IP address, the device is off, or a firewall drops it",
				"немає відповіді на TCP-з'єднання: неправильна IP-адреса, пристрій вимкнено або його блокує брандмауер"}
		}
		return Advice{Closed, "opening timed out", "відкриття не вклалося в час"}
	}
	if hint != "" {
		return withHint(Closed, "не вдається відкрити з'єднання")
	}
	return Advice{Closed, "cannot open the link: check the URL, the cable and that the device is on",
		"не вдається відкрити з'єднання: перевірте адресу, кабель і що пристрій увімкнено"}
}

// NoAnswer returns the advice for a link to a terminal that opened but on which nothing
// answered: on a serial port the baud rate, the cable and the ECR mode; on TCP the port.
func NoAnswer(url string) Advice {
	if strings.HasPrefix(url, "serial:") || strings.HasPrefix(url, "/") || strings.HasPrefix(strings.ToUpper(url), "COM") {
		return Advice{Silent, "nothing answered: check the baud rate (JSON and B-POS Light terminals over USB use 115200), the cable, and that the terminal is in cash-register (ECR) mode; a terminal slow to answer needs --protocol P, which waits the whole --timeout",
			"ніхто не відповів: перевірте швидкість порту (термінали JSON і B-POS Light через USB працюють на 115200), кабель і що термінал у режимі каси (ECR); повільному терміналу потрібен --protocol P, що чекає весь --timeout"}
	}
	return Advice{Silent, "the port accepts connections but nothing answered: is it the device's cash-register port (JSON and B-POS Light terminals: 2000 by default; printers: 9100), and is the ECR protocol enabled on the terminal? A terminal slow to answer needs --protocol P, which waits the whole --timeout",
		"порт приймає з'єднання, але ніхто не відповів: чи це касовий порт пристрою (термінали JSON і B-POS Light: типово 2000; принтери: 9100) і чи ввімкнено протокол ECR на терміналі? Повільному терміналу потрібен --protocol P, що чекає весь --timeout"}
}
