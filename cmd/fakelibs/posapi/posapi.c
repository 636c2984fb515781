//go:build cgo

// The C face of the fake POSAPI library: the pos_* functions with the exact types of the
// public headers pos.h / posapi.h (protocols/posapi.md A.1), and the exported `extern
// const` data symbols (A.3). Each function converts its arguments and calls the Go side
// (main.go, the uaposfake_* functions) which forwards the call to the simulator.

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include "_cgo_export.h"

typedef void *POS_HANDLE;

const POS_HANDLE POS_NONE = 0;

bool pos_open(POS_HANDLE *handle_p, const char *name, const char *log) {
	uintptr_t h = 0;
	int ok = uaposfake_pos_open(&h, (char *)name, (char *)log, 0, 0);
	if (handle_p != NULL) {
		*handle_p = (POS_HANDLE)h;
	}
	return ok != 0 && handle_p != NULL;
}

// The C header's argument order (handle_p, name, timeout, log); the Delphi unit's differs
// (protocols/posapi.md A.2).
bool pos_open_with_timeout(POS_HANDLE *handle_p, const char *name, int timeout, const char *log) {
	uintptr_t h = 0;
	int ok = uaposfake_pos_open(&h, (char *)name, (char *)log, 1, timeout);
	if (handle_p != NULL) {
		*handle_p = (POS_HANDLE)h;
	}
	return ok != 0 && handle_p != NULL;
}

bool pos_close(POS_HANDLE *handle_p) {
	if (handle_p == NULL) {
		return false;
	}
	if (!uaposfake_pos_close((uintptr_t)*handle_p)) {
		return false;
	}
	*handle_p = POS_NONE;
	return true;
}

bool pos_send(POS_HANDLE handle, int action) {
	return uaposfake_pos_send((uintptr_t)handle, action) != 0;
}

int pos_receive(POS_HANDLE handle, int timeout) {
	return uaposfake_pos_receive((uintptr_t)handle, timeout);
}

bool pos_set(POS_HANDLE handle, const char *param, const char *val) {
	return uaposfake_pos_set((uintptr_t)handle, (char *)param, (char *)val) != 0;
}

bool pos_get(POS_HANDLE handle, const char *param, char *val, int val_size) {
	return uaposfake_pos_get((uintptr_t)handle, (char *)param, val, val_size) != 0;
}

bool pos_get_first(POS_HANDLE handle, char *param, int param_size, char *val, int val_size) {
	return uaposfake_pos_get_iter((uintptr_t)handle, 1, param, param_size, val, val_size) != 0;
}

bool pos_get_next(POS_HANDLE handle, char *param, int param_size, char *val, int val_size) {
	return uaposfake_pos_get_iter((uintptr_t)handle, 0, param, param_size, val, val_size) != 0;
}

int pos_error(POS_HANDLE handle) {
	return uaposfake_pos_error((uintptr_t)handle);
}

int pos_get_length(POS_HANDLE handle, const char *param) {
	return uaposfake_pos_get_length((uintptr_t)handle, (char *)param);
}

int pos_get_max_length(POS_HANDLE handle) {
	return uaposfake_pos_get_max_length((uintptr_t)handle);
}

// Actions: the values of the Delphi unit uPosApi.pas (protocols/posapi.md A.3).
const int ACTION_BREAK = 0x0001;
const int ACTION_TEST = 0x0002;
const int ACTION_STATUS = 0x0003;
const int ACTION_REVISION = 0x0004;
const int ACTION_HOST_ECHO_TEST = 0x0005;
const int ACTION_CASH = 0x0101;
const int ACTION_DEPOSIT = 0x0102;
const int ACTION_PAYMENT = 0x0103;
const int ACTION_REVERSAL = 0x0104;
const int ACTION_RETURN = 0x0105;
const int ACTION_PREAUTH = 0x0106;
const int ACTION_COMPLETE = 0x0107;
const int ACTION_PARTIAL_REVERSAL = 0x0108;
const int ACTION_CREDIT_VOUCHER = 0x0109;
const int ACTION_PAYMENT_WITH_CASH = 0x0110;
const int ACTION_BALANCE = 0x0201;
const int ACTION_CLOSE_DAY = 0x0301;
const int ACTION_REPORT = 0x0302;
const int ACTION_COPY_RECEIPT = 0x0303;
const int ACTION_COPY_CLOSE_DAY = 0x0304;
const int ACTION_READ_CARD = 0x0305;
const int ACTION_GET_VERIF_CODE = 0x0306;
const int ACTION_CARD_VERIFICATION = 0x0307;
const int ACTION_CHANGE_VERIF_CODE = 0x0308;
const int ACTION_FUEL_PAYMENT = 0x0401;
const int ACTION_FUEL_REVERSAL = 0x0402;
const int ACTION_FUEL_RETURN = 0x0403;
const int ACTION_FUEL_PIN_RETURN = 0x0404;
const int ACTION_FUEL_PREAUTH = 0x0405;
const int ACTION_FUEL_COMPLETE = 0x0406;
const int ACTION_FUEL_VOICE_AUTH = 0x0407;
const int ACTION_FUEL_COUPON_PAYMENT = 0x0408;
const int ACTION_FUEL_COUPON_VOICE_AUTH = 0x0409;
const int ACTION_PRINT_DATA = 0x0500;
const int ACTION_SHOW_QR_CODE = 0x0501;
const int ACTION_SIGNATURE = 0x0502;

