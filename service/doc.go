// Package service is the HTTP layer of uaposd, the local device service: one HTTP API over every
// configured bank terminal, receipt printer and cash drawer, so that a POS app in any language
// (1C, C#, Delphi, PHP, JavaScript) can pay and print without importing Go.
//
// It serves two faces over the same devices:
//
//   - the native API under /v1/ (documented as OpenAPI 3 at /v1/openapi.json, a checked-in
//     file embedded in the binary and checked against the router by a test): devices and their
//     status, every terminal operation of the device's DM capability row, jobs for long card
//     waits (poll, Server-Sent Events progress, abort), printing documents and text, the
//     drawer, DM's package mode as one call (package checkout, with the fiscal step as the
//     caller's webhook), and journal queries;
//   - a facade of Vchasno Device Manager's public device API (POST /dm/execute with type 3 and
//     a pay object, and the service GETs), so that an app written for DM can switch by changing
//     a URL. Shapes the public sources do not show are implemented as guesses and listed as
//     "unverified against DM" in docs/service.md.
//
// The package only translates: it decodes and bounds a request, calls one library function and
// encodes the result or the error. Every rule about money lives below it: idempotency by
// transaction id and reconciliation of lost replies in journal.Ledger (inside each adapter),
// the capability row in payment.CapabilitySet, the one-exchange-per-device gate in payment.Gate
// (a second request for a busy terminal gets DM code 1105 at once, or waits with ?wait=1;
// printers queue), the sale flow in package checkout.
//
// Every error leaves as a JSON body carrying a DM code (payment.Error codes; 2000 "invalid
// JSON" for input the service refuses before any device is touched), with the kind, the
// Ukrainian text DM would give and an English one. The DM facade answers HTTP 200 with res and
// errortxt, as DM does.
//
// # Configuration
//
// The configuration is one YAML file read with go.yaml.in/yaml/v3, the YAML organisation's
// maintained continuation of gopkg.in/yaml.v3. YAML was chosen over TOML for one reason that
// matters to the people who edit the file at a shop: every node of a parsed document carries
// its line and column, so every error — a syntax error, an unknown key, a wrong type, and the
// service's own checks (an unknown protocol, a bank without a DM row for it, a drawer naming a
// printer that does not exist, two devices with one name) — is reported as "file:line:col:
// message" from one parse. The TOML libraries either hide key positions (BurntSushi/toml) or
// expose them only through an API marked unstable (pelletier/go-toml/v2). The library is pure
// Go with no dependencies of its own. See [ParseConfig].
//
// # Devices
//
// The service knows devices only through interfaces ([TerminalDevice], [PrinterDevice],
// [DrawerDevice]); the wiring from a configuration to the protocol packages and to the
// built-in simulators is in cmd/uaposd. A device is opened on first use; a device whose link
// fails is closed and opened again on the next request, which meanwhile gets a clear error.
package service
