package main

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/uapos/uapos/simulators/privatsim"
)

// chromium returns the path of a Chromium or Chrome to drive, or "" when there is none:
// $UAPOS_CHROMIUM, else the first of the usual names on PATH.
func chromium() string {
	if p := os.Getenv("UAPOS_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// TestSupportPageInBrowser drives the support page in a real headless Chromium over the
// embedded default: the device list with live states, a test page printed on the virtual
// printer appearing under Receipts, the drawer opened from the keyboard, an X report behind
// its confirmation, a payment of 12.34 made through the API found by its RRN, the English
// page; and every request the browser made went to the service itself. It asserts on the
// DOM; screenshots are kept as artifacts in a directory it logs. With
// UAPOSD_PAGE_SCREENSHOT=FILE it also writes the README's screenshot there.
func TestSupportPageInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the browser test starts Chromium")
	}
	exe := chromium()
	if exe == "" {
		t.Skip("no Chromium found (chromium, chromium-browser, google-chrome on PATH, or $UAPOS_CHROMIUM): install Debian's chromium to run the support page's browser test")
	}
	s := startStackHooks(t, &hooks{statusPoll: 100 * time.Millisecond})
	base, err := url.Parse(s.url)
	if err != nil {
		t.Fatal(err)
	}
	shots, err := os.MkdirTemp("", "uaposd-page-")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots: %s", shots)

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.WindowSize(1024, 768))
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox) // Chromium refuses to run as root with its sandbox
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()
	if err := chromedp.Do(bctx); err != nil { // starts the browser, with no time-out on it
		t.Fatalf("starting %s: %v", exe, err)
	}
	var mu sync.Mutex
	var requested []string
	if err := chromedp.Listen(bctx, func(ev any) {
		if e, ok := ev.(*network.EventRequestWillBeSent); ok {
			mu.Lock()
			requested = append(requested, e.Request.URL)
			mu.Unlock()
		}
	}); err != nil {
		t.Fatal(err)
	}
	// A bound on the whole drive, so that a page that never shows what is awaited fails
	// the test instead of hanging it; no assertion depends on it.
	ctx, cancel := context.WithTimeout(bctx, 90*time.Second)
	defer cancel()

	shot := func(name string) {
		t.Helper()
		png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(shots, name+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	fail := func(what string, err error) {
		t.Helper()
		if png, serr := chromedp.Run(ctx, chromedp.CaptureScreenshot()); serr == nil {
			_ = os.WriteFile(filepath.Join(shots, "failed.png"), png, 0o644)
		}
		t.Fatalf("%s: %v (screenshots in %s)", what, err, shots)
	}
	do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			fail(what, err)
		}
	}
	eval := func(expr string) any {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[any](expr))
		if err != nil {
			fail(expr, err)
		}
		return v
	}
	text := func(sel string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			fail("text of "+sel, err)
		}
		return v
	}
	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }
	card := func(name string) string { return `article.device[data-name="` + name + `"]` }

	// The device list over the embedded default, with live states pushed by the service.
	devs := s.ok("GET", "/v1/devices", nil).Get("devices").([]any)
	do("load the device list",
		chromedp.EmulateViewport(1024, 768),
		chromedp.Navigate(s.url+"/"),
		chromedp.WaitVisible(css(card("cash"))),
		chromedp.WaitVisible(css(card("prn")+`[data-state="ready"]`)),
		chromedp.WaitVisible(css(card("cash")+`[data-state="closed"]`)),
		chromedp.WaitVisible(css(card("privat")+`[data-state="idle"]`)),
		chromedp.WaitVisible(css(`#live[data-state="live"]`)),
	)
	if cards := eval(`document.querySelectorAll("article.device").length`); cards != float64(len(devs)) || len(devs) != 7 {
		t.Fatalf("%v device cards for %d devices of the embedded default (want 7)", cards, len(devs))
	}
	lang, title, badge := eval(`document.documentElement.lang`), text(`h1`), text(card("privat")+` [data-role="state"]`)
	if lang != "uk" || !strings.Contains(title, "сторінка підтримки") || badge != "вільний" {
		t.Fatalf("not the Ukrainian page: lang %q, title %q, badge %q", lang, title, badge)
	}
	if w := eval(`document.documentElement.scrollWidth`); w.(float64) > 1024 {
		t.Fatalf("the page is %v px wide at 1024x768", w)
	}
	shot("1-devices")

	// A test page on the virtual printer appears under Receipts, with its profile and code page.
	do("print a test page",
		chromedp.Click(css(card("prn")+` button[data-act="test-page"]`)),
		chromedp.WaitVisible(css(card("prn")+` output.result[data-state="ok"]`)),
		chromedp.WaitVisible(css(`.roll[data-printer="prn"] ol.pages li[data-index="0"] img`)),
	)
	imgWidth, err := chromedp.Run(ctx, chromedp.Poll[int](`document.querySelector('.roll[data-printer="prn"] li[data-index="0"] img').naturalWidth`))
	if err != nil {
		fail("the page's image", err)
	}
	if result := text(card("prn") + ` output.result`); !strings.Contains(result, "epson-tm-t20") || !strings.Contains(result, "cp1251") {
		t.Fatalf("test page result %q does not name the profile and code page", result)
	}
	if rs := s.printer().Receipts(); len(rs) != 1 || !strings.Contains(rs[0].Plain, "ТЕСТОВА СТОРІНКА") {
		t.Fatalf("the virtual printer has %d pages", len(rs))
	}
	if imgWidth != 576 {
		t.Fatalf("the page's image is %d dots wide, want the TM-T20's 576", imgWidth)
	}

	// A receipt previewed before printing: the printer's width and code page, nothing printed.
	do("preview a receipt",
		chromedp.Click(css(card("prn")+` button[data-act="preview"]`)),
		chromedp.Click(css(`#preview-form button[type="submit"]`)),
		chromedp.WaitVisible(css(`#preview-out[data-state="ok"]`)),
		chromedp.WaitVisible(css(`#preview-img img`)),
	)
	previewWidth, err := chromedp.Run(ctx, chromedp.Poll[int](`document.querySelector('#preview-img img').naturalWidth`))
	if err != nil {
		fail("the preview's image", err)
	}
	if out := text(`#preview-out`); previewWidth != 576 || !strings.Contains(out, "epson-tm-t20") || !strings.Contains(out, "cp1251") {
		t.Fatalf("preview %d dots wide, %q", previewWidth, out)
	}
	if n := len(s.printer().Receipts()); n != 1 {
		t.Fatalf("the preview printed: %d pages", n)
	}

	// The drawer, opened from the keyboard: its state changes to open; closed in the
	// simulator, the service pushes closed.
	do("open the drawer from the keyboard",
		chromedp.Focus(css(card("cash")+` button[data-act="open"]`)),
		chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(css(card("cash")+`[data-state="open"]`)),
	)
	if !s.printer().DrawerOpened() {
		t.Fatal("the page says open, the drawer is not")
	}
	shot("2-drawer-open")
	s.printer().CloseDrawer()
	do("see the drawer close", chromedp.WaitVisible(css(card("cash")+`[data-state="closed"]`)))

	// An X report asks first: cancelled, nothing runs; confirmed, it runs.
	do("cancel an X report",
		chromedp.Click(css(card("privat")+` button[data-act="x-report"]`)),
		chromedp.WaitVisible(css(`#confirm-dialog[open]`)),
		chromedp.KeyEvent(kb.Escape),
		chromedp.WaitNotPresent(css(`#confirm-dialog[open]`)),
	)
	if out := eval(`document.querySelector('` + card("privat") + ` output.result').textContent`); out != "" {
		t.Fatalf("a cancelled X report ran: %q", out)
	}
	do("confirm an X report",
		chromedp.Click(css(card("privat")+` button[data-act="x-report"]`)),
		chromedp.WaitVisible(css(`#confirm-dialog[open]`)),
		chromedp.Click(css(`#confirm-dialog button[value="ok"]`)),
		chromedp.WaitVisible(css(card("privat")+` output.result[data-state="ok"]`)),
	)

	// Pay 12.34 and 5.00 through the API: the journal's change is pushed to the page, and the
	// 12.34 is found by its RRN.
	p1 := s.ok("POST", "/v1/terminals/privat/purchase", map[string]any{"transaction_id": "page-sale-1", "amount": "12.34"})
	s.ok("POST", "/v1/terminals/privat/purchase", map[string]any{"transaction_id": "page-sale-2", "amount": "5.00"})
	rrn := p1.Str("result.rrn")
	if rrn == "" {
		t.Fatalf("purchase: %s", p1.Raw)
	}
	do("see the payments arrive", chromedp.WaitVisible(css(`#tx-table tr[data-id="page-sale-2"]`)))

	// Two replies lost: the outcomes are unknown, on top in their own colour. The one on
	// privat is checked on the terminal (its ledger reconciles: approved, charged once); the
	// one on ssi is settled by hand, with who and why in the journal.
	s.privat().InjectFault("Purchase", privatsim.FaultLoseReply)
	ssi := s.b.sims["ssi"].Sim().(*privatsim.Server)
	ssi.InjectFault("Purchase", privatsim.FaultLoseReply)
	for _, p := range []struct{ dev, id, amount string }{{"privat", "page-lost-1", "30.00"}, {"ssi", "page-lost-2", "7.00"}} {
		if r := s.do("POST", "/v1/terminals/"+p.dev+"/purchase", map[string]any{"transaction_id": p.id, "amount": p.amount}); r.Get("error.outcome_unknown") != true {
			t.Fatalf("lost reply on %s: %d %s", p.dev, r.Status, r.Raw)
		}
	}
	lost := func(id string) string { return `#tx-pending tr.tx.unknown[data-id="` + id + `"]` }
	do("see the unknown outcomes",
		chromedp.WaitVisible(css(lost("page-lost-1"))),
		chromedp.WaitVisible(css(lost("page-lost-2"))),
	)
	if colours := eval(`[getComputedStyle(document.querySelector('#tx-table tr.tx.unknown')).backgroundColor,
		getComputedStyle(document.querySelector('#tx-table tr.tx.approved')).backgroundColor]`).([]any); colours[0] == colours[1] {
		t.Fatalf("unknown and approved rows have the same colour %v", colours[0])
	}
	if first := eval(`document.querySelector('#tx-table tbody tr').dataset.id`); first != "page-lost-1" && first != "page-lost-2" {
		t.Fatalf("the first row of the transactions is %v, not an unknown outcome", first)
	}
	do("scroll to the unknown outcomes", chromedp.ScrollIntoView(css(`#tx-pending`)))
	shot("3-unknown")
	do("check on the terminal",
		chromedp.Click(css(lost("page-lost-1")+` button[data-act="check"]`)),
		chromedp.WaitVisible(css(`#tx-table tr.tx.approved[data-id="page-lost-1"]`)),
		chromedp.WaitNotPresent(css(lost("page-lost-1"))),
	)
	if st := s.ok("GET", "/v1/transactions/page-lost-1", nil).Str("state"); st != "approved" {
		t.Fatalf("page-lost-1 is %s after the check on the terminal", st)
	}
	do("settle by hand",
		chromedp.Click(css(lost("page-lost-2")+` button[data-act="settle"]`)),
		chromedp.WaitVisible(css(`#settle-dialog[open]`)),
		chromedp.Click(css(`#settle-dialog input[name="outcome"][value="approved"]`)),
		chromedp.SendKeys(css(`#settle-dialog input[name="by"]`), "Олена, підтримка"),
		chromedp.SendKeys(css(`#settle-dialog textarea[name="why"]`), "банк підтвердив списання 7,00"),
		chromedp.Click(css(`#settle-dialog input[name="sure"]`)),
		chromedp.Click(css(`#settle-dialog button[value="ok"]`)),
		chromedp.WaitVisible(css(`#tx-table tr.tx.approved[data-id="page-lost-2"]`)),
		chromedp.WaitNotPresent(css(`#tx-pending:not([hidden])`)),
	)
	settled := s.ok("GET", "/v1/transactions/page-lost-2", nil)
	if settled.Str("state") != "approved" || settled.Str("refs.settled_by") != "Олена, підтримка" || settled.Str("refs.settled_why") == "" {
		t.Fatalf("settled by hand: %s", settled.Raw)
	}

	do("find the payment by RRN",
		chromedp.SendKeys(css(`#tx-search input[name="rrn"]`), rrn),
		chromedp.Click(css(`#tx-search button[type="submit"]`)),
		chromedp.WaitNotPresent(css(`#tx-table tr[data-id="page-sale-2"]`)),
		chromedp.WaitVisible(css(`#tx-table tr[data-id="page-sale-1"]`)),
	)
	rows, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('#tx-table tbody tr')].map(r => [...r.cells].map(c => c.textContent).join('|'))`))
	if err != nil {
		fail("read the rows", err)
	}
	if len(rows) != 1 {
		t.Fatalf("search by RRN %s shows %d rows: %q", rrn, len(rows), rows)
	}
	cells := strings.Split(rows[0], "|")
	if len(cells) != 8 || !regexp.MustCompile(`^\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}$`).MatchString(cells[0]) ||
		cells[1] != "privat" || cells[3] != "12,34\u00a0₴" || cells[5] != rrn || cells[7] != "page-sale-1" {
		t.Fatalf("row %q", cells)
	}
	do("scroll to the payment", chromedp.ScrollIntoView(css(`#tx-table`)))
	shot("4-transaction")

	// The README's screenshot: the device list after the test page and the drawer.
	if path := os.Getenv("UAPOSD_PAGE_SCREENSHOT"); path != "" {
		eval(`window.scrollTo(0, 0)`)
		png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if err != nil {
			fail("screenshot for the README", err)
		}
		if err := os.WriteFile(path, png, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	// English on request.
	do("switch to English",
		chromedp.Click(css(`a[href="/?lang=en"]`)),
		chromedp.WaitVisible(css(`html[lang="en"] `+card("privat")+`[data-state="idle"]`)),
	)
	if title := text(`h1`); !strings.Contains(title, "support page") {
		t.Fatalf("English title %q", title)
	}
	shot("5-english")

	// Every request the browser made went to the service itself.
	mu.Lock()
	defer mu.Unlock()
	if len(requested) < 10 {
		t.Fatalf("only %d requests seen: %q", len(requested), requested)
	}
	blobs := 0
	for _, raw := range requested {
		if err := sameHost(raw, base.Host); err != nil {
			t.Error(err)
		}
		if strings.HasPrefix(raw, "blob:") {
			blobs++
		}
	}
	t.Logf("%d requests (%d of them blob: URLs of fetched images), all to %s", len(requested), blobs, base.Host)
}

// sameHost checks that a request URL the browser made is the service's: http://HOST/...,
// or a blob: URL the page made of what it fetched from there.
func sameHost(raw, host string) error {
	inner := strings.TrimPrefix(raw, "blob:")
	u, err := url.Parse(inner)
	if err != nil {
		return fmt.Errorf("request to %q: %v", raw, err)
	}
	if u.Scheme != "http" || u.Host != host {
		return fmt.Errorf("request to %q: not the service at %s", raw, host)
	}
	return nil
}

// TestSameHost: the network log check refuses any other host, scheme or a data: URL.
func TestSameHost(t *testing.T) {
	const host = "127.0.0.1:3939"
	for _, ok := range []string{"http://127.0.0.1:3939/", "http://127.0.0.1:3939/v1/events", "blob:http://127.0.0.1:3939/4f1c-aa"} {
		if err := sameHost(ok, host); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for _, bad := range []string{"https://127.0.0.1:3939/", "http://127.0.0.1:3940/", "http://fonts.example/x.woff2",
		"blob:http://evil.example/1", "data:image/png;base64,AAAA", "ws://127.0.0.1:3939/", "http://localhost:3939/"} {
		if sameHost(bad, host) == nil {
			t.Errorf("%s passed", bad)
		}
	}
}
