package control

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestParseFault(t *testing.T) {
	for _, tc := range []struct {
		in     string
		sticky bool
		want   Fault
	}{
		{"busy", false, Fault{Name: "busy", Times: 1}},
		{"busy", true, Fault{Name: "busy", Times: Sticky}},
		{" decline=0051@2 ", false, Fault{Name: "decline", Value: "0051", Times: 2}},
		{"slow=3s@sticky", false, Fault{Name: "slow", Value: "3s", Times: Sticky}},
		{"decline=500:51@1", true, Fault{Name: "decline", Value: "500:51", Times: 1}},
		{"partial=10.00", false, Fault{Name: "partial", Value: "10.00", Times: 1}},
	} {
		got, err := ParseFault(tc.in, tc.sticky)
		if err != nil || got != tc.want {
			t.Errorf("ParseFault(%q, %v) = %+v, %v; want %+v", tc.in, tc.sticky, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", "@2", "Busy", "busy@0", "busy@-1", "busy@1000001", "busy@x", "decline=",
		"decline=a b", "decline=a,b", "a=" + strings.Repeat("x", 65), strings.Repeat("x", 33), "bü"} {
		if f, err := ParseFault(bad, false); !errors.Is(err, ErrSyntax) {
			t.Errorf("ParseFault(%q) = %+v, %v; want ErrSyntax", bad, f, err)
		}
	}
	if s := (Fault{Name: "nak", Value: "2", Times: 3}).String(); s != "nak=2@3" {
		t.Errorf("String = %q", s)
	}
	if s := (Fault{Name: "busy", Times: 1}).String(); s != "busy" {
		t.Errorf("String = %q", s)
	}
}

func TestFaultValues(t *testing.T) {
	if n, err := (Fault{Name: "nak"}).Count(1); n != 1 || err != nil {
		t.Errorf("Count default = %d, %v", n, err)
	}
	if _, err := (Fault{Name: "nak", Value: "0"}).Count(1); err == nil {
		t.Error("Count(0) accepted")
	}
	if d, err := (Fault{Name: "slow", Value: "250ms"}).Duration(); d != 250*time.Millisecond || err != nil {
		t.Errorf("Duration = %v, %v", d, err)
	}
	if _, err := (Fault{Name: "slow", Value: "11m"}).Duration(); err == nil {
		t.Error("Duration 11m accepted")
	}
	for in, want := range map[string]int64{"10.00": 1000, "10,5": 1050, "7": 700, "0.01": 1} {
		if k, err := (Fault{Name: "partial", Value: in}).Kopecks(); k != want || err != nil {
			t.Errorf("Kopecks(%q) = %d, %v", in, k, err)
		}
	}
	for _, bad := range []string{"", "1.234", "-1", "1e3", "0"} {
		if _, err := (Fault{Name: "partial", Value: bad}).Kopecks(); err == nil {
			t.Errorf("Kopecks(%q) accepted", bad)
		}
	}
}

// A one-shot fault goes after one Take, a counted one after its count, a sticky one stays;
// a query (TakeFor) sees only a sticky fault and uses nothing up.
func TestSet(t *testing.T) {
	var s Set
	s.Arm(Fault{Name: "a", Times: 1}, Fault{Name: "b", Times: 2}, Fault{Name: "c", Times: Sticky})
	if _, ok := s.TakeFor("a", true); ok {
		t.Error("a query took a one-shot fault")
	}
	for i, want := range []struct{ a, b, c bool }{{true, true, true}, {false, true, true}, {false, false, true}} {
		_, a := s.Take("a")
		_, b := s.Take("b")
		_, c := s.TakeFor("c", true)
		if a != want.a || b != want.b || c != want.c {
			t.Errorf("round %d: a %v b %v c %v, want %+v", i, a, b, c, want)
		}
	}
	s.Arm(Fault{Name: "c", Value: "x", Times: 1}) // replaces
	if l := s.List(); len(l) != 1 || l[0].Value != "x" {
		t.Errorf("List = %+v", l)
	}
	s.Remove("c")
	s.Arm(Fault{Name: "d", Times: 1})
	s.Clear()
	if l := s.List(); len(l) != 0 {
		t.Errorf("after Clear: %+v", l)
	}
}

var testSupport = Support{
	Protocol:       "proto",
	Words:          TerminalWords,
	NotExpressible: map[string]string{"nak": "no NAK here"},
	Extra:          []Word{{Name: "own", Form: "own=N", Meaning: "its own"}},
}

func TestSupportCheck(t *testing.T) {
	ok := []Fault{{Name: "decline", Times: 1}, {Name: "decline", Value: "51", Times: 1}, {Name: "slow", Value: "1s", Times: 1}, {Name: "own", Value: "2", Times: Sticky}}
	for _, f := range ok {
		if err := testSupport.Check(f); err != nil {
			t.Errorf("Check(%v) = %v", f, err)
		}
	}
	var ne *NotExpressibleError
	if err := testSupport.Check(Fault{Name: "nak", Times: 1}); !errors.As(err, &ne) || !errors.Is(err, ErrNotExpressible) || ne.Reason != "no NAK here" {
		t.Errorf("nak: %v", err)
	}
	for _, f := range []Fault{{Name: "paper-out", Times: 1}, {Name: "nothing", Times: 1}} {
		if err := testSupport.Check(f); !errors.Is(err, ErrUnknownFault) {
			t.Errorf("Check(%v) = %v, want ErrUnknownFault", f, err)
		}
	}
	for _, f := range []Fault{{Name: "busy", Value: "1", Times: 1}, {Name: "slow", Times: 1}, {Name: "own", Times: 1}} {
		if err := testSupport.Check(f); err == nil || errors.Is(err, ErrUnknownFault) {
			t.Errorf("Check(%v) = %v, want a value error", f, err)
		}
	}
	printer := Support{Protocol: "p", Words: PrinterWords}
	if err := printer.Check(Fault{Name: "paper-out", Times: 3}); err == nil {
		t.Error("a printer condition took @3")
	}
	if err := printer.Check(Fault{Name: "drawer-stuck", Times: 3}); err != nil {
		t.Error(err)
	}
	if err := printer.Check(Fault{Name: "decline", Times: 1}); !errors.Is(err, ErrUnknownFault) || !strings.Contains(err.Error(), "terminal") {
		t.Errorf("decline on a printer: %v", err)
	}
	h := testSupport.Help()
	for _, want := range []string{"decline[=CODE]", "not expressible: no NAK here", "own=N", "proto only"} {
		if !strings.Contains(h, want) {
			t.Errorf("Help lacks %q:\n%s", want, h)
		}
	}
	if strings.Contains(strings.Join(testSupport.Forms(), " "), "nak") {
		t.Errorf("Forms lists nak: %v", testSupport.Forms())
	}
}

func TestTestAmounts(t *testing.T) {
	seen := map[int]bool{}
	for _, o := range TestAmounts {
		if seen[o.Kopecks] || o.Kopecks < 0 || o.Kopecks > 99 {
			t.Errorf("kopecks %d twice or out of range", o.Kopecks)
		}
		seen[o.Kopecks] = true
		if (o.Host != 0) == (o.Terminal != 0) && !o.Partial {
			t.Errorf("%+v: one of host and terminal code", o)
		}
	}
	// The amounts the suite's tests use approve.
	for _, k := range []int64{1000, 1, 20, 30, 1234, 12345, 1250, 60, 777, 990, 999, 0} {
		if o, ok := TestAmount(k); ok {
			t.Errorf("amount %d chooses %q", k, o.Name)
		}
	}
	if o, ok := TestAmount(12351); !ok || o.Host != 51 || o.Class != 5 {
		t.Errorf("x.51 = %+v %v", o, ok)
	}
	if HostClass(91) != 6 || HostClass(5) != 1 || HostClass(33) != 1 {
		t.Error("HostClass")
	}
}

// testPAN is a full test card number, built at run time so that none stands in the source.
var testPAN = "4731" + "12345678" + "9838"

func TestLedgerAndLog(t *testing.T) {
	var l Ledger
	l.Add(Charge{Operation: "purchase", Amount: 100, Requested: 100, PAN: testPAN, Outcome: Approved})
	c := l.List()
	if len(c) != 1 || c[0].Seq != 1 || c[0].PAN != "473112XXXXXX9838" || c[0].Requested != 0 || c[0].Time.IsZero() {
		t.Errorf("ledger %+v", c)
	}
	l.Reset()
	if len(l.List()) != 0 {
		t.Error("Reset")
	}
	var r RequestLog
	fields := map[string]string{"pan": testPAN}
	r.Add("Purchase", fields)
	fields["pan"] = "changed"
	for i := 0; i < MaxRequests+5; i++ {
		r.Add("Ping", nil)
	}
	got := r.List()
	if len(got) != MaxRequests || got[0].Seq != 7 { // 1006 added, the first 6 gone
		t.Errorf("log: %d entries, first %d", len(got), got[0].Seq)
	}
	r.Reset()
	r.Add("Purchase", map[string]string{"pan": testPAN})
	if p := r.List()[0].Fields["pan"]; strings.Contains(p, "3456789") {
		t.Error("unmasked card number in the request log")
	}
}

// fakeCtl is a Controller that records what the API asked of it.
type fakeCtl struct {
	mu      sync.Mutex
	set     Set
	cards   int
	resets  int
	printer bool
}

func (f *fakeCtl) Support() Support {
	if f.printer {
		return Support{Protocol: "fakeprinter", Words: PrinterWords}
	}
	return testSupport
}
func (f *fakeCtl) SetFaults(fs ...Fault) error { f.set.Arm(fs...); return nil }
func (f *fakeCtl) ClearFaults()                { f.set.Clear() }
func (f *fakeCtl) Faults() []Fault             { return f.set.List() }
func (f *fakeCtl) PresentCard() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.printer {
		return ErrNotSupported
	}
	f.cards++
	return nil
}
func (f *fakeCtl) Ledger() []Charge {
	return []Charge{{Seq: 1, Operation: "purchase", Amount: 1234, Outcome: Approved, PAN: "4731XXXXXXXX9838"}}
}
func (f *fakeCtl) Requests() []Request { return []Request{{Seq: 1, Operation: "Purchase"}} }
func (f *fakeCtl) Reset()              { f.mu.Lock(); f.resets++; f.mu.Unlock(); f.set.Clear() }

type fakePrinter struct{ *fakeCtl }

func (p fakePrinter) Pages() []Page {
	return []Page{{Index: 3, Text: "[b]HELLO\n", Plain: "HELLO\n", Cut: true, Commands: []Command{{Name: "ESC @", Len: 2}}}}
}
func (p fakePrinter) PagePNG(i int) ([]byte, error) {
	if i != 3 {
		return nil, ErrNoPage
	}
	return []byte("\x89PNG"), nil
}

func TestHTTPAPI(t *testing.T) {
	term := &fakeCtl{}
	prn := fakePrinter{&fakeCtl{printer: true}}
	srv := httptest.NewServer(NewHandler(Device{Name: "t", Addr: "127.0.0.1:2000", Controller: term}, Device{Name: "p", Controller: prn}))
	defer srv.Close()
	c := &Client{Base: srv.URL}
	ctx := context.Background()

	devs, err := c.Devices(ctx)
	if err != nil || len(devs) != 2 || devs[0].Kind != "terminal" || devs[1].Kind != "printer" || devs[0].NotExpressible["nak"] == "" {
		t.Fatalf("devices %+v, %v", devs, err)
	}
	got, err := c.SetFaults(ctx, "t", "decline=51@2", "own=3")
	if err != nil || strings.Join(got, " ") != "decline=51@2 own=3@1" && strings.Join(got, " ") != "decline=51@2 own=3" {
		t.Fatalf("SetFaults = %q, %v", got, err)
	}
	var ae *APIError
	if _, err := c.SetFaults(ctx, "t", "nak"); !errors.As(err, &ae) || ae.Status != 422 || !strings.Contains(ae.Message, "no NAK here") {
		t.Errorf("not expressible: %v", err)
	}
	if _, err := c.SetFaults(ctx, "t", "bogus"); !errors.As(err, &ae) || ae.Status != 400 {
		t.Errorf("unknown: %v", err)
	}
	if _, err := c.SetFaults(ctx, "nobody", "busy"); !errors.As(err, &ae) || ae.Status != 404 {
		t.Errorf("no device: %v", err)
	}
	if f, err := c.Faults(ctx, "t"); err != nil || len(f) != 2 {
		t.Errorf("Faults = %q, %v", f, err)
	}
	if err := c.ClearFaults(ctx, "t"); err != nil || len(term.Faults()) != 0 {
		t.Errorf("ClearFaults: %v, %v", err, term.Faults())
	}
	if err := c.PresentCard(ctx, "t"); err != nil || term.cards != 1 {
		t.Errorf("PresentCard: %v", err)
	}
	if err := c.PresentCard(ctx, "p"); !errors.As(err, &ae) || ae.Status != 501 {
		t.Errorf("card to a printer: %v", err)
	}
	if l, err := c.Ledger(ctx, "t"); err != nil || len(l) != 1 || l[0].Amount != 1234 {
		t.Errorf("Ledger = %+v, %v", l, err)
	}
	if r, err := c.Requests(ctx, "t"); err != nil || len(r) != 1 {
		t.Errorf("Requests = %+v, %v", r, err)
	}
	if err := c.Reset(ctx, "t"); err != nil || term.resets != 1 {
		t.Errorf("Reset: %v", err)
	}
	if _, err := c.Pages(ctx, "t"); !errors.As(err, &ae) || ae.Status != 501 {
		t.Errorf("pages of a terminal: %v", err)
	}
	if p, err := c.Pages(ctx, "p"); err != nil || len(p) != 1 || p[0].Index != 3 || p[0].Commands[0].Name != "ESC @" {
		t.Errorf("Pages = %+v, %v", p, err)
	}
	if b, err := c.PagePNG(ctx, "p", 3); err != nil || string(b) != "\x89PNG" {
		t.Errorf("PagePNG = %q, %v", b, err)
	}
	if _, err := c.PagePNG(ctx, "p", 4); !errors.As(err, &ae) || ae.Status != 404 {
		t.Errorf("PagePNG(4): %v", err)
	}
	for path, want := range map[string]string{"/v1/devices/p/pages/3/text": "[b]HELLO\n", "/v1/devices/p/pages/3": `"plain":"HELLO\n"`} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(b), want) {
			t.Errorf("GET %s = %q", path, b)
		}
	}
	// PUT replaces, bodies are strict, hosts are addresses.
	req, _ := http.NewRequest(http.MethodPut, srv.URL+"/v1/devices/t/faults", strings.NewReader(`{"faults":["busy"]}`))
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 200 || len(term.Faults()) != 1 {
		t.Errorf("PUT: %v %v", resp, err)
	}
	for _, body := range []string{`{"faults":["busy"],"x":1}`, `{"faults":"busy"}`, `{"faults":["busy"]}{}`, strings.Repeat(" ", 17<<10)} {
		resp, err := http.Post(srv.URL+"/v1/devices/t/faults", "application/json", strings.NewReader(body))
		if err != nil || resp.StatusCode != 400 {
			t.Errorf("POST %.30q: %v %v", body, resp.StatusCode, err)
		}
	}
	req, _ = http.NewRequest(http.MethodGet, srv.URL+"/v1/devices", nil)
	req.Host = "evil.example:80"
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusMisdirectedRequest {
		t.Errorf("host name: %v %v", resp.StatusCode, err)
	}
}

