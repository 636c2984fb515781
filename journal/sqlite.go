package journal

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/uapos/uapos/payment"

	_ "modernc.org/sqlite" // the pure-Go SQLite driver, "sqlite"
)

// sqliteSchema is the schema of a journal file (user_version 1). The package doc describes it.
const sqliteSchema = `
CREATE TABLE IF NOT EXISTS journal_entries (
	id          TEXT    NOT NULL PRIMARY KEY,
	terminal    TEXT    NOT NULL,
	operation   INTEGER NOT NULL,
	state       TEXT    NOT NULL,
	owner       TEXT    NOT NULL,
	fingerprint TEXT    NOT NULL,
	started     TEXT    NOT NULL,
	updated     TEXT    NOT NULL,
	rrn         TEXT,
	amount      INTEGER NOT NULL,
	json        TEXT    NOT NULL,
	crc         INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS journal_entries_state ON journal_entries(state, updated);
CREATE INDEX IF NOT EXISTS journal_entries_terminal ON journal_entries(terminal);
CREATE INDEX IF NOT EXISTS journal_entries_started ON journal_entries(started);
CREATE INDEX IF NOT EXISTS journal_entries_rrn ON journal_entries(rrn) WHERE rrn IS NOT NULL;
CREATE TABLE IF NOT EXISTS journal_claims (
	key            TEXT NOT NULL PRIMARY KEY,
	transaction_id TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS journal_claims_id ON journal_claims(transaction_id);
PRAGMA user_version = 1;
`

// sqliteVersion is the schema version this package writes (PRAGMA user_version).
const sqliteVersion = 1

// SQLite is the default durable [Journal]: one SQLite database file, written through the
// pure-Go modernc.org/sqlite (no cgo). Commits are durable (WAL, synchronous=FULL) before a
// method returns; writers take the write lock first (BEGIN IMMEDIATE), so several processes
// may share one file and the unique key on the transaction id keeps a second Begin of the same
// id from succeeding. Open it with [OpenSQLite].
type SQLite struct {
	db    *sql.DB
	path  string
	owner string
	log   *slog.Logger
	now   func() time.Time

	closeOnce sync.Once
	closeErr  error
}

var (
	_ Journal = (*SQLite)(nil)
	_ Loader  = (*SQLite)(nil)
)

// OpenSQLite opens (creating it and its directory if needed) the journal database at path,
// and prunes entries older than the retention (see [Options]; at most one may be given). A
// record that fails its checksum does not stop the journal from opening: reading that entry
// returns [ErrCorrupt].
func OpenSQLite(path string, opts ...Options) (*SQLite, error) {
	o, err := pickOptions(opts)
	if err != nil {
		return nil, err
	}
	if path == "" || strings.ContainsRune(path, '?') || strings.HasPrefix(path, "file:") {
		return nil, fmt.Errorf("journal: sqlite path %q: want a plain file name without '?'", path)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, journalFailure("open", err)
	}
	dsn := path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, journalFailure("open", err)
	}
	db.SetMaxOpenConns(4)
	db.SetMaxIdleConns(2)
	s := &SQLite{db: db, path: path, log: o.Logger, now: func() time.Time { return time.Now().UTC() }}
	if err := s.setup(); err != nil {
		db.Close()
		return nil, err
	}
	s.owner = newOwner()
	if r := o.retention(); r > 0 {
		n, err := s.Prune(context.Background(), s.now().Add(-r))
		if err != nil {
			s.Close()
			return nil, err
		}
		if n > 0 {
			s.log.Info("journal: pruned on open", "entries", n, "retention", r)
		}
	}
	return s, nil
}

