package control

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Sticky is the Times of a fault that lasts until it is cleared.
const Sticky = -1

// Limits of the fault syntax: a fault is small text, whoever sends it.
const (
	maxName  = 32
	maxValue = 64
	maxTimes = 1_000_000
	// MaxFaults is the most faults one request (or one Set) holds.
	MaxFaults = 64
)

// Fault is one fault word with its value and how long it lasts, written
// NAME[=VALUE][@N|@sticky]: "decline", "decline=0051@2", "slow=3s@sticky".
type Fault struct {
	// Name is the word: "decline", "paper-out".
	Name string
	// Value is what follows "=" ("" when nothing does): a code, an amount, a count, a
	// duration, as the word's form says.
	Value string
	// Times is how many more operations the fault applies to (1 is one-shot), or Sticky.
	Times int
}

// String writes the fault back in its syntax; a one-shot fault has no "@".
func (f Fault) String() string {
	s := f.Name
	if f.Value != "" {
		s += "=" + f.Value
	}
	switch {
	case f.Times == Sticky:
		s += "@sticky"
	case f.Times > 1:
		s += "@" + strconv.Itoa(f.Times)
	}
	return s
}

// ErrSyntax is what ParseFault returns (wrapped) for text that is not a fault.
var ErrSyntax = errors.New("control: bad fault syntax")

// ParseFault reads NAME[=VALUE][@N|@sticky]. A fault without "@" lasts one operation, or
// until cleared when sticky is true (faults given when a simulator starts are sticky: a
// simulator started with "--faults busy" stays busy). It checks the syntax only; whether a
// simulator knows the word is its [Support.Check].
func ParseFault(s string, sticky bool) (Fault, error) {
	bad := func(why string) (Fault, error) {
		return Fault{}, fmt.Errorf("%w: %q: %s", ErrSyntax, clip(s), why)
	}
	s = strings.TrimSpace(s)
	f := Fault{Times: 1}
	if sticky {
		f.Times = Sticky
	}
	if i := strings.LastIndexByte(s, '@'); i >= 0 {
		t := s[i+1:]
		s = s[:i]
		switch {
		case t == "sticky":
			f.Times = Sticky
		default:
			n, err := strconv.Atoi(t)
			if err != nil || n < 1 || n > maxTimes {
				return bad("the count after @ is a number from 1 to 1000000, or \"sticky\"")
			}
			f.Times = n
		}
	}
	name, val, hasVal := strings.Cut(s, "=")
	if name == "" || len(name) > maxName {
		return bad("no fault name")
	}
	for _, c := range name {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
			return bad("a fault name is lower-case letters, digits and '-'")
		}
	}
	if hasVal && val == "" {
		return bad("nothing after '='")
	}
	if len(val) > maxValue {
		return bad("value too long")
	}
	for _, c := range val {
		if c <= ' ' || c > '~' || c == '@' || c == ',' {
			return bad("a value is printable ASCII without spaces, '@' or ','")
		}
	}
	f.Name, f.Value = name, val
	return f, nil
}

