package journal

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"time"

	"github.com/uapos/uapos/payment"
)

// OldJournalFileName is the file name of the journal that uapos kept before this package: an
// append-only file of JSON lines, one record a line.
const OldJournalFileName = "uapos-journal.jsonl"

// ImportStats is what [ImportJSONL] found and did.
type ImportStats struct {
	// Records is the number of well-formed records read.
	Records int
	// Entries is the number of entries written to the journal; Unknown of them were begun and
	// never finished, and are imported as unknown outcomes.
	Entries, Unknown int
	// Existing is the number of entries not written because their id is already in the journal.
	Existing int
	// Orphans is the number of note and finish records of an id that was never begun.
	Orphans int
	// Corrupt lists the lines that do not decode, by byte offset. They are skipped.
	Corrupt []CorruptLine
	// TornTail is true when the file ends inside a record (a crash while writing it).
	TornTail bool
}

// CorruptLine is a line of an old journal that does not decode.
type CorruptLine struct {
	Offset int64 // of the line's first byte
	Err    error
}

// jsonlRecord is one line of the old journal:
//
//	{"rec":"begin","time":...,"entry":{...}}
//	{"rec":"note","time":...,"id":"...","key":"...","value":"..."}
//	{"rec":"finish","time":...,"id":"...","state":"approved","result":{...},"error_code":0,...}
type jsonlRecord struct {
	Rec          string          `json:"rec"`
	Time         time.Time       `json:"time"`
	Entry        *Entry          `json:"entry,omitempty"`
	ID           string          `json:"id,omitempty"`
	Key          string          `json:"key,omitempty"`
	Value        string          `json:"value,omitempty"`
	State        State           `json:"state,omitempty"`
	Result       *payment.Result `json:"result,omitempty"`
	ErrorCode    int             `json:"error_code,omitempty"`
	ErrorText    string          `json:"error_text,omitempty"`
	ErrorKind    string          `json:"error_kind,omitempty"`
	ResponseCode string          `json:"response_code,omitempty"`
	DeviceText   string          `json:"device_text,omitempty"`
}

// errBadRecord is wrapped by every error of decodeJSONLRecord.
var errBadRecord = errors.New("journal: bad record in the old journal")

func validState(s State) bool {
	switch s {
	case StateIntent, StateApproved, StateDeclined, StateFailed, StateUnknown:
		return true
	}
	return false
}

// decodeJSONLRecord decodes and checks one line of the old journal (without its newline).
func decodeJSONLRecord(line []byte) (jsonlRecord, error) {
	var r jsonlRecord
	if len(line) > MaxRecord {
		return r, fmt.Errorf("%w: %d bytes, over the %d limit", errBadRecord, len(line), MaxRecord)
	}
	if err := json.Unmarshal(line, &r); err != nil {
		return jsonlRecord{}, fmt.Errorf("%w: %v", errBadRecord, err)
	}
	switch r.Rec {
	case "begin":
		if r.Entry == nil || r.Entry.TransactionID == "" {
			return jsonlRecord{}, fmt.Errorf("%w: begin without an entry id", errBadRecord)
		}
		if r.Entry.State != "" && !validState(r.Entry.State) {
			return jsonlRecord{}, fmt.Errorf("%w: state %q", errBadRecord, r.Entry.State)
		}
	case "note", "finish":
		if r.ID == "" {
			return jsonlRecord{}, fmt.Errorf("%w: %s without an id", errBadRecord, r.Rec)
		}
		if r.Rec == "finish" && !validState(r.State) {
			return jsonlRecord{}, fmt.Errorf("%w: state %q", errBadRecord, r.State)
		}
	default:
		return jsonlRecord{}, fmt.Errorf("%w: record type %q", errBadRecord, r.Rec)
	}
	return r, nil
}

