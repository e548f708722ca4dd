/*
 * ledger.c: value parsers for paper-ledger cells (see fq/ledger.h).
 *
 * Design.  Every parser first normalises its cell into an fq_buf
 * (full-width ASCII to half-width, U+3000 to a space, trimmed), so the
 * grammar below deals with ASCII digits and punctuation plus a handful of
 * Chinese words, which are matched as UTF-8 byte strings.  A Chinese
 * keyword is only ever compared at a character boundary, and UTF-8 is
 * self-synchronising, so byte comparison is exact.  All scanning works on
 * spans [p, e) of the normalised buffer; the buffer is NUL-terminated, so a
 * decoder that stops at a byte that is not a continuation byte cannot run
 * past it even on broken input.
 *
 * The party parser needs the text as written (a name is stored "raw as
 * written", DOMAIN.md §3.3.2), so it normalises with a map from each
 * normalised byte back to the raw cell: normalisation replaces characters
 * one for one, and a span of the normalised text maps to a span of the
 * raw text.
 *
 * Dates are parsed whole first; only when that fails on the syntax is the
 * cell tried as a range at each separator ("3月5日-3月8日" fails as one date
 * at the '-' after 日).  Errors in the left part of a range that are not
 * syntax errors (an impossible date, no year) are what gets reported, since
 * they say more than "not a date".
 *
 * Money is computed in units of 1/10000 yuan in a long long and capped at
 * 10^11 yuan, so no product can overflow.
 */
#include <stdio.h>

#include "fq/ledger.h"
#include "internal.h"

/*
 * UTF-8 and normalisation
 */

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool
is_space(long c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
		c == '\f';
}

/*
 * Decode the character at str: its code point, with its length in *len.
 * A byte that does not start a valid sequence (stray continuation byte,
 * overlong form, surrogate, truncated sequence) gives -1 and length 1.
 * Continuation bytes are checked one at a time, so the NUL stops the read.
 */
static long
u8_decode(const char *str, size_t *len)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned long cp;
	size_t n, i;

	*len = 1;
	if (s[0] < 0x80)
		return s[0];
	if (s[0] >= 0xC2 && s[0] <= 0xDF) {
		n = 2;
		cp = s[0] & 0x1F;
	} else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
		n = 3;
		cp = s[0] & 0x0F;
	} else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
		n = 4;
		cp = s[0] & 0x07;
	} else {
		return -1;
	}
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return -1;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return -1;
	*len = n;
	return (long)cp;
}

/* Length of the character at p, never past e. */
static size_t
char_len(const char *p, const char *e)
{
	const unsigned char *u = (const unsigned char *)p;
	size_t len;

	/* ASCII, and the three-byte characters that are always well formed
	 * (E1..EC and two continuation bytes: most of a ledger), without
	 * decoding */
	if (u[0] < 0x80)
		return 1;
	if (u[0] >= 0xE1 && u[0] <= 0xEC && (u[1] & 0xC0) == 0x80 &&
	    (u[2] & 0xC0) == 0x80)
		return e - p < 3 ? (size_t)(e - p) : 3;
	u8_decode(p, &len);
	if (len > (size_t)(e - p))
		len = (size_t)(e - p);
	return len;
}

static long
fold(long cp)
{
	if (cp >= 0xFF01 && cp <= 0xFF5E)
		return cp - 0xFEE0;
	if (cp == 0x3000 || cp == 0xA0)
		return ' ';
	return cp;
}

static void
add_cp(struct fq_buf *b, long cp)
{
	char u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xC0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xE0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		u[0] = (char)(0xF0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	fq_buf_add(b, u, n);
}

void
fq_ledger_normalize(struct fq_buf *out, const char *s)
{
	size_t start = out->len, end, len;
	long cp;

	if (!s)
		return;
	while (*s) {
		cp = u8_decode(s, &len);
		if (cp < 0) {
			fq_buf_add(out, s, 1);
			s++;
			continue;
		}
		s += len;
		cp = fold(cp);
		if (cp == 0x200B || cp == 0xFEFF)
			continue;
		if (out->len == start && is_space(cp))
			continue;
		add_cp(out, cp);
	}
	end = out->len;
	while (end > start && is_space(out->buf[end - 1]))
		end--;
	fq_buf_setlen(out, end);
}

void
fq_ledger_header_key(struct fq_buf *out, const char *hdr)
{
	size_t marks[16], depth = 0, len;
	long cp;

	if (!hdr)
		return;
	while (*hdr) {
		cp = u8_decode(hdr, &len);
		if (cp < 0) {
			fq_buf_add(out, hdr, 1);
			hdr++;
			continue;
		}
		hdr += len;
		cp = fold(cp);
		if (is_space(cp) || cp == '*' || cp == 0x200B || cp == 0xFEFF)
			continue;
		if (cp == '(' || cp == '[' || cp == 0x3010 /* 【 */) {
			if (depth < FQ_ARRAY_SIZE(marks))
				marks[depth++] = out->len;
		} else if ((cp == ')' || cp == ']' || cp == 0x3011) && depth) {
			fq_buf_setlen(out, marks[--depth]);
			continue;
		}
		if (cp >= 'A' && cp <= 'Z')
			cp += 'a' - 'A';
		add_cp(out, cp);
	}
}

/* Copy at most cap - 1 bytes of s, cut at a character boundary. */
static void
copy_trunc(char *dst, size_t cap, const char *s, size_t len)
{
	if (len >= cap) {
		len = cap - 1;
		while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80)
			len--;
	}
	memcpy(dst, s, len);
	dst[len] = '\0';
}

/* The cell, normalised; NULL reads as "". */
static void
cell(struct fq_buf *b, const char *raw)
{
	fq_ledger_normalize(b, raw ? raw : "");
}

/*
 * Spans
 */

static const char *
skip_ws(const char *p, const char *e)
{
	while (p < e && is_space(*p))
		p++;
	return p;
}

/* End of [p, e) without trailing white space. */
static const char *
rtrim(const char *p, const char *e)
{
	while (e > p && is_space(e[-1]))
		e--;
	return e;
}

/* If [p, e) starts with w, the position after it, else NULL. */
static const char *
eat(const char *p, const char *e, const char *w)
{
	size_t n;

	if (!*w)
		return p;
	/* the first byte first: find() and eat_list() ask at every
	 * character of a cell */
	if (p >= e || *p != *w)
		return NULL;
	n = strlen(w);
	if ((size_t)(e - p) >= n && !memcmp(p, w, n))
		return p + n;
	return NULL;
}

/* Same, for a list; the first match wins (put longer words first). */
static const char *
eat_list(const char *p, const char *e, const char *const *list)
{
	const char *q;

	for (; *list; list++)
		if ((q = eat(p, e, *list)))
			return q;
	return NULL;
}

/* ASCII case-insensitive eat. */
static const char *
eat_ci(const char *p, const char *e, const char *w)
{
	size_t n = strlen(w), i;

	if ((size_t)(e - p) < n)
		return NULL;
	for (i = 0; i < n; i++) {
		char a = p[i], b = w[i];

		if (a >= 'A' && a <= 'Z')
			a += 'a' - 'A';
		if (a != b)
			return NULL;
	}
	return p + n;
}

static bool
eq(const char *p, const char *e, const char *w)
{
	return (size_t)(e - p) == strlen(w) && !memcmp(p, w, (size_t)(e - p));
}

static bool
in_list(const char *p, const char *e, const char *const *list)
{
	for (; *list; list++)
		if (eq(p, e, *list))
			return true;
	return false;
}

/* If [p, e) ends with w, where w starts, else NULL. */
static const char *
ends(const char *p, const char *e, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(e - p) >= n && !memcmp(e - n, w, n))
		return e - n;
	return NULL;
}

static const char *
find(const char *p, const char *e, const char *w)
{
	for (; p < e; p += char_len(p, e))
		if (eat(p, e, w))
			return p;
	return NULL;
}

/* Characters in [p, e), white space not counted. */
static size_t
count_chars(const char *p, const char *e)
{
	size_t n = 0;

	for (; p < e; p += char_len(p, e))
		if (!is_space(*p))
			n++;
	return n;
}

static bool
is_cjk(long cp)
{
	return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 &&
		cp <= 0x4DBF) || (cp >= 0x20000 && cp <= 0x2FFFF) ||
		(cp >= 0xF900 && cp <= 0xFAFF) || cp == 0x3007;
}

static bool
has_cjk(const char *p, const char *e)
{
	size_t len;

	for (; p < e; p += len) {
		long cp = u8_decode(p, &len);

		if (len > (size_t)(e - p))
			break;
		if (is_cjk(cp))
			return true;
	}
	return false;
}

/* Quote a cell for an error message, cut at a character boundary. */
static const char *
quote(char *buf, size_t cap, const char *s, const char *e)
{
	copy_trunc(buf, cap, s, (size_t)(e - s));
	return buf;
}

/*
 * Marks
 */

static const char *const placeholder_words[] = {
	"", "无", "暂无", "没有", "不详", "不清楚", "未知", "拒绝提供",
	"未提供", "不提供", "/", "\\", "-", "--", "—", "——", "空", NULL
};

/* Words that mean "no date" in a date column (§4.4). */
static const char *const date_null_words[] = {
	"已结", "未结", "已结案", "未结案", "结案", "待定", "未定", NULL
};

static bool
span_placeholder(const char *p, const char *e)
{
	return in_list(p, e, placeholder_words);
}

static bool
span_ditto(const char *p, const char *e)
{
	static const char *const words[] = {
		"同上", "同左", "仝上", "同前", "-", NULL
	};
	static const char *const marks[] = { "〃", "\"", "“", "”", "〞", NULL };
	const char *q;

	if (p == e)
		return false;
	if (in_list(p, e, words))
		return true;
	while (p < e && (q = eat_list(p, e, marks)))
		p = q;
	return p == e;
}

/* Could the folded character cp be in a ditto cell (span_ditto's words
 * and marks, or what normalising and squeezing drop)? */
static bool
ditto_char(long cp)
{
	switch (cp) {
	case 0x540C: case 0x4E0A: case 0x5DE6: case 0x4EDD: case 0x524D:
					/* 同 上 左 仝 前 */
	case '-': case '"':
	case 0x3003: case 0x201C: case 0x201D: case 0x301E:
					/* 〃 “ ” 〞 */
	case 0x200B: case 0xFEFF:
		return true;
	}
	return is_space(cp);
}

bool
fq_ledger_may_be_ditto(const char *raw)
{
	size_t len;
	long cp;

	for (; raw && *raw; raw += len)
		if ((cp = u8_decode(raw, &len)) >= 0 && !ditto_char(fold(cp)))
			return false;
	return true;
}

bool
fq_ledger_is_ditto(const char *raw)
{
	struct fq_buf b = FQ_BUF_INIT;
	bool r;

	if (!fq_ledger_may_be_ditto(raw))
		return false;
	cell(&b, raw);
	r = span_ditto(b.buf, b.buf + b.len);
	fq_buf_release(&b);
	return r;
}

