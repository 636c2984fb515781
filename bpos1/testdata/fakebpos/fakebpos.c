/*
 * fakebpos.c: a small fake of Ingenico's Linux flat C library libcBPOSLib.so, for the
 * tests of package bpos1/vendorlib. It implements the BPOSLib_* signatures of
 * bpos1.md Addendum A.1 with deterministic behaviour; it is written for this project and
 * contains nothing of the vendor's.
 *
 * Behaviour:
 *   - actions return 0 (ECRC_OK) and run "in the background": each BPOSLib_LastResult()
 *     call advances one progress step (LastStatMsgCode 9, 1, 3), then the result is set;
 *   - an action while another runs returns 7 (ECRC_BUSY);
 *   - Purchase of 777 kopecks is declined by the host: LastResult 1, LastErrorCode 4,
 *     ResponseCode 51, description and slip in Windows-1251;
 *   - Purchase of 999 kopecks never ends until Cancel (ResponseCode 1001);
 *   - an approved Purchase waits for Confirm; fake_confirms() counts them;
 *   - the approved slip is longer than 2000 bytes, to exercise the receipt buffer;
 *   - strings are copied into the caller's buffer with no size argument, as the real
 *     library does.
 * With -DFAKE_NO_REFUND the library lacks BPOSLib_Refund (an older or trimmed version).
 * Test-only exports: fake_confirms, fake_cancels, fake_last_amount, fake_last_merch.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

enum { OP_NONE, OP_OPEN, OP_PURCHASE, OP_CONFIRM, OP_RECEIPT, OP_INFO, OP_OTHER };

static int op = OP_NONE;
static int step;
static unsigned char last_result, last_error, stat_code, txn_type, trn_status;
static int response_code, invoice, amount_prop, confirms, cancels, last_amount, last_merch;
static int pending_confirm, next_invoice = 1;
static char err_desc[128], stat_desc[128], rrn[16], auth[8], receipt[8192], cur_receipt[8192];
static char info[256];
static int req_amount;

static const unsigned char steps[] = {9, 1, 3};
/* "Вставте картку", "Картку прочитано", "Авторизація" in Windows-1251 */
static const char *step_desc[] = {
	"\xc2\xf1\xf2\xe0\xe2\xf2\xe5 \xea\xe0\xf0\xf2\xea\xf3",
	"\xca\xe0\xf0\xf2\xea\xf3 \xef\xf0\xee\xf7\xe8\xf2\xe0\xed\xee",
	"\xc0\xe2\xf2\xee\xf0\xe8\xe7\xe0\xf6\xb3\xff",
};

static int start(int o, int with_steps) {
	if (op != OP_NONE) return 7; /* ECRC_BUSY */
	if (o != OP_CONFIRM && pending_confirm) {
		pending_confirm = 0; /* not confirmed: reversed */
		trn_status = 3;
	}
	op = o;
	step = with_steps ? 0 : (int)sizeof steps;
	last_result = 2;
	return 0;
}

static void ok(void) { last_result = 0; last_error = 0; response_code = 0; err_desc[0] = 0; }

static void finish(void) {
	int i;
	switch (op) {
	case OP_PURCHASE:
		if (req_amount == 777) {
			last_result = 1; last_error = 4; response_code = 51;
			strcpy(err_desc, "\xc2\xb3\xe4\xec\xee\xe2\xe0"); /* "Відмова" */
			/* "ВІДМОВА\nКОД 51\n" */
			strcpy(receipt, "\xc2\xb2\xc4\xcc\xce\xc2\xc0\n\xca\xce\xc4 51\n");
			trn_status = 2;
			break;
		}
		ok();
		invoice = next_invoice++;
		amount_prop = req_amount;
		txn_type = 1; trn_status = 1;
		snprintf(rrn, sizeof rrn, "%012d", 424242000 + invoice);
		strcpy(auth, "A1B2C3");
		strcpy(receipt, "\xce\xcf\xcb\xc0\xd2\xc0\n"); /* "ОПЛАТА" */
		for (i = 1; i <= 200; i++) {
			char line[32];
			snprintf(line, sizeof line, "\xd0\xff\xe4\xee\xea %03d\n", i); /* "Рядок NNN" */
			strcat(receipt, line);
		}
		strcat(receipt, "\xca\xb2\xcd\xc5\xd6\xdc\n"); /* "КІНЕЦЬ" */
		pending_confirm = 1;
		break;
	case OP_CONFIRM:
		if (pending_confirm) { pending_confirm = 0; confirms++; ok(); }
		else { last_result = 1; last_error = 4; response_code = 1000; strcpy(err_desc, "no transaction to confirm"); }
		break;
	case OP_RECEIPT:
		strcpy(cur_receipt, receipt);
		ok();
		break;
	case OP_INFO:
		strcpy(info, "TE7E118 0000005100CT20221154/AQ1/AQ2");
		ok();
		break;
	default:
		ok();
	}
	op = OP_NONE;
}

