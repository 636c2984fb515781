// Package privatsim simulates a PrivatBank JSON ECR terminal (spec 1.0.3.1), written from the
// protocol notes (../shared/protocols/privatjson.md) and not from the privatjson client: it
// has its own frame reader and JSON structs, so one misunderstanding cannot pass both sides.
//
// It listens on TCP (the real terminal's port is 2000; tests use 127.0.0.1:0) or serves one
// link such as a pty master ([Server.ServeConn]). It behaves as the notes describe:
//
//   - one active session: while a client holds it, another client's requests get silence
//     (Newland N950 field report), unless Config.Shared;
//   - card operations walk the status codes 9 -> 1 -> 6 -> 3 -> 10 -> 0 (getLastStatMsgCode),
//     with Config.StepDelay between steps (zero by default), optionally holding at 9 until
//     [Server.PresentCard] or at 11 for the correction flow;
//   - any non-service request during an operation gets deviceBusy; service messages are
//     answered alongside; interrupt gives interruptTransmitted and the final 1001;
//   - a batch journal makes Withdrawal by invoice, GetReceiptInfo, PrintReceiptNum, Audit and
//     Verify consistent; Verify closes the batch;
//   - declines by amount (Config.Decline, [DeclineRules]), partial approval
//     (Config.PartialLimit), busy, silence, and one-shot faults ([Server.InjectFault]): lost
//     reply, reply cut mid-frame, 10 MiB of garbage without 0x00;
//   - unknown methods and msgTypes get methodNotImplemented.
//
// Receipt texts, approval codes, RRNs and the error text for an unknown invoice in
// GetReceiptInfo are the simulator's own inventions; the notes do not give them.
//
// # Control
//
// [Server.Control] steers it at run time with the fault vocabulary of package control
// (docs/simulators.md): decline[=CODE] (responseCode CODE, four digits; 1000 and up as the
// short reply), partial=AMOUNT (0010, error:false), busy (deviceBusy), silent, drop-reply,
// disconnect-mid-reply, garbage, slow=DURATION, host-down (1004 for card operations, voids,
// CheckConnection, Verify and GetBalance), card-timeout (held at status 9 until interrupt or
// a presented card), cashier-abort (1001), and its own drop-request. It cannot express two
// words, for reasons of the protocol: corrupt-checksum (a frame is JSON ended by 0x00,
// privatjson.md §1.2: there is no checksum) and nak (the JSON ECR protocol has no ACK/NAK: a
// request is answered by its reply or not at all). PingDevice and the queries (GetTerminalInfo,
// GetReceiptInfo, PrintReceiptNum, PrintBatchJournal, Audit, VerifyCopy) and service messages
// show only sticky faults. The test amounts of control.TestAmounts apply to purchases,
// refunds, cash-back, services and pre-authorisations that no Config.Decline rule names. The
// ledger records host approvals, partial approvals and declines (codes below 1000), voids and
// settlements.
package privatsim
