// Package journal is the durable record of money-moving terminal operations and the ledger
// that uses it, so that a lost reply never loses or doubles a payment.
//
//   - [Journal] is the store: one entry per caller's transaction id, intent written before the
//     wire and outcome after, receipts claimed by one entry only, entries of crashed
//     processes returned as unknown, 90 days kept ([DefaultRetention]).
//   - [Ledger] runs one terminal's exchanges under a Journal: the same id returns the recorded
//     outcome, the same id with another request is refused (code 7001), unknown outcomes are
//     reconciled through the protocol before any new exchange, and a receipt that belongs to
//     another entry is never taken (the entry stays unknown: ask the bank, code 7002).
//   - [OpenSQLite] is the default store, one file; [OpenPostgres] is for several stations
//     sharing one database; [NewMemory] is for tests. All three keep the same rules.
//   - [ImportJSONL] moves the entries of the old JSON-lines journal (uapos-journal.jsonl)
//     into a store.
//
// # Storage
//
// Both databases hold the same two tables. journal_entries has one row per entry:
//
//	id           the caller's transaction id (primary key: a second Begin of it fails)
//	terminal     the terminal's key, for example "privatjson:tcp://127.0.0.1:2000"
//	operation    DM's task number (1 purchase, 2 refund, 3 cancel...)
//	state        intent, approved, declined, failed or unknown
//	owner        host/pid/random of the journal handle that wrote the intent
//	fingerprint  the request's identity (see [Fingerprint])
//	started      when the intent was written (the last retry's, after a failed try)
//	updated      when the entry last changed
//	rrn          the result's RRN, or NULL
//	amount       the requested amount in kopecks
//	json         the whole entry as JSON (the other columns are copies for searching)
//	crc          CRC-32C of json: a row whose json does not match is reported as corrupt
//
// journal_claims has one row per receipt identity an outcome holds ([ReceiptKeys]): key
// (primary key) and transaction_id. Card numbers are masked before anything is stored.
//
// In SQLite, started and updated are UTC text of fixed width ("2026-11-23T19:37:00.123456789Z"),
// and the schema version is PRAGMA user_version (1). In PostgreSQL they are timestamptz from
// the database's clock, and a row also has seq, the order of Begins. Support can read a
// SQLite journal while the service runs with the sqlite3 command, for example the entries
// that need reconciling or the bank's attention:
//
//	sqlite3 -readonly uapos-journal.db "SELECT id, terminal, state, amount/100.0 AS uah, rrn, started, json_extract(json, '$.refs.ask_bank') AS ask_bank FROM journal_entries WHERE state IN ('intent','unknown') ORDER BY started"
//
// and the slip of one sale:
//
//	sqlite3 -readonly uapos-journal.db "SELECT json_extract(json, '$.result.receipt') FROM journal_entries WHERE id = 'sale-42'"
//
// A database write error (a full disk) is returned as a [*payment.Error] with code 1082
// ([payment.CodeJournal]); the database rolls the write back and stays usable.
package journal