int BPOSLib_InitializeBPOS(void) { return 0; }
int BPOSLib_UninitializeBPOS(void) { return 0; }
int BPOSLib_CommOpen(const char *port, int baud) { (void)port; (void)baud; return start(OP_OPEN, 0); }
int BPOSLib_CommOpenTCP(const char *ip, const char *port) { (void)ip; (void)port; return start(OP_OPEN, 0); }
int BPOSLib_CommOpenAuto(int baud) { (void)baud; return start(OP_OPEN, 0); }
int BPOSLib_CommClose(void) { return 0; }

int BPOSLib_Purchase(int amount, int addAmount, unsigned char merchIdx) {
	int rc = start(OP_PURCHASE, 1);
	(void)addAmount;
	if (rc == 0) { req_amount = amount; last_amount = amount; last_merch = merchIdx; }
	return rc;
}
int BPOSLib_Confirm(void) { return start(OP_CONFIRM, 0); }
int BPOSLib_Cancel(void) {
	cancels++;
	if (op == OP_NONE) return 0;
	op = OP_NONE;
	last_result = 1; last_error = 4; response_code = 1001;
	strcpy(err_desc, "cancelled by user");
	return 0;
}
int BPOSLib_ReqCurrReceipt(void) { return start(OP_RECEIPT, 0); }
int BPOSLib_POSGetInfo(void) { return start(OP_INFO, 0); }
#ifndef FAKE_NO_REFUND /* built with -DFAKE_NO_REFUND: a library version without Refund */
int BPOSLib_Refund(int amount, int addAmount, unsigned char merchIdx, char *r) { (void)amount; (void)addAmount; (void)merchIdx; (void)r; return start(OP_OTHER, 0); }
#endif
int BPOSLib_Void(int invoiceNum, unsigned char merchIdx) { (void)invoiceNum; (void)merchIdx; return start(OP_OTHER, 0); }
int BPOSLib_Settlement(unsigned char m) { (void)m; return start(OP_OTHER, 0); }
int BPOSLib_PrintBatchTotals(unsigned char m) { (void)m; return start(OP_OTHER, 0); }
int BPOSLib_GetBatchTotals(unsigned char m) { (void)m; return start(OP_OTHER, 0); }
int BPOSLib_CheckConnection(unsigned char m) { (void)m; return start(OP_OTHER, 0); }
int BPOSLib_GetTxnNum(void) { return start(OP_OTHER, 0); }
int BPOSLib_GetTxnDataByOrder(int n) { (void)n; return start(OP_OTHER, 0); }
int BPOSLib_GetTxnDataByInv(int inv, unsigned char m) { (void)inv; (void)m; return start(OP_OTHER, 0); }
int BPOSLib_ReqReceiptByInv(int inv, unsigned char m) { (void)inv; (void)m; return start(OP_OTHER, 0); }
int BPOSLib_SetErrorLang(unsigned char lang) { (void)lang; return 0; }
int BPOSLib_SetControlMode(bool on) { (void)on; return 0; }
int BPOSLib_Ping(void) { return start(OP_OTHER, 0); }
int BPOSLib_ReadCard(void) { return start(OP_OTHER, 0); }
int BPOSLib_ReadBankCard(void) { return start(OP_OTHER, 0); }
int BPOSLib_Completion(unsigned char m, int a, char *r, int inv) { (void)m; (void)a; (void)r; (void)inv; return start(OP_OTHER, 0); }
int BPOSLib_PurchaseService(unsigned char m, int a, char *p) { (void)m; (void)a; (void)p; return start(OP_OTHER, 0); }
int BPOSLib_IdentifyCard(unsigned char m, char *c, unsigned char acc) { (void)m; (void)c; (void)acc; return start(OP_OTHER, 0); }
int BPOSLib_CashAdvance(unsigned char m, int a, char *c, unsigned char acc) { (void)m; (void)a; (void)c; (void)acc; return start(OP_OTHER, 0); }
int BPOSLib_StartScenario(int id, char *xml) { (void)id; (void)xml; return start(OP_OTHER, 0); }
int BPOSLib_CorrectTransaction(int a, int add) { (void)a; (void)add; return start(OP_OTHER, 0); }

