package service

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// TestOpenAPIMatchesRouter: every path and method of the checked-in document is a route of
// the service, and every route is in the document.
func TestOpenAPIMatchesRouter(t *testing.T) {
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(OpenAPI(), &doc); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi %q", doc.OpenAPI)
	}
	var documented []string
	for path, ops := range doc.Paths {
		for method := range ops {
			switch method {
			case "get", "post", "put", "delete", "patch", "head", "options":
				documented = append(documented, strings.ToUpper(method)+" "+path)
			}
		}
	}
	e := newEnv(t)
	routed := e.svc.Routes()
	slices.Sort(documented)
	slices.Sort(routed)
	for _, r := range routed {
		if !slices.Contains(documented, r) {
			t.Errorf("route %s is not in openapi.json", r)
		}
	}
	for _, d := range documented {
		if !slices.Contains(routed, d) {
			t.Errorf("openapi.json documents %s, which the router lacks", d)
		}
	}
	if len(routed) < 40 {
		t.Fatalf("only %d routes", len(routed))
	}
	r := e.do("GET", "/v1/openapi.json", nil).Want(t, 200)
	if !bytes.Equal(r.Raw, OpenAPI()) {
		t.Fatal("the served document is not the checked-in one")
	}
}
