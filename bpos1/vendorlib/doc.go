// Package vendorlib is backend A of package bpos1: it loads the user-supplied Ingenico
// Linux flat C library (libcBPOSLib.so, the BPOSLib_* API of bpos1.md Addendum A.1) at run
// time, without cgo, through github.com/ebitengine/purego, and exposes it as a bpos1.Lib.
//
// Nothing vendor-made is part of this module: the caller gives the path of the library
// installed on the machine ([Config.Path]). This backend is the proven way to drive a
// BPOS1 terminal: every shop using BPOS1 today does it through Ingenico's library.
//
// Calling notes (bpos1.md Addendum A.2):
//
//   - actions return an ECRC int and run in the background; bpos1.Client polls LastResult;
//   - numeric getters return the value itself; string getters are int BPOSLib_X(char* out)
//     with no size argument, so this package passes buffers of the sizes the vendor's own
//     tools use: 128 bytes for short fields and descriptions (SELF2000, ERROR_SIZE_MAX),
//     4096 for TerminalInfo and ScenarioData (DATA_SIZE_MAX), 33000 for Receipt (SELF2000;
//     the manual gives Receipt <= 32648 bytes);
//   - strings are Windows-1251 in both directions; they are passed through unchanged and
//     bpos1.Client converts them;
//   - amounts are signed int in the flat API: a value above 2^31-1 is refused with ECRC 1
//     before the call;
//   - every call is serialised (one library instance, one call at a time); the flat API
//     keeps global state, so two Libraries opened from the same path share one terminal
//     session;
//   - a symbol missing from the loaded library (for example DateTime, which the flat API
//     lacks) makes its action return ECRC 8 (NODATA, which bpos1 reports as not supported)
//     and its getter return the zero value.
//
// The loader builds on linux/amd64 and linux/arm64; elsewhere [Open] returns
// [ErrUnsupportedPlatform].
package vendorlib
