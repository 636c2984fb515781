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
//   - [NewMemory] is the in-memory store for tests.
package journal
