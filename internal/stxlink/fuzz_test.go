package stxlink

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"testing"
	"time"
)

// FuzzParseFrame: ParseFrame never panics, and whatever it accepts re-encodes to the same
// bytes (strict) and respects the size limit.
func FuzzParseFrame(f *testing.F) {
	f.Add(conFrame)
	f.Add(liteFrame)
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, fm := range []Format{{}, {Tolerant: true, LRC: LRCEither}, {MaxData: 16}} {
			data, err := fm.ParseFrame(b)
			if err != nil {
				continue
			}
			if len(data) == 0 || len(data) > fm.maxData() {
				t.Fatalf("accepted data of length %d", len(data))
			}
			if fm == (Format{}) {
				again, err := fm.AppendFrame(nil, data)
				if err != nil || !bytes.Equal(again, b) {
					t.Fatalf("round trip: % x -> % x (%v)", b, again, err)
				}
			}
		}
	})
}

// FuzzSplit: the splitter never panics, always makes progress, and every frame token it
// yields has the length its LL announces.
func FuzzSplit(f *testing.F) {
	f.Add(append(append([]byte{ACK}, conFrame...), NAK, EOT))
	f.Add(liteFrame)
	f.Fuzz(func(t *testing.T, b []byte) {
		sc := bufio.NewScanner(bytes.NewReader(b))
		sc.Buffer(make([]byte, 0, 64), DefaultMaxData+8)
		sc.Split(Format{}.Split)
		total := 0
		for sc.Scan() {
			tok := sc.Bytes()
			total += len(tok)
			if tok[0] == STX && len(tok) != int(tok[1])<<8|int(tok[2])+4 {
				t.Fatalf("frame token % x has the wrong length", tok)
			}
		}
		if total > len(b) {
			t.Fatalf("tokens longer than input")
		}
	})
}

// streamConn is a transport.Conn reading a fixed input and discarding writes.
type streamConn struct{ r *bytes.Reader }

func (s streamConn) Read(b []byte) (int, error)       { return s.r.Read(b) }
func (s streamConn) Write(b []byte) (int, error)      { return len(b), nil }
func (s streamConn) Close() error                     { return nil }
func (s streamConn) SetDeadline(time.Time) error      { return nil }
func (s streamConn) SetReadDeadline(time.Time) error  { return nil }
func (s streamConn) SetWriteDeadline(time.Time) error { return nil }

// FuzzLinkReceive drives the streaming frame reader of Link: it never panics, terminates
// at the end of the input, and every frame it returns has a good LRC and a bounded size.
func FuzzLinkReceive(f *testing.F) {
	f.Add(append(append([]byte{ACK}, conFrame...), EOT))
	f.Add(liteFrame)
	f.Add([]byte{0x02, 0x00, 0x03, 'A', '=', '1', 0x00, 0x02, 0x00, 0x03, 'A', '=', '1', 0x4D})
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, fm := range []Format{{MaxData: 64}, {MaxData: 64, Tolerant: true, LRC: LRCEither}} {
			l := NewLink(streamConn{bytes.NewReader(b)}, Config{Format: fm})
			for range len(b) + 1 {
				data, err := l.Receive(context.Background())
				if err != nil {
					if errors.Is(err, io.ErrUnexpectedEOF) {
						break
					}
					continue
				}
				if len(data) == 0 || len(data) > 64 {
					t.Fatalf("frame of %d bytes", len(data))
				}
			}
		}
	})
}
