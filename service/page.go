package service

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strconv"
)

// The support page: one html/template, a little hand-written JavaScript and CSS, and the
// texts in Ukrainian and English, embedded; no build step, and nothing loaded from anywhere
// but the service (the Content-Security-Policy says so to the browser too).
//
//go:embed page
var pageFiles embed.FS

// pageTexts is page/i18n.json: every text of the page and its script, by language.
var pageTexts = func() map[string]map[string]string {
	var m map[string]map[string]string
	b, err := pageFiles.ReadFile("page/i18n.json")
	if err == nil {
		err = json.Unmarshal(b, &m)
	}
	if err != nil {
		panic("service: page/i18n.json: " + err.Error())
	}
	return m
}()

var pageTemplate = template.Must(template.ParseFS(pageFiles, "page/index.html"))

// pageLangs are the page's languages, the default first.
var pageLangs = []string{"uk", "en"}

// pageData is what page/index.html is executed with.
type pageData struct {
	Lang  string
	Texts map[string]string
}

// Tr returns the text of key in the page's language (the key itself when missing: a test
// checks that none is).
func (d pageData) Tr(key string) string {
	if v, ok := d.Texts[key]; ok {
		return v
	}
	return key
}

// pagePolicy allows the page to load and call only the service itself.
const pagePolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob:; connect-src 'self'; " +
	"form-action 'none'; frame-ancestors 'none'; base-uri 'none'"

// page is GET /: the support page, Ukrainian unless ?lang=en.
func (s *Service) page(w http.ResponseWriter, r *http.Request) {
	lang := pageLangs[0]
	if l := r.URL.Query().Get("lang"); l != "" {
		for _, x := range pageLangs {
			if l == x {
				lang = x
			}
		}
	}
	var b bytes.Buffer
	if err := pageTemplate.Execute(&b, pageData{Lang: lang, Texts: pageTexts[lang]}); err != nil {
		writeError(w, fmt.Errorf("support page: %w", err), nil)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(b.Len()))
	h.Set("Content-Security-Policy", pagePolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-cache")
	_, _ = w.Write(b.Bytes())
}

// assetHandler serves the page's script, style and icon under /assets/.
func assetHandler() http.Handler {
	sub, err := fs.Sub(pageFiles, "page")
	if err != nil {
		panic(err)
	}
	files := http.StripPrefix("/assets/", http.FileServerFS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/assets/app.js", "/assets/app.css", "/assets/icon.svg":
		default:
			writeError(w, &inputError{msg: "no asset " + trunc(r.URL.Path, 80), status: http.StatusNotFound}, nil)
			return
		}
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		files.ServeHTTP(w, r)
	})
}
