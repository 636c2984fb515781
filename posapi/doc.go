// Package posapi drives Printec POSAPI bank terminals (Raiffeisen Bank Aval, PUMB and Sense
// Bank rows of Vchasno Device Manager) through Printec's own library.
//
// # What is not public
//
// The link between Printec's library and the terminal (USO v3.100+ over USB, serial or
// TCP/IP) is not public: no document, reverse-engineered implementation or capture of its
// bytes exists in any source we found. POSAPI terminals are driven only through the vendor's
// closed library, LIBPOS.SO on Linux or POSAPI.DLL on Windows, which the user must supply.
// This package therefore does not speak to a terminal by itself: it binds that library at
// run time and runs the library's documented call sequence. There is no Identify function
// for the same reason (there is no wire to probe).
//
// # Layers
//
//   - Package capi declares the C API ([capi.Library]: pos_open, pos_open_with_timeout,
//     pos_close, pos_set, pos_send, pos_receive, pos_get, pos_get_first/next, pos_error) and
//     names its symbols: [capi.Action] (ACTION_BREAK 0x0001 ... ACTION_SIGNATURE 0x0502),
//     [capi.Response] (RESP_ERROR ... RESP_WRONG_MAC) and the parameter dictionary
//     [capi.Dictionary] (POS_AMOUNT "amount", minor units, 1-12 digits; POS_CURRENCY 980;
//     POS_DATE_TIME YYYYMMDDhhmmss; ...).
//   - [Load] binds the vendor library without cgo (purego): cdecl calls, one-byte C bool
//     returns, exported `extern const` symbols read by name (POS_* are pointers to strings,
//     dereferenced once), falling back to the public values. It opens LIBPOS.SO with dlopen
//     (Linux, macOS, BSD) or POSAPI.DLL with LoadLibrary (Windows); only the Linux path is
//     tested, against a fake C library built by the test, and 32-bit Windows not at all. Symbols the guide names without
//     a public value (ACTION_HOST_COUNT, ACTION_HOST_INFO, ACTION_CONFIRM, POS_HOST_CODE,
//     POS_CASHBACK_AMOUNT, ...) work only when the library exports them or
//     [Config].Symbols supplies them: those features are provisional until checked against a
//     real library. pos_open_with_timeout has conflicting argument orders in the public
//     sources; the C header's order is used and only when Config.OpenTimeout is set.
//   - [Client] runs one operation per session: pos_open, pos_set*, pos_send, then the receive
//     loop (RESP_MESSAGE -> progress, RESP_IDENTIFIER -> the caller stores POS_TRANS_ID before
//     anything else, RESP_TIMEOUT -> keep waiting until the context ends, RESP_CONFIRM /
//     RESP_DECLINE / RESP_BREAK / RESP_WRONG_MAC final), ACTION_BREAK on a cancelled context
//     only while msg_break allows it, the discount revision and cashier confirmation flows,
//     ACTION_STATUS for crash recovery and CLOSE_DAY per host.
//   - [Terminal] adapts it to payment.Terminal with DM's rows; declines are DM 5024
//     "Повідомлення від банку: %s Статус: %s Код відповіді банку: %s" (POS_TRANS_STATUS,
//     POS_STATUS, POS_HOST_CODE) and interrupted operations DM 5023. It runs on
//     adapter.Base, money-moving calls under its journal.Ledger.
//
// # Reconciling a lost outcome
//
// The request carries no reference of the caller's; the terminal gives one for the request
// itself: POS_TRANS_ID in RESP_IDENTIFIER, before it goes to the host (posapi.md 1.8.2),
// which the adapter notes in the journal at once ([RefTransID]). A lost outcome is resolved
// with ACTION_STATUS by that id (Evidence.Reference [RefTransID]): that operation's record,
// or not found. With no id the terminal did not go to the host if the session ended without
// RESP_IDENTIFIER; if the application stopped during the session it may have, and since the
// adapter has no last-transaction query to match by likeness, the entry stays unknown with
// "ask the bank" (7002). A retry that takes over a failed attempt drops that attempt's id.
//
// The simulator simulators/posapisim implements [capi.Library] in memory after the guide's
// documented state machine; it is not a model of the unknown terminal link.
//
// Source: the project's protocol note protocols/posapi.md (Printec POSAPI developer guide
// v1.39, the public C headers and Delphi unit), sections 1.2-1.10 and addendum A.
package posapi
