package journal

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/uapos/uapos/payment"
)

// A kit opens one kind of store for the conformance suite.
type kit struct {
	name string
	// open returns an empty store and a function that opens another handle on the same
	// store (another process, or this one after a restart).
	open func(t *testing.T) (Journal, func() Journal)
	// dump returns every byte the store keeps, for the card-number checks.
	dump func(t *testing.T, j Journal) []byte
	// liveOwner returns the owner name of a handle that is alive elsewhere (another process).
	liveOwner func(t *testing.T, reopen func() Journal) string
	// bounded stores enforce MaxRecord.
	bounded bool
	// corrupt changes one byte of an entry's stored JSON behind the store's back (nil: the
	// store has no stored form).
	corrupt func(t *testing.T, j Journal, id string)
}

// forger writes an intent in another owner's name (each store of this package is one).
type forger interface {
	beginOwned(ctx context.Context, e Entry, owner string) error
}

// deadOwner names a handle of a process that does not exist on this host (no pid is that high).
var deadOwner = hostName + "/2147483646/00000000deadbeef"

// otherProcessOwner names a handle of a live process on this host: the test's parent.
func otherProcessOwner(*testing.T, func() Journal) string {
	return hostName + "/" + strconv.Itoa(os.Getppid()) + "/00000000cafebabe"
}

func memoryKit(*testing.T) kit {
	return kit{
		name: "memory",
		open: func(t *testing.T) (Journal, func() Journal) {
			m := NewMemory()
			cur := m
			t.Cleanup(func() { cur.Close() })
			return m, func() Journal { cur = cur.Reopen(); return cur }
		},
		dump: func(t *testing.T, j Journal) []byte {
			es, err := j.Query(context.Background(), Query{})
			if err != nil {
				t.Fatal(err)
			}
			b, _ := json.Marshal(es)
			return b
		},
		liveOwner: otherProcessOwner,
	}
}

// handles opens a first handle with open and returns it with open itself (for more handles),
// each closed when the test ends.
func handles(t *testing.T, open func() (Journal, error)) (Journal, func() Journal) {
	next := func() Journal {
		j, err := open()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { j.Close() })
		return j
	}
	return next(), next
}

func sqliteKit(*testing.T) kit {
	return kit{
		name: "sqlite",
		open: func(t *testing.T) (Journal, func() Journal) {
			path := filepath.Join(t.TempDir(), "journal.db")
			return handles(t, func() (Journal, error) { return OpenSQLite(path) })
		},
		dump: func(t *testing.T, j Journal) []byte {
			s := j.(*SQLite)
			var all []byte
			files, _ := filepath.Glob(s.Path() + "*")
			for _, f := range files {
				b, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				all = append(all, b...)
			}
			if len(files) == 0 {
				t.Fatal("no database files")
			}
			return all
		},
		liveOwner: otherProcessOwner,
		bounded:   true,
		corrupt:   func(t *testing.T, j Journal, id string) { corruptRow(t, j.(*SQLite).Path(), id) },
	}
}

// TestConformance runs every case against every store.
func TestConformance(t *testing.T) {
	cases := []struct {
		name string
		f    func(t *testing.T, k kit)
	}{
		{"Begin", conformBegin},
		{"NoteFinishClaims", conformNoteFinishClaims},
		{"Pending", conformPending},
		{"LastQuery", conformLastQuery},
		{"Prune", conformPrune},
		{"NoCardNumbers", conformNoCardNumbers},
		{"LargeReceipt", conformLargeReceipt},
		{"Corrupt", conformCorrupt},
		{"TwoHandles", conformTwoHandles},
	}
	for _, s := range []struct {
		name string
		kit  func(t *testing.T) kit
	}{{"memory", memoryKit}, {"sqlite", sqliteKit}, {"postgres", postgresKit}} {
		t.Run(s.name, func(t *testing.T) {
			k := s.kit(t)
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) { c.f(t, k) })
			}
		})
	}
}

