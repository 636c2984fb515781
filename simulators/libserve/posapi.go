package libserve

import (
	"github.com/uapos/uapos/posapi/capi"
)

// posapiSigs are the POSAPI calls (capi.Library, protocols/posapi.md A.1). pos_get,
// pos_get_first and pos_get_next are not calls: pos_receive's answer carries every
// parameter of the reply (Response.Params) and the client serves them locally.
var posapiSigs = map[string]string{
	"pos_open":              "SS",  // name, log
	"pos_open_with_timeout": "SNS", // name, log; timeout
	"pos_close":             "",
	"pos_set":               "SS", // param, val
	"pos_send":              "N",  // action
	"pos_receive":           "N",  // timeout in ms
	"pos_error":             "",
	"symbol_int":            "S", // ACTION_*, RESP_*, ERR_* name
	"symbol_string":         "S", // POS_* name
}

// maxParams bounds the parameters of one reply.
const maxParams = 1024

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// servePOSAPI runs one validated POSAPI request.
func (s *Server) servePOSAPI(ss *session, r *Request) *Response {
	lib := s.posapi
	h := capi.Handle(r.Handle)
	switch r.Call {
	case "pos_open", "pos_open_with_timeout":
		var nh capi.Handle
		var ok bool
		if r.Call == "pos_open" {
			nh, ok = lib.Open(string(r.Strs[0]), string(r.Strs[1]))
		} else {
			nh, ok = lib.OpenWithTimeout(string(r.Strs[0]), int(r.Ints[0]), string(r.Strs[1]))
		}
		if ok {
			ss.handles[nh] = true
		}
		return &Response{Ret: b2i(ok), Handle: uint64(nh)}
	case "pos_close":
		delete(ss.handles, h)
		return &Response{Ret: b2i(lib.Close(h))}
	case "pos_set":
		return &Response{Ret: b2i(lib.Set(h, string(r.Strs[0]), string(r.Strs[1])))}
	case "pos_send":
		return &Response{Ret: b2i(lib.Send(h, int(r.Ints[0])))}
	case "pos_receive":
		resp := &Response{Ret: int64(lib.Receive(h, int(r.Ints[0])))}
		for k, v, ok := lib.GetFirst(h); ok && len(resp.Params) < maxParams; k, v, ok = lib.GetNext(h) {
			resp.Params = append(resp.Params, Param{Name: []byte(k), Value: []byte(v)})
		}
		return resp
	case "pos_error":
		return &Response{Ret: int64(lib.Error(h))}
	case "symbol_int":
		v, ok := lib.IntSymbol(string(r.Strs[0]))
		return &Response{Ret: b2i(ok), Val: int64(v)}
	case "symbol_string":
		v, ok := lib.StringSymbol(string(r.Strs[0]))
		return &Response{Ret: b2i(ok), Str: []byte(v)}
	}
	return &Response{Err: &RemoteError{Code: CodeUnknownCall, Msg: r.Call}}
}
