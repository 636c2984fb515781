// Package libserve serves the vendor-library simulators (Printec POSAPI, simulators/posapisim;
// Ingenico BPOS1 flat API, simulators/bpos1sim) out of process, so that a program in any
// language can drive them through a fake vendor library (cmd/fakelibs) that forwards each C
// call here over loopback TCP.
//
// The server side ([NewPOSAPI], [NewBPOS1], [Start]) wraps a capi.Library or a bpos1.Lib
// and serves each call; the client side ([POSAPIClient], [BPOS1Client]) implements the same
// interface over one connection ([Conn]).
//
// # Protocol
//
// The protocol is uapos's own, made for this package. It is not Printec's or Ingenico's: the
// link between their libraries and a terminal is not public (protocols/posapi.md §1.2,
// protocols/bpos1.md §1.1), and nothing here imitates it.
//
// A frame is a 4-byte big-endian length N, then N bytes of one JSON object. A request body
// is at most [MaxRequest] bytes and an answer body at most [MaxResponse]; a length of 0 or
// above the limit ends the connection (the server answers a too-large error first). Each
// request gets exactly one answer, in order; a connection carries one call at a time.
//
// A request is
//
//	{"call": NAME, "h": HANDLE, "n": [NUMBERS], "s": [STRINGS]}
//
// and an answer
//
//	{"r": RET, "v": VAL, "h": HANDLE, "s": STRING, "p": [{"k": NAME, "v": VALUE}], "err": {"code": CODE, "msg": TEXT}}
//
// with empty members left out. Strings are byte strings (POSAPI values and BPOS1 text are
// single-byte code pages, not UTF-8), written in JSON as standard base64. "r" is the C
// function's return value (a C bool as 0 or 1); "err" replaces the answer when the server
// refused the request, with one of the Code* values.
//
// The first call of a connection is "hello", n = [Version], s = [kind] ("posapi" or
// "bpos1"); the answer is r = Version, s = the server's kind, or a wrong-kind error after
// which the server hangs up.
//
// Every other call names a function of the library, with its arguments in the order of its
// signature split into "n" (numbers) and "s" (strings). The signature letters are B
// (unsigned char, 0-255), I (unsigned 32-bit), N (C int, signed 32-bit) and S (string
// without NUL bytes); the server checks the count and range of every argument.
//
// POSAPI calls (protocols/posapi.md A.1) take the session handle in "h": pos_open (SS: name,
// log; answer h = handle, r = ok), pos_open_with_timeout (SNS: name, log; timeout),
// pos_close, pos_set (SS: param, val), pos_send (N: action), pos_receive (N: timeout in ms;
// the answer's "p" carries every parameter of the reply in order, so pos_get,
// pos_get_first, pos_get_next, pos_get_length and pos_get_max_length are answered by the
// client without a call), pos_error, symbol_int (S: name; r = found, v = value of an
// ACTION_*, RESP_* or ERR_* symbol) and symbol_string (S: name; r = found, s = wire name of
// a POS_* symbol). When a connection ends, the server closes the handles it opened, as the
// vendor library's link to the terminal would drop with the application.
//
// BPOS1 calls are the method names of bpos1.Lib (the flat API's BPOSLib_<name>; IssuerName
// and EmvAID for the header's IssueName and emvAID): actions answer r = the ECRC code, for
// example Purchase (IIB: amount, addAmount, merchIdx) or Refund (IIBS: ..., rrn); numeric
// getters answer r = the value, string getters s = the bytes.
package libserve
