package service

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/uapos/uapos/escpos"
	"github.com/uapos/uapos/payment"
	"go.yaml.in/yaml/v3"
)

// DefaultListen is the address uaposd binds when the configuration names none: DM's port, on
// loopback only.
const DefaultListen = "127.0.0.1:3939"

// Config is a parsed and checked configuration file. See [ParseConfig] for the format.
type Config struct {
	// Listen is the address to bind ("127.0.0.1:3939" by default). Any address that is not
	// loopback needs Token.
	Listen string
	// Token, when set, is required on every request as "Authorization: Bearer TOKEN".
	Token string
	// Journal is the path of the journal database ("" = the default path chosen by uaposd).
	Journal string
	// Retention is how long journal entries are kept (0 = 90 days, DM's retention).
	Retention time.Duration
	// OperationTimeout bounds one terminal operation, card wait included (0 = 310 s, the
	// client time-out DM's wiki recommends for terminals).
	OperationTimeout time.Duration
	// AllowedOrigins lists the browser origins ("https://pos.example") allowed to call the
	// service; requests with any other Origin header are refused.
	AllowedOrigins []string
	// LogFormat is "text" (default) or "json"; LogLevel is "debug", "info" (default), "warn"
	// or "error".
	LogFormat, LogLevel string
	// Devices are the configured terminals, printers and drawers, in file order.
	Devices []DeviceConfig
	// Checkout configures POST /v1/checkout/... (DM's package mode).
	Checkout CheckoutConfig
}

// DeviceConfig is one entry of the devices list.
type DeviceConfig struct {
	// Name is how requests name the device (DM's device / dev_name).
	Name string
	// Kind is "terminal", "printer" or "drawer".
	Kind string
	// Protocol is the terminal protocol: privatjson, ssijson, bposlight, bpos1 or posapi.
	Protocol string
	// URL is the transport URL (tcp://host:port, serial:///dev/ttyUSB0?baud=115200, usblp://…).
	URL string
	// Library is the vendor library file for bpos1 and posapi (the user supplies it).
	Library string
	// Bank selects the DM capability row ("PrivatBank", "Oschadbank"...); "" = the
	// protocol's default bank.
	Bank string
	// Merchant is the merchant index or code used when a request names none.
	Merchant string
	// JournalKey is the terminal's key in the journal ("" = "uaposd:" + Name). Keep it when
	// renaming a device so that lost replies are still reconciled.
	JournalKey string
	// Profile is the printer profile (escpos.Profiles); "" = DefaultPrinterProfile.
	Profile string
	// Printer is the printer a drawer hangs on.
	Printer string
	// Pin is the drawer kick pin, 2 (default) or 5.
	Pin int
	// OpenWhenLow reads the drawer sensor LOW as open.
	OpenWhenLow bool
	// Line is the line of the entry in the file.
	Line int
}

// CheckoutConfig configures DM's package mode.
type CheckoutConfig struct {
	// FiscalURL is the caller's fiscal webhook: uaposd POSTs each sale to it and prints what
	// it returns. uapos does not talk to tax services.
	FiscalURL string
	// Terminal, Printer and Drawer are the devices of the package ("" = the only device of
	// that kind, if there is exactly one).
	Terminal, Printer, Drawer string
}

// Device kinds.
const (
	KindTerminal = "terminal"
	KindPrinter  = "printer"
	KindDrawer   = "drawer"
)

// TerminalProtocols maps each terminal protocol uaposd serves to its DM protocol and default
// bank.
var TerminalProtocols = map[string]struct {
	Protocol payment.Protocol
	Bank     payment.Bank
}{
	"privatjson": {payment.ProtoPrivatJSON, payment.BankPrivat},
	"ssijson":    {payment.ProtoSSIJSON, payment.BankSSI},
	"bposlight":  {payment.ProtoBPOSLight, payment.BankUkrsib},
	"bpos1":      {payment.ProtoBPOS1, payment.BankOschad},
	"posapi":     {payment.ProtoPOSAPI, payment.BankRaiffeisen},
}

// ConfigError is one problem in a configuration file, at a line and column (1-based; 0 when
// the problem has no place, such as a missing section).
type ConfigError struct {
	File      string
	Line, Col int
	Msg       string
}