// setup checks the file's schema version and creates the schema in a new file.
func (s *SQLite) setup() error {
	ctx := context.Background()
	var mode string
	if err := s.db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return journalFailure("open", err)
	}
	if !strings.EqualFold(mode, "wal") {
		s.log.Warn("journal: the file system refused WAL mode; commits stay durable but readers wait for writers", "mode", mode)
	}
	var v int
	if err := s.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return journalFailure("open", err)
	}
	switch {
	case v == sqliteVersion:
		return nil
	case v > sqliteVersion:
		return fmt.Errorf("journal: %s has schema version %d, newer than this program's %d", s.path, v, sqliteVersion)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return journalFailure("open", err)
	}
	defer tx.Rollback()
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return journalFailure("open", err)
	}
	if v == 0 {
		if _, err := tx.ExecContext(ctx, sqliteSchema); err != nil {
			return journalFailure("create schema", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return journalFailure("create schema", err)
	}
	return nil
}

// Path returns the database file's path.
func (s *SQLite) Path() string { return s.path }

// journalFailure is a store error the caller cannot act on but must report: code 1082.
func journalFailure(op string, err error) error {
	return &payment.Error{Code: payment.CodeJournal, Err: fmt.Errorf("journal: %s: %w", op, err)}
}

// sqlTime is the text form of a time in the started and updated columns: UTC, fixed width, so
// text order is time order, and readable by sqlite3's date functions.
func sqlTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000000Z") }

func nullRRN(e *Entry) any {
	if e.Result == nil || e.Result.RRN == "" {
		return nil
	}
	return e.Result.RRN
}

// write runs fn in one write transaction (BEGIN IMMEDIATE) and commits it. fn's errors are
// returned as they are; the database's own errors become code 1082.
func (s *SQLite) write(ctx context.Context, op string, fn func(tx *sql.Tx, now time.Time) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return s.fail(ctx, op, err)
	}
	defer tx.Rollback()
	if err := fn(tx, s.now()); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return s.fail(ctx, op, err)
	}
	return nil
}

func (s *SQLite) fail(ctx context.Context, op string, err error) error {
	if cerr := ctx.Err(); cerr != nil {
		err = errors.Join(cerr, err)
	}
	return journalFailure(op, err)
}

const entryColumns = "id, terminal, operation, state, owner, fingerprint, started, updated, rrn, amount, json, crc"

func (s *SQLite) insert(ctx context.Context, tx *sql.Tx, e *Entry) error {
	b, err := encodeEntry(e)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, "INSERT INTO journal_entries("+entryColumns+") VALUES(?,?,?,?,?,?,?,?,?,?,?,?)",
		e.TransactionID, e.Terminal, int(e.Operation), string(e.State), e.Owner, e.Fingerprint,
		sqlTime(e.Started), sqlTime(e.Updated), nullRRN(e), int64(e.Request.Amount), string(b), int64(checksum(b)))
	if err != nil {
		if strings.Contains(err.Error(), "UNIQUE") {
			return fmt.Errorf("%w: %q", ErrDuplicateTransaction, e.TransactionID)
		}
		return s.fail(ctx, "insert", err)
	}
	return nil
}

func (s *SQLite) update(ctx context.Context, tx *sql.Tx, e *Entry) error {
	b, err := encodeEntry(e)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, "UPDATE journal_entries SET state=?, owner=?, started=?, updated=?, rrn=?, json=?, crc=? WHERE id=?",
		string(e.State), e.Owner, sqlTime(e.Started), sqlTime(e.Updated), nullRRN(e), string(b), int64(checksum(b)), e.TransactionID)
	if err != nil {
		return s.fail(ctx, "update", err)
	}
	return nil
}

// queryer is what a read needs: the database or a transaction.
type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func (s *SQLite) get(ctx context.Context, q queryer, id string) (Entry, bool, error) {
	var state string
	var data []byte
	var sum int64
	err := q.QueryRowContext(ctx, "SELECT state, json, crc FROM journal_entries WHERE id=?", id).Scan(&state, &data, &sum)
	if errors.Is(err, sql.ErrNoRows) {
		return Entry{}, false, nil
	}
	if err != nil {
		return Entry{}, false, s.fail(ctx, "get", err)
	}
	e, err := decodeEntry(id, state, data, uint32(sum))
	if err != nil {
		return Entry{}, true, err
	}
	return e, true, nil
}

