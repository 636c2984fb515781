package bpos1

// Lib mirrors the vendor API IBPOS1Lib of ECRCommX B-POS1 (bpos1.md §2.3 methods, §2.4
// properties) and its Linux flat C twin BPOSLib_* (bpos1.md Addendum A.1).
//
// It is the seam between [Client] and a backend: the vendor library loaded at run time
// (package bpos1/vendorlib), the provisional native wire ([NewWireLib]), or an in-process
// simulator (package simulators/bpos1sim). Implementations need not import this package:
// the method set uses only built-in types.
//
// The execution model is the vendor's: an action returns at once with an ECRC code
// ([ECRC]: 0 = started) and runs in the background; the caller polls LastResult until it is
// not 2 ([LastInProgress]) and then reads the properties. Property values are undefined
// while an operation runs. Strings travel as the library hands them over: raw Windows-1251
// bytes (bpos1.md §1.1 "Character set"); [Client] converts them to UTF-8. Amounts are in
// kopecks; merchant indexes are 1-based, 0 meaning "all merchants" for totals and print
// methods. One Lib runs one operation at a time (ECRC 7 BUSY otherwise).
type Lib interface {
	// Link (bpos1.md §2.3 DISPIDs 1, 2, 4).

	CommOpen(port string, baud uint32) int
	CommOpenTCP(ip, port string) int
	CommClose() int

	// Operations (bpos1.md §2.3). "Conf." operations need Confirm after success.

	Purchase(amount, addAmount uint32, merchIdx uint8) int                           // DISPID 5, Conf.
	Refund(amount, addAmount uint32, merchIdx uint8, rrn string) int                 // DISPID 6, Conf.
	Void(invoiceNum uint32, merchIdx uint8) int                                      // DISPID 7, no Confirm
	Settlement(merchIdx uint8) int                                                   // DISPID 8
	PrintBatchTotals(merchIdx uint8) int                                             // DISPID 9
	Confirm() int                                                                    // DISPID 10
	Cancel() int                                                                     // DISPID 11
	GetTxnNum() int                                                                  // DISPID 36
	GetTxnDataByOrder(orderNum uint32) int                                           // DISPID 37
	GetTxnDataByInv(invoiceNum uint32, merchIdx uint8) int                           // DISPID 38
	GetBatchTotals(merchIdx uint8) int                                               // DISPID 39
	CheckConnection(merchIdx uint8) int                                              // DISPID 40
	ReqCurrReceipt() int                                                             // DISPID 45
	ReqReceiptByInv(invoiceNum uint32, merchIdx uint8) int                           // DISPID 50
	SetErrorLang(lang uint8) int                                                     // DISPID 51
	Completion(merchIdx uint8, amount uint32, rrn string, inv uint32) int            // DISPID 59, Conf.
	ReadCard() int                                                                   // DISPID 60
	PurchaseService(merchIdx uint8, amount uint32, params string) int                // DISPID 66, Conf.
	IdentifyCard(merchIdx uint8, currCode string, accNumber uint8) int               // DISPID 68, Conf.
	POSGetInfo() int                                                                 // DISPID 71
	StartScenario(scenarioID uint32, scenarioData string) int                        // DISPID 81
	CorrectTransaction(amount, addAmount uint32) int                                 // DISPID 87
	CashAdvance(merchIdx uint8, amount uint32, currCode string, accNumber uint8) int // DISPID 90, Conf.
	ReadBankCard() int                                                               // DISPID 91
	Ping() int                                                                       // DISPID 97

	// Status properties (bpos1.md §2.4).

	LastResult() uint8
	LastErrorCode() uint8
	LastErrorDescription() string
	LastStatMsgCode() uint8
	LastStatMsgDescription() string
	ResponseCode() uint32

	// Transaction properties, valid after financial operations and GetTxnData*.

	PAN() string
	DateTime() string // "YYMMDDhhmmss"; the flat C API has no getter for it (returns "")
	TerminalID() string
	MerchantID() string
	AuthCode() string
	ExpDate() string
	CardHolder() string
	IssuerName() string
	InvoiceNum() uint32
	RRN() string
	SignVerif() uint8
	Amount() uint32
	AddAmount() uint32
	EmvAID() string
	EntryMode() uint8
	TxnType() uint8
	TrnStatus() uint8
	Currency() string
	CurrencyCode() string
	TrnBatchNum() uint32
	FlagAcquirer() uint32
	RNK() string
	AddData() string    // host field 63.89
	ECRDataTM() string  // bank data for the ECR
	SlipPrinted() uint8 // 1 = the terminal printed the slip
	DiscountName() string
	DiscountAttribute() uint32
	CompletionInvoiceNum() uint32 // not in the flat C API (returns 0 there)

	// Totals properties (Settlement, PrintBatchTotals, GetBatchTotals).

	TotalsDebitAmt() uint32
	TotalsDebitNum() uint32
	TotalsCreditAmt() uint32
	TotalsCreditNum() uint32
	TotalsCancelledAmt() uint32
	TotalsCancelledNum() uint32

	// Other properties.

	TxnNum() uint32
	Receipt() string
	TerminalInfo() string
	ScenarioData() string
	LibraryVersion() string
}

// Card data properties of the vendor API that Lib deliberately leaves out: Track3,
// CryptedData, PanHash and ExtraCardData (card data must not flow through this suite),
// and the control-mode and file methods (SetControlMode, ReadKey, DisplayText, SetLine,
// ExchangeStatuses, SendFile, ReqDataFile), Balance, Deposit, SelectApp/CloseApp,
// SetExtraPrintData/SetExtraXmlData, UseMac, which no adapter task needs yet.