// ParseFaults parses each of list with [ParseFault].
func ParseFaults(list []string, sticky bool) ([]Fault, error) {
	if len(list) > MaxFaults {
		return nil, fmt.Errorf("%w: more than %d faults", ErrSyntax, MaxFaults)
	}
	out := make([]Fault, 0, len(list))
	for _, s := range list {
		f, err := ParseFault(s, sticky)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}

// Count reads the value as a positive count, def when there is none.
func (f Fault) Count(def int) (int, error) {
	if f.Value == "" {
		return def, nil
	}
	n, err := strconv.Atoi(f.Value)
	if err != nil || n < 1 || n > maxTimes {
		return 0, fmt.Errorf("control: %s: want a positive count, got %q", f.Name, f.Value)
	}
	return n, nil
}

// Duration reads the value as a Go duration ("250ms", "3s"), 0..10 min.
func (f Fault) Duration() (time.Duration, error) {
	d, err := time.ParseDuration(f.Value)
	if err != nil || d < 0 || d > 10*time.Minute {
		return 0, fmt.Errorf("control: %s: want a duration from 0 to 10m (as 3s), got %q", f.Name, f.Value)
	}
	return d, nil
}

// Kopecks reads the value as an amount in hryvnias with kopecks ("10.00", "10,5", "10").
func (f Fault) Kopecks() (int64, error) {
	k, ok := ParseAmount(f.Value)
	if !ok || k <= 0 {
		return 0, fmt.Errorf("control: %s: want an amount as 10.00, got %q", f.Name, f.Value)
	}
	return k, nil
}

// ParseAmount reads "12.34", "12,34", "12.3" or "12" hryvnias into kopecks.
func ParseAmount(s string) (int64, bool) {
	s = strings.Replace(strings.TrimSpace(s), ",", ".", 1)
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || len(whole) > 12 || len(frac) > 2 {
		return 0, false
	}
	for _, c := range whole + frac {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	w, _ := strconv.ParseInt(whole, 10, 64)
	for len(frac) < 2 {
		frac += "0"
	}
	k, _ := strconv.ParseInt(frac, 10, 64)
	return w*100 + k, true
}

// Set is the faults armed on one simulator. The zero value is empty and ready; it is safe
// for concurrent use.
type Set struct {
	mu sync.Mutex
	f  []Fault
}

// Arm adds faults; a fault replaces an armed one of the same name.
func (s *Set) Arm(fs ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range fs {
		replaced := false
		for i := range s.f {
			if s.f[i].Name == f.Name {
				s.f[i], replaced = f, true
			}
		}
		if !replaced && len(s.f) < MaxFaults {
			s.f = append(s.f, f)
		}
	}
}

// Clear disarms every fault.
func (s *Set) Clear() {
	s.mu.Lock()
	s.f = nil
	s.mu.Unlock()
}

// Remove disarms the fault called name.
func (s *Set) Remove(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.f {
		if s.f[i].Name == name {
			s.f = append(s.f[:i], s.f[i+1:]...)
			return
		}
	}
}

// List returns the armed faults in the order they were armed.
func (s *Set) List() []Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Fault(nil), s.f...)
}

// Peek returns the armed fault called name without using it up.
func (s *Set) Peek(name string) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range s.f {
		if f.Name == name {
			return f, true
		}
	}
	return Fault{}, false
}

// Take returns the armed fault called name and uses up one operation of it: a one-shot
// fault is disarmed, a counted one counts down, a sticky one stays.
func (s *Set) Take(name string) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.f {
		if f.Name != name {
			continue
		}
		if f.Times != Sticky {
			s.f[i].Times--
			if s.f[i].Times <= 0 {
				s.f = append(s.f[:i], s.f[i+1:]...)
			}
		}
		return f, true
	}
	return Fault{}, false
}

// TakeFor is Take for an operation, and for a query (a ping, a status or journal query, a
// report) a Peek that only a sticky fault answers: a one-shot fault waits for the operation
// it is meant for (one that moves money, reads a card or goes to the bank), while a sticky
// one (a dead or busy terminal) shows on every request.
func (s *Set) TakeFor(name string, query bool) (Fault, bool) {
	if !query {
		return s.Take(name)
	}
	f, ok := s.Peek(name)
	if !ok || f.Times != Sticky {
		return Fault{}, false
	}
	return f, true
}

// Answer is what the faults that act on any operation's answer make of one operation.
type Answer struct {
	// Slow is the extra time before the answer (slow).
	Slow time.Duration
	// Lost is "drop-reply", "disconnect-mid-reply", "garbage" or "": how the answer is lost.
	Lost string
	// Corrupt is how many times the answer goes out with a bad checksum (corrupt-checksum).
	Corrupt int
}

// TakeAnswer takes slow, the first of drop-reply, disconnect-mid-reply and garbage, and
// corrupt-checksum for one operation (for a query: only sticky ones, see TakeFor). Their
// values were checked when they were armed.
func (s *Set) TakeAnswer(query bool) Answer {
	var a Answer
	if f, ok := s.TakeFor("slow", query); ok {
		a.Slow, _ = f.Duration()
	}
	for _, name := range []string{"drop-reply", "disconnect-mid-reply", "garbage"} {
		if _, ok := s.TakeFor(name, query); ok {
			a.Lost = name
			break
		}
	}
	if f, ok := s.TakeFor("corrupt-checksum", query); ok {
		a.Corrupt, _ = f.Count(1)
	}
	return a
}
