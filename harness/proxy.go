package harness

import (
	"net"
	"sync"
)

// ProxyFault is a misbehaviour of a [Proxy] on its next exchange. Link faults that a
// simulator has no knob for (drop, cut, garbage, NAK, silence) can be produced this way
// for any byte protocol on TCP.
type ProxyFault int

// The proxy faults.
const (
	// ProxyNone forwards everything.
	ProxyNone ProxyFault = iota
	// ProxyDropRequest closes both sides on the next bytes from the client, forwarding
	// none of them: the request never reaches the terminal.
	ProxyDropRequest
	// ProxyDropReply forwards the request, then, after After bytes from the terminal (an
	// ACK, say), closes both sides: the terminal did the request, the reply is lost.
	ProxyDropReply
	// ProxyCutReply forwards After bytes from the terminal and then half of what follows in
	// the same read, then closes both sides.
	ProxyCutReply
	// ProxyGarbage forwards After bytes from the terminal, then writes Garbage to the client
	// instead of the rest and closes both sides.
	ProxyGarbage
	// ProxyNAK answers every chunk from the client with one NAK (0x15) itself, forwarding
	// nothing, until the fault is cleared: a NAK storm.
	ProxyNAK
	// ProxySilence swallows everything from the client until the fault is cleared.
	ProxySilence
)

// NAK is the byte ProxyNAK answers with (ASCII NAK, as in STX/ETX link layers).
const NAK = 0x15

// Proxy is a TCP proxy on 127.0.0.1 between a client and a simulator that misbehaves on
// demand ([Proxy.Arm]). Every client connection gets its own upstream connection.
type Proxy struct {
	// Garbage is what ProxyGarbage writes; nil means an STX with an impossible length
	// followed by 512 bytes of 0xFF.
	Garbage []byte

	target string
	ln     net.Listener

	mu     sync.Mutex
	fault  ProxyFault
	after  int
	seen   int // terminal bytes forwarded since Arm
	conns  map[net.Conn]struct{}
	closed bool
	wg     sync.WaitGroup
}

// NewProxy listens on 127.0.0.1 (a port the OS picks) and forwards to target (host:port).
func NewProxy(target string) (*Proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &Proxy{target: target, ln: ln, conns: map[net.Conn]struct{}{}}
	p.wg.Add(1)
	go p.accept()
	return p, nil
}

// Addr returns the proxy's host:port.
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

// Arm sets the fault for the next exchange; after is the count of terminal bytes to
// forward first (ProxyDropReply, ProxyCutReply, ProxyGarbage). Arm(ProxyNone, 0) clears.
func (p *Proxy) Arm(f ProxyFault, after int) {
	p.mu.Lock()
	p.fault, p.after, p.seen = f, after, 0
	p.mu.Unlock()
}

// Close stops the proxy and closes every connection; it waits for its goroutines.
func (p *Proxy) Close() error {
	p.mu.Lock()
	p.closed = true
	for c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	err := p.ln.Close()
	p.wg.Wait()
	return err
}

func (p *Proxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		c.Close()
		return false
	}
	p.conns[c] = struct{}{}
	return true
}

func (p *Proxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		up, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		if !p.track(c) || !p.track(up) {
			c.Close()
			up.Close()
			return
		}
		var once sync.Once
		both := func() {
			once.Do(func() {
				c.Close()
				up.Close()
				p.mu.Lock()
				delete(p.conns, c)
				delete(p.conns, up)
				p.mu.Unlock()
			})
		}
		p.wg.Add(2)
		go func() { defer p.wg.Done(); defer both(); p.upstream(c, up) }()
		go func() { defer p.wg.Done(); defer both(); p.downstream(c, up) }()
	}
}

// upstream copies client bytes to the terminal, applying request-side faults.
func (p *Proxy) upstream(c, up net.Conn) {
	buf := make([]byte, 32<<10)
	for {
		n, err := c.Read(buf)
		if n > 0 {
			p.mu.Lock()
			f := p.fault
			if f == ProxyDropRequest {
				p.fault = ProxyNone
			}
			p.mu.Unlock()
			switch f {
			case ProxyDropRequest:
				return
			case ProxyNAK:
				if _, err := c.Write([]byte{NAK}); err != nil {
					return
				}
			case ProxySilence:
			default:
				if _, err := up.Write(buf[:n]); err != nil {
					return
				}
			}
		}
		if err != nil {
			return
		}
	}
}

// downstream copies terminal bytes to the client, applying reply-side faults.
func (p *Proxy) downstream(c, up net.Conn) {
	buf := make([]byte, 32<<10)
	for {
		n, err := up.Read(buf)
		if n > 0 {
			if !p.forward(c, buf[:n]) {
				return
			}
		}
		if err != nil {
			return // EOF or a closed link: closing both sides passes it on
		}
	}
}

// forward writes b to the client under the armed reply fault; false means close both.
func (p *Proxy) forward(c net.Conn, b []byte) bool {
	p.mu.Lock()
	f, after, seen := p.fault, p.after, p.seen
	switch f {
	case ProxyDropReply, ProxyCutReply, ProxyGarbage:
	default:
		p.mu.Unlock()
		_, err := c.Write(b)
		return err == nil
	}
	pass := min(len(b), max(after-seen, 0))
	p.seen += pass
	fire := pass < len(b)
	if fire {
		p.fault = ProxyNone
	}
	garbage := p.Garbage
	p.mu.Unlock()
	if pass > 0 {
		if _, err := c.Write(b[:pass]); err != nil {
			return false
		}
	}
	if !fire {
		return true
	}
	rest := b[pass:]
	switch f {
	case ProxyCutReply:
		c.Write(rest[:max(len(rest)/2, 1)])
	case ProxyGarbage:
		if garbage == nil {
			garbage = append([]byte{0x02, 0xFF, 0xFF}, make([]byte, 512)...)
			for i := 3; i < len(garbage); i++ {
				garbage[i] = 0xFF
			}
		}
		c.Write(garbage)
	}
	return false
}
