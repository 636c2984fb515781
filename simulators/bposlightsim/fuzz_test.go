package bposlightsim

import (
	"bytes"
	"testing"
)

// FuzzReadTokens: the simulator's frame reader and TAG=value parser never panic on what an
// ECR (or line noise) sends, and terminate at the end of the input.
func FuzzReadTokens(f *testing.F) {
	f.Add(append(bytes.Clone(reqACQ), ack, nak, eot))
	f.Add(reqQR)
	f.Add([]byte{0x02, 0xFF, 0xFF, 0x02, 0x00, 0x01})
	f.Fuzz(func(t *testing.T, b []byte) {
		out := make(chan token)
		done := make(chan struct{})
		go readTokens(bytes.NewReader(b), out, done)
		for tok := range out {
			if tok.err != nil {
				break
			}
			if tok.frame {
				if len(tok.data) > maxData {
					t.Fatalf("frame of %d bytes", len(tok.data))
				}
				m, ok := parseKV(tok.data)
				if ok && len(m.keys) != len(m.vals) {
					t.Fatal("duplicate keys accepted")
				}
			}
		}
		close(done)
	})
}
