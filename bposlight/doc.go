// Package bposlight drives Ingenico terminals speaking B-POS Light, the text protocol of
// Ingenico's "B-POS Light" spec v1.6 (9.02.2022), as summarised in
// /work/shared/protocols/bposlight.md. DM rows: Bank Pivdennyi, Ukrsibbank and Bank Vostok
// (BPOS Light): tasks 1 (purchase), 3 (cancel), 11 (close batch); services merchant list
// and last transaction.
//
// The package is top-level, not bpos1/light: B-POS Light is its own protocol with its own
// spec (not a dialect of BPOS1, whose payload is binary TLV), and a package named "light"
// would say nothing at call sites.
//
// # Wire
//
// Frames are STX | LL (2 bytes big-endian, data length) | ASCII "TAG=value;" pairs | LRC
// (XOR of the data), with ACK within 6 s, NAK and resend, and EOT after 3 NAKs
// (bposlight.md §1.2); the framing and link layer live in internal/stxlink, shared with
// bpos1. All 29 tags of §1.3 are typed in [Tags]; QRDATA escapes ';' and '=' as ##3B## and
// ##3D## ([EscapeQR]); the goods list of v1.6 is [Goods]. Every example frame of the spec
// (bposlight.md §3) is a golden vector in testdata/spec_frames.txt; the spec's goods example
// prints the lengths of the plain purchase example (0027, 00A6) where its data is 0x00C4
// and 0x00EE bytes long: the data wins.
//
// # Operations
//
//   - [Client.Purchase]: PUR then the mandatory CON (by INVOICE, or by QRDATA for a QR
//     purchase). A purchase that is never confirmed is cancelled by the terminal
//     (bposlight.md §1.4); [Client.StartPurchase] and [Client.Confirm] expose the two steps.
//   - [Client.Cancel]: CAN by INVOICE, only within the current batch.
//   - [Client.Settle]: SET (Z-balance) with the DEB/CRD/CAN totals.
//   - [Client.Acquirers]: ACQ, the TID/MID lists ([Identify] uses it: no payment).
//   - Abort: when ctx ends while the terminal waits for the card, the client sends a bare
//     EOT and returns the terminal's RESP=PUR;RC=1001 answer.
//   - Merchant selection by MID or TID; with neither the terminal uses its first TID.
//
// # What is not public, and what is inferred
//
//   - The spec has no refund, X-report, receipt, status or journal query: the adapter
//     returns 5029 for tasks 2 and 10 before the wire, and answers "last transaction" from
//     the payment journal.
//   - Response codes: only 0 (success), "< 1000 host codes", "> 999 terminal errors" and
//     1001 (abort) are documented. The adapter maps 1000-1008 to DM's 5000-5008 and host
//     codes to 5015 with the code in ResponseCode; no receipt text exists in this protocol.
//   - The confirm wait is configured by the bank; its value is not public.
//   - Reconciling an unknown outcome: the protocol gives no reference to ask about and no
//     query to ask with. A purchase whose CON was never sent (the journal notes the CON
//     before it goes out) is taken as cancelled by the terminal (the spec's auto-cancel
//     rule); every other unknown outcome is reported, not guessed: it stays unknown with
//     "ask the bank" (code 7002), and new operations go on.
//   - The character set of non-ASCII text (for example goods names) is not given by the
//     spec, so the encoder accepts printable ASCII only.
//   - The LRC coverage: the spec's wording could include LL, but every example and both
//     public implementations use the data only; the client sends data-only LRCs.
//   - Tolerant reading ([Config.Tolerant]) accepts the LL = len+3 / trailing-NUL frames
//     of the older hobby implementation (bposlight.md §2).
//
// The simulator is simulators/bposlightsim.
package bposlight
