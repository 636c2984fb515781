package payment

import "fmt"

// Operation is a terminal operation, numbered as Vchasno Device Manager numbers its tasks.
type Operation int

// The operations, with DM's task numbers.
const (
	OpPurchase         Operation = 1  // purchase (sale)
	OpRefund           Operation = 2  // refund by the RRN of the purchase
	OpCancel           Operation = 3  // cancel (void) by the terminal's invoice number
	OpP2P              Operation = 4  // P2P transfer
	OpServicePayment   Operation = 5  // universal service payment (PrivatBank)
	OpCardRead         Operation = 6  // read card, then wait for confirmation / correction
	OpCardReadComplete Operation = 7  // finish the confirmation / correction of OpCardRead
	OpResidentCard     Operation = 8  // read a Kyiv resident card (Oschadbank)
	OpXReport          Operation = 10 // X-balance: totals, batch not closed
	OpCloseBatch       Operation = 11 // close batch (Z): totals to the bank, journal cleared
	OpPurchaseCashback Operation = 14 // purchase with cash withdrawal
	OpInstalment       Operation = 15 // pay by instalments (PrivatBank)
	OpInstalmentRefund Operation = 16 // refund of instalments (PrivatBank)
	OpGetTransaction   Operation = 17 // get an earlier transaction, or the last one
)

// Operations lists every operation in DM task order.
var Operations = []Operation{
	OpPurchase, OpRefund, OpCancel, OpP2P, OpServicePayment, OpCardRead, OpCardReadComplete,
	OpResidentCard, OpXReport, OpCloseBatch, OpPurchaseCashback, OpInstalment,
	OpInstalmentRefund, OpGetTransaction,
}

var operationNames = map[Operation]string{
	OpPurchase:         "purchase",
	OpRefund:           "refund",
	OpCancel:           "cancel",
	OpP2P:              "p2p transfer",
	OpServicePayment:   "service payment",
	OpCardRead:         "card read",
	OpCardReadComplete: "card read completion",
	OpResidentCard:     "resident card read",
	OpXReport:          "x-report",
	OpCloseBatch:       "close batch",
	OpPurchaseCashback: "purchase with cash withdrawal",
	OpInstalment:       "instalment purchase",
	OpInstalmentRefund: "instalment refund",
	OpGetTransaction:   "get transaction",
}

// String returns the operation's name, for example "purchase"; unknown values print as "task 99".
func (o Operation) String() string {
	if s, ok := operationNames[o]; ok {
		return s
	}
	return fmt.Sprintf("task %d", int(o))
}

// MovesMoney reports whether the operation changes a card balance, and so must run under a
// [Journal] with a caller transaction id.
func (o Operation) MovesMoney() bool {
	switch o {
	case OpPurchase, OpRefund, OpCancel, OpP2P, OpServicePayment, OpCardReadComplete,
		OpPurchaseCashback, OpInstalment, OpInstalmentRefund:
		return true
	}
	return false
}

// Service is one of DM's six terminal service calls.
type Service int

// The service calls, numbered as in DM's service table.
const (
	SvcPing              Service = 1 // ping the terminal (/dm/bankping)
	SvcMerchantList      Service = 2 // merchant list (/dm/getmerchantlist)
	SvcMaskList          Service = 3 // merchant mask list (/dm/getmasklist)
	SvcBankEcho          Service = 4 // bank echo: the terminal tests its host link (/dm/bankecho)
	SvcTransactionStatus Service = 5 // status of the current operation (/dm/transaction-status)
	SvcLastTransaction   Service = 6 // last transaction (/dm/lasttransaction)
)

// Services lists the six service calls in DM order.
var Services = []Service{SvcPing, SvcMerchantList, SvcMaskList, SvcBankEcho, SvcTransactionStatus, SvcLastTransaction}

var serviceNames = map[Service]string{
	SvcPing:              "ping",
	SvcMerchantList:      "merchant list",
	SvcMaskList:          "mask list",
	SvcBankEcho:          "bank echo",
	SvcTransactionStatus: "transaction status",
	SvcLastTransaction:   "last transaction",
}

// String returns the service's name, for example "bank echo".
func (s Service) String() string {
	if n, ok := serviceNames[s]; ok {
		return n
	}
	return fmt.Sprintf("service %d", int(s))
}