var bg = context.Background()

func purchase(id, terminal string, amount payment.Amount) Entry {
	return Entry{TransactionID: id, Terminal: terminal, Operation: payment.OpPurchase,
		Request: payment.Request{TransactionID: id, Amount: amount}}
}

func approved(rrn string, amount payment.Amount) *payment.Result {
	return &payment.Result{Operation: payment.OpPurchase, Approved: true, RRN: rrn, Amount: amount, AuthCode: "A1"}
}

func mustGet(t *testing.T, j Journal, id string) Entry {
	t.Helper()
	e, ok, err := j.Get(bg, id)
	if err != nil || !ok {
		t.Fatalf("Get(%q) = %v, %v", id, ok, err)
	}
	return e
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func ids(es []Entry) string {
	var s []string
	for _, e := range es {
		s = append(s, e.TransactionID)
	}
	return strings.Join(s, ",")
}

func conformBegin(t *testing.T, k kit) {
	j, _ := k.open(t)
	if err := j.Begin(bg, Entry{Terminal: "t"}); !errors.Is(err, payment.ErrNoTransactionID) {
		t.Fatalf("no id: %v", err)
	}
	must(t, j.Begin(bg, purchase("a", "t", 5000)))
	if err := j.Begin(bg, purchase("a", "t", 5000)); !errors.Is(err, ErrDuplicateTransaction) {
		t.Fatalf("second Begin of an intent: %v", err)
	}
	first := mustGet(t, j, "a")
	if first.State != StateIntent || first.Fingerprint != Fingerprint("t", payment.OpPurchase, payment.Request{TransactionID: "a", Amount: 5000}) || first.Owner == "" {
		t.Fatalf("intent = %+v", first)
	}
	must(t, j.Begin(bg, purchase("b", "t", 100)))
	// A failed entry is taken over by a retry of the same request only.
	must(t, j.Finish(bg, "a", Outcome{State: StateFailed, Err: &payment.Error{Code: payment.CodeBusy}}))
	if err := j.Begin(bg, purchase("a", "t", 5001)); !errors.Is(err, ErrDuplicateTransaction) {
		t.Fatalf("take-over with another amount: %v", err)
	}
	if err := j.Begin(bg, purchase("a", "other", 5000)); !errors.Is(err, ErrDuplicateTransaction) {
		t.Fatalf("take-over on another terminal: %v", err)
	}
	must(t, j.Begin(bg, purchase("a", "t", 5000)))
	again := mustGet(t, j, "a")
	if again.State != StateIntent || again.ErrorCode != 0 || again.Result != nil || !again.Started.After(first.Started) {
		t.Fatalf("taken over = %+v (first started %v)", again, first.Started)
	}
	if last, _, _ := j.Last(bg, "t"); last.TransactionID != "a" {
		t.Fatalf("Last after take-over = %q, want the retry", last.TransactionID)
	}
	// Approved and declined entries are never taken over.
	must(t, j.Finish(bg, "a", Outcome{State: StateApproved, Result: approved("r1", 5000)}))
	if err := j.Begin(bg, purchase("a", "t", 5000)); !errors.Is(err, ErrDuplicateTransaction) {
		t.Fatalf("Begin over an approval: %v", err)
	}
}

func conformNoteFinishClaims(t *testing.T, k kit) {
	j, _ := k.open(t)
	if err := j.Note(bg, "nope", "k", "v"); !errors.Is(err, ErrNoEntry) {
		t.Fatalf("Note of a missing id: %v", err)
	}
	if err := j.Finish(bg, "nope", Outcome{State: StateFailed}); !errors.Is(err, ErrNoEntry) {
		t.Fatalf("Finish of a missing id: %v", err)
	}
	if _, ok, err := j.Get(bg, "nope"); ok || err != nil {
		t.Fatalf("Get of a missing id: %v %v", ok, err)
	}
	must(t, j.Begin(bg, purchase("a", "t", 5000)))
	must(t, j.Begin(bg, purchase("b", "t", 5000)))
	must(t, j.Note(bg, "a", "POS_TRANS_ID", "77"))
	must(t, j.Note(bg, "a", "sent", "12:00"))
	if e := mustGet(t, j, "a"); e.Refs["POS_TRANS_ID"] != "77" || e.Refs["sent"] != "12:00" {
		t.Fatalf("refs = %v", e.Refs)
	}
	ka := ReceiptKeys("t", approved("r1", 5000))
	must(t, j.Finish(bg, "a", Outcome{State: StateApproved, Result: approved("r1", 5000), Claims: ka}))
	if id, ok, err := j.Claimant(bg, ka[0]); id != "a" || !ok || err != nil {
		t.Fatalf("Claimant = %q %v %v", id, ok, err)
	}
	// b's outcome claims a free key and a's: nothing of it is written.
	other := ReceiptKeys("t", approved("r2", 5000))[0]
	err := j.Finish(bg, "b", Outcome{State: StateApproved, Result: approved("r1", 5000), Claims: []string{other, ka[0]}})
	if !errors.Is(err, ErrClaimed) {
		t.Fatalf("Finish with a held claim: %v", err)
	}
	if e := mustGet(t, j, "b"); e.State != StateIntent || e.Result != nil || len(e.Claims) != 0 {
		t.Fatalf("b after a refused Finish = %+v", e)
	}
	if _, ok, _ := j.Claimant(bg, other); ok {
		t.Fatal("a refused Finish left a claim behind")
	}
	// The holder may finish again with its own claim.
	must(t, j.Finish(bg, "a", Outcome{State: StateApproved, Result: approved("r1", 5000), Claims: ka}))
	if e := mustGet(t, j, "a"); e.State != StateApproved || e.Result.RRN != "r1" || len(e.Claims) != 1 {
		t.Fatalf("a = %+v", e)
	}
	// A decline keeps its error.
	must(t, j.Finish(bg, "b", Outcome{State: StateDeclined, Err: &payment.Error{Code: payment.CodeEMVDecline, ResponseCode: "1002"}}))
	e := mustGet(t, j, "b")
	var pe *payment.Error
	if !errors.As(e.Err(), &pe) || pe.Code != payment.CodeEMVDecline || pe.ResponseCode != "1002" || !errors.Is(e.Err(), payment.ErrDeclined) {
		t.Fatalf("declined entry's error = %v", e.Err())
	}
	if _, ok, _ := j.Claimant(bg, "t|nothing"); ok {
		t.Fatal("Claimant of a free key")
	}
}

func conformPending(t *testing.T, k kit) {
	j, reopen := k.open(t)
	f := j.(forger)
	must(t, j.Begin(bg, purchase("mine", "t", 1)))                 // this live handle's: not returned
	must(t, f.beginOwned(bg, purchase("dead", "t", 2), deadOwner)) // a dead process's
	must(t, j.Begin(bg, purchase("lost", "t", 3)))
	must(t, j.Finish(bg, "lost", Outcome{State: StateUnknown, Err: errors.New("eof")}))
	must(t, j.Begin(bg, purchase("done", "t", 4)))
	must(t, j.Finish(bg, "done", Outcome{State: StateApproved, Result: approved("r", 4)}))
	live := k.liveOwner(t, reopen)
	must(t, f.beginOwned(bg, purchase("elsewhere", "t", 5), live)) // another live process's
	p, err := j.Pending(bg)
	must(t, err)
	if got := ids(p); got != "dead,lost" {
		t.Fatalf("Pending = %s, want dead,lost", got)
	}
	for _, e := range p {
		if e.State != StateUnknown {
			t.Fatalf("pending %s is %s", e.TransactionID, e.State)
		}
	}
	if e := mustGet(t, j, "dead"); e.State != StateUnknown {
		t.Fatalf("the dead owner's intent is %s after Pending, want unknown", e.State)
	}
	if e := mustGet(t, j, "elsewhere"); e.State != StateIntent {
		t.Fatalf("a live owner's intent is %s", e.State)
	}
	// A crash: the handle goes with its intent open.
	must(t, j.Close())
	j2 := reopen()
	p, err = j2.Pending(bg)
	must(t, err)
	if got := ids(p); got != "mine,dead,lost" {
		t.Fatalf("Pending after the writer closed = %s, want mine,dead,lost", got)
	}
}

func conformLastQuery(t *testing.T, k kit) {
	j, _ := k.open(t)
	if _, ok, err := j.Last(bg, "t"); ok || err != nil {
		t.Fatalf("Last of an empty journal: %v %v", ok, err)
	}
	var started []time.Time
	for i, amt := range []payment.Amount{5000, 100, 5000, 700, 5000} {
		id := "q" + strconv.Itoa(i)
		term := "t"
		if i == 3 {
			term = "u"
		}
		must(t, j.Begin(bg, purchase(id, term, amt)))
		started = append(started, mustGet(t, j, id).Started)
		if i%2 == 0 {
			res := approved("rrn"+strconv.Itoa(i), amt)
			must(t, j.Finish(bg, id, Outcome{State: StateApproved, Result: res, Claims: ReceiptKeys(term, res)}))
		}
	}
	if last, ok, err := j.Last(bg, "t"); !ok || err != nil || last.TransactionID != "q4" {
		t.Fatalf("Last(t) = %q %v %v", last.TransactionID, ok, err)
	}
	if last, _, _ := j.Last(bg, "u"); last.TransactionID != "q3" {
		t.Fatalf("Last(u) = %q", last.TransactionID)
	}
	for _, c := range []struct {
		q    Query
		want string
	}{
		{Query{}, "q4,q3,q2,q1,q0"},
		{Query{TransactionID: "q2"}, "q2"},
		{Query{RRN: "rrn2"}, "q2"},
		{Query{Amount: 5000}, "q4,q2,q0"},
		{Query{Amount: 5000, Limit: 2}, "q4,q2"},
		{Query{Terminal: "u"}, "q3"},
		{Query{From: started[1], To: started[3]}, "q2,q1"},
		{Query{From: started[3]}, "q4,q3"},
		{Query{To: started[1]}, "q0"},
		{Query{States: []State{StateIntent}}, "q3,q1"},
		{Query{States: []State{StateIntent, StateApproved}, Terminal: "t", Amount: 100}, "q1"},
		{Query{RRN: "none"}, ""},
	} {
		got, err := j.Query(bg, c.q)
		must(t, err)
		if ids(got) != c.want {
			t.Errorf("Query(%+v) = %s, want %s", c.q, ids(got), c.want)
		}
	}
}

func conformPrune(t *testing.T, k kit) {
	j, _ := k.open(t)
	res := approved("r1", 1)
	keys := ReceiptKeys("t", res)
	for _, c := range []struct {
		id string
		o  *Outcome
	}{
		{"ok", &Outcome{State: StateApproved, Result: res, Claims: keys}},
		{"no", &Outcome{State: StateDeclined, Err: &payment.Error{Code: payment.CodeEMVDecline}}},
		{"busy", &Outcome{State: StateFailed, Err: &payment.Error{Code: payment.CodeBusy}}},
		{"lost", &Outcome{State: StateUnknown, Err: errors.New("eof")}},
		{"running", nil},
	} {
		must(t, j.Begin(bg, purchase(c.id, "t", 1)))
		if c.o != nil {
			must(t, j.Finish(bg, c.id, *c.o))
		}
	}
	defer func(b int) { pruneBatch = b }(pruneBatch)
	pruneBatch = 2 // several transactions
	if n, err := j.Prune(bg, time.Now().Add(-time.Hour)); n != 0 || err != nil {
		t.Fatalf("Prune of nothing old = %d, %v", n, err)
	}
	n, err := j.Prune(bg, time.Now().Add(time.Hour))
	if n != 3 || err != nil {
		t.Fatalf("Prune = %d, %v; want 3", n, err)
	}
	all, _ := j.Query(bg, Query{})
	if ids(all) != "running,lost" {
		t.Fatalf("after Prune: %s", ids(all))
	}
	if _, ok, _ := j.Claimant(bg, keys[0]); ok {
		t.Fatal("a pruned entry's claim is still held")
	}
}

// A full test card number, built at run time so that it appears in no source file.
func fullTestPAN() string { return "4731" + "00000000" + "9838" }

func conformNoCardNumbers(t *testing.T, k kit) {
	j, _ := k.open(t)
	pan := fullTestPAN()
	e := purchase("p", "t", 100)
	e.Request.Extra = map[string]string{"track": "card " + pan + " read"}
	must(t, j.Begin(bg, e))
	must(t, j.Note(bg, "p", "card", pan))
	res := approved("r1", 100)
	res.PAN = payment.MaskedPAN(pan) // as a careless adapter might set it
	res.Receipt = "КАРТКА " + pan + "\nСУМА 1.00"
	res.Raw = map[string]string{"pan": pan}
	must(t, j.Finish(bg, "p", Outcome{State: StateApproved, Result: res, Claims: ReceiptKeys("t", res)}))
	must(t, j.Begin(bg, purchase("q", "t", 100)))
	must(t, j.Finish(bg, "q", Outcome{State: StateDeclined, Err: &payment.Error{Code: payment.CodeEMVDecline, DeviceText: "card " + pan}}))
	got := mustGet(t, j, "p")
	if string(got.Result.PAN) != "473100XXXXXX9838" {
		t.Fatalf("stored PAN = %s", got.Result.PAN)
	}
	raw := k.dump(t, j)
	if bytes.Contains(raw, []byte(pan)) {
		t.Fatal("a full card number reached the store")
	}
	if !bytes.Contains(raw, []byte("473100XXXXXX9838")) {
		t.Fatal("the dump does not hold the masked number: it does not show the stored records")
	}
}

func conformLargeReceipt(t *testing.T, k kit) {
	if !k.bounded {
		t.Skip("the memory store has no record bound")
	}
	j, reopen := k.open(t)
	must(t, j.Begin(bg, purchase("big", "t", 100)))
	must(t, j.Begin(bg, purchase("small", "t", 100)))
	res := approved("r1", 100)
	line := strings.Repeat("ПІДСУМОК 0123456789 ", 3) + "\n"
	res.Receipt = strings.Repeat(line, MaxRecord/len(line)+1)
	must(t, j.Finish(bg, "big", Outcome{State: StateApproved, Result: res, Claims: ReceiptKeys("t", res)}))
	e := mustGet(t, j, "big")
	if e.State != StateApproved || e.Result.RRN != "r1" {
		t.Fatalf("big entry = %s %+v", e.State, e.Result)
	}
	if !strings.Contains(e.Result.Receipt[len(e.Result.Receipt)-200:], "receipt cut") || !strings.HasPrefix(e.Result.Receipt, line) {
		t.Fatalf("the cut receipt does not say so: ...%q", e.Result.Receipt[len(e.Result.Receipt)-120:])
	}
	if b, _ := json.Marshal(e); len(b) > MaxRecord {
		t.Fatalf("stored record is %d bytes", len(b))
	}
	must(t, j.Close())
	j2 := reopen()
	if e := mustGet(t, j2, "big"); e.State != StateApproved || !strings.Contains(e.Result.Receipt, "receipt cut") {
		t.Fatalf("after reopen: %s", e.State)
	}
	must(t, j2.Finish(bg, "small", Outcome{State: StateApproved, Result: approved("r2", 100)}))
}

func conformCorrupt(t *testing.T, k kit) {
	if k.corrupt == nil {
		t.Skip("nothing stored to corrupt")
	}
	j, reopen := k.open(t)
	for _, id := range []string{"a", "b", "c"} {
		must(t, j.Begin(bg, purchase(id, "t", 100)))
		must(t, j.Finish(bg, id, Outcome{State: StateUnknown, Err: errors.New("eof")}))
	}
	must(t, j.Finish(bg, "c", Outcome{State: StateApproved, Result: approved("rc", 100)}))
	k.corrupt(t, j, "b")
	must(t, j.Close())
	j = reopen()
	if _, ok, err := j.Get(bg, "b"); !ok || !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Get of the corrupt entry = %v, %v", ok, err)
	}
	if err := j.Finish(bg, "b", Outcome{State: StateApproved}); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Finish of the corrupt entry = %v", err)
	}
	if err := j.Note(bg, "b", "k", "v"); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Note on the corrupt entry = %v", err)
	}
	if err := j.Begin(bg, purchase("b", "t", 100)); !errors.Is(err, ErrDuplicateTransaction) {
		t.Fatalf("Begin over the corrupt entry = %v", err)
	}
	all, err := j.Query(bg, Query{})
	must(t, err)
	if ids(all) != "c,a" {
		t.Fatalf("Query = %s, want c,a", ids(all))
	}
	if last, _, err := j.Last(bg, "t"); err != nil || last.TransactionID != "c" {
		t.Fatalf("Last = %q, %v", last.TransactionID, err)
	}
	p, err := j.Pending(bg)
	must(t, err)
	if ids(p) != "a" {
		t.Fatalf("Pending = %s, want a (the corrupt one skipped)", ids(p))
	}
	if e := mustGet(t, j, "a"); e.State != StateUnknown {
		t.Fatalf("a = %s", e.State)
	}
}

