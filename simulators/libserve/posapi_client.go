package libserve

import (
	"context"
	"sync"
	"time"

	"github.com/uapos/uapos/posapi/capi"
)

// POSAPIClient is a capi.Library whose calls run on a POSAPI server: the library a fake
// LIBPOS.SO wraps. The parameters of each pos_receive reply come with its answer and are
// served from memory by Get, GetFirst, GetNext, GetLength and MaxLength.
//
// A call that cannot reach the server fails as the vendor library fails: false, handle
// POS_NONE, RESP_ERROR; Error then returns ERR_FAILURE once, and [POSAPIClient.Err] the
// cause. Safe for concurrent use.
type POSAPIClient struct {
	conn *Conn

	mu      sync.Mutex
	replies map[capi.Handle]*reply
	failed  bool  // the last call failed on the link: Error answers ERR_FAILURE
	err     error // the last link or protocol error
}

type reply struct {
	params []Param
	next   int
}

var _ capi.Library = (*POSAPIClient)(nil)

// NewPOSAPIClient returns a client of the POSAPI server at addr; it dials on the first call.
func NewPOSAPIClient(addr string, cfg ClientConfig) *POSAPIClient {
	return &POSAPIClient{conn: NewConn(KindPOSAPI, addr, cfg), replies: map[capi.Handle]*reply{}}
}

// Conn returns the client's connection (to Connect or Close it).
func (c *POSAPIClient) Conn() *Conn { return c.conn }

// Err returns the error of the last call that failed on the link or the protocol, nil
// when the last call succeeded.
func (c *POSAPIClient) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

func (c *POSAPIClient) call(r *Request, wait time.Duration) (*Response, bool) {
	resp, err := c.conn.Call(context.Background(), r, wait)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.err, c.failed = err, err != nil
	return resp, err == nil
}

// Open implements capi.Library (pos_open).
func (c *POSAPIClient) Open(name, log string) (capi.Handle, bool) {
	r, ok := c.call(&Request{Call: "pos_open", Strs: [][]byte{[]byte(name), []byte(log)}}, 0)
	if !ok {
		return capi.NoHandle, false
	}
	return capi.Handle(r.Handle), r.Ret != 0
}

// OpenWithTimeout implements capi.Library (pos_open_with_timeout).
func (c *POSAPIClient) OpenWithTimeout(name string, timeout int, log string) (capi.Handle, bool) {
	r, ok := c.call(&Request{Call: "pos_open_with_timeout", Ints: []int64{int64(timeout)},
		Strs: [][]byte{[]byte(name), []byte(log)}}, time.Duration(timeout)*time.Millisecond)
	if !ok {
		return capi.NoHandle, false
	}
	return capi.Handle(r.Handle), r.Ret != 0
}

// Close implements capi.Library (pos_close).
func (c *POSAPIClient) Close(h capi.Handle) bool {
	c.mu.Lock()
	delete(c.replies, h)
	c.mu.Unlock()
	r, ok := c.call(&Request{Call: "pos_close", Handle: uint64(h)}, 0)
	return ok && r.Ret != 0
}

// Set implements capi.Library (pos_set).
func (c *POSAPIClient) Set(h capi.Handle, param, val string) bool {
	r, ok := c.call(&Request{Call: "pos_set", Handle: uint64(h), Strs: [][]byte{[]byte(param), []byte(val)}}, 0)
	return ok && r.Ret != 0
}

// Send implements capi.Library (pos_send).
func (c *POSAPIClient) Send(h capi.Handle, action int) bool {
	r, ok := c.call(&Request{Call: "pos_send", Handle: uint64(h), Ints: []int64{int64(action)}}, 0)
	return ok && r.Ret != 0
}

// Receive implements capi.Library (pos_receive); on a link failure it returns RESP_ERROR.
func (c *POSAPIClient) Receive(h capi.Handle, timeoutMS int) int {
	r, ok := c.call(&Request{Call: "pos_receive", Handle: uint64(h), Ints: []int64{int64(timeoutMS)}},
		time.Duration(timeoutMS)*time.Millisecond)
	c.mu.Lock()
	defer c.mu.Unlock()
	if !ok {
		delete(c.replies, h)
		return int(capi.RespError)
	}
	c.replies[h] = &reply{params: r.Params}
	return int(r.Ret)
}

// Get implements capi.Library (pos_get) from the last reply.
func (c *POSAPIClient) Get(h capi.Handle, param string) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if rp := c.replies[h]; rp != nil {
		for _, p := range rp.params {
			if string(p.Name) == param {
				return string(p.Value), true
			}
		}
	}
	return "", false
}

// GetFirst implements capi.Library (pos_get_first) from the last reply.
func (c *POSAPIClient) GetFirst(h capi.Handle) (string, string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	rp := c.replies[h]
	if rp == nil || len(rp.params) == 0 {
		return "", "", false
	}
	rp.next = 1
	return string(rp.params[0].Name), string(rp.params[0].Value), true
}

// GetNext implements capi.Library (pos_get_next) from the last reply.
func (c *POSAPIClient) GetNext(h capi.Handle) (string, string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	rp := c.replies[h]
	if rp == nil || rp.next <= 0 || rp.next >= len(rp.params) {
		return "", "", false
	}
	p := rp.params[rp.next]
	rp.next++
	return string(p.Name), string(p.Value), true
}

// GetLength is pos_get_length: the length in bytes of param's value in the last reply
// (without the terminating NUL), 0 when absent.
func (c *POSAPIClient) GetLength(h capi.Handle, param string) int {
	v, _ := c.Get(h, param)
	return len(v)
}

// MaxLength is pos_get_max_length: the length of the longest value (and name) of the last
// reply, without the terminating NUL.
func (c *POSAPIClient) MaxLength(h capi.Handle) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	if rp := c.replies[h]; rp != nil {
		for _, p := range rp.params {
			n = max(n, len(p.Value), len(p.Name))
		}
	}
	return n
}

// Error implements capi.Library (pos_error): ERR_FAILURE once after a call that failed on
// the link, otherwise the server library's pos_error.
func (c *POSAPIClient) Error(h capi.Handle) int {
	c.mu.Lock()
	failed := c.failed
	c.failed = false
	c.mu.Unlock()
	if failed {
		return capi.ErrFailure
	}
	r, ok := c.call(&Request{Call: "pos_error", Handle: uint64(h)}, 0)
	if !ok {
		return capi.ErrFailure
	}
	return int(r.Ret)
}

// IntSymbol implements capi.Library: the server library's value of an ACTION_*, RESP_* or
// ERR_* symbol.
func (c *POSAPIClient) IntSymbol(name string) (int, bool) {
	r, ok := c.call(&Request{Call: "symbol_int", Strs: [][]byte{[]byte(name)}}, 0)
	if !ok || r.Ret == 0 {
		return 0, false
	}
	return int(r.Val), true
}

// StringSymbol implements capi.Library: the server library's wire name of a POS_* symbol.
func (c *POSAPIClient) StringSymbol(name string) (string, bool) {
	r, ok := c.call(&Request{Call: "symbol_string", Strs: [][]byte{[]byte(name)}}, 0)
	if !ok || r.Ret == 0 {
		return "", false
	}
	return string(r.Str), true
}