// Error returns "file:line:col: message".
func (e ConfigError) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File + ":")
	}
	if e.Line > 0 {
		b.WriteString(strconv.Itoa(e.Line) + ":")
		if e.Col > 0 {
			b.WriteString(strconv.Itoa(e.Col) + ":")
		}
	}
	if b.Len() > 0 {
		b.WriteByte(' ')
	}
	b.WriteString(e.Msg)
	return b.String()
}

// ConfigErrors is every problem found in a configuration, in file order.
type ConfigErrors []ConfigError

// Error returns one problem per line.
func (es ConfigErrors) Error() string {
	s := make([]string, len(es))
	for i, e := range es {
		s[i] = e.Error()
	}
	return strings.Join(s, "\n")
}

// MaxConfigSize bounds a configuration file.
const MaxConfigSize = 1 << 20

// LoadConfig reads and checks the configuration file at path (see [ParseConfig]).
func LoadConfig(path string) (*Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxConfigSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxConfigSize {
		return nil, ConfigErrors{{File: path, Msg: fmt.Sprintf("file larger than %d bytes", MaxConfigSize)}}
	}
	cfg, err := ParseConfig(data)
	var ces ConfigErrors
	if errors.As(err, &ces) {
		for i := range ces {
			ces[i].File = path
		}
		return nil, ces
	}
	return cfg, err
}

// ParseConfig parses and checks a YAML configuration:
//
//	listen: 127.0.0.1:3939          # any other address needs token
//	token: "a long random string"   # Authorization: Bearer …
//	journal: /var/lib/uaposd/journal.db
//	retention: 2160h                # 90 days
//	operation_timeout: 310s
//	allowed_origins: []
//	log: {format: text, level: info}
//	devices:
//	  - {name: priv, kind: terminal, protocol: privatjson, url: "tcp://192.0.2.10:2000", bank: PrivatBank, merchant: "1"}
//	  - {name: prn, kind: printer, url: "tcp://192.0.2.11:9100", profile: epson-tm-t88}
//	  - {name: cash, kind: drawer, printer: prn, pin: 2}
//	checkout: {fiscal_url: "http://127.0.0.1:8080/fiscal", terminal: priv, printer: prn, drawer: cash}
//
// Every problem found is returned in a [ConfigErrors] with its line and column.
func ParseConfig(data []byte) (*Config, error) {
	p := &cfgParser{}
	cfg := p.parse(data)
	if len(p.errs) > 0 {
		slices.SortStableFunc(p.errs, func(a, b ConfigError) int { return a.Line - b.Line })
		return nil, p.errs
	}
	return cfg, nil
}

type cfgParser struct {
	errs ConfigErrors
}

func (p *cfgParser) errf(n *yaml.Node, format string, args ...any) {
	e := ConfigError{Msg: fmt.Sprintf(format, args...)}
	if n != nil {
		e.Line, e.Col = n.Line, n.Column
	}
	p.errs = append(p.errs, e)
}

var yamlLine = regexp.MustCompile(`line (\d+)(?:, column (\d+))?: (.*)`)

