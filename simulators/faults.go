package simulators

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/uapos/uapos/simulators/bpos1sim"
	"github.com/uapos/uapos/simulators/bposlightsim"
	"github.com/uapos/uapos/simulators/control"
	"github.com/uapos/uapos/simulators/privatsim"
	"github.com/uapos/uapos/simulators/vprinter"
)

// kinds is the registry. A simulator takes the words of the fault vocabulary (package
// control) through its Controller, and a few start-up words of its own that set its Config
// (the fault names of earlier releases among them): one table per simulator, so that the
// forms the usage shows and the code that sets them cannot drift apart.
var kinds = []kind{
	kindOf("escpos", vprinterConfig, func(c vprinter.Config) (Server, control.Controller) {
		s := vprinter.New(c)
		return s, s.Control()
	}, vprinterWords),
	kindOf("privatjson", privatConfig, newPrivat, privatWords),
	// SSI JSON is the PrivatBank JSON wire: the same simulator.
	kindOf("ssijson", privatConfig, newPrivat, privatWords),
	kindOf("bposlight", func(s Spec) bposlightsim.Config {
		return bposlightsim.Config{Logger: s.Logger, AnswerDelay: s.AnswerDelay}
	}, func(c bposlightsim.Config) (Server, control.Controller) {
		s := bposlightsim.New(c)
		return s, s.Control()
	}, bposlightWords),
	kindOf("bpos1", func(s Spec) bpos1sim.Config {
		return bpos1sim.Config{Logger: s.Logger, AnswerDelay: s.AnswerDelay}
	}, func(c bpos1sim.Config) (Server, control.Controller) {
		s := bpos1sim.New(c)
		return s, s.Control()
	}, bpos1Words),
}

// word is a start-up word of one simulator: its form ("shared", "profile=NAME") and what it
// does to the simulator's Config C; val is what follows "=" ("" when nothing does).
type word[C any] struct {
	form string
	// takes, when set, decides whether a fault of the word's name is this word (bpos1's
	// decline=AMOUNT:CODE against the vocabulary's decline=CODE); nil means by name.
	takes func(val string) bool
	set   func(c *C, val string) error
}

// flag is a start-up word without a value.
func flag[C any](form string, set func(c *C)) word[C] {
	return word[C]{form: form, set: func(c *C, _ string) error { set(c); return nil }}
}

// count is a start-up word whose value is a positive count kept in the field that field
// returns; def is the count of the bare word (0: the value is required).
func count[C any](form string, def int, field func(c *C) *int) word[C] {
	return word[C]{form: form, set: func(c *C, v string) error {
		n, err := control.Fault{Name: formName(form), Value: v}.Count(def)
		if err != nil || n <= 0 {
			return errors.New("want a positive count")
		}
		*field(c) = n
		return nil
	}}
}

// kindOf makes a registry entry from the Config a Spec starts from, the simulator's
// constructor and its start-up words.
func kindOf[C any](name string, config func(Spec) C, build func(C) (Server, control.Controller), words []word[C]) kind {
	forms := make([]string, len(words))
	for i, w := range words {
		forms[i] = w.form
	}
	return kind{name: name, words: forms, build: func(spec Spec) (Server, control.Controller, error) {
		c := config(spec)
		var vocab []control.Fault
		for _, sf := range spec.Faults {
			f, err := control.ParseFault(sf, true)
			if err != nil {
				return nil, nil, err
			}
			w, ok := findWord(words, f)
			if !ok {
				vocab = append(vocab, f)
				continue
			}
			if err := w.set(&c, f.Value); err != nil {
				return nil, nil, fmt.Errorf("fault %s: %w", sf, err)
			}
		}
		srv, ctl := build(c)
		if err := ctl.SetFaults(vocab...); err != nil {
			srv.Close()
			if errors.Is(err, control.ErrUnknownFault) {
				return nil, nil, fmt.Errorf("%w (start-up words: %s)", err, strings.Join(forms, ", "))
			}
			return nil, nil, err
		}
		return srv, ctl, nil
	}}
}

func findWord[C any](words []word[C], f control.Fault) (word[C], bool) {
	for _, w := range words {
		if formName(w.form) == f.Name && (w.takes == nil || w.takes(f.Value)) {
			return w, true
		}
	}
	return word[C]{}, false
}

