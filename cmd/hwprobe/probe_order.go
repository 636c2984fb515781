package main

import (
	"bytes"
	"context"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/uapos/uapos/transport"
)

// How probe orders its attempts and how long each waits (issue 19 item 12). Every attempt
// still runs on a link of its own, opened after the previous one was closed: probe never
// holds two connections to a device, and it lets a TCP device see each close before the next
// connect (hangUp), so a terminal that serves one client at a time never sees two. What makes
// probing fast is the order and a short wait for a device's first byte:
//
//   - A device that speaks the protocol tried answers its first frame within a fraction of a
//     second; one that does not stays silent, or answers in its own framing. So an attempt
//     waits for the first byte only briefly (firstByteWaits) and gets its whole --timeout
//     once a byte came. --protocol P (one protocol, nothing to go on to) waits --timeout.
//   - The STX-link probes (B-POS Light, BPOS1) go before JSON on a terminal's link: an STX
//     terminal acknowledges a frame at once, whatever is in it, so an STX probe settles
//     "STX or not" within its short wait, and the answer's framing names the protocol
//     (hintProtocol) when it is the other STX one.
//   - BPOS1 goes first on the TCP ports its field reports name (bpos1TCPPorts).
//   - A serial URL without baud= is tried at each protocol's usual speeds (serialBauds).

// plan is one attempt: a protocol, the line speed to set on a serial URL that gives none (0
// leaves the URL as it is) and the first-byte wait (0: the attempt has its whole timeout).
type plan struct {
	p    *protocol
	baud int
	wait time.Duration
}

// firstByteWaits is how long an attempt waits for the device's first byte before probe goes
// on. The STX figure is the ping window the BPOS library itself allows a port when it
// searches for a terminal (CommOpenAuto, 500 ms per port, bpos1.md §2.6); B-POS Light uses the
// same link layer. JSON terminals get twice that: no source gives their answer time, and
// PingDevice is answered by the terminal application rather than the link layer.
var firstByteWaits = map[string]time.Duration{
	"bposlight":  500 * time.Millisecond,
	"bpos1":      500 * time.Millisecond,
	"privatjson": time.Second,
}

// statusWaitOnTerminal is the first-byte wait of the printer status query on a link taken to
// lead to a terminal: a printer answers DLE EOT at once, and on such a link a printer is the
// unlikely case. On other links the query waits for its reply as escpos.Identify does (1 s).
const statusWaitOnTerminal = 300 * time.Millisecond

// statusReplyWait is the first-byte wait of the printer status query on other links: what
// escpos.Identify waits for a reply anyway.
const statusReplyWait = time.Second

// terminalPreference is the order of the terminal protocols on a terminal's link; protocols
// not named keep their place after these. B-POS Light's probe goes first: an STX terminal of
// either kind answers it at once, and a BPOS1 terminal's answer is a TLV frame, which moves
// BPOS1 up (hintProtocol). A device silent to it is no STX terminal, most likely: JSON is
// tried next, and BPOS1 last.
var terminalPreference = []string{"bposlight", "privatjson", "bpos1"}

// bpos1TCPPorts are the TCP ports BPOS1 terminals were seen on besides 2000 (which JSON and
// B-POS Light terminals share): 2100 in a vending bridge, 1255 and 2050 in the vendor doc's
// examples (bpos1.md §1).
var bpos1TCPPorts = map[string]bool{"2100": true, "1255": true, "2050": true}

// serialBauds are the speeds tried on a serial URL without baud=, first to last: JSON ECR
// and B-POS Light terminals over USB run at 115200 (privatjson.md §1.1, bposlight.md §1.2);
// BPOS1 was seen at 9600 most (bpos1.md §1). Other protocols keep the transport's default
// (9600), the ESC/POS status query among them.
var serialBauds = map[string][]int{
	"privatjson": {115200, 9600},
	"bposlight":  {115200, 9600},
	"bpos1":      {9600, 115200},
}

// waitFor returns the first-byte wait of protocol name on a link of class.
func waitFor(name, class string, o probeOptions) time.Duration {
	switch {
	case o.explicit:
		return 0
	case o.firstByte > 0:
		return min(o.firstByte, o.timeout)
	case statusQueries[name]:
		if class == classTerminal {
			return min(statusWaitOnTerminal, o.timeout)
		}
		return min(statusReplyWait, o.timeout)
	}
	if w, ok := firstByteWaits[name]; ok && w < o.timeout {
		return w
	}
	return 0
}

// statusPlans are the printer status queries, at the URL's own speed.
func statusPlans(class string, ps []*protocol, o probeOptions) []plan {
	out := make([]plan, 0, len(ps))
	for _, p := range ps {
		out = append(out, plan{p: p, wait: waitFor(p.name, class, o)})
	}
	return out
}

