package payment

import (
	"errors"
	"strings"
	"testing"
)

// The rows below are copied cell by cell from DM's capability table
// (shared/reference/device-manager.md, "Capability matrix: tasks per bank + protocol"),
// columns: tasks 1 2 3 4 5 10 11 14 15 16 17.
var dmTaskTable = `
PrivatBank|JSON|+ + + - + + + + + + +
Oschadbank|BPOS1|+ + + + - + + + - - +
Raiffeisen|POSAPI|+ + + - - + + + - - -
Ukrsibbank|BPOS1|+ + + - - + + + - - +
Bank Vostok|BPOS1|+ + + + - + + + - - +
PUMB|POSAPI|+ + + - - + + + - - -
A-Bank|BPOS1|+ + + - - + + + - - +
Bank Pivdennyi|BPOS1|+ + + - - + + + - - +
A-Bank|JSON|+ + + - - + + + - - -
Bank Pivdennyi|BPOS Light|+ - + - - - + - - - -
Ukrsibbank|BPOS Light|+ - + - - - + - - - -
Bank Vostok|BPOS Light|+ - + - - - + - - - -
Sense Bank|SimPays KKM|+ + + - - + + - - - -
Sense Bank|BPOS1|+ + + - - + + + - - -
Sense Bank|POSAPI|+ + + - - + + + - - -
TAS Bank|SimPays KKM|+ + + - - + + - - - -
|SSI JSON|+ + + - - + + + - - +
`

var dmTaskColumns = []Operation{1, 2, 3, 4, 5, 10, 11, 14, 15, 16, 17}

// Service table of device-manager.md ("Service methods per bank + protocol"), columns 1-6,
// with its grouped rows spelled out one bank at a time.
var dmServiceTable = `
PrivatBank|JSON|+ + + + + +
Oschadbank|BPOS1|- + - + + +
Ukrsibbank|BPOS1|- + - + + +
Bank Vostok|BPOS1|- + - + + +
A-Bank|BPOS1|- + - + + +
Bank Pivdennyi|BPOS1|- + - + + +
Sense Bank|BPOS1|- + - + + +
Raiffeisen|POSAPI|- + - + + +
PUMB|POSAPI|- + - + + +
Sense Bank|POSAPI|- + - + + +
A-Bank|JSON|- + - - - +
Bank Pivdennyi|BPOS Light|- + - - - +
Ukrsibbank|BPOS Light|- + - - - +
Bank Vostok|BPOS Light|- + - - - +
Sense Bank|SimPays KKM|- + - - - +
TAS Bank|SimPays KKM|- + - - - +
|SSI JSON|- + - + - +
`

func parseTable(t *testing.T, table string) [][3]string {
	t.Helper()
	var rows [][3]string
	for _, line := range strings.Split(strings.TrimSpace(table), "\n") {
		f := strings.Split(line, "|")
		if len(f) != 3 {
			t.Fatalf("bad table line %q", line)
		}
		rows = append(rows, [3]string{f[0], f[1], f[2]})
	}
	return rows
}

func TestCapabilityMatrixCellByCell(t *testing.T) {
	rows := parseTable(t, dmTaskTable)
	if len(rows) != 17 || len(CapabilityTable()) != 17 {
		t.Fatalf("DM has 17 rows; table has %d, code has %d", len(rows), len(CapabilityTable()))
	}
	for _, r := range rows {
		c, ok := Capabilities(Bank(r[0]), Protocol(r[1]))
		if !ok {
			t.Errorf("no row for %q (%q)", r[0], r[1])
			continue
		}
		cells := strings.Fields(r[2])
		if len(cells) != len(dmTaskColumns) {
			t.Fatalf("row %v has %d cells", r, len(cells))
		}
		for i, cell := range cells {
			op := dmTaskColumns[i]
			if want := cell == "+"; c.Supports(op) != want {
				t.Errorf("%s: task %d supported=%v, DM says %q", c, op, c.Supports(op), cell)
			}
		}
		for _, op := range []Operation{6, 7, 8} {
			if c.Supports(op) {
				t.Errorf("%s: task %d is not in DM's table", c, op)
			}
		}
	}
}

func TestServiceMatrixCellByCell(t *testing.T) {
	for _, r := range parseTable(t, dmServiceTable) {
		c, ok := Capabilities(Bank(r[0]), Protocol(r[1]))
		if !ok {
			t.Errorf("no row for %q (%q)", r[0], r[1])
			continue
		}
		for i, cell := range strings.Fields(r[2]) {
			s := Service(i + 1)
			if want := cell == "+"; c.SupportsService(s) != want {
				t.Errorf("%s: service %d (%s) supported=%v, DM says %q", c, s, s, c.SupportsService(s), cell)
			}
		}
	}
}

func TestCapabilitiesLookup(t *testing.T) {
	if _, ok := Capabilities("privatbank", "json"); !ok {
		t.Error("lookup must ignore case")
	}
	if _, ok := Capabilities(BankPrivat, ProtoPOSAPI); ok {
		t.Error("PrivatBank has no POSAPI row")
	}
	if c, ok := Capabilities("", ProtoSSIJSON); !ok || c.Bank != BankSSI {
		t.Error("SSI JSON must be found without a bank")
	}
	c := MustCapabilities(BankPivdennyi, ProtoBPOSLight)
	err := c.Check(OpRefund)
	var pe *Error
	if !errors.As(err, &pe) || pe.Code != 5029 || !errors.Is(err, ErrNotSupported) {
		t.Fatalf("Check(refund) on BPOS Light = %v, want 5029 not supported", err)
	}
	if !strings.Contains(pe.Ukrainian(), "не підтримує завдання з типом refund") {
		t.Errorf("Ukrainian() = %q", pe.Ukrainian())
	}
	if c.Check(OpPurchase) != nil || c.CheckService(SvcLastTransaction) != nil {
		t.Error("purchase and last transaction are in the BPOS Light row")
	}
	// The table returned is a copy: changing it does not change the next lookup.
	tab := CapabilityTable()
	tab[0].Operations[0] = 99
	if !MustCapabilities(BankPrivat, ProtoPrivatJSON).Supports(OpPurchase) {
		t.Error("CapabilityTable leaked its backing array")
	}
}

func TestOperationNames(t *testing.T) {
	for _, op := range Operations {
		if strings.HasPrefix(op.String(), "task ") {
			t.Errorf("operation %d has no name", op)
		}
	}
	if Operation(99).String() != "task 99" || Service(9).String() != "service 9" {
		t.Error("unknown values must print their number")
	}
	if len(Operations) != 14 || len(Services) != 6 {
		t.Errorf("DM has 14 tasks and 6 services, got %d and %d", len(Operations), len(Services))
	}
	if !OpPurchase.MovesMoney() || OpXReport.MovesMoney() || OpGetTransaction.MovesMoney() {
		t.Error("MovesMoney wrong")
	}
}
