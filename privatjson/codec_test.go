package privatjson

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/uapos/uapos/payment"
)

// readHex reads a hex dump file with '#' comment lines.
func readHex(t *testing.T, path string) []byte {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var digits strings.Builder
	for _, line := range strings.Split(string(raw), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		digits.WriteString(strings.Join(strings.Fields(line), ""))
	}
	b, err := hex.DecodeString(digits.String())
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func golden(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "golden", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The handshake bytes of spec §2, byte for byte.
func TestHandshakeGolden(t *testing.T) {
	want := readHex(t, "testdata/handshake.hex")
	if got := AppendHandshake(nil); !bytes.Equal(got, want) {
		t.Fatalf("handshake\n got % x\nwant % x", got, want)
	}
	// And the splitter sees exactly one frame in it: the leading 0x00 is an empty frame.
	fr := NewFrameReader(bytes.NewReader(want), 0)
	f, err := fr.ReadFrame()
	if err != nil || string(f) != `{"method":"PingDevice","step":0}` {
		t.Fatalf("frame %q, %v", f, err)
	}
	if _, err := fr.ReadFrame(); err != io.EOF {
		t.Fatalf("second frame: %v, want EOF", err)
	}
}

// Every request example of the notes, encoded by the same builders the client uses.
func TestRequestGolden(t *testing.T) {
	prompt := []PromptLine{{"qwerty", "B", "C"}, {"asdfg", "B", "C"}, {"zxcvb", "B", "C"}}
	cases := map[string]Request{
		"purchase-request.json":           PurchaseRequest{Amount: 60}.request(),
		"refund-request.json":             RefundRequest{Amount: 30, RRN: "014721258513"}.request(),
		"withdrawal-request.json":         WithdrawalRequest{InvoiceNumber: "131220"}.request(),
		"withdrawalpartly-request.json":   WithdrawalRequest{InvoiceNumber: "131220", Amount: 30}.request(),
		"checkconnection-request.json":    {Method: MethodCheckConnection},
		"getterminalinfo-request.json":    {Method: MethodGetTerminalInfo},
		"getbalance-request.json":         balanceRequest("1"),
		"servicepbp-request.json":         InstalmentRequest{Amount: 30, AmountOfParts: 6}.request(),
		"servicegeneric-request.json":     ServiceGenericRequest{Amount: 1, Param: "6", SrvNum: "046", MerchantID: "6"}.request(),
		"cashback-request.json":           CashbackRequest{Amount: 30, AmountCash: 100, MerchantID: "1"}.request(),
		"audit-request.json":              merchantRequest(MethodAudit, ""),
		"verify-request.json":             merchantRequest(MethodVerify, "0"),
		"printreceiptnum-request.json":    printRequest(MethodPrintReceiptNum, "invoiceNumber", "123", false),
		"printbatchjournal-request.json":  printRequest(MethodPrintBatchJournal, "merchantId", "0", false),
		"readbonuscard-request.json":      BonusCardRequest{Prompt: prompt, EnterPIN: true, TimeoutMS: 6000}.request(MethodReadBonusCard),
		"getphonenumber-request.json":     phoneRequest(""),
		"preauthorization-request.json":   PreauthRequest{Amount: 50000, MerchantID: "1"}.request(),
		"salecompletion-request.json":     SaleCompletionRequest{Amount: 50000, AddAmount: 50000, ApprovalCode: "999999", RRN: "9999999999999"}.request(),
		"getotppassword-request.json":     otpRequest("Terminal", 6000),
		"getreceiptinfo-request.json":     receiptInfoRequest("123"),
		"interrupt-request.json":          ServiceRequest(MsgInterrupt),
		"correcttransaction-request.json": ServiceRequest(MsgCorrectTransaction, Param{"amount", "0.02"}, Param{"discount", "0.01"}),
	}
	for name, req := range cases {
		want := golden(t, name)
		if got := AppendRequest(nil, req); !bytes.Equal(got, want) {
			t.Errorf("%s\n got %s\nwant %s", name, got, want)
		}
	}
}

func parseGolden(t *testing.T, name string) *Message {
	t.Helper()
	m, err := ParseMessage(golden(t, name))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return m
}

func TestPurchaseResponseGolden(t *testing.T) {
	m := parseGolden(t, "purchase-response.json")
	if m.Failed() || !m.HasError || m.Error {
		t.Fatalf("purchase reply failed: %+v", m)
	}
	tx := TransactionFrom(m)
	want := Transaction{Method: "Purchase", ResponseCode: "0000", Amount: 60, Discount: 0, ApprovalCode: "999999",
		CardExpiryDate: "2020", CardHolderName: "INSTANT/ISSUE", Date: "02.10.2019", Time: "09:11:07",
		InvoiceNumber: "999999", IssuerName: "VISA ПРИВАТ", Merchant: "TSTTTTTT", PAN: "4731XXXXXXXX9838",
		PosConditionCode: "00", PosEntryMode: "022", ProcessingCode: "000000", Receipt: "text-of-receipt",
		RRN: "9999999999999", RRNExt: "8888888888888", TerminalID: "TSTSALE2", SignVerif: "0",
		TxnType: TxnPurchase, TrnStatus: TrnApproved, Adv: "ПриватБанк", Adv2p: "Беремо і робимо!",
		BankAcquirer: "ПриватБанк", PaymentSystem: "VISA"}
	tx.Params = nil
	if !reflect.DeepEqual(*tx, want) {
		t.Fatalf("transaction\n got %+v\nwant %+v", *tx, want)
	}
	res := ToResult(payment.OpPurchase, TransactionFrom(m))
	if !res.Approved || res.Amount != 60 || res.RRN != "9999999999999" || res.EntryMode != "magstripe" || res.Time.Day() != 2 {
		t.Fatalf("result %+v", res)
	}
}

func TestRequestDecodeGolden(t *testing.T) {
	m := parseGolden(t, "purchase-request.json")
	if m.Method != "Purchase" || m.Params["amount"] != "0.60" || m.Params["facepay"] != "false" || m.HasError {
		t.Fatalf("%+v", m)
	}
	m = parseGolden(t, "decode-servicerefpbp-request.json")
	if a, ok := ParseAmount(m.Params["amount"]); !ok || a != 35000 || m.Params["agreementNum"] != "12345" {
		t.Fatalf("amount %v %v, %+v", a, ok, m)
	}
	m = parseGolden(t, "readbonuscard-request.json")
	if !bytes.Contains(m.Prompt, []byte(`"qwerty"`)) || m.Params["enterPIN"] != "1" {
		t.Fatalf("%+v", m)
	}
}

func TestResponseGolden(t *testing.T) {
	type want struct {
		method, rc, desc string
		failed           bool
		key, value       string
	}
	cases := map[string]want{
		"pingdevice-response-typo.json":      {"PingDevice", "0000", "", false, "code", "00"},
		"pingdevice-response-spaced.json":    {"PingDevice", "0000", "", false, "code", "00"},
		"pingdevice-response-legacy.json":    {"PingDevice", "", "", false, "code", "00"},
		"getterminalinfo-response.json":      {"GetTerminalInfo", "", "", false, "version", "TE7E132 TESTKKM000CT22927302"},
		"checkconnection-response.json":      {"CheckConnection", "0000", "", false, "code", "00"},
		"getbalance-response.json":           {"GetBalance", "0000", "", false, "balance", "XXX.XX"},
		"purchase-response-1001.json":        {"Purchase", "1001", "Transaction canceled by user", true, "", ""},
		"purchase-response-interrupted.json": {"Purchase", "1001", "Oперація скасов.", true, "", ""},
		"purchase-response-0005.json":        {"Purchase", "0005", "ВІДХИЛЕНО!  ЗВЕРНІТЬСЯ ДО БАНКУ-ЕМІТЕНТА КАРТКИ", true, "", ""},
		"verify-response-empty.json":         {"Verify", "0001", "Cannot obtain receipt: log file is empty!", true, "receipt", ""},
		"getphonenumber-response.json":       {"GetPhoneNumber", "0000", "", false, "PhoneNumber", "1234567890"},
		"getotppassword-response.json":       {"GetOTPpassword", "0000", "", false, "OTPpassword", "12345678"},
		"getreceiptinfo-response-error.json": {"GetReceiptInfo", "1000", "Cannot get receipt: Невірний мерчант!", true, "", ""},
		"servicegeneric-response.json":       {"ServiceGeneric", "0000", "", false, "agreementNum", "12345"},
	}
	for name, w := range cases {
		m := parseGolden(t, name)
		if m.Method != w.method || m.ResponseCode() != w.rc || m.ErrorDescription != w.desc || m.Failed() != w.failed {
			t.Errorf("%s: got method %q rc %q desc %q failed %v", name, m.Method, m.ResponseCode(), m.ErrorDescription, m.Failed())
		}
		if w.key != "" && m.Params.Get(w.key) != w.value {
			t.Errorf("%s: %s = %q, want %q", name, w.key, m.Params.Get(w.key), w.value)
		}
	}
	// The legacy PingDevice reply (no responseCode) counts as success.
	if tx := TransactionFrom(parseGolden(t, "pingdevice-response-legacy.json")); tx.ResponseCode != "0000" {
		t.Errorf("legacy ping rc = %q", tx.ResponseCode)
	}
	tx := TransactionFrom(parseGolden(t, "purchase-response-0005.json"))
	if tx.Approved() || !strings.Contains(tx.Receipt, "КОД 05\n") {
		t.Errorf("decline slip %q", tx.Receipt)
	}
	tx = TransactionFrom(parseGolden(t, "getreceiptinfo-response.json"))
	if tx.ResponseCode != "0000" || tx.Amount != 60 || tx.InvoiceNumber != "999999" || tx.TxnType != TxnPurchase {
		t.Errorf("GetReceiptInfo %+v", tx)
	}
	tx = TransactionFrom(parseGolden(t, "servicegeneric-response.json"))
	if tx.Amount != 2000 || tx.PAN != "XXXXXXXXXXXX6873" || tx.TxnType != TxnUndefined || tx.HstFld63Sf89 != "Text-of-63-89-field" {
		t.Errorf("ServiceGeneric %+v", tx)
	}
}

func TestServiceMessageGolden(t *testing.T) {
	cases := map[string][2]string{ // msgType, then key=value to check
		"sm-devicebusy.json":                {"deviceBusy", ""},
		"sm-devicebusy-legacy.json":         {"DeviceBusy", ""},
		"sm-interrupttransmitted.json":      {"interruptTransmitted", ""},
		"sm-methodnotimplemented.json":      {"methodNotImplemented", ""},
		"sm-getmerchantlist.json":           {"getMerchantList", "4=Оплата частинами"},
		"sm-getmasklist.json":               {"getMaskList", "12=S1KITV99"},
		"sm-getlastresult.json":             {"getLastResult", "LastResult=0"},
		"sm-getlaststatmsgcode.json":        {"getLastStatMsgCode", "LastStatMsgCode=6"},
		"sm-getlaststatmsgdescription.json": {"getLastStatMsgDescription", "LastStatMsgDescription=pin entry is needed"},
		"sm-identify.json":                  {"identify", "vendor=PAX"},
		"sm-getdiscountname.json":           {"getDiscountName", "discountName=someDiscountGroup"},
		"sm-correctiontransmitted.json":     {"correctionTransmitted", ""},
	}
	for name, w := range cases {
		m := parseGolden(t, name)
		if !m.IsService() || m.MsgType() != w[0] {
			t.Errorf("%s: service %v msgType %q", name, m.IsService(), m.MsgType())
		}
		if k, v, ok := strings.Cut(w[1], "="); ok && m.Params.Get(k) != v {
			t.Errorf("%s: %s = %q, want %q", name, k, m.Params.Get(k), v)
		}
	}
	list := indexMap(parseGolden(t, "sm-getmasklist.json").Params)
	if len(list) != 12 || list[0] != [2]string{"1", "TESTKKM0"} || list[11] != [2]string{"12", "S1KITV99"} {
		t.Errorf("mask list order %v", list)
	}
}

func TestParseMessageTolerance(t *testing.T) {
	cases := []struct {
		in     string
		method string
		params Params
		hasErr bool
		step   int
	}{
		{`{"method":"PingDevice","step":0,"params":null,"error":false,"errorDescription":""}`, "PingDevice", Params{}, true, 0},
		{`{"Method":" Purchase ","Step":"0","params":{"amount":1.5,"flag":true,"x":null,"n":{"a":"b"}}}`, "Purchase", Params{"amount": "1.5", "flag": "true", "x": "", "n": `{"a":"b"}`}, false, 0},
		{"\r\n {\"method\":\"X\",\"step\":2,\"error\":\"true\"}", "X", Params{}, true, 2},
	}
	for _, c := range cases {
		m, err := ParseMessage([]byte(c.in))
		if err != nil {
			t.Fatalf("%s: %v", c.in, err)
		}
		if m.Method != c.method || m.HasError != c.hasErr || m.Step != c.step || len(m.Params) != len(c.params) {
			t.Errorf("%s: %+v", c.in, m)
		}
		for k, v := range c.params {
			if m.Params[k] != v {
				t.Errorf("%s: %s = %q, want %q", c.in, k, m.Params[k], v)
			}
		}
	}
	for _, bad := range []string{"", "null", "[1]", `{"method":`, `{"params":[1,2]}`, "\x00"} {
		if _, err := ParseMessage([]byte(bad)); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func TestEncoderEscapes(t *testing.T) {
	got := AppendRequest(nil, Request{Method: "M", Params: []Param{{"k", "a\"b\\c\n\x01ї\xff"}}})
	want := `{"method":"M","step":0,"params":{"k":"a\"b\\c\n\u0001ї\ufffd"}}`
	if string(got) != want {
		t.Fatalf("got %s", got)
	}
	m, err := ParseMessage(got)
	if err != nil || m.Params["k"] != "a\"b\\c\n\x01ї\uFFFD" {
		t.Fatalf("%v %q", err, m.Params["k"])
	}
}

func frames(t *testing.T, r io.Reader, max int) ([]string, error) {
	t.Helper()
	fr := NewFrameReader(r, max)
	var out []string
	for {
		f, err := fr.ReadFrame()
		if err != nil {
			return out, err
		}
		out = append(out, string(f))
	}
}

func TestFrameReaderSplitting(t *testing.T) {
	stream := "\x00{\"a\":1}\x00{\"b\":2}\x00\x00\r\n{\"c\":3}\x00\n  \x00{\"d\":\"\xd0\xbf\"}\x00"
	want := []string{`{"a":1}`, `{"b":2}`, `{"c":3}`, `{"d":"п"}`}
	readers := map[string]func() io.Reader{
		"whole":    func() io.Reader { return strings.NewReader(stream) },
		"one byte": func() io.Reader { return iotest.OneByteReader(strings.NewReader(stream)) },
		"half":     func() io.Reader { return iotest.HalfReader(strings.NewReader(stream)) },
	}
	for name, mk := range readers {
		got, err := frames(t, mk(), 0)
		if err != io.EOF || strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("%s: %q, %v", name, got, err)
		}
	}
	// bufio.Scanner with the split function sees the same frames.
	sc := bufio.NewScanner(iotest.OneByteReader(strings.NewReader(stream)))
	sc.Split(SplitFunc(0))
	var got []string
	for sc.Scan() {
		got = append(got, sc.Text())
	}
	if sc.Err() != nil || strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("scanner: %q, %v", got, sc.Err())
	}
}

func TestFrameReaderTruncatedAndTooLarge(t *testing.T) {
	got, err := frames(t, strings.NewReader("{\"a\":1}\x00{\"b\":"), 0)
	if len(got) != 1 || !errors.Is(err, ErrTruncated) {
		t.Fatalf("truncated: %q %v", got, err)
	}
	// An oversized frame is reported, skipped up to its 0x00, and reading goes on.
	fr := NewFrameReader(strings.NewReader(strings.Repeat("x", 5000)+"\x00{\"ok\":1}\x00"), 100)
	if _, err := fr.ReadFrame(); !errors.Is(err, ErrFrameTooLarge) {
		t.Fatalf("oversized: %v", err)
	}
	if f, err := fr.ReadFrame(); err != nil || string(f) != `{"ok":1}` {
		t.Fatalf("after oversized: %q %v", f, err)
	}
	// The split function refuses an oversized frame too.
	sc := bufio.NewScanner(strings.NewReader(strings.Repeat("y", 300)))
	sc.Split(SplitFunc(100))
	if sc.Scan() || !errors.Is(sc.Err(), ErrFrameTooLarge) {
		t.Fatalf("split oversized: %v", sc.Err())
	}
}

// countingReader serves n bytes of garbage without any 0x00 and counts what was read.
type countingReader struct{ left, read int }

func (c *countingReader) Read(p []byte) (int, error) {
	if c.left == 0 {
		return 0, io.EOF
	}
	n := min(len(p), c.left)
	for i := range p[:n] {
		p[i] = 'G'
	}
	c.left -= n
	c.read += n
	return n, nil
}

// 10 MB without a 0x00: the reader gives up after about one frame limit, not after buffering
// the whole stream.
func TestFrameReaderBoundedOnGarbage(t *testing.T) {
	src := &countingReader{left: 10 << 20}
	fr := NewFrameReader(src, 64<<10)
	_, err := fr.ReadFrame()
	if !errors.Is(err, ErrFrameTooLarge) {
		t.Fatalf("err = %v", err)
	}
	if src.read > 64<<10+8<<10 {
		t.Fatalf("read %d bytes before giving up", src.read)
	}
	if cap(fr.buf) > 64<<10+4096 {
		t.Fatalf("buffer grew to %d", cap(fr.buf))
	}
	// Draining the rest keeps memory bounded and ends with EOF.
	if _, err := fr.ReadFrame(); err != io.EOF {
		t.Fatalf("drain: %v", err)
	}
	if cap(fr.buf) > 64<<10+4096 {
		t.Fatalf("buffer grew to %d", cap(fr.buf))
	}
}

type zeroReader struct{}

func (zeroReader) Read([]byte) (int, error) { return 0, nil }

func TestFrameReaderNoProgress(t *testing.T) {
	if _, err := NewFrameReader(zeroReader{}, 0).ReadFrame(); !errors.Is(err, io.ErrNoProgress) {
		t.Fatalf("err = %v", err)
	}
}

func TestStatusStrings(t *testing.T) {
	if StatusPINEntry.String() != "pin entry is needed" || StatusWaitingCard.String() != "waiting for card" || Status(42).String() != "status 42" {
		t.Fatal("status names")
	}
	if TxnVoid.String() != "void" || TrnReversed.String() != "reversed" {
		t.Fatal("enum names")
	}
}

func TestParseMessageErrorIsProtocolError(t *testing.T) {
	for _, bad := range []string{"", "[1]", `{"method":`, `{"method":"X"} {}`, `{"params":7}`} {
		_, err := ParseMessage([]byte(bad))
		var pe *ProtocolError
		if !errors.As(err, &pe) || !strings.HasPrefix(err.Error(), "privatjson: message: ") {
			t.Errorf("ParseMessage(%q) = %v; want a *ProtocolError \"privatjson: message: ...\"", bad, err)
		}
	}
}
