// Package capi declares the C API of Printec's POSAPI library (LIBPOS.SO / POSAPI.DLL) as Go
// types, and nothing else: the [Library] interface mirrors pos_open ... pos_error one to one,
// and [Action], [Response] and [Param] name the library's exported ACTION_*, RESP_* and POS_*
// symbols together with the values the public record gives for them.
//
// The package is pure declarations so that both the client (package posapi) and an
// independent implementation (the simulator in simulators/posapisim, or the purego binding to
// the vendor's library) can depend on it without depending on each other.
//
// Source: Printec "POSAPI v1.39, developer guide" and the public C headers (pos.h, posapi.h)
// and Delphi unit (uPosApi.pas), as summarised in the project's protocol note
// protocols/posapi.md (sections 1.3-1.6 and addendum A). The numeric values of the symbols
// come only from the Delphi unit; the C headers declare them as exported data, so the library
// that is actually loaded is the authority: clients read the symbols by name and use the
// values here only as a fallback. Symbols the v1.39 guide names but no public source gives a
// value for (ACTION_HOST_COUNT, POS_HOST_CODE, ...) have no fallback here: they work only
// when the loaded library exports them.
package capi