func (p *cfgParser) parse(data []byte) *Config {
	cfg := &Config{}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		e := ConfigError{Msg: msg}
		if m := yamlLine.FindStringSubmatch(msg); m != nil {
			e.Line, _ = strconv.Atoi(m[1])
			e.Col, _ = strconv.Atoi(m[2])
			e.Msg = m[3]
		}
		p.errs = append(p.errs, e)
		return nil
	}
	if len(doc.Content) == 0 {
		// An empty file: every default, no devices.
		return cfg
	}
	root := doc.Content[0]
	p.mapping(root, map[string]func(*yaml.Node){
		"listen":            func(v *yaml.Node) { p.scalar(v, &cfg.Listen) },
		"token":             func(v *yaml.Node) { p.scalar(v, &cfg.Token) },
		"journal":           func(v *yaml.Node) { p.scalar(v, &cfg.Journal) },
		"retention":         func(v *yaml.Node) { p.duration(v, &cfg.Retention) },
		"operation_timeout": func(v *yaml.Node) { p.duration(v, &cfg.OperationTimeout) },
		"allowed_origins": func(v *yaml.Node) {
			if p.scalar(v, &cfg.AllowedOrigins) {
				for i, o := range cfg.AllowedOrigins {
					if u, err := url.Parse(o); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" {
						p.errf(v.Content[i], "origin %q: want scheme://host[:port], as https://pos.example", o)
					}
				}
			}
		},
		"log": func(v *yaml.Node) {
			p.mapping(v, map[string]func(*yaml.Node){
				"format": func(v *yaml.Node) {
					if p.scalar(v, &cfg.LogFormat) && cfg.LogFormat != "text" && cfg.LogFormat != "json" {
						p.errf(v, "log format %q: want text or json", cfg.LogFormat)
					}
				},
				"level": func(v *yaml.Node) {
					if p.scalar(v, &cfg.LogLevel) && !slices.Contains([]string{"debug", "info", "warn", "error"}, cfg.LogLevel) {
						p.errf(v, "log level %q: want debug, info, warn or error", cfg.LogLevel)
					}
				},
			})
		},
		"devices": func(v *yaml.Node) {
			if v.Kind != yaml.SequenceNode {
				p.errf(v, "devices: want a list of devices")
				return
			}
			for _, item := range v.Content {
				cfg.Devices = append(cfg.Devices, p.device(item))
			}
		},
		"checkout": func(v *yaml.Node) {
			p.mapping(v, map[string]func(*yaml.Node){
				"fiscal_url": func(v *yaml.Node) {
					if p.scalar(v, &cfg.Checkout.FiscalURL) {
						if err := checkWebhookURL(cfg.Checkout.FiscalURL, true); err != nil {
							p.errf(v, "fiscal_url: %v", err)
						}
					}
				},
				"terminal": func(v *yaml.Node) { p.scalar(v, &cfg.Checkout.Terminal) },
				"printer":  func(v *yaml.Node) { p.scalar(v, &cfg.Checkout.Printer) },
				"drawer":   func(v *yaml.Node) { p.scalar(v, &cfg.Checkout.Drawer) },
			})
		},
	})
	p.check(cfg, root)
	return cfg
}

// mapping walks a mapping node, calling the field's function for each known key and
// reporting unknown and repeated keys.
func (p *cfgParser) mapping(n *yaml.Node, fields map[string]func(*yaml.Node)) {
	if n.Kind != yaml.MappingNode {
		p.errf(n, "want a mapping of keys (key: value), got %s", nodeKind(n))
		return
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		f, ok := fields[k.Value]
		switch {
		case !ok:
			known := make([]string, 0, len(fields))
			for name := range fields {
				known = append(known, name)
			}
			slices.Sort(known)
			p.errf(k, "unknown key %q (known: %s)", k.Value, strings.Join(known, ", "))
		case seen[k.Value]:
			p.errf(k, "key %q given twice", k.Value)
		default:
			seen[k.Value] = true
			f(v)
		}
	}
}

func nodeKind(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a mapping"
	case yaml.ScalarNode:
		return fmt.Sprintf("%q", n.Value)
	case yaml.AliasNode:
		return "an alias"
	}
	return "nothing"
}

// scalar decodes v into out, reporting a type mismatch at v; it reports whether it decoded.
func (p *cfgParser) scalar(v *yaml.Node, out any) bool {
	if err := v.Decode(out); err != nil {
		msg := err.Error()
		if m := yamlLine.FindStringSubmatch(msg); m != nil {
			msg = m[3]
		}
		p.errf(v, "%s", strings.TrimPrefix(msg, "yaml: "))
		return false
	}
	return true
}

func (p *cfgParser) duration(v *yaml.Node, out *time.Duration) {
	var s string
	if !p.scalar(v, &s) {
		return
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		p.errf(v, "%q is not a duration: want a number with a unit, as 310s, 90m or 2160h", s)
		return
	}
	*out = d
}

