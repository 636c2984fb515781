package journal

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"iter"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// postgresSchema is the schema of a shared journal; the package doc describes it.
const postgresSchema = `
CREATE TABLE IF NOT EXISTS journal_entries (
	id          TEXT        NOT NULL PRIMARY KEY,
	seq         BIGSERIAL   NOT NULL UNIQUE,
	terminal    TEXT        NOT NULL,
	operation   INTEGER     NOT NULL,
	state       TEXT        NOT NULL,
	owner       TEXT        NOT NULL,
	fingerprint TEXT        NOT NULL,
	started     TIMESTAMPTZ NOT NULL,
	updated     TIMESTAMPTZ NOT NULL,
	rrn         TEXT,
	amount      BIGINT      NOT NULL,
	json        TEXT        NOT NULL,
	crc         BIGINT      NOT NULL
);
CREATE INDEX IF NOT EXISTS journal_entries_state ON journal_entries(state, updated);
CREATE INDEX IF NOT EXISTS journal_entries_terminal ON journal_entries(terminal, seq);
CREATE INDEX IF NOT EXISTS journal_entries_started ON journal_entries(started);
CREATE INDEX IF NOT EXISTS journal_entries_rrn ON journal_entries(rrn) WHERE rrn IS NOT NULL;
CREATE TABLE IF NOT EXISTS journal_claims (
	key            TEXT NOT NULL PRIMARY KEY,
	transaction_id TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS journal_claims_id ON journal_claims(transaction_id);
`

// schemaLockKey is the advisory lock that serialises schema creation ("uaposjnl").
const schemaLockKey = 0x7561706f736a6e6c

// Postgres is a [Journal] in a PostgreSQL database that several stations share. It keeps the
// rules of [SQLite] with the same tables, plus a seq column (the order of Begins). Times come
// from the database's clock, so the stations' clocks do not matter.
//
// Owners are tracked across stations with session advisory locks: each handle holds one on a
// hash of its owner name for as long as it is open, and an intent is taken as abandoned (an
// unknown outcome) only when no session holds its owner's lock. A handle whose lock
// connection is cut loses the lock, and another station may then reconcile its running
// intents; keep the database link as reliable as the terminal's.
type Postgres struct {
	pool    *pgxpool.Pool
	lock    *pgx.Conn
	owner   string
	log     *slog.Logger
	closeMu sync.Mutex
	closed  bool
}

var (
	_ Journal = (*Postgres)(nil)
	_ Loader  = (*Postgres)(nil)
)

// OpenPostgres connects to the database named by dsn (a postgres:// URL or key=value
// string, as pgx reads them), creates the tables if needed, takes this handle's owner lock
// and prunes entries older than the retention (see [Options]; at most one may be given).
func OpenPostgres(ctx context.Context, dsn string, opts ...Options) (*Postgres, error) {
	o, err := pickOptions(opts)
	if err != nil {
		return nil, err
	}
	pool, err := pgxpool.New(ctx, dsn)
	if err != nil {
		return nil, journalFailure("open", err)
	}
	p := &Postgres{pool: pool, log: o.Logger, owner: newOwner()}
	if err := p.setup(ctx, dsn); err != nil {
		p.Close()
		return nil, err
	}
	if r := o.retention(); r > 0 {
		now, err := p.clock(ctx, pool)
		if err != nil {
			p.Close()
			return nil, err
		}
		n, err := p.Prune(ctx, now.Add(-r))
		if err != nil {
			p.Close()
			return nil, err
		}
		if n > 0 {
			p.log.Info("journal: pruned on open", "entries", n, "retention", r)
		}
	}
	return p, nil
}

