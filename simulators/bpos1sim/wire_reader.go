package bpos1sim

import (
	"io"
)

// linkReader reads a link through a goroutine, so that the simulator can wait for the ECR's
// bytes and for a card presented through the control API at once. It has the reading
// methods of a bufio.Reader that the frame code uses.
type linkReader struct {
	in   chan []byte   // chunks read from the link
	quit chan struct{} // closed when the link's handler returns
	buf  []byte
	err  error // the link's read error, once in is closed
}

func newLinkReader(r io.Reader) *linkReader {
	lr := &linkReader{in: make(chan []byte, 4), quit: make(chan struct{})}
	go func() {
		defer close(lr.in)
		for {
			b := make([]byte, 4096)
			n, err := r.Read(b)
			if n > 0 {
				select {
				case lr.in <- b[:n]:
				case <-lr.quit:
					return
				}
			}
			if err != nil {
				lr.err = err // read after in is closed: the close orders it
				return
			}
		}
	}()
	return lr
}

// stop ends the reader goroutine once the link is closed.
func (r *linkReader) stop() { close(r.quit) }

// fill waits for more bytes; with card not nil it also returns (true, nil) when a card is
// presented first.
func (r *linkReader) fill(card <-chan struct{}) (bool, error) {
	select {
	case b, ok := <-r.in:
		if !ok {
			if r.err == nil {
				return false, io.EOF
			}
			return false, r.err
		}
		r.buf = append(r.buf, b...)
		return false, nil
	case <-card:
		return true, nil
	}
}

// need waits until n bytes are buffered.
func (r *linkReader) need(n int) error {
	for len(r.buf) < n {
		if _, err := r.fill(nil); err != nil {
			return err
		}
	}
	return nil
}

// ReadByte reads one byte.
func (r *linkReader) ReadByte() (byte, error) {
	if err := r.need(1); err != nil {
		return 0, err
	}
	b := r.buf[0]
	r.buf = r.buf[1:]
	return b, nil
}

// Peek returns the next n bytes without consuming them.
func (r *linkReader) Peek(n int) ([]byte, error) {
	if err := r.need(n); err != nil {
		return nil, err
	}
	return r.buf[:n], nil
}

// Discard skips n bytes.
func (r *linkReader) Discard(n int) (int, error) {
	if err := r.need(n); err != nil {
		return 0, err
	}
	r.buf = r.buf[n:]
	return n, nil
}

// Read reads what is buffered, or waits for some.
func (r *linkReader) Read(p []byte) (int, error) {
	if err := r.need(1); err != nil {
		return 0, err
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

// Buffered returns the number of bytes read and not consumed.
func (r *linkReader) Buffered() int { return len(r.buf) }
