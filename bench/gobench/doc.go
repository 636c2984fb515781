// Package gobench holds the suite's cross-package benchmarks (issue 10, item 4). It has no
// library code: everything is in _test.go files, run by bench/run.sh.
//
//   - BenchmarkPurchaseRoundTrip/<proto>: one purchase through the protocol's
//     payment.Terminal adapter (in-memory journal) against its simulator with zero delays:
//     privatjson, bposlight and bpos1-wire over TCP on 127.0.0.1:0, posapi against the
//     in-process library simulator (POSAPI has no documented wire). Run it with a fixed
//     count (-benchtime 1000x, as run.sh does): the journal gains an entry per purchase and
//     the ledger's scan of pending entries costs more as it grows, so a time-based run would
//     measure each protocol at a different journal size.
//   - BenchmarkBareLoop/<proto>: the floor for the same exchange. One purchase is recorded
//     first (every write and read on the link, merged into turns); the bare loop then replays
//     the same turns, byte for byte, as a plain write / io.ReadFull loop against a scripted
//     peer on its own 127.0.0.1:0 TCP socket, with no parsing on either side. For posapi the
//     floor is the same sequence of C-API calls replayed straight on the library simulator.
//     The ratio PurchaseRoundTrip / BareLoop is the cost of the driver (framing, state
//     machine, adapter and journal) over the link itself.
//   - BenchmarkScale: N simulated PrivatBank JSON terminals in one process (N from the
//     UAPOS_BENCH_TERMINALS environment variable, default 10,000), each a privatsim.Server
//     serving one transporttest.Pipe, each with a real privatjson.Client. ns/op is the time
//     for all N to answer PingDevice, issued concurrently; it also reports the memory per
//     terminal (live heap plus goroutine stacks after a GC, from runtime.MemStats) taken by
//     the simulators (sim-B/terminal), by the clients (client-B/terminal) and by everything
//     once all have answered a first ping (warm-B/terminal).
//   - BenchmarkLogoRasterEncode: the reference logo dithered and encoded as GS v 0 bands,
//     the same work the peer JavaScript encoder's image() + encode() does per logo.
//
// Figures are reported with b.ReportMetric and never asserted: machines are noisy. The Test
// functions only check that the harness itself is sound (a replayed transcript is what was
// recorded, a small fleet answers), and run in well under a second without -bench.
package gobench
