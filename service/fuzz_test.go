package service

import (
	"testing"
	"unicode/utf8"

	"github.com/uapos/uapos/payment"
)

// FuzzDecodeOperation drives the native request decoder: it never panics, every refusal is a
// DM-coded input error, and an accepted request is well-formed for its operation.
func FuzzDecodeOperation(f *testing.F) {
	f.Add(uint8(1), []byte(`{"transaction_id":"a","amount":"12.34"}`))
	f.Add(uint8(2), []byte(`{"transaction_id":"r","amount":"1.00","rrn":"000000000001"}`))
	f.Add(uint8(14), []byte(`{"transaction_id":"c","amount":"1","cash_amount":"0.5"}`))
	f.Add(uint8(1), []byte(`{"transaction_id":"a","amount":"0 06"}`))
	f.Fuzz(func(t *testing.T, op uint8, data []byte) {
		o := payment.Operation(op)
		req, err := DecodeOperation(o, data)
		if err != nil {
			if _, info := describe(err); info.Code != CodeBadRequest {
				t.Fatalf("refusal with code %d: %v", info.Code, err)
			}
			return
		}
		if req.Amount < 0 || req.CashAmount < 0 || req.Discount < 0 {
			t.Fatalf("negative amount accepted: %+v", req)
		}
		if o.MovesMoney() && (req.TransactionID == "" || len(req.TransactionID) > MaxIDLength || !utf8.ValidString(req.TransactionID)) {
			t.Fatalf("money without a valid transaction id: %q", req.TransactionID)
		}
		if o == payment.OpPurchase && req.Amount <= 0 {
			t.Fatalf("purchase of %s accepted", req.Amount)
		}
	})
}

// FuzzDecodeDM drives the DM facade's decoder and its mapping onto library requests.
func FuzzDecodeDM(f *testing.F) {
	f.Add([]byte(`{"ver":6,"source":"DM_API","device":"priv","type":3,"transaction_id":"x","pay":{"task":1,"sum":12.34}}`))
	f.Add([]byte(`{"type":"3","device":"priv","pay":{"task":"2","refundid":"000019148585","sum":"5"}}`))
	f.Add([]byte(`{"type":3,"device":"priv","transaction_id":"x","transaction_search":1}`))
	f.Add([]byte(`{"type":3,"pay":{"task":16,"agreementNum":123,"sum":1e2}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		q, err := DecodeDM(data)
		if err != nil {
			if _, info := describe(err); info.Code != CodeBadRequest {
				t.Fatalf("refusal with code %d: %v", info.Code, err)
			}
			return
		}
		if q.Pay == nil {
			return
		}
		op, req, err := q.Pay.toPayment("fuzz-id")
		if err != nil {
			if _, info := describe(err); info.Code != CodeBadRequest && info.Code != payment.CodeNotSupportedTask {
				t.Fatalf("refusal with code %d: %v", info.Code, err)
			}
			return
		}
		if req.Amount < 0 || req.CashAmount < 0 {
			t.Fatalf("negative amount accepted: %+v", req)
		}
		if op == payment.OpPurchase && req.Amount <= 0 {
			t.Fatalf("purchase of %s accepted", req.Amount)
		}
	})
}
