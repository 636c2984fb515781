package posapi

import (
	"context"
	"fmt"
	"strconv"

	"github.com/uapos/uapos/posapi/capi"
)

// Status asks ACTION_STATUS for the operation with POS_TRANS_ID transID (crash recovery,
// protocols/posapi.md section 1.8.2). Found: the reply of RESP_CONFIRM with the operation's
// full parameters (a reversal replaces its original). Not found: a [*DeclineError] (USO
// 3.109r+ with the setting on) or a [*BreakError].
func (c *Client) Status(ctx context.Context, transID string) (*Reply, error) {
	return c.Do(ctx, Call{Action: capi.ActionStatus, Args: []Arg{{capi.ParamTransID, transID}}})
}

// HostEcho runs ACTION_HOST_ECHO_TEST: nil on RESP_CONFIRM. profile selects the host; "" is
// right only for a single-host terminal (several hosts and no profile end in RESP_BREAK).
func (c *Client) HostEcho(ctx context.Context, profile string) error {
	call := Call{Action: capi.ActionHostEchoTest}
	if profile != "" {
		call.Args = []Arg{{capi.ParamProfile, profile}}
	}
	_, err := c.Do(ctx, call)
	return err
}

// Report runs ACTION_REPORT with POS_REPORT id and returns the slip (POS_PRINT). The ids are
// summary / by card type / by receipts; "1" for the summary is what a field application uses
// (the digits are an inference, protocols/posapi.md section 1.5).
func (c *Client) Report(ctx context.Context, id string) (*Reply, error) {
	return c.Do(ctx, Call{Action: capi.ActionReport, Args: []Arg{{capi.ParamReport, id}}})
}

// CloseDay runs ACTION_CLOSE_DAY. With merchantID "" every host is closed and the terminal
// answers RESP_CONFIRM whatever each host's outcome; to check one host, pass its merchant id
// (one call per host; see [Client.CloseEachHost]).
func (c *Client) CloseDay(ctx context.Context, merchantID string) (*Reply, error) {
	call := Call{Action: capi.ActionCloseDay}
	if merchantID != "" {
		call.Args = []Arg{{capi.ParamMerchantID, merchantID}}
	}
	return c.Do(ctx, call)
}

// Host is one host (merchant profile) configured on the terminal (ACTION_HOST_INFO).
type Host struct {
	// Number is the 1-based host number HOST_INFO was asked with.
	Number     int
	Name       string
	TerminalID string
	MerchantID string
	// State is POS_HOST_STATE: whether the last close-day of the host succeeded (values as
	// the terminal sends them).
	State string
}

// HostCount runs ACTION_HOST_COUNT and returns POS_DATA. ACTION_HOST_COUNT has no public
// value: it works when the library exports it (or Config.Symbols gives it).
func (c *Client) HostCount(ctx context.Context) (int, error) {
	r, err := c.Do(ctx, Call{Action: capi.ActionHostCount})
	if err != nil {
		return 0, err
	}
	n, perr := strconv.Atoi(r.Get(capi.ParamData))
	if perr != nil || n < 0 || n > 99 {
		return 0, fmt.Errorf("%w: host count %q", ErrBadValue, clip(r.Get(capi.ParamData)))
	}
	return n, nil
}

// HostInfo runs ACTION_HOST_INFO for host n (1-based). The guide names the host number
// parameter inconsistently as POS_OPTION or POS_HOST_RECORD: both are set (the latter when
// its wire name is known).
func (c *Client) HostInfo(ctx context.Context, n int) (Host, error) {
	num := strconv.Itoa(n)
	args := []Arg{{capi.ParamOption, num}}
	if _, ok := c.sym.param(capi.ParamHostRecord); ok {
		args = append(args, Arg{capi.ParamHostRecord, num})
	}
	r, err := c.Do(ctx, Call{Action: capi.ActionHostInfo, Args: args})
	if err != nil {
		return Host{}, err
	}
	return Host{Number: n, Name: r.Get(capi.ParamHostName), TerminalID: r.Get(capi.ParamTerminalID),
		MerchantID: r.Get(capi.ParamMerchantID), State: r.Get(capi.ParamHostState)}, nil
}

// Hosts lists every host: HOST_COUNT, then HOST_INFO for each (one session each).
func (c *Client) Hosts(ctx context.Context) ([]Host, error) {
	n, err := c.HostCount(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Host, 0, n)
	for i := 1; i <= n; i++ {
		h, err := c.HostInfo(ctx, i)
		if err != nil {
			return out, err
		}
		out = append(out, h)
	}
	return out, nil
}

// CloseEachHost closes the day once per host (by merchant id), so that each host's outcome
// is seen (protocols/posapi.md section 1.8.5). It returns the replies of the hosts that
// closed and the first error.
func (c *Client) CloseEachHost(ctx context.Context) ([]*Reply, error) {
	hosts, err := c.Hosts(ctx)
	if err != nil {
		return nil, err
	}
	var out []*Reply
	for _, h := range hosts {
		r, err := c.CloseDay(ctx, h.MerchantID)
		if err != nil {
			return out, fmt.Errorf("posapi: close day of host %d: %w", h.Number, err)
		}
		out = append(out, r)
	}
	return out, nil
}
