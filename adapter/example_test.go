package adapter_test

import (
	"context"
	"fmt"

	"github.com/uapos/uapos/adapter"
	"github.com/uapos/uapos/payment"
)

// toyClient stands for a protocol client: the part that speaks the wire.
type toyClient struct{ sales int }

// charge stands for the client's purchase exchange with the terminal.
func (c *toyClient) charge(_ context.Context, amount payment.Amount) (*payment.Result, error) {
	c.sales++
	return &payment.Result{Operation: payment.OpPurchase, Approved: true, ResponseCode: "0000",
		RRN: "512345678901", AuthCode: "A1B2C3", PAN: "4731XXXXXXXX9838", Amount: amount}, nil
}

// toyLink stands for the transport link, which names the device.
type toyLink string

func (l toyLink) String() string { return string(l) }

// Terminal is how a protocol's terminal looks: the base embedded, and each operation a mapping
// from the payment vocabulary to the client.
type Terminal struct {
	*adapter.Base[*toyClient]
}

// Purchase runs task 1 through the base: row check, gate, journal, then the client.
func (t *Terminal) Purchase(ctx context.Context, req payment.Request) (*payment.Result, error) {
	return t.Money(ctx, payment.OpPurchase, req, func(ctx context.Context) (*payment.Result, error) {
		return t.Client().charge(ctx, req.Amount)
	})
}

// A protocol's terminal embeds the base; the base fills the configuration's defaults (bank,
// journal key, in-memory journal) and runs every money-moving exchange under the ledger.
func Example() {
	client := &toyClient{}
	base, err := adapter.New(client, adapter.Config{}, adapter.Spec{
		Protocol:    payment.ProtoPrivatJSON,
		DefaultBank: payment.BankPrivat,
		KeyPrefix:   "toy",
		Link:        toyLink("tcp://127.0.0.1:2000"),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	t := &Terminal{Base: base}
	fmt.Println(t.Key())
	fmt.Println(t.Capabilities())

	ctx := context.Background()
	req := payment.Request{TransactionID: "sale-42", Amount: 12345}
	res, err := t.Purchase(ctx, req)
	fmt.Println(res.Approved, res.Amount, res.RRN, res.PAN, err)

	// A retry with the same id is answered from the journal.
	res, err = t.Purchase(ctx, req)
	fmt.Println(res.Approved, err, "sales on the terminal:", client.sales)
	e, _, _ := t.Journal().Get(ctx, "sale-42")
	fmt.Println(e.Terminal, e.State)
	// Output:
	// toy:tcp://127.0.0.1:2000
	// PrivatBank (JSON)
	// true 123.45 512345678901 4731XXXXXXXX9838 <nil>
	// true <nil> sales on the terminal: 1
	// toy:tcp://127.0.0.1:2000 approved
}
