package simulators

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/uapos/uapos/simulators/bpos1sim"
	"github.com/uapos/uapos/simulators/bposlightsim"
	"github.com/uapos/uapos/simulators/privatsim"
	"github.com/uapos/uapos/simulators/vprinter"
)

// kinds is the registry. Each simulator's faults are one table: the forms the usage shows
// and the code that sets them cannot drift apart.
var kinds = []kind{
	kindOf("escpos", vprinterFaults, func(s Spec) vprinter.Config { return vprinter.Config{Logger: s.Logger} },
		func(c vprinter.Config) Server { return vprinter.New(c) }),
	kindOf("privatjson", privatFaults, privatConfig, newPrivat),
	// SSI JSON is the PrivatBank JSON wire: the same simulator.
	kindOf("ssijson", privatFaults, privatConfig, newPrivat),
	kindOf("bposlight", bposlightFaults, func(s Spec) bposlightsim.Config { return bposlightsim.Config{Logger: s.Logger} },
		func(c bposlightsim.Config) Server { return bposlightsim.New(c) }),
	kindOf("bpos1", bpos1Faults, func(s Spec) bpos1sim.Config { return bpos1sim.Config{Logger: s.Logger} },
		func(c bpos1sim.Config) Server { return bpos1sim.New(c) }),
}

// fault is one fault form ("busy", "partial=AMOUNT", "nak[=N]") and what it does to a
// simulator's Config C; val is what follows "=" ("" when nothing does).
type fault[C any] struct {
	form string
	set  func(c *C, val string) error
}

// flag is a fault without a value.
func flag[C any](form string, set func(c *C)) fault[C] {
	return fault[C]{form, func(c *C, _ string) error { set(c); return nil }}
}

// kindOf makes a registry entry from a fault table, the Config a Spec starts from (its
// Logger) and the simulator's constructor.
func kindOf[C any](name string, faults []fault[C], config func(Spec) C, build func(C) Server) kind {
	forms := make([]string, len(faults))
	for i, f := range faults {
		forms[i] = f.form
	}
	return kind{name: name, faults: forms, build: func(spec Spec) (Server, error) {
		c := config(spec)
		for _, sf := range spec.Faults {
			fname, val, _ := strings.Cut(sf, "=")
			for _, f := range faults {
				if formName(f.form) == fname {
					if err := f.set(&c, val); err != nil {
						return nil, fmt.Errorf("fault %s: %w", sf, err)
					}
				}
			}
		}
		return build(c), nil
	}}
}

// formName is the name of a fault form: "nak" of "nak[=N]", "partial" of "partial=AMOUNT".
func formName(form string) string {
	n, _, _ := strings.Cut(form, "[")
	n, _, _ = strings.Cut(n, "=")
	return n
}

// uintOr parses a count or code, def when v is "".
func uintOr(v string, def uint32) (uint32, error) {
	if v == "" {
		return def, nil
	}
	n, err := strconv.ParseUint(v, 10, 32)
	return uint32(n), err
}

// count is a fault whose value is a positive count (of lines, of bytes) kept in the field
// that field returns.
func count[C any](form string, field func(c *C) *int) fault[C] {
	return fault[C]{form, func(c *C, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			return errors.New("want a positive count")
		}
		*field(c) = n
		return nil
	}}
}

// privatFaults: decline uses the simulator's DeclineRules (amounts 0.05, 0.51, 10.01, 10.02,
// 10.04 are declined).
var privatFaults = []fault[privatsim.Config]{
	flag("busy", func(c *privatsim.Config) { c.Busy = true }),
	flag("silent", func(c *privatsim.Config) { c.Silent = true }),
	flag("decline", func(c *privatsim.Config) { c.Decline = privatsim.DeclineRules }),
	{"partial=AMOUNT", func(c *privatsim.Config, v string) error {
		if v == "" {
			return errors.New("partial needs a limit, as partial=10.00")
		}
		c.PartialLimit = v
		return nil
	}},
	flag("shared", func(c *privatsim.Config) { c.Shared = true }),
	{"step-delay=DURATION", func(c *privatsim.Config, v string) (err error) {
		c.StepDelay, err = time.ParseDuration(v)
		return err
	}},
}