func (p *cfgParser) device(n *yaml.Node) DeviceConfig {
	d := DeviceConfig{Line: n.Line}
	str := func(out *string) func(*yaml.Node) { return func(v *yaml.Node) { p.scalar(v, out) } }
	p.mapping(n, map[string]func(*yaml.Node){
		"name":          str(&d.Name),
		"kind":          str(&d.Kind),
		"protocol":      str(&d.Protocol),
		"url":           str(&d.URL),
		"library":       str(&d.Library),
		"bank":          str(&d.Bank),
		"merchant":      str(&d.Merchant),
		"journal_key":   str(&d.JournalKey),
		"profile":       str(&d.Profile),
		"printer":       str(&d.Printer),
		"pin":           func(v *yaml.Node) { p.scalar(v, &d.Pin) },
		"open_when_low": func(v *yaml.Node) { p.scalar(v, &d.OpenWhenLow) },
	})
	return d
}

// keyNode returns the value node of key in mapping n, or n itself.
func keyNode(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return n
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return n
}

// check runs the checks that span fields: names, kinds, protocols, banks, links between devices,
// the listen address and its token.
func (p *cfgParser) check(cfg *Config, root *yaml.Node) {
	devNodes := keyNode(root, "devices")
	nodeOf := func(i int, key string) *yaml.Node {
		if devNodes == nil || devNodes.Kind != yaml.SequenceNode || i >= len(devNodes.Content) {
			return nil
		}
		return keyNode(devNodes.Content[i], key)
	}
	byName := map[string]DeviceConfig{}
	for i, d := range cfg.Devices {
		switch {
		case d.Name == "":
			p.errf(nodeOf(i, "name"), "device has no name")
		case !validName(d.Name):
			p.errf(nodeOf(i, "name"), "device name %q: use letters, digits, '-', '_' and '.', at most 64", d.Name)
		default:
			if prev, dup := byName[d.Name]; dup {
				p.errf(nodeOf(i, "name"), "device name %q already used on line %d", d.Name, prev.Line)
			}
			byName[d.Name] = d
		}
		switch d.Kind {
		case KindTerminal:
			proto, ok := TerminalProtocols[d.Protocol]
			if !ok {
				p.errf(nodeOf(i, "protocol"), "protocol %q: want one of %s", d.Protocol, strings.Join(protocolNames(), ", "))
				break
			}
			bank := payment.Bank(d.Bank)
			if bank == "" {
				bank = proto.Bank
			}
			if _, ok := payment.Capabilities(bank, proto.Protocol); !ok {
				p.errf(nodeOf(i, "bank"), "bank %q has no %s row in DM's capability table (banks with one: %s)", d.Bank, proto.Protocol, strings.Join(banksFor(proto.Protocol), ", "))
			}
			switch {
			case d.Protocol == "posapi" && d.Library == "":
				p.errf(nodeOf(i, "protocol"), "posapi needs library: the path of the vendor's POSAPI library (its wire is not public)")
			case d.Protocol != "posapi" && d.Protocol != "bpos1" && d.Library != "":
				p.errf(nodeOf(i, "library"), "library is only for bpos1 and posapi")
			case d.URL == "" && d.Library == "":
				p.errf(nodeOf(i, "kind"), "terminal %q has no url", d.Name)
			}
			p.checkURL(d, nodeOf(i, "url"))
			p.onlyFor(d, i, nodeOf, "terminal", "profile", "printer", "pin", "open_when_low")
		case KindPrinter:
			if d.URL == "" {
				p.errf(nodeOf(i, "kind"), "printer %q has no url", d.Name)
			}
			p.checkURL(d, nodeOf(i, "url"))
			if d.Profile != "" {
				if _, err := escpos.LoadProfile(d.Profile); err != nil {
					p.errf(nodeOf(i, "profile"), "profile %q: want one of %s", d.Profile, strings.Join(escpos.Profiles(), ", "))
				}
			}
			p.onlyFor(d, i, nodeOf, "printer", "protocol", "library", "bank", "merchant", "journal_key", "printer", "pin", "open_when_low")
		case KindDrawer:
			if d.Pin != 0 && d.Pin != 2 && d.Pin != 5 {
				p.errf(nodeOf(i, "pin"), "drawer pin %d: want 2 or 5", d.Pin)
			}
			p.onlyFor(d, i, nodeOf, "drawer", "protocol", "url", "library", "bank", "merchant", "journal_key", "profile")
		case "":
			p.errf(nodeOf(i, "name"), "device %q has no kind: want terminal, printer or drawer", d.Name)
		default:
			p.errf(nodeOf(i, "kind"), "kind %q: want terminal, printer or drawer", d.Kind)
		}
	}
	for i, d := range cfg.Devices {
		if d.Kind != KindDrawer {
			continue
		}
		prn, ok := byName[d.Printer]
		switch {
		case d.Printer == "":
			p.errf(nodeOf(i, "kind"), "drawer %q names no printer: a drawer hangs on a printer's kick-out port", d.Name)
		case !ok || prn.Kind != KindPrinter:
			p.errf(nodeOf(i, "printer"), "drawer %q: no printer named %q", d.Name, d.Printer)
		}
	}
	co := keyNode(root, "checkout")
	for _, ref := range []struct{ key, name, kind string }{
		{"terminal", cfg.Checkout.Terminal, KindTerminal},
		{"printer", cfg.Checkout.Printer, KindPrinter},
		{"drawer", cfg.Checkout.Drawer, KindDrawer},
	} {
		if ref.name == "" {
			continue
		}
		if d, ok := byName[ref.name]; !ok || d.Kind != ref.kind {
			p.errf(keyNode(co, ref.key), "checkout %s: no %s named %q", ref.key, ref.kind, ref.name)
		}
	}
	if cfg.Listen != "" {
		if err := CheckListen(cfg.Listen, cfg.Token); err != nil {
			p.errf(keyNode(root, "listen"), "%v", err)
		}
	}
}

