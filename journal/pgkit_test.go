package journal

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/uapos/uapos/journal/internal/pgtest"
)

// postgresKit starts a PostgreSQL server for the kit's tests (stopped when they end); each
// test gets a database of its own.
func postgresKit(t *testing.T) kit {
	srv := pgtest.Start(t)
	return kit{
		name: "postgres",
		open: func(t *testing.T) (Journal, func() Journal) {
			dsn := srv.NewDatabase(t)
			return handles(t, func() (Journal, error) { return OpenPostgres(context.Background(), dsn) })
		},
		dump: func(t *testing.T, j Journal) []byte {
			p := j.(*Postgres)
			var all []byte
			for _, table := range []string{"journal_entries", "journal_claims"} {
				rows, err := p.pool.Query(context.Background(), "SELECT t::text FROM "+table+" t")
				if err != nil {
					t.Fatal(err)
				}
				texts, err := pgx.CollectRows(rows, pgx.RowTo[string])
				if err != nil {
					t.Fatal(err)
				}
				for _, s := range texts {
					all = append(all, s...)
				}
			}
			return all
		},
		liveOwner: func(t *testing.T, reopen func() Journal) string {
			return reopen().(*Postgres).owner
		},
		bounded: true,
		corrupt: func(t *testing.T, j Journal, id string) {
			tag, err := j.(*Postgres).pool.Exec(context.Background(),
				`UPDATE journal_entries SET json = replace(json, '"terminal":"', '"terminal":"X') WHERE id = $1`, id)
			if err != nil || tag.RowsAffected() != 1 {
				t.Fatalf("corrupt: %v %v", tag, err)
			}
		},
	}
}