unsigned char BPOSLib_LastResult(void) {
	if (op == OP_PURCHASE && req_amount == 999) { /* hangs until Cancel */
		stat_code = steps[0];
		strcpy(stat_desc, step_desc[0]);
		return 2;
	}
	if (op != OP_NONE) {
		if (step < (int)sizeof steps) {
			stat_code = steps[step];
			strcpy(stat_desc, step_desc[step]);
			step++;
			return 2;
		}
		finish();
	}
	return last_result;
}
unsigned char BPOSLib_LastErrorCode(void) { return last_error; }
unsigned char BPOSLib_LastStatMsgCode(void) { return stat_code; }
unsigned char BPOSLib_TxnType(void) { return txn_type; }
unsigned char BPOSLib_TrnStatus(void) { return trn_status; }
unsigned char BPOSLib_EntryMode(void) { return 3; }
unsigned char BPOSLib_SignVerif(void) { return 0; }
int BPOSLib_ResponseCode(void) { return response_code; }
int BPOSLib_InvoiceNum(void) { return invoice; }
int BPOSLib_Amount(void) { return amount_prop; }
int BPOSLib_AddAmount(void) { return 0; }
int BPOSLib_TrnBatchNum(void) { return 1; }
int BPOSLib_TxnNum(void) { return next_invoice - 1; }
int BPOSLib_FlagAcquirer(void) { return 1; }
int BPOSLib_TotalsDebitAmt(void) { return 0; }
int BPOSLib_TotalsDebitNum(void) { return 0; }
int BPOSLib_TotalsCreditAmt(void) { return 0; }
int BPOSLib_TotalsCreditNum(void) { return 0; }
int BPOSLib_TotalsCancelledAmt(void) { return 0; }
int BPOSLib_TotalsCancelledNum(void) { return 0; }

int BPOSLib_LastErrorDescription(char *out) { strcpy(out, err_desc); return 0; }
int BPOSLib_LastStatMsgDescription(char *out) { strcpy(out, stat_desc); return 0; }
int BPOSLib_RRN(char *out) { strcpy(out, rrn); return 0; }
int BPOSLib_AuthCode(char *out) { strcpy(out, auth); return 0; }
int BPOSLib_TerminalID(char *out) { strcpy(out, "FAKE0001"); return 0; }
int BPOSLib_MerchantID(char *out) { strcpy(out, "FAKEMERCHANT01"); return 0; }
int BPOSLib_PAN(char *out) { strcpy(out, "4731XXXXXXXX9838"); return 0; }
int BPOSLib_ExpDate(char *out) { strcpy(out, "2912"); return 0; }
int BPOSLib_CardHolder(char *out) { strcpy(out, "TEST CARDHOLDER"); return 0; }
int BPOSLib_IssueName(char *out) { strcpy(out, "\xce\xf9\xe0\xe4\xe1\xe0\xed\xea"); return 0; } /* "Ощадбанк" */
int BPOSLib_Receipt(char *out) { strcpy(out, cur_receipt); return 0; }
int BPOSLib_emvAID(char *out) { strcpy(out, "A0000000031010"); return 0; }
int BPOSLib_Currency(char *out) { strcpy(out, "UAH"); return 0; }
int BPOSLib_CurrencyCode(char *out) { strcpy(out, "980"); return 0; }
int BPOSLib_RNK(char *out) { out[0] = 0; return 0; }
int BPOSLib_TerminalInfo(char *out) { strcpy(out, info); return 0; }
int BPOSLib_ScenarioData(char *out) { out[0] = 0; return 8; /* ECRC_NODATA */ }
int BPOSLib_LibraryVersion(char *out) { strcpy(out, "0.0.0-fake"); return 0; }

int fake_confirms(void) { return confirms; }
int fake_cancels(void) { return cancels; }
int fake_last_amount(void) { return last_amount; }
int fake_last_merch(void) { return last_merch; }
unsigned char BPOSLib_SlipPrinted(void) { return 1; }
int BPOSLib_DiscountAttribute(void) { return 0; }
int BPOSLib_AddData(char *out) { out[0] = 0; return 0; }
int BPOSLib_ECRDataTM(char *out) { strcpy(out, "OSCHADBANK"); return 0; }
int BPOSLib_DiscountName(char *out) { out[0] = 0; return 0; }
