// Package checkout runs a whole sale the way Device Manager's package mode (/dm/execute-pkg)
// does, as one library call: pay the card part on the bank terminal, fiscalise through the
// caller's hook, print the receipt, open the cash drawer when any part is cash.
//
// uapos does not talk to tax services: the fiscal step is the caller's [Config.Fiscalize]
// hook, which gets every card field a PRRO record needs (MID, TID, masked PAN, card type,
// auth code, RRN, payment system) and returns the fiscal receipt's text and QR link.
//
// Failure policy (DM's, with its recommended option on):
//   - the terminal declines: nothing else runs; the sale fails.
//   - fiscalisation fails: the card payment is voided on the terminal (auto-cancel, on by
//     default, [Config.KeepPaymentOnFiscalError] turns it off), so the terminal's batch and the
//     tax service's Z-report never disagree.
//   - printing fails: the sale stands; [Outcome.Printed] is false (DM's isprint = 0) and
//     [Checkout.Reprint] prints it again.
//   - the drawer fails: reported in [Outcome.DrawerErr]; the sale stands.
//
// Every step is journaled under the sale's transaction id (in a [journal.Journal]), and the
// terminal's own journal makes the card step idempotent, so calling [Checkout.Sell] again
// after a crash at any point resumes where the sale stopped, never charges twice, and never
// fiscalises a sale whose outcome is already recorded.
//
// The package sits above payment and escpos (it imports both, and drawer's behaviour through
// a one-method interface) rather than inside payment: payment is the vocabulary every protocol
// package imports, and must not pull the printer encoder into each of them.
package checkout
