package journalbench

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/uapos/uapos/journal"
	"github.com/uapos/uapos/payment"
)

// The baseline: the write path of the JSON-lines journal uapos kept before package journal
// (payment.FileJournal), as it was: every record one JSON line, written and fsynced before
// the call returns, with the entries also kept in memory.

type jsonlRecord struct {
	Rec          string          `json:"rec"`
	Time         time.Time       `json:"time"`
	Entry        *journal.Entry  `json:"entry,omitempty"`
	ID           string          `json:"id,omitempty"`
	Key          string          `json:"key,omitempty"`
	Value        string          `json:"value,omitempty"`
	State        journal.State   `json:"state,omitempty"`
	Result       *payment.Result `json:"result,omitempty"`
	ErrorCode    int             `json:"error_code,omitempty"`
	ErrorText    string          `json:"error_text,omitempty"`
	ErrorKind    string          `json:"error_kind,omitempty"`
	ResponseCode string          `json:"response_code,omitempty"`
	DeviceText   string          `json:"device_text,omitempty"`
}

type jsonlJournal struct {
	mu      sync.Mutex
	f       *os.File
	entries map[string]*journal.Entry
}

func openJSONL(dir string) (*jsonlJournal, error) {
	f, err := os.OpenFile(filepath.Join(dir, journal.OldJournalFileName), os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	return &jsonlJournal{f: f, entries: map[string]*journal.Entry{}}, nil
}

func (j *jsonlJournal) write(r jsonlRecord) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	b = append(b, '\n')
	if _, err := j.f.Write(b); err != nil {
		return err
	}
	return j.f.Sync()
}

func (j *jsonlJournal) Begin(e journal.Entry) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	now := time.Now()
	e.Started, e.Updated = now, now
	if e.State == "" {
		e.State = journal.StateIntent
	}
	if _, ok := j.entries[e.TransactionID]; ok {
		return fmt.Errorf("duplicate %q", e.TransactionID)
	}
	if err := j.write(jsonlRecord{Rec: "begin", Time: now, Entry: &e}); err != nil {
		return err
	}
	j.entries[e.TransactionID] = &e
	return nil
}

func (j *jsonlJournal) Finish(id string, state journal.State, res *payment.Result, err error) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	e, ok := j.entries[id]
	if !ok {
		return errors.New("no entry")
	}
	now := time.Now()
	r := jsonlRecord{Rec: "finish", Time: now, ID: id, State: state, Result: res}
	var pe *payment.Error
	if errors.As(err, &pe) {
		r.ErrorCode, r.ErrorText, r.ResponseCode, r.DeviceText = pe.Code, pe.Error(), pe.ResponseCode, pe.DeviceText
	}
	if err := j.write(r); err != nil {
		return err
	}
	e.State, e.Result, e.Updated = state, res, now
	return nil
}

func (j *jsonlJournal) Close() error { return j.f.Close() }
