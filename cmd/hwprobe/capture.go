package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/uapos/uapos/payment"
	"github.com/uapos/uapos/transport"
	"github.com/uapos/uapos/transport/capture"
)

// lockedWriter serialises writes from the two relay directions.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// createCapture creates a capture file that only its owner may read: a capture holds raw
// traffic, card data included. An existing file is refused unless force is set.
func createCapture(path string, force bool) (*os.File, error) {
	flag := os.O_WRONLY | os.O_CREATE | os.O_EXCL
	if force {
		flag = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	}
	f, err := os.OpenFile(path, flag, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("%s exists: give --force to overwrite it", path)
	}
	if err != nil {
		return nil, err
	}
	if force && runtime.GOOS != "windows" {
		// O_TRUNC keeps the mode of the file it replaces.
		if err := f.Chmod(0o600); err != nil {
			f.Close()
			return nil, err
		}
	}
	return f, nil
}

// writeComment writes one comment line to a capture. Card numbers are masked
// (payment.RedactPANs) and line breaks flattened, so text that came from a device or the
// system (an error message, a port name) neither shows a card number in the readable part
// of the file nor forges a data line.
func writeComment(w io.Writer, format string, args ...any) {
	s := strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' {
			return ' '
		}
		return r
	}, fmt.Sprintf(format, args...))
	fmt.Fprintf(w, "# %s\n", payment.RedactPANs(s))
}

// linkName names an open link by its String method, or "" when it has none.
func linkName(c transport.Conn) string {
	if s, ok := c.(fmt.Stringer); ok {
		return s.String()
	}
	return ""
}

// relay copies between the application side app and the device dev until one side ends or
// ctx is done, recording both directions to out in the transport/capture format.
func relay(ctx context.Context, appSide io.ReadWriteCloser, dev transport.Conn, out io.Writer) error {
	rec := capture.Record(dev, out)
	stop := context.AfterFunc(ctx, func() {
		appSide.Close()
		dev.Close()
	})
	defer stop()
	errc := make(chan error, 2)
	go func() { // application -> device
		_, err := io.Copy(rec, appSide)
		errc <- err
		dev.Close()
	}()
	go func() { // device -> application
		_, err := io.Copy(appSide, rec)
		errc <- err
		appSide.Close()
	}()
	err1, err2 := <-errc, <-errc
	if ctx.Err() != nil {
		return nil
	}
	for _, err := range []error{err1, err2} {
		if err != nil && !errors.Is(err, net.ErrClosed) && !errors.Is(err, io.EOF) && !errors.Is(err, os.ErrClosed) {
			return err
		}
	}
	return nil
}

// runCapture is `hwprobe capture`.
func runCapture(ctx context.Context, a *app, args []string) error {
	fs := newFlags("capture", a.stderr)
	listen := fs.String("listen", "", "where the application connects: host:port (loopback unless you mean it) or \"pty\"")
	to := fs.String("to", "", "the device URL (tcp://, serial://, usblp://, usb://)")
	outPath := fs.String("out", "", "capture file to write (transport/capture text format; created readable by you only: it holds raw traffic, card data included)")
	force := fs.Bool("force", false, "overwrite --out when it exists")
	once := fs.Bool("once", false, "stop after the first application session")
	timeout := fs.Duration("timeout", 10*time.Second, "time allowed to open the device for each session")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 || *listen == "" || *to == "" || *outPath == "" {
		return errors.New("capture: want --listen ADDR|pty --to URL --out FILE")
	}
	f, err := createCapture(*outPath, *force)
	if err != nil {
		return fmt.Errorf("capture: %w", err)
	}
	defer f.Close()
	out := &lockedWriter{w: f}

	openDev := func() (transport.Conn, error) {
		octx, cancel := context.WithTimeout(ctx, *timeout)
		defer cancel()
		return transport.Open(octx, *to)
	}
	if *listen == "pty" {
		return capturePTY(ctx, a, *to, openDev, out, *outPath)
	}

	if host, _, err := net.SplitHostPort(*listen); err == nil {
		warnNotLoopback(a, "capture", host)
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return fmt.Errorf("capture: %w", err)
	}
	defer ln.Close()
	stop := context.AfterFunc(ctx, func() { ln.Close() })
	defer stop()
	writeComment(out, "hwprobe capture: application at %s, device %s", ln.Addr(), *to)
	fmt.Fprintf(a.stdout, "capture: application connects to %s; device %s; writing %s\n", ln.Addr(), *to, *outPath)
	a.notify("listen", ln.Addr().String())
	for n := 1; ; n++ {
		c, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("capture: %w", err)
		}
		dev, err := openDev()
		if err != nil {
			c.Close()
			fmt.Fprintf(a.stderr, "capture: session %d: %v\n", n, err)
			writeComment(out, "session %d: device open failed: %v", n, err)
			if *once {
				return fmt.Errorf("capture: %w", err)
			}
			continue
		}
		writeComment(out, "session %d from %s, device link %s", n, c.RemoteAddr(), linkName(dev))
		err = relay(ctx, c, dev, out)
		fmt.Fprintf(a.stdout, "capture: session %d ended\n", n)
		if err != nil {
			fmt.Fprintf(a.stderr, "capture: session %d: %v\n", n, err)
		}
		if *once || ctx.Err() != nil {
			a.notify("done", *outPath)
			return nil
		}
	}
}
