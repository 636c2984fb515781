package journal

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"iter"
	"log/slog"
	"strconv"
	"time"
	"unicode/utf8"
)

// Options configure a durable store ([OpenSQLite], [OpenPostgres]). The zero value works.
type Options struct {
	// Retention is how long entries with an outcome are kept: opening the store prunes those
	// last updated longer ago ([Journal.Prune]). Zero means [DefaultRetention]; a negative
	// value keeps everything.
	Retention time.Duration
	// Logger receives what the store cannot return to a caller: records skipped by Pending
	// and Query because they fail their checksum, and the count pruned on open. Nil logs
	// nothing.
	Logger *slog.Logger
}

func pickOptions(opts []Options) (Options, error) {
	switch len(opts) {
	case 0:
		return Options{Logger: slog.New(slog.DiscardHandler)}, nil
	case 1:
		o := opts[0]
		if o.Retention == 0 {
			o.Retention = DefaultRetention
		}
		if o.Logger == nil {
			o.Logger = slog.New(slog.DiscardHandler)
		}
		return o, nil
	}
	return Options{}, fmt.Errorf("journal: %d Options given, want at most one", len(opts))
}

func (o Options) retention() time.Duration {
	if o.Retention == 0 {
		return DefaultRetention
	}
	return o.Retention
}

// Loader is a [Journal] that takes entries as they are: state, owner, times, refs and claims
// kept, all in one transaction. [ImportJSONL] and restores use it; the stores of this package
// implement it. An id already in the journal is skipped; a claim another entry holds is not
// taken (the entry gets a "claim_conflict" ref instead). Load returns how many entries it
// wrote.
type Loader interface {
	Load(ctx context.Context, entries iter.Seq[Entry]) (int, error)
}

// RefClaimConflict is the ref a store leaves on an entry whose receipt another entry holds.
const RefClaimConflict = "claim_conflict"

// castagnoli is the CRC-32C table of the stored records' checksums.
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// checksum returns the CRC-32C of a stored record (the entry's JSON).
func checksum(b []byte) uint32 { return crc32.Checksum(b, castagnoli) }

// cutMarker is how a receipt cut by the journal ends.
func cutMarker(kept, total int) string {
	return "\n[journal: receipt cut to " + strconv.Itoa(kept) + " of " + strconv.Itoa(total) + " bytes to fit the record limit]"
}

// encodeEntry returns the stored form of e, its JSON, at most [MaxRecord] bytes. A receipt that
// makes the record larger is cut, with a marker at its end (the money moved: the outcome is
// kept, only the slip text shortened); if that is not enough, the protocol's raw fields go
// too. e is changed to what is stored.
func encodeEntry(e *Entry) ([]byte, error) {
	b, err := json.Marshal(e)
	if err != nil {
		return nil, fmt.Errorf("journal: encode %q: %w", e.TransactionID, err)
	}
	for try := 0; len(b) > MaxRecord && try < 4; try++ {
		if e.Result == nil {
			break
		}
		r := *e.Result
		over := len(b) - MaxRecord
		if r.Receipt == "" || try == 3 {
			if r.Raw == nil {
				break
			}
			r.Raw = nil
			if e.Refs == nil {
				e.Refs = map[string]string{}
			}
			e.Refs["raw_cut"] = "the protocol's raw fields were dropped to fit the record limit"
		} else {
			orig := len(r.Receipt)
			if e.Refs != nil && e.Refs["receipt_bytes"] != "" {
				orig, _ = strconv.Atoi(e.Refs["receipt_bytes"])
			}
			text := r.Receipt
			if i := lastMarker(text); i >= 0 {
				text = text[:i]
			}
			m, _ := json.Marshal(cutMarker(orig, orig))
			keep := len(text) - over - len(m) - 16
			if keep < 0 {
				keep = 0
			}
			for keep > 0 && !utf8.RuneStart(text[keep]) {
				keep--
			}
			r.Receipt = text[:keep] + cutMarker(keep, orig)
			if e.Refs == nil {
				e.Refs = map[string]string{}
			}
			e.Refs["receipt_bytes"] = strconv.Itoa(orig)
		}
		e.Result = &r
		if b, err = json.Marshal(e); err != nil {
			return nil, fmt.Errorf("journal: encode %q: %w", e.TransactionID, err)
		}
	}
	if len(b) > MaxRecord {
		return nil, fmt.Errorf("%w: %q is %d bytes", ErrTooLarge, e.TransactionID, len(b))
	}
	return b, nil
}

