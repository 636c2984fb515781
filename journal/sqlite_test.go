package journal

import (
	"database/sql"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/uapos/uapos/payment"
)

func openSQLite(t *testing.T, path string, opts ...Options) *SQLite {
	t.Helper()
	j, err := OpenSQLite(path, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	return j
}

// corruptRow changes one byte of an entry's JSON behind the journal's back, as a bad sector
// or a stray tool would, leaving its checksum as it was.
func corruptRow(t *testing.T, path, id string) {
	t.Helper()
	db, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	r, err := db.Exec(`UPDATE journal_entries SET json = replace(json, '"terminal":"', '"terminal":"X') WHERE id = ?`, id)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := r.RowsAffected(); n != 1 {
		t.Fatalf("corrupted %d rows", n)
	}
}

// A full disk fails the write with code 1082, rolled back; once there is room again the
// journal opens with every earlier entry as it was.
func TestSQLiteDiskFull(t *testing.T) {
	if runtime.GOOS != "linux" || os.Getuid() != 0 {
		t.Skip("needs root on Linux to mount a small tmpfs")
	}
	mnt := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here (%v: %s)", err, strings.TrimSpace(string(out)))
	}
	t.Cleanup(func() { exec.Command("umount", mnt).Run() })
	path := filepath.Join(mnt, "j.db")
	j, err := OpenSQLite(path)
	must(t, err)
	for i := range 10 {
		id := "e" + strconv.Itoa(i)
		must(t, j.Begin(bg, purchase(id, "t", 100)))
		must(t, j.Finish(bg, id, Outcome{State: StateApproved, Result: approved("r"+id, 100)}))
	}
	filler, err := os.Create(filepath.Join(mnt, "filler"))
	must(t, err)
	chunk := make([]byte, 32<<10)
	for {
		if _, err := filler.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatal(err)
			}
			break
		}
	}
	for {
		if _, err := filler.Write(chunk[:512]); err != nil {
			break
		}
	}
	filler.Close()

	big := purchase("big", "t", 100)
	big.Request.Extra = map[string]string{"note": strings.Repeat("x", 256<<10)}
	err = j.Begin(bg, big)
	var pe *payment.Error
	if !errors.As(err, &pe) || pe.Code != payment.CodeJournal {
		t.Fatalf("Begin on a full disk = %v, want a *payment.Error 1082", err)
	}
	t.Logf("on a full disk: %v", err)
	j.Close()

	must(t, os.Remove(filepath.Join(mnt, "filler")))
	j = openSQLite(t, path)
	for i := range 10 {
		id := "e" + strconv.Itoa(i)
		if e := mustGet(t, j, id); e.State != StateApproved || e.Result.RRN != "r"+id {
			t.Fatalf("%s after the full disk: %+v", id, e)
		}
	}
	if _, ok, _ := j.Get(bg, "big"); ok {
		t.Fatal("the failed Begin left an entry")
	}
	must(t, j.Begin(bg, big))
}

// The queries the package doc gives support run as written with the sqlite3 command.
func TestSQLiteDocQueries(t *testing.T) {
	bin, err := exec.LookPath("sqlite3")
	if err != nil {
		t.Skip("no sqlite3 command")
	}
	src, err := os.ReadFile("doc.go")
	must(t, err)
	var queries []string
	for _, line := range strings.Split(string(src), "\n") {
		const cmd = "//\tsqlite3 -readonly uapos-journal.db \""
		if strings.HasPrefix(line, cmd) && strings.HasSuffix(line, "\"") {
			queries = append(queries, strings.TrimSuffix(strings.TrimPrefix(line, cmd), "\""))
		}
	}
	if len(queries) != 2 {
		t.Fatalf("found %d sqlite3 examples in doc.go", len(queries))
	}
	path := filepath.Join(t.TempDir(), "uapos-journal.db")
	j := openSQLite(t, path)
	must(t, j.Begin(bg, purchase("sale-42", "t", 4250)))
	must(t, j.Finish(bg, "sale-42", Outcome{State: StateUnknown, Err: errors.New("eof")}))
	must(t, j.Note(bg, "sale-42", RefAskBank, "the receipt belongs to sale-41"))
	must(t, j.Begin(bg, purchase("sale-43", "t", 100)))
	res := approved("r43", 100)
	res.Receipt = "СУМА 1.00 ГРН"
	must(t, j.Finish(bg, "sale-43", Outcome{State: StateApproved, Result: res}))
	out, err := exec.Command(bin, "-readonly", path, queries[0]).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "sale-42|t|unknown|42.5||") || !strings.Contains(string(out), "belongs to sale-41") {
		t.Fatalf("first example: %v\n%s", err, out)
	}
	q := strings.Replace(queries[1], "sale-42", "sale-43", 1)
	out, err = exec.Command(bin, "-readonly", path, q).CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "СУМА 1.00 ГРН" {
		t.Fatalf("second example: %v\n%s", err, out)
	}
}