// Two handles on one store (two processes) race for one id and for one receipt.
func conformTwoHandles(t *testing.T, k kit) {
	if k.name == "memory" {
		t.Skip("one handle per memory store")
	}
	j1, reopen := k.open(t)
	j2 := reopen()
	for round := range 20 {
		id := "race-" + strconv.Itoa(round)
		errs := make(chan error, 2)
		for _, j := range []Journal{j1, j2} {
			go func() { errs <- j.Begin(bg, purchase(id, "t", 100)) }()
		}
		e1, e2 := <-errs, <-errs
		if (e1 == nil) == (e2 == nil) || !errors.Is(errors.Join(e1, e2), ErrDuplicateTransaction) {
			t.Fatalf("round %d: Begins = %v, %v; want one success and one duplicate", round, e1, e2)
		}
	}
	for round := range 10 {
		a, b := "claim-a"+strconv.Itoa(round), "claim-b"+strconv.Itoa(round)
		must(t, j1.Begin(bg, purchase(a, "t", 100)))
		must(t, j2.Begin(bg, purchase(b, "t", 100)))
		r := approved("shared-"+strconv.Itoa(round), 100)
		keys := ReceiptKeys("t", r)
		errs := make(chan error, 2)
		go func() { errs <- j1.Finish(bg, a, Outcome{State: StateApproved, Result: r, Claims: keys}) }()
		go func() { errs <- j2.Finish(bg, b, Outcome{State: StateApproved, Result: r, Claims: keys}) }()
		e1, e2 := <-errs, <-errs
		if (e1 == nil) == (e2 == nil) || !errors.Is(errors.Join(e1, e2), ErrClaimed) {
			t.Fatalf("round %d: Finishes = %v, %v; want one success and one ErrClaimed", round, e1, e2)
		}
		holder, _, _ := j1.Claimant(bg, keys[0])
		loser := a
		if holder == a {
			loser = b
		}
		if e := mustGet(t, j1, holder); e.State != StateApproved {
			t.Fatalf("the holder %s is %s", holder, e.State)
		}
		if e := mustGet(t, j2, loser); e.State != StateIntent {
			t.Fatalf("the loser %s is %s", loser, e.State)
		}
	}
}