// lastMarker finds the journal's cut marker at the end of a receipt, or -1.
func lastMarker(s string) int {
	const head = "\n[journal: receipt cut to "
	for i := len(s) - len(head); i >= 0; i-- {
		if s[i:i+len(head)] == head {
			return i
		}
	}
	return -1
}

// decodeEntry checks a stored record against its checksum and the id and state the row is
// filed under, and decodes it. Any mismatch is [ErrCorrupt]: a record is never half-trusted.
func decodeEntry(id, state string, data []byte, sum uint32) (Entry, error) {
	var e Entry
	switch {
	case len(data) > MaxRecord:
		return e, fmt.Errorf("%w: entry %q is %d bytes, over the %d limit", ErrCorrupt, id, len(data), MaxRecord)
	case checksum(data) != sum:
		return e, fmt.Errorf("%w: entry %q fails its checksum", ErrCorrupt, id)
	}
	if err := json.Unmarshal(data, &e); err != nil {
		return Entry{}, fmt.Errorf("%w: entry %q: %v", ErrCorrupt, id, err)
	}
	if e.TransactionID != id || string(e.State) != state {
		return Entry{}, fmt.Errorf("%w: entry %q is filed as %q/%s but holds %q/%s", ErrCorrupt, id, id, state, e.TransactionID, e.State)
	}
	return e, nil
}

// takeOver turns a failed entry back into an intent for a retry with the same request: this
// handle owns it, the new intent's time is its start (so the ledger's "settled before this
// request" rule and Last see the retry, not the first try), and the old outcome is cleared.
func takeOver(e *Entry, owner string, now time.Time) {
	e.State, e.Owner, e.Started, e.Updated = StateIntent, owner, now, now
	e.Result = nil
	e.ErrorCode, e.ErrorText, e.ErrorKind, e.ResponseCode, e.DeviceText = 0, "", "", "", ""
	delete(e.Refs, RefAskBank)
}

// loadable prepares an entry given to [Loader.Load]: card numbers masked, a fingerprint filled
// in, the times kept.
func loadable(e Entry) (Entry, error) {
	if e.TransactionID == "" {
		return e, fmt.Errorf("journal: load: an entry without a transaction id")
	}
	started, updated, state, owner := e.Started, e.Updated, e.State, e.Owner
	e, err := prepare(e, owner, started)
	if err != nil {
		return e, err
	}
	e.Updated = updated
	if e.Updated.Before(e.Started) {
		e.Updated = e.Started
	}
	if state == "" {
		e.State = StateUnknown
	}
	if e.Refs != nil {
		x := make(map[string]string, len(e.Refs))
		for k, v := range e.Refs {
			x[k] = redactText(v)
		}
		e.Refs = x
	}
	e.ErrorText, e.DeviceText = redactText(e.ErrorText), redactText(e.DeviceText)
	return e, nil
}

func withRef(refs map[string]string, k, v string) map[string]string {
	if refs == nil {
		refs = map[string]string{}
	}
	refs[k] = v
	return refs
}

// loadOne is the part of [Loader.Load] the SQL stores share: it writes e unless its id exists,
// taking the claims no other entry holds (claim inserts a free key and returns the key's
// holder). It reports whether e was written.
func loadOne(e Entry, exists func(id string) (bool, error), claim func(key, id string) (string, error), insert func(e *Entry, b []byte) error) (bool, error) {
	e, err := loadable(e)
	if err != nil {
		return false, err
	}
	if ok, err := exists(e.TransactionID); err != nil || ok {
		return false, err
	}
	claims := e.Claims[:0:0]
	for _, k := range e.Claims {
		holder, err := claim(k, e.TransactionID)
		if err != nil {
			return false, err
		}
		if holder != e.TransactionID {
			e.Refs = withRef(e.Refs, RefClaimConflict, holder+" holds "+k)
			continue
		}
		claims = append(claims, k)
	}
	e.Claims = claims
	b, err := encodeEntry(&e)
	if err != nil {
		return false, err
	}
	return true, insert(&e, b)
}

// pendingOf is the part of Pending the SQL stores share: of the entries in intent or unknown,
// oldest first, it keeps the unknown ones and the intents whose owner is gone, which abandon
// turns to unknown (unless they changed meanwhile).
func pendingOf(all []Entry, alive func(owner string) (bool, error), abandon func(Entry) (bool, error)) ([]Entry, error) {
	out := all[:0]
	for _, e := range all {
		if e.State == StateIntent {
			ok, err := alive(e.Owner)
			if err != nil {
				return nil, err
			}
			if ok {
				continue
			}
			turned, err := abandon(e)
			if err != nil {
				return nil, err
			}
			if !turned {
				continue
			}
			e.State = StateUnknown
		}
		out = append(out, e)
	}
	return out, nil
}
