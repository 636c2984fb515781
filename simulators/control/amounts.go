package control

// Outcome is what a test amount makes a simulated terminal do. Every simulator answers it in
// its own protocol's codes (see the package doc of each; docs/simulators.md has the table).
type Outcome struct {
	// Kopecks are the amount's last two digits that choose the outcome: x.51.
	Kopecks int
	// Name says what happens: "insufficient funds".
	Name string
	// Host is the ISO 8583-style host response code of a host decline (the host code table of
	// bpos1.md §2.2), 0 when the outcome is not a host decline.
	Host int
	// Terminal is the terminal's own code 1000-1008 (privatjson.md §5, bpos1.md §2.2), 0 when
	// none.
	Terminal int
	// Class is POSAPI's POS_STATUS class of the decline (posapi.md §1.9: 1 declined, 2
	// communications, 4 processing centre, 5 insufficient funds, 6 issuer unavailable).
	Class int
	// Partial approves half of the amount (rounded down to a kopeck).
	Partial bool
}

// TestAmounts is the one table of test amounts. Any amount whose kopecks are not in it is
// approved. The kopecks were picked so that the amounts the suite's tests use (x.00, x.01,
// x.10 on B-POS Light, x.20, x.30, x.34, x.45, x.50, x.60, x.77, x.90, x.99) keep approving.
var TestAmounts = []Outcome{
	{Kopecks: 2, Name: "EMV decline (card declined offline)", Terminal: 1002, Class: 1},
	{Kopecks: 4, Name: "no connection with the host", Terminal: 1004, Class: 2},
	{Kopecks: 5, Name: "do not honour", Host: 5, Class: 1},
	{Kopecks: 10, Name: "partial approval: half of the amount", Partial: true},
	{Kopecks: 14, Name: "invalid card number", Host: 14, Class: 1},
	{Kopecks: 51, Name: "insufficient funds", Host: 51, Class: 5},
	{Kopecks: 54, Name: "expired card", Host: 54, Class: 1},
	{Kopecks: 55, Name: "wrong PIN", Host: 55, Class: 1},
	{Kopecks: 61, Name: "exceeds the amount limit", Host: 61, Class: 1},
	{Kopecks: 91, Name: "issuer unavailable", Host: 91, Class: 6},
	{Kopecks: 96, Name: "system malfunction", Host: 96, Class: 4},
}

// TestAmount returns the outcome the amount (in kopecks) chooses, and false for an amount
// that is approved.
func TestAmount(kopecks int64) (Outcome, bool) {
	if kopecks <= 0 {
		return Outcome{}, false
	}
	k := int(kopecks % 100)
	for _, o := range TestAmounts {
		if o.Kopecks == k {
			return o, true
		}
	}
	return Outcome{}, false
}

// HostClass is the POSAPI POS_STATUS class of a host code: 51 insufficient funds (5), 91
// issuer unavailable (6), 96 system malfunction (4, processing centre), any other 1
// (declined). The pairing is the simulators' choice; posapi.md gives the classes, not the
// codes behind them.
func HostClass(host int) int {
	for _, o := range TestAmounts {
		if o.Host == host && host != 0 {
			return o.Class
		}
	}
	return 1
}

// TestCode is the response code a test amount gives in a protocol that has the terminal's
// codes and the host's (the terminal code 1002 or 1004, or the host code), 0 for an amount
// that is approved, partly approved included.
func TestCode(kopecks int64) int {
	o, ok := TestAmount(kopecks)
	switch {
	case !ok:
		return 0
	case o.Terminal != 0:
		return o.Terminal
	}
	return o.Host
}