func (p *cfgParser) checkURL(d DeviceConfig, n *yaml.Node) {
	if d.URL == "" {
		return
	}
	u, err := url.Parse(d.URL)
	if err != nil {
		p.errf(n, "url %q: %v", d.URL, err)
		return
	}
	switch u.Scheme {
	case "tcp", "serial", "usblp", "usb":
	default:
		p.errf(n, "url %q: want tcp://host:port, serial:///dev/ttyUSB0?baud=115200, usblp:///dev/usb/lp0 or usb://VID:PID", d.URL)
	}
	if u.Scheme == "tcp" {
		if _, port, err := net.SplitHostPort(u.Host); err != nil || port == "" {
			p.errf(n, "url %q: tcp needs host:port", d.URL)
		}
	}
}

// onlyFor reports keys set on a device of a kind that has no use for them.
func (p *cfgParser) onlyFor(d DeviceConfig, i int, nodeOf func(int, string) *yaml.Node, kind string, keys ...string) {
	set := map[string]bool{
		"protocol": d.Protocol != "", "url": d.URL != "", "library": d.Library != "", "bank": d.Bank != "",
		"merchant": d.Merchant != "", "journal_key": d.JournalKey != "", "profile": d.Profile != "",
		"printer": d.Printer != "", "pin": d.Pin != 0, "open_when_low": d.OpenWhenLow,
	}
	for _, k := range keys {
		if set[k] {
			p.errf(nodeOf(i, k), "%s is not a key of a %s", k, kind)
		}
	}
}

func protocolNames() []string {
	var s []string
	for k := range TerminalProtocols {
		s = append(s, k)
	}
	slices.Sort(s)
	return s
}

func banksFor(proto payment.Protocol) []string {
	var s []string
	for _, r := range payment.CapabilityTable() {
		if r.Protocol == proto {
			s = append(s, string(r.Bank))
		}
	}
	return s
}

var nameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

func validName(s string) bool { return nameRE.MatchString(s) }

// IsLoopback reports whether a listen address binds loopback only (127.0.0.0/8, ::1 or
// "localhost"). An empty host ("":3939) binds every interface.
func IsLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// ErrTokenRequired is returned by [CheckListen] for a non-loopback address without a token.
var ErrTokenRequired = errors.New("binding an address other than loopback needs an API token (Authorization: Bearer)")

// CheckListen checks a listen address: host:port, and a token when the host is not loopback.
func CheckListen(addr, token string) error {
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return fmt.Errorf("listen %q: want host:port, as 127.0.0.1:3939", addr)
	}
	if !IsLoopback(addr) && token == "" {
		return fmt.Errorf("listen %q: %w", addr, ErrTokenRequired)
	}
	return nil
}
