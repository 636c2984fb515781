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
package privatsim
