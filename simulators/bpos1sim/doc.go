// Package bpos1sim simulates an Ingenico BPOS1 terminal for package bpos1, at two levels:
//
//   - [Library] (NewLibrary) is an in-process simulation of the vendor library's
//     behaviour (bpos1.md §2.2-§2.5 and §6): it implements the method set of bpos1.Lib
//     with the documented state machine: progress codes per LastResult poll,
//     pending-confirm auto-reversal, void only in the current batch, refund needing a
//     12-digit RRN, settlement clearing the journal and incrementing the batch, declines
//     with slips in Windows-1251, Cancel.
//   - [Server] (New) speaks the PROVISIONAL native wire of bpos1.md §B on TCP
//     ([Server.ListenTCP]) or any byte link such as a pty master ([Server.ServeConn]),
//     with its own frame and TLV code.
//
// Both share one terminal model. Neither imports bpos1 or internal/stxlink: one
// misunderstanding of the protocol must not pass on both sides. Behaviour knobs are the
// fields of [Config]; its zero value is the happy path with no delays.
//
// What the simulator does where the notes are silent is our choice, not a protocol fact:
// the refund-without-RRN host code (12), the texts, the wire's answer tags for POS info
// (tag 15) and ping (1=11, 14=0), and that the confirm frame is only ACKed.
//
// # Control
//
// [Server.Control] and [Library.Control] steer them at run time with the fault vocabulary
// of package control (docs/simulators.md). Both: decline[=CODE] (ResponseCode CODE),
// slow=DURATION, host-down (1004 for card operations, Void, Settlement and CheckConnection),
// card-timeout (held at status 9 until a card is presented through the control, or the
// ECR's EOT on the wire, Cancel in the library), cashier-abort (1001), drop-reply. The wire
// also: silent (no ACK, also to repeats), disconnect-mid-reply, garbage, corrupt-checksum[=N],
// nak[=N] and its own drop-request; the library also: busy (ECRC 7, "Another task is
// running") and silent (LastResult stays 2 until Cancel). Neither can express partial: the
// BPOS1 notes document no partial approval (no ResponseCode or property says that an amount
// was approved in part, bpos1.md §2.2, §2.4). The wire cannot express busy: the provisional
// native wire documents no busy answer (bpos1.md §B). The library cannot express
// disconnect-mid-reply, garbage, corrupt-checksum or nak: the vendor library hands over
// typed properties, not bytes, and its link to the terminal is not public (bpos1.md §1.1); a
// reply cut inside it is a lost reply (drop-reply: LastErrorCode 3). Pings, queries and
// reports show only sticky faults. Config.AnswerDelay is the time a card operation or a
// settlement takes before its answer. The test amounts of control.TestAmounts apply to card
// operations that no Config.Declines rule names (partial approvals are approved in full).
package bpos1sim
