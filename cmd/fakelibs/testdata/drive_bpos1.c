/*
 * drive_bpos1: a small BPOS1 application, written by hand against the flat C API of
 * libcBPOSLib.so (protocols/bpos1.md Addendum A.1, A.2, and the call sequences of §2.5).
 * It loads the library with dlopen and runs one operation:
 *
 *   drive_bpos1 LIB purchase AMOUNT MERCH
 *   drive_bpos1 LIB refund AMOUNT MERCH RRN
 *   drive_bpos1 LIB void INVOICE MERCH
 *   drive_bpos1 LIB z MERCH
 *
 * It prints one line per result and ends with "closed". Exit status 0 when the operation
 * succeeded, 1 otherwise, 2 on a usage or loading error.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *lib;

static void *need(const char *name) {
	void *p = dlsym(lib, name);
	if (p == NULL) {
		fprintf(stderr, "drive_bpos1: the library has no %s\n", name);
		exit(2);
	}
	return p;
}

typedef int (*action0)(void);
typedef int (*action_m)(unsigned char);
typedef unsigned char (*getu8)(void);
typedef int (*geti)(void);
typedef int (*gets)(char *);

#define CALL0(name) (((action0)need("BPOSLib_" #name))())
#define U8(name) (((getu8)need("BPOSLib_" #name))())
#define INT(name) (((geti)need("BPOSLib_" #name))())

static char buf[33000]; /* Receipt: SELF2000's buffer size (A.2) */

static const char *str(const char *name) {
	char full[64];
	snprintf(full, sizeof full, "BPOSLib_%s", name);
	if (((gets)need(full))(buf) != 0) {
		return "?";
	}
	return buf;
}

/* wait polls LastResult until it is not 2 (in progress) and returns it. */
static int wait(void) {
	int statuses = 0, last = -1;
	for (int i = 0; i < 10000; i++) {
		unsigned char r = U8(LastResult);
		if (r != 2) {
			if (statuses > 0) {
				printf("progress %d\n", statuses);
			}
			return r;
		}
		unsigned char s = U8(LastStatMsgCode);
		if (s != last) {
			statuses++;
			last = s;
		}
	}
	return 2;
}

static int failed(const char *what, int rc) {
	printf("%s ecrc=%d\n", what, rc);
	return 1;
}

int main(int argc, char **argv) {
	if (argc < 4) {
		fprintf(stderr, "usage: drive_bpos1 LIB purchase AMOUNT MERCH | refund AMOUNT MERCH RRN | void INVOICE MERCH | z MERCH\n");
		return 2;
	}
	lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
	if (lib == NULL) {
		fprintf(stderr, "drive_bpos1: %s\n", dlerror());
		return 2;
	}
	int rc = CALL0(InitializeBPOS);
	if (rc != 0) {
		return failed("initialize", rc);
	}
	rc = ((int (*)(const char *, const char *))need("BPOSLib_CommOpenTCP"))("127.0.0.1", "2100");
	if (rc != 0) {
		return failed("open", rc);
	}
	if (wait() != 0) {
		printf("open result=%d error=%d text=%s\n", U8(LastResult), U8(LastErrorCode), str("LastErrorDescription"));
		return 1;
	}
	const char *op = argv[2];
	int financial = 0;
	if (strcmp(op, "purchase") == 0 && argc == 5) {
		rc = ((int (*)(int, int, unsigned char))need("BPOSLib_Purchase"))(atoi(argv[3]), 0, (unsigned char)atoi(argv[4]));
		financial = 1;
	} else if (strcmp(op, "refund") == 0 && argc == 6) {
		rc = ((int (*)(int, int, unsigned char, char *))need("BPOSLib_Refund"))(atoi(argv[3]), 0, (unsigned char)atoi(argv[4]), argv[5]);
		financial = 1;
	} else if (strcmp(op, "void") == 0 && argc == 5) {
		rc = ((int (*)(int, unsigned char))need("BPOSLib_Void"))(atoi(argv[3]), (unsigned char)atoi(argv[4]));
	} else if (strcmp(op, "z") == 0 && argc == 4) {
		rc = ((action_m)need("BPOSLib_Settlement"))((unsigned char)atoi(argv[3]));
	} else {
		fprintf(stderr, "drive_bpos1: bad operation\n");
		return 2;
	}
	if (rc != 0) {
		return failed(op, rc);
	}
	int result = wait();
	if (result == 0 && strcmp(op, "z") == 0) {
		printf("totals debit=%d/%d credit=%d/%d cancelled=%d/%d\n", INT(TotalsDebitNum), INT(TotalsDebitAmt),
		       INT(TotalsCreditNum), INT(TotalsCreditAmt), INT(TotalsCancelledNum), INT(TotalsCancelledAmt));
	} else if (result == 0) {
		printf("ok type=%d invoice=%d amount=%d", U8(TxnType), INT(InvoiceNum), INT(Amount));
		printf(" rrn=%s", str("RRN"));
		printf(" auth=%s", str("AuthCode"));
		printf(" pan=%s\n", str("PAN"));
		if (financial) {
			rc = CALL0(Confirm);
			if (rc != 0 || wait() != 0) {
				return failed("confirm", rc);
			}
			printf("confirmed\n");
		}
	} else {
		printf("error result=%d code=%d response=%d\n", result, U8(LastErrorCode), INT(ResponseCode));
	}
	if (CALL0(ReqCurrReceipt) == 0 && wait() == 0) {
		const char *slip = str("Receipt");
		printf("receipt length=%d first=%.*s\n", (int)strlen(slip), (int)strcspn(slip, "\n"), slip);
	}
	CALL0(CommClose);
	CALL0(UninitializeBPOS);
	printf("closed\n");
	return result == 0 ? 0 : 1;
}
