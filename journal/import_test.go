package journal

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/uapos/uapos/payment"
)

// plainJournal hides the stores' Loader: the import goes through Begin, Note and Finish.
type plainJournal struct{ Journal }

func TestImportJSONL(t *testing.T) {
	const fixture = "testdata/old-journal.jsonl"
	raw, err := os.ReadFile(fixture)
	must(t, err)
	if !bytes.HasPrefix(raw[919:], []byte(`{"rec":"finish","time":"2026-11-02T10:05:40Z","id":"B","state":"appr`+"\n")) {
		t.Fatal("the fixture's corrupt line is not at byte 919")
	}
	for _, c := range []struct {
		name     string
		open     func(t *testing.T) Journal
		keepTime bool
	}{
		{"memory", func(*testing.T) Journal { return NewMemory() }, true},
		{"sqlite", func(t *testing.T) Journal { return openSQLite(t, filepath.Join(t.TempDir(), "j.db")) }, true},
		{"plain", func(t *testing.T) Journal { return plainJournal{openSQLite(t, filepath.Join(t.TempDir(), "j.db"))} }, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			j := c.open(t)
			st, err := ImportJSONL(bg, fixture, j)
			must(t, err)
			if st.Records != 12 || st.Entries != 5 || st.Unknown != 2 || st.Orphans != 1 || st.Existing != 0 || !st.TornTail {
				t.Fatalf("stats = %+v", st)
			}
			if len(st.Corrupt) != 1 || st.Corrupt[0].Offset != 919 || !errors.Is(st.Corrupt[0].Err, errBadRecord) {
				t.Fatalf("corrupt lines = %+v", st.Corrupt)
			}
			a := mustGet(t, j, "A")
			if a.State != StateApproved || a.Result.RRN != "531000000001" || a.Request.Amount != 5000 || !strings.Contains(a.Result.Receipt, "СУМА 50.00") {
				t.Fatalf("A = %s %+v", a.State, a.Result)
			}
			if c.keepTime && (!a.Started.Equal(time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)) || !a.Updated.Equal(time.Date(2026, 11, 2, 10, 0, 31, 0, time.UTC))) {
				t.Fatalf("A's times = %v, %v", a.Started, a.Updated)
			}
			if a.Fingerprint != Fingerprint(a.Terminal, payment.OpPurchase, a.Request) {
				t.Fatalf("A's fingerprint = %q", a.Fingerprint)
			}
			if id, ok, _ := j.Claimant(bg, ReceiptKeys(a.Terminal, a.Result)[0]); !ok || id != "A" {
				t.Fatalf("A's receipt is held by %q", id)
			}
			if b := mustGet(t, j, "B"); b.State != StateUnknown || b.Refs["POS_TRANS_ID"] != "000123" {
				t.Fatalf("B = %s %v", b.State, b.Refs)
			}
			cc := mustGet(t, j, "C")
			var pe *payment.Error
			if cc.State != StateDeclined || !errors.As(cc.Err(), &pe) || pe.Code != payment.CodeEMVDecline || pe.ResponseCode != "1002" {
				t.Fatalf("C = %s %v", cc.State, cc.Err())
			}
			if e := mustGet(t, j, "E"); e.State != StateApproved || e.Result.RRN != "531000000002" {
				t.Fatalf("E = %s", e.State)
			}
			if d := mustGet(t, j, "D"); d.State != StateUnknown {
				t.Fatalf("D = %s", d.State)
			}
			// The unknown ones wait for reconciling, as after a crash.
			p, err := j.Pending(bg)
			must(t, err)
			if ids(p) != "B,D" {
				t.Fatalf("Pending = %s", ids(p))
			}
			// Importing again changes nothing.
			st, err = ImportJSONL(bg, fixture, j)
			must(t, err)
			if st.Entries != 0 || st.Existing != 5 {
				t.Fatalf("second import = %+v", st)
			}
		})
	}
}

func TestImportJSONLLongLineAndCardNumber(t *testing.T) {
	path := filepath.Join(t.TempDir(), OldJournalFileName)
	pan := fullTestPAN()
	var b bytes.Buffer
	b.WriteString(`{"rec":"begin","time":"2026-11-02T10:00:00Z","entry":{"transaction_id":"L","terminal":"t","operation":1,"request":{"extra":{"x":"` + strings.Repeat("y", MaxRecord) + `"}}}}` + "\n")
	b.WriteString(`{"rec":"begin","time":"2026-11-02T10:00:00Z","entry":{"transaction_id":"P","terminal":"t","operation":1,"request":{"extra":{"track":"` + pan + `"}}}}` + "\n")
	b.WriteString(`{"rec":"note","time":"2026-11-02T10:00:01Z","id":"P","key":"card","value":"` + pan + `"}` + "\n")
	b.WriteString(`{"rec":"finish","time":"2026-11-02T10:00:02Z","id":"P","state":"approved","result":{"approved":true,"pan":"` + pan + `","receipt":"` + pan + `"}}` + "\n")
	must(t, os.WriteFile(path, b.Bytes(), 0o600))
	j := openSQLite(t, filepath.Join(t.TempDir(), "j.db"))
	st, err := ImportJSONL(bg, path, j)
	must(t, err)
	if st.Entries != 1 || len(st.Corrupt) != 1 || st.Corrupt[0].Offset != 0 || st.TornTail {
		t.Fatalf("stats = %+v", st)
	}
	must(t, j.Close())
	if dump := sqliteKit(t).dump(t, j); bytes.Contains(dump, []byte(pan)) {
		t.Fatal("a full card number was imported")
	}
}

// FuzzJSONLRecord: the old journal's line decoder takes any bytes without panicking, and
// what it accepts survives a round trip.
func FuzzJSONLRecord(f *testing.F) {
	raw, err := os.ReadFile("testdata/old-journal.jsonl")
	if err != nil {
		f.Fatal(err)
	}
	for _, line := range bytes.Split(raw, []byte("\n")) {
		f.Add(line)
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		r, err := decodeJSONLRecord(line)
		if err != nil {
			if !errors.Is(err, errBadRecord) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		b, err := json.Marshal(r)
		if err != nil {
			return // a time outside JSON's range, say
		}
		if _, err := decodeJSONLRecord(b); err != nil && len(b) <= MaxRecord {
			t.Fatalf("re-encoded record does not decode: %v\n%s", err, b)
		}
	})
}

// FuzzSQLiteRecord: the row decoder takes any bytes without panicking; what it accepts is
// the row's entry, and encodes back to a row it accepts.
func FuzzSQLiteRecord(f *testing.F) {
	e := purchase("seed", "t", 100)
	e.State, e.Result = StateApproved, approved("r1", 100)
	b, _ := encodeEntry(&e)
	f.Add("seed", "approved", b, checksum(b))
	f.Add("seed", "intent", b, checksum(b))
	f.Add("x", "unknown", []byte(`{"transaction_id":"x","state":"unknown"}`), uint32(0))
	f.Fuzz(func(t *testing.T, id, state string, data []byte, sum uint32) {
		if sum == 0 {
			sum = checksum(data) // let the fuzzer reach the decoder
		}
		e, err := decodeEntry(id, state, data, sum)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		if e.TransactionID != id || string(e.State) != state {
			t.Fatalf("accepted %q/%s as %q/%s", id, state, e.TransactionID, e.State)
		}
		b, err := encodeEntry(&e)
		if err != nil {
			return
		}
		if _, err := decodeEntry(id, state, b, checksum(b)); err != nil {
			t.Fatalf("re-encoded entry does not decode: %v", err)
		}
	})
}
