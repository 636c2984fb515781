package service

import (
	"context"
	"crypto/subtle"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/uapos/uapos/journal"
	"github.com/uapos/uapos/payment"
)

// DefaultOperationTimeout bounds one terminal operation: DM waits up to 300 s for a card and
// its wiki recommends a 310 s client time-out for terminals.
const DefaultOperationTimeout = 310 * time.Second

// Options configure a [Service].
type Options struct {
	Terminals []TerminalDevice
	Printers  []PrinterDevice
	Drawers   []DrawerDevice
	// Journal is the journal the terminals' adapters write (the same one): transaction queries
	// and DM's transaction_search read it. nil = an empty in-memory journal.
	Journal journal.Journal
	// Checkout configures DM's package mode (POST /v1/checkout/...).
	Checkout CheckoutOptions
	// Token, when set, is required on every request as "Authorization: Bearer TOKEN".
	Token string
	// Loopback, when true, refuses requests whose Host header is not a loopback name
	// (127.0.0.1, localhost, [::1]): a web page cannot reach the service by DNS rebinding.
	// Set it when the listener is on loopback.
	Loopback bool
	// AllowedOrigins lists browser origins allowed to call the service; a request carrying
	// any other Origin header is refused, so a web page cannot drive the devices.
	AllowedOrigins []string
	// OperationTimeout bounds one terminal operation (0 = DefaultOperationTimeout).
	OperationTimeout time.Duration
	// MaxBody bounds a request body (0 = DefaultMaxBody).
	MaxBody int64
	// DrawerPoll is how often wait-closed reads the drawer sensor (0 = 250 ms).
	DrawerPoll time.Duration
	// StatusPoll is how often printers and drawers are read for the live status while a
	// client watches GET /v1/events (0 = DefaultStatusPoll).
	StatusPoll time.Duration
	// TerminalProbe is how often idle terminals are pinged for the live status while a
	// client watches (0 = DefaultTerminalProbe).
	TerminalProbe time.Duration
	// Logger receives one record per request (never bodies); nil discards.
	Logger *slog.Logger
}

// Service is the HTTP service over the configured devices.
type Service struct {
	opts      Options
	log       *slog.Logger
	journal   journal.Journal
	terminals map[string]*terminalEntry
	printers  map[string]*printerEntry
	drawers   map[string]*drawerEntry
	names     []string // every device name, in configuration order
	jobs      *jobs
	mux       *http.ServeMux
	routes    []route
	mon       *monitor

	// base is the context of every device exchange: cancelled only when a graceful stop
	// runs out of time, so that the adapters abort on the terminal by the protocol's abort.
	base     context.Context
	abort    context.CancelFunc
	inflight sync.WaitGroup
	mu       sync.Mutex
	stopping bool
	// closing is closed when Shutdown begins: the event streams end.
	closing chan struct{}
}

