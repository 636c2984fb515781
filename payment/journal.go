package payment

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"
)

// State is where a journaled operation stands.
type State string

// The states of a journal entry.
const (
	// StateIntent: the intent is written and the exchange runs (or the process died during it).
	StateIntent State = "intent"
	// StateApproved: the host approved; the money moved.
	StateApproved State = "approved"
	// StateDeclined: the host or the card refused; no money moved.
	StateDeclined State = "declined"
	// StateFailed: the operation definitely did not happen (busy, refused before the wire,
	// cancelled on the terminal); a retry may run it anew.
	StateFailed State = "failed"
	// StateUnknown: the request may have reached the terminal but no outcome came back.
	StateUnknown State = "unknown"
)

// Final reports whether the state is an outcome that a retry must return rather than redo.
func (s State) Final() bool { return s == StateApproved || s == StateDeclined }

// Entry is one money-moving operation in a [Journal].
type Entry struct {
	TransactionID string    `json:"transaction_id"`
	Terminal      string    `json:"terminal"`
	Operation     Operation `json:"operation"`
	Request       Request   `json:"request"`
	State         State     `json:"state"`
	// Refs are protocol references noted during the exchange (POSAPI's POS_TRANS_ID, the
	// terminal's invoice, the time the request was sent), by the protocol's own names.
	Refs map[string]string `json:"refs,omitempty"`
	// Result is the outcome, card number masked, when there is one.
	Result *Result `json:"result,omitempty"`
	// ErrorCode, ErrorText, ResponseCode and DeviceText describe a failed or declined outcome.
	ErrorCode int    `json:"error_code,omitempty"`
	ErrorText string `json:"error_text,omitempty"`
	// ErrorKind is the error's kind ("declined", "device busy"...: the Err* texts), kept so a
	// replayed outcome matches the same errors.Is checks as the original.
	ErrorKind    string    `json:"error_kind,omitempty"`
	ResponseCode string    `json:"response_code,omitempty"`
	DeviceText   string    `json:"device_text,omitempty"`
	Started      time.Time `json:"started"`
	Updated      time.Time `json:"updated"`
}

// Err rebuilds the error of a declined or failed entry, or returns nil.
func (e Entry) Err() error {
	if e.ErrorCode == 0 {
		return nil
	}
	return &Error{Code: e.ErrorCode, Kind: kindByName(e.ErrorKind), ResponseCode: e.ResponseCode, DeviceText: e.DeviceText}
}

// kindByName maps a kind's text back to the kind; unknown or empty gives nil (the code's kind).
func kindByName(name string) error {
	for _, k := range []error{ErrDeclined, ErrCancelled, ErrBusy, ErrTimeout, ErrLink, ErrNotSupported, ErrProtocol, ErrDevice, ErrNotFound} {
		if k.Error() == name {
			return k
		}
	}
	return nil
}

// Journal is a durable record of money-moving operations keyed by the caller's transaction id.
// Every method returns only after the record is durable. [OpenFileJournal] is the default; an
// app can implement Journal over its own database.
type Journal interface {
	// Begin records the intent of e before the wire exchange. It fails when the id exists.
	Begin(e Entry) error
	// Note attaches a protocol reference to a running entry (for example POSAPI's
	// POS_TRANS_ID as soon as the terminal sends it).
	Note(id, key, value string) error
	// Finish records the outcome. res and err may be nil.
	Finish(id string, state State, res *Result, err error) error
	// Get returns the entry with the id.
	Get(id string) (Entry, bool, error)
	// Pending returns the entries with no known outcome (intent or unknown), oldest first.
	// After a reopen, an entry whose outcome was never written is returned as unknown.
	Pending() ([]Entry, error)
	// Last returns the newest entry of a terminal.
	Last(terminal string) (Entry, bool, error)
}

// ErrDuplicateTransaction is returned by [Journal.Begin] when the id is already recorded.
var ErrDuplicateTransaction = errors.New("payment: transaction id already in the journal")

// ErrNoEntry is returned by Note and Finish for an id that was never begun.
var ErrNoEntry = errors.New("payment: no journal entry with that transaction id")