bool
fq_ledger_is_placeholder(const char *raw)
{
	struct fq_buf b = FQ_BUF_INIT;
	bool r;

	cell(&b, raw);
	r = span_placeholder(b.buf, b.buf + b.len);
	fq_buf_release(&b);
	return r;
}

/*
 * Numbers in dates and times: ASCII digits, or Chinese numerals written
 * digit by digit ("二〇二四") or with 十, 廿, 卅 ("二十五", "廿五").
 */

struct num {
	int val;
	int ndigits;	/* digits written; 0 for forms with 十, 廿 or 卅 */
	bool ascii;
};

static const struct {
	const char *s;
	int v;
} cn_digits[] = {
	{ "〇", 0 }, { "零", 0 }, { "○", 0 }, { "一", 1 }, { "二", 2 },
	{ "两", 2 }, { "三", 3 }, { "四", 4 }, { "五", 5 }, { "六", 6 },
	{ "七", 7 }, { "八", 8 }, { "九", 9 },
	/* capitals, for amounts */
	{ "壹", 1 }, { "贰", 2 }, { "貳", 2 }, { "叁", 3 }, { "參", 3 },
	{ "肆", 4 }, { "伍", 5 }, { "陆", 6 }, { "陸", 6 }, { "柒", 7 },
	{ "捌", 8 }, { "玖", 9 },
};

/* The ordinary numerals end here; the capitals follow. */
#define CN_ORDINARY 13

/* Value of the digit at *pp (advancing it), or -1. */
static int
eat_cn_digit(const char **pp, const char *e, bool capitals)
{
	size_t i, n = capitals ? FQ_ARRAY_SIZE(cn_digits) : CN_ORDINARY;
	const char *q;

	for (i = 0; i < n; i++)
		if ((q = eat(*pp, e, cn_digits[i].s))) {
			*pp = q;
			return cn_digits[i].v;
		}
	return -1;
}

/* Read a number at p; returns its end, or NULL if there is none. */
static const char *
read_num(const char *p, const char *e, struct num *n)
{
	int cat = 0, digits = 0, cur = -1, base = 0, d;
	bool tens = false;
	const char *q;

	n->val = 0;
	n->ndigits = 0;
	n->ascii = false;
	if (p < e && is_digit(*p)) {
		while (p < e && is_digit(*p)) {
			if (digits == 9)
				return NULL;
			cat = cat * 10 + (*p++ - '0');
			digits++;
		}
		n->val = cat;
		n->ndigits = digits;
		n->ascii = true;
		return p;
	}
	for (q = p;;) {
		const char *r = q;

		if ((d = eat_cn_digit(&r, e, false)) >= 0) {
			if (tens) {
				if (cur >= 0)
					return NULL;
			} else {
				if (digits == 9)
					return NULL;
				cat = cat * 10 + d;
				digits++;
			}
			cur = d;
		} else if ((r = eat(q, e, "十"))) {
			if (tens || digits > 1)
				return NULL;
			base = (digits ? cur : 1) * 10;
			tens = true;
			cur = -1;
		} else if ((r = eat(q, e, "廿")) || (r = eat(q, e, "卅"))) {
			if (tens || digits)
				return NULL;
			base = eat(q, e, "廿") ? 20 : 30;
			tens = true;
			cur = -1;
		} else {
			break;
		}
		q = r;
	}
	if (q == p)
		return NULL;
	if (tens) {
		n->val = base + (cur >= 0 ? cur : 0);
	} else {
		n->val = cat;
		n->ndigits = digits;
	}
	return q;
}

/*
 * Calendar
 */

static bool
is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days in month m of year y; y == 0 means "some year" (February has 29). */
static int
mdays(int y, int m)
{
	static const int d[] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	if (m < 1 || m > 12)
		return 0;
	if (m == 2 && (!y || is_leap(y)))
		return 29;
	return d[m - 1];
}