func (p *Postgres) setup(ctx context.Context, dsn string) error {
	tx, err := p.pool.Begin(ctx)
	if err != nil {
		return journalFailure("open", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", int64(schemaLockKey)); err != nil {
		return journalFailure("open", err)
	}
	if _, err := tx.Exec(ctx, postgresSchema); err != nil {
		return journalFailure("create schema", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return journalFailure("create schema", err)
	}
	p.lock, err = pgx.Connect(ctx, dsn)
	if err != nil {
		return journalFailure("open", err)
	}
	if _, err := p.lock.Exec(ctx, "SELECT pg_advisory_lock($1)", ownerKey(p.owner)); err != nil {
		return journalFailure("owner lock", err)
	}
	return nil
}

// ownerKey is the advisory lock key of an owner name.
func ownerKey(owner string) int64 {
	h := fnv.New64a()
	h.Write([]byte(owner))
	return int64(h.Sum64())
}

type pgQuerier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

func (p *Postgres) clock(ctx context.Context, q pgQuerier) (time.Time, error) {
	var now time.Time
	if err := q.QueryRow(ctx, "SELECT clock_timestamp()").Scan(&now); err != nil {
		return now, p.fail(ctx, "clock", err)
	}
	return now.UTC(), nil
}

func (p *Postgres) fail(ctx context.Context, op string, err error) error {
	if cerr := ctx.Err(); cerr != nil && !errors.Is(err, cerr) {
		err = errors.Join(cerr, err)
	}
	return journalFailure(op, err)
}

// write runs fn in one transaction with the database's time, and commits it.
func (p *Postgres) write(ctx context.Context, op string, fn func(tx pgx.Tx, now time.Time) error) error {
	tx, err := p.pool.Begin(ctx)
	if err != nil {
		return p.fail(ctx, op, err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	now, err := p.clock(ctx, tx)
	if err != nil {
		return err
	}
	if err := fn(tx, now); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return p.fail(ctx, op, err)
	}
	return nil
}

const pgInsert = "INSERT INTO journal_entries(" + entryColumns + ") VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)"

func pgArgs(e *Entry, b []byte) []any {
	return []any{e.TransactionID, e.Terminal, int(e.Operation), string(e.State), e.Owner, e.Fingerprint,
		e.Started, e.Updated, nullRRN(e), int64(e.Request.Amount), string(b), int64(checksum(b))}
}

func (p *Postgres) update(ctx context.Context, tx pgx.Tx, e *Entry) error {
	b, err := encodeEntry(e)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, "UPDATE journal_entries SET state=$1, owner=$2, started=$3, updated=$4, rrn=$5, json=$6, crc=$7 WHERE id=$8",
		string(e.State), e.Owner, e.Started, e.Updated, nullRRN(e), string(b), int64(checksum(b)), e.TransactionID)
	if err != nil {
		return p.fail(ctx, "update", err)
	}
	return nil
}

// get reads an entry; forUpdate locks its row for the rest of the transaction.
func (p *Postgres) get(ctx context.Context, q pgQuerier, id string, forUpdate bool) (Entry, bool, error) {
	sql := "SELECT state, json, crc FROM journal_entries WHERE id=$1"
	if forUpdate {
		sql += " FOR UPDATE"
	}
	var state, data string
	var sum int64
	err := q.QueryRow(ctx, sql, id).Scan(&state, &data, &sum)
	if errors.Is(err, pgx.ErrNoRows) {
		return Entry{}, false, nil
	}
	if err != nil {
		return Entry{}, false, p.fail(ctx, "get", err)
	}
	e, err := decodeEntry(id, state, []byte(data), uint32(sum))
	return e, true, err
}

// Begin implements [Journal].
func (p *Postgres) Begin(ctx context.Context, e Entry) error { return p.beginOwned(ctx, e, p.owner) }

func (p *Postgres) beginOwned(ctx context.Context, e Entry, owner string) error {
	return p.write(ctx, "begin", func(tx pgx.Tx, now time.Time) error {
		e, err := prepare(e, owner, now)
		if err != nil {
			return err
		}
		b, err := encodeEntry(&e)
		if err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, pgInsert+" ON CONFLICT (id) DO NOTHING", pgArgs(&e, b)...)
		if err != nil {
			return p.fail(ctx, "begin", err)
		}
		if tag.RowsAffected() == 1 {
			return nil
		}
		var state, fp string
		err = tx.QueryRow(ctx, "SELECT state, fingerprint FROM journal_entries WHERE id=$1 FOR UPDATE", e.TransactionID).Scan(&state, &fp)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("%w: %q (pruned meanwhile)", ErrDuplicateTransaction, e.TransactionID)
		}
		if err != nil {
			return p.fail(ctx, "begin", err)
		}
		if State(state) != StateFailed || fp != e.Fingerprint {
			return fmt.Errorf("%w: %q", ErrDuplicateTransaction, e.TransactionID)
		}
		old, _, err := p.get(ctx, tx, e.TransactionID, false)
		if err != nil {
			return err
		}
		takeOver(&old, owner, now)
		if b, err = encodeEntry(&old); err != nil {
			return err
		}
		// A new row, so that the retry gets a new seq: it is the newest entry.
		if _, err := tx.Exec(ctx, "DELETE FROM journal_entries WHERE id=$1", e.TransactionID); err != nil {
			return p.fail(ctx, "begin", err)
		}
		if _, err := tx.Exec(ctx, pgInsert, pgArgs(&old, b)...); err != nil {
			return p.fail(ctx, "begin", err)
		}
		return nil
	})
}

