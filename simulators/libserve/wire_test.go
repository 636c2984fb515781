package libserve_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/uapos/uapos/posapi/capi"
	"github.com/uapos/uapos/simulators/bpos1sim"
	"github.com/uapos/uapos/simulators/libserve"
	"github.com/uapos/uapos/simulators/posapisim"
)

type vector struct{ kind, verdict, body string }

func readVectors(t testing.TB) []vector {
	t.Helper()
	b, err := os.ReadFile("testdata/requests.txt")
	if err != nil {
		t.Fatal(err)
	}
	var vs []vector
	for _, line := range strings.Split(string(b), "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		f := strings.SplitN(line, " ", 3)
		if len(f) < 2 {
			t.Fatalf("bad vector %q", line)
		}
		v := vector{kind: f[0], verdict: f[1]}
		if len(f) == 3 {
			v.body = f[2]
		}
		vs = append(vs, v)
	}
	return vs
}

func verdict(err error) string {
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, libserve.ErrUnknownCall):
		return libserve.CodeUnknownCall
	case errors.Is(err, libserve.ErrBadArgs):
		return libserve.CodeBadArgs
	}
	return libserve.CodeBadRequest
}

// TestDecodeRequestVectors pins the decoder on the hand-written bodies of testdata.
func TestDecodeRequestVectors(t *testing.T) {
	vs := readVectors(t)
	if len(vs) < 25 {
		t.Fatalf("only %d vectors", len(vs))
	}
	for _, v := range vs {
		r, err := libserve.DecodeRequest(v.kind, []byte(v.body))
		if got := verdict(err); got != v.verdict {
			t.Errorf("%s %s: %s (%v), want %s", v.kind, v.body, got, err, v.verdict)
		}
		var pe *libserve.ProtocolError
		if err != nil && !errors.As(err, &pe) {
			t.Errorf("%s: error %T is not a *ProtocolError", v.body, err)
		}
		if err == nil && r.Call == "pos_set" && (string(r.Strs[0]) != "amount" || string(r.Strs[1]) != "100" || r.Handle != 1) {
			t.Errorf("pos_set decoded as %+v", r)
		}
	}
}

// frame is a frame written by hand: length prefix, body.
func frame(body string) []byte {
	return append(binary.BigEndian.AppendUint32(nil, uint32(len(body))), body...)
}