/* Days since 1970-01-01 (H. Hinnant's days_from_civil). */
static long
days_from_civil(int y, int m, int d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153L * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
civil_from_days(long z, int *y, int *m, int *d)
{
	long era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static void
add_days(int *y, int *m, int *d, long n)
{
	civil_from_days(days_from_civil(*y, *m, *d) + n, y, m, d);
}

static void
add_months(int *y, int *m, int *d, int n)
{
	int t = *y * 12 + (*m - 1) + n;

	*y = t / 12;
	*m = t % 12 + 1;
	if (*d > mdays(*y, *m))
		*d = mdays(*y, *m);
}

/*
 * Dates
 */

enum {
	D_OK,
	D_SYNTAX,	/* not a date */
	D_INVALID,	/* a date that does not exist */
	D_NOYEAR,	/* no year and no default */
	D_FUTURE	/* two-digit year too far ahead */
};

struct dopt {
	const struct fq_ledger_date_ctx *ctx;
	int default_year;
	int default_month;	/* range end: a bare day takes this month */
};

static const struct {
	const char *w;
	int adj;	/* 0 morning, 1 afternoon/evening, 2 noon */
} day_parts[] = {
	{ "上午", 0 }, { "早上", 0 }, { "早晨", 0 }, { "凌晨", 0 },
	{ "中午", 2 }, { "下午", 1 }, { "晚上", 1 }, { "傍晚", 1 },
	{ "夜里", 1 }, { "夜间", 1 }, { "晚", 1 }, { "早", 0 },
};

/*
 * Read a time of day at p ("14:30", "14:30:00", "下午2:30", "下午2点半",
 * "14时30分").  Returns its end, or NULL when there is none.  A time out of
 * range sets *rc to D_INVALID.  A bare day part ("上午") is accepted and
 * gives no time.
 */
static const char *
parse_time(const char *p, const char *e, struct fq_ledger_date *d, int *rc)
{
	int adj = -1, h, m = 0, sec = 0;
	const char *q, *r;
	struct num n, mn;
	size_t i;

	for (i = 0; i < FQ_ARRAY_SIZE(day_parts); i++)
		if ((q = eat(p, e, day_parts[i].w))) {
			adj = day_parts[i].adj;
			p = skip_ws(q, e);
			break;
		}
	q = read_num(p, e, &n);
	if (!q || (n.ascii && n.ndigits > 2))
		return adj >= 0 ? p : NULL;
	h = n.val;
	if (q < e && *q == ':') {
		r = read_num(q + 1, e, &mn);
		if (!r || !mn.ascii || mn.ndigits > 2)
			return NULL;
		m = mn.val;
		q = r;
		if (q < e && *q == ':') {
			r = read_num(q + 1, e, &mn);
			if (!r || !mn.ascii || mn.ndigits > 2)
				return NULL;
			sec = mn.val;
			q = r;
			/* exports: "14:30:00.000", "14:30:00+08:00", "…Z" */
			if (q < e && *q == '.' && (r = read_num(q + 1, e, &mn)))
				q = r;
			if (q < e && *q == 'Z') {
				q++;
			} else if (q < e && (*q == '+' || *q == '-') &&
			    (r = read_num(q + 1, e, &mn)) && mn.ascii) {
				q = r;
				if (q < e && *q == ':' &&
				    (r = read_num(q + 1, e, &mn)))
					q = r;
			}
		}
	} else if ((r = eat(q, e, "时")) || (r = eat(q, e, "点"))) {
		q = r;
		if ((r = eat(q, e, "钟"))) {
			q = r;
		} else if ((r = eat(q, e, "半"))) {
			m = 30;
			q = r;
		} else if ((r = read_num(q, e, &mn))) {
			m = mn.val;
			q = r;
			if ((r = eat(q, e, "分")))
				q = r;
		}
	} else {
		return NULL;
	}
	if (adj == 1 && h < 12)
		h += 12;
	else if (adj == 2 && h < 11)
		h += 12;
	if (h > 23 || m > 59 || sec > 59) {
		*rc = D_INVALID;
		return q;
	}
	d->has_time = true;
	d->hour = h;
	d->minute = m;
	return q;
}

/* "(星期二)", "周二", "礼拜天". */
static const char *
eat_weekday(const char *p, const char *e)
{
	static const char *const pre[] = { "星期", "礼拜", "周", NULL };
	static const char *const days[] = {
		"一", "二", "三", "四", "五", "六", "日", "天", NULL
	};
	bool bracket = false;
	const char *q;

	if (p < e && *p == '(') {
		bracket = true;
		p = skip_ws(p + 1, e);
	}
	if (!(q = eat_list(p, e, pre)) || !(q = eat_list(q, e, days)))
		return NULL;
	if (bracket) {
		q = skip_ws(q, e);
		if (q == e || *q != ')')
			return NULL;
		q++;
	}
	return q;
}

static long
pow10l_(int n)
{
	long r = 1;

	while (n-- > 0)
		r *= 10;
	return r;
}

/*
 * Parse one date (no range) in [p, e) into d, which is cleared first.
 */
static int
parse_single(struct fq_ledger_date *d, const char *p, const char *e,
	const struct dopt *o)
{
	struct num n1, n2, n3;
	const char *q, *r;
	int y = -1, ydig = 0, m = -1, day = -1, rc = D_OK;
	bool month_only = false;

	memset(d, 0, sizeof(*d));
	p = skip_ws(p, e);
	e = rtrim(p, e);
	if (p == e)
		return D_SYNTAX;
	if ((q = eat(p, e, "元月"))) {
		m = 1;
		p = q;
		goto day_of_month;
	}
	if (!(q = read_num(p, e, &n1)))
		return D_SYNTAX;
	p = q;

	/* Excel serial day number, 1900 system, maybe with a time. */
	if (n1.ascii && n1.ndigits == 5) {
		if (!o->ctx->date_column || n1.val < 30000 || n1.val > 60000)
			return D_SYNTAX;
		/*
		 * Serial 60 is the 1900-02-29 that never was (the Lotus
		 * bug), so from serial 61 on day N is 1899-12-30 + N.
		 */
		civil_from_days(days_from_civil(1899, 12, 30) + n1.val, &y, &m,
			&day);
		ydig = 4;
		if (p < e && *p == '.') {
			long long mins;

			if (!(r = read_num(p + 1, e, &n2)) || !n2.ascii)
				return D_SYNTAX;
			p = r;
			mins = ((long long)n2.val * 1440 +
				pow10l_(n2.ndigits) / 2) / pow10l_(n2.ndigits);
			if (mins > 1439)
				mins = 1439;
			if (mins) {
				d->has_time = true;
				d->hour = (int)(mins / 60);
				d->minute = (int)(mins % 60);
			}
		}
		goto tail;
	}

	q = skip_ws(p, e);
	if ((r = eat(q, e, "年"))) {
		y = n1.val;
		ydig = n1.ndigits;
		p = skip_ws(r, e);
		if ((r = eat(p, e, "元月"))) {
			m = 1;
			p = r;
			goto day_of_month;
		}
		if (!(q = read_num(p, e, &n2)))
			return D_SYNTAX;
		if (!(r = eat(skip_ws(q, e), e, "月")))
			return D_SYNTAX;
		m = n2.val;
		p = r;
		goto day_of_month;
	}
	if ((r = eat(q, e, "月"))) {
		m = n1.val;
		p = r;
		goto day_of_month;
	}
	if (o->default_month &&
	    ((r = eat(q, e, "日")) || (r = eat(q, e, "号")))) {
		m = o->default_month;
		day = n1.val;
		p = r;
		goto tail;
	}
	if (q < e && (*q == '-' || *q == '/' || *q == '.')) {
		char sep = *q;

		if (!n1.ascii)
			return D_SYNTAX;
		q = read_num(skip_ws(q + 1, e), e, &n2);
		if (!q || !n2.ascii || n2.ndigits > 2)
			return D_SYNTAX;
		p = q;
		q = skip_ws(p, e);
		if (q < e && *q == sep) {
			q = read_num(skip_ws(q + 1, e), e, &n3);
			if (!q || !n3.ascii || n3.ndigits > 2)
				return D_SYNTAX;
			y = n1.val;
			ydig = n1.ndigits;
			m = n2.val;
			day = n3.val;
			p = q;
		} else if (n1.ndigits == 4) {
			y = n1.val;
			ydig = 4;
			m = n2.val;
			month_only = true;
		} else {
			if (n1.ndigits > 2)
				return D_SYNTAX;
			/* "3.5" elsewhere is a number (§4.4) */
			if (sep == '.' && !o->ctx->date_column)
				return D_SYNTAX;
			m = n1.val;
			day = n2.val;
		}
		goto tail;
	}
	if (n1.ascii && n1.ndigits == 8) {
		y = n1.val / 10000;
		ydig = 4;
		m = n1.val / 100 % 100;
		day = n1.val % 100;
		goto tail;
	}
	if (o->default_month && n1.ndigits <= 2) {
		m = o->default_month;
		day = n1.val;
		goto tail;
	}
	return D_SYNTAX;

day_of_month:
	q = skip_ws(p, e);
	if (!(r = read_num(q, e, &n3))) {
		month_only = true;
		goto tail;
	}
	day = n3.val;
	p = r;
	q = skip_ws(p, e);
	if ((r = eat(q, e, "日")) || (r = eat(q, e, "号")))
		p = r;

tail:
	q = skip_ws(p, e);
	if (q == p && q < e && *q == 'T')
		q++;
	if ((r = parse_time(q, e, d, &rc))) {
		if (rc != D_OK)
			return rc;
		p = r;
	}
	q = skip_ws(p, e);
	if ((r = eat_weekday(q, e)))
		p = r;
	/* a full stop after the date: "3月5日。" */
	if ((r = eat(p, e, ".")) || (r = eat(p, e, "。")))
		p = r;
	if (skip_ws(p, e) != e)
		return D_SYNTAX;

	if (m < 1 || m > 12)
		return D_INVALID;
	if (!month_only && (day < 1 || day > mdays(0, m)))
		return D_INVALID;
	if (y < 0) {
		if (!o->default_year)
			return D_NOYEAR;
		y = o->default_year;
		d->year_inferred = true;
	} else if (ydig == 2) {
		y += 2000;
		if (o->ctx->current_year && y > o->ctx->current_year + 1)
			return D_FUTURE;
	} else if (ydig != 4) {
		return D_SYNTAX;
	}
	if (y < 1900 || y > 2099)
		return D_INVALID;
	if (month_only)
		day = 1;
	else if (day > mdays(y, m))
		return D_INVALID;
	d->year = y;
	d->month = m;
	d->day = day;
	d->month_only = month_only;
	return D_OK;
}

static const char *const range_seps[] = {
	"——", "—", "–", "~", "〜", "至", "到", "-", NULL
};

/* Open ends of a range: "2024.3.5至今". */
static const char *const open_ends[] = {
	"今", "至今", "现在", "今天", "目前", NULL
};

/*
 * Try [s, e) as "start SEP end".  Returns D_OK with out filled, or the most
 * telling error of the left parts that looked like dates.
 */
static int
parse_range(struct fq_ledger_date *out, const char *s, const char *e,
	const struct dopt *o)
{
	struct fq_ledger_date start, end;
	struct dopt o2;
	const char *p, *r, *rs;
	int best = D_SYNTAX, rc;
	size_t i;

	for (p = s; p < e; p += char_len(p, e)) {
		for (i = 0; range_seps[i]; i++)
			if ((r = eat(p, e, range_seps[i])))
				break;
		if (!range_seps[i] || p == s)
			continue;
		rc = parse_single(&start, s, p, o);
		if (rc != D_OK) {
			if (rc != D_SYNTAX && best == D_SYNTAX)
				best = rc;
			continue;
		}
		rs = skip_ws(r, e);
		o2 = *o;
		o2.default_year = start.year;
		o2.default_month = start.month;
		rc = rs < e ? parse_single(&end, rs, e, &o2) : D_SYNTAX;
		/* after a dash the end must be a date or an open end */
		if (rc != D_OK && rs < e && range_seps[i][0] == '-' &&
		    !in_list(rs, e, open_ends))
			continue;
		*out = start;
		out->is_range = true;
		copy_trunc(out->end_note, sizeof(out->end_note), rs,
			(size_t)(e - rs));
		if (rc == D_OK) {
			long d0 = days_from_civil(start.year, start.month,
				start.day);

			if (end.month_only)
				end.day = mdays(end.year, end.month);
			/* "12月30日-1月3日" ends in the next year */
			if (end.year_inferred && days_from_civil(end.year,
			    end.month, end.day) < d0) {
				end.year++;
				if (end.day > mdays(end.year, end.month))
					return D_OK;
			}
			out->has_end = true;
			out->end_year = end.year;
			out->end_month = end.month;
			out->end_day = end.day;
		}
		return D_OK;
	}
	return best;
}

static int
date_error(struct fq_error *err, int rc, const char *s, const char *e)
{
	char q[160];

	quote(q, sizeof(q), s, e);
	switch (rc) {
	case D_INVALID:
		return fq_error_set(err, FQ_EPARSE, "invalid date '%s'", q);
	case D_NOYEAR:
		return fq_error_set(err, FQ_EPARSE,
			"ambiguous: no year in '%s'", q);
	case D_FUTURE:
		return fq_error_set(err, FQ_EPARSE,
			"two-digit year in the future in '%s'", q);
	}
	return fq_error_set(err, FQ_EPARSE, "not a date: '%s'", q);
}

static const struct fq_ledger_date_ctx default_ctx = FQ_LEDGER_DATE_CTX_INIT;

int
fq_ledger_parse_date(struct fq_ledger_date *out, const char *raw,
	const struct fq_ledger_date_ctx *ctx, struct fq_error *err)
{
	struct fq_buf b = FQ_BUF_INIT;
	struct dopt o;
	const char *s, *e;
	int rc, ret = 0;

	if (!out)
		return fq_error_set(err, FQ_EUSAGE, "no place for the date");
	memset(out, 0, sizeof(*out));
	cell(&b, raw);
	s = b.buf;
	e = s + b.len;
	if (span_placeholder(s, e) || in_list(s, e, date_null_words)) {
		out->is_null = true;
		goto out;
	}
	if (span_ditto(s, e)) {
		out->is_ditto = true;
		goto out;
	}
	o.ctx = ctx ? ctx : &default_ctx;
	o.default_year = o.ctx->default_year;
	o.default_month = 0;
	rc = parse_single(out, s, e, &o);
	if (rc == D_SYNTAX)
		rc = parse_range(out, s, e, &o);
	if (rc != D_OK) {
		memset(out, 0, sizeof(*out));
		ret = date_error(err, rc, s, e);
	}
out:
	fq_buf_release(&b);
	return ret;
}

char *
fq_ledger_date_iso(char out[FQ_LEDGER_ISO_SIZE],
	const struct fq_ledger_date *d)
{
	out[0] = '\0';
	if (d && !d->is_null && !d->is_ditto && d->year > 0 &&
	    d->year <= 9999 && d->month >= 1 && d->month <= 12 &&
	    d->day >= 1 && d->day <= 31)
		snprintf(out, FQ_LEDGER_ISO_SIZE, "%04d-%02d-%02d", d->year,
			d->month, d->day);
	return out;
}

/*
 * Deadlines
 */

static void
set_due(struct fq_ledger_deadline *out, int y, int m, int d)
{
	out->has_date = true;
	out->year = y;
	out->month = m;
	out->day = d;
}

/* Move an inferred date that falls before the row date to the next year. */
static void
roll_forward(int *y, int m, int *d, const struct fq_ledger_date *row)
{
	if (days_from_civil(*y, m, *d) <
	    days_from_civil(row->year, row->month, row->day)) {
		bool last = *d == mdays(*y, m);

		(*y)++;
		if (last || *d > mdays(*y, m))
			*d = mdays(*y, m);
	}
}

int
fq_ledger_parse_deadline(struct fq_ledger_deadline *out, const char *raw,
	const struct fq_ledger_date *row, const struct fq_ledger_date_ctx *ctx,
	struct fq_error *err)
{
	static const char *const open_words[] = {
		"长期", "持续", "常态", "长效", NULL
	};
	static const char *const verbs[] = {
		"化解", "办结", "完成", "结案", "解决", "销号", "处理", NULL
	};
	static const char *const before[] = { "之前", "以前", "前", NULL };
	static const char *const within[] = { "之内", "以内", "内", NULL };
	static const char *const today[] = {
		"当天", "当日", "即时", "立即", "马上", "即日", "今天", NULL
	};
	static const char *const month_end[] = {
		"月底", "本月底", "月末", "本月末", "本月", "当月", "月", NULL
	};
	static const char *const next_month_end[] = {
		"下月底", "下月末", "下个月底", "下月", NULL
	};
	static const char *const year_end[] = {
		"年底", "年末", "本年底", "今年底", "年", NULL
	};
	static const struct {
		const char *w;
		int day;	/* 0 = last day of the month */
	} month_parts[] = {
		{ "月底", 0 }, { "月末", 0 }, { "月下旬", 0 }, { "月份", 0 },
		{ "月中旬", 20 }, { "月上旬", 10 },
	};
	struct fq_buf b = FQ_BUF_INIT;
	struct fq_ledger_date_ctx dctx;
	struct fq_ledger_date d;
	struct dopt o;
	const char *s, *e, *p, *q, *r;
	struct num n;
	bool have_row, in_days = false, changed;
	int ret = 0, y, m, day;
	size_t i;
	char qt[160];

	if (!out)
		return fq_error_set(err, FQ_EUSAGE,
			"no place for the deadline");
	memset(out, 0, sizeof(*out));
	cell(&b, raw);
	s = b.buf;
	e = s + b.len;
	if (span_placeholder(s, e)) {
		out->is_null = true;
		goto out;
	}
	quote(qt, sizeof(qt), s, e);
	if (eat_list(s, e, open_words)) {
		out->open_ended = true;
		copy_trunc(out->note, sizeof(out->note), s, (size_t)(e - s));
		goto out;
	}
	have_row = row && !row->is_null && !row->is_ditto && row->year > 0 &&
		row->month >= 1 && row->month <= 12 && row->day >= 1 &&
		row->day <= mdays(row->year, row->month);
	dctx = ctx ? *ctx : default_ctx;
	dctx.date_column = true;
	if (have_row)
		dctx.default_year = row->year;
	o.ctx = &dctx;
	o.default_year = dctx.default_year;
	o.default_month = 0;

	if (find(s, e, "工作日")) {
		ret = fq_error_set(err, FQ_EPARSE,
			"working days need the holiday calendar: '%s'", qt);
		goto fail;
	}
	/* "3月底前化解", "15天内办结": drop the verb, then 前 or 内 */
	p = e;
	do {
		changed = false;
		for (i = 0; verbs[i]; i++)
			if ((q = ends(s, p, verbs[i]))) {
				p = rtrim(s, q);
				changed = true;
			}
		for (i = 0; before[i]; i++)
			if ((q = ends(s, p, before[i]))) {
				p = rtrim(s, q);
				changed = true;
				break;
			}
		for (i = 0; within[i]; i++)
			if ((q = ends(s, p, within[i]))) {
				p = rtrim(s, q);
				in_days = changed = true;
				break;
			}
	} while (changed && p > s);
	e = p;
	if (s == e)
		goto bad;

	/* Relative to the row date. */
	if (in_list(s, e, today) || in_list(s, e, month_end) ||
	    in_list(s, e, next_month_end) || in_list(s, e, year_end) ||
	    ((q = read_num(s, e, &n)) && q < e &&
	     (eat(skip_ws(q, e), e, "天") || eat(skip_ws(q, e), e, "周") ||
	      eat(skip_ws(q, e), e, "个") || eat(skip_ws(q, e), e, "星期") ||
	      (in_days && eat(skip_ws(q, e), e, "日"))))) {
		long add = 0;
		int months = 0;

		if (!have_row) {
			ret = fq_error_set(err, FQ_EPARSE,
				"no row date for the deadline '%s'", qt);
			goto fail;
		}
		y = row->year;
		m = row->month;
		day = row->day;
		if (in_list(s, e, today)) {
			/* the row date itself */
		} else if (in_list(s, e, month_end)) {
			day = mdays(y, m);
		} else if (in_list(s, e, next_month_end)) {
			day = 1;
			add_months(&y, &m, &day, 1);
			day = mdays(y, m);
		} else if (in_list(s, e, year_end)) {
			m = 12;
			day = 31;
		} else {
			r = skip_ws(q, e);
			if ((q = eat(r, e, "天")) || (q = eat(r, e, "日"))) {
				add = n.val;
			} else if ((q = eat(r, e, "周")) ||
			    (q = eat(r, e, "星期")) ||
			    (q = eat(r, e, "个星期"))) {
				add = 7L * n.val;
			} else if ((q = eat(r, e, "个月"))) {
				months = n.val;
			} else {
				goto bad;
			}
			if (skip_ws(q, e) != e || n.val > 3660)
				goto bad;
			add_days(&y, &m, &day, add);
			add_months(&y, &m, &day, months);
		}
		out->relative = true;
		set_due(out, y, m, day);
		goto out;
	}

	/* "3月底", "2024年3月中旬" */
	for (i = 0; i < FQ_ARRAY_SIZE(month_parts); i++) {
		if (!(q = ends(s, e, month_parts[i].w)) || q == s)
			continue;
		r = q + strlen("月");
		if (parse_single(&d, s, r, &o) != D_OK || !d.month_only)
			goto bad;
		y = d.year;
		m = d.month;
		day = month_parts[i].day ? month_parts[i].day : mdays(y, m);
		if (d.year_inferred && have_row)
			roll_forward(&y, m, &day, row);
		out->year_inferred = d.year_inferred;
		set_due(out, y, m, day);
		goto out;
	}

	/* A date. */
	if (parse_single(&d, s, e, &o) == D_OK) {
		y = d.year;
		m = d.month;
		day = d.month_only ? mdays(y, m) : d.day;
		if (d.year_inferred && have_row)
			roll_forward(&y, m, &day, row);
		out->year_inferred = d.year_inferred;
		set_due(out, y, m, day);
		goto out;
	}

bad:
	ret = fq_error_set(err, FQ_EPARSE, "not a deadline: '%s'", qt);
fail:
	memset(out, 0, sizeof(*out));
	copy_trunc(out->note, sizeof(out->note), b.buf, b.len);
out:
	fq_buf_release(&b);
	return ret;
}

/*
 * Phones and IDs
 */

/* "1.38E+10", "4.11623E+17": Excel has dropped the digits. */
static bool
is_sci(const char *p, const char *e)
{
	if (p == e || !is_digit(*p))
		return false;
	while (p < e && is_digit(*p))
		p++;
	if (p < e && *p == '.') {
		p++;
		if (p == e || !is_digit(*p))
			return false;
		while (p < e && is_digit(*p))
			p++;
	}
	if (p == e || (*p != 'e' && *p != 'E'))
		return false;
	p++;
	if (p < e && (*p == '+' || *p == '-'))
		p++;
	if (p == e)
		return false;
	while (p < e && is_digit(*p))
		p++;
	return p == e;
}

/* Skip a label ("电话：", "手机号") and leading apostrophes. */
static const char *
skip_label(const char *p, const char *e, const char *const *labels)
{
	static const char *const quotes[] = { "'", "`", "‘", "’", NULL };
	const char *q;

	if ((q = eat_list(p, e, labels)) || (q = eat_ci(p, e, "tel"))) {
		p = skip_ws(q, e);
		if (p < e && *p == ':')
			p = skip_ws(p + 1, e);
	}
	while ((q = eat_list(p, e, quotes)))
		p = skip_ws(q, e);
	return p;
}

static const char *const phone_labels[] = {
	"联系电话", "联系方式", "手机号码", "手机号", "电话号码", "电话",
	"手机", "座机", "固话", NULL
};

static void
phone_add(struct fq_ledger_phones *out, enum fq_ledger_phone_kind kind,
	const char *s, size_t len)
{
	char num[FQ_LEDGER_PHONE_SIZE];
	size_t i;

	copy_trunc(num, sizeof(num), s, len);
	for (i = 0; i < out->n; i++)
		if (!strcmp(out->v[i].number, num))
			return;
	if (out->n == FQ_LEDGER_PHONES_MAX) {
		out->truncated = true;
		return;
	}
	out->v[out->n].kind = kind;
	memcpy(out->v[out->n].number, num, sizeof(num));
	out->n++;
}

/* Read one number in [p, e); false if it is not one. */
static bool
phone_one(struct fq_ledger_phones *out, const char *p, const char *e)
{
	char dg[48], tmp[FQ_LEDGER_PHONE_SIZE];
	size_t n = 0, dash = 0, area, i;
	bool masked = false, plus = false;
	const char *q, *start;

	p = skip_ws(p, e);
	e = rtrim(p, e);
	if (p == e || span_placeholder(p, e))
		return true;
	p = skip_label(p, e, phone_labels);
	if (is_sci(p, e)) {
		out->lost_excel = true;
		return true;
	}
	if (p < e && *p == '+') {
		plus = true;
		p++;
	}
	start = p;
	for (q = p; q < e; q++) {
		char c = *q;

		if (is_digit(c)) {
			if (n == sizeof(dg) - 1)
				return false;
			dg[n++] = c;
		} else if (c == '*' || ((c == 'x' || c == 'X') && n >= 3)) {
			if (n == sizeof(dg) - 1)
				return false;
			dg[n++] = c;
			masked = true;
		} else if (c == '-') {
			if (!dash)
				dash = n;
		} else if (c == ' ' || c == '\t') {
			continue;
		} else if (c == '(') {
			const char *close = memchr(q, ')', (size_t)(e - q));
			const char *t;

			if (!close)
				return false;
			for (t = q + 1; t < close && is_digit(*t); t++)
				;
			if (t == close && close > q + 1 && !n) {
				/* "(0394)5550001" */
				if ((size_t)(close - q - 1) >= sizeof(dg) - 1)
					return false;	/* not an area code */
				for (t = q + 1; t < close; t++)
					dg[n++] = *t;
				dash = n;
			}
			q = close;
		} else if (c == '.' && n) {
			/* Excel's "13800000001.0" */
			const char *t = q + 1;

			while (t < e && *t == '0')
				t++;
			if (t == q + 1 || t != e)
				return false;
			break;
		} else if (n >= 7) {
			break;		/* a note after the number */
		} else {
			return false;
		}
	}
	dg[n] = '\0';
	if (masked) {
		if (n < 7)
			return false;
		out->masked = true;
		phone_add(out, FQ_LEDGER_PHONE_MASKED, start,
			(size_t)(rtrim(start, q) - start));
		return true;
	}
	/* country code: "+86 138…", "86138…", "0086138…" */
	q = dg;
	if ((plus && n == 13 && !memcmp(dg, "86", 2)) ||
	    (n == 13 && !memcmp(dg, "861", 3))) {
		q += 2;
		n -= 2;
	} else if (n == 15 && !memcmp(dg, "00861", 5)) {
		q += 4;
		n -= 4;
	}
	if (n == 11 && q[0] == '1' && q[1] >= '3' && q[1] <= '9') {
		phone_add(out, FQ_LEDGER_PHONE_MOBILE, q, n);
		return true;
	}
	if (q[0] == '0' && n >= 10 && n <= 12) {
		if (dash == 3 || dash == 4)
			area = dash;
		else
			area = (q[1] == '1' || q[1] == '2') ? 3 : 4;
		if (n - area < 7 || n - area > 8)
			return false;
		memcpy(tmp, q, area);
		tmp[area] = '-';
		for (i = area; i < n; i++)
			tmp[i + 1] = q[i];
		phone_add(out, FQ_LEDGER_PHONE_LANDLINE, tmp, n + 1);
		return true;
	}
	if ((n == 7 || n == 8) && q[0] >= '2' && q[0] <= '9' && !dash) {
		phone_add(out, FQ_LEDGER_PHONE_LOCAL, q, n);
		return true;
	}
	return false;
}

/* One piece between separators; tries white space as a separator too. */
static bool
phone_piece(struct fq_ledger_phones *out, const char *p, const char *e)
{
	const char *q, *w;
	bool ok = true;

	p = skip_ws(p, e);
	e = rtrim(p, e);
	if (phone_one(out, p, e))
		return true;
	for (q = p; q < e && !is_space(*q); q++)
		;
	if (q == e)
		return false;
	while (p < e) {
		for (w = p; w < e && !is_space(*w); w++)
			;
		if (!phone_one(out, p, w))
			ok = false;
		p = skip_ws(w, e);
	}
	return ok;
}

int
fq_ledger_parse_phones(struct fq_ledger_phones *out, const char *raw,
	struct fq_error *err)
{
	static const char *const seps[] = {
		"/", ",", ";", "|", "\\", "\n", "\r", "、", "或", NULL
	};
	struct fq_buf b = FQ_BUF_INIT;
	const char *s, *e, *p, *start, *q, *bad_b = NULL, *bad_e = NULL;
	int ret = 0;

	if (!out)
		return fq_error_set(err, FQ_EUSAGE, "no place for the phones");
	memset(out, 0, sizeof(*out));
	cell(&b, raw);
	s = b.buf;
	e = s + b.len;
	copy_trunc(out->raw, sizeof(out->raw), s, b.len);
	if (span_placeholder(s, e)) {
		out->is_null = true;
		goto out;
	}
	for (p = start = s; p <= e; p = q) {
		q = p < e ? eat_list(p, e, seps) : p + 1;
		if (!q && p < e) {
			q = p + char_len(p, e);
			continue;
		}
		if (!phone_piece(out, start, p) && !bad_b) {
			bad_b = start;
			bad_e = p;
		}
		start = q;
	}
	if (bad_b) {
		char qt[160];

		out->bad = true;
		ret = fq_error_set(err, FQ_EPARSE, "not a phone number: '%s'",
			quote(qt, sizeof(qt), skip_ws(bad_b, bad_e),
				rtrim(bad_b, bad_e)));
	} else if (!out->n && !out->lost_excel) {
		out->is_null = true;
	}
out:
	fq_buf_release(&b);
	return ret;
}

int
fq_ledger_parse_id_number(struct fq_ledger_id *out, const char *raw,
	struct fq_error *err)
{
	static const char *const labels[] = {
		"公民身份号码", "身份证号码", "身份证号", "身份证", NULL
	};
	static const int w[17] = {
		7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2
	};
	struct fq_buf b = FQ_BUF_INIT;
	const char *s, *e, *p;
	char id[FQ_LEDGER_ID_SIZE], qt[160];
	size_t n = 0, i;
	bool star = false, digits = true;
	int ret = 0, sum = 0;

	if (!out)
		return fq_error_set(err, FQ_EUSAGE, "no place for the ID");
	memset(out, 0, sizeof(*out));
	cell(&b, raw);
	s = b.buf;
	e = s + b.len;
	copy_trunc(out->raw, sizeof(out->raw), s, b.len);
	if (span_placeholder(s, e)) {
		out->is_null = true;
		goto out;
	}
	p = skip_label(s, e, labels);
	if (is_sci(p, e)) {
		out->lost_excel = true;
		goto out;
	}
	for (; p < e; p++) {
		char c = *p;

		if (is_space(c))
			continue;
		if (c == '.' && n) {
			/* Excel's ".0" */
			const char *t = p + 1;

			while (t < e && *t == '0')
				t++;
			if (t > p + 1 && t == e)
				break;
			goto bad;
		}
		if (c == 'x')
			c = 'X';
		if (!is_digit(c) && c != 'X' && c != '*')
			goto bad;
		if (n == 18)
			goto bad;
		if (c == '*')
			star = true;
		else if (!is_digit(c))
			digits = false;
		id[n++] = c;
	}
	id[n] = '\0';
	if (n != 18 && n != 15)
		goto bad;
	for (i = 0; i < n; i++) {
		/* X only as the last character of an 18-character number */
		if (id[i] == 'X' && (n != 18 || i != 17))
			goto bad;
	}
	if (star) {
		out->masked = true;
	} else if (n == 15) {
		if (!digits)
			goto bad;
		out->old15 = true;
	} else {
		for (i = 0; i < 17; i++)
			sum += (id[i] - '0') * w[i];
		if ("10X98765432"[sum % 11] != id[17])
			out->checksum_bad = true;
	}
	memcpy(out->number, id, n + 1);
	goto out;
bad:
	ret = fq_error_set(err, FQ_EPARSE,
		"not an identity card number: '%s'",
		quote(qt, sizeof(qt), s, e));
out:
	fq_buf_release(&b);
	return ret;
}

/*
 * Amounts and counts
 */

#define YUAN 10000LL			/* 1 yuan in the units used below */
#define AMOUNT_MAX (100000000000LL * YUAN)	/* 10^11 yuan */

static const struct {
	const char *s;
	long long v;
} cn_units[] = {
	{ "十", 10 }, { "拾", 10 }, { "百", 100 }, { "佰", 100 },
	{ "千", 1000 }, { "仟", 1000 }, { "万", 10000 }, { "萬", 10000 },
	{ "亿", 100000000 }, { "億", 100000000 },
};

/* An Arabic number with optional "," thousands and decimals. */
static const char *
read_decimal(const char *p, const char *e, long long *v, bool *single)
{
	long long ip = 0, fp = 0, scale = YUAN / 10;
	int digits = 0;

	while (p < e) {
		if (is_digit(*p)) {
			if (++digits > 12)
				return NULL;
			ip = ip * 10 + (*p++ - '0');
		} else if (*p == ',' && digits && e - p >= 4 &&
		    is_digit(p[1]) && is_digit(p[2]) && is_digit(p[3]) &&
		    (e - p == 4 || !is_digit(p[4]))) {
			p++;
		} else {
			break;
		}
	}
	*single = digits == 1;
	if (p + 1 < e && *p == '.' && is_digit(p[1])) {
		*single = false;
		for (p++; p < e && is_digit(*p); p++) {
			fp += (*p - '0') * scale;
			scale /= 10;
		}
	}
	*v = ip * YUAN + fp;
	return p;
}

/*
 * The digit after a unit counts in the next unit down: the "五" of
 * "一万五" is 5000.  False when that is too large.
 */
static bool
scale_tail(long long *number, long long unit)
{
	if (*number > AMOUNT_MAX / unit * 10)
		return false;
	*number = *number * unit / 10;
	return true;
}

static const char *const yuan_words[] = { "元", "块", "圆", "圓", NULL };

/*
 * Read one amount at p, in 1/10000 yuan.  *mult is the last multiplier
 * seen (10 to 10^8), 0 if none.  Returns the end, or NULL when there is no
 * number or it is too large.
 */
static const char *
read_amount(const char *p, const char *e, long long *v, long long *mult)
{
	long long total = 0, section = 0, number = 0, yuan = -1, minor = 0;
	long long last_unit = 0, u;
	bool have = false, single = false, after_unit = false, any = false;
	bool digit_after_unit = false;
	int ndig = 0, d;
	const char *q;
	size_t i;

	*mult = 0;
	while (p < e) {
		q = p;
		if (is_digit(*p)) {
			if (have)
				break;
			if (!(q = read_decimal(p, e, &number, &single)))
				return NULL;
			have = any = true;
			digit_after_unit = after_unit;
			after_unit = false;
			p = q;
			continue;
		}
		if ((d = eat_cn_digit(&q, e, true)) >= 0) {
			if (!have) {
				digit_after_unit = after_unit;
				ndig = 0;
				number = 0;
			}
			if (number > AMOUNT_MAX / 10)
				return NULL;
			number = number * 10 + d * YUAN;
			have = any = true;
			single = ++ndig == 1;
			after_unit = false;
			p = q;
			continue;
		}
		for (i = 0; i < FQ_ARRAY_SIZE(cn_units); i++)
			if ((q = eat(p, e, cn_units[i].s)))
				break;
		if (i < FQ_ARRAY_SIZE(cn_units)) {
			u = cn_units[i].v;
			if (u < 10000) {
				if (!have)
					number = YUAN;
				if (number > AMOUNT_MAX / u)
					return NULL;
				section += number * u;
			} else if (u == 10000) {
				section += have ? number : 0;
				if (section > AMOUNT_MAX / u)
					return NULL;
				total += section * u;
				section = 0;
			} else {
				total += section + (have ? number : 0);
				if (total > AMOUNT_MAX / u)
					return NULL;
				total *= u;
				section = 0;
			}
			if (total > AMOUNT_MAX || section > AMOUNT_MAX)
				return NULL;
			have = false;
			number = 0;
			after_unit = any = true;
			last_unit = *mult = u;
			p = q;
			continue;
		}
		if (yuan < 0 && ((q = eat_list(p, e, yuan_words)))) {
			if (!any)
				return NULL;
			/* "一万五" is 15000 */
			if (have && single && digit_after_unit &&
			    last_unit >= 100 && !scale_tail(&number, last_unit))
				return NULL;
			yuan = total + section + (have ? number : 0);
			total = section = number = 0;
			have = after_unit = false;
			last_unit = 0;
			p = q;
			continue;
		}
		if ((q = eat(p, e, "角")) || (q = eat(p, e, "毛"))) {
			if (!have)
				break;
			minor += number / 10;
			have = false;
			number = 0;
			p = q;
			continue;
		}
		if ((q = eat(p, e, "分")) && have) {
			minor += number / 100;
			have = false;
			number = 0;
			p = q;
			continue;
		}
		if ((q = eat(p, e, "整")) || (q = eat(p, e, "正"))) {
			p = q;
			continue;
		}
		break;
	}
	if (!any)
		return NULL;
	if (have && single && digit_after_unit && last_unit >= 100 &&
	    !scale_tail(&number, last_unit))
		return NULL;
	*v = (yuan > 0 ? yuan : 0) + total + section + (have ? number : 0) +
		minor;
	if (*v > AMOUNT_MAX)
		return NULL;
	return p;
}

/*
 * Take bracketed notes out of [s, e) into out (a copy without them), and
 * report what they said.
 */
static void
strip_brackets(struct fq_buf *out, const char *s, const char *e,
	unsigned *flags)
{
	const char *p, *close;

	for (p = s; p < e; p++) {
		if (*p != '(' && *p != '[') {
			fq_buf_addch(out, *p);
			continue;
		}
		close = memchr(p, *p == '(' ? ')' : ']', (size_t)(e - p));
		if (!close) {
			fq_buf_add(out, p, (size_t)(e - p));
			break;
		}
		if (find(p, close, "期"))
			*flags |= FQ_LEDGER_INSTALLMENTS;
		else if (find(p, close, "约") || find(p, close, "左右"))
			*flags |= FQ_LEDGER_APPROX;
		else
			*flags |= FQ_LEDGER_EXTRA;
		p = close;
	}
}

static const char *const approx_before[] = {
	"大约", "大概", "约计", "约", "近", NULL
};
static const char *const approx_after[] = {
	"左右", "以上", "余", "多", "来", NULL
};

int
fq_ledger_parse_amount(long long *fen, unsigned *flags, const char *raw,
	struct fq_error *err)
{
	static const char *const skip_before[] = {
		"人民币", "RMB", "rmb", "￥", "¥", "共计", "合计", "共", "计",
		"金额", ":", NULL
	};
	static const char *const range[] = {
		"-", "~", "〜", "至", "到", "—", "–", NULL
	};
	struct fq_buf b = FQ_BUF_INIT, w = FQ_BUF_INIT;
	const char *s, *e, *p, *q;
	long long v, v2, mult, mult2;
	unsigned fl = 0, dummy;
	int ret = 0;
	char qt[160];

	if (!flags)
		flags = &dummy;
	if (!fen)
		return fq_error_set(err, FQ_EUSAGE, "no place for the amount");
	*fen = -1;
	*flags = 0;
	cell(&b, raw);
	if (span_placeholder(b.buf, b.buf + b.len)) {
		*flags = FQ_LEDGER_NONE;
		goto out;
	}
	if (is_sci(b.buf, b.buf + b.len)) {
		ret = fq_error_set(err, FQ_EPARSE,
			"amount in scientific notation: '%s'",
			quote(qt, sizeof(qt), b.buf, b.buf + b.len));
		goto out;
	}
	strip_brackets(&w, b.buf, b.buf + b.len, &fl);
	s = w.buf;
	e = rtrim(s, s + w.len);
	p = skip_ws(s, e);
	for (;;) {
		if ((q = eat_list(p, e, approx_before)))
			fl |= FQ_LEDGER_APPROX;
		else if (!(q = eat_list(p, e, skip_before)))
			break;
		p = skip_ws(q, e);
	}
	/* text before the number: "赔偿5000元" */
	for (q = p; q < e; q += char_len(q, e)) {
		const char *t = q;

		if (is_digit(*q) || eat_cn_digit(&t, e, true) >= 0)
			break;
		if (eat(q, e, "十") || eat(q, e, "拾"))
			break;
	}
	if (q != p)
		fl |= FQ_LEDGER_EXTRA;
	if (q == e || !(p = read_amount(q, e, &v, &mult)))
		goto bad;
	p = skip_ws(p, e);
	if ((q = eat_list(p, e, range))) {
		fl |= FQ_LEDGER_RANGE;
		q = skip_ws(q, e);
		if ((q = read_amount(q, e, &v2, &mult2))) {
			/* "3-5万" is 3万 to 5万 */
			if (!mult && mult2 >= 1000 && v <= AMOUNT_MAX / mult2 &&
			    v * mult2 <= v2)
				v *= mult2;
			p = skip_ws(q, e);
		}
	}
	for (;;) {
		if ((q = eat_list(p, e, approx_after)))
			fl |= FQ_LEDGER_APPROX;
		else if (!(q = eat(p, e, "元")) && !(q = eat(p, e, "整")) &&
		    !(q = eat(p, e, "块")))
			break;
		p = skip_ws(q, e);
	}
	if (p < e) {
		if (find(p, e, "期"))
			fl |= FQ_LEDGER_INSTALLMENTS;
		else
			fl |= FQ_LEDGER_EXTRA;
	}
	*fen = (v + 50) / 100;
	*flags = fl;
	goto out;
bad:
	ret = fq_error_set(err, FQ_EPARSE, "not an amount: '%s'",
		quote(qt, sizeof(qt), b.buf, b.buf + b.len));
out:
	fq_buf_release(&b);
	fq_buf_release(&w);
	return ret;
}

/*
 * Read counts such as "8户约20人" in [p, e); true if all of it was read.
 * With need_unit, a number without 户 or 人 is refused.
 */
static bool
parse_counts(const char *p, const char *e, int *households, int *people,
	unsigned *flags, bool need_unit)
{
	static const char *const hh[] = { "户", "家", NULL };
	static const char *const pp[] = { "人", "名", "口", "位", NULL };
	static const char *const pre[] = { "共计", "共", "涉及", NULL };
	long long v, mult;
	const char *q;
	bool any = false;

	*households = *people = -1;
	for (;;) {
		p = skip_ws(p, e);
		while (p < e && (*p == ',' || *p == '/' || *p == ';'))
			p = skip_ws(p + 1, e);
		if ((q = eat(p, e, "、")))
			p = skip_ws(q, e);
		if (p == e)
			break;
		if ((q = eat_list(p, e, approx_before))) {
			*flags |= FQ_LEDGER_APPROX;
			p = q;
			continue;
		}
		if ((q = eat_list(p, e, pre))) {
			p = q;
			continue;
		}
		if (!(q = read_amount(p, e, &v, &mult)) || v % YUAN ||
		    v / YUAN > 1000000)
			return false;
		p = skip_ws(q, e);
		if ((q = eat_list(p, e, approx_after))) {
			*flags |= FQ_LEDGER_APPROX;
			p = skip_ws(q, e);
		}
		if ((q = eat_list(p, e, hh))) {
			*households = (int)(v / YUAN);
		} else if ((q = eat_list(p, e, pp))) {
			*people = (int)(v / YUAN);
		} else if (!need_unit && *people < 0) {
			*people = (int)(v / YUAN);
			*flags |= FQ_LEDGER_NO_UNIT;
			q = p;
		} else {
			return false;
		}
		p = skip_ws(q, e);
		if ((q = eat(p, e, "左右"))) {
			*flags |= FQ_LEDGER_APPROX;
			p = q;
		}
		any = true;
	}
	return any;
}

int
fq_ledger_parse_people(int *households, int *people, unsigned *flags,
	const char *raw, struct fq_error *err)
{
	struct fq_buf b = FQ_BUF_INIT, w = FQ_BUF_INIT;
	unsigned fl = 0, dummy;
	int ret = 0, h, n;
	char qt[160];

	if (!flags)
		flags = &dummy;
	if (!households || !people)
		return fq_error_set(err, FQ_EUSAGE, "no place for the counts");
	*households = *people = -1;
	*flags = 0;
	cell(&b, raw);
	if (span_placeholder(b.buf, b.buf + b.len)) {
		*flags = FQ_LEDGER_NONE;
		goto out;
	}
	strip_brackets(&w, b.buf, b.buf + b.len, &fl);
	if (!parse_counts(w.buf, w.buf + w.len, &h, &n, &fl, false)) {
		ret = fq_error_set(err, FQ_EPARSE, "not a count: '%s'",
			quote(qt, sizeof(qt), b.buf, b.buf + b.len));
		goto out;
	}
	*households = h;
	*people = n;
	*flags = fl;
out:
	fq_buf_release(&b);
	fq_buf_release(&w);
	return ret;
}

/*
 * Colours
 */

const char *
fq_ledger_parse_color(const char *raw)
{
	static const char *const red[] = {
		"红", "红色", "🔴", "高", "重大", "特别重大", "一级", "1级",
		"I级", "Ⅰ级", "红灯", NULL
	};
	static const char *const yellow[] = {
		"黄", "黄色", "橙", "橙色", "中", "中等", "较大", "二级", "2级",
		"II级", "Ⅱ级", "🟡", "🟠", "黄灯", NULL
	};
	static const char *const blue[] = {
		"蓝", "蓝色", "绿", "绿色", "低", "一般", "三级", "3级",
		"III级", "Ⅲ级", "🔵", "🟢", "蓝灯", "绿灯", NULL
	};
	static const char *const suffixes[] = {
		"预警", "风险", "等级", NULL
	};
	struct fq_buf b = FQ_BUF_INIT;
	const char *s, *e, *q, *r = NULL;
	size_t i;
	bool changed;

	cell(&b, raw);
	s = b.buf;
	e = s + b.len;
	do {
		changed = false;
		for (i = 0; suffixes[i]; i++)
			if ((q = ends(s, e, suffixes[i])) && q > s) {
				e = rtrim(s, q);
				changed = true;
			}
	} while (changed);
	if (in_list(s, e, red))
		r = "red";
	else if (in_list(s, e, yellow))
		r = "yellow";
	else if (in_list(s, e, blue))
		r = "blue";
	fq_buf_release(&b);
	return r;
}

/*
 * Parties
 */

struct pcell {
	const char *raw;
	struct fq_buf s;	/* normalised, one character for one */
	size_t *map;		/* offset in s -> offset in raw */
	struct fq_ledger_parties *out;
};

static void
pcell_init(struct pcell *c, const char *raw, struct fq_ledger_parties *out)
{
	size_t rlen = strlen(raw), i = 0, len, k;
	long cp;

	c->raw = raw;
	c->out = out;
	fq_buf_init(&c->s);
	c->map = fq_xmalloc((rlen + 1) * sizeof(*c->map));
	while (i < rlen) {
		size_t at = c->s.len;

		cp = u8_decode(raw + i, &len);
		if (cp < 0)
			fq_buf_add(&c->s, raw + i, 1);
		else
			add_cp(&c->s, fold(cp));
		for (k = at; k < c->s.len; k++)
			c->map[k] = i;
		i += len;
	}
	c->map[c->s.len] = rlen;
}

static void
pcell_release(struct pcell *c)
{
	fq_buf_release(&c->s);
	free(c->map);
}

/*
 * Copy the raw text of the normalised span [p, e), or NULL when it is
 * empty.  With squeeze, spaces between two Chinese characters are dropped.
 */
static char *
dup_raw(struct pcell *c, const char *p, const char *e, bool squeeze)
{
	struct fq_buf b = FQ_BUF_INIT;
	const char *q;
	size_t len, off;
	long prev = 0, cp;

	p = skip_ws(p, e);
	e = rtrim(p, e);
	while (p < e) {
		cp = u8_decode(p, &len);
		if (len > (size_t)(e - p))
			len = (size_t)(e - p);
		if (squeeze && is_space(cp) && is_cjk(prev)) {
			size_t l2;

			for (q = p; q < e && is_space(*q); q++)
				;
			if (q < e && is_cjk(u8_decode(q, &l2))) {
				p = q;
				continue;
			}
		}
		off = (size_t)(p - c->s.buf);
		fq_buf_add(&b, c->raw + c->map[off],
			c->map[off + len] - c->map[off]);
		prev = cp;
		p += len;
	}
	if (!b.len)
		return NULL;
	return fq_buf_detach(&b, NULL);
}

static void
party_init(struct fq_ledger_party *pt)
{
	memset(pt, 0, sizeof(*pt));
	pt->kind = FQ_LEDGER_PERSON;
	pt->age = pt->households = pt->people = -1;
}

static void
party_free(struct fq_ledger_party *pt)
{
	free(pt->name);
	free(pt->note);
	free(pt->ethnicity);
	free(pt->address);
	free(pt->phone);
	free(pt->id_number);
	free(pt->representative);
	free(pt->raw);
	party_init(pt);
}

/* Set *field to s (taking it), or append s after "; ". */
static void
add_text(char **field, char *s)
{
	struct fq_buf b = FQ_BUF_INIT;

	if (!s)
		return;
	if (!*field) {
		*field = s;
		return;
	}
	fq_buf_addf(&b, "%s; %s", *field, s);
	free(*field);
	free(s);
	*field = fq_buf_detach(&b, NULL);
}

static void
parties_add(struct fq_ledger_parties *out, struct fq_ledger_party *pt)
{
	FQ_ALLOC_GROW(out->v, out->n + 1, out->alloc);
	out->v[out->n++] = *pt;
	party_init(pt);
}

void
fq_ledger_parties_release(struct fq_ledger_parties *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->n; i++)
		party_free(&p->v[i]);
	free(p->v);
	p->v = NULL;
	p->n = p->alloc = 0;
}

static const struct {
	const char *w;
	const char *role;
} roles[] = {
	{ "被申请人", "respondent" }, { "被申请方", "respondent" },
	{ "申请人", "applicant" }, { "申请方", "applicant" },
	{ "对方当事人", "respondent" }, { "当事人甲", "applicant" },
	{ "当事人乙", "respondent" }, { "当事人", "party" },
	{ "甲方", "applicant" }, { "乙方", "respondent" },
	{ "被告", "respondent" }, { "原告", "applicant" },
	{ "第三人", "third_party" }, { "委托代理人", "agent" },
	{ "代理人", "agent" }, { "被投诉人", "respondent" },
	{ "投诉人", "applicant" }, { "被反映人", "respondent" },
	{ "反映人", "applicant" },
};

static const char *
role_word(const char *p, const char *e)
{
	size_t i;

	for (i = 0; i < FQ_ARRAY_SIZE(roles); i++)
		if (eq(p, e, roles[i].w))
			return roles[i].role;
	return NULL;
}

/*
 * A role prefix at p ("申请人：", "甲方:", "原告王某"): the position after
 * it, with the role in *role; NULL if there is none.  need_colon asks for
 * the ':' (used to find a second role in a line).
 */
static const char *
role_prefix(const char *p, const char *e, const char **role, bool need_colon)
{
	const char *q, *r;
	size_t i, len;

	for (i = 0; i < FQ_ARRAY_SIZE(roles); i++) {
		if (!(q = eat(p, e, roles[i].w)))
			continue;
		r = skip_ws(q, e);
		if (r < e && *r == ':') {
			r = skip_ws(r + 1, e);
		} else if (need_colon || r == e || r != q ||
		    !is_cjk(u8_decode(r, &len))) {
			continue;
		}
		if (r == e)
			continue;
		*role = roles[i].role;
		return r;
	}
	return NULL;
}

/* An opening bracket at p; its length goes to *len (untouched if not). */
static bool
is_open(const char *p, const char *e, size_t *len)
{
	if (*p == '(' || *p == '[') {
		*len = 1;
		return true;
	}
	if (eat(p, e, "【") || eat(p, e, "《")) {
		*len = 3;
		return true;
	}
	return false;
}

static bool
is_close(const char *p, const char *e, size_t *len)
{
	if (*p == ')' || *p == ']') {
		*len = 1;
		return true;
	}
	if (eat(p, e, "】") || eat(p, e, "》")) {
		*len = 3;
		return true;
	}
	return false;
}

/*
 * If [b, e) ends with a bracket group, the position of its opening
 * bracket, with the contents in [*cb, *ce); else NULL.
 */
static const char *
trailing_bracket(const char *b, const char *e, const char **cb,
	const char **ce)
{
	const char *p, *close = NULL;
	size_t len;
	int depth = 0;

	if (b == e)
		return NULL;
	if (e[-1] == ')' || e[-1] == ']')
		close = e - 1;
	else if (ends(b, e, "】") || ends(b, e, "》"))
		close = e - 3;
	if (!close)
		return NULL;
	/* scan back for the matching opener */
	for (p = close; p > b;) {
		const char *c = p - 1;

		while (c > b && ((unsigned char)*c & 0xC0) == 0x80)
			c--;
		if (is_close(c, e, &len))
			depth++;
		else if (is_open(c, e, &len)) {
			if (!depth) {
				*cb = c + len;
				*ce = close;
				return c;
			}
			depth--;
		}
		p = c;
	}
	return NULL;
}

static const char *const rep_words[] = {
	"法定代表人", "法人代表", "主要负责人", "负责人", "代表人", "经营者",
	"法人", NULL
};

static const char *const pair_words[] = {
	"夫妻", "夫妇", "兄弟", "姐妹", "兄妹", "姐弟", "父子", "母子", "父女",
	"母女", "婆媳", "翁婿", "妯娌", "叔侄", "姑嫂", "邻居", NULL
};

static void
classify_bracket(struct pcell *c, struct fq_ledger_party *pt, const char *b,
	const char *e)
{
	const char *role;
	int h, n;
	unsigned fl = 0;

	b = skip_ws(b, e);
	e = rtrim(b, e);
	if (b == e)
		return;
	if ((role = role_word(b, e))) {
		if (!pt->role)
			pt->role = role;
		return;
	}
	if (eat_list(b, e, rep_words)) {
		add_text(&pt->representative, dup_raw(c, b, e, false));
		return;
	}
	if (parse_counts(b, e, &h, &n, &fl, true)) {
		pt->is_group = true;
		if (h >= 0)
			pt->households = h;
		if (n >= 0)
			pt->people = n;
	}
	add_text(&pt->note, dup_raw(c, b, e, false));
}

/* Read the phones in [b, e) and store the first, or the text. */
static void
set_phone(struct pcell *c, struct fq_ledger_party *pt, const char *b,
	const char *e)
{
	struct fq_ledger_phones ph;
	char *tmp = fq_xstrndup(b, (size_t)(e - b));

	if (!fq_ledger_parse_phones(&ph, tmp, NULL) && ph.n)
		add_text(&pt->phone, fq_xstrdup(ph.v[0].number));
	else
		add_text(&pt->phone, dup_raw(c, b, e, false));
	free(tmp);
}

/* Start of a phone number at the end of [b, e), or NULL. */
static const char *
trailing_phone(const char *b, const char *e)
{
	const char *p = e;
	int digits = 0;

	while (p > b && (is_digit(p[-1]) || p[-1] == '-' || p[-1] == '*' ||
	    p[-1] == ' ')) {
		if (is_digit(p[-1]))
			digits++;
		p--;
	}
	p = skip_ws(p, e);
	while (p < e && *p == '-')
		p++;
	if (digits < 7 || p == b)
		return NULL;
	return p;
}

static bool
is_organization(const char *b, const char *e)
{
	static const char *const contains[] = {
		"公司", "委员会", "村委", "居委", "调委会", "有限", "合作社",
		"物业", "集团", "学校", "医院", "银行", "政府", "办事处",
		"中心", "协会", "幼儿园", "卫生院", "超市", "酒店", "饭店",
		"宾馆", "工作室", "事务所", "派出所", "司法所", "法院", "小学",
		"中学", "大学", NULL
	};
	/* one-character endings: too common in given names on their own */
	static const char *const endings[] = {
		"厂", "店", "场", "局", "所", "站", "队", "院", "村", "馆",
		"部", NULL
	};
	size_t i, n = count_chars(b, e);

	for (i = 0; contains[i]; i++)
		if (find(b, e, contains[i]))
			return true;
	for (i = 0; endings[i]; i++)
		if (ends(b, e, endings[i]) && (n >= 3 || eat(b, e, "某")))
			return true;
	return false;
}

static bool
is_masked_name(const char *b, const char *e)
{
	const char *p;

	if (find(b, e, "某") || find(b, e, "×"))
		return true;
	for (p = b; p < e; p++)
		if (*p == '*' || ((*p == 'X' || *p == 'x') && has_cjk(b, e)))
			return true;
	return false;
}

static bool
is_numeral_at(const char *p, const char *e)
{
	const char *q = p;

	return is_digit(*p) || eat_cn_digit(&q, e, false) >= 0 ||
		eat(p, e, "十") || eat(p, e, "约");
}

/*
 * Groups: "赵某等5户" (name 赵某), "赵某等", "村民8户", "王氏兄弟三人" (name
 * is the whole text).  Narrows the name to [*nb, *ne).
 */
static void
detect_group(struct pcell *c, struct fq_ledger_party *pt, const char **nb,
	const char **ne)
{
	static const char *const folk[] = { "村民", "居民", "群众", NULL };
	const char *b = *nb, *e = *ne, *k, *t, *q;
	int h = -1, n = -1;
	unsigned fl = 0;

	if ((k = find(b, e, "等")) && k > b) {
		t = skip_ws(k + strlen("等"), e);
		if (t == e || parse_counts(t, e, &h, &n, &fl, true)) {
			*ne = rtrim(b, k);
			if ((q = eat_list(b, *ne, folk)) && q < *ne)
				*nb = skip_ws(q, *ne);
			goto group;
		}
	}
	for (t = b; t < e; t += char_len(t, e))
		if (is_numeral_at(t, e) &&
		    parse_counts(t, e, &h, &n, &fl, true))
			goto group;
	return;
group:
	pt->is_group = true;
	if (h >= 0)
		pt->households = h;
	if (n >= 0)
		pt->people = n;
	add_text(&pt->note, dup_raw(c, b, e, false));
}

/*
 * Read one party from [b, e) into pt.  *prefix gets a role written as a
 * prefix (it carries over to the names after it).  False if there is
 * nobody there.
 */
static bool
parse_piece(struct pcell *c, const char *b, const char *e,
	struct fq_ledger_party *pt, const char **prefix)
{
	static const char *const phone_tail[] = {
		"联系电话", "电话", "手机", ":", NULL
	};
	const char *q, *cb, *ce, *rb, *re, *role;
	size_t i;

	party_init(pt);
	*prefix = NULL;
	b = skip_ws(b, e);
	e = rtrim(b, e);
	rb = b;
	re = e;
	if (b == e || span_placeholder(b, e))
		return false;
	/* "申请人：" with nobody after it */
	q = rtrim(b, e[-1] == ':' ? e - 1 : e);
	if (role_word(b, q))
		return false;
	if ((q = role_prefix(b, e, &role, false))) {
		pt->role = *prefix = role;
		b = q;
	}
	while ((q = trailing_bracket(b, e, &cb, &ce))) {
		classify_bracket(c, pt, cb, ce);
		e = rtrim(b, q);
	}
	if ((q = trailing_phone(b, e))) {
		set_phone(c, pt, q, e);
		e = rtrim(b, q);
		for (i = 0; phone_tail[i]; i++)
			if ((q = ends(b, e, phone_tail[i])) && q > b) {
				e = rtrim(b, q);
				i = (size_t)-1;
			}
	}
	if (!pt->is_group)
		detect_group(c, pt, &b, &e);
	pt->name = dup_raw(c, b, e, true);
	if (!pt->name) {
		party_free(pt);
		return false;
	}
	if (!pt->is_group && is_organization(b, e))
		pt->kind = FQ_LEDGER_ORGANIZATION;
	pt->name_masked = is_masked_name(b, e);
	pt->raw = dup_raw(c, rb, re, false);
	return true;
}

enum {
	F_OTHER, F_GENDER, F_AGE, F_ETHNIC, F_ADDRESS, F_PHONE, F_ID
};

/* Kind of a biography field, with its value in [*vb, e). */
static int
bio_field(const char *b, const char *e, const char **vb)
{
	static const char *const addr[] = {
		"家庭住址", "现住址", "户籍地", "住址", "地址", "家住", "现住",
		"住", NULL
	};
	static const char *const ids[] = {
		"公民身份号码", "身份证号码", "身份证号", "身份证", NULL
	};
	static const char *const gender[] = {
		"男", "女", "男性", "女性", NULL
	};
	struct num n;
	const char *q, *v;
	size_t digits = 0;

	b = skip_ws(b, e);
	e = rtrim(b, e);
	*vb = b;
	if (b == e)
		return F_OTHER;
#define VALUE(q) (v = skip_ws((q), e), \
	v < e && *v == ':' ? skip_ws(v + 1, e) : v)
	if ((q = eat(b, e, "性别"))) {
		v = VALUE(q);
		*vb = v;
		return in_list(v, e, gender) ? F_GENDER : F_OTHER;
	}
	if (in_list(b, e, gender))
		return F_GENDER;
	if ((q = eat(b, e, "年龄"))) {
		v = VALUE(q);
		*vb = v;
		return read_num(v, e, &n) ? F_AGE : F_OTHER;
	}
	if ((q = read_num(b, e, &n)) &&
	    (eq(skip_ws(q, e), e, "岁") || eq(skip_ws(q, e), e, "周岁")))
		return F_AGE;
	if ((q = eat(b, e, "民族"))) {
		*vb = VALUE(q);
		return F_ETHNIC;
	}
	if (ends(b, e, "族") && count_chars(b, e) >= 2 &&
	    count_chars(b, e) <= 5)
		return F_ETHNIC;
	if ((q = eat_list(b, e, phone_labels)) || (q = eat_ci(b, e, "tel"))) {
		*vb = VALUE(q);
		return F_PHONE;
	}
	if ((q = eat_list(b, e, ids))) {
		*vb = VALUE(q);
		return F_ID;
	}
	/* "住建局", "住房公积金中心" are offices, not addresses */
	if ((q = eat_list(b, e, addr)) && !eat(b, e, "住建") &&
	    !eat(b, e, "住房")) {
		*vb = VALUE(q);
		return *vb < e ? F_ADDRESS : F_OTHER;
	}
#undef VALUE
	for (q = b; q < e; q++) {
		if (is_digit(*q))
			digits++;
		else if (*q != '-' && *q != ' ' && *q != 'X' && *q != 'x')
			return F_OTHER;
	}
	if ((digits == 18 || digits == 17 || digits == 15) && e - b <= 18)
		return F_ID;
	return digits >= 7 ? F_PHONE : F_OTHER;
}

