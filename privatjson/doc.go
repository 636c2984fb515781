// Package privatjson speaks the PrivatBank ECR "JSON" protocol (spec «ECR протокол ПриватБанк
// (JSON based)» v1.0.3.1 of 17.01.2025; facts and field reports in
// ../shared/protocols/privatjson.md, whose section numbers the comments cite as "spec §N" for
// the bank's own sections). It is also the protocol of A-Bank (JSON) terminals, and package
// ssijson reuses it for SSI-built bank apps.
//
// The package has three layers:
//
//   - codec (frame.go, message.go, types.go): UTF-8 JSON frames ended by 0x00, split on every
//     0x00 with empty frames and whitespace skipped ([FrameReader], [SplitFunc]); the
//     handshake's extra leading 0x00 ([AppendHandshake]); requests with all params as strings
//     ([AppendRequest]); replies read tolerantly ([ParseMessage]: numbers, params:null, the
//     errorDescritption / errorDecsription misspellings, msgType with stray spaces,
//     DeviceBusy in any case). Frames are bounded ([DefaultMaxFrame]).
//   - client ([Client]): the spec's connection scheme ([Open]: handshake, identify, then one
//     persistent connection, reconnecting when it breaks), one card operation at a time while
//     service messages (status polling, interrupt, correction) go alongside; deviceBusy and
//     methodNotImplemented as [ErrBusy] and [ErrNotImplemented]; getLastStatMsgCode polled and
//     reported to a [ProgressFunc]; a cancelled context interrupts the running operation; a
//     minimum gap between sends ([Config].SendGap, 100 ms by default). Every method of spec
//     1.0.3.1 has a typed call.
//   - adapter ([Terminal]): [payment.Terminal] with DM's task mapping and codes on
//     [adapter.Base], money-moving calls under its [journal.Ledger]. A [Variant] selects the
//     DM row: [PrivatBank] here, SSI JSON in package ssijson.
//
// # Reconciling a lost reply
//
// The protocol gives a request no reference the terminal could be asked about: a request
// carries no id of its own (spec §4: replies are matched by method only), and nothing comes
// back before the final reply. What the terminal gives is GetReceiptInfo (spec §5.30): with
// invoiceNumber "" the batch's last receipt, whoever made it (privatjson.md §6), with its
// invoiceNumber, rrn, approvalCode, amount, txnType, date and time; and getLastResult, "2"
// while an operation runs. So a lost reply is matched by likeness only: the terminal is done,
// the last receipt's type and amount are the request's, and its time is within
// [adapter.Config].ReconcileWindow of the time the request was sent (noted as [RefSent]).
// The ledger then takes the receipt only when no other journal entry holds its RRN (or
// invoice): a receipt already claimed leaves the entry failed (the claimant was settled
// before the request was written) or unknown with "ask the bank" (code 7002). No last
// receipt means the operation did not happen; so does a last receipt that does not match and
// is older than the request or held by an entry settled before it. A non-matching receipt
// that may be newer than the request (another register, a sale keyed on the terminal) could
// hide the operation's own: the entry stays unknown with "ask the bank". Closing the batch
// (Verify) empties the last receipt, so CloseBatch reconciles unknown outcomes first.
//
// What the spec does not say, and this package therefore assumes (marked [INF] where used):
// which lane a methodNotImplemented answers (the latest pending request); that posEntryMode
// follows ISO 8583 field 22 and signVerif "1" means a signature; the 100 ms gap and the 1 s
// pause after PingDevice are second-hand reports of spec 1.0.3.5, which is not public; the
// terminal sets no frame size, timeout or idle limit, so [DefaultMaxFrame] and the default
// timeouts are this package's choices. CashAdvance, PrintHTML, ReadCardBank and the Infocall
// methods have no public format: [Client.Call] sends them raw.
package privatjson
