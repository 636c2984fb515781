/* A small fake of Printec's POSAPI library for the binding test (posapi/binding_test.go).
 * Function signatures follow pos.h as quoted in protocols/posapi.md addendum A.1; symbol
 * names and public values follow A.3. ACTION_HOST_COUNT and POS_HOST_CODE have no public
 * value: the values below are this fake's own, so that the test proves they are read from
 * the library by name. It is not Printec code and plays a fixed script. */
#include <stdbool.h>
#include <string.h>
#include <stdio.h>

typedef void *POS_HANDLE;

const int ACTION_BREAK = 0x0001;
const int ACTION_STATUS = 0x0003;
const int ACTION_PAYMENT = 0x0103;
const int ACTION_HOST_COUNT = 0x0777; /* fake's own value */
const int RESP_ERROR = 0, RESP_BREAK = 1, RESP_TIMEOUT = 2, RESP_CONFIRM = 3, RESP_DECLINE = 4,
          RESP_MESSAGE = 5, RESP_INPUT = 6, RESP_IDENTIFIER = 7, RESP_KEEPALIVE = 8,
          RESP_WRONG_MAC = 9;
const int ERR_NONE = 0, ERR_FAILURE = 1;
const char *POS_AMOUNT = "amount";
const char *POS_CURRENCY = "currency";
const char *POS_TRANS_ID = "receipt";
const char *POS_TRANS_CODE = "rrn";
const char *POS_TRANS_STATUS = "status";
const char *POS_STATUS = "status_code";
const char *POS_CARD_PAN = "card_pan";
const char *POS_MSG_TITLE = "msg_title";
const char *POS_MSG_BREAK = "msg_break";
const char *POS_PRINT = "print";
const char *POS_DATA = "data";
const char *POS_HOST_CODE = "hcode"; /* fake's own name */

/* Inspection for the test: sessions open now, and the last action sent. */
int fake_open_count = 0;
int fake_last_action = 0;

#define MAXP 16
struct kv { char k[32]; char v[128]; };
struct resp { int code; int n; struct kv p[MAXP]; };

static struct state {
    int in, nset, nresp, next, err, iter;
    struct kv set[MAXP];
    struct resp script[4];
    struct resp *last;
} st;

static const char *getset(const char *k) {
    for (int i = 0; i < st.nset; i++)
        if (strcmp(st.set[i].k, k) == 0) return st.set[i].v;
    return "";
}

static void put(struct resp *r, const char *k, const char *v) {
    if (r->n >= MAXP) return;
    snprintf(r->p[r->n].k, sizeof r->p[r->n].k, "%s", k);
    snprintf(r->p[r->n].v, sizeof r->p[r->n].v, "%s", v);
    r->n++;
}

bool pos_open(POS_HANDLE *h, const char *name, const char *log) {
    (void)log;
    if (name != NULL && strcmp(name, "fail") == 0) { *h = NULL; st.err = 1; return false; }
    memset(&st, 0, sizeof st);
    st.in = 1;
    fake_open_count++;
    *h = &st;
    return true;
}

bool pos_open_with_timeout(POS_HANDLE *h, const char *name, int timeout, const char *log) {
    (void)timeout;
    return pos_open(h, name, log);
}

bool pos_close(POS_HANDLE *h) {
    if (*h != &st || !st.in) return false;
    st.in = 0;
    fake_open_count--;
    *h = NULL;
    return true;
}

bool pos_set(POS_HANDLE h, const char *param, const char *val) {
    if (h != &st || st.nset >= MAXP) { st.err = 1; return false; }
    snprintf(st.set[st.nset].k, sizeof st.set[0].k, "%s", param);
    snprintf(st.set[st.nset].v, sizeof st.set[0].v, "%s", val);
    st.nset++;
    return true;
}

bool pos_send(POS_HANDLE h, int action) {
    if (h != &st) { st.err = 1; return false; }
    fake_last_action = action;
    if (action == ACTION_BREAK) return true;
    struct resp *r = st.script;
    if (action == ACTION_PAYMENT) {
        r[0].code = RESP_MESSAGE; put(&r[0], "msg_title", "INSERT CARD"); put(&r[0], "msg_break", "1");
        r[1].code = RESP_TIMEOUT;
        r[2].code = RESP_IDENTIFIER; put(&r[2], "receipt", "77"); put(&r[2], "msg_break", "1");
        r[3].code = RESP_CONFIRM; put(&r[3], "amount", getset("amount")); put(&r[3], "rrn", "123456789012");
        put(&r[3], "card_pan", "4731XXXXXXXX9838"); put(&r[3], "receipt", "77"); put(&r[3], "print", "SLIP\nLINE 2");
        st.nresp = 4;
    } else if (action == ACTION_HOST_COUNT) {
        r[0].code = RESP_CONFIRM; put(&r[0], "data", "3");
        st.nresp = 1;
    } else {
        r[0].code = RESP_DECLINE; put(&r[0], "hcode", "05"); put(&r[0], "status", "DECLINED");
        put(&r[0], "status_code", "1");
        st.nresp = 1;
    }
    return true;
}

int pos_receive(POS_HANDLE h, int timeout) {
    (void)timeout;
    if (h != &st || st.next >= st.nresp) { st.err = 1; return RESP_ERROR; }
    st.last = &st.script[st.next++];
    return st.last->code;
}

bool pos_get(POS_HANDLE h, const char *param, char *val, int size) {
    if (size > 0) val[0] = 0;
    if (h != &st || st.last == NULL) return false;
    for (int i = 0; i < st.last->n; i++)
        if (strcmp(st.last->p[i].k, param) == 0) { snprintf(val, size, "%s", st.last->p[i].v); return true; }
    return false;
}

static bool iter(char *param, int psize, char *val, int vsize) {
    if (st.last == NULL || st.iter >= st.last->n) return false;
    snprintf(param, psize, "%s", st.last->p[st.iter].k);
    snprintf(val, vsize, "%s", st.last->p[st.iter].v);
    st.iter++;
    return true;
}

bool pos_get_first(POS_HANDLE h, char *param, int psize, char *val, int vsize) {
    if (h != &st) return false;
    st.iter = 0;
    return iter(param, psize, val, vsize);
}

bool pos_get_next(POS_HANDLE h, char *param, int psize, char *val, int vsize) {
    if (h != &st) return false;
    return iter(param, psize, val, vsize);
}

int pos_get_length(POS_HANDLE h, const char *param) {
    if (h != &st || st.last == NULL) return 0;
    for (int i = 0; i < st.last->n; i++)
        if (strcmp(st.last->p[i].k, param) == 0) return (int)strlen(st.last->p[i].v);
    return 0;
}

int pos_get_max_length(POS_HANDLE h) {
    int m = 0;
    if (h != &st || st.last == NULL) return 0;
    for (int i = 0; i < st.last->n; i++) {
        int n = (int)strlen(st.last->p[i].v);
        if (n > m) m = n;
    }
    return m;
}

int pos_error(POS_HANDLE h) {
    (void)h;
    int e = st.err;
    st.err = 0;
    return e;
}