/* Fields of a segment, split at "," and "、" outside brackets. */
static size_t
split_fields(const char *b, const char *e, const char **fb, const char **fe,
	size_t max)
{
	const char *p, *start = b;
	size_t n = 0, len;
	int depth = 0;

	for (p = b; p < e; p += len) {
		len = char_len(p, e);
		if (is_open(p, e, &len)) {
			depth++;
			continue;
		}
		if (is_close(p, e, &len)) {
			if (depth)
				depth--;
			continue;
		}
		if (depth || (*p != ',' && !eat(p, e, "、")))
			continue;
		if (n < max) {
			fb[n] = start;
			fe[n++] = p;
		}
		start = p + len;
	}
	if (n < max) {
		fb[n] = start;
		fe[n++] = e;
	}
	return n;
}

#define BIO_MAX 16

/* "张三，男，45岁，汉族，住XX村3组，电话13800000001" */
static bool
is_biography(const char *b, const char *e)
{
	const char *fb[BIO_MAX], *fe[BIO_MAX], *v;
	size_t n = split_fields(b, e, fb, fe, BIO_MAX), i;

	for (i = 1; i < n; i++) {
		int k = bio_field(fb[i], fe[i], &v);

		if (k == F_GENDER || k == F_AGE || k == F_ADDRESS ||
		    k == F_PHONE)
			return true;
	}
	return false;
}

