package main

import (
	"context"
	"io"

	"github.com/uapos/uapos/transport"
)

// simulator is the convention every device simulator of the suite follows.
type simulator interface {
	// ListenTCP listens on addr ("" means 127.0.0.1:0) and serves in the background.
	ListenTCP(addr string) (string, error)
	// ServeConn serves one link (a pty master, a pipe) until EOF or ctx ends.
	ServeConn(ctx context.Context, c io.ReadWriteCloser) error
	Close() error
}

// protocol is what hwprobe knows of one protocol package: each lives in its own small file
// (demo_<name>.go), so a package that does not build can be dropped with its file and its
// line in [protocols].
type protocol struct {
	name  string // command-line name
	title string // one line for usage and reports
	// identify says what answers on a link, without payment or printing; nil when the
	// protocol has no wire hwprobe can speak.
	identify func(ctx context.Context, c transport.Conn) (string, error)
	// busy reports whether an identify error means "this protocol, but busy"; nil means only
	// payment.ErrBusy does.
	busy func(err error) bool
	// newSim returns the protocol's simulator configured with the named faults; nil when
	// there is none.
	newSim func(faults []string) (simulator, error)
	// faults are the names newSim accepts, for usage.
	faults []string
	// demo drives the simulator through the real driver; nil when not in the demo.
	demo func(ctx context.Context, d *demoEnv) []demoRow
	// Write actions, only run when asked by flag; nil when the protocol has none.
	testPrint  actionFunc
	kickDrawer actionFunc
	echo       actionFunc
}

// actionOptions are the flags write actions read.
type actionOptions struct {
	profile string // escpos profile of --test-print
}

// actionFunc is a write action on a fresh link; it returns what it did.
type actionFunc func(ctx context.Context, c transport.Conn, o actionOptions) (string, error)

// protocols is the explicit list, in probe order: ESC/POS status first (a DLE EOT is harmless
// to a terminal), then the terminal protocols.
var protocols = []protocol{
	protoESCPOS,
	protoPrivatJSON,
	protoSSIJSON,
	protoBPOSLight,
	protoBPOS1,
	protoPOSAPI,
	protoSimPays,
	protoCheckout,
}

// findProtocol returns the protocol called name.
func findProtocol(name string) (protocol, bool) {
	for _, p := range protocols {
		if p.name == name {
			return p, true
		}
	}
	return protocol{}, false
}