// formName is the name of a form: "nak" of "nak[=N]", "partial" of "partial=AMOUNT".
func formName(form string) string {
	n, _, _ := strings.Cut(form, "[")
	n, _, _ = strings.Cut(n, "=")
	return n
}

func vprinterConfig(s Spec) vprinter.Config { return vprinter.Config{Logger: s.Logger} }

// vprinterWords: profile=NAME (epson, bixolon, pos5890, xprinter), dots=N (the printable
// width); the counts are received bytes. The printer faults are the vocabulary's.
var vprinterWords = []word[vprinter.Config]{
	{form: "profile=NAME", set: func(c *vprinter.Config, v string) error {
		if _, err := vprinter.LookupProfile(v); err != nil {
			return fmt.Errorf("have: %s", strings.Join(vprinter.ProfileNames(), ", "))
		}
		c.Profile = v
		return nil
	}},
	count("dots=N", 0, func(c *vprinter.Config) *int { return &c.Dots }),
	count("stop-reading=BYTES", 0, func(c *vprinter.Config) *int { return &c.StopReadingAfterBytes }),
	count("drop=BYTES", 0, func(c *vprinter.Config) *int { return &c.DropAfterBytes }),
	flag("drawer-open-low", func(c *vprinter.Config) { c.DrawerOpenLow = true }),
}

// privatConfig makes a served terminal walk its status steps (9, 1, 6, 3, 10, 0) over the
// answer delay.
func privatConfig(s Spec) privatsim.Config {
	return privatsim.Config{Logger: s.Logger, StepDelay: s.AnswerDelay / 5}
}

func newPrivat(c privatsim.Config) (Server, control.Controller) {
	s := privatsim.New(c)
	return s, s.Control()
}

// privatWords: shared lets a second client in while another holds the session;
// step-delay sets the time between status steps.
var privatWords = []word[privatsim.Config]{
	flag("shared", func(c *privatsim.Config) { c.Shared = true }),
	{form: "step-delay=DURATION", set: func(c *privatsim.Config, v string) (err error) {
		c.StepDelay, err = time.ParseDuration(v)
		return err
	}},
}

// bposlightWords are the Config faults of earlier releases: corrupt=N frames once, no-ack
// for good, every purchase answered with EOT, a disconnect after a request type, and
// purchases waiting for their card. (no-response is now the simulator's own word.)
var bposlightWords = []word[bposlightsim.Config]{
	count("corrupt[=N]", 1, func(c *bposlightsim.Config) *int { return &c.Faults.CorruptResponses }),
	flag("no-ack", func(c *bposlightsim.Config) { c.Faults.NoACK = true }),
	flag("eot-on-purchase", func(c *bposlightsim.Config) { c.Faults.EOTOnPurchase = true }),
	{form: "disconnect-on=REQ", set: func(c *bposlightsim.Config, v string) error {
		c.Faults.DisconnectOn = strings.ToUpper(v)
		return nil
	}},
	flag("wait-for-card", func(c *bposlightsim.Config) { c.WaitForCard = true }),
}

// bpos1Words: decline=AMOUNT:CODE declines that amount (kopecks) with that ResponseCode
// (the vocabulary's decline=CODE declines every operation), hang holds card operations
// until the ECR's EOT, big-endian writes big-endian replies.
var bpos1Words = []word[bpos1sim.Config]{
	{form: "decline=AMOUNT:CODE", takes: func(v string) bool { return strings.Contains(v, ":") },
		set: func(c *bpos1sim.Config, v string) error {
			a, code, _ := strings.Cut(v, ":")
			amount, err1 := strconv.ParseUint(a, 10, 32)
			rc, err2 := strconv.ParseUint(code, 10, 32)
			if err1 != nil || err2 != nil {
				return errors.New("decline wants AMOUNT:CODE in kopecks, as decline=500:51")
			}
			if c.Declines == nil {
				c.Declines = map[uint32]uint32{}
			}
			c.Declines[uint32(amount)] = uint32(rc)
			return nil
		}},
	flag("hang", func(c *bpos1sim.Config) { c.Hang = true }),
	flag("big-endian", func(c *bpos1sim.Config) { c.ReplyBigEndian = true }),
}
