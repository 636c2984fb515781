package control

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
)

// Device is one simulator served by a control API.
type Device struct {
	// Name is the device's path segment: /v1/devices/{Name}/...
	Name string
	// Addr is where the device's protocol is served ("127.0.0.1:2000"), for the listing.
	Addr string
	// Controller controls it; a [Printer] also serves its pages.
	Controller Controller
}

// DeviceInfo is a device as GET /v1/devices lists it.
type DeviceInfo struct {
	Name   string   `json:"name"`
	Kind   string   `json:"kind"` // "terminal" or "printer"
	Addr   string   `json:"addr,omitempty"`
	Faults []string `json:"faults"`
	// Words are the words the device takes; NotExpressible maps the others to why not.
	Words          []Word            `json:"words"`
	NotExpressible map[string]string `json:"not_expressible,omitempty"`
}

// FaultsBody is the JSON body of the faults endpoints, both ways: {"faults":["busy@2"]}.
type FaultsBody struct {
	Faults []string `json:"faults"`
}

// maxBody bounds a request body.
const maxBody = 16 << 10

// DecodeFaults reads a FaultsBody (at most 16 KiB of JSON, no unknown keys, nothing after
// it) and parses its faults; a fault without "@" is one-shot.
func DecodeFaults(r io.Reader) ([]Fault, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxBody+1))
	if err != nil {
		return nil, fmt.Errorf("control: read body: %w", err)
	}
	if len(b) > maxBody {
		return nil, fmt.Errorf("%w: body larger than %d bytes", ErrSyntax, maxBody)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var body FaultsBody
	if err := dec.Decode(&body); err != nil {
		return nil, fmt.Errorf("%w: body: %v", ErrSyntax, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%w: body: data after the JSON object", ErrSyntax)
	}
	return ParseFaults(body.Faults, false)
}

// NewHandler returns the control API over devices:
//
//	GET    /v1/devices                          the devices (DeviceInfo)
//	GET    /v1/devices/{name}                   one device
//	GET    /v1/devices/{name}/faults            armed faults {"faults":[...]}
//	POST   /v1/devices/{name}/faults            arm faults, body {"faults":["decline=0051@2"]}
//	PUT    /v1/devices/{name}/faults            replace the armed faults
//	DELETE /v1/devices/{name}/faults            clear them
//	POST   /v1/devices/{name}/card              present a card
//	GET    /v1/devices/{name}/ledger            {"charges":[Charge...]}
//	GET    /v1/devices/{name}/requests          {"requests":[Request...]}
//	POST   /v1/devices/{name}/reset             back to the start
//	GET    /v1/devices/{name}/pages             printers: {"pages":[Page...]}
//	GET    /v1/devices/{name}/pages/{n}         one page (JSON)
//	GET    /v1/devices/{name}/pages/{n}/text    its text (text/plain)
//	GET    /v1/devices/{name}/pages/{n}/png     its image (image/png)
//
// Errors are {"error":"..."} with 400 (bad request), 404 (no such device or page), 422 (a
// fault the protocol cannot express, with the reason) or 501 (a control the device does not
// have). Requests whose Host is not an IP address or "localhost" are refused (421), so a web
// page cannot reach the API through a rebinding DNS name.
func NewHandler(devices ...Device) http.Handler {
	h := &handler{devices: map[string]Device{}}
	for _, d := range devices {
		h.devices[d.Name] = d
		h.order = append(h.order, d.Name)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/devices", h.list)
	mux.HandleFunc("GET /v1/devices/{name}", h.dev(h.info))
	mux.HandleFunc("GET /v1/devices/{name}/faults", h.dev(h.faults))
	mux.HandleFunc("POST /v1/devices/{name}/faults", h.dev(h.arm(false)))
	mux.HandleFunc("PUT /v1/devices/{name}/faults", h.dev(h.arm(true)))
	mux.HandleFunc("DELETE /v1/devices/{name}/faults", h.dev(h.clear))
	mux.HandleFunc("POST /v1/devices/{name}/card", h.dev(h.card))
	mux.HandleFunc("GET /v1/devices/{name}/ledger", h.dev(h.ledger))
	mux.HandleFunc("GET /v1/devices/{name}/requests", h.dev(h.requests))
	mux.HandleFunc("POST /v1/devices/{name}/reset", h.dev(h.reset))
	mux.HandleFunc("GET /v1/devices/{name}/pages", h.dev(h.pages))
	mux.HandleFunc("GET /v1/devices/{name}/pages/{n}", h.dev(h.page("")))
	mux.HandleFunc("GET /v1/devices/{name}/pages/{n}/text", h.dev(h.page("text")))
	mux.HandleFunc("GET /v1/devices/{name}/pages/{n}/png", h.dev(h.page("png")))
	return hostCheck(mux)
}

type handler struct {
	devices map[string]Device
	order   []string
}

// hostCheck refuses a Host that is a name other than localhost.
func hostCheck(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := r.Host
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
		host = strings.Trim(host, "[]")
		if host != "localhost" && net.ParseIP(host) == nil {
			writeErr(w, http.StatusMisdirectedRequest, errors.New("control: use the API by address (127.0.0.1:PORT), not by host name"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

func writeErr(w http.ResponseWriter, status int, err error) {
	writeJSON(w, status, map[string]string{"error": err.Error()})
}

// status is the HTTP status of a controller error.
func status(err error) int {
	switch {
	case errors.Is(err, ErrNotExpressible):
		return http.StatusUnprocessableEntity
	case errors.Is(err, ErrNotSupported):
		return http.StatusNotImplemented
	case errors.Is(err, ErrNoPage):
		return http.StatusNotFound
	}
	return http.StatusBadRequest
}

func (h *handler) dev(f func(http.ResponseWriter, *http.Request, Device)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		d, ok := h.devices[r.PathValue("name")]
		if !ok {
			writeErr(w, http.StatusNotFound, fmt.Errorf("control: no device %q (have: %s)", clip(r.PathValue("name")), strings.Join(h.order, ", ")))
			return
		}
		f(w, r, d)
	}
}

// Info describes a device.
func Info(d Device) DeviceInfo {
	s := d.Controller.Support()
	kind := "terminal"
	if _, ok := d.Controller.(Printer); ok {
		kind = "printer"
	}
	words := append(append([]Word{}, s.Words...), s.Extra...)
	return DeviceInfo{Name: d.Name, Kind: kind, Addr: d.Addr, Faults: faultTexts(d.Controller.Faults()),
		Words: words, NotExpressible: s.NotExpressible}
}

func faultTexts(fs []Fault) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.String()
	}
	return out
}

func (h *handler) list(w http.ResponseWriter, _ *http.Request) {
	out := make([]DeviceInfo, 0, len(h.order))
	for _, n := range h.order {
		out = append(out, Info(h.devices[n]))
	}
	writeJSON(w, http.StatusOK, map[string]any{"devices": out})
}

func (h *handler) info(w http.ResponseWriter, _ *http.Request, d Device) {
	writeJSON(w, http.StatusOK, Info(d))
}

func (h *handler) faults(w http.ResponseWriter, _ *http.Request, d Device) {
	writeJSON(w, http.StatusOK, FaultsBody{Faults: faultTexts(d.Controller.Faults())})
}

func (h *handler) arm(replace bool) func(http.ResponseWriter, *http.Request, Device) {
	return func(w http.ResponseWriter, r *http.Request, d Device) {
		fs, err := DecodeFaults(r.Body)
		if err != nil {
			writeErr(w, http.StatusBadRequest, err)
			return
		}
		s := d.Controller.Support()
		for _, f := range fs {
			if err := s.Check(f); err != nil {
				writeErr(w, status(err), err)
				return
			}
		}
		if replace {
			d.Controller.ClearFaults()
		}
		if err := d.Controller.SetFaults(fs...); err != nil {
			writeErr(w, status(err), err)
			return
		}
		writeJSON(w, http.StatusOK, FaultsBody{Faults: faultTexts(d.Controller.Faults())})
	}
}

func (h *handler) clear(w http.ResponseWriter, _ *http.Request, d Device) {
	d.Controller.ClearFaults()
	writeJSON(w, http.StatusOK, FaultsBody{Faults: []string{}})
}

func (h *handler) card(w http.ResponseWriter, _ *http.Request, d Device) {
	if err := d.Controller.PresentCard(); err != nil {
		writeErr(w, status(err), err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (h *handler) ledger(w http.ResponseWriter, _ *http.Request, d Device) {
	writeJSON(w, http.StatusOK, map[string]any{"charges": d.Controller.Ledger()})
}

func (h *handler) requests(w http.ResponseWriter, _ *http.Request, d Device) {
	writeJSON(w, http.StatusOK, map[string]any{"requests": d.Controller.Requests()})
}

func (h *handler) reset(w http.ResponseWriter, _ *http.Request, d Device) {
	d.Controller.Reset()
	w.WriteHeader(http.StatusNoContent)
}

func printerOf(w http.ResponseWriter, d Device) (Printer, bool) {
	p, ok := d.Controller.(Printer)
	if !ok {
		writeErr(w, http.StatusNotImplemented, fmt.Errorf("%w: %s prints no pages", ErrNotSupported, d.Name))
	}
	return p, ok
}

func (h *handler) pages(w http.ResponseWriter, _ *http.Request, d Device) {
	if p, ok := printerOf(w, d); ok {
		writeJSON(w, http.StatusOK, map[string]any{"pages": p.Pages()})
	}
}

func (h *handler) page(form string) func(http.ResponseWriter, *http.Request, Device) {
	return func(w http.ResponseWriter, r *http.Request, d Device) {
		p, ok := printerOf(w, d)
		if !ok {
			return
		}
		n, err := strconv.Atoi(r.PathValue("n"))
		if err != nil || n < 0 {
			writeErr(w, http.StatusBadRequest, fmt.Errorf("control: page index %q is not a number", clip(r.PathValue("n"))))
			return
		}
		if form == "png" {
			b, err := p.PagePNG(n)
			if err != nil {
				writeErr(w, status(err), err)
				return
			}
			w.Header().Set("Content-Type", "image/png")
			w.Write(b)
			return
		}
		for _, pg := range p.Pages() {
			if pg.Index != n {
				continue
			}
			if form == "text" {
				w.Header().Set("Content-Type", "text/plain; charset=utf-8")
				io.WriteString(w, pg.Text)
				return
			}
			writeJSON(w, http.StatusOK, pg)
			return
		}
		writeErr(w, http.StatusNotFound, fmt.Errorf("%w: %d", ErrNoPage, n))
	}
}

// ErrNotLoopback is returned (wrapped) by [Listen] for an address off the loopback interface
// when remote control was not allowed.
var ErrNotLoopback = errors.New("control: refusing to serve the control API off loopback")

// Listen listens for the control API on addr: "" means 127.0.0.1:0 and a host-less ":8081"
// binds 127.0.0.1. An address that is not a loopback one is refused unless allowRemote:
// whoever reaches the API can make the simulated devices fail.
func Listen(addr string, allowRemote bool) (net.Listener, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("control: listen %q: %w", addr, err)
	}
	if host == "" {
		host = "127.0.0.1"
	}
	ip := net.ParseIP(host)
	loop := host == "localhost" || (ip != nil && ip.IsLoopback())
	if !loop && !allowRemote {
		return nil, fmt.Errorf("%w: %s (allow it explicitly to serve it there)", ErrNotLoopback, addr)
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(host, port))
	if err != nil {
		return nil, fmt.Errorf("control: %w", err)
	}
	if a, ok := ln.Addr().(*net.TCPAddr); ok && !a.IP.IsLoopback() && !allowRemote {
		ln.Close()
		return nil, fmt.Errorf("%w: %s bound %s", ErrNotLoopback, addr, a)
	}
	return ln, nil
}
