package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"time"

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
	outPath := fs.String("out", "", "capture file to write (transport/capture text format)")
	once := fs.Bool("once", false, "stop after the first application session")
	timeout := fs.Duration("timeout", 10*time.Second, "time allowed to open the device for each session")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 || *listen == "" || *to == "" || *outPath == "" {
		return errors.New("capture: want --listen ADDR|pty --to URL --out FILE")
	}
	f, err := os.Create(*outPath)
	if err != nil {
		return fmt.Errorf("capture: %w", err)
	}
	defer f.Close()
	out := &lockedWriter{w: f}
	fmt.Fprintf(out, "# hwprobe capture: application at %s, device %s\n", *listen, *to)

	openDev := func() (transport.Conn, error) {
		octx, cancel := context.WithTimeout(ctx, *timeout)
		defer cancel()
		return transport.Open(octx, *to)
	}
	if *listen == "pty" {
		return capturePTY(ctx, a, openDev, out, *outPath)
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
			fmt.Fprintf(out, "# session %d: device open failed: %v\n", n, err)
			if *once {
				return fmt.Errorf("capture: %w", err)
			}
			continue
		}
		fmt.Fprintf(out, "# session %d from %s\n", n, c.RemoteAddr())
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
