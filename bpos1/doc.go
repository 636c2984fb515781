// Package bpos1 drives Ingenico bank terminals that speak B-POS1 (the ECRCommX library
// protocol), as used by Oschadbank, Ukrsibbank and, per Device Manager's table, Bank
// Vostok, A-Bank, Bank Pivdennyi and Sense Bank.
//
// Source: /work/shared/protocols/bpos1.md (the vendor manual "ECRCommX B-POS1" v3.2.3:
// methods, properties, result and status codes, call sequences; the Linux flat C API
// BPOSLib_*; and the wire facts of one production client) and
// /work/shared/reference/device-manager.md (capability rows and error codes).
//
// # What is proven and what is provisional
//
// The B-POS1 wire format is not public (bpos1.md §1.1, §7): every shop drives these
// terminals through Ingenico's library. So the package is built around [Lib], a Go mirror
// of the vendor API (bpos1.md §2.3, §2.4, with the exact numeric enums [TxnType],
// [EntryMode], [TrnStatus], [StatusCode] 0-18 and [ECRC] 0-17), with two backends:
//
//   - Backend A, the vendor library (package bpos1/vendorlib): loads the user-supplied
//     libcBPOSLib.so at run time without cgo. This is the proven path. Nothing
//     vendor-made ships with this module.
//   - Backend B, the native wire ([WireClient], [NewWireClient]): PROVISIONAL. It speaks
//     the frames one production client (WebCheck) sends (bpos1.md §B): STX / 2-byte
//     big-endian length / TLV (u32 tag, u32 length, value) / XOR LRC, ACK after every
//     frame, status frames of class 13 (tags 30/31), the confirm frame; TLV byte order
//     configurable per direction because the public evidence conflicts (§B.5). Only
//     purchase, refund, void, confirm, settlement, X-report, POS info and ping exist
//     there; receipts, totals and journal queries do not. Not validated against a
//     terminal. Unlike the library, it is synchronous: every call runs on the caller's
//     goroutine and honours ctx down to the bytes; when ctx ends (or its deadline passes)
//     while the terminal may be working, it writes the abort (a bare EOT; the BPOS1 abort
//     message is not public, see [WireClient]) and waits briefly for the answer to it.
//     [WireLib] dresses it as a [Lib] for [Client]; it is deprecated.
//
// The vendor library and the in-process simulator (package simulators/bpos1sim) run under
// [Client], which follows the documented sequences (bpos1.md §2.5): start an action, poll
// LastResult reporting LastStatMsgCode changes as progress ([WithProgress]), Confirm
// after the operations that need it and never after Void, fetch the slip with
// ReqCurrReceipt (Windows-1251 converted to UTF-8), and Cancel when ctx ends.
//
// [Terminal] adapts either client to payment.Terminal with a bank's DM capability row
// ([NewTerminal] for a Client, [NewWireTerminal] for a WireClient), on the suite's common
// adapter base (package adapter): journal, gate, capability check.
//
// A lost answer is reconciled through the terminal's journal on the library path: a void
// by the invoice it carried; other operations by likeness only (the newest record with
// the same type and amount, dated within the reconcile window of the request; a record
// with no date, as the flat C library gives, is not taken: "ask the bank"). The native
// wire has no journal query, so there an unknown outcome stays unknown ("ask the bank").
//
// Facts and inferences it relies on:
//
//   - ResponseCode below 1000 is a host code: DM code 5015 (declined) with the host code
//     in ResponseCode; for Oschadbank 13, 14, 51, 55, 61 and 96 map onto 5016-5021 (our
//     pairing of DM's texts with the ISO codes of bpos1.md §2.2; an inference). A refund
//     RRN that is not 12 digits is refused before the wire with 5025.
//   - ResponseCode 1000-1008 maps onto 5000-5008 (payment.TerminalCode).
//   - P2P (task 4) has no documented method: always 5029 with a message saying so.
//   - Purchase with cash (task 14) has no documented method; the cash-only case
//     (Amount 0, CashAmount > 0) uses CashAdvance. Anything else is 5029.
//   - The merchant list is POSGetInfo's TerminalInfo split on '/'.
//   - ResponseCode 20, which the vendor's sample treats as "not an error", is reported as
//     what it is (meaning undocumented).
//
// [Identify] pings over the native wire without starting a payment.
package bpos1
