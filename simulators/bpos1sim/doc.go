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
package bpos1sim