func TestListen(t *testing.T) {
	for _, addr := range []string{"", ":0", "127.0.0.1:0", "localhost:0"} {
		ln, err := Listen(addr, false)
		if err != nil {
			t.Errorf("Listen(%q): %v", addr, err)
			continue
		}
		if a := ln.Addr().(*net.TCPAddr); !a.IP.IsLoopback() {
			t.Errorf("Listen(%q) bound %v", addr, a)
		}
		ln.Close()
	}
	for _, addr := range []string{"0.0.0.0:0", "[::]:0", "192.0.2.1:0", "example.com:0"} {
		if ln, err := Listen(addr, false); !errors.Is(err, ErrNotLoopback) {
			if ln != nil {
				ln.Close()
			}
			t.Errorf("Listen(%q) = %v, want ErrNotLoopback", addr, err)
		}
	}
	if _, err := Listen("nonsense", false); err == nil {
		t.Error("Listen(nonsense) accepted")
	}
}

// FuzzDecodeFaults: the request decoder of the control API takes any bytes without a panic,
// and what it returns is a bounded list of faults that print back as faults.
func FuzzDecodeFaults(f *testing.F) {
	f.Add([]byte(`{"faults":["decline=0051@2","busy@sticky"]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		fs, err := DecodeFaults(bytes.NewReader(b))
		if err != nil {
			if fs != nil {
				t.Fatalf("faults %v with error %v", fs, err)
			}
			return
		}
		if len(fs) > MaxFaults {
			t.Fatalf("%d faults", len(fs))
		}
		for _, f := range fs {
			back, err := ParseFault(f.String(), false)
			if err != nil || back != f {
				t.Fatalf("%+v prints as %q, parsed back %+v %v", f, f.String(), back, err)
			}
		}
	})
}
