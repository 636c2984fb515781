/*
 * drive_posapi: a small POSAPI application, written by hand against the C API of the
 * public headers (protocols/posapi.md A.1, A.3). It loads a POSAPI library with dlopen,
 * reads its ACTION_*, RESP_* and POS_* data symbols, and runs one operation:
 *
 *   drive_posapi LIB purchase AMOUNT
 *   drive_posapi LIB refund AMOUNT RRN
 *   drive_posapi LIB void TRANS_RECEIPT
 *   drive_posapi LIB z
 *
 * It prints one line per event and ends with "closed". Exit status 0 when the session
 * ended with RESP_CONFIRM, 1 otherwise, 2 on a usage or loading error.
 */
#include <dlfcn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef void *POS_HANDLE;

static bool (*pos_open)(POS_HANDLE *, const char *, const char *);
static bool (*pos_close)(POS_HANDLE *);
static bool (*pos_set)(POS_HANDLE, const char *, const char *);
static bool (*pos_send)(POS_HANDLE, int);
static int (*pos_receive)(POS_HANDLE, int);
static bool (*pos_get)(POS_HANDLE, const char *, char *, int);
static bool (*pos_get_first)(POS_HANDLE, char *, int, char *, int);
static bool (*pos_get_next)(POS_HANDLE, char *, int, char *, int);
static int (*pos_error)(POS_HANDLE);
static int (*pos_get_length)(POS_HANDLE, const char *);

static void *lib;

static void *need(const char *name) {
	void *p = dlsym(lib, name);
	if (p == NULL) {
		fprintf(stderr, "drive_posapi: the library has no %s\n", name);
		exit(2);
	}
	return p;
}

/* An `extern const int` symbol's value, and an `extern const char *` symbol's string. */
#define INT(name) (*(const int *)need(#name))
#define PARAM(name) (*(const char *const *)need(#name))

static char val[10240];

static const char *get(POS_HANDLE h, const char *param) {
	if (!pos_get(h, param, val, sizeof val)) {
		return "";
	}
	return val;
}

int main(int argc, char **argv) {
	if (argc < 3) {
		fprintf(stderr, "usage: drive_posapi LIB purchase AMOUNT | refund AMOUNT RRN | void RECEIPT | z\n");
		return 2;
	}
	lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
	if (lib == NULL) {
		fprintf(stderr, "drive_posapi: %s\n", dlerror());
		return 2;
	}
	*(void **)&pos_open = need("pos_open");
	*(void **)&pos_close = need("pos_close");
	*(void **)&pos_set = need("pos_set");
	*(void **)&pos_send = need("pos_send");
	*(void **)&pos_receive = need("pos_receive");
	*(void **)&pos_get = need("pos_get");
	*(void **)&pos_get_first = need("pos_get_first");
	*(void **)&pos_get_next = need("pos_get_next");
	*(void **)&pos_error = need("pos_error");
	*(void **)&pos_get_length = need("pos_get_length");

	const char *op = argv[2];
	int action;
	POS_HANDLE h = NULL;
	if (!pos_open(&h, "127.0.0.1:2000", "")) {
		printf("open failed error=%d\n", pos_error(h));
		return 1;
	}
	if (strcmp(op, "purchase") == 0 && argc == 4) {
		pos_set(h, PARAM(POS_AMOUNT), argv[3]);
		pos_set(h, PARAM(POS_CURRENCY), "980");
		action = INT(ACTION_PAYMENT);
	} else if (strcmp(op, "refund") == 0 && argc == 5) {
		pos_set(h, PARAM(POS_AMOUNT), argv[3]);
		pos_set(h, PARAM(POS_CURRENCY), "980");
		pos_set(h, PARAM(POS_TRANS_CODE), argv[4]);
		action = INT(ACTION_RETURN);
	} else if (strcmp(op, "void") == 0 && argc == 4) {
		pos_set(h, PARAM(POS_TRANS_RECEIPT), argv[3]);
		action = INT(ACTION_REVERSAL);
	} else if (strcmp(op, "z") == 0 && argc == 3) {
		action = INT(ACTION_CLOSE_DAY);
	} else {
		fprintf(stderr, "drive_posapi: bad operation\n");
		return 2;
	}
	if (!pos_send(h, action)) {
		printf("send failed error=%d\n", pos_error(h));
		return 1;
	}
	int r = INT(RESP_ERROR);
	for (int i = 0; i < 100; i++) {
		r = pos_receive(h, 180000);
		if (r == INT(RESP_MESSAGE)) {
			printf("message %s\n", get(h, PARAM(POS_MSG_TITLE)));
		} else if (r == INT(RESP_IDENTIFIER)) {
			printf("identifier %s\n", get(h, PARAM(POS_TRANS_ID)));
		} else if (r != INT(RESP_TIMEOUT)) {
			break;
		}
	}
	if (r == INT(RESP_CONFIRM)) {
		printf("confirm amount=%s", get(h, PARAM(POS_AMOUNT)));
		printf(" rrn=%s", get(h, PARAM(POS_TRANS_CODE)));
		printf(" receipt=%s", get(h, PARAM(POS_TRANS_RECEIPT)));
		printf(" pan=%s\n", get(h, PARAM(POS_CARD_PAN)));
	} else if (r == INT(RESP_DECLINE)) {
		printf("decline status=%s", get(h, PARAM(POS_STATUS)));
		printf(" text=%s\n", get(h, PARAM(POS_TRANS_STATUS)));
	} else {
		printf("response %d error=%d\n", r, pos_error(h));
	}
	/* Every parameter of the reply, and the slip read into a buffer of the right size. */
	char name[32];
	int n = 0;
	for (bool ok = pos_get_first(h, name, sizeof name, val, sizeof val); ok;
	     ok = pos_get_next(h, name, sizeof name, val, sizeof val)) {
		n++;
	}
	printf("params %d\n", n);
	int len = pos_get_length(h, PARAM(POS_PRINT));
	if (len > 0) {
		char small[4];
		char *slip = malloc(len + 1);
		bool cut = pos_get(h, PARAM(POS_PRINT), small, sizeof small);
		bool whole = pos_get(h, PARAM(POS_PRINT), slip, len + 1);
		printf("slip length=%d small=%s whole=%s first=%.*s\n", len, cut ? "yes" : "no", whole ? "yes" : "no",
		       (int)strcspn(slip, "\n"), slip);
		free(slip);
	}
	if (!pos_close(&h) || h != NULL) {
		printf("close failed\n");
		return 1;
	}
	printf("closed\n");
	return r == INT(RESP_CONFIRM) ? 0 : 1;
}
