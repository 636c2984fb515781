// Package payment is the shared vocabulary of uapos bank terminals.
//
// It adopts the vocabulary of Vchasno Device Manager (DM) so that a vendor moving from DM
// recognises every operation and every code:
//
//   - [Operation] carries DM's task numbers (1 purchase, 2 refund, 3 cancel, ... 17 get
//     transaction) and [Service] its six service calls.
//   - [Capabilities] returns DM's per bank + protocol capability row; an adapter refuses an
//     operation outside its row with code 5029 before touching the wire.
//   - [Error] carries DM's error code (5000-5029, 411, 1016, 1105, ...), a kind usable with
//     [errors.Is] ([ErrDeclined], [ErrBusy], ...), the host response code and the device's own
//     text, with English ([Error.Error]) and Ukrainian ([Error.Ukrainian]) messages.
//   - [Amount] is money in integer kopecks; [MaskedPAN] is a card number that can never be full.
//   - [Terminal] is the interface every protocol adapter implements, with optional interfaces
//     ([CashbackPurchaser], [TransactionGetter], ...) for what not every protocol has.
//   - [Gate] lets one operation at a time through to a device (1105 busy, or wait).
//
// The package does no I/O. The durable record of money-moving operations, and the ledger that
// keeps a lost reply from losing or doubling a payment, are in package journal.
package payment
