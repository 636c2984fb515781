package privatjson

import (
	"bytes"
	"errors"
	"io"
)

// Terminator ends every frame: the JSON text is followed by one 0x00 byte (privatjson.md §1.2,
// spec §2 "байтові послідовності JSON завершуються ... 0x00").
const Terminator byte = 0x00

// DefaultMaxFrame is the largest frame (JSON text without the terminator) a [FrameReader]
// accepts when no other limit is set. The spec sets no limit (privatjson.md §9.5); batch
// journals are the largest replies, a few tens of kilobytes.
const DefaultMaxFrame = 1 << 20

// isSpace reports the bytes skipped around a frame: some clients put a line separator after
// every 0x00 (privatjson.md §1.2, CSaE).
func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// trimFrame drops the whitespace around a frame's JSON text.
func trimFrame(b []byte) []byte {
	for len(b) > 0 && isSpace(b[0]) {
		b = b[1:]
	}
	for len(b) > 0 && isSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

// SplitFunc returns a [bufio.SplitFunc] that yields one frame per 0x00: every 0x00 ends a
// frame, several frames may come in one read and a frame may be split across reads. Empty
// frames (the handshake's leading 0x00) and whitespace-only frames are skipped; the
// whitespace around a frame is trimmed. A frame longer than max bytes (max <= 0 means
// [DefaultMaxFrame]) gives [ErrFrameTooLarge]; bytes left without a 0x00 at EOF give
// [ErrTruncated].
func SplitFunc(max int) func(data []byte, atEOF bool) (advance int, token []byte, err error) {
	if max <= 0 {
		max = DefaultMaxFrame
	}
	return func(data []byte, atEOF bool) (int, []byte, error) {
		start := 0
		for {
			i := bytes.IndexByte(data[start:], Terminator)
			if i < 0 {
				break
			}
			tok := trimFrame(data[start : start+i])
			start += i + 1
			if len(tok) > max {
				return start, nil, ErrFrameTooLarge
			}
			if len(tok) > 0 {
				return start, tok, nil
			}
		}
		rest := trimFrame(data[start:])
		if len(rest) > max {
			return start, nil, ErrFrameTooLarge
		}
		if atEOF && len(rest) > 0 {
			return start, nil, ErrTruncated
		}
		return start, nil, nil
	}
}

// FrameReader reads frames from a byte stream with bounded memory. Unlike a [bufio.Scanner]
// it survives an oversized frame: after [ErrFrameTooLarge] it drops bytes up to the next
// 0x00 and goes on.
type FrameReader struct {
	r          io.Reader
	max        int
	buf        []byte // buf[start:end] holds unread bytes
	start, end int
	skipping   bool // dropping an oversized frame up to its 0x00
	err        error
	zeros      int // consecutive (0, nil) reads
}

// NewFrameReader returns a FrameReader on r accepting frames up to max bytes (max <= 0 means
// [DefaultMaxFrame]).
func NewFrameReader(r io.Reader, max int) *FrameReader {
	if max <= 0 {
		max = DefaultMaxFrame
	}
	return &FrameReader{r: r, max: max, buf: make([]byte, 4096)}
}

// ReadFrame returns the next non-empty frame without its terminator and surrounding
// whitespace. The slice is valid until the next call. Errors: [ErrFrameTooLarge] (the reader
// stays usable), [ErrTruncated] when the stream ends inside a frame, or the reader's error.
func (f *FrameReader) ReadFrame() ([]byte, error) {
	for {
		if i := bytes.IndexByte(f.buf[f.start:f.end], Terminator); i >= 0 {
			tok := f.buf[f.start : f.start+i]
			f.start += i + 1
			if f.skipping {
				f.skipping = false
				continue
			}
			if tok = trimFrame(tok); len(tok) > f.max {
				return nil, ErrFrameTooLarge
			} else if len(tok) > 0 {
				return tok, nil
			}
			continue
		}
		if f.skipping {
			f.start, f.end = 0, 0
		} else if f.end-f.start > f.max+64 { // the 64 allows for whitespace around a frame
			f.start, f.end = 0, 0
			f.skipping = true
			return nil, ErrFrameTooLarge
		}
		if f.err != nil {
			err := f.err
			if errors.Is(err, io.EOF) && len(trimFrame(f.buf[f.start:f.end])) > 0 {
				err = ErrTruncated
			}
			f.start, f.end = 0, 0
			return nil, err
		}
		f.fill()
	}
}

// fill reads more bytes, moving or growing the buffer as needed (never beyond max + 4 KiB).
func (f *FrameReader) fill() {
	if f.start > 0 {
		n := copy(f.buf, f.buf[f.start:f.end])
		f.start, f.end = 0, n
	}
	if f.end == len(f.buf) {
		size := 2 * len(f.buf)
		if limit := f.max + 4096; size > limit {
			size = limit
		}
		if size > len(f.buf) {
			nb := make([]byte, size)
			copy(nb, f.buf[:f.end])
			f.buf = nb
		}
	}
	n, err := f.r.Read(f.buf[f.end:])
	f.end += n
	switch {
	case err != nil:
		f.err = err
	case n == 0:
		// A reader that returns (0, nil), as go.bug.st/serial does on a read timeout, is
		// asked again, but not forever.
		if f.zeros++; f.zeros >= 100 {
			f.err = io.ErrNoProgress
		}
	default:
		f.zeros = 0
	}
}

// AppendFrame appends the JSON text js and the terminator to dst.
func AppendFrame(dst, js []byte) []byte {
	dst = append(dst, js...)
	return append(dst, Terminator)
}

// AppendHandshake appends the handshake frame: PingDevice with the extra leading 0x00 (spec §2,
// privatjson.md §1.2): 00 {"method":"PingDevice","step":0} 00.
func AppendHandshake(dst []byte) []byte {
	dst = append(dst, Terminator)
	dst = AppendRequest(dst, Request{Method: MethodPingDevice})
	return append(dst, Terminator)
}
