package service

import (
	"bytes"
	"image/png"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/uapos/uapos/escpos"
	"github.com/uapos/uapos/journal"
	"github.com/uapos/uapos/payment"
	"github.com/uapos/uapos/simulators/vprinter"
)

// TestPageServedWithoutToken: the page and its files need no token (they hold no data);
// every call for data still does, and the Host check still applies to the page.
func TestPageServedWithoutToken(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.Token = "s3cret" })
	get := func(path string, hdr ...string) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest("GET", e.srv.URL+path, nil)
		for i := 0; i+1 < len(hdr); i += 2 {
			if hdr[i] == "Host" {
				req.Host = hdr[i+1]
			} else {
				req.Header.Set(hdr[i], hdr[i+1])
			}
		}
		resp, err := e.srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, b
	}
	resp, body := get("/")
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET /: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	csp := resp.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("policy %q lacks %q", csp, want)
		}
	}
	if !bytes.Contains(body, []byte(`<html lang="uk">`)) || !bytes.Contains(body, []byte("сторінка підтримки")) {
		t.Fatalf("the default page is not Ukrainian:\n%.400s", body)
	}
	if bytes.Contains(body, []byte("s3cret")) {
		t.Fatal("the page holds the token")
	}
	// Nothing the page loads comes from elsewhere.
	for _, m := range regexp.MustCompile(`(?:src|href)="([^"#]*)"`).FindAllSubmatch(body, -1) {
		if u := string(m[1]); !strings.HasPrefix(u, "/") || strings.HasPrefix(u, "//") {
			t.Errorf("the page refers to %q", u)
		}
	}
	if _, body := get("/?lang=en"); !bytes.Contains(body, []byte(`<html lang="en">`)) || !bytes.Contains(body, []byte("support page")) {
		t.Fatalf("the English page:\n%.400s", body)
	}
	for _, f := range []string{"app.js", "app.css", "icon.svg"} {
		if resp, b := get("/assets/" + f); resp.StatusCode != 200 || len(b) == 0 || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("/assets/%s: %d", f, resp.StatusCode)
		}
	}
	if resp, _ := get("/assets/i18n.json"); resp.StatusCode != 404 {
		t.Errorf("/assets/i18n.json: %d, want 404", resp.StatusCode)
	}
	if resp, _ := get("/assets/index.html"); resp.StatusCode != 404 {
		t.Errorf("/assets/index.html: %d, want 404", resp.StatusCode)
	}
	if resp, _ := get("/v1/devices"); resp.StatusCode != 401 {
		t.Fatalf("the API without the token: %d", resp.StatusCode)
	}
	if resp, _ := get("/v1/events"); resp.StatusCode != 401 {
		t.Fatalf("the events without the token: %d", resp.StatusCode)
	}
	if resp, _ := get("/", "Host", "evil.example:3939"); resp.StatusCode != 403 {
		t.Fatalf("the page under a name that is not loopback: %d", resp.StatusCode)
	}
	if resp, _ := get("/v1/devices", "Authorization", "Bearer s3cret"); resp.StatusCode != 200 {
		t.Fatalf("the API with the token: %d", resp.StatusCode)
	}
}

// TestPageCallsFromItsOwnOrigin: the page's own calls (Origin = the service) pass; another
// origin's do not.
func TestPageCallsFromItsOwnOrigin(t *testing.T) {
	e := newEnv(t)
	host := strings.TrimPrefix(e.srv.URL, "http://")
	post := func(origin string) reply {
		req, _ := http.NewRequest("POST", e.srv.URL+"/v1/drawers/cash/open", nil)
		req.Header.Set("Origin", origin)
		return e.send(req)
	}
	post("http://"+host).Want(t, 200)
	post("http://evil.example").Want(t, 403, CodeBadRequest)
	post("https://"+host).Want(t, 403, CodeBadRequest)
}

