// Package bposlightsim simulates an Ingenico terminal speaking B-POS Light (spec v1.6, as
// summarised in /work/shared/protocols/bposlight.md), on TCP (the real terminal listens on
// port 2000; [Server.ListenTCP] defaults to 127.0.0.1:0) or any byte link such as a pty
// master ([Server.ServeConn]).
//
// It has its own framing and TAG=value code and does not use the driver (package
// bposlight) or its link layer, so one misunderstanding cannot pass both sides. It accepts
// the LRC over the data (the spec's examples) and over LL and data (a literal reading of
// the spec's wording), and the LL = len+3 / trailing-NUL frames of the older hobby
// implementation (bposlight.md §1.2, §2).
//
// Behaviour: PUR (card, QR with QRALLOW=1;CARDTYPE=1, goods list answered with FSCNUM and a
// QRDATA link), CON by INVOICE or by QRDATA, CAN by invoice within the batch, SET per
// merchant with DEB/CRD/CAN totals (confirmed purchases count as debits, voids also as
// cancels, unconfirmed purchases not at all), then a new batch; ACQ lists MIDs and TIDs.
// A purchase not confirmed within ConfirmTimeout, or still waiting when the next request
// arrives, is cancelled (the spec: "otherwise the terminal auto-cancels"; the wait is
// bank-configured and not public). With WaitForCard, a bare EOT from the ECR aborts the
// card wait with RESP=PUR;RC=1001;DATETIM;MID;TID as in the spec's example.
//
// Codes the spec does not give: the simulator answers its own refusals (unknown request,
// unknown invoice or merchant, nothing to confirm) with RC=1000, a "terminal service
// error" (> 999) of its own choice.
//
// Faults ([Faults]): NAK storms, corrupted LRCs, silence (no ACK, or ACK and no answer),
// decline RC codes, EOT instead of an answer, disconnect after a given request.
//
// # Control
//
// [Server.Control] steers it at run time with the fault vocabulary of package control
// (docs/simulators.md): decline[=CODE] (RC=CODE), silent (no ACK, also to the ECR's repeats
// of the frame), drop-reply, disconnect-mid-reply, garbage, corrupt-checksum[=N], nak[=N],
// slow=DURATION, host-down (RC=1004 to PUR, CAN and SET), card-timeout (the purchase waits
// for a card presented through the control, or the ECR's EOT), cashier-abort (RC=1001, as
// the spec's abort example), and its own drop-request, no-response and eot. RC codes of
// 1000 and up other than 1001 are BPOS1's (bpos1.md §2.2); that B-POS Light shares them is
// an inference (bposlight.md §4), and its RC below 1000 are "host-dependent": the simulator
// uses the ISO 8583 codes. It cannot express two words, for reasons of the protocol: partial
// (B-POS Light v1.6 has no partial approval: a purchase answer carries RC and AMOUNT, and the
// spec documents no partly approved answer, §1.3, §1.4) and busy (the spec gives no RC,
// control byte or message for a terminal busy with another operation). ACQ is a query: only
// sticky faults show on it. Config.AnswerDelay keeps a gap between the ACK of PUR, CAN or
// SET and the answer, written separately. The test amounts of control.TestAmounts apply to
// purchases (partial approvals are approved in full).
package bposlightsim
