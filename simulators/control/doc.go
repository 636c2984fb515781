// Package control is what a test, in Go or in any language, uses to steer the suite's
// simulators while they run: one fault vocabulary, the [Controller] each simulator
// implements, the test amounts, and a small HTTP+JSON API over the same calls.
//
// # Faults
//
// Every terminal simulator speaks the words of [TerminalWords] and the virtual printer those of
// [PrinterWords], with the same meaning everywhere. A fault is written
//
//	NAME[=VALUE][@N|@sticky]
//
// "decline" is one-shot (the next operation it applies to), "decline@3" lasts three
// operations, "decline@sticky" until it is cleared. Faults given when a simulator starts
// (`hwprobe sim X --faults ...`, simulators.Spec.Faults) are sticky unless they say "@N".
// A fault is used up only by an operation it applies to: "decline" waits for an operation
// that moves money, and a status query in between does not consume it. A protocol that
// cannot express a word says so with the reason, a property of the protocol (JSON over
// TCP has no checksum to corrupt): [Support.NotExpressible], returned as a
// [*NotExpressibleError] by SetFaults and printed by `hwprobe sim X --faults help`.
// Printer conditions (paper-out, cover-open, offline, paper-near-end) are device states:
// they last until cleared.
//
// # Test amounts
//
// [TestAmounts] is one table for every terminal simulator: an amount's kopecks choose the
// outcome (x.51 insufficient funds, x.05 do not honour, x.91 issuer unavailable, x.10
// partial approval, ...); each simulator answers it with its protocol's own code, and any
// other amount is approved. Faults and a simulator's own Config knobs come first.
//
// # HTTP
//
// [NewHandler] serves the API (routes in its doc), [Listen] binds it on loopback unless
// told otherwise, [DecodeFaults] reads a request body, and [Client] calls it from Go.
// `hwprobe sim X --control 127.0.0.1:PORT` serves one simulator, `hwprobe sim all
// --control ...` every one behind one endpoint.
package control
