package control

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Word is one fault word: its name, its form with the value it takes, and what it does.
type Word struct {
	Name    string `json:"name"`
	Form    string `json:"form"`
	Meaning string `json:"meaning"`
	// State marks a printer condition: a state of the device, not an event, so it lasts
	// until cleared and takes no "@N".
	State bool `json:"state,omitempty"`
}

// The vocabulary: every terminal simulator knows every word of TerminalWords (or says why its
// protocol cannot express it), the virtual printer every word of PrinterWords.
var (
	TerminalWords = []Word{
		{Name: "decline", Form: "decline[=CODE]", Meaning: "the host declines the next operation that moves money with CODE, in the protocol's own response codes (default: do not honour, ISO 05)"},
		{Name: "partial", Form: "partial=AMOUNT", Meaning: "the host approves the next purchase for AMOUNT (as 10.00) when that is less than asked"},
		{Name: "busy", Form: "busy", Meaning: "the terminal answers the next request that it is busy"},
		{Name: "silent", Form: "silent", Meaning: "the terminal takes the next request and never answers it; nothing is done or charged"},
		{Name: "drop-reply", Form: "drop-reply", Meaning: "the operation is done (and charged), then the link drops before the answer: the lost reply"},
		{Name: "disconnect-mid-reply", Form: "disconnect-mid-reply", Meaning: "the operation is done, half of the answer goes out, then the link drops"},
		{Name: "garbage", Form: "garbage", Meaning: "the operation is done, bytes that are no answer go out instead of it, then the link drops"},
		{Name: "corrupt-checksum", Form: "corrupt-checksum[=N]", Meaning: "the answer goes out with a wrong checksum N times (default 1), then as it should"},
		{Name: "nak", Form: "nak[=N]", Meaning: "the request frame is refused with NAK N times (default 1)"},
		{Name: "slow", Form: "slow=DURATION", Meaning: "the answer comes DURATION (as 3s) later than it would"},
		{Name: "host-down", Form: "host-down", Meaning: "no link to the bank: the next operation that needs the host fails with the protocol's no-host answer"},
		{Name: "card-timeout", Form: "card-timeout", Meaning: "nobody presents a card: the next card operation waits at the card prompt until the ECR aborts it or a card is presented through the control API (a terminal's own card time-out and its code are not public)"},
		{Name: "cashier-abort", Form: "cashier-abort", Meaning: "the cashier cancels the next card operation on the terminal"},
	}
	PrinterWords = []Word{
		{Name: "paper-near-end", Form: "paper-near-end[=LINES]", Meaning: "the paper sensor reads near-end (after LINES more printed lines)", State: true},
		{Name: "paper-out", Form: "paper-out[=LINES]", Meaning: "the paper runs out (after LINES more printed lines): the printer goes offline and holds the data", State: true},
		{Name: "cover-open", Form: "cover-open", Meaning: "the cover is open: the printer is offline and holds the data", State: true},
		{Name: "offline", Form: "offline", Meaning: "the offline switch is on: the printer holds the data", State: true},
		{Name: "drawer-stuck", Form: "drawer-stuck", Meaning: "the next drawer kick does not open the drawer"},
	}
)

// ErrUnknownFault is returned (wrapped) for a word a simulator does not know.
var ErrUnknownFault = errors.New("control: unknown fault")

// ErrNotExpressible is matched (errors.Is) by a [*NotExpressibleError].
var ErrNotExpressible = errors.New("control: fault not expressible in this protocol")

// NotExpressibleError says that a protocol cannot express a fault word, and why: a
// property of the protocol, not of the simulator.
type NotExpressibleError struct {
	Protocol, Fault, Reason string
}

// Error returns "control: PROTOCOL cannot express FAULT: REASON".
func (e *NotExpressibleError) Error() string {
	return "control: " + e.Protocol + " cannot express " + e.Fault + ": " + e.Reason
}

// Is matches ErrNotExpressible.
func (e *NotExpressibleError) Is(target error) bool { return target == ErrNotExpressible }

// Support is what one simulator makes of the vocabulary: the words it speaks, the ones its
// protocol cannot express (with the reason) and its own extra words.
type Support struct {
	// Protocol names the simulator ("bposlight").
	Protocol string
	// Words is the vocabulary the device belongs to: TerminalWords or PrinterWords.
	Words []Word
	// NotExpressible maps a word of Words to why the protocol cannot express it.
	NotExpressible map[string]string
	// Extra are the simulator's own words beyond the vocabulary (set at run time like the
	// others).
	Extra []Word
}

