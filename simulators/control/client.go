package control

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Client calls a control API over HTTP, for Go tests that run the simulators in another
// process (`hwprobe sim X --control ADDR`). Other languages call the same endpoints (see
// [NewHandler]).
type Client struct {
	// Base is the API's root, "http://127.0.0.1:PORT".
	Base string
	// HTTP is the client to use; nil means http.DefaultClient.
	HTTP *http.Client
}

// APIError is an answer of the API other than 2xx.
type APIError struct {
	Status  int
	Message string
}

// Error returns "control: HTTP STATUS: MESSAGE".
func (e *APIError) Error() string {
	return fmt.Sprintf("control: HTTP %d: %s", e.Status, e.Message)
}

// maxAnswer bounds what the client reads from the API.
const maxAnswer = 64 << 20

func (c *Client) do(ctx context.Context, method, path string, body any, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(c.Base, "/")+path, rd)
	if err != nil {
		return fmt.Errorf("control: %w", err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("control: %w", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return fmt.Errorf("control: %s %s: %w", method, path, err)
	}
	if resp.StatusCode/100 != 2 {
		var e struct{ Error string }
		if json.Unmarshal(b, &e) != nil || e.Error == "" {
			e.Error = strings.TrimSpace(string(b))
		}
		return &APIError{Status: resp.StatusCode, Message: e.Error}
	}
	switch o := out.(type) {
	case nil:
		return nil
	case *[]byte:
		*o = b
		return nil
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("control: %s %s: %w", method, path, err)
	}
	return nil
}

func devPath(device, rest string) string { return "/v1/devices/" + url.PathEscape(device) + rest }

// Devices lists the devices.
func (c *Client) Devices(ctx context.Context) ([]DeviceInfo, error) {
	var out struct{ Devices []DeviceInfo }
	err := c.do(ctx, http.MethodGet, "/v1/devices", nil, &out)
	return out.Devices, err
}

// SetFaults arms faults on device ("decline=0051", "busy@2", "silent@sticky"; without "@" a
// fault lasts one operation) and returns the faults armed.
func (c *Client) SetFaults(ctx context.Context, device string, faults ...string) ([]string, error) {
	var out FaultsBody
	err := c.do(ctx, http.MethodPost, devPath(device, "/faults"), FaultsBody{Faults: faults}, &out)
	return out.Faults, err
}

// ClearFaults disarms every fault of device.
func (c *Client) ClearFaults(ctx context.Context, device string) error {
	return c.do(ctx, http.MethodDelete, devPath(device, "/faults"), nil, nil)
}

// Faults returns the faults armed on device.
func (c *Client) Faults(ctx context.Context, device string) ([]string, error) {
	var out FaultsBody
	err := c.do(ctx, http.MethodGet, devPath(device, "/faults"), nil, &out)
	return out.Faults, err
}

// PresentCard presents a card to device.
func (c *Client) PresentCard(ctx context.Context, device string) error {
	return c.do(ctx, http.MethodPost, devPath(device, "/card"), nil, nil)
}

// Ledger returns what the bank behind device saw.
func (c *Client) Ledger(ctx context.Context, device string) ([]Charge, error) {
	var out struct{ Charges []Charge }
	err := c.do(ctx, http.MethodGet, devPath(device, "/ledger"), nil, &out)
	return out.Charges, err
}

// Requests returns the requests device received.
func (c *Client) Requests(ctx context.Context, device string) ([]Request, error) {
	var out struct{ Requests []Request }
	err := c.do(ctx, http.MethodGet, devPath(device, "/requests"), nil, &out)
	return out.Requests, err
}

// Reset puts device back to its start.
func (c *Client) Reset(ctx context.Context, device string) error {
	return c.do(ctx, http.MethodPost, devPath(device, "/reset"), nil, nil)
}

// Pages returns the pages a printer printed.
func (c *Client) Pages(ctx context.Context, device string) ([]Page, error) {
	var out struct{ Pages []Page }
	err := c.do(ctx, http.MethodGet, devPath(device, "/pages"), nil, &out)
	return out.Pages, err
}

// PagePNG returns page index of a printer as PNG.
func (c *Client) PagePNG(ctx context.Context, device string, index int) ([]byte, error) {
	var b []byte
	err := c.do(ctx, http.MethodGet, devPath(device, "/pages/"+strconv.Itoa(index)+"/png"), nil, &b)
	return b, err
}
