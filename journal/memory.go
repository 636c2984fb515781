package journal

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"sync"
	"time"
)

// Memory is a [Journal] that lives in memory only: for tests, and for callers that accept
// losing it with the process. It keeps the same rules as the durable stores (unique ids,
// claims, owners, fingerprints).
type Memory struct {
	mu      sync.Mutex
	entries map[string]*Entry
	order   []string
	claims  map[string]string
	owner   string
	now     func() time.Time
	closed  bool
}

var _ Journal = (*Memory)(nil)

// NewMemory returns an empty in-memory journal.
func NewMemory() *Memory {
	return &Memory{entries: map[string]*Entry{}, claims: map[string]string{}, owner: newOwner(), now: time.Now}
}

// Begin implements [Journal].
func (m *Memory) Begin(ctx context.Context, e Entry) error { return m.beginOwned(ctx, e, m.owner) }

// beginOwned is Begin with the intent written in another owner's name (tests forge owners).
func (m *Memory) beginOwned(_ context.Context, e Entry, owner string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, err := prepare(e, owner, m.now())
	if err != nil {
		return err
	}
	if old, ok := m.entries[e.TransactionID]; ok {
		if old.State == StateFailed && old.Fingerprint == e.Fingerprint {
			takeOver(old, owner, e.Started)
			m.order = append(slices.DeleteFunc(m.order, func(id string) bool { return id == e.TransactionID }), e.TransactionID)
			return nil
		}
		return fmt.Errorf("%w: %q", ErrDuplicateTransaction, e.TransactionID)
	}
	c := e
	m.entries[e.TransactionID] = &c
	m.order = append(m.order, e.TransactionID)
	return nil
}

// Load implements [Loader].
func (m *Memory) Load(_ context.Context, entries iter.Seq[Entry]) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for e := range entries {
		ok, err := loadOne(e, func(id string) (bool, error) {
			_, ok := m.entries[id]
			return ok, nil
		}, func(k, id string) (string, error) {
			if holder, ok := m.claims[k]; ok {
				return holder, nil
			}
			m.claims[k] = id
			return id, nil
		}, func(e *Entry, _ []byte) error {
			c := *e
			m.entries[e.TransactionID] = &c
			m.order = append(m.order, e.TransactionID)
			return nil
		})
		if err != nil {
			return n, err
		}
		if ok {
			n++
		}
	}
	return n, nil
}

// Note implements [Journal].
func (m *Memory) Note(_ context.Context, id, key, value string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.entries[id]
	if !ok {
		return noEntry(id)
	}
	if e.Refs == nil {
		e.Refs = map[string]string{}
	}
	e.Refs[key] = redactText(value)
	e.Updated = m.now()
	return nil
}

// Finish implements [Journal].
func (m *Memory) Finish(_ context.Context, id string, o Outcome) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.entries[id]
	if !ok {
		return noEntry(id)
	}
	for _, k := range o.Claims {
		if holder, ok := m.claims[k]; ok && holder != id {
			return fmt.Errorf("%w: %s holds %s", ErrClaimed, holder, k)
		}
	}
	for _, k := range o.Claims {
		m.claims[k] = id
	}
	e.apply(o, m.now())
	return nil
}

// Get implements [Journal].
func (m *Memory) Get(_ context.Context, id string) (Entry, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.entries[id]
	if !ok {
		return Entry{}, false, nil
	}
	return copyEntry(e), true, nil
}

// Pending implements [Journal].
func (m *Memory) Pending(_ context.Context) ([]Entry, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Entry
	for _, id := range m.order {
		e := m.entries[id]
		if e.State == StateIntent && !ownerAlive(e.Owner) {
			e.State = StateUnknown
		}
		if e.State == StateUnknown {
			out = append(out, copyEntry(e))
		}
	}
	return out, nil
}

// Last implements [Journal].
func (m *Memory) Last(_ context.Context, terminal string) (Entry, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i := len(m.order) - 1; i >= 0; i-- {
		if e := m.entries[m.order[i]]; e.Terminal == terminal {
			return copyEntry(e), true, nil
		}
	}
	return Entry{}, false, nil
}

// Claimant implements [Journal].
func (m *Memory) Claimant(_ context.Context, key string) (string, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	id, ok := m.claims[key]
	return id, ok, nil
}

// Query implements [Journal].
func (m *Memory) Query(_ context.Context, q Query) ([]Entry, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	limit := q.Limit
	if limit <= 0 {
		limit = 1000
	}
	var out []Entry
	for i := len(m.order) - 1; i >= 0 && len(out) < limit; i-- {
		e := m.entries[m.order[i]]
		if q.Matches(*e) {
			out = append(out, copyEntry(e))
		}
	}
	return out, nil
}

// Prune implements [Journal].
func (m *Memory) Prune(_ context.Context, before time.Time) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	keep := m.order[:0]
	for _, id := range m.order {
		e := m.entries[id]
		if !e.State.Pending() && e.Updated.Before(before) {
			for _, k := range e.Claims {
				delete(m.claims, k)
			}
			delete(m.entries, id)
			n++
			continue
		}
		keep = append(keep, id)
	}
	m.order = keep
	return n, nil
}

// Close implements [Journal]: the handle's running intents become unknown.
func (m *Memory) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.closed {
		m.closed = true
		releaseOwner(m.owner)
	}
	return nil
}

// Reopen returns a new handle on the same entries, as if the process had restarted: intents
// of the old handle (which it closes) come back as unknown. For crash tests.
func (m *Memory) Reopen() *Memory {
	m.Close()
	m.mu.Lock()
	defer m.mu.Unlock()
	n := &Memory{entries: map[string]*Entry{}, claims: map[string]string{}, owner: newOwner(), now: m.now}
	for _, id := range m.order {
		c := copyEntry(m.entries[id])
		n.entries[id] = &c
		n.order = append(n.order, id)
	}
	for k, v := range m.claims {
		n.claims[k] = v
	}
	return n
}

// Matches reports whether an entry passes the query's filters (Limit aside).
func (q Query) Matches(e Entry) bool {
	switch {
	case q.TransactionID != "" && e.TransactionID != q.TransactionID,
		q.Terminal != "" && e.Terminal != q.Terminal,
		q.Amount != 0 && e.Request.Amount != q.Amount,
		!q.From.IsZero() && e.Started.Before(q.From),
		!q.To.IsZero() && !e.Started.Before(q.To),
		len(q.States) > 0 && !slices.Contains(q.States, e.State):
		return false
	case q.RRN != "":
		return e.Result != nil && e.Result.RRN == q.RRN
	}
	return true
}
