package main

import (
	"context"
	"fmt"
	"io"
	"sync"
	"sync/atomic"

	"github.com/uapos/uapos/transport"
	"github.com/uapos/uapos/transport/transporttest"
)

// servePTY serves a simulator on a pseudo-terminal master for as long as ctx lasts.
//
// A simulator's ServeConn serves one link and closes it when the link ends, which on a TCP
// listener ends one connection but on a pty would end the port for good (and a simulator may
// end a link on a byte it does not like, such as the EOT inside another protocol's probe).
// So the simulator gets one end of an in-memory pipe per session, hwprobe pumps bytes between
// the pipe and the master, and a new session starts whenever one ends. logf reports each
// restart.
func servePTY(ctx context.Context, s simulator, master io.ReadWriter, logf func(format string, args ...any)) error {
	var (
		mu      sync.Mutex
		current transport.Conn // the pump's end of the session's pipe
		inBytes atomic.Int64   // bytes from the master since the session started
	)
	// One reader of the master for all sessions.
	readErr := make(chan error, 1)
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := master.Read(buf)
			if n > 0 {
				inBytes.Add(int64(n))
				mu.Lock()
				c := current
				mu.Unlock()
				if c != nil {
					c.Write(buf[:n]) // a session that just ended loses what was meant for it
				}
			}
			if err != nil {
				readErr <- err
				return
			}
		}
	}()
	for {
		simEnd, pumpEnd := transporttest.Pipe()
		mu.Lock()
		current = pumpEnd
		mu.Unlock()
		inBytes.Store(0)
		pumped := make(chan struct{})
		go func() { // session -> master
			defer close(pumped)
			io.Copy(master, pumpEnd)
		}()
		served := make(chan error, 1)
		go func() { served <- s.ServeConn(ctx, simEnd) }()
		var err error
		select {
		case err = <-served:
		case err = <-readErr:
			simEnd.Close()
			pumpEnd.Close()
			<-served
			<-pumped
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("pty: %w", err)
		}
		simEnd.Close()
		pumpEnd.Close()
		<-pumped
		if ctx.Err() != nil {
			return nil
		}
		if inBytes.Load() == 0 {
			// The simulator ended a session nobody talked to: do not spin.
			if err == nil {
				err = fmt.Errorf("simulator ended the link on its own")
			}
			return err
		}
		logf("simulator ended the link (%v); serving the port again\n", err)
	}
}
