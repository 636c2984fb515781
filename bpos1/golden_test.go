package bpos1_test

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"os"
	"strings"
	"testing"

	"github.com/uapos/uapos/bpos1"
)

// loadGolden reads "name: hex" lines of a hand-written golden file.
func loadGolden(t testing.TB, path string) map[string][]byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string][]byte{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		name, hx, ok := strings.Cut(line, ":")
		if !ok {
			t.Fatalf("%s: bad line %q", path, line)
		}
		b, err := hex.DecodeString(strings.ReplaceAll(strings.TrimSpace(hx), " ", ""))
		if err != nil {
			t.Fatalf("%s: %s: %v", path, name, err)
		}
		out[name] = b
	}
	return out
}

// TestGoldenRequests: the encoder reproduces the worked frames of bpos1.md §B.3 byte for
// byte.
func TestGoldenRequests(t *testing.T) {
	golden := loadGolden(t, "testdata/golden/requests.txt")
	cases := []struct {
		name  string
		msg   bpos1.Message
		order binary.ByteOrder
	}{
		{"purchase-100-m1", bpos1.PurchaseRequest(100, 1), binary.BigEndian},
		{"settlement-m1", bpos1.SettlementRequest(1), binary.BigEndian},
		{"xreport-m1", bpos1.XReportRequest(1), binary.BigEndian},
		{"posinfo", bpos1.POSInfoRequest(), binary.BigEndian},
		{"ping", bpos1.PingRequest(), nil},
		{"refund-100-m1-rrn", bpos1.RefundRequest(100, 1, "123456789012"), binary.BigEndian},
		{"confirm", bpos1.ConfirmRequest(), binary.BigEndian},
		{"ping-le", bpos1.PingRequest(), binary.LittleEndian},
	}
	if len(cases) != len(golden) {
		t.Fatalf("%d cases for %d golden frames", len(cases), len(golden))
	}
	for _, c := range cases {
		want, ok := golden[c.name]
		if !ok {
			t.Fatalf("no golden frame %q", c.name)
		}
		got, err := bpos1.AppendFrame(nil, c.msg, c.order)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s:\n got %x\nwant %x", c.name, got, want)
		}
	}
}

// TestGoldenReplies parses the hand-written terminal frames (little-endian TLV).
func TestGoldenReplies(t *testing.T) {
	golden := loadGolden(t, "testdata/golden/replies.txt")

	m, order, err := bpos1.ParseFrame(golden["status-auth"])
	if err != nil {
		t.Fatal(err)
	}
	if order != binary.LittleEndian {
		t.Fatalf("order %v", order)
	}
	if c, _ := m.Uint(bpos1.TagClass, order); c != bpos1.ClassStatus {
		t.Fatalf("class %d", c)
	}
	if s, _ := m.Uint(bpos1.TagStatusCode, order); s != 3 {
		t.Fatalf("status %d", s)
	}
	if txt, _ := m.String(bpos1.TagStatusText); txt != "AUTH" {
		t.Fatalf("status text %q", txt)
	}

	raw := golden["purchase-ok"]
	m, order, err = bpos1.ParseFrame(raw)
	if err != nil {
		t.Fatal(err)
	}
	if a, _ := m.Uint(bpos1.TagAmount, order); a != 100 {
		t.Fatalf("amount %d", a)
	}
	if inv, _ := m.Uint(bpos1.TagInvoice, order); inv != 7 {
		t.Fatalf("invoice %d", inv)
	}
	if rrn, _ := m.String(bpos1.TagRRN); rrn != "123456789012" {
		t.Fatalf("rrn %q", rrn)
	}
	if v, ok := m.Get(99); !ok || !bytes.Equal(v, []byte{0xab, 0xcd}) {
		t.Fatalf("unknown tag 99 not kept: %x", v)
	}
	// unknown tags preserved: the message re-encodes to the same payload
	if got := bpos1.AppendMessage(nil, m, order); !bytes.Equal(got, raw[3:len(raw)-1]) {
		t.Fatalf("re-encoded\n got %x\nwant %x", got, raw[3:len(raw)-1])
	}

	m, order, err = bpos1.ParseFrame(golden["purchase-declined"])
	if err != nil {
		t.Fatal(err)
	}
	if rc, _ := m.Uint(bpos1.TagResult, order); rc != 51 {
		t.Fatalf("result %d", rc)
	}
	// big-endian replies are read too (the evidence on the reply order conflicts)
	be, _ := bpos1.AppendFrame(nil, bpos1.PingRequest(), binary.BigEndian)
	if _, order, err := bpos1.ParseFrame(be); err != nil || order != binary.BigEndian {
		t.Fatalf("big-endian frame: %v %v", order, err)
	}
}

func TestParseFrameRejects(t *testing.T) {
	golden := loadGolden(t, "testdata/golden/requests.txt")
	bad := bytes.Clone(golden["ping"])
	bad[len(bad)-1] ^= 0xff
	for name, b := range map[string][]byte{
		"bad lrc":     bad,
		"short":       golden["ping"][:5],
		"no stx":      append([]byte{0x03}, golden["ping"][1:]...),
		"tlv overrun": {0x02, 0x00, 0x08, 1, 0, 0, 0, 0xff, 0, 0, 0, 0xfe},
	} {
		if _, _, err := bpos1.ParseFrame(b); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// FuzzParseFrame: the TLV frame reader never panics, and what it accepts re-encodes to
// the same TLV bytes (unknown tags preserved).
func FuzzParseFrame(f *testing.F) {
	for _, file := range []string{"testdata/golden/requests.txt", "testdata/golden/replies.txt"} {
		for _, b := range loadGolden(f, file) {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, order, err := bpos1.ParseFrame(b)
		if err != nil {
			return
		}
		data := b[3 : len(b)-1]
		if got := bpos1.AppendMessage(nil, m, order); !bytes.Equal(got, data) {
			t.Fatalf("re-encoded %x, frame data %x", got, data)
		}
	})
}
