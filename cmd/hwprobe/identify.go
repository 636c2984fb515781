package main

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/uapos/uapos/payment"
	"github.com/uapos/uapos/transport/capture"
)

// directionReport is what identify found in one direction of a capture.
type directionReport struct {
	dir    capture.Direction
	bytes  int
	chunks [][]byte
	rec    recognition
}

// identifyResult is the verdict on a whole capture.
type identifyResult struct {
	host, device directionReport
	protocol     string // "" when not recognised
}

// identifyChunks splits a capture by direction and recognises each.
func identifyChunks(chunks []capture.Chunk) identifyResult {
	res := identifyResult{host: directionReport{dir: '>'}, device: directionReport{dir: '<'}}
	var hb, db []byte
	for _, c := range chunks {
		switch c.Dir {
		case '>':
			hb = append(hb, c.Data...)
			res.host.chunks = append(res.host.chunks, c.Data)
		case '<':
			db = append(db, c.Data...)
			res.device.chunks = append(res.device.chunks, c.Data)
		}
	}
	res.host.bytes, res.device.bytes = len(hb), len(db)
	res.host.rec, res.device.rec = recognise(hb), recognise(db)
	res.protocol = protocolOf(res.host.rec.framing, res.device.rec.framing)
	return res
}

// protocolOf names the protocol a pair of framings points to.
func protocolOf(h, d framing) string {
	either := func(f framing) bool { return h == f || d == f }
	switch {
	case either(framingJSON0) && (h == d || h == framingUnknown || d == framingUnknown):
		return "PrivatBank / SSI JSON ECR protocol (privatjson, ssijson)"
	case h == framingSTXTLV && (d == framingSTXTLV || d == framingSTXControl || d == framingUnknown),
		d == framingSTXTLV && (h == framingSTXControl || h == framingUnknown):
		return "BPOS1 native wire (Ingenico; provisional framing, bpos1)"
	case h == framingSTXText && (d == framingSTXText || d == framingSTXControl || d == framingUnknown),
		d == framingSTXText && (h == framingSTXControl || h == framingUnknown):
		return "B-POS Light (Ingenico, bposlight)"
	case h == framingESCPOS && (d == framingESCPOSStatus || d == framingUnknown):
		return "ESC/POS receipt printer (escpos)"
	case h == framingUnknown && d == framingESCPOSStatus:
		return "ESC/POS receipt printer (status replies only)"
	}
	return ""
}

// runIdentify is `hwprobe identify FILE`.
func runIdentify(_ context.Context, a *app, args []string) error {
	fs := newFlags("identify", a.stderr)
	frames := fs.Int("frames", 4, "how many frames or chunks of each direction to dump")
	asJSON := fs.Bool("json", false, "print the verdict as JSON")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("identify: want one capture file, got %d arguments", len(pos))
	}
	f, err := os.Open(pos[0])
	if err != nil {
		return fmt.Errorf("identify: %w", err)
	}
	defer f.Close()
	chunks, err := capture.Parse(f)
	if err != nil {
		return fmt.Errorf("identify: %s: %w", pos[0], err)
	}
	res := identifyChunks(chunks)
	if *asJSON {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(identifyJSONOf(pos[0], len(chunks), res, *frames)); err != nil {
			return err
		}
	} else {
		writeIdentify(a.stdout, pos[0], len(chunks), res, *frames)
	}
	if res.protocol == "" {
		return &exitError{code: 2, msg: "identify: framing not recognised"}
	}
	return nil
}

// identifyReport is the --json form of identify's verdict.
type identifyReport struct {
	File     string `json:"file"`
	Chunks   int    `json:"chunks"`
	Protocol string `json:"protocol,omitempty"` // absent when not recognised
	// HostToDevice and DeviceToHost describe each direction.
	HostToDevice directionJSON `json:"host_to_device"`
	DeviceToHost directionJSON `json:"device_to_host"`
}

// directionJSON is what identify found in one direction.
type directionJSON struct {
	Bytes            int      `json:"bytes"`
	Framing          string   `json:"framing"` // "unrecognised" when none fits
	Frames           int      `json:"frames"`
	Broken           int      `json:"broken"`
	ControlBytes     int      `json:"control_bytes"`              // ACK/NAK/EOT of the STX link
	LRCWithLL        int      `json:"lrc_with_ll"`                // STX frames whose LRC also covers LL
	ExplainedPercent int      `json:"explained_percent"`          // bytes the framing accounts for
	Names            []string `json:"names,omitempty"`            // methods or requests seen
	FirstHex         []string `json:"first_frames_hex,omitempty"` // first frames (or chunks when unrecognised), hex
}

