package harness

import (
	"bytes"
	"io"
	"net"
	"testing"
	"time"
)

// echoServer echoes every connection on 127.0.0.1 until closed.
func echoServer(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { io.Copy(c, c); c.Close() }()
		}
	}()
	t.Cleanup(func() { ln.Close(); <-done })
	return ln.Addr().String()
}

func proxyConn(t *testing.T, p *Proxy) net.Conn {
	c, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	c.SetDeadline(time.Now().Add(10 * time.Second)) // a guard against a hang, not a timing assertion
	t.Cleanup(func() { c.Close() })
	return c
}

func TestProxy(t *testing.T) {
	p, err := NewProxy(echoServer(t))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	c := proxyConn(t, p)
	buf := make([]byte, 16)
	c.Write([]byte("hello"))
	if _, err := io.ReadFull(c, buf[:5]); err != nil || string(buf[:5]) != "hello" {
		t.Fatalf("pass-through: %q %v", buf[:5], err)
	}
	// NAK storm: every write is answered by the proxy, nothing reaches the server.
	p.Arm(ProxyNAK, 0)
	for range 3 {
		c.Write([]byte("req"))
		if _, err := io.ReadFull(c, buf[:1]); err != nil || buf[0] != NAK {
			t.Fatalf("NAK: %x %v", buf[:1], err)
		}
	}
	p.Arm(ProxyNone, 0)
	c.Write([]byte("ok"))
	if _, err := io.ReadFull(c, buf[:2]); err != nil || string(buf[:2]) != "ok" {
		t.Fatalf("after NAK storm: %q %v", buf[:2], err)
	}
	// Cut reply: the first byte, then half of the rest of the chunk, then EOF.
	p.Arm(ProxyCutReply, 1)
	c.Write([]byte("abcdefghi"))
	got, err := io.ReadAll(c)
	if err != nil || string(got) != "abcde" {
		t.Fatalf("cut reply: %q %v", got, err)
	}
	// Garbage after one byte, then EOF.
	c = proxyConn(t, p)
	p.Garbage = []byte("##")
	p.Arm(ProxyGarbage, 1)
	c.Write([]byte("xyz"))
	if got, err := io.ReadAll(c); err != nil || !bytes.Equal(got, []byte("x##")) {
		t.Fatalf("garbage: %q %v", got, err)
	}
	// Drop request: EOF and nothing echoed.
	c = proxyConn(t, p)
	p.Arm(ProxyDropRequest, 0)
	c.Write([]byte("lost"))
	if got, err := io.ReadAll(c); err != nil || len(got) != 0 {
		t.Fatalf("drop request: %q %v", got, err)
	}
}
