package capture

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
)

// Direction says which way a chunk went.
type Direction byte

// Directions, as written in the file.
const (
	HostToDevice Direction = '>' // the host wrote to the device
	DeviceToHost Direction = '<' // the host read from the device
)

// String returns "host>device" or "device>host".
func (d Direction) String() string {
	switch d {
	case HostToDevice:
		return "host>device"
	case DeviceToHost:
		return "device>host"
	}
	return fmt.Sprintf("Direction(%d)", byte(d))
}

// Chunk is the data of one Read or Write call.
type Chunk struct {
	At   time.Duration // since the capture started
	Dir  Direction
	Data []byte
}

// Limits of Parse.
const (
	MaxLineBytes  = 3<<20 + 64 // one line: time, direction and MaxChunkBytes as hex
	MaxChunkBytes = 1 << 20    // data of one chunk
	MaxTotalBytes = 64 << 20   // data of a whole capture
	maxSeconds    = 1e9        // ~31 years: anything larger is not a capture time
)

// Parse errors. A *ParseError wraps one of them.
var (
	ErrSyntax   = errors.New("syntax error")
	ErrTooLarge = errors.New("too large")
)

// ParseError says which line of a capture is bad.
type ParseError struct {
	Line int // 1-based
	Err  error
}

// Error returns "capture: line N: detail".
func (e *ParseError) Error() string { return fmt.Sprintf("capture: line %d: %v", e.Line, e.Err) }

// Unwrap returns the cause.
func (e *ParseError) Unwrap() error { return e.Err }

// Parse reads a capture in the format of the package doc.
func Parse(r io.Reader) ([]Chunk, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), MaxLineBytes)
	var (
		chunks []Chunk
		total  int
		line   int
	)
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" || text[0] == '#' {
			continue
		}
		c, err := parseLine(text)
		if err != nil {
			return nil, &ParseError{Line: line, Err: err}
		}
		total += len(c.Data)
		if total > MaxTotalBytes {
			return nil, &ParseError{Line: line, Err: fmt.Errorf("%w: more than %d bytes of data", ErrTooLarge, MaxTotalBytes)}
		}
		chunks = append(chunks, c)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, &ParseError{Line: line + 1, Err: fmt.Errorf("%w: line longer than %d bytes", ErrTooLarge, MaxLineBytes)}
		}
		return nil, fmt.Errorf("capture: read: %w", err)
	}
	return chunks, nil
}

func parseLine(text string) (Chunk, error) {
	fields := strings.Fields(text)
	if len(fields) < 3 {
		return Chunk{}, fmt.Errorf("%w: want time, direction and data", ErrSyntax)
	}
	at, err := parseSeconds(fields[0])
	if err != nil {
		return Chunk{}, err
	}
	var dir Direction
	switch fields[1] {
	case ">":
		dir = HostToDevice
	case "<":
		dir = DeviceToHost
	default:
		return Chunk{}, fmt.Errorf("%w: direction %q is not > or <", ErrSyntax, clip(fields[1]))
	}
	hexes := fields[2:]
	if len(hexes) > MaxChunkBytes {
		return Chunk{}, fmt.Errorf("%w: more than %d bytes in a chunk", ErrTooLarge, MaxChunkBytes)
	}
	data := make([]byte, len(hexes))
	for i, h := range hexes {
		b, ok := hexByte(h)
		if !ok {
			return Chunk{}, fmt.Errorf("%w: %q is not a hex byte", ErrSyntax, clip(h))
		}
		data[i] = b
	}
	return Chunk{At: at, Dir: dir, Data: data}, nil
}

// parseSeconds parses "12.345678" (digits, optional point and fraction) into a Duration.
func parseSeconds(s string) (time.Duration, error) {
	for i := 0; i < len(s); i++ {
		if (s[i] < '0' || s[i] > '9') && s[i] != '.' {
			return 0, fmt.Errorf("%w: time %q is not seconds", ErrSyntax, clip(s))
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || f < 0 || f > maxSeconds {
		return 0, fmt.Errorf("%w: time %q is not seconds", ErrSyntax, clip(s))
	}
	return time.Duration(math.Round(f*1e6)) * time.Microsecond, nil
}

func hexByte(s string) (byte, bool) {
	if len(s) != 2 {
		return 0, false
	}
	hi, ok1 := nibble(s[0])
	lo, ok2 := nibble(s[1])
	return hi<<4 | lo, ok1 && ok2
}

func nibble(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// clip shortens hostile text quoted in an error.
func clip(s string) string {
	if len(s) > 16 {
		return s[:16] + "…"
	}
	return s
}

// Header is the comment line Record writes first.
const Header = "# uapos capture v1: seconds since start, > host to device, < device to host, hex bytes"

// Format writes chunks in the format of the package doc (no header). It refuses chunks
// with an unknown direction, no data, or a negative time.
func Format(w io.Writer, chunks []Chunk) error {
	var line []byte
	for i, c := range chunks {
		var err error
		line, err = appendLine(line[:0], c)
		if err != nil {
			return fmt.Errorf("capture: chunk %d: %w", i, err)
		}
		if _, err := w.Write(line); err != nil {
			return fmt.Errorf("capture: write: %w", err)
		}
	}
	return nil
}

// appendLine appends one chunk as a line.
func appendLine(dst []byte, c Chunk) ([]byte, error) {
	if c.Dir != HostToDevice && c.Dir != DeviceToHost {
		return dst, fmt.Errorf("direction %v is not > or <", c.Dir)
	}
	if len(c.Data) == 0 {
		return dst, errors.New("chunk has no data")
	}
	if c.At < 0 {
		return dst, errors.New("negative time")
	}
	us := c.At / time.Microsecond
	dst = strconv.AppendInt(dst, int64(us/1e6), 10)
	dst = append(dst, '.')
	frac := strconv.AppendInt(nil, int64(us%1e6), 10)
	dst = append(dst, bytes.Repeat([]byte{'0'}, 6-len(frac))...)
	dst = append(dst, frac...)
	dst = append(dst, ' ', byte(c.Dir))
	const digits = "0123456789abcdef"
	for _, b := range c.Data {
		dst = append(dst, ' ', digits[b>>4], digits[b&15])
	}
	return append(dst, '\n'), nil
}
