package capi

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestSymbolsPinned checks the public values against testdata/symbols.txt, written by hand
// from protocols/posapi.md A.3 and 1.5.
func TestSymbolsPinned(t *testing.T) {
	f, err := os.Open("testdata/symbols.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		name, val, _ := strings.Cut(line, " ")
		n++
		switch {
		case strings.HasPrefix(name, "ACTION_"):
			want, err := strconv.ParseInt(val, 0, 32)
			if err != nil {
				t.Fatalf("%s: %v", line, err)
			}
			got, ok := Action(name).Known()
			if !ok || got != int(want) {
				t.Errorf("%s = %#x, %v; want %#x", name, got, ok, want)
			}
		case strings.HasPrefix(name, "RESP_"):
			want, _ := strconv.Atoi(val)
			if got := Response(want).Symbol(); got != name {
				t.Errorf("Response(%d) = %s, want %s", want, got, name)
			}
		case strings.HasPrefix(name, "POS_"):
			got, ok := Param(name).Known()
			if !ok || got != val {
				t.Errorf("%s = %q, %v; want %q", name, got, ok, val)
			}
		}
	}
	if n < 60 {
		t.Fatalf("only %d symbols read", n)
	}
}

func TestGapSymbolsHaveNoValue(t *testing.T) {
	for _, a := range []Action{ActionHostCount, ActionHostInfo, ActionConfirm, ActionPOSInfo} {
		if v, ok := a.Known(); ok {
			t.Errorf("%s has a value %#x, but none is public", a, v)
		}
	}
	for _, p := range []Param{ParamHostCode, ParamCashbackAmount, ParamHostName} {
		if v, ok := p.Known(); ok {
			t.Errorf("%s has a wire name %q, but none is public", p, v)
		}
	}
	if got := Response(42).String(); got != "RESP(42)" {
		t.Errorf("Response(42) = %s", got)
	}
	if !RespConfirm.Final() || RespMessage.Final() || !RespWrongMAC.Final() {
		t.Error("Final is wrong")
	}
}

func TestDictionaryUnique(t *testing.T) {
	seenSym, seenWire := map[Param]bool{}, map[string]bool{}
	for _, p := range Dictionary {
		if seenSym[p.Symbol] || (p.Wire != "" && seenWire[p.Wire]) {
			t.Errorf("duplicate %s %q", p.Symbol, p.Wire)
		}
		seenSym[p.Symbol], seenWire[p.Wire] = true, true
	}
	if info, ok := ParamAmount.Info(); !ok || info.Format != FormatAmount || info.MaxLen != 12 {
		t.Errorf("POS_AMOUNT info = %+v", info)
	}
}
