package bposlight

import (
	"strconv"
	"strings"
)

// Unit is the unit of a goods item (bposlight.md §1.3 row 28).
type Unit string

// Units of the spec.
const (
	UnitPieces Unit = "PCS"
	UnitKg     Unit = "KG"
)

// PayType is the TYPE of a goods list.
type PayType string

// Pay types of the spec.
const (
	PayCash     PayType = "CASH"
	PayCashless PayType = "CASHLESS"
)

// Item is one goods line.
type Item struct {
	ID    string
	Name  string
	Price uint32 // kopecks
	// Count in thousandths: 1000 = 1 piece or 1 kg.
	Count    uint32
	Discount uint32 // kopecks
	Unit     Unit
}

// Goods is the GOODS list the ECR sends with PUR or CAN for the terminal to pass to the
// fiscal system (spec v1.6, bposlight.md §1.3 row 28):
//
//	ID:…|NAME:…|PRICE:<kop>|COUNT:<thousandths>|DISCOUNT:<kop>|UNIT:PCS|KG||…||TOTAL:<kop>||TYPE:CASH|CASHLESS||
type Goods struct {
	Items []Item
	Total uint32 // kopecks, as the ECR states it (not computed)
	Type  PayType
}

// Encode returns the GOODS value. Item texts may not contain '|', ';' or '=' (the list and
// message separators) nor bytes outside printable ASCII.
func (g Goods) Encode() (string, error) {
	var b strings.Builder
	bad := func(what string) error {
		return protoErr("goods", -1, "%w: %s", ErrBadValue, what)
	}
	text := func(name, v string) error {
		if strings.ContainsAny(v, "|") || checkWireValue(v) != nil {
			return bad(name + " holds a separator or a non-ASCII byte")
		}
		return nil
	}
	for i, it := range g.Items {
		if err := text("ID", it.ID); err != nil {
			return "", err
		}
		if err := text("NAME", it.Name); err != nil {
			return "", err
		}
		if it.Unit != UnitPieces && it.Unit != UnitKg {
			return "", bad("item " + strconv.Itoa(i+1) + ": UNIT must be PCS or KG")
		}
		b.WriteString("ID:" + it.ID + "|NAME:" + it.Name)
		b.WriteString("|PRICE:" + strconv.FormatUint(uint64(it.Price), 10))
		b.WriteString("|COUNT:" + strconv.FormatUint(uint64(it.Count), 10))
		b.WriteString("|DISCOUNT:" + strconv.FormatUint(uint64(it.Discount), 10))
		b.WriteString("|UNIT:" + string(it.Unit) + "||")
	}
	if g.Type != PayCash && g.Type != PayCashless {
		return "", bad("TYPE must be CASH or CASHLESS")
	}
	b.WriteString("TOTAL:" + strconv.FormatUint(uint64(g.Total), 10) + "||TYPE:" + string(g.Type) + "||")
	return b.String(), nil
}

// ParseGoods parses a GOODS value (see [Goods]).
func ParseGoods(s string) (Goods, error) {
	var g Goods
	bad := func(what string) (Goods, error) {
		return Goods{}, protoErr("goods", -1, "%w: %s", ErrBadValue, what)
	}
	if !strings.HasSuffix(s, "||") {
		return bad("list must end with ||")
	}
	groups := strings.Split(strings.TrimSuffix(s, "||"), "||")
	var haveTotal, haveType bool
	for _, grp := range groups {
		switch {
		case strings.HasPrefix(grp, "TOTAL:"):
			n, err := parseDWORD(grp[len("TOTAL:"):])
			if err != nil || haveTotal {
				return bad("TOTAL")
			}
			g.Total, haveTotal = n, true
		case strings.HasPrefix(grp, "TYPE:"):
			t := PayType(grp[len("TYPE:"):])
			if (t != PayCash && t != PayCashless) || haveType {
				return bad("TYPE")
			}
			g.Type, haveType = t, true
		default:
			if haveTotal || haveType {
				return bad("item after TOTAL/TYPE")
			}
			it, err := parseItem(grp)
			if err != nil {
				return bad(err.Error())
			}
			g.Items = append(g.Items, it)
		}
	}
	if !haveTotal || !haveType {
		return bad("TOTAL and TYPE are required")
	}
	return g, nil
}

func parseItem(s string) (Item, error) {
	var it Item
	seen := map[string]bool{}
	for _, kv := range strings.Split(s, "|") {
		k, v, ok := strings.Cut(kv, ":")
		if !ok || seen[k] {
			return Item{}, wrapSentinel(ErrBadValue, "item field "+strconv.Quote(kv))
		}
		seen[k] = true
		num := func() (uint32, error) {
			n, err := parseDWORD(v)
			if err != nil {
				return 0, wrapSentinel(ErrBadValue, k+" is not a number")
			}
			return n, nil
		}
		var err error
		switch k {
		case "ID":
			it.ID = v
		case "NAME":
			it.Name = v
		case "PRICE":
			it.Price, err = num()
		case "COUNT":
			it.Count, err = num()
		case "DISCOUNT":
			it.Discount, err = num()
		case "UNIT":
			it.Unit = Unit(v)
			if it.Unit != UnitPieces && it.Unit != UnitKg {
				err = wrapSentinel(ErrBadValue, "UNIT")
			}
		default:
			err = wrapSentinel(ErrBadValue, "unknown item field "+k)
		}
		if err != nil {
			return Item{}, err
		}
	}
	for _, k := range []string{"ID", "NAME", "PRICE", "COUNT", "DISCOUNT", "UNIT"} {
		if !seen[k] {
			return Item{}, wrapSentinel(ErrBadValue, "item without "+k)
		}
	}
	return it, nil
}

// Sum returns Σ (Price × Count / 1000 − Discount) over the items, rounded down per item:
// a helper for filling Total. It does not guard against overflow beyond uint64.
func (g Goods) Sum() uint64 {
	var s uint64
	for _, it := range g.Items {
		v := uint64(it.Price) * uint64(it.Count) / 1000
		if v >= uint64(it.Discount) {
			v -= uint64(it.Discount)
		} else {
			v = 0
		}
		s += v
	}
	return s
}
