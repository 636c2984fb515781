// Package posapisim is an in-memory implementation of the Printec POSAPI library interface
// (posapi/capi.Library) that plays the terminal's documented state machine, for tests and
// demos without a terminal.
//
// It is written from the project's protocol note protocols/posapi.md (sections 1.3-1.9 and
// addendum A), not from the client: it has its own symbol table and its own parameter
// handling, and imports only the pure declarations of posapi/capi. The link between
// Printec's library and a real terminal is not public, so this simulates the library's API
// boundary, not any wire.
//
// What it plays: card-reading operations emit RESP_MESSAGE steps (interruptible), then
// RESP_IDENTIFIER with POS_TRANS_ID before the host step, then a host message (no longer
// interruptible) and the final RESP_CONFIRM or RESP_DECLINE. A lost RESP_IDENTIFIER
// (Config.LoseIdentifier) ends in RESP_BREAK with nothing charged. Only successful
// operations go to the terminal journal; ACTION_CLOSE_DAY clears it; ACTION_STATUS looks an
// operation up by POS_TRANS_ID (a reversal replaces its original; not found is RESP_DECLINE,
// or RESP_BREAK with Config.StatusNotFoundBreak as on terminals before USO 3.109r).
// ACTION_REVISION may only lower the amount; declines carry classes 1-6 with a host code;
// Config.PartialAmount approves less than asked (PAYMENT_WITH_CASH then pays no cash).
// When a session is abandoned after RESP_IDENTIFIER (the app crashed), the terminal finishes
// the operation with the host on its own, as the guide describes.
//
// # Control
//
// [Library.Control] steers it at run time with the fault vocabulary of package control
// (docs/simulators.md): decline[=CODE] (RESP_DECLINE with host_code CODE and POS_STATUS 5
// for 51, 6 for 91, 4 for 96, else 1: a pairing of the simulator's), partial=AMOUNT
// (part_approval 1), silent (pos_receive returns RESP_TIMEOUT and ACTION_BREAK is not
// answered), drop-reply (done with the host, then RESP_ERROR and pos_error ERR_FAILURE),
// slow=DURATION, host-down (RESP_DECLINE, POS_STATUS 2, for card operations, reversals and
// the echo; a close day without a profile always confirms, posapi.md §1.8), card-timeout
// (held after the first card message until a card is presented through the control, or
// ACTION_BREAK), cashier-abort (RESP_BREAK), and its own lost-identifier. It cannot express
// busy (pos_receive's RESP_* codes, posapi.md §1.4, include no busy answer, and a session
// runs one operation) nor disconnect-mid-reply, garbage, corrupt-checksum or nak (POSAPI is a
// C library API: it hands over typed parameters, and its link to the terminal is not public;
// a reply cut inside it is a lost reply). ACTION_STATUS, ACTION_REPORT and the host list
// show only sticky faults. The test amounts of control.TestAmounts apply to card operations
// when Config sets no Decline or PartialAmount; a terminal code (1002, 1004) has no POSAPI
// form and is said with its class and no host code.
//
// Symbols the guide names without a public value (ACTION_HOST_COUNT, ACTION_HOST_INFO,
// ACTION_CONFIRM, POS_HOST_CODE, POS_CASHBACK_AMOUNT, POS_HOST_NAME, ...) are exported with
// values and names chosen by this simulator, listed in [SimulatorSymbols]; they are not
// Printec's.
package posapisim
