package service

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/uapos/uapos/drawer"
	"github.com/uapos/uapos/journal"
	"github.com/uapos/uapos/payment"
	"github.com/uapos/uapos/service/servicetest"
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

// reply is an HTTP answer (servicetest's).
type reply = servicetest.Reply

func (e *env) client() *servicetest.Client {
	return &servicetest.Client{URL: e.srv.URL, Token: e.token, HTTP: e.srv.Client()}
}

func (e *env) do(method, path string, body any) reply {
	e.t.Helper()
	return e.client().Do(e.t, method, path, body)
}

func (e *env) send(req *http.Request) reply {
	e.t.Helper()
	return e.client().Send(e.t, req)
}
