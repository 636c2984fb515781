package bpos1

import "context"

// backend is what [Terminal] needs of a BPOS1 client. [*Client] (the vendor library, its
// in-process simulator) implements it as it is; the native wire's [*WireClient] through
// wireBackend, which answers what the wire has no frame for with ECRC 8 (NODATA), as the
// vendor library does for a request it cannot make.
type backend interface {
	Purchase(ctx context.Context, amount, discount uint32, merch uint8) (*Txn, error)
	Refund(ctx context.Context, amount uint32, merch uint8, rrn string) (*Txn, error)
	Void(ctx context.Context, invoice uint32, merch uint8) (*Txn, error)
	CashAdvance(ctx context.Context, amount uint32, merch uint8, currCode string, acc uint8) (*Txn, error)
	TxnByInvoice(ctx context.Context, invoice uint32, merch uint8) (*Txn, error)
	LastTxn(ctx context.Context) (*Txn, error)
	Settlement(ctx context.Context, merch uint8) (*Totals, error)
	PrintBatchTotals(ctx context.Context, merch uint8) (*Totals, error)
	TerminalInfo(ctx context.Context) (TerminalInfo, error)
	CheckConnection(ctx context.Context, merch uint8) error
	Ping(ctx context.Context) error
	Status() Status
	// hasTotals reports whether Settlement and PrintBatchTotals fill the totals.
	hasTotals() bool
}

var (
	_ backend = (*Client)(nil)
	_ backend = wireBackend{}
)

func (c *Client) hasTotals() bool { return !noTotals(c.lib) }

// noTotals reports whether a Lib cannot fill the Totals properties.
func noTotals(l Lib) bool {
	n, ok := l.(interface{ totalsUnknown() bool })
	return ok && n.totalsUnknown()
}

// wireBackend is the adapter's view of a [WireClient].
type wireBackend struct{ w *WireClient }

func noData(op string) error { return &CallError{Op: op, Code: ECRCNoData} }

func txnOf(r *WireReply, err error) (*Txn, error) {
	if err != nil {
		return nil, err
	}
	return r.Txn(), nil
}

func (b wireBackend) Purchase(ctx context.Context, amount, discount uint32, merch uint8) (*Txn, error) {
	if discount != 0 {
		return nil, noData("Purchase") // the wire has no documented discount tag
	}
	return txnOf(b.w.Purchase(ctx, amount, merch))
}

func (b wireBackend) Refund(ctx context.Context, amount uint32, merch uint8, rrn string) (*Txn, error) {
	return txnOf(b.w.Refund(ctx, amount, merch, rrn))
}

func (b wireBackend) Void(ctx context.Context, invoice uint32, merch uint8) (*Txn, error) {
	return txnOf(b.w.Void(ctx, invoice, merch, 0))
}

func (b wireBackend) CashAdvance(context.Context, uint32, uint8, string, uint8) (*Txn, error) {
	return nil, noData("CashAdvance")
}

func (b wireBackend) TxnByInvoice(context.Context, uint32, uint8) (*Txn, error) {
	return nil, noData("GetTxnDataByInv")
}

func (b wireBackend) LastTxn(context.Context) (*Txn, error) { return nil, noData("GetTxnNum") }

func (b wireBackend) Settlement(ctx context.Context, merch uint8) (*Totals, error) {
	if _, err := b.w.Settlement(ctx, merch); err != nil {
		return nil, err
	}
	return &Totals{}, nil
}

func (b wireBackend) PrintBatchTotals(ctx context.Context, merch uint8) (*Totals, error) {
	if _, err := b.w.PrintBatchTotals(ctx, merch); err != nil {
		return nil, err
	}
	return &Totals{}, nil
}

func (b wireBackend) TerminalInfo(ctx context.Context) (TerminalInfo, error) {
	return b.w.POSGetInfo(ctx)
}

func (b wireBackend) CheckConnection(context.Context, uint8) error {
	return noData("CheckConnection")
}

func (b wireBackend) Ping(ctx context.Context) error { return b.w.Ping(ctx) }

func (b wireBackend) Status() Status { return b.w.Status() }

func (b wireBackend) hasTotals() bool { return false }