// Begin implements [Journal].
func (s *SQLite) Begin(ctx context.Context, e Entry) error { return s.beginOwned(ctx, e, s.owner) }

func (s *SQLite) beginOwned(ctx context.Context, e Entry, owner string) error {
	return s.write(ctx, "begin", func(tx *sql.Tx, now time.Time) error {
		e, err := prepare(e, owner, now)
		if err != nil {
			return err
		}
		var state, fp string
		err = tx.QueryRowContext(ctx, "SELECT state, fingerprint FROM journal_entries WHERE id=?", e.TransactionID).Scan(&state, &fp)
		if errors.Is(err, sql.ErrNoRows) {
			return s.insert(ctx, tx, &e)
		}
		if err != nil {
			return s.fail(ctx, "begin", err)
		}
		if State(state) != StateFailed || fp != e.Fingerprint {
			return fmt.Errorf("%w: %q", ErrDuplicateTransaction, e.TransactionID)
		}
		old, _, err := s.get(ctx, tx, e.TransactionID)
		if err != nil {
			return err
		}
		takeOver(&old, owner, now)
		// A new row, so that the retry is the newest entry (rowid order is Begin order).
		if _, err := tx.ExecContext(ctx, "DELETE FROM journal_entries WHERE id=?", e.TransactionID); err != nil {
			return s.fail(ctx, "begin", err)
		}
		return s.insert(ctx, tx, &old)
	})
}

// Note implements [Journal].
func (s *SQLite) Note(ctx context.Context, id, key, value string) error {
	return s.write(ctx, "note", func(tx *sql.Tx, now time.Time) error {
		e, ok, err := s.get(ctx, tx, id)
		if err != nil {
			return err
		}
		if !ok {
			return noEntry(id)
		}
		e.Refs = withRef(e.Refs, key, redactText(value))
		e.Updated = now
		return s.update(ctx, tx, &e)
	})
}

// Finish implements [Journal].
func (s *SQLite) Finish(ctx context.Context, id string, o Outcome) error {
	return s.write(ctx, "finish", func(tx *sql.Tx, now time.Time) error {
		e, ok, err := s.get(ctx, tx, id)
		if err != nil {
			return err
		}
		if !ok {
			return noEntry(id)
		}
		for _, k := range o.Claims {
			var holder string
			err := tx.QueryRowContext(ctx, "SELECT transaction_id FROM journal_claims WHERE key=?", k).Scan(&holder)
			switch {
			case err == nil && holder != id:
				return fmt.Errorf("%w: %s holds %s", ErrClaimed, holder, k)
			case err != nil && !errors.Is(err, sql.ErrNoRows):
				return s.fail(ctx, "finish", err)
			}
		}
		for _, k := range o.Claims {
			if _, err := tx.ExecContext(ctx, "INSERT OR IGNORE INTO journal_claims(key, transaction_id) VALUES(?,?)", k, id); err != nil {
				return s.fail(ctx, "finish", err)
			}
		}
		e.apply(o, now)
		return s.update(ctx, tx, &e)
	})
}

// Get implements [Journal]. A record that fails its checksum returns [ErrCorrupt] (and found).
func (s *SQLite) Get(ctx context.Context, id string) (Entry, bool, error) {
	return s.get(ctx, s.db, id)
}

// scan decodes the rows of a query of (id, state, json, crc), skipping (and logging) records
// that fail their checksum.
func (s *SQLite) scan(ctx context.Context, op string, rows *sql.Rows) ([]Entry, error) {
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		var id, state string
		var data []byte
		var sum int64
		if err := rows.Scan(&id, &state, &data, &sum); err != nil {
			return nil, s.fail(ctx, op, err)
		}
		e, err := decodeEntry(id, state, data, uint32(sum))
		if err != nil {
			s.log.Error("journal: record skipped", "op", op, "id", id, "err", err)
			continue
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(ctx, op, err)
	}
	return out, nil
}

