package posapi

import (
	"fmt"
	"strconv"
	"sync"

	"github.com/uapos/uapos/posapi/capi"
)

// symbols resolves ACTION_*, RESP_* and POS_* names to the loaded library's values: the
// library's own export first, then Config.Symbols, then the public value (capi's Known).
type symbols struct {
	lib       capi.Library
	overrides map[string]string

	mu      sync.Mutex
	actions map[capi.Action]int
	params  map[capi.Param]string
	resp    map[int]capi.Response // library value -> response
	wire    map[string]capi.Param // wire name -> parameter
}

func newSymbols(lib capi.Library, overrides map[string]string) *symbols {
	s := &symbols{lib: lib, overrides: overrides, actions: map[capi.Action]int{},
		params: map[capi.Param]string{}, resp: map[int]capi.Response{}, wire: map[string]capi.Param{}}
	for _, r := range capi.Responses {
		v, ok := lib.IntSymbol(r.Symbol())
		if !ok {
			v = int(r)
			if o, found := overrides[r.Symbol()]; found {
				if n, err := strconv.ParseInt(o, 0, 32); err == nil {
					v = int(n)
				}
			}
		}
		if _, dup := s.resp[v]; !dup {
			s.resp[v] = r
		}
	}
	for _, p := range capi.Dictionary {
		if w, ok := s.param(p.Symbol); ok {
			s.wire[w] = p.Symbol
		}
	}
	return s
}

// action returns the numeric value of a.
func (s *symbols) action(a capi.Action) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if v, ok := s.actions[a]; ok {
		return v, nil
	}
	v, ok := s.lib.IntSymbol(string(a))
	if !ok {
		if o, found := s.overrides[string(a)]; found {
			n, err := strconv.ParseInt(o, 0, 32)
			if err != nil {
				return 0, fmt.Errorf("posapi: symbol override %s=%q: %w", a, o, err)
			}
			v, ok = int(n), true
		}
	}
	if !ok {
		v, ok = a.Known()
	}
	if !ok {
		return 0, &SymbolError{Name: string(a)}
	}
	s.actions[a] = v
	return v, nil
}

// param returns the wire name of p.
func (s *symbols) param(p capi.Param) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if v, ok := s.params[p]; ok {
		return v, true
	}
	v, ok := s.lib.StringSymbol(string(p))
	if !ok || v == "" {
		v, ok = s.overrides[string(p)]
	}
	if !ok || v == "" {
		v, ok = p.Known()
	}
	if !ok || v == "" {
		return "", false
	}
	s.params[p] = v
	return v, true
}

// response maps a pos_receive value onto a response; unknown values come back as themselves
// with known false.
func (s *symbols) response(v int) (capi.Response, bool) {
	r, ok := s.resp[v]
	if !ok {
		return capi.Response(v), false
	}
	return r, true
}