// memJournal is the in-memory state shared by both journals.
type memJournal struct {
	mu      sync.Mutex
	entries map[string]*Entry
	order   []string
	// pending indexes the entries with no outcome by their position in order, so Pending
	// (which a Ledger calls before every operation) costs what is pending, not the history.
	pending map[string]int
	now     func() time.Time
}

// NewMemoryJournal returns a Journal that lives in memory only: for tests and for callers
// that accept losing it with the process.
func NewMemoryJournal() Journal { return newMem() }

func newMem() *memJournal {
	return &memJournal{entries: map[string]*Entry{}, pending: map[string]int{}, now: time.Now}
}

func (m *memJournal) begin(e Entry) error {
	if e.TransactionID == "" {
		return ErrNoTransactionID
	}
	if _, ok := m.entries[e.TransactionID]; ok {
		return fmt.Errorf("%w: %q", ErrDuplicateTransaction, e.TransactionID)
	}
	e.Request.Events = nil
	if e.State == "" {
		e.State = StateIntent
	}
	c := e
	m.entries[e.TransactionID] = &c
	m.order = append(m.order, e.TransactionID)
	m.track(&c, len(m.order)-1)
	return nil
}

func (m *memJournal) note(id, key, value string, at time.Time) error {
	e, ok := m.entries[id]
	if !ok {
		return fmt.Errorf("%w: %q", ErrNoEntry, id)
	}
	if e.Refs == nil {
		e.Refs = map[string]string{}
	}
	e.Refs[key] = RedactPANs(value)
	e.Updated = at
	return nil
}

func (m *memJournal) finish(id string, state State, res *Result, f failure, at time.Time) error {
	e, ok := m.entries[id]
	if !ok {
		return fmt.Errorf("%w: %q", ErrNoEntry, id)
	}
	e.State = state
	e.Result = res
	e.ErrorCode, e.ErrorText, e.ErrorKind, e.ResponseCode, e.DeviceText = f.code, f.text, f.kind, f.rc, f.devt
	e.Updated = at
	pos, ok := m.pending[id]
	if !ok {
		pos = m.position(id)
	}
	m.track(e, pos)
	return nil
}

// track keeps e in the pending index while it has no outcome.
func (m *memJournal) track(e *Entry, pos int) {
	if e.State == StateIntent || e.State == StateUnknown {
		m.pending[e.TransactionID] = pos
	} else {
		delete(m.pending, e.TransactionID)
	}
}

// position finds id in order (only for an entry that leaves the final states again).
func (m *memJournal) position(id string) int {
	for i := len(m.order) - 1; i >= 0; i-- {
		if m.order[i] == id {
			return i
		}
	}
	return len(m.order)
}

func (m *memJournal) Begin(e Entry) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	e.Started, e.Updated = now, now
	return m.begin(redactEntry(e))
}

func (m *memJournal) Note(id, key, value string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.note(id, key, value, m.now())
}

func (m *memJournal) Finish(id string, state State, res *Result, err error) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.finish(id, state, redactResult(res), describeErr(err), m.now())
}

func (m *memJournal) Get(id string) (Entry, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.entries[id]
	if !ok {
		return Entry{}, false, nil
	}
	return copyEntry(e), true, nil
}

func (m *memJournal) Pending() ([]Entry, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	ids := make([]string, 0, len(m.pending))
	for id := range m.pending {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(a, b int) bool { return m.pending[ids[a]] < m.pending[ids[b]] })
	out := make([]Entry, 0, len(ids))
	for _, id := range ids {
		out = append(out, copyEntry(m.entries[id]))
	}
	return out, nil
}

func (m *memJournal) Last(terminal string) (Entry, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i := len(m.order) - 1; i >= 0; i-- {
		if e := m.entries[m.order[i]]; e.Terminal == terminal {
			return copyEntry(e), true, nil
		}
	}
	return Entry{}, false, nil
}

func copyEntry(e *Entry) Entry {
	c := *e
	if e.Refs != nil {
		c.Refs = make(map[string]string, len(e.Refs))
		for k, v := range e.Refs {
			c.Refs[k] = v
		}
	}
	if e.Result != nil {
		r := *e.Result
		c.Result = &r
	}
	return c
}

