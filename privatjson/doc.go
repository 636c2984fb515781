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
//   - adapter ([Terminal]): [payment.Terminal] with DM's task mapping and codes, money-moving
//     calls under [journal.Ledger]; a lost reply is reconciled with getLastResult and
//     GetReceiptInfo, matching type, amount and time.
//
// What the spec does not say, and this package therefore assumes (marked [INF] where used):
// which lane a methodNotImplemented answers (the latest pending request); that posEntryMode
// follows ISO 8583 field 22 and signVerif "1" means a signature; the 100 ms gap and the 1 s
// pause after PingDevice are second-hand reports of spec 1.0.3.5, which is not public; the
// terminal sets no frame size, timeout or idle limit, so [DefaultMaxFrame] and the default
// timeouts are this package's choices. CashAdvance, PrintHTML, ReadCardBank and the Infocall
// methods have no public format: [Client.Call] sends them raw.
package privatjson
