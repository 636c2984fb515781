// Package fakelibs holds the fake vendor libraries of the suite, each a main package built
// with -buildmode=c-shared (so they need cgo):
//
//   - cmd/fakelibs/posapi: a fake Printec LIBPOS.SO exporting the pos_* functions and the
//     ACTION_*, RESP_*, ERR_* and POS_* data symbols (protocols/posapi.md A.1, A.3);
//   - cmd/fakelibs/bpos1: a fake Ingenico libcBPOSLib.so exporting the flat BPOSLib_* API
//     (protocols/bpos1.md Addendum A.1).
//
// Each forwards every call over loopback to a library simulator served by package
// simulators/libserve (`hwprobe sim posapi`, `hwprobe sim bpos1 --library`), so that an
// application in any language that loads the vendor's library can run its tests against the
// simulator by loading the fake instead. The server address comes from UAPOS_POSAPI_ADDR or
// UAPOS_BPOS1_ADDR, else UAPOS_SIM_ADDR, else 127.0.0.1:47390 (POSAPI) or 127.0.0.1:47391
// (BPOS1); the fakes dial on the first call and again on the call after a failure, and
// never repeat a call.
//
// Names and C types are those of the protocol notes. Where the notes are silent, the fakes
// choose, and these choices are ours, not the vendors':
//
//   - POSAPI data symbols hold the Delphi unit's values; the symbols the v1.39 guide names
//     without a public value (ACTION_HOST_COUNT, ACTION_HOST_INFO, ACTION_CONFIRM,
//     POS_HOST_CODE, POS_CASHBACK_AMOUNT, POS_CONFIRM_SIGN, POS_TRANS_PART_APPROVAL,
//     POS_HOST_NAME, POS_HOST_STATE, POS_HOST_RECORD) hold the simulator's own values.
//   - pos_get and pos_get_first/next refuse a value (and its name) that does not fit the
//     buffer with its NUL: they write "" and return false, rather than cut it.
//     pos_get_length and pos_get_max_length return lengths without the NUL (A2v10 adds 1),
//     0 for an absent parameter.
//   - pos_open fails (false, POS_NONE, pos_error ERR_FAILURE) when the simulator cannot be
//     reached; pos_receive then returns RESP_ERROR.
//   - BPOSLib string getters get no buffer size: they write at most 128 bytes (short
//     fields, descriptions), 4096 (TerminalInfo, ScenarioData, AddData) or 33000 (Receipt),
//     NUL included, the sizes of the vendor's own tools (bpos1.md A.2); a longer value is
//     refused with ECRC 10 (TOOSMALLBUFFER) and "".
//   - BPOSLib amounts, invoice numbers and other numbers are C int: a negative one is
//     refused with ECRC 1 (FAIL) before it reaches the simulator.
//   - BPOSLib_InitializeBPOS and BPOSLib_useLogging do nothing and return 0;
//     BPOSLib_UninitializeBPOS closes the link to the simulator; BPOSLib_CommOpenAuto opens
//     the simulated link like CommOpen.
//   - The functions the simulator does not simulate (PrintLastSettleCopy,
//     PrintBatchJournal, SetControlMode, ReadKey, DisplayText, SetLine, ExchangeStatuses,
//     Balance, Deposit, POSExTransaction, SelectApp, CloseApp, SetExtraPrintData,
//     SetExtraXmlData, SendFile, SetScreen, CheckTerminal, ReqDataFile, UseMac) return ECRC
//     8 (NODATA); the card-data getters (Track3, CryptedData, ExtraCardData, PanHash,
//     DataFile) write "" and return ECRC 8; TermStatus and Key return 0.
//   - When the simulator cannot be reached, BPOSLib actions return ECRC 4
//     (FAILEDTOCONNECT) or 11 (DISCONNECTED), and LastResult reads 1 with LastErrorCode 3
//     until an action reaches it again.
//   - The flat API has no DateTime or CompletionInvoiceNum getter (A.1), and neither has
//     the fake.
//
// Besides the two main packages, this directory holds the end-to-end test: a C program
// (testdata/drive_*.c) drives each fake library through purchase, refund, void and close
// of day against an in-process server, and the test checks the simulator's ledger.
package fakelibs