// failure is what a journal keeps of an error.
type failure struct {
	code                 int
	text, kind, rc, devt string
}

func describeErr(err error) failure {
	if err == nil {
		return failure{}
	}
	var pe *Error
	if errors.As(err, &pe) {
		return failure{pe.Code, pe.Error(), pe.kind().Error(), pe.ResponseCode, RedactPANs(pe.DeviceText)}
	}
	return failure{CodeInternal, RedactPANs(err.Error()), "", "", ""}
}

func redactResult(r *Result) *Result {
	if r == nil {
		return nil
	}
	c := *r
	c.PAN = MaskPAN(string(r.PAN))
	c.Receipt = RedactPANs(r.Receipt)
	c.ResponseText = RedactPANs(r.ResponseText)
	if r.Raw != nil {
		c.Raw = make(map[string]string, len(r.Raw))
		for k, v := range r.Raw {
			c.Raw[k] = RedactPANs(v)
		}
	}
	return &c
}

func redactEntry(e Entry) Entry {
	if e.Request.Extra != nil {
		x := make(map[string]string, len(e.Request.Extra))
		for k, v := range e.Request.Extra {
			x[k] = RedactPANs(v)
		}
		e.Request.Extra = x
	}
	e.Result = redactResult(e.Result)
	return e
}

// FileJournal is the default [Journal]: an append-only file of JSON lines, one record per
// line, each written and fsynced before the call returns. Records are:
//
//	{"rec":"begin","time":...,"entry":{...}}
//	{"rec":"note","time":...,"id":"...","key":"...","value":"..."}
//	{"rec":"finish","time":...,"id":"...","state":"approved","result":{...},"error_code":0,...}
//
// Opening replays the file; an entry begun but never finished comes back as unknown, and a
// torn last line (a crash in the middle of a write) is ignored. One process at a time may
// hold a journal file open.
type FileJournal struct {
	mem  *memJournal
	f    *os.File
	path string
}

var _ Journal = (*FileJournal)(nil)

type record struct {
	Rec          string    `json:"rec"`
	Time         time.Time `json:"time"`
	Entry        *Entry    `json:"entry,omitempty"`
	ID           string    `json:"id,omitempty"`
	Key          string    `json:"key,omitempty"`
	Value        string    `json:"value,omitempty"`
	State        State     `json:"state,omitempty"`
	Result       *Result   `json:"result,omitempty"`
	ErrorCode    int       `json:"error_code,omitempty"`
	ErrorText    string    `json:"error_text,omitempty"`
	ErrorKind    string    `json:"error_kind,omitempty"`
	ResponseCode string    `json:"response_code,omitempty"`
	DeviceText   string    `json:"device_text,omitempty"`
}

// JournalFileName is the name of the journal file inside the directory given to OpenFileJournal.
const JournalFileName = "uapos-journal.jsonl"

// maxJournalLine bounds one record when reading a journal back.
const maxJournalLine = 1 << 20

// OpenFileJournal opens (creating if needed) the journal in dir.
func OpenFileJournal(dir string) (*FileJournal, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("payment: journal: %w", err)
	}
	path := filepath.Join(dir, JournalFileName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("payment: journal: %w", err)
	}
	j := &FileJournal{mem: newMem(), f: f, path: path}
	if err := j.replay(); err != nil {
		f.Close()
		return nil, err
	}
	return j, nil
}

func (j *FileJournal) replay() error {
	data, err := os.ReadFile(j.path)
	if err != nil {
		return fmt.Errorf("payment: journal: %w", err)
	}
	good := 0 // length of the well-formed prefix
	for off := 0; off < len(data); {
		nl := bytes.IndexByte(data[off:], '\n')
		if nl < 0 {
			break // torn last line
		}
		line := data[off : off+nl]
		off += nl + 1
		if len(bytes.TrimSpace(line)) == 0 {
			good = off
			continue
		}
		var r record
		if len(line) > maxJournalLine || json.Unmarshal(line, &r) != nil {
			return fmt.Errorf("payment: journal %s: bad record at byte %d", j.path, good)
		}
		j.apply(r)
		good = off
	}
	if good < len(data) {
		// A crash tore the last record: cut it so new records start on a line of their own.
		if err := j.f.Truncate(int64(good)); err != nil {
			return fmt.Errorf("payment: journal: %w", err)
		}
	}
	for _, e := range j.mem.entries {
		if e.State == StateIntent {
			e.State = StateUnknown
		}
	}
	return nil
}

