package service

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"time"
)

// CheckoutOptions configure DM's package mode (POST /v1/checkout/sale and /return).
type CheckoutOptions struct {
	// FiscalURL is the caller's fiscal webhook (see FiscalWebhookRequest). A request may name
	// another one only on loopback.
	FiscalURL string
	// Terminal, Printer and Drawer name the package's devices ("" = the only one of its kind).
	Terminal, Printer, Drawer string
	// HTTPClient calls the webhook (nil = a client that does not follow redirects).
	HTTPClient *http.Client
	// FiscalTimeout bounds one webhook call (0 = 20 s, DM's PRRO time-out).
	FiscalTimeout time.Duration
}

// checkWebhookURL checks a fiscal webhook URL: http or https with a host; a URL that does not
// come from the configuration must be on loopback.
func checkWebhookURL(raw string, fromConfig bool) error {
	u, err := url.Parse(raw)
	if err != nil {
		return err
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("%q: want an http:// or https:// URL", raw)
	}
	if u.Host == "" {
		return fmt.Errorf("%q has no host", raw)
	}
	if !fromConfig && !loopbackHost(u.Host) {
		return errors.New("a webhook named in a request must be on loopback (127.0.0.1, localhost, [::1]); configure others as checkout.fiscal_url")
	}
	if _, port, err := net.SplitHostPort(u.Host); err == nil && port == "" {
		return fmt.Errorf("%q: empty port", raw)
	}
	return nil
}