// TestPageTexts: both languages have every text; every text the template and the script
// name exists; every state, operation and journal state the service gives has its words.
func TestPageTexts(t *testing.T) {
	uk, en := pageTexts["uk"], pageTexts["en"]
	if len(uk) < 50 || len(uk) != len(en) {
		t.Fatalf("%d Ukrainian texts, %d English", len(uk), len(en))
	}
	for k, v := range uk {
		if en[k] == "" || v == "" {
			t.Errorf("text %q: uk %q, en %q", k, v, en[k])
		}
		if strings.Count(v, "{") != strings.Count(en[k], "{") {
			t.Errorf("text %q: the languages have different placeholders", k)
		}
	}
	html, _ := pageFiles.ReadFile("page/index.html")
	js, _ := pageFiles.ReadFile("page/app.js")
	var used []string
	for _, m := range regexp.MustCompile(`\.Tr "([^"]+)"`).FindAllSubmatch(html, -1) {
		used = append(used, string(m[1]))
	}
	for _, m := range regexp.MustCompile(`\btr\('([^']+)'[,)]`).FindAllSubmatch(js, -1) {
		used = append(used, string(m[1]))
	}
	if len(used) < 60 {
		t.Fatalf("only %d texts found in use", len(used))
	}
	for _, st := range []string{"unknown", "idle", "busy", "unreachable", "ready", "paper-near-end", "paper-out", "cover-open", "offline", "error", "open", "closed"} {
		used = append(used, "state."+st)
	}
	for _, op := range payment.Operations {
		used = append(used, "op."+itoa(int(op)))
	}
	for _, st := range []journal.State{journal.StateIntent, journal.StateApproved, journal.StateDeclined, journal.StateFailed, journal.StateUnknown} {
		used = append(used, "tx."+string(st))
	}
	for _, live := range []string{"connecting", "live", "lost"} {
		used = append(used, "live."+live)
	}
	for _, k := range []string{"terminal", "printer", "drawer"} {
		used = append(used, "kind."+k)
	}
	slices.Sort(used)
	for _, k := range slices.Compact(used) {
		if _, ok := uk[k]; !ok {
			t.Errorf("text %q is used but not written", k)
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// vpRoll is the virtual printer's paper, as cmd/uaposd wires it.
type vpRoll struct{ vp *vprinter.Server }

func (r vpRoll) Pages() int { return len(r.vp.Receipts()) }

func (r vpRoll) PagePNG(i int) ([]byte, error) { return r.vp.Receipts()[i].PNG() }

// TestTestPageAndReceipts: the test page prints and says its profile and code page; a
// simulated printer's pages come back as PNG; the receipts of a real one are refused.
func TestTestPageAndReceipts(t *testing.T) {
	e := newEnv(t)
	e.do("GET", "/v1/printers/prn/receipts", nil).Want(t, 200)
	if r := e.do("GET", "/v1/printers/prn/receipts", nil); r.Get("simulated") != false {
		t.Fatalf("a real printer: %s", r.Raw)
	}
	e.do("GET", "/v1/printers/prn/receipts/0", nil).Want(t, 404, CodeBadRequest)
	e.svc.printers["prn"].dev.Roll = vpRoll{e.vp}

	r := e.do("POST", "/v1/printers/prn/test-page", nil).Want(t, 200)
	// The default profile, an Epson TM-T88 (escpos profiles.json), holds cp1251 in slot 46.
	if r.Get("printed") != true || r.Str("profile") != DefaultPrinterProfile || r.Str("charset") != "cp1251" || r.Num("slot") != 46 || !strings.Contains(r.Str("model"), "TM-T88") {
		t.Fatalf("test page: %s", r.Raw)
	}
	// cp1251 has no hryvnia sign: the one character not printed as written.
	if r.Num("inexact") != 1 {
		t.Fatalf("inexact %d, want 1 (the hryvnia sign): %s", r.Num("inexact"), r.Raw)
	}
	// The status call goes after the job on the same link, so the printer has taken it.
	e.do("GET", "/v1/printers/prn/status", nil).Want(t, 200)
	pages := e.vp.Receipts()
	if len(pages) != 1 {
		t.Fatalf("printed %d pages, want 1", len(pages))
	}
	if !strings.Contains(pages[0].Plain, "ТЕСТОВА СТОРІНКА") || !strings.Contains(pages[0].Plain, "АБВГҐДЕЄЖЗИІЇЙ") {
		t.Fatalf("printed:\n%s", pages[0].Plain)
	}
	l := e.do("GET", "/v1/printers/prn/receipts", nil).Want(t, 200)
	if l.Get("simulated") != true || l.Num("count") != 1 {
		t.Fatalf("receipts: %s", l.Raw)
	}
	img := e.do("GET", "/v1/printers/prn/receipts/0", nil).Want(t, 200)
	want, _ := pages[0].PNG()
	if !bytes.Equal(img.Raw, want) {
		t.Fatal("the page's image is not the virtual printer's")
	}
	for _, bad := range []string{"1", "-1", "x"} {
		e.do("GET", "/v1/printers/prn/receipts/"+bad, nil).Want(t, 404, CodeBadRequest)
	}
	e.do("POST", "/v1/printers/nope/test-page", nil).Want(t, 404, payment.CodeDeviceNotFound)
}

// TestPreview: a document's preview is the printer's width, in the code page the printer
// would use, and nothing reaches the printer.
func TestPreview(t *testing.T) {
	e := newEnv(t)
	doc := `{"blocks":[{"type":"text","text":"КАВ'ЯРНЯ ҐАНОК","align":"center","bold":true},{"type":"columns","left":"Кава","right":"55,00"},{"type":"cut"},{"type":"text","text":"друга"}]}`
	r := e.do("POST", "/v1/printers/prn/preview", doc).Want(t, 200)
	im, err := png.Decode(bytes.NewReader(r.Raw))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	// epson-tm-t88: 512 dots; two pages one under the other.
	if im.Bounds().Dx() != 512 || im.Bounds().Dy() < 60 {
		t.Fatalf("preview %v", im.Bounds())
	}
	if len(e.vp.Receipts()) != 0 || e.vp.Counters().BytesRead != 0 {
		t.Fatal("the preview reached the printer")
	}
	req, _ := http.NewRequest("POST", e.srv.URL+"/v1/printers/prn/preview", strings.NewReader(doc))
	req.Header.Set("Content-Type", "application/json")
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Header.Get("Content-Type") != "image/png" || resp.Header.Get("X-Uapos-Profile") != DefaultPrinterProfile || resp.Header.Get("X-Uapos-Charset") != "cp1251" {
		t.Fatalf("headers %v", resp.Header)
	}
	e.do("POST", "/v1/printers/prn/preview", `{"blocks":[]}`).Want(t, 400, CodeBadRequest)
	e.do("POST", "/v1/printers/prn/preview", `{"blocks":[{"type":"feed","lines":255}],"x":1}`).Want(t, 400, CodeBadRequest)
	// The same document previewed for a 58 mm printer is 384 dots wide.
	img, _, err := Preview("xprinter-xp58", &escpos.Document{Blocks: []escpos.Block{{Type: escpos.BlockText, Text: "Дякуємо"}}})
	if err != nil {
		t.Fatal(err)
	}
	if im, err := png.Decode(bytes.NewReader(img)); err != nil || im.Bounds().Dx() != 384 {
		t.Fatalf("58 mm preview: %v %v", err, im)
	}
}