// Actions the v1.39 guide names with no public value: the simulator's own values
// (posapisim.SimulatorSymbols), not Printec's.
const int ACTION_HOST_COUNT = 0x0F01;
const int ACTION_HOST_INFO = 0x0F02;
const int ACTION_CONFIRM = 0x0F03;

// Responses and errors (A.3).
const int RESP_ERROR = 0;
const int RESP_BREAK = 1;
const int RESP_TIMEOUT = 2;
const int RESP_CONFIRM = 3;
const int RESP_DECLINE = 4;
const int RESP_MESSAGE = 5;
const int RESP_INPUT = 6;
const int RESP_IDENTIFIER = 7;
const int RESP_KEEPALIVE = 8;
const int RESP_WRONG_MAC = 9;
const int ERR_NONE = 0;
const int ERR_FAILURE = 1;

// Parameter names: pointers to the wire names of the Delphi unit (A.3, section 1.5).
const char *POS_AMOUNT = "amount";
const char *POS_TIPS = "tips";
const char *POS_CURRENCY = "currency";
const char *POS_PROFILE = "profile";
const char *POS_MERCHANT_ID = "merchant_id";
const char *POS_TERMINAL_ID = "terminal_id";
const char *POS_TRANS_ID = "receipt";
const char *POS_TRANS_RECEIPT = "trans_rcpt";
const char *POS_TRANS_CODE = "rrn";
const char *POS_TRANS_APPROVAL = "approval";
const char *POS_TRANS_STATUS = "status";
const char *POS_STATUS = "status_code";
const char *POS_TRANS_ACTION = "action";
const char *POS_TRANS_MSGCODE = "mtid";
const char *POS_DATE_TIME = "date_time";
const char *POS_CARD_PAN = "card_pan";
const char *POS_CARD_EXPIRY = "card_exp";
const char *POS_CARD_HOLDER = "card_holder";
const char *POS_CARD_TRACK1 = "track1";
const char *POS_CARD_TRACK2 = "track2";
const char *POS_CARD_TRACK3 = "track3";
const char *POS_MSG_TITLE = "msg_title";
const char *POS_MSG_BODY = "msg_body";
const char *POS_MSG_BREAK = "msg_break";
const char *POS_PRINT = "print";
const char *POS_REVISION_SIGN = "revision";
const char *POS_REPORT = "report";
const char *POS_ORIG_AMOUNT = "orig_amount";
const char *POS_CARD_PAYMENT = "card_payment";
const char *POS_CARD_VERIF_CODE = "verif_code";
const char *POS_CARD_NEW_VERIF_CODE = "verif_ncode";
const char *POS_ENCRYPTION_SIGN = "encrypt_sign";
const char *POS_PRINT_DATA = "print_data";
const char *POS_CARD_ID_NUMBER = "card_id_nmb";
const char *POS_CARD_CVV2 = "card_cvv2";
const char *POS_PRINT_RECEIPT = "prn_receipt";
const char *POS_BEFORE_PRINT = "before_prn";
const char *POS_CARD_LOYALTY_CODE = "loyal_code";
const char *POS_CARD_PAN_SHA256 = "pan_sha256";
const char *POS_DATA = "data";
const char *POS_TIMEOUT = "timeout";
const char *POS_OPTION = "option";
const char *POS_SOFT_VER = "soft_ver";
const char *POS_BANK_ACQUIRER = "bank_acquir";
const char *POS_CARD_PAYMENT_SYS = "payment_sys";
const char *POS_TRANS_ACTION_NAME = "action_name";
const char *POS_CLIENT_CHECK_TYPE = "client_check";
const char *POS_CARD_EMV_AID = "emv_aid";
const char *POS_CARD_CTLS_INFO = "ctls_info";
const char *POS_DOCUMENT = "document";
const char *POS_FONT_SIZE = "fnt_size";
const char *POS_SIGNATURE = "signature";
const char *POS_MAC_KEY = "mac_key";
const char *POS_CARD_TYPE = "card_type";
const char *POS_GOODS_ID = "goods_id";
const char *POS_GOODS_NAME = "goods_name";
const char *POS_GOODS_QUANTITY = "goods_quant";
const char *POS_GOODS_PRICE = "goods_price";
const char *POS_GOODS_AMOUNT = "goods_amount";
const char *POS_ADD_GOODS = "add_goods";
const char *POS_GOODS_RESP_CODE = "goods_rcode";
const char *POS_GOODS_RESP_DATA = "goods_rdata";
const char *POS_GOODS_DISCOUNT = "goods_discnt";

// Parameters the v1.39 guide names with no public wire name: the simulator's own names
// (posapisim.SimulatorSymbols), not Printec's.
const char *POS_HOST_CODE = "host_code";
const char *POS_CASHBACK_AMOUNT = "cshbk_amount";
const char *POS_CONFIRM_SIGN = "confirm_sign";
const char *POS_TRANS_PART_APPROVAL = "part_approval";
const char *POS_HOST_NAME = "host_name";
const char *POS_HOST_STATE = "host_state";
const char *POS_HOST_RECORD = "host_record";