// ImportJSONL reads an old journal file (uapos-journal.jsonl, as the JSON-lines journal
// wrote it) and writes its entries to dst: state, references, outcome and times kept when dst
// is a [Loader] (every store of this package is; the entries go in one transaction), and
// through Begin, Note and Finish otherwise (then the times are the import's). An entry begun
// and never finished is imported as unknown. Corrupt lines are skipped and listed with their
// offsets, a torn last line is noted, ids already in dst are left as they are; none of these
// stops the import. Card numbers are masked on the way.
func ImportJSONL(ctx context.Context, path string, dst Journal) (ImportStats, error) {
	var st ImportStats
	f, err := os.Open(path)
	if err != nil {
		return st, fmt.Errorf("journal: import: %w", err)
	}
	defer f.Close()
	entries := map[string]*Entry{}
	var order []string
	rd := bufio.NewReaderSize(f, 64<<10)
	var off int64
	for {
		if err := ctx.Err(); err != nil {
			return st, err
		}
		line, n, complete, err := readLine(rd)
		if err != nil {
			return st, fmt.Errorf("journal: import %s: %w", path, err)
		}
		if n == 0 {
			break
		}
		start := off
		off += n
		if line == nil && !complete {
			st.TornTail = true
			break
		}
		if line == nil {
			st.Corrupt = append(st.Corrupt, CorruptLine{start, fmt.Errorf("%w: over %d bytes", errBadRecord, MaxRecord)})
			continue
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		r, err := decodeJSONLRecord(line)
		if err != nil {
			if !complete {
				st.TornTail = true
				break
			}
			st.Corrupt = append(st.Corrupt, CorruptLine{start, err})
			continue
		}
		st.Records++
		switch r.Rec {
		case "begin":
			if _, dup := entries[r.Entry.TransactionID]; dup {
				continue // the old journal refused a second begin too
			}
			e := *r.Entry
			if e.State == "" {
				e.State = StateIntent
			}
			if e.Started.IsZero() {
				e.Started = r.Time
			}
			if e.Updated.IsZero() {
				e.Updated = e.Started
			}
			e.Owner, e.Claims = "", nil
			entries[e.TransactionID] = &e
			order = append(order, e.TransactionID)
		case "note":
			e, ok := entries[r.ID]
			if !ok {
				st.Orphans++
				continue
			}
			e.Refs = withRef(e.Refs, r.Key, r.Value)
			e.Updated = r.Time
		case "finish":
			e, ok := entries[r.ID]
			if !ok {
				st.Orphans++
				continue
			}
			e.State, e.Result = r.State, r.Result
			e.ErrorCode, e.ErrorText, e.ErrorKind, e.ResponseCode, e.DeviceText = r.ErrorCode, r.ErrorText, r.ErrorKind, r.ResponseCode, r.DeviceText
			e.Updated = r.Time
		}
	}
	list := make([]Entry, 0, len(order))
	for _, id := range order {
		e := entries[id]
		if e.State.Pending() {
			if e.State == StateIntent {
				e.State = StateUnknown
			}
			st.Unknown++
		}
		if e.State.Final() {
			e.Claims = ReceiptKeys(e.Terminal, e.Result)
		}
		list = append(list, *e)
	}
	if l, ok := dst.(Loader); ok {
		n, err := l.Load(ctx, slices.Values(list))
		if err != nil {
			return st, err
		}
		st.Entries, st.Existing = n, len(list)-n
		return st, nil
	}
	for _, e := range list {
		if err := importOne(ctx, dst, e); err != nil {
			if errors.Is(err, ErrDuplicateTransaction) {
				st.Existing++
				continue
			}
			return st, err
		}
		st.Entries++
	}
	return st, nil
}

// importOne writes an old entry to a journal that is not a [Loader].
func importOne(ctx context.Context, dst Journal, e Entry) error {
	want := e.State
	e.State = StateIntent
	if err := dst.Begin(ctx, e); err != nil {
		return err
	}
	for k, v := range e.Refs {
		if err := dst.Note(ctx, e.TransactionID, k, v); err != nil {
			return err
		}
	}
	err := dst.Finish(ctx, e.TransactionID, Outcome{State: want, Result: e.Result, Err: e.Err(), Claims: e.Claims})
	if errors.Is(err, ErrClaimed) {
		err = dst.Finish(ctx, e.TransactionID, Outcome{State: want, Result: e.Result, Err: e.Err()})
	}
	return err
}

// readLine reads one line of at most MaxRecord bytes (without its newline) and the bytes it
// took from r. A longer line is consumed and returned as nil; complete is false when the file
// ended before a newline. n is 0 at the end of the file.
func readLine(r *bufio.Reader) (line []byte, n int64, complete bool, err error) {
	var buf []byte
	tooLong := false
	for {
		chunk, err := r.ReadSlice('\n')
		n += int64(len(chunk))
		if !tooLong {
			if len(buf)+len(chunk) > MaxRecord+1 {
				tooLong, buf = true, nil
			} else {
				buf = append(buf, chunk...)
			}
		}
		switch {
		case err == nil:
			if tooLong {
				return nil, n, true, nil
			}
			return buf[:len(buf)-1], n, true, nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF):
			if tooLong {
				return nil, n, false, nil
			}
			return buf, n, false, nil
		default:
			return nil, n, false, err
		}
	}
}
