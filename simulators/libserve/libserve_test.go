package libserve_test

import (
	"context"
	"errors"
	"testing"

	"github.com/uapos/uapos/bpos1"
	"github.com/uapos/uapos/posapi"
	"github.com/uapos/uapos/posapi/capi"
	"github.com/uapos/uapos/simulators/bpos1sim"
	"github.com/uapos/uapos/simulators/libserve"
	"github.com/uapos/uapos/simulators/posapisim"
)

func serve(t *testing.T, s *libserve.Server) string {
	t.Helper()
	addr, err := s.ListenTCP("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return addr
}

// TestPOSAPIOverTheWire runs the Go POSAPI driver on a client of a served simulator:
// purchase, refund, reversal and close day, checked against the simulator's journal.
func TestPOSAPIOverTheWire(t *testing.T) {
	sim := posapisim.New(posapisim.Config{})
	addr := serve(t, libserve.NewPOSAPI(sim, libserve.Config{}))
	lib := libserve.NewPOSAPIClient(addr, libserve.ClientConfig{})
	defer lib.Conn().Close()
	c, err := posapi.New(lib, posapi.Config{Port: "127.0.0.1:2000"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	var ids []string
	pay, err := c.Do(ctx, posapi.Call{Action: capi.ActionPayment,
		Args:         []posapi.Arg{{Param: capi.ParamAmount, Value: "12345"}, {Param: capi.ParamCurrency, Value: "980"}},
		OnIdentifier: func(id posapi.Identifier) error { ids = append(ids, id.TransID); return nil }})
	if err != nil {
		t.Fatal(err)
	}
	recs := sim.Records()
	if sim.Charges() != 1 || len(recs) != 1 || recs[0].Amount != 12345 || len(ids) != 1 || recs[0].TransID != ids[0] {
		t.Fatalf("after purchase: charges %d, journal %+v, identifiers %v", sim.Charges(), recs, ids)
	}
	if pay.Get(capi.ParamTransCode) != recs[0].RRN || pay.Get(capi.ParamTransReceipt) != recs[0].Receipt ||
		pay.Get(capi.ParamCardPAN) != "4731XXXXXXXX9838" || pay.Get(capi.ParamAmount) != "12345" {
		t.Fatalf("reply %v, journal %+v", pay.Values, recs[0])
	}
	// Cyrillic text arrives byte for byte.
	if got := pay.Get(capi.ParamActionName); got != "ОПЛАТА" {
		t.Fatalf("action name %q", got)
	}
	if _, err := c.Do(ctx, posapi.Call{Action: capi.ActionReturn, Args: []posapi.Arg{{Param: capi.ParamAmount, Value: "5000"},
		{Param: capi.ParamCurrency, Value: "980"}, {Param: capi.ParamTransCode, Value: recs[0].RRN}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Do(ctx, posapi.Call{Action: capi.ActionReversal, Args: []posapi.Arg{{Param: capi.ParamTransReceipt, Value: recs[0].Receipt}}}); err != nil {
		t.Fatal(err)
	}
	recs = sim.Records()
	if sim.Charges() != 1 || len(recs) != 2 || recs[0].Action != 0x0104 || recs[1].Action != 0x0105 || recs[1].Amount != 5000 {
		t.Fatalf("after refund and reversal: charges %d, journal %+v", sim.Charges(), recs)
	}
	z, err := c.CloseDay(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(sim.Records()) != 0 || z.Get(capi.ParamPrint) == "" {
		t.Fatalf("after close day: journal %+v, slip %q", sim.Records(), z.Get(capi.ParamPrint))
	}
	// Symbols the guide gives no value for come from the served library.
	if n, err := c.HostCount(ctx); err != nil || n != 1 {
		t.Fatalf("host count %d, %v", n, err)
	}
	if sim.OpenSessions() != 0 {
		t.Fatalf("%d sessions left open", sim.OpenSessions())
	}
}

// TestPOSAPIIteration: pos_get_first/next, pos_get_length and pos_get_max_length served
// from the reply the answer carried.
func TestPOSAPIIteration(t *testing.T) {
	sim := posapisim.New(posapisim.Config{CardSteps: []posapisim.Step{}})
	addr := serve(t, libserve.NewPOSAPI(sim, libserve.Config{}))
	lib := libserve.NewPOSAPIClient(addr, libserve.ClientConfig{})
	h, ok := lib.Open("x", "")
	if !ok || h == capi.NoHandle {
		t.Fatal("open failed")
	}
	if !lib.Set(h, "amount", "100") || !lib.Set(h, "currency", "980") || !lib.Send(h, 0x0103) {
		t.Fatal("set/send failed")
	}
	if r := lib.Receive(h, 1000); r != int(capi.RespIdentifier) {
		t.Fatalf("first answer %d", r)
	}
	id, _ := lib.Get(h, "receipt")
	var names []string
	for k, _, ok := lib.GetFirst(h); ok; k, _, ok = lib.GetNext(h) {
		names = append(names, k)
	}
	if id == "" || len(names) != 5 || names[0] != "receipt" || lib.GetLength(h, "receipt") != len(id) ||
		lib.GetLength(h, "nothing") != 0 || lib.MaxLength(h) != 64 { // pan_sha256: 64 hex digits
		t.Fatalf("id %q, names %v, max %d", id, names, lib.MaxLength(h))
	}
	if _, ok := lib.Get(h+1, "receipt"); ok {
		t.Fatal("a value for a handle with no reply")
	}
	if !lib.Close(h) {
		t.Fatal("close failed")
	}
	if lib.Receive(h, 10) != int(capi.RespError) || lib.Error(h) != capi.ErrNone {
		t.Fatal("receive on a closed handle")
	}
}

// TestBPOS1OverTheWire runs the Go BPOS1 driver on a client of a served simulator.
func TestBPOS1OverTheWire(t *testing.T) {
	sim := bpos1sim.NewLibrary(bpos1sim.Config{Declines: map[uint32]uint32{777: 51}})
	addr := serve(t, libserve.NewBPOS1(sim, libserve.Config{}))
	lib := libserve.NewBPOS1Client(addr, libserve.ClientConfig{})
	defer lib.Conn().Close()
	c, err := bpos1.New(lib, bpos1.Config{PollInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	if err := c.OpenTCP(ctx, "127.0.0.1", "2100"); err != nil {
		t.Fatal(err)
	}
	txn, err := c.Purchase(ctx, 12345, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	j := sim.Journal()
	if len(j) != 1 || j[0].TrnStatus != 1 || j[0].Amount != 12345 || txn.RRN != j[0].RRN || txn.InvoiceNum != j[0].Invoice ||
		sim.Calls("Purchase") != 1 || sim.Calls("Confirm") != 1 {
		t.Fatalf("after purchase: txn %+v, journal %+v", txn, j)
	}
	if txn.IssuerName != "SIM BANK" || txn.PAN != "4731XXXXXXXX9838" {
		t.Fatalf("txn %+v", txn)
	}
	_, err = c.Purchase(ctx, 777, 0, 1)
	var re *bpos1.ResultError
	if !errors.As(err, &re) || re.ResponseCode != 51 || re.Description != "Недостатньо коштів" {
		t.Fatalf("decline: %v", err) // the CP1251 description survives the wire
	}
	if _, err := c.Refund(ctx, 5000, 1, txn.RRN); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Void(ctx, txn.InvoiceNum, 1); err != nil {
		t.Fatal(err)
	}
	tot, err := c.Settlement(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if tot.DebitNum != 0 || tot.CreditNum != 1 || tot.CreditAmt != 5000 || tot.CancelledNum != 1 || tot.CancelledAmt != 12345 {
		t.Fatalf("totals %+v", tot)
	}
	if len(sim.Journal()) != 0 || sim.Batch() != 2 || sim.Reversed() != 0 {
		t.Fatalf("after settlement: journal %+v, batch %d, reversed %d", sim.Journal(), sim.Batch(), sim.Reversed())
	}
}

func TestWrongKind(t *testing.T) {
	addr := serve(t, libserve.NewBPOS1(bpos1sim.NewLibrary(bpos1sim.Config{}), libserve.Config{}))
	lib := libserve.NewPOSAPIClient(addr, libserve.ClientConfig{})
	if _, ok := lib.Open("x", ""); ok {
		t.Fatal("opened a POSAPI session on a BPOS1 server")
	}
	if !errors.Is(lib.Err(), libserve.ErrWrongKind) {
		t.Fatalf("err %v", lib.Err())
	}
	if lib.Error(capi.NoHandle) != capi.ErrFailure {
		t.Fatal("pos_error after a link failure")
	}
}

func TestUnreachable(t *testing.T) {
	s := libserve.NewPOSAPI(posapisim.New(posapisim.Config{}), libserve.Config{})
	addr := serve(t, s)
	s.Close() // the port is now closed
	p := libserve.NewPOSAPIClient(addr, libserve.ClientConfig{})
	if h, ok := p.Open("x", ""); ok || h != capi.NoHandle {
		t.Fatal("opened with no server")
	}
	if !errors.Is(p.Err(), libserve.ErrUnreachable) || p.Error(capi.NoHandle) != capi.ErrFailure || p.Error(capi.NoHandle) != capi.ErrFailure {
		t.Fatalf("err %v", p.Err())
	}
	b := libserve.NewBPOS1Client(addr, libserve.ClientConfig{})
	if rc := b.Purchase(100, 0, 1); rc != int(bpos1.ECRCFailedToConnect) {
		t.Fatalf("purchase ecrc %d", rc)
	}
	if b.LastResult() != 1 || b.LastErrorCode() != 3 || b.LastErrorDescription() == "" {
		t.Fatal("a link failure does not read as an error")
	}
	c, _ := bpos1.New(b, bpos1.Config{PollInterval: -1})
	if _, err := c.Purchase(context.Background(), 100, 0, 1); err == nil {
		t.Fatal("purchase with no server succeeded")
	}
}
