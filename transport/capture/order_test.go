package capture

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uapos/uapos/transport"
)

// answeringConn answers a write at once: the answer is readable, and the reader has taken
// it, before Write returns (as when the relay's other goroutine runs first).
type answeringConn struct {
	transport.Conn
	answer chan []byte
	taken  chan struct{}
}

func (c *answeringConn) Write(p []byte) (int, error) {
	c.answer <- []byte("re:" + string(p))
	<-c.taken // the reader has the answer before the write returns
	return len(p), nil
}

func (c *answeringConn) Read(p []byte) (int, error) {
	b := <-c.answer
	n := copy(p, b)
	c.taken <- struct{}{}
	return n, nil
}

func (c *answeringConn) SetReadDeadline(time.Time) error  { return nil }
func (c *answeringConn) SetWriteDeadline(time.Time) error { return nil }
func (c *answeringConn) SetDeadline(time.Time) error      { return nil }
func (c *answeringConn) Close() error                     { return nil }

// A device's answer is recorded after the bytes it answers, even when the reader gets it
// before the write that caused it has returned.
func TestRecordKeepsCauseBeforeAnswer(t *testing.T) {
	for i := range 50 {
		var out safeBuffer
		rec := Record(&answeringConn{answer: make(chan []byte, 1), taken: make(chan struct{})}, &out)
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, 64)
			rec.Read(buf)
		}()
		if _, err := rec.Write([]byte("ping")); err != nil {
			t.Fatal(err)
		}
		wg.Wait()
		chunks, err := Parse(strings.NewReader(out.String()))
		if err != nil {
			t.Fatal(err)
		}
		if len(chunks) != 2 || chunks[0].Dir != HostToDevice || chunks[1].Dir != DeviceToHost {
			t.Fatalf("run %d: recorded %+v, want the write, then its answer", i, chunks)
		}
	}
}

type safeBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *safeBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *safeBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
