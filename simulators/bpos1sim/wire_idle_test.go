package bpos1sim_test

import (
	"testing"

	"github.com/uapos/uapos/simulators/bpos1sim"
)

// TestWireIdleEOTKeepsLink: an EOT from the ECR aborts an exchange (bpos1.md §B, "EOT means
// abort"); while no exchange runs there is nothing to abort, so the simulator must ignore it
// and keep the link. hwprobe's ESC/POS probe sends DLE EOT 1 (10 04 01) on the link while
// trying protocols; stray bytes outside an STX frame, and an STX whose length is impossible
// (0 or above the simulator's limit), are skipped too. The next ping is answered normally,
// and the first byte back is the ping's ACK: nothing was sent for the idle EOT.
func TestWireIdleEOTKeepsLink(t *testing.T) {
	f := frames(t)
	_, e := serve(t, bpos1sim.Config{})
	e.send([]byte{0x10, 0x04, 0x01})     // DLE EOT 1 (ESC/POS real-time status request)
	e.send([]byte{0x04})                 // a lone EOT
	e.send([]byte("GET / HTTP/1.1\r\n")) // stray text
	e.send([]byte{0x02, 0x00, 0x00})     // STX with length 0
	e.send([]byte{0x02, 0xFF, 0xFF})     // STX with length 65535
	e.send(f["ping"])
	e.expect([]byte{0x06})
	e.expect(f["ping-reply-le"])
	e.send([]byte{0x06})
	// A second idle EOT, then the link still works.
	e.send([]byte{0x04})
	e.send(f["ping-le"])
	e.expect([]byte{0x06})
	e.expect(f["ping-reply-le"])
	e.send([]byte{0x06})
}