func (j *FileJournal) apply(r record) {
	switch r.Rec {
	case "begin":
		if r.Entry != nil {
			_ = j.mem.begin(*r.Entry)
		}
	case "note":
		_ = j.mem.note(r.ID, r.Key, r.Value, r.Time)
	case "finish":
		_ = j.mem.finish(r.ID, r.State, r.Result, failure{r.ErrorCode, r.ErrorText, r.ErrorKind, r.ResponseCode, r.DeviceText}, r.Time)
	}
}

func (j *FileJournal) write(r record) error {
	b, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("payment: journal: %w", err)
	}
	b = append(b, '\n')
	if _, err := j.f.Write(b); err != nil {
		return &Error{Code: CodeJournal, Err: err}
	}
	if err := j.f.Sync(); err != nil {
		return &Error{Code: CodeJournal, Err: err}
	}
	return nil
}

// Begin implements Journal.
func (j *FileJournal) Begin(e Entry) error {
	j.mem.mu.Lock()
	defer j.mem.mu.Unlock()
	now := j.mem.now()
	e.Started, e.Updated = now, now
	e.Request.Events = nil
	if e.State == "" {
		e.State = StateIntent
	}
	e = redactEntry(e)
	if e.TransactionID == "" {
		return ErrNoTransactionID
	}
	if _, ok := j.mem.entries[e.TransactionID]; ok {
		return fmt.Errorf("%w: %q", ErrDuplicateTransaction, e.TransactionID)
	}
	if err := j.write(record{Rec: "begin", Time: now, Entry: &e}); err != nil {
		return err
	}
	return j.mem.begin(e)
}

// Note implements Journal.
func (j *FileJournal) Note(id, key, value string) error {
	j.mem.mu.Lock()
	defer j.mem.mu.Unlock()
	if _, ok := j.mem.entries[id]; !ok {
		return fmt.Errorf("%w: %q", ErrNoEntry, id)
	}
	now := j.mem.now()
	value = RedactPANs(value)
	if err := j.write(record{Rec: "note", Time: now, ID: id, Key: key, Value: value}); err != nil {
		return err
	}
	return j.mem.note(id, key, value, now)
}

// Finish implements Journal.
func (j *FileJournal) Finish(id string, state State, res *Result, err error) error {
	j.mem.mu.Lock()
	defer j.mem.mu.Unlock()
	if _, ok := j.mem.entries[id]; !ok {
		return fmt.Errorf("%w: %q", ErrNoEntry, id)
	}
	now := j.mem.now()
	res = redactResult(res)
	f := describeErr(err)
	r := record{Rec: "finish", Time: now, ID: id, State: state, Result: res, ErrorCode: f.code, ErrorText: f.text, ErrorKind: f.kind, ResponseCode: f.rc, DeviceText: f.devt}
	if err := j.write(r); err != nil {
		return err
	}
	return j.mem.finish(id, state, res, f, now)
}

// Get implements Journal.
func (j *FileJournal) Get(id string) (Entry, bool, error) { return j.mem.Get(id) }

// Pending implements Journal.
func (j *FileJournal) Pending() ([]Entry, error) { return j.mem.Pending() }

// Last implements Journal.
func (j *FileJournal) Last(terminal string) (Entry, bool, error) { return j.mem.Last(terminal) }

// Entries returns every entry, oldest first.
func (j *FileJournal) Entries() []Entry {
	j.mem.mu.Lock()
	defer j.mem.mu.Unlock()
	out := make([]Entry, 0, len(j.mem.order))
	for _, id := range j.mem.order {
		out = append(out, copyEntry(j.mem.entries[id]))
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].Started.Before(out[b].Started) })
	return out
}

// Path returns the journal file's path.
func (j *FileJournal) Path() string { return j.path }

// Close closes the file.
func (j *FileJournal) Close() error { return j.f.Close() }