static void
parse_biography(struct pcell *c, const char *b, const char *e,
	const char *role)
{
	const char *fb[BIO_MAX], *fe[BIO_MAX], *v, *prefix;
	struct fq_ledger_party pt;
	struct num n;
	size_t nf = split_fields(b, e, fb, fe, BIO_MAX), i;

	if (!parse_piece(c, fb[0], fe[0], &pt, &prefix)) {
		party_init(&pt);
		pt.name = fq_xstrdup("");
	}
	if (!pt.role)
		pt.role = role;
	pt.biography = true;
	for (i = 1; i < nf; i++) {
		const char *fend = rtrim(fb[i], fe[i]);

		switch (bio_field(fb[i], fe[i], &v)) {
		case F_GENDER:
			pt.gender = eat(v, fend, "男") ? "M" : "F";
			break;
		case F_AGE:
			read_num(v, fend, &n);
			if (n.val <= 150)
				pt.age = n.val;
			break;
		case F_ETHNIC:
			add_text(&pt.ethnicity, dup_raw(c, v, fend, false));
			break;
		case F_ADDRESS:
			add_text(&pt.address, dup_raw(c, v, fend, false));
			break;
		case F_PHONE:
			set_phone(c, &pt, v, fend);
			break;
		case F_ID:
			add_text(&pt.id_number, dup_raw(c, v, fend, false));
			break;
		default:
			add_text(&pt.note, dup_raw(c, fb[i], fend, false));
			break;
		}
	}
	free(pt.raw);
	pt.raw = dup_raw(c, b, e, false);
	parties_add(c->out, &pt);
}

