package main

import (
	"bufio"
	"bytes"
	"context"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/uapos/uapos/service/servicetest"
	"github.com/uapos/uapos/simulators/privatsim"
	"github.com/uapos/uapos/simulators/vprinter"
)

// stack is uaposd with no configuration, serving the built-in simulators on loopback.
type stack struct {
	t    *testing.T
	url  string
	b    *builtin
	out  *syncBuffer
	stop context.CancelFunc
	done chan int
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func startStack(t *testing.T, faults map[string][]string, args ...string) *stack {
	t.Helper()
	return startStackHooks(t, &hooks{faults: faults}, args...)
}

// startStackHooks is startStack with hooks (their ready is set here).
func startStackHooks(t *testing.T, h *hooks, args ...string) *stack {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &stack{t: t, out: &syncBuffer{}, stop: cancel, done: make(chan int, 1)}
	ready := make(chan struct{})
	h.ready = func(addr string, b *builtin) {
		s.url, s.b = "http://"+addr, b
		close(ready)
	}
	go func() {
		s.done <- run(ctx, append([]string{"-listen", "127.0.0.1:0", "-log-level", "warn"}, args...), s.out, s.out, h)
	}()
	select {
	case <-ready:
	case code := <-s.done:
		t.Fatalf("uaposd exited with %d:\n%s", code, s.out)
	}
	t.Cleanup(func() {
		cancel()
		if code := <-s.done; code != 0 {
			t.Errorf("uaposd exit code %d:\n%s", code, s.out)
		}
	})
	return s
}

type reply = servicetest.Reply

func (s *stack) do(method, path string, body any) reply {
	s.t.Helper()
	c := &servicetest.Client{URL: s.url}
	return c.Do(s.t, method, path, body)
}

func (s *stack) ok(method, path string, body any) reply {
	s.t.Helper()
	r := s.do(method, path, body)
	if r.Status != 200 {
		s.t.Fatalf("%s %s: %d %s", method, path, r.Status, r.Raw)
	}
	return r
}

func (s *stack) privat() *privatsim.Server { return s.b.sims["privat"].Sim().(*privatsim.Server) }
func (s *stack) printer() *vprinter.Server { return s.b.sims["prn"].Sim().(*vprinter.Server) }

// TestEveryProtocolThroughHTTP: purchase, refund, void, X and Z on every terminal of the
// embedded default, as far as its DM row allows, through HTTP only.
func TestEveryProtocolThroughHTTP(t *testing.T) {
	s := startStack(t, nil)
	if !strings.Contains(s.out.String(), "serving the built-in simulators on loopback") || !strings.Contains(s.out.String(), s.url) {
		t.Fatalf("first lines:\n%s", s.out)
	}
	devs := s.ok("GET", "/v1/devices", nil).Get("devices").([]any)
	served := 0
	for _, d := range devs {
		dev := d.(map[string]any)
		if dev["kind"] != "terminal" {
			continue
		}
		served++
		name := dev["name"].(string)
		tasks := map[int]bool{}
		for _, x := range dev["tasks"].([]any) {
			tasks[int(x.(float64))] = true
		}
		t.Run(name, func(t *testing.T) {
			base := "/v1/terminals/" + name + "/"
			id := func(step string) string { return "e2e-" + name + "-" + step }
			p := s.ok("POST", base+"purchase", map[string]any{"transaction_id": id("p1"), "amount": "12.34"})
			if p.Get("result.approved") != true || p.Str("result.amount") != "12.34" {
				t.Fatalf("purchase: %s", p.Raw)
			}
			if tasks[2] {
				r := s.ok("POST", base+"refund", map[string]any{"transaction_id": id("r1"), "amount": "12.34", "rrn": p.Str("result.rrn")})
				if r.Get("result.approved") != true {
					t.Fatalf("refund: %s", r.Raw)
				}
			} else if r := s.do("POST", base+"refund", map[string]any{"transaction_id": id("r1"), "amount": "12.34", "rrn": p.Str("result.rrn")}); r.Num("error.code") != 5029 {
				t.Fatalf("refund outside the row: %s", r.Raw)
			}
			v := s.ok("POST", base+"purchase", map[string]any{"transaction_id": id("p2"), "amount": "5.00"})
			c := s.ok("POST", base+"cancel", map[string]any{"transaction_id": id("c1"), "invoice": v.Str("result.invoice"), "amount": "5.00"})
			if c.Get("result.approved") != true {
				t.Fatalf("void: %s", c.Raw)
			}
			if tasks[10] {
				s.ok("POST", base+"x-report", nil)
			}
			z := s.ok("POST", base+"close-batch", nil)
			if z.Get("result.approved") == false {
				t.Fatalf("Z: %s", z.Raw)
			}
		})
	}
	if served != 5 {
		t.Fatalf("%d terminals served, want 5", served)
	}
}

// TestLostReplyNoSecondCharge: the terminal charged, the reply was lost; the retry with the
// same transaction_id returns the same outcome, and the simulator's ledger has one charge.
func TestLostReplyNoSecondCharge(t *testing.T) {
	s := startStack(t, nil)
	s.privat().InjectFault("Purchase", privatsim.FaultLoseReply)
	lost := s.do("POST", "/v1/terminals/privat/purchase", map[string]any{"transaction_id": "lost-1", "amount": "30.00"})
	if lost.Status == 200 || lost.Get("error.outcome_unknown") != true {
		t.Fatalf("the lost reply: %d %s", lost.Status, lost.Raw)
	}
	r1 := s.ok("POST", "/v1/terminals/privat/purchase", map[string]any{"transaction_id": "lost-1", "amount": "30.00"})
	r2 := s.ok("POST", "/v1/terminals/privat/purchase", map[string]any{"transaction_id": "lost-1", "amount": "30.00"})
	if r1.Str("result.rrn") == "" || r1.Str("result.rrn") != r2.Str("result.rrn") {
		t.Fatalf("retries: %s / %s", r1.Raw, r2.Raw)
	}
	if n := s.privat().Charges(); n != 1 {
		t.Fatalf("the simulator charged %d times, want 1", n)
	}
	// The DM facade the same way: the lost reply, then transaction_search and a retry.
	s.privat().InjectFault("Purchase", privatsim.FaultLoseReply)
	body := `{"ver":6,"source":"e2e","device":"privat","type":3,"transaction_id":"dm-lost-1","pay":{"task":1,"sum":41.50}}`
	if r := s.ok("POST", "/dm/execute", body); r.Num("res") == 0 {
		t.Fatalf("DM lost reply: %s", r.Raw)
	}
	d := s.ok("POST", "/dm/execute", body)
	if d.Num("res") != 0 || d.Num("task_status") != 1 || d.Str("info.refundid") == "" {
		t.Fatalf("DM retry: %s", d.Raw)
	}
	f := s.ok("POST", "/dm/execute", `{"device":"privat","type":3,"transaction_id":"dm-lost-1","transaction_search":1}`)
	if f.Str("info.refundid") != d.Str("info.refundid") {
		t.Fatalf("search: %s", f.Raw)
	}
	if n := s.privat().Charges(); n != 2 {
		t.Fatalf("the simulator charged %d times, want 2", n)
	}
}

// TestJobAbortReachesTheTerminal: DELETE on a running job sends PrivatBank's interrupt.
func TestJobAbortReachesTheTerminal(t *testing.T) {
	s := startStack(t, map[string][]string{"privat": {"step-delay=1h"}})
	j := s.do("POST", "/v1/terminals/privat/jobs", map[string]any{"operation": "purchase", "transaction_id": "job-abort", "amount": "8.00"})
	if j.Status != 202 {
		t.Fatalf("job: %d %s", j.Status, j.Raw)
	}
	id := j.Str("id")
	resp, err := http.Get(s.url + "/v1/jobs/" + id + "/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() && sc.Text() != "event: progress" {
	}
	if sc.Err() != nil {
		t.Fatal(sc.Err())
	}
	a := s.ok("DELETE", "/v1/jobs/"+id, nil)
	if a.Str("state") != "done" || a.Get("aborted") != true || a.Get("error") == nil {
		t.Fatalf("aborted job: %s", a.Raw)
	}
	if n := s.privat().Requests("interrupt"); n != 1 {
		t.Fatalf("the terminal got %d interrupts, want 1", n)
	}
	if n := s.privat().Charges(); n != 0 {
		t.Fatalf("charged %d", n)
	}
	tr := s.ok("GET", "/v1/transactions/job-abort", nil)
	if tr.Str("state") == "approved" {
		t.Fatalf("journal: %s", tr.Raw)
	}
}

// TestPrintAndDrawerOnTheVirtualPrinter: a document prints as the expected page, and the
// drawer opens.
func TestPrintAndDrawerOnTheVirtualPrinter(t *testing.T) {
	s := startStack(t, nil)
	doc := `{"blocks":[
	 {"type":"text","text":"КАВ'ЯРНЯ","align":"center"},
	 {"type":"columns","left":"Кава лате","right":"55.00"},
	 {"type":"columns","left":"Круасан","right":"42.50"},
	 {"type":"rule"},
	 {"type":"columns","left":"СУМА","right":"97.50"},
	 {"type":"cut"}]}`
	s.ok("POST", "/v1/printers/prn/print", doc)
	s.ok("GET", "/v1/printers/prn/status", nil) // after the job on the same link
	rs := s.printer().Receipts()
	if len(rs) != 1 {
		t.Fatalf("%d pages", len(rs))
	}
	want := strings.Join([]string{
		"                    КАВ'ЯРНЯ",
		"Кава лате                                  55.00",
		"Круасан                                    42.50",
		"------------------------------------------------",
		"СУМА                                       97.50",
	}, "\n")
	if got := paper(rs[0].Page); got != want {
		t.Fatalf("page:\n%s\nwant:\n%s", got, want)
	}
	o := s.ok("POST", "/v1/drawers/cash/open", nil)
	if o.Get("open") != true || !s.printer().DrawerOpened() {
		t.Fatalf("drawer: %s", o.Raw)
	}
}

// paper renders a page's text lines as they stand on the paper: each character takes its
// width in columns (a double-width space is two columns), centred and right-aligned lines are
// padded, in font A columns of 12 dots.
func paper(p *vprinter.Page) string {
	var lines []string
	for _, l := range p.Lines {
		if l.Kind != vprinter.LineText || len(l.Segments) == 0 {
			continue
		}
		var b strings.Builder
		cols := 0
		for _, sg := range l.Segments {
			w := max(int(sg.Style.Width), 1)
			for _, r := range sg.Text {
				b.WriteRune(r)
				b.WriteString(strings.Repeat(" ", w-1))
				cols += w
			}
		}
		text := b.String()
		switch free := p.Dots/12 - cols; l.Align {
		case vprinter.AlignCenter:
			text = strings.Repeat(" ", free/2) + text
		case vprinter.AlignRight:
			text = strings.Repeat(" ", free) + text
		}
		lines = append(lines, text)
	}
	return strings.Join(lines, "\n")
}

func TestCheckConfigCommand(t *testing.T) {
	dir := t.TempDir()
	bad := dir + "/bad.yaml"
	write(t, bad, "listen: 127.0.0.1:3939\ndevices:\n  - name: t\n    kind: terminal\n    protocol: ingenico\n")
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"check-config", bad}, &out, &errb, nil); code != 1 {
		t.Fatalf("exit %d", code)
	}
	if !strings.Contains(errb.String(), bad+":5:15: protocol \"ingenico\"") {
		t.Fatalf("stderr: %s", errb.String())
	}
	good := dir + "/good.yaml"
	write(t, good, "devices:\n  - {name: prn, kind: printer, url: \"tcp://127.0.0.1:9100\"}\n  - {name: cash, kind: drawer, printer: prn}\n")
	out.Reset()
	if code := run(context.Background(), []string{"check-config", good}, &out, &errb, nil); code != 0 || !strings.Contains(out.String(), "ok (0 terminals, 1 printers, 1 drawers)") {
		t.Fatalf("exit %d: %s", code, out.String())
	}
}

func TestRefusesPublicBindWithoutToken(t *testing.T) {
	var out, errb bytes.Buffer
	t.Setenv("UAPOSD_TOKEN", "")
	if code := run(context.Background(), []string{"-listen", "0.0.0.0:3939"}, &out, &errb, nil); code != 2 {
		t.Fatalf("exit %d", code)
	}
	if !strings.Contains(errb.String(), "needs an API token") {
		t.Fatalf("stderr: %s", errb.String())
	}
}

func TestTokenRequiredWhenSet(t *testing.T) {
	s := startStack(t, nil, "-token", "tok-123")
	if r := s.do("GET", "/v1/devices", nil); r.Status != 401 || r.Num("error.code") != 2000 {
		t.Fatalf("no token: %d %s", r.Status, r.Raw)
	}
	req, _ := http.NewRequest("GET", s.url+"/v1/devices", nil)
	req.Header.Set("Authorization", "Bearer tok-123")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("with token: %d", resp.StatusCode)
	}
}

func write(t *testing.T, path, s string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
}
