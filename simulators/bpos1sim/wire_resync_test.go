package bpos1sim_test

import (
	"bytes"
	"context"
	"io"
	"sync"
	"testing"

	"github.com/uapos/uapos/simulators/bpos1sim"
)

// scripted is a link whose reads play fixed bytes and then end (EOF): a simulator that waits
// for more bytes than were sent ends without answering instead of hanging the test.
type scripted struct {
	r  io.Reader
	mu sync.Mutex
	w  bytes.Buffer
}

func (s *scripted) Read(p []byte) (int, error) { return s.r.Read(p) }

func (s *scripted) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

func (s *scripted) Close() error { return nil }

func (s *scripted) written() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]byte(nil), s.w.Bytes()...)
}

// A stray 0x02 before a frame used to be read as a frame header: 02 02 00 gives a length of
// 0x0200, which passes the size check, and the simulator waited for 513 bytes that never
// came. It now resynchronises on the valid frame and answers it (ACK, then the ping's reply),
// with no NAK for the stray bytes.
func TestWireResyncAfterStraySTX(t *testing.T) {
	f := frames(t)
	for _, tc := range []struct {
		name  string
		noise []byte
	}{
		{"one stray STX", []byte{0x02}},
		{"two stray STX", []byte{0x02, 0x02}},
		{"stray STX and a length byte", []byte{0x02, 0x01}},
		{"short frame header over the real frame", []byte{0x02, 0x00, 0x05}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := bpos1sim.New(bpos1sim.Config{})
			defer s.Close()
			link := &scripted{r: bytes.NewReader(append(append([]byte(nil), tc.noise...), f["ping"]...))}
			s.ServeConn(context.Background(), link) // ends at the EOF after the script
			want := append([]byte{0x06}, f["ping-reply-le"]...)
			if got := link.written(); !bytes.Equal(got, want) {
				t.Fatalf("%x then ping: answered %x, want %x", tc.noise, got, want)
			}
			if n := s.Calls("Ping"); n != 1 {
				t.Fatalf("%d pings counted", n)
			}
		})
	}
}

// A frame with a bad LRC that hides no valid frame is still answered NAK.
func TestWireBadLRCStillNAK(t *testing.T) {
	f := frames(t)
	bad := append([]byte(nil), f["ping"]...)
	bad[len(bad)-1] ^= 0xFF
	s := bpos1sim.New(bpos1sim.Config{})
	defer s.Close()
	link := &scripted{r: bytes.NewReader(bad)}
	s.ServeConn(context.Background(), link)
	if got := link.written(); !bytes.Equal(got, []byte{0x15}) {
		t.Fatalf("answered %x, want NAK 15", got)
	}
}