/* Does a 与/和/及 at p join two names (each at least two characters)? */
static bool
conj_splits(const char *start, const char *p, const char *e)
{
	static const char *const words[] = {
		"和平", "和谐", "和睦", "和美", "及时", "与其", NULL
	};
	static const char *const conj[] = { "与", "和", "及", NULL };
	const char *q, *r;
	size_t len;

	if (eat_list(p, e, words))
		return false;
	if (count_chars(start, p) < 2)
		return false;
	r = p + strlen("与");
	for (q = r; q < e; q += len) {
		len = char_len(q, e);
		if (*q == ',' || *q == '/' || *q == '|' ||
		    eat(q, e, "、") || eat(q, e, "—") ||
		    is_open(q, e, &len) || eat_list(q, e, conj))
			break;
	}
	return count_chars(r, q) >= 2;
}

static void
parse_segment(struct pcell *c, const char *b, const char *e,
	const char *role)
{
	static const char *const conj[] = { "与", "和", "及", NULL };
	struct fq_ledger_party pt;
	const char *p, *start, *cur = role, *prefix, *q;
	size_t first = c->out->n, len, i;
	int depth = 0;
	bool sep;

	b = skip_ws(b, e);
	e = rtrim(b, e);
	if (b == e)
		return;
	if (is_biography(b, e)) {
		parse_biography(c, b, e, role);
		return;
	}
	for (p = start = b; p <= e; p += len) {
		len = p < e ? char_len(p, e) : 1;
		sep = p == e;
		if (!sep && is_open(p, e, &len)) {
			depth++;
			continue;
		}
		if (!sep && is_close(p, e, &len)) {
			if (depth)
				depth--;
			continue;
		}
		if (!sep && depth)
			continue;
		if (!sep && (*p == ',' || *p == '/' || *p == '|' ||
		    eat(p, e, "、") || eat(p, e, "—")))
			sep = true;
		else if (!sep && eat_list(p, e, conj) &&
		    conj_splits(start, p, e))
			sep = true;
		else if (!sep && is_space(*p) && p > start &&
		    role_prefix(skip_ws(p, e), e, &prefix, true))
			sep = true;
		if (!sep)
			continue;
		if (parse_piece(c, start, p, &pt, &prefix)) {
			if (prefix)
				cur = prefix;
			else if (!pt.role)
				pt.role = cur;
			parties_add(c->out, &pt);
		}
		start = p + len;
	}
	/* "张某、刘某（夫妻）": the relation belongs to each of them */
	if (c->out->n - first >= 2) {
		struct fq_ledger_party *last = &c->out->v[c->out->n - 1];

		q = last->note;
		if (!q || !in_list(q, q + strlen(q), pair_words))
			return;
		for (i = first; i < c->out->n - 1; i++)
			if (c->out->v[i].note)
				return;
		for (i = first; i < c->out->n - 1; i++)
			c->out->v[i].note = fq_xstrdup(q);
	}
}