// New checks the options and returns the service.
func New(opts Options) (*Service, error) {
	if opts.OperationTimeout <= 0 {
		opts.OperationTimeout = DefaultOperationTimeout
	}
	if opts.MaxBody <= 0 {
		opts.MaxBody = DefaultMaxBody
	}
	if opts.DrawerPoll <= 0 {
		opts.DrawerPoll = 250 * time.Millisecond
	}
	if opts.StatusPoll <= 0 {
		opts.StatusPoll = DefaultStatusPoll
	}
	if opts.TerminalProbe <= 0 {
		opts.TerminalProbe = DefaultTerminalProbe
	}
	s := &Service{
		opts:      opts,
		log:       opts.Logger,
		journal:   opts.Journal,
		terminals: map[string]*terminalEntry{},
		printers:  map[string]*printerEntry{},
		drawers:   map[string]*drawerEntry{},
		closing:   make(chan struct{}),
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.journal == nil {
		s.journal = journal.NewMemory()
	}
	taken := func(name string) error {
		if !validName(name) {
			return fmt.Errorf("service: device name %q: use letters, digits, '-', '_' and '.'", name)
		}
		if slices.Contains(s.names, name) {
			return fmt.Errorf("service: two devices named %q", name)
		}
		s.names = append(s.names, name)
		return nil
	}
	for _, d := range opts.Terminals {
		if err := taken(d.Name); err != nil {
			return nil, err
		}
		e := &terminalEntry{dev: d, probe: make(chan struct{}, 1)}
		e.changed = func() { s.terminalState(e) }
		e.recheck = func() { s.mon.refreshSoon(e.dev.Name) }
		s.terminals[d.Name] = e
	}
	for _, d := range opts.Printers {
		if err := taken(d.Name); err != nil {
			return nil, err
		}
		s.printers[d.Name] = &printerEntry{dev: d}
	}
	for _, d := range opts.Drawers {
		if err := taken(d.Name); err != nil {
			return nil, err
		}
		p, ok := s.printers[d.Printer]
		if !ok {
			return nil, fmt.Errorf("service: drawer %q hangs on printer %q, which is not configured", d.Name, d.Printer)
		}
		s.drawers[d.Name] = &drawerEntry{dev: d, printer: p}
	}
	if err := s.checkCheckout(); err != nil {
		return nil, err
	}
	s.base, s.abort = context.WithCancel(context.Background())
	s.jobs = newJobs()
	s.mon = newMonitor(s)
	s.mux = http.NewServeMux()
	s.routes = s.routeTable()
	for _, rt := range s.routes {
		s.mux.HandleFunc(rt.method+" "+rt.path, rt.handler)
	}
	// The support page: not part of the API (and not in its document).
	s.mux.HandleFunc("GET /{$}", s.page)
	s.mux.Handle("GET /assets/", assetHandler())
	s.mux.HandleFunc("/", s.notFound)
	return s, nil
}

// route is one endpoint: the OpenAPI test compares this table with the document.
type route struct {
	method, path string
	handler      http.HandlerFunc
}

// Routes returns every "METHOD /path" the service serves, for tests and listings.
func (s *Service) Routes() []string {
	out := make([]string, len(s.routes))
	for i, r := range s.routes {
		out[i] = r.method + " " + r.path
	}
	return out
}

func (s *Service) routeTable() []route {
	rt := []route{
		{"GET", "/v1/openapi.json", s.openAPI},
		{"GET", "/v1/devices", s.listDevices},
		{"GET", "/v1/devices/{name}", s.deviceStatus},
		{"GET", "/v1/events", s.events},
		{"POST", "/v1/terminals/{name}/jobs", s.startJob},
		{"GET", "/v1/jobs/{id}", s.getJob},
		{"GET", "/v1/jobs/{id}/events", s.jobEvents},
		{"DELETE", "/v1/jobs/{id}", s.abortJob},
		{"POST", "/v1/printers/{name}/print", s.printDocument},
		{"POST", "/v1/printers/{name}/text", s.printText},
		{"POST", "/v1/printers/{name}/cut", s.cut},
		{"GET", "/v1/printers/{name}/status", s.printerStatus},
		{"POST", "/v1/printers/{name}/test-page", s.testPage},
		{"POST", "/v1/printers/{name}/preview", s.preview},
		{"GET", "/v1/printers/{name}/receipts", s.listReceipts},
		{"GET", "/v1/printers/{name}/receipts/{index}", s.receiptImage},
		{"POST", "/v1/drawers/{name}/open", s.openDrawer},
		{"GET", "/v1/drawers/{name}/status", s.drawerStatus},
		{"POST", "/v1/drawers/{name}/wait-closed", s.waitDrawerClosed},
		{"POST", "/v1/checkout/sale", s.checkoutSale},
		{"POST", "/v1/checkout/return", s.checkoutReturn},
		{"GET", "/v1/transactions", s.queryTransactions},
		{"GET", "/v1/transactions/{id}", s.getTransaction},
		{"POST", "/v1/transactions/{id}/reconcile", s.reconcileTransaction},
		{"POST", "/v1/transactions/{id}/settle", s.settleTransaction},
		{"POST", "/dm/execute", s.dmExecute},
		{"POST", "/dm/execute-prn", s.dmFiscalOnly},
		{"POST", "/dm/execute-pkg", s.dmFiscalOnly},
	}
	for _, o := range terminalOps {
		rt = append(rt, route{"POST", "/v1/terminals/{name}/" + o.path, s.operationHandler(o)})
	}
	for _, c := range serviceCalls {
		rt = append(rt, route{"GET", "/v1/terminals/{name}/" + c.path, s.serviceCallHandler(c)})
	}
	for _, c := range dmServiceCalls {
		rt = append(rt, route{"GET", "/dm/" + c.path, s.dmServiceHandler(c)})
	}
	return rt
}

// Handler returns the service's HTTP handler: authentication, the Host and Origin checks,
// the body bound, panic recovery and request logging around the routes.
func (s *Service) Handler() http.Handler {
	return http.HandlerFunc(s.serve)
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach Flush.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (s *Service) serve(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	sw := &statusWriter{ResponseWriter: w}
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			s.log.Error("uaposd: handler panic", "method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(p))
			if sw.status == 0 {
				writeError(sw, fmt.Errorf("internal error"), nil)
			}
		}
		s.log.Info("request", "method", r.Method, "path", r.URL.Path, "status", sw.status, "ms", time.Since(start).Milliseconds())
	}()
	if err := s.admit(sw, r); err != nil {
		writeError(sw, err, nil)
		return
	}
	if r.Method == http.MethodOptions {
		sw.WriteHeader(http.StatusNoContent)
		return
	}
	r.Body = http.MaxBytesReader(sw, r.Body, s.opts.MaxBody)
	s.mux.ServeHTTP(sw, r)
}

// admit applies the Host, Origin and token checks, and answers CORS for allowed origins.
func (s *Service) admit(w http.ResponseWriter, r *http.Request) error {
	if s.opts.Loopback && !loopbackHost(r.Host) {
		return &inputError{msg: fmt.Sprintf("host %q is not a loopback name: uaposd listens on loopback only", r.Host), status: http.StatusForbidden}
	}
	if origin := r.Header.Get("Origin"); origin != "" && !sameOrigin(origin, r) {
		if !slices.Contains(s.opts.AllowedOrigins, origin) {
			return &inputError{msg: fmt.Sprintf("origin %q is not allowed (configure allowed_origins)", origin), status: http.StatusForbidden}
		}
		w.Header().Set("Access-Control-Allow-Origin", origin)
		w.Header().Set("Vary", "Origin")
		if r.Method == http.MethodOptions {
			w.Header().Set("Access-Control-Allow-Methods", "GET, POST, DELETE")
			w.Header().Set("Access-Control-Allow-Headers", "Authorization, Content-Type")
			w.Header().Set("Access-Control-Max-Age", "600")
			return nil
		}
	}
	if s.opts.Token != "" && !pageAsset(r) {
		auth := r.Header.Get("Authorization")
		tok, ok := strings.CutPrefix(auth, "Bearer ")
		if !ok || subtle.ConstantTimeCompare([]byte(strings.TrimSpace(tok)), []byte(s.opts.Token)) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="uaposd"`)
			return &inputError{msg: "missing or wrong API token: send Authorization: Bearer TOKEN", status: http.StatusUnauthorized}
		}
	}
	return nil
}

// pageAsset reports whether r asks for the support page or one of its files: those are
// served without the token (the browser cannot send it when it loads a page; the page holds
// no data), and every call the page makes for data carries it.
func pageAsset(r *http.Request) bool {
	return (r.Method == http.MethodGet || r.Method == http.MethodHead) && (r.URL.Path == "/" || strings.HasPrefix(r.URL.Path, "/assets/"))
}

// sameOrigin reports whether origin is the service's own (the support page's calls): the
// origin's host is the request's Host, on plain HTTP. The Host check above already refused
// a name that is not loopback when the service listens on loopback.
func sameOrigin(origin string, r *http.Request) bool {
	return r.TLS == nil && origin == "http://"+r.Host
}

func loopbackHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (s *Service) notFound(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/dm/") {
		s.writeDM(w, dmReply{Res: CodeBadRequest, ErrorTxt: "uaposd has no DM endpoint " + r.URL.Path}, nil)
		return
	}
	writeError(w, &inputError{msg: fmt.Sprintf("no endpoint %s %s (see /v1/openapi.json)", r.Method, r.URL.Path), status: http.StatusNotFound}, nil)
}

// begin registers a device exchange for the graceful stop; it fails once the stop began.
func (s *Service) begin() (func(), error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopping {
		return nil, &payment.Error{Code: payment.CodeBusy, DeviceText: "uaposd is stopping"}
	}
	s.inflight.Add(1)
	return s.inflight.Done, nil
}

// exchangeContext is the context of one device exchange: detached from the HTTP request (a
// client that goes away does not cut a card payment in half: the exchange finishes and its
// outcome stays in the journal for the retry), bounded by the operation time-out, and
// cancelled when a graceful stop runs out of time.
func (s *Service) exchangeContext() (context.Context, context.CancelFunc) {
	return context.WithTimeout(s.base, s.opts.OperationTimeout)
}

// Shutdown stops taking device exchanges and waits for the running ones (HTTP calls and jobs)
// to finish. When ctx ends first it cancels them, which makes each adapter abort on its
// terminal by the protocol's own abort (journaled), and waits for them to return. Call it
// after http.Server.Shutdown has stopped new requests, or alongside it.
func (s *Service) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	if !s.stopping {
		close(s.closing)
	}
	s.stopping = true
	s.mu.Unlock()
	done := make(chan struct{})
	go func() {
		s.inflight.Wait()
		close(done)
	}()
	var err error
	select {
	case <-done:
	case <-ctx.Done():
		err = fmt.Errorf("service: exchanges still running at the deadline were aborted: %w", ctx.Err())
		s.abort()
		<-done
	}
	s.abort()
	for _, t := range s.terminals {
		t.close()
	}
	for _, p := range s.printers {
		p.close()
	}
	return err
}

// Running returns the number of jobs queued or running (for the log at stop).
func (s *Service) Running() int {
	return s.jobs.running()
}

func (s *Service) terminal(name string) (*terminalEntry, error) {
	if e, ok := s.terminals[name]; ok {
		return e, nil
	}
	return nil, s.noDevice(name, KindTerminal)
}

func (s *Service) noDevice(name, kind string) error {
	return &payment.Error{Code: payment.CodeDeviceNotFound, DeviceText: fmt.Sprintf("no %s named %q", kind, payment.RedactPANs(trunc(name, 64)))}
}

func trunc(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