func privatConfig(s Spec) privatsim.Config { return privatsim.Config{Logger: s.Logger} }
func newPrivat(c privatsim.Config) Server  { return privatsim.New(c) }

// bposlightFaults: nak and corrupt count frames (default 1), decline sets the RC (default
// 51), disconnect-on names a request type ("PUR", "CON").
var bposlightFaults = []fault[bposlightsim.Config]{
	{"nak[=N]", func(c *bposlightsim.Config, v string) error {
		n, err := uintOr(v, 1)
		c.Faults.NAKRequests = int(n)
		return err
	}},
	{"corrupt[=N]", func(c *bposlightsim.Config, v string) error {
		n, err := uintOr(v, 1)
		c.Faults.CorruptResponses = int(n)
		return err
	}},
	flag("no-ack", func(c *bposlightsim.Config) { c.Faults.NoACK = true }),
	flag("no-response", func(c *bposlightsim.Config) { c.Faults.NoResponse = true }),
	{"decline[=RC]", func(c *bposlightsim.Config, v string) (err error) {
		c.Faults.DeclineRC, err = uintOr(v, 51)
		return err
	}},
	flag("eot-on-purchase", func(c *bposlightsim.Config) { c.Faults.EOTOnPurchase = true }),
	{"disconnect-on=REQ", func(c *bposlightsim.Config, v string) error {
		c.Faults.DisconnectOn = strings.ToUpper(v)
		return nil
	}},
	flag("wait-for-card", func(c *bposlightsim.Config) { c.WaitForCard = true }),
}

// bpos1Faults: decline=AMOUNT:CODE in kopecks (decline=500:51), big-endian replies with
// big-endian TLVs.
var bpos1Faults = []fault[bpos1sim.Config]{
	{"decline=AMOUNT:CODE", func(c *bpos1sim.Config, v string) error {
		a, code, ok := strings.Cut(v, ":")
		amount, err1 := strconv.ParseUint(a, 10, 32)
		rc, err2 := strconv.ParseUint(code, 10, 32)
		if !ok || err1 != nil || err2 != nil {
			return errors.New("decline wants AMOUNT:CODE in kopecks, as decline=500:51")
		}
		if c.Declines == nil {
			c.Declines = map[uint32]uint32{}
		}
		c.Declines[uint32(amount)] = uint32(rc)
		return nil
	}},
	flag("host-down", func(c *bpos1sim.Config) { c.HostDown = true }),
	flag("hang", func(c *bpos1sim.Config) { c.Hang = true }),
	flag("big-endian", func(c *bpos1sim.Config) { c.ReplyBigEndian = true }),
}

// vprinterFaults: profile=NAME (epson, bixolon, pos5890, xprinter); the counts are printed
// lines or received bytes.
var vprinterFaults = []fault[vprinter.Config]{
	{"profile=NAME", func(c *vprinter.Config, v string) error { c.Profile = v; return nil }},
	count("paper-near-end=LINES", func(c *vprinter.Config) *int { return &c.PaperNearEndAfterLines }),
	count("paper-out=LINES", func(c *vprinter.Config) *int { return &c.PaperOutAfterLines }),
	flag("cover-open", func(c *vprinter.Config) { c.CoverOpen = true }),
	flag("offline", func(c *vprinter.Config) { c.Offline = true }),
	count("stop-reading=BYTES", func(c *vprinter.Config) *int { return &c.StopReadingAfterBytes }),
	count("drop=BYTES", func(c *vprinter.Config) *int { return &c.DropAfterBytes }),
	flag("drawer-open-low", func(c *vprinter.Config) { c.DrawerOpenLow = true }),
}