func identifyJSONOf(name string, nchunks int, res identifyResult, nframes int) identifyReport {
	dir := func(d directionReport) directionJSON {
		r := d.rec
		j := directionJSON{Bytes: d.bytes, Framing: r.framing.String(), Frames: r.frames, Broken: r.bad,
			ControlBytes: r.controls, LRCWithLL: r.lrcWithLL}
		for _, n := range r.names {
			j.Names = append(j.Names, payment.RedactPANs(n))
		}
		if d.bytes > 0 {
			j.ExplainedPercent = r.explained * 100 / d.bytes
		}
		first := r.first
		if r.framing == framingUnknown {
			first = d.chunks
		}
		for i, f := range first {
			if i >= nframes {
				break
			}
			j.FirstHex = append(j.FirstHex, hex.EncodeToString(f))
		}
		return j
	}
	return identifyReport{File: name, Chunks: nchunks, Protocol: res.protocol,
		HostToDevice: dir(res.host), DeviceToHost: dir(res.device)}
}

func writeIdentify(w io.Writer, name string, nchunks int, res identifyResult, nframes int) {
	fmt.Fprintf(w, "capture %s: %d chunks; host->device %d bytes, device->host %d bytes\n", name, nchunks, res.host.bytes, res.device.bytes)
	for _, d := range []directionReport{res.host, res.device} {
		label := "host->device"
		if d.dir == '<' {
			label = "device->host"
		}
		r := d.rec
		switch {
		case d.bytes == 0:
			fmt.Fprintf(w, "%s: no bytes\n", label)
		case r.framing == framingUnknown:
			fmt.Fprintf(w, "%s: could not recognise the framing (%d bytes); first chunks:\n", label, d.bytes)
			for i, c := range d.chunks {
				if i >= nframes {
					break
				}
				dump(w, string(d.dir), c)
			}
		default:
			fmt.Fprintf(w, "%s: %s, %s", label, r.framing, plural(r.frames, "frame"))
			if r.controls > 0 {
				fmt.Fprintf(w, ", %d ACK/NAK/EOT", r.controls)
			}
			if r.bad > 0 {
				fmt.Fprintf(w, ", %d broken", r.bad)
			}
			if r.lrcWithLL > 0 {
				fmt.Fprintf(w, ", %d with the LRC over LL and data", r.lrcWithLL)
			}
			fmt.Fprintf(w, " (%d%% of bytes explained)\n", r.explained*100/d.bytes)
			if len(r.names) > 0 {
				fmt.Fprintf(w, "  seen: %s\n", payment.RedactPANs(strings.Join(r.names, ", ")))
			}
			for i, c := range r.first {
				if i >= nframes {
					break
				}
				dump(w, string(d.dir), c)
			}
		}
	}
	if res.protocol == "" {
		fmt.Fprintln(w, "protocol: not recognised (known: 0x00-terminated JSON, STX/LL/text+LRC, STX/LL/TLV+LRC, ESC/POS)")
		return
	}
	fmt.Fprintf(w, "protocol: %s\n", res.protocol)
}

// plural formats "1 frame", "2 frames".
func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// dump writes up to 64 bytes of b as hex with a printable column, prefixed by the direction.
func dump(w io.Writer, dir string, b []byte) {
	more := ""
	if len(b) > 64 {
		more = fmt.Sprintf("  ... (%d bytes)", len(b))
		b = b[:64]
	}
	// The printable column is the readable part: card numbers in it are masked, across
	// line ends too (RedactPANs keeps the length, so the columns stay aligned).
	printable := []byte(payment.RedactPANs(string(printableASCII(b))))
	for off := 0; off < len(b); off += 16 {
		line := b[off:min(off+16, len(b))]
		txt := printable[off : off+len(line)]
		h := hex.EncodeToString(line)
		var sp strings.Builder
		for i := 0; i < len(h); i += 2 {
			if i > 0 {
				sp.WriteByte(' ')
			}
			sp.WriteString(h[i : i+2])
		}
		fmt.Fprintf(w, "  %s %04x  %-47s  |%s|\n", dir, off, sp.String(), txt)
	}
	if more != "" {
		fmt.Fprintf(w, "  %s%s\n", dir, more)
	}
}

// printableASCII returns b with every byte outside printable ASCII replaced by '.'.
func printableASCII(b []byte) []byte {
	out := make([]byte, len(b))
	for i, c := range b {
		if c >= 0x20 && c < 0x7f {
			out[i] = c
		} else {
			out[i] = '.'
		}
	}
	return out
}
