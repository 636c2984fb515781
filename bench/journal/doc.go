// Package journalbench measures the journal (issue 15 item 2). It has no library code:
// everything is in _test.go files, run by bench/run.sh, and nothing of it runs in a plain
// go test but a quick check that the baseline writer works.
//
//   - BenchmarkOpen1M: a SQLite journal of 1,000,000 entries (180 days of a busy shop, built
//     once per run through journal.(*SQLite).Load in one transaction, not through the durable
//     path) opened by a fresh process, which reports the time OpenSQLite took (with the
//     prune-on-open check, nothing to prune) and its resident memory after it (ms/open,
//     MiB-rss; targets 100 ms and 64 MiB).
//   - BenchmarkBeginFinish/<store>: one Begin plus one Finish, each a durable commit, on the
//     same disk: sqlite (an empty journal), sqlite-1M (a copy of the 1M fixture) and jsonl,
//     the old JSON-lines journal's writer copied here as the baseline (a line and an fsync
//     per record). Reports entries/s.
//   - BenchmarkPrune90Days: Prune of the 90 days past retention out of the 1M fixture
//     (about half of it, on a fresh copy each run); reports ms/prune and pruned/op.
//
// UAPOS_BENCH_ENTRIES changes the fixture's size (default 1,000,000). UAPOS_BENCH_DIR names the directory for the fixture (default: the system's temporary
// directory); it needs about 2 GB free.
package journalbench