// Pending implements [Journal]. A pending record that fails its checksum is skipped and
// logged: it cannot be reconciled, and Get of its id reports it.
func (s *SQLite) Pending(ctx context.Context) ([]Entry, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT id, state, json, crc FROM journal_entries WHERE state IN ('intent','unknown') ORDER BY rowid")
	if err != nil {
		return nil, s.fail(ctx, "pending", err)
	}
	all, err := s.scan(ctx, "pending", rows)
	if err != nil {
		return nil, err
	}
	return pendingOf(all, func(o string) (bool, error) { return ownerAlive(o), nil }, func(e Entry) (bool, error) { return s.abandon(ctx, e) })
}

// abandon turns the intent of a dead owner to unknown, unless it changed meanwhile.
func (s *SQLite) abandon(ctx context.Context, e Entry) (bool, error) {
	turned := false
	err := s.write(ctx, "pending", func(tx *sql.Tx, _ time.Time) error {
		cur, ok, err := s.get(ctx, tx, e.TransactionID)
		if err != nil || !ok || cur.State != StateIntent || cur.Owner != e.Owner {
			return err
		}
		cur.State = StateUnknown
		turned = true
		return s.update(ctx, tx, &cur)
	})
	return turned, err
}

// Last implements [Journal].
func (s *SQLite) Last(ctx context.Context, terminal string) (Entry, bool, error) {
	var id string
	err := s.db.QueryRowContext(ctx, "SELECT id FROM journal_entries WHERE terminal=? ORDER BY rowid DESC LIMIT 1", terminal).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return Entry{}, false, nil
	}
	if err != nil {
		return Entry{}, false, s.fail(ctx, "last", err)
	}
	return s.Get(ctx, id)
}

// Claimant implements [Journal].
func (s *SQLite) Claimant(ctx context.Context, key string) (string, bool, error) {
	var id string
	err := s.db.QueryRowContext(ctx, "SELECT transaction_id FROM journal_claims WHERE key=?", key).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, s.fail(ctx, "claimant", err)
	}
	return id, true, nil
}

// Query implements [Journal]. Records that fail their checksum are skipped and logged.
func (s *SQLite) Query(ctx context.Context, q Query) ([]Entry, error) {
	where, args := queryWhere(q, func(int) string { return "?" }, func(t time.Time) any { return sqlTime(t) })
	rows, err := s.db.QueryContext(ctx, "SELECT id, state, json, crc FROM journal_entries"+where+" ORDER BY rowid DESC LIMIT ?", append(args, q.limit())...)
	if err != nil {
		return nil, s.fail(ctx, "query", err)
	}
	return s.scan(ctx, "query", rows)
}

func (q Query) limit() int {
	if q.Limit <= 0 {
		return 1000
	}
	return q.Limit
}

