package bpos1sim_test

import (
	"bytes"
	"io"
	"testing"

	"github.com/uapos/uapos/simulators/bpos1sim"
)

// rwc feeds fixed input to the simulator and discards its output.
type rwc struct{ io.Reader }

func (rwc) Write(b []byte) (int, error) { return len(b), nil }
func (rwc) Close() error                { return nil }

// FuzzServeConn: hostile bytes from the ECR side never panic the wire simulator or make
// it loop forever; it stops at the end of the input.
func FuzzServeConn(f *testing.F) {
	fr := frames(f)
	for _, b := range fr {
		f.Add(b)
	}
	f.Add(append(append([]byte{}, fr["purchase-100-m1"]...), 0x06, 0x06, 0x06, 0x06, 0x06, 0x06, 0x06, 0x06))
	f.Fuzz(func(t *testing.T, b []byte) {
		srv := bpos1sim.New(bpos1sim.Config{})
		_ = srv.ServeConn(t.Context(), rwc{bytes.NewReader(b)})
		srv.Close()
	})
}
