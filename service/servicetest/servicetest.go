// Package servicetest is a small client of uaposd's HTTP API for tests: it sends JSON and
// reads any reply as a JSON object whose fields are reached by dotted paths.
package servicetest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// Client sends requests to a running service.
type Client struct {
	// URL is the service's base URL, as http://127.0.0.1:3939.
	URL string
	// Token, when set, is sent as Authorization: Bearer.
	Token string
	// HTTP sends the requests; nil means http.DefaultClient.
	HTTP *http.Client
}

// Reply is an HTTP answer.
type Reply struct {
	Status int
	Raw    []byte
	// Body is the reply decoded as a JSON object (nil when it is not one).
	Body map[string]any
}

// Do sends method path with body: nil, a string or []byte sent as is, or any value sent as
// JSON. A body is declared application/json. It fails t when the request cannot be sent.
func (c *Client) Do(t testing.TB, method, path string, body any) Reply {
	t.Helper()
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
			t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, c.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	return c.Send(t, req)
}

// Send sends a prepared request and reads its reply.
func (c *Client) Send(t testing.TB, req *http.Request) Reply {
	t.Helper()
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	r := Reply{Status: resp.StatusCode, Raw: raw}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(raw, &r.Body); err != nil {
			t.Fatalf("%s %s: the reply is not a JSON object: %v\n%s", req.Method, req.URL.Path, err, raw)
		}
	}
	return r
}

// Get returns the value at a dotted path ("error.code", "result.rrn"), or nil.
func (r Reply) Get(path string) any {
	var v any = r.Body
	for _, k := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// Str returns the string at path, or "".
func (r Reply) Str(path string) string {
	s, _ := r.Get(path).(string)
	return s
}

// Num returns the number at path as an int, or 0.
func (r Reply) Num(path string) int {
	f, _ := r.Get(path).(float64)
	return int(f)
}

// Want fails t unless the reply has the status and, when given, the error's DM code.
func (r Reply) Want(t testing.TB, status int, code ...int) Reply {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %s", r.Status, status, r.Raw)
	}
	if len(code) > 0 && r.Num("error.code") != code[0] {
		t.Fatalf("code %d, want %d: %s", r.Num("error.code"), code[0], r.Raw)
	}
	return r
}