// queryWhere builds the WHERE clause of a Query for either store: ph names the n-th parameter,
// tv converts a time.
func queryWhere(q Query, ph func(n int) string, tv func(time.Time) any) (string, []any) {
	var conds []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		conds = append(conds, strings.Replace(cond, "$", ph(len(args)), 1))
	}
	if q.TransactionID != "" {
		add("id = $", q.TransactionID)
	}
	if q.Terminal != "" {
		add("terminal = $", q.Terminal)
	}
	if q.RRN != "" {
		add("rrn = $", q.RRN)
	}
	if q.Amount != 0 {
		add("amount = $", int64(q.Amount))
	}
	if !q.From.IsZero() {
		add("started >= $", tv(q.From))
	}
	if !q.To.IsZero() {
		add("started < $", tv(q.To))
	}
	if len(q.States) > 0 {
		var in []string
		for _, st := range q.States {
			args = append(args, string(st))
			in = append(in, ph(len(args)))
		}
		conds = append(conds, "state IN ("+strings.Join(in, ",")+")")
	}
	if len(conds) == 0 {
		return "", args
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// pruneBatch is how many entries one Prune transaction deletes: the write lock is let go
// between batches, so a large prune does not keep other writers (another process's Begin)
// waiting.
var pruneBatch = 5000

// Prune implements [Journal]: entries with an outcome last updated before the time go, with
// their claims, in transactions of a few thousand entries.
func (s *SQLite) Prune(ctx context.Context, before time.Time) (int, error) {
	const sel = "SELECT id FROM journal_entries WHERE state IN ('approved','declined','failed') AND updated < ?1 LIMIT ?2"
	b := sqlTime(before)
	n := 0
	for {
		var c int64
		err := s.write(ctx, "prune", func(tx *sql.Tx, _ time.Time) error {
			if _, err := tx.ExecContext(ctx, "DELETE FROM journal_claims WHERE transaction_id IN ("+sel+")", b, pruneBatch); err != nil {
				return s.fail(ctx, "prune", err)
			}
			r, err := tx.ExecContext(ctx, "DELETE FROM journal_entries WHERE id IN ("+sel+")", b, pruneBatch)
			if err != nil {
				return s.fail(ctx, "prune", err)
			}
			c, _ = r.RowsAffected()
			return nil
		})
		n += int(c)
		if err != nil || c < int64(pruneBatch) {
			return n, err
		}
	}
}

// Load implements [Loader], in one transaction.
func (s *SQLite) Load(ctx context.Context, entries iter.Seq[Entry]) (int, error) {
	n := 0
	err := s.write(ctx, "load", func(tx *sql.Tx, _ time.Time) error {
		exists, err := tx.PrepareContext(ctx, "SELECT 1 FROM journal_entries WHERE id=?")
		if err != nil {
			return s.fail(ctx, "load", err)
		}
		defer exists.Close()
		claim, err := tx.PrepareContext(ctx, "INSERT INTO journal_claims(key, transaction_id) VALUES(?,?) ON CONFLICT(key) DO NOTHING")
		if err != nil {
			return s.fail(ctx, "load", err)
		}
		defer claim.Close()
		holder, err := tx.PrepareContext(ctx, "SELECT transaction_id FROM journal_claims WHERE key=?")
		if err != nil {
			return s.fail(ctx, "load", err)
		}
		defer holder.Close()
		ins, err := tx.PrepareContext(ctx, "INSERT INTO journal_entries("+entryColumns+") VALUES(?,?,?,?,?,?,?,?,?,?,?,?)")
		if err != nil {
			return s.fail(ctx, "load", err)
		}
		defer ins.Close()
		for e := range entries {
			ok, err := loadOne(e, func(id string) (bool, error) {
				var one int
				switch err := exists.QueryRowContext(ctx, id).Scan(&one); {
				case errors.Is(err, sql.ErrNoRows):
					return false, nil
				case err != nil:
					return false, s.fail(ctx, "load", err)
				}
				return true, nil
			}, func(k, id string) (string, error) {
				r, err := claim.ExecContext(ctx, k, id)
				if err != nil {
					return "", s.fail(ctx, "load", err)
				}
				if c, _ := r.RowsAffected(); c == 1 {
					return id, nil
				}
				var h string
				if err := holder.QueryRowContext(ctx, k).Scan(&h); err != nil {
					return "", s.fail(ctx, "load", err)
				}
				return h, nil
			}, func(e *Entry, b []byte) error {
				if _, err := ins.ExecContext(ctx, e.TransactionID, e.Terminal, int(e.Operation), string(e.State), e.Owner, e.Fingerprint,
					sqlTime(e.Started), sqlTime(e.Updated), nullRRN(e), int64(e.Request.Amount), string(b), int64(checksum(b))); err != nil {
					return s.fail(ctx, "load", err)
				}
				return nil
			})
			if err != nil {
				return err
			}
			if ok {
				n++
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// Close implements [Journal]: the handle's running intents become unknown.
func (s *SQLite) Close() error {
	s.closeOnce.Do(func() {
		releaseOwner(s.owner)
		s.closeErr = s.db.Close()
	})
	return s.closeErr
}