// Note implements [Journal].
func (p *Postgres) Note(ctx context.Context, id, key, value string) error {
	return p.write(ctx, "note", func(tx pgx.Tx, now time.Time) error {
		e, ok, err := p.get(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if !ok {
			return noEntry(id)
		}
		e.Refs = withRef(e.Refs, key, redactText(value))
		e.Updated = now
		return p.update(ctx, tx, &e)
	})
}

// Finish implements [Journal].
func (p *Postgres) Finish(ctx context.Context, id string, o Outcome) error {
	return p.write(ctx, "finish", func(tx pgx.Tx, now time.Time) error {
		e, ok, err := p.get(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if !ok {
			return noEntry(id)
		}
		for _, k := range o.Claims {
			// A concurrent claim of the same key waits here for the other transaction.
			if _, err := tx.Exec(ctx, "INSERT INTO journal_claims(key, transaction_id) VALUES($1,$2) ON CONFLICT (key) DO NOTHING", k, id); err != nil {
				return p.fail(ctx, "finish", err)
			}
			var holder string
			if err := tx.QueryRow(ctx, "SELECT transaction_id FROM journal_claims WHERE key=$1", k).Scan(&holder); err != nil {
				return p.fail(ctx, "finish", err)
			}
			if holder != id {
				return fmt.Errorf("%w: %s holds %s", ErrClaimed, holder, k)
			}
		}
		e.apply(o, now)
		return p.update(ctx, tx, &e)
	})
}

// Get implements [Journal]. A record that fails its checksum returns [ErrCorrupt] (and found).
func (p *Postgres) Get(ctx context.Context, id string) (Entry, bool, error) {
	return p.get(ctx, p.pool, id, false)
}

func (p *Postgres) scan(ctx context.Context, op string, rows pgx.Rows) ([]Entry, []string, error) {
	defer rows.Close()
	var out []Entry
	var owners []string
	for rows.Next() {
		var id, state, owner, data string
		var sum int64
		if err := rows.Scan(&id, &state, &owner, &data, &sum); err != nil {
			return nil, nil, p.fail(ctx, op, err)
		}
		e, err := decodeEntry(id, state, []byte(data), uint32(sum))
		if err != nil {
			p.log.Error("journal: record skipped", "op", op, "id", id, "err", err)
			continue
		}
		out = append(out, e)
		owners = append(owners, owner)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, p.fail(ctx, op, err)
	}
	return out, owners, nil
}

// heldOwnerLocks returns the advisory lock keys some session holds.
func (p *Postgres) heldOwnerLocks(ctx context.Context) (map[int64]bool, error) {
	rows, err := p.pool.Query(ctx, "SELECT classid::bigint, objid::bigint FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 1 AND granted")
	if err != nil {
		return nil, p.fail(ctx, "pending", err)
	}
	defer rows.Close()
	held := map[int64]bool{}
	for rows.Next() {
		var hi, lo int64
		if err := rows.Scan(&hi, &lo); err != nil {
			return nil, p.fail(ctx, "pending", err)
		}
		held[int64(uint64(hi)<<32|uint64(uint32(lo)))] = true
	}
	if err := rows.Err(); err != nil {
		return nil, p.fail(ctx, "pending", err)
	}
	return held, nil
}

// Pending implements [Journal]: an intent is abandoned when no session holds its owner's
// lock. Records that fail their checksum are skipped and logged.
func (p *Postgres) Pending(ctx context.Context) ([]Entry, error) {
	rows, err := p.pool.Query(ctx, "SELECT id, state, owner, json, crc FROM journal_entries WHERE state IN ('intent','unknown') ORDER BY seq")
	if err != nil {
		return nil, p.fail(ctx, "pending", err)
	}
	all, _, err := p.scan(ctx, "pending", rows)
	if err != nil {
		return nil, err
	}
	var held map[int64]bool
	return pendingOf(all, func(o string) (bool, error) {
		if held == nil {
			if held, err = p.heldOwnerLocks(ctx); err != nil {
				return false, err
			}
		}
		return held[ownerKey(o)], nil
	}, func(e Entry) (bool, error) { return p.abandon(ctx, e) })
}

func (p *Postgres) abandon(ctx context.Context, e Entry) (bool, error) {
	turned := false
	err := p.write(ctx, "pending", func(tx pgx.Tx, _ time.Time) error {
		cur, ok, err := p.get(ctx, tx, e.TransactionID, true)
		if err != nil || !ok || cur.State != StateIntent || cur.Owner != e.Owner {
			return err
		}
		cur.State = StateUnknown
		turned = true
		return p.update(ctx, tx, &cur)
	})
	return turned, err
}

// Last implements [Journal].
func (p *Postgres) Last(ctx context.Context, terminal string) (Entry, bool, error) {
	var id string
	err := p.pool.QueryRow(ctx, "SELECT id FROM journal_entries WHERE terminal=$1 ORDER BY seq DESC LIMIT 1", terminal).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return Entry{}, false, nil
	}
	if err != nil {
		return Entry{}, false, p.fail(ctx, "last", err)
	}
	return p.Get(ctx, id)
}

// Claimant implements [Journal].
func (p *Postgres) Claimant(ctx context.Context, key string) (string, bool, error) {
	var id string
	err := p.pool.QueryRow(ctx, "SELECT transaction_id FROM journal_claims WHERE key=$1", key).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, p.fail(ctx, "claimant", err)
	}
	return id, true, nil
}