func readAnswer(t *testing.T, r io.Reader) string {
	t.Helper()
	var n uint32
	if err := binary.Read(r, binary.BigEndian, &n); err != nil {
		t.Fatal(err)
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func errCode(t *testing.T, answer string) string {
	t.Helper()
	var r libserve.Response
	if err := json.Unmarshal([]byte(answer), &r); err != nil || r.Err == nil {
		t.Fatalf("answer %s is not an error (%v)", answer, err)
	}
	return r.Err.Code
}

func dialRaw(t *testing.T, addr string) (net.Conn, *bufio.Reader) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c, bufio.NewReader(c)
}

// TestServerGoldenFrames pins the server's bytes: hello and pos_open, written by hand.
func TestServerGoldenFrames(t *testing.T) {
	addr := serve(t, libserve.NewPOSAPI(posapisim.New(posapisim.Config{}), libserve.Config{}))
	c, br := dialRaw(t, addr)
	hello := "\x00\x00\x00\x29" + `{"call":"hello","n":[1],"s":["cG9zYXBp"]}` // 41 bytes
	if _, err := c.Write([]byte(hello)); err != nil {
		t.Fatal(err)
	}
	if got := readAnswer(t, br); got != `{"r":1,"s":"cG9zYXBp"}` {
		t.Fatalf("hello answer %s", got)
	}
	c.Write(frame(`{"call":"pos_open","s":["MTI3LjAuMC4xOjIwMDA=",""]}`)) // "127.0.0.1:2000"
	if got := readAnswer(t, br); got != `{"r":1,"h":1}` {
		t.Fatalf("pos_open answer %s", got)
	}
	c.Write(frame(`{"call":"symbol_int","s":["QUNUSU9OX1BBWU1FTlQ="]}`)) // "ACTION_PAYMENT"
	if got := readAnswer(t, br); got != `{"r":1,"v":259}` {
		t.Fatalf("symbol_int answer %s", got)
	}
}

// TestClientGoldenFrames pins the client's bytes against a server written in the test.
func TestClientGoldenFrames(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	type result struct {
		h  capi.Handle
		ok bool
	}
	done := make(chan result, 1)
	go func() {
		lib := libserve.NewPOSAPIClient(ln.Addr().String(), libserve.ClientConfig{})
		h, ok := lib.Open("x", "")
		done <- result{h, ok}
	}()
	c, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	want := func(golden string) {
		t.Helper()
		if got := readAnswer(t, c); got != golden {
			t.Fatalf("client sent %s, want %s", got, golden)
		}
	}
	want(`{"call":"hello","n":[1],"s":["cG9zYXBp"]}`)
	c.Write(frame(`{"r":1,"s":"cG9zYXBp"}`))
	want(`{"call":"pos_open","s":["eA==",""]}`)
	c.Write(frame(`{"r":1,"h":7}`))
	if r := <-done; r.h != 7 || !r.ok {
		t.Fatalf("open = %d, %v", r.h, r.ok)
	}
}

// TestServerRefusals: a refused request is answered with a typed error; a broken frame
// ends the connection after its answer.
func TestServerRefusals(t *testing.T) {
	addr := serve(t, libserve.NewBPOS1(bpos1sim.NewLibrary(bpos1sim.Config{}), libserve.Config{}))

	c, br := dialRaw(t, addr)
	c.Write(frame(`{"call":"Purchase","n":[1,0,1]}`))
	if code := errCode(t, readAnswer(t, br)); code != libserve.CodeBadRequest {
		t.Fatalf("no hello: %s", code)
	}
	if _, err := br.ReadByte(); err != io.EOF {
		t.Fatalf("connection open after a refused first call: %v", err)
	}

	c, br = dialRaw(t, addr)
	c.Write(frame(`{"call":"hello","n":[1],"s":["cG9zYXBp"]}`)) // posapi, to a bpos1 server
	if code := errCode(t, readAnswer(t, br)); code != libserve.CodeWrongKind {
		t.Fatalf("wrong kind: %s", code)
	}

	c, br = dialRaw(t, addr)
	c.Write(frame(`{"call":"hello","n":[1],"s":["YnBvczE="]}`))
	readAnswer(t, br)
	for body, want := range map[string]string{
		`{"call":"pos_open","s":["",""]}`:   libserve.CodeUnknownCall,
		`{"call":"Purchase","n":[1,0,256]}`: libserve.CodeBadArgs,
		`{"call":`:                          libserve.CodeBadRequest,
	} {
		c.Write(frame(body))
		if code := errCode(t, readAnswer(t, br)); code != want {
			t.Fatalf("%s: %s, want %s", body, code, want)
		}
	}
	c.Write(frame(`{"call":"Ping"}`)) // the connection still serves
	if got := readAnswer(t, br); got != `{"r":0}` {
		t.Fatalf("ping answer %s", got)
	}
	c.Write([]byte{0x00, 0x01, 0x00, 0x01}) // 65537 bytes announced: one over MaxRequest
	if code := errCode(t, readAnswer(t, br)); code != libserve.CodeTooLarge {
		t.Fatalf("too large: %s", code)
	}
	if _, err := br.ReadByte(); err != io.EOF {
		t.Fatalf("connection open after a too-large frame: %v", err)
	}
}

// ended is a slog handler that signals each ended connection.
type ended chan struct{}

func (e ended) Enabled(context.Context, slog.Level) bool { return true }
func (e ended) Handle(_ context.Context, r slog.Record) error {
	if r.Message == "libserve: link ended" {
		e <- struct{}{}
	}
	return nil
}
func (e ended) WithAttrs([]slog.Attr) slog.Handler { return e }
func (e ended) WithGroup(string) slog.Handler      { return e }

// TestDisconnectClosesSessions: the sessions of a connection that ends are closed, as the
// link of a vendor library dies with its application.
func TestDisconnectClosesSessions(t *testing.T) {
	sim := posapisim.New(posapisim.Config{})
	done := make(ended, 4)
	s := libserve.NewPOSAPI(sim, libserve.Config{Logger: slog.New(done)})
	addr := serve(t, s)
	lib := libserve.NewPOSAPIClient(addr, libserve.ClientConfig{})
	if _, ok := lib.Open("x", ""); !ok || sim.OpenSessions() != 1 {
		t.Fatal("open failed")
	}
	lib.Conn().Close()
	<-done
	if n := sim.OpenSessions(); n != 0 {
		t.Fatalf("%d sessions open after the connection ended", n)
	}
	// The next call dials again.
	if _, ok := lib.Open("x", ""); !ok {
		t.Fatalf("open after a redial: %v", lib.Err())
	}
}

func TestStart(t *testing.T) {
	s, err := libserve.Start(t.Context(), libserve.KindBPOS1, ":0")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if host, _, _ := net.SplitHostPort(s.Addr()); host != "127.0.0.1" {
		t.Fatalf("listening on %s, not loopback", s.Addr())
	}
	if _, ok := s.Sim().(*bpos1sim.Library); !ok || s.Kind() != libserve.KindBPOS1 {
		t.Fatalf("sim %T", s.Sim())
	}
	if _, err := libserve.Start(t.Context(), "bposlight", ""); err == nil {
		t.Fatal("started a library simulator of no such kind")
	}
	if err := s.ServeConn(t.Context(), nopConn{}); err != nil {
		t.Fatalf("serve a closed pipe: %v", err)
	}
	s.Close()
	if err := s.ServeConn(t.Context(), nopConn{}); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("serve after close: %v", err)
	}
}