/* Lines and ";" separate groups of parties (roles do not carry over). */
static void
parse_side(struct pcell *c, const char *b, const char *e, const char *role)
{
	const char *p, *start;
	size_t len;
	int depth = 0;

	for (p = start = b; p < e; p += len) {
		len = char_len(p, e);
		if (is_open(p, e, &len)) {
			depth++;
			continue;
		}
		if (is_close(p, e, &len)) {
			if (depth)
				depth--;
			continue;
		}
		if (depth || (*p != '\n' && *p != '\r' && *p != ';'))
			continue;
		parse_segment(c, start, p, role);
		start = p + len;
	}
	parse_segment(c, start, e, role);
}

/* Where 诉 or vs splits the cell into two sides, or NULL. */
static const char *
find_versus(const char *b, const char *e, size_t *len)
{
	static const char *const not_before[] = {
		"起", "上", "申", "投", "告", "控", NULL
	};
	const char *p, *prev = NULL;
	size_t l;
	int depth = 0;

	for (p = b; p < e; prev = p, p += l) {
		l = char_len(p, e);
		if (is_open(p, e, &l)) {
			depth++;
			continue;
		}
		if (is_close(p, e, &l)) {
			if (depth)
				depth--;
			continue;
		}
		if (depth || p == b)
			continue;
		if (eat(p, e, "诉") && !eat(p + l, e, "讼") &&
		    !(prev && eat_list(prev, e, not_before) == p) &&
		    skip_ws(p + l, e) < e) {
			*len = l;
			return p;
		}
		if (eat_ci(p, e, "vs") && !((p[-1] | 0x20) >= 'a' &&
		    (p[-1] | 0x20) <= 'z') && (p + 2 == e ||
		    !((p[2] | 0x20) >= 'a' && (p[2] | 0x20) <= 'z'))) {
			*len = p + 2 < e && p[2] == '.' ? 3 : 2;
			if (skip_ws(p + *len, e) < e)
				return p;
		}
	}
	return NULL;
}

int
fq_ledger_parse_parties(struct fq_ledger_parties *out, const char *raw,
	struct fq_error *err)
{
	struct pcell c;
	const char *b, *e, *v;
	size_t len;

	if (!out)
		return fq_error_set(err, FQ_EUSAGE, "no place for the parties");
	pcell_init(&c, raw ? raw : "", out);
	b = skip_ws(c.s.buf, c.s.buf + c.s.len);
	e = rtrim(b, c.s.buf + c.s.len);
	if (b == e || span_placeholder(b, e))
		goto out;
	if ((v = find_versus(b, e, &len))) {
		parse_side(&c, b, v, "applicant");
		parse_side(&c, v + len, e, "respondent");
	} else {
		parse_side(&c, b, e, NULL);
	}
out:
	pcell_release(&c);
	return 0;
}