// Word returns the word called name among Words and Extra.
func (s Support) Word(name string) (Word, bool) {
	for _, w := range s.Words {
		if w.Name == name {
			return w, true
		}
	}
	for _, w := range s.Extra {
		if w.Name == name {
			return w, true
		}
	}
	return Word{}, false
}

// Check reports whether the simulator can take f: nil, a [*NotExpressibleError], or an
// error wrapping [ErrUnknownFault].
func (s Support) Check(f Fault) error {
	w, ok := s.Word(f.Name)
	if !ok {
		other := PrinterWords
		kind := "a printer"
		if slices.Equal(s.Words, PrinterWords) {
			other, kind = TerminalWords, "a terminal"
		}
		for _, o := range other {
			if o.Name == f.Name {
				return fmt.Errorf("%w: %s is a fault of %s, and %s is not one", ErrUnknownFault, f.Name, kind, s.Protocol)
			}
		}
		return fmt.Errorf("%w %q for %s (have: %s)", ErrUnknownFault, f.Name, s.Protocol, strings.Join(s.Forms(), ", "))
	}
	if why, ok := s.NotExpressible[f.Name]; ok {
		return &NotExpressibleError{Protocol: s.Protocol, Fault: f.Name, Reason: why}
	}
	if w.State && f.Times != Sticky && f.Times != 1 {
		return fmt.Errorf("control: %s is a printer condition: it lasts until cleared and takes no @N", f.Name)
	}
	takesValue := strings.Contains(w.Form, "=")
	optional := strings.Contains(w.Form, "[=")
	switch {
	case f.Value != "" && !takesValue:
		return fmt.Errorf("control: %s takes no value (form %s)", f.Name, w.Form)
	case f.Value == "" && takesValue && !optional:
		return fmt.Errorf("control: %s needs a value (form %s)", f.Name, w.Form)
	}
	return nil
}

// Forms returns the forms of the words the simulator can express, then its extra words.
func (s Support) Forms() []string {
	var out []string
	for _, w := range s.Words {
		if _, no := s.NotExpressible[w.Name]; !no {
			out = append(out, w.Form)
		}
	}
	for _, w := range s.Extra {
		out = append(out, w.Form)
	}
	return out
}

// Help is the text of `hwprobe sim NAME --faults help`: each word with what it does here,
// or why the protocol cannot express it, then the syntax.
func (s Support) Help() string {
	var b strings.Builder
	fmt.Fprintf(&b, "faults of %s (NAME[=VALUE][@N|@sticky]; without @, one operation at run time and sticky at start-up):\n", s.Protocol)
	for _, w := range s.Words {
		if why, no := s.NotExpressible[w.Name]; no {
			fmt.Fprintf(&b, "  %-24s not expressible: %s\n", w.Form, why)
			continue
		}
		fmt.Fprintf(&b, "  %-24s %s\n", w.Form, w.Meaning)
	}
	for _, w := range s.Extra {
		fmt.Fprintf(&b, "  %-24s %s (%s only)\n", w.Form, w.Meaning, s.Protocol)
	}
	return b.String()
}

// DropRequest is the word of the simulators whose link can drop a request before it is
// done (a word of their own: the vocabulary's link faults all come after the operation).
var DropRequest = Word{Name: "drop-request", Form: "drop-request", Meaning: "the link drops on the next request, before it is done"}

// CheckAll checks every fault with Check, and the values of the vocabulary's words: partial
// an amount, slow a duration, nak and corrupt-checksum counts, decline a code from 1 to
// maxCode. A decline without a code gets def.
func (s Support) CheckAll(fs []Fault, def string, maxCode int) error {
	for i, f := range fs {
		if err := s.Check(f); err != nil {
			return err
		}
		var err error
		switch f.Name {
		case "decline":
			if f.Value == "" {
				fs[i].Value = def
			} else if n, e := strconv.Atoi(f.Value); e != nil || n < 1 || n > maxCode {
				err = fmt.Errorf("control: %s: decline: want a response code from 1 to %d, got %q", s.Protocol, maxCode, f.Value)
			}
		case "partial":
			_, err = f.Kopecks()
		case "slow":
			_, err = f.Duration()
		case "nak", "corrupt-checksum":
			_, err = f.Count(1)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