// terminalPlans orders the terminal protocols for rawURL: by terminalPreference (BPOS1 first
// on its own TCP ports), and on a serial URL without baud= each protocol at its first speed,
// then each at its second.
func terminalPlans(rawURL string, ps []*protocol, o probeOptions) []plan {
	rank := func(name string) int {
		for i, n := range terminalPreference {
			if n == name {
				return i
			}
		}
		return len(terminalPreference)
	}
	ordered := append([]*protocol(nil), ps...)
	if !o.explicit {
		// A stable insertion sort: the list is a handful long.
		for i := 1; i < len(ordered); i++ {
			for j := i; j > 0 && rank(ordered[j].name) < rank(ordered[j-1].name); j-- {
				ordered[j], ordered[j-1] = ordered[j-1], ordered[j]
			}
		}
		if t, err := transport.ParseTarget(rawURL); err == nil && t.Scheme == "tcp" {
			if _, port, err := net.SplitHostPort(t.Address); err == nil && bpos1TCPPorts[port] {
				for i, p := range ordered {
					if p.name == "bpos1" {
						ordered = append([]*protocol{p}, append(ordered[:i:i], ordered[i+1:]...)...)
						break
					}
				}
			}
		}
	}
	noBaud := serialWithoutBaud(rawURL)
	var out []plan
	for pass := 0; pass < 2; pass++ {
		for _, p := range ordered {
			bauds := serialBauds[p.name]
			switch {
			case !noBaud || len(bauds) == 0:
				if pass == 0 {
					out = append(out, plan{p: p, wait: waitFor(p.name, classTerminal, o)})
				}
			case pass < len(bauds):
				out = append(out, plan{p: p, baud: bauds[pass], wait: waitFor(p.name, classTerminal, o)})
			}
		}
	}
	return out
}

// prefer moves the plans of protocol name to the front (those at baud first, when baud is
// not 0), keeping the order of the rest.
func prefer(plans []plan, name string, baud int) []plan {
	var front, rest []plan
	for _, pl := range plans {
		if pl.p.name == name && (baud == 0 || pl.baud == baud || pl.baud == 0) {
			front = append(front, pl)
		} else {
			rest = append(rest, pl)
		}
	}
	return append(front, rest...)
}

// hintProtocol names the protocol whose framing the device's bytes have, or "": a device that
// answered one probe in another protocol's framing is that protocol's (0x00-terminated JSON,
// an STX frame of TAG=value; text, an STX frame of TLVs).
func hintProtocol(first []byte) string {
	switch recognise(first).framing {
	case framingJSON0:
		return "privatjson"
	case framingSTXText:
		return "bposlight"
	case framingSTXTLV:
		return "bpos1"
	}
	// An answer cut short: only its first bytes were kept, or they were all there was.
	b := bytes.TrimLeft(first, "\x00\x06\x15")
	switch {
	case len(b) > 0 && b[0] == '{':
		return "privatjson"
	case len(b) >= 4 && b[0] == stx:
		if b[3] >= 'A' && b[3] <= 'Z' { // TAG=value; text starts with a tag's capital
			return "bposlight"
		}
		return "bpos1"
	}
	return ""
}

// serialWithoutBaud reports whether rawURL is a serial link that does not set its speed.
func serialWithoutBaud(rawURL string) bool {
	t, err := transport.ParseTarget(rawURL)
	if err != nil || t.Scheme != "serial" {
		return false
	}
	_, query, _ := strings.Cut(rawURL, "?")
	q, _ := url.ParseQuery(query)
	for k := range q {
		if strings.EqualFold(k, "baud") {
			return false
		}
	}
	return true
}

// withBaud returns the serial rawURL (which sets no speed) with baud=n.
func withBaud(rawURL string, n int) string {
	s := strings.TrimSpace(rawURL)
	b := "baud=" + strconv.Itoa(n)
	switch {
	case strings.HasPrefix(s, "/"):
		return "serial://" + s + "?" + b
	case !strings.Contains(s, ":"): // COM3, \\.\COM10
		return "serial:" + s + "?" + b
	case strings.Contains(s, "?"):
		return s + "&" + b
	}
	return s + "?" + b
}

// hangUpWait bounds how long hangUp waits for a TCP device to close its side.
const hangUpWait = 150 * time.Millisecond

// hangUp closes an attempt's link. On TCP it first half-closes (FIN) and waits up to
// hangUpWait for the device to close too, reading what it still sends through c (so a
// --record capture keeps it): the device has then seen the end of this connection before
// probe opens the next, and a terminal that serves one client at a time never sees two.
// raw is the link as opened, c the same link as the attempt read it.
func hangUp(ctx context.Context, raw, c transport.Conn) {
	defer c.Close()
	cw, ok := raw.(interface{ CloseWrite() error })
	if !ok || ctx.Err() != nil || cw.CloseWrite() != nil {
		return
	}
	c.SetReadDeadline(time.Now().Add(hangUpWait))
	buf := make([]byte, 512)
	for total := 0; total < 64<<10; {
		n, err := c.Read(buf)
		total += n
		if err != nil {
			return
		}
	}
}
