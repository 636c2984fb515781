package payment

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFileJournalCrashLeavesUnknown(t *testing.T) {
	dir := t.TempDir()
	j, err := OpenFileJournal(dir)
	if err != nil {
		t.Fatal(err)
	}
	req := Request{TransactionID: "tx-1", Amount: 1234}
	if err := j.Begin(Entry{TransactionID: "tx-1", Terminal: "t1", Operation: OpPurchase, Request: req}); err != nil {
		t.Fatal(err)
	}
	if err := j.Note("tx-1", "POS_TRANS_ID", "777"); err != nil {
		t.Fatal(err)
	}
	if err := j.Begin(Entry{TransactionID: "tx-2", Terminal: "t1", Operation: OpPurchase}); err != nil {
		t.Fatal(err)
	}
	if err := j.Finish("tx-2", StateApproved, &Result{Approved: true, RRN: "000018706638", Amount: 500}, nil); err != nil {
		t.Fatal(err)
	}
	// The process "crashes": the file is not closed, nothing else is written.
	j2, err := OpenFileJournal(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer j2.Close()
	p, err := j2.Pending()
	if err != nil || len(p) != 1 {
		t.Fatalf("Pending = %v, %v; want tx-1 only", p, err)
	}
	if p[0].TransactionID != "tx-1" || p[0].State != StateUnknown || p[0].Request.Amount != 1234 || p[0].Refs["POS_TRANS_ID"] != "777" {
		t.Errorf("pending entry = %+v", p[0])
	}
	e, ok, _ := j2.Get("tx-2")
	if !ok || e.State != StateApproved || e.Result.RRN != "000018706638" {
		t.Errorf("tx-2 = %+v", e)
	}
	last, ok, _ := j2.Last("t1")
	if !ok || last.TransactionID != "tx-2" {
		t.Errorf("Last = %+v", last)
	}
	if err := j2.Begin(Entry{TransactionID: "tx-1"}); !errors.Is(err, ErrDuplicateTransaction) {
		t.Errorf("duplicate Begin = %v", err)
	}
	j.Close()
}

func TestFileJournalTornLastLine(t *testing.T) {
	dir := t.TempDir()
	j, _ := OpenFileJournal(dir)
	j.Begin(Entry{TransactionID: "a", Terminal: "t"})
	j.Finish("a", StateApproved, &Result{Approved: true}, nil)
	j.Close()
	path := filepath.Join(dir, JournalFileName)
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"rec":"finish","id":"a","sta`) // power cut mid-write
	f.Close()
	j2, err := OpenFileJournal(dir)
	if err != nil {
		t.Fatalf("a torn last line must not stop the journal: %v", err)
	}
	if err := j2.Begin(Entry{TransactionID: "b", Terminal: "t"}); err != nil {
		t.Fatal(err)
	}
	j2.Close()
	j3, err := OpenFileJournal(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer j3.Close()
	if e, ok, _ := j3.Get("a"); !ok || e.State != StateApproved {
		t.Errorf("a = %+v", e)
	}
	if e, ok, _ := j3.Get("b"); !ok || e.State != StateUnknown {
		t.Errorf("b = %+v", e)
	}
	// A bad record in the middle is corruption, not a torn write: refuse to guess.
	data, _ := os.ReadFile(path)
	os.WriteFile(path, append([]byte("garbage\n"), data...), 0o600)
	if _, err := OpenFileJournal(dir); err == nil {
		t.Error("a corrupt journal opened silently")
	}
}

// No full card number reaches the journal file, whatever field the device put it in.
func TestJournalNoFullPAN(t *testing.T) {
	dir := t.TempDir()
	j, _ := OpenFileJournal(dir)
	full := "5" + strings.Repeat("4", 14) + "2"
	j.Begin(Entry{TransactionID: "p", Terminal: "t", Request: Request{Extra: map[string]string{"card": full}}})
	j.Note("p", "msg", "card "+full)
	j.Finish("p", StateDeclined, &Result{PAN: MaskedPAN(full), Receipt: "PAN " + full, Raw: map[string]string{"pan": full}},
		&Error{Code: 5002, DeviceText: "decline for " + full})
	j.Close()
	data, err := os.ReadFile(filepath.Join(dir, JournalFileName))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), full) {
		t.Fatalf("full PAN in the journal file:\n%s", data)
	}
	if !strings.Contains(string(data), "544444XXXXXX4442") {
		t.Errorf("masked PAN missing:\n%s", data)
	}
	// Reopened, the declined entry still rebuilds an error of kind declined.
	j2, err := OpenFileJournal(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer j2.Close()
	e, _, _ := j2.Get("p")
	if err := e.Err(); !errors.Is(err, ErrDeclined) || ErrorCode(err) != 5002 {
		t.Errorf("replayed error = %v", err)
	}
}

func TestMemoryJournal(t *testing.T) {
	j := NewMemoryJournal()
	if err := j.Begin(Entry{}); !errors.Is(err, ErrNoTransactionID) {
		t.Errorf("Begin without id = %v", err)
	}
	if err := j.Note("nope", "k", "v"); !errors.Is(err, ErrNoEntry) {
		t.Errorf("Note on unknown id = %v", err)
	}
	if err := j.Finish("nope", StateApproved, nil, nil); !errors.Is(err, ErrNoEntry) {
		t.Errorf("Finish on unknown id = %v", err)
	}
	// Pending holds what has no outcome, oldest first, whatever order outcomes come in.
	for _, id := range []string{"a", "b", "c", "d"} {
		j.Begin(Entry{TransactionID: id, Terminal: "t"})
	}
	j.Finish("b", StateApproved, &Result{Approved: true}, nil)
	j.Finish("c", StateUnknown, nil, nil)
	j.Finish("d", StateFailed, nil, nil)
	j.Finish("d", StateIntent, nil, nil) // a failed id run again
	p, _ := j.Pending()
	var ids []string
	for _, e := range p {
		ids = append(ids, e.TransactionID)
	}
	if strings.Join(ids, ",") != "a,c,d" {
		t.Errorf("Pending = %v, want a,c,d", ids)
	}
}