// nopConn is a connection whose peer has hung up.
type nopConn struct{}

func (nopConn) Read([]byte) (int, error)    { return 0, io.EOF }
func (nopConn) Write(b []byte) (int, error) { return len(b), nil }
func (nopConn) Close() error                { return nil }

func TestAddrFromEnv(t *testing.T) {
	t.Setenv(libserve.EnvPOSAPIAddr, "")
	t.Setenv(libserve.EnvBPOS1Addr, "")
	t.Setenv(libserve.EnvAddr, "")
	if got := libserve.AddrFromEnv(libserve.KindPOSAPI); got != "127.0.0.1:47390" {
		t.Fatalf("default %s", got)
	}
	t.Setenv(libserve.EnvAddr, "127.0.0.1:1")
	t.Setenv(libserve.EnvBPOS1Addr, "127.0.0.1:2")
	if libserve.AddrFromEnv(libserve.KindPOSAPI) != "127.0.0.1:1" || libserve.AddrFromEnv(libserve.KindBPOS1) != "127.0.0.1:2" {
		t.Fatal("environment not read")
	}
}

// FuzzDecodeRequest: no input panics the decoder; what it accepts is a known call with
// arguments that re-encode and decode to the same request.
func FuzzDecodeRequest(f *testing.F) {
	for _, v := range readVectors(f) {
		f.Add(v.kind, []byte(v.body))
	}
	f.Fuzz(func(t *testing.T, kind string, body []byte) {
		r, err := libserve.DecodeRequest(kind, body)
		if err != nil {
			var pe *libserve.ProtocolError
			if !errors.As(err, &pe) {
				t.Fatalf("error %T", err)
			}
			return
		}
		if kind != libserve.KindPOSAPI && kind != libserve.KindBPOS1 {
			t.Fatalf("accepted a request for kind %q", kind)
		}
		for _, s := range r.Strs {
			if bytes.IndexByte(s, 0) >= 0 {
				t.Fatal("accepted a NUL in a string")
			}
		}
		again, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		r2, err := libserve.DecodeRequest(kind, again)
		if err != nil || !reflect.DeepEqual(norm(r), norm(r2)) {
			t.Fatalf("round trip: %+v -> %s -> %+v, %v", r, again, r2, err)
		}
	})
}

// norm makes empty and nil slices equal.
func norm(r *libserve.Request) libserve.Request {
	n := *r
	if len(n.Ints) == 0 {
		n.Ints = nil
	}
	if len(n.Strs) == 0 {
		n.Strs = nil
	}
	for i, s := range n.Strs {
		if len(s) == 0 {
			n.Strs[i] = nil
		}
	}
	return n
}
