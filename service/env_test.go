package service

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/uapos/uapos/drawer"
	"github.com/uapos/uapos/journal"
	"github.com/uapos/uapos/payment"
	"github.com/uapos/uapos/simulators/vprinter"
)

// env is a running service over fake terminals and the virtual printer, on loopback.
type env struct {
	t     *testing.T
	svc   *Service
	srv   *httptest.Server
	bank  *fakeBank // terminal "priv": PrivatBank JSON row
	light *fakeBank // terminal "light": Ukrsibbank B-POS Light row (tasks 1, 3, 11)
	jr    journal.Journal
	vp    *vprinter.Server
	token string
}

func newEnv(t *testing.T, tweak ...func(*Options)) *env {
	t.Helper()
	e := &env{t: t, bank: newFakeBank(), light: newFakeBank(), jr: journal.NewMemory()}
	e.vp = vprinter.New(vprinter.Config{})
	addr, err := e.vp.ListenTCP("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	prn, err := ESCPOSPrinter("prn", "tcp://"+addr, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	opts := Options{
		Terminals: []TerminalDevice{
			e.bank.device("priv", e.jr, payment.BankPrivat, payment.ProtoPrivatJSON),
			e.light.device("light", e.jr, payment.BankUkrsib, payment.ProtoBPOSLight),
		},
		Printers: []PrinterDevice{prn},
		Drawers:  []DrawerDevice{ESCPOSDrawer("cash", "prn", drawer.Config{})},
		Journal:  e.jr,
		Loopback: true,
		Checkout: CheckoutOptions{Terminal: "priv"},
	}
	for _, f := range tweak {
		f(&opts)
	}
	e.token = opts.Token
	e.svc, err = New(opts)
	if err != nil {
		t.Fatal(err)
	}
	e.srv = httptest.NewServer(e.svc.Handler())
	t.Cleanup(func() {
		e.srv.Close()
		_ = e.svc.Shutdown(context.Background())
		_ = e.vp.Close()
	})
	return e
}

// reply is an HTTP answer: status, raw body and the body decoded as a JSON object.
type reply struct {
	status int
	raw    []byte
	body   map[string]any
}

// get returns the value at a dotted path ("error.code", "result.rrn").
func (r reply) get(path string) any {
	var v any = r.body
	for _, k := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func (r reply) str(path string) string {
	s, _ := r.get(path).(string)
	return s
}

func (r reply) num(path string) int {
	f, _ := r.get(path).(float64)
	return int(f)
}

func (e *env) do(method, path string, body any) reply {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if e.token != "" {
		req.Header.Set("Authorization", "Bearer "+e.token)
	}
	return e.send(req)
}

func (e *env) send(req *http.Request) reply {
	e.t.Helper()
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	r := reply{status: resp.StatusCode, raw: raw}
	if ct := resp.Header.Get("Content-Type"); strings.HasPrefix(ct, "application/json") {
		if err := json.Unmarshal(raw, &r.body); err != nil {
			e.t.Fatalf("%s %s: reply is not a JSON object: %v\n%s", req.Method, req.URL.Path, err, raw)
		}
	}
	return r
}

// want fails the test unless the reply has the status (and, for errors, the DM code).
func (r reply) want(t *testing.T, status int, code ...int) reply {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.raw)
	}
	if len(code) > 0 && r.num("error.code") != code[0] {
		t.Fatalf("code %d, want %d: %s", r.num("error.code"), code[0], r.raw)
	}
	return r
}
