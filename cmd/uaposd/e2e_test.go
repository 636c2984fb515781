package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"

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
	ctx, cancel := context.WithCancel(context.Background())
	s := &stack{t: t, out: &syncBuffer{}, stop: cancel, done: make(chan int, 1)}
	ready := make(chan struct{})
	h := &hooks{faults: faults, ready: func(addr string, b *builtin) {
		s.url, s.b = "http://"+addr, b
		close(ready)
	}}
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

type reply struct {
	status int
	raw    []byte
	body   map[string]any
}

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

func (r reply) str(path string) string { s, _ := r.get(path).(string); return s }
func (r reply) num(path string) int    { f, _ := r.get(path).(float64); return int(f) }

func (s *stack) do(method, path string, body any) reply {
	s.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		if str, ok := body.(string); ok {
			b = []byte(str)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, s.url+path, rd)
	if err != nil {
		s.t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	r := reply{status: resp.StatusCode, raw: raw}
	_ = json.Unmarshal(raw, &r.body)
	return r
}

func (s *stack) ok(method, path string, body any) reply {
	s.t.Helper()
	r := s.do(method, path, body)
	if r.status != 200 {
		s.t.Fatalf("%s %s: %d %s", method, path, r.status, r.raw)
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
	devs := s.ok("GET", "/v1/devices", nil).get("devices").([]any)
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
			if p.get("result.approved") != true || p.str("result.amount") != "12.34" {
				t.Fatalf("purchase: %s", p.raw)
			}
			if tasks[2] {
				r := s.ok("POST", base+"refund", map[string]any{"transaction_id": id("r1"), "amount": "12.34", "rrn": p.str("result.rrn")})
				if r.get("result.approved") != true {
					t.Fatalf("refund: %s", r.raw)
				}
			} else if r := s.do("POST", base+"refund", map[string]any{"transaction_id": id("r1"), "amount": "12.34", "rrn": p.str("result.rrn")}); r.num("error.code") != 5029 {
				t.Fatalf("refund outside the row: %s", r.raw)
			}
			v := s.ok("POST", base+"purchase", map[string]any{"transaction_id": id("p2"), "amount": "5.00"})
			c := s.ok("POST", base+"cancel", map[string]any{"transaction_id": id("c1"), "invoice": v.str("result.invoice"), "amount": "5.00"})
			if c.get("result.approved") != true {
				t.Fatalf("void: %s", c.raw)
			}
			if tasks[10] {
				s.ok("POST", base+"x-report", nil)
			}
			z := s.ok("POST", base+"close-batch", nil)
			if z.get("result.approved") == false {
				t.Fatalf("Z: %s", z.raw)
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
	if lost.status == 200 || lost.get("error.outcome_unknown") != true {
		t.Fatalf("the lost reply: %d %s", lost.status, lost.raw)
	}
	r1 := s.ok("POST", "/v1/terminals/privat/purchase", map[string]any{"transaction_id": "lost-1", "amount": "30.00"})
	r2 := s.ok("POST", "/v1/terminals/privat/purchase", map[string]any{"transaction_id": "lost-1", "amount": "30.00"})
	if r1.str("result.rrn") == "" || r1.str("result.rrn") != r2.str("result.rrn") {
		t.Fatalf("retries: %s / %s", r1.raw, r2.raw)
	}
	if n := s.privat().Charges(); n != 1 {
		t.Fatalf("the simulator charged %d times, want 1", n)
	}
	// The DM facade the same way: the lost reply, then transaction_search and a retry.
	s.privat().InjectFault("Purchase", privatsim.FaultLoseReply)
	body := `{"ver":6,"source":"e2e","device":"privat","type":3,"transaction_id":"dm-lost-1","pay":{"task":1,"sum":41.50}}`
	if r := s.ok("POST", "/dm/execute", body); r.num("res") == 0 {
		t.Fatalf("DM lost reply: %s", r.raw)
	}
	d := s.ok("POST", "/dm/execute", body)
	if d.num("res") != 0 || d.num("task_status") != 1 || d.str("info.refundid") == "" {
		t.Fatalf("DM retry: %s", d.raw)
	}
	f := s.ok("POST", "/dm/execute", `{"device":"privat","type":3,"transaction_id":"dm-lost-1","transaction_search":1}`)
	if f.str("info.refundid") != d.str("info.refundid") {
		t.Fatalf("search: %s", f.raw)
	}
	if n := s.privat().Charges(); n != 2 {
		t.Fatalf("the simulator charged %d times, want 2", n)
	}
}

// TestJobAbortReachesTheTerminal: DELETE on a running job sends PrivatBank's interrupt.
func TestJobAbortReachesTheTerminal(t *testing.T) {
	s := startStack(t, map[string][]string{"privat": {"step-delay=1h"}})
	j := s.do("POST", "/v1/terminals/privat/jobs", map[string]any{"operation": "purchase", "transaction_id": "job-abort", "amount": "8.00"})
	if j.status != 202 {
		t.Fatalf("job: %d %s", j.status, j.raw)
	}
	id := j.str("id")
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
	if a.str("state") != "done" || a.get("aborted") != true || a.get("error") == nil {
		t.Fatalf("aborted job: %s", a.raw)
	}
	if n := s.privat().Requests("interrupt"); n != 1 {
		t.Fatalf("the terminal got %d interrupts, want 1", n)
	}
	if n := s.privat().Charges(); n != 0 {
		t.Fatalf("charged %d", n)
	}
	tr := s.ok("GET", "/v1/transactions/job-abort", nil)
	if tr.str("state") == "approved" {
		t.Fatalf("journal: %s", tr.raw)
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
	if o.get("open") != true || !s.printer().DrawerOpened() {
		t.Fatalf("drawer: %s", o.raw)
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
	if r := s.do("GET", "/v1/devices", nil); r.status != 401 || r.num("error.code") != 2000 {
		t.Fatalf("no token: %d %s", r.status, r.raw)
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