// Query implements [Journal]. Records that fail their checksum are skipped and logged.
func (p *Postgres) Query(ctx context.Context, q Query) ([]Entry, error) {
	where, args := queryWhere(q, func(n int) string { return fmt.Sprintf("$%d", n) }, func(t time.Time) any { return t })
	args = append(args, q.limit())
	rows, err := p.pool.Query(ctx, fmt.Sprintf("SELECT id, state, owner, json, crc FROM journal_entries%s ORDER BY seq DESC LIMIT $%d", where, len(args)), args...)
	if err != nil {
		return nil, p.fail(ctx, "query", err)
	}
	out, _, err := p.scan(ctx, "query", rows)
	return out, err
}

// Prune implements [Journal], in transactions of a few thousand entries.
func (p *Postgres) Prune(ctx context.Context, before time.Time) (int, error) {
	const sel = "SELECT id FROM journal_entries WHERE state IN ('approved','declined','failed') AND updated < $1 LIMIT $2"
	n := 0
	for {
		var c int64
		err := p.write(ctx, "prune", func(tx pgx.Tx, _ time.Time) error {
			tag, err := tx.Exec(ctx, "WITH doomed AS ("+sel+" FOR UPDATE SKIP LOCKED), "+
				"claims AS (DELETE FROM journal_claims WHERE transaction_id IN (SELECT id FROM doomed)) "+
				"DELETE FROM journal_entries WHERE id IN (SELECT id FROM doomed)", before, pruneBatch)
			if err != nil {
				return p.fail(ctx, "prune", err)
			}
			c = tag.RowsAffected()
			return nil
		})
		n += int(c)
		if err != nil || c < int64(pruneBatch) {
			return n, err
		}
	}
}

// Load implements [Loader], in one transaction.
func (p *Postgres) Load(ctx context.Context, entries iter.Seq[Entry]) (int, error) {
	n := 0
	err := p.write(ctx, "load", func(tx pgx.Tx, _ time.Time) error {
		for e := range entries {
			ok, err := loadOne(e, func(id string) (bool, error) {
				var one int
				switch err := tx.QueryRow(ctx, "SELECT 1 FROM journal_entries WHERE id=$1", id).Scan(&one); {
				case errors.Is(err, pgx.ErrNoRows):
					return false, nil
				case err != nil:
					return false, p.fail(ctx, "load", err)
				}
				return true, nil
			}, func(k, id string) (string, error) {
				if _, err := tx.Exec(ctx, "INSERT INTO journal_claims(key, transaction_id) VALUES($1,$2) ON CONFLICT (key) DO NOTHING", k, id); err != nil {
					return "", p.fail(ctx, "load", err)
				}
				var h string
				if err := tx.QueryRow(ctx, "SELECT transaction_id FROM journal_claims WHERE key=$1", k).Scan(&h); err != nil {
					return "", p.fail(ctx, "load", err)
				}
				return h, nil
			}, func(e *Entry, b []byte) error {
				if _, err := tx.Exec(ctx, pgInsert, pgArgs(e, b)...); err != nil {
					return p.fail(ctx, "load", err)
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

// Close implements [Journal]: the owner lock goes, and with it this handle's running intents
// become unknown to every station.
func (p *Postgres) Close() error {
	p.closeMu.Lock()
	defer p.closeMu.Unlock()
	if p.closed {
		return nil
	}
	p.closed = true
	releaseOwner(p.owner)
	var err error
	if p.lock != nil {
		err = p.lock.Close(context.Background())
	}
	p.pool.Close()
	return err
}
