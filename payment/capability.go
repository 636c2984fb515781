package payment

import "strings"

// Bank names a bank as DM's capability table does.
type Bank string

// The banks of DM's capability table.
const (
	BankPrivat     Bank = "PrivatBank"
	BankOschad     Bank = "Oschadbank"
	BankRaiffeisen Bank = "Raiffeisen"
	BankUkrsib     Bank = "Ukrsibbank"
	BankVostok     Bank = "Bank Vostok"
	BankPUMB       Bank = "PUMB"
	BankABank      Bank = "A-Bank"
	BankPivdennyi  Bank = "Bank Pivdennyi"
	BankSense      Bank = "Sense Bank"
	BankTAS        Bank = "TAS Bank"
	// BankSSI stands for any bank app built by SSI that speaks SSI JSON; DM has one row for it.
	BankSSI Bank = "SSI"
)

// Protocol names a terminal protocol as DM's capability table does.
type Protocol string

// The protocols of DM's capability table.
const (
	ProtoPrivatJSON Protocol = "JSON"
	ProtoBPOS1      Protocol = "BPOS1"
	ProtoPOSAPI     Protocol = "POSAPI"
	ProtoBPOSLight  Protocol = "BPOS Light"
	ProtoSimPays    Protocol = "SimPays KKM"
	ProtoSSIJSON    Protocol = "SSI JSON"
)

// CapabilitySet is one row of DM's capability table: what a bank's terminal can do over one
// protocol.
type CapabilitySet struct {
	Bank     Bank
	Protocol Protocol
	// Operations are the DM tasks of the row, in task order.
	Operations []Operation
	// Services are the DM service calls of the row, in DM order.
	Services []Service
}

// Supports reports whether op is in the row.
func (c CapabilitySet) Supports(op Operation) bool {
	for _, o := range c.Operations {
		if o == op {
			return true
		}
	}
	return false
}

// SupportsService reports whether s is in the row.
func (c CapabilitySet) SupportsService(s Service) bool {
	for _, v := range c.Services {
		if v == s {
			return true
		}
	}
	return false
}

// String returns "Bank (Protocol)", as DM labels its rows.
func (c CapabilitySet) String() string {
	if c.Bank == BankSSI {
		return string(c.Protocol)
	}
	return string(c.Bank) + " (" + string(c.Protocol) + ")"
}

// Check returns nil when op is in the row and a 5029 [*Error] otherwise. Adapters call it
// before touching the wire.
func (c CapabilitySet) Check(op Operation) error {
	if c.Supports(op) {
		return nil
	}
	return &Error{Code: CodeNotSupportedTask, Args: []string{string(c.Bank), string(c.Protocol), op.String()}}
}

// CheckService returns nil when s is in the row and a 5029 [*Error] otherwise.
func (c CapabilitySet) CheckService(s Service) error {
	if c.SupportsService(s) {
		return nil
	}
	return &Error{Code: CodeNotSupportedTask, Args: []string{string(c.Bank), string(c.Protocol), s.String()}}
}

// the rows of DM's tables, in DM's order. Tasks 6, 7 and 8 are not in DM's table.
var (
	opsAll       = []Operation{1, 2, 3, 10, 11, 14}
	svcBPOS1     = []Service{SvcMerchantList, SvcBankEcho, SvcTransactionStatus, SvcLastTransaction}
	svcLightLike = []Service{SvcMerchantList, SvcLastTransaction}
)

var capabilityRows = []CapabilitySet{
	{BankPrivat, ProtoPrivatJSON, []Operation{1, 2, 3, 5, 10, 11, 14, 15, 16, 17}, Services},
	{BankOschad, ProtoBPOS1, []Operation{1, 2, 3, 4, 10, 11, 14, 17}, svcBPOS1},
	{BankRaiffeisen, ProtoPOSAPI, opsAll, svcBPOS1},
	{BankUkrsib, ProtoBPOS1, []Operation{1, 2, 3, 10, 11, 14, 17}, svcBPOS1},
	{BankVostok, ProtoBPOS1, []Operation{1, 2, 3, 4, 10, 11, 14, 17}, svcBPOS1},
	{BankPUMB, ProtoPOSAPI, opsAll, svcBPOS1},
	{BankABank, ProtoBPOS1, []Operation{1, 2, 3, 10, 11, 14, 17}, svcBPOS1},
	{BankPivdennyi, ProtoBPOS1, []Operation{1, 2, 3, 10, 11, 14, 17}, svcBPOS1},
	{BankABank, ProtoPrivatJSON, opsAll, []Service{SvcMerchantList, SvcLastTransaction}},
	{BankPivdennyi, ProtoBPOSLight, []Operation{1, 3, 11}, svcLightLike},
	{BankUkrsib, ProtoBPOSLight, []Operation{1, 3, 11}, svcLightLike},
	{BankVostok, ProtoBPOSLight, []Operation{1, 3, 11}, svcLightLike},
	{BankSense, ProtoSimPays, []Operation{1, 2, 3, 10, 11}, svcLightLike},
	{BankSense, ProtoBPOS1, opsAll, svcBPOS1},
	{BankSense, ProtoPOSAPI, opsAll, svcBPOS1},
	{BankTAS, ProtoSimPays, []Operation{1, 2, 3, 10, 11}, svcLightLike},
	{BankSSI, ProtoSSIJSON, []Operation{1, 2, 3, 10, 11, 14, 17}, []Service{SvcMerchantList, SvcBankEcho, SvcLastTransaction}},
}

// CapabilityTable returns a copy of every row of DM's capability table, in DM's order.
func CapabilityTable() []CapabilitySet {
	out := make([]CapabilitySet, len(capabilityRows))
	for i, r := range capabilityRows {
		r.Operations = append([]Operation(nil), r.Operations...)
		r.Services = append([]Service(nil), r.Services...)
		out[i] = r
	}
	return out
}

// Capabilities returns DM's row for a bank and protocol. Names compare case-insensitively.
// For SSI JSON the bank may be empty or [BankSSI].
func Capabilities(bank Bank, protocol Protocol) (CapabilitySet, bool) {
	for _, r := range CapabilityTable() {
		if !strings.EqualFold(string(r.Protocol), string(protocol)) {
			continue
		}
		if strings.EqualFold(string(r.Bank), string(bank)) || (r.Bank == BankSSI && bank == "") {
			return r, true
		}
	}
	return CapabilitySet{}, false
}

// MustCapabilities is [Capabilities] for rows known to exist; it panics on a missing row,
// so use it only with the constants of this package (package-level adapter tables).
func MustCapabilities(bank Bank, protocol Protocol) CapabilitySet {
	c, ok := Capabilities(bank, protocol)
	if !ok {
		panic("payment: no capability row for " + string(bank) + " (" + string(protocol) + ")")
	}
	return c
}
