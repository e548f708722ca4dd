/*
 * text.c: terminal width, masking and JSON (see fq/text.h).
 *
 * Width follows Unicode's East Asian Width: the wide and fullwidth ranges
 * below cover CJK ideographs, kana, hangul, fullwidth forms and the
 * common emoji.  We do not use wcwidth(3): it depends on the locale, and
 * cron runs with LANG=C while the clerk's terminal is zh_CN.UTF-8; the
 * table must line up the same either way.
 */
#include <ctype.h>
#include <stdio.h>

#include "fq/text.h"
#include "internal.h"

static const struct { unsigned lo, hi; } wide[] = {
	{ 0x1100, 0x115F }, { 0x231A, 0x231B }, { 0x2329, 0x232A },
	{ 0x23E9, 0x23EC }, { 0x23F0, 0x23F0 }, { 0x23F3, 0x23F3 },
	{ 0x25FD, 0x25FE }, { 0x2614, 0x2615 }, { 0x2648, 0x2653 },
	{ 0x267F, 0x267F }, { 0x2693, 0x2693 }, { 0x26A1, 0x26A1 },
	{ 0x26AA, 0x26AB }, { 0x26BD, 0x26BE }, { 0x26C4, 0x26C5 },
	{ 0x26CE, 0x26CE }, { 0x26D4, 0x26D4 }, { 0x26EA, 0x26EA },
	{ 0x26F2, 0x26F3 }, { 0x26F5, 0x26F5 }, { 0x26FA, 0x26FA },
	{ 0x26FD, 0x26FD }, { 0x2705, 0x2705 }, { 0x270A, 0x270B },
	{ 0x2728, 0x2728 }, { 0x274C, 0x274C }, { 0x274E, 0x274E },
	{ 0x2753, 0x2755 }, { 0x2757, 0x2757 }, { 0x2795, 0x2797 },
	{ 0x27B0, 0x27B0 }, { 0x27BF, 0x27BF }, { 0x2B1B, 0x2B1C },
	{ 0x2B50, 0x2B50 }, { 0x2B55, 0x2B55 }, { 0x2E80, 0x303E },
	{ 0x3041, 0x33FF }, { 0x3400, 0x4DBF }, { 0x4E00, 0x9FFF },
	{ 0xA000, 0xA4CF }, { 0xA960, 0xA97F }, { 0xAC00, 0xD7A3 },
	{ 0xF900, 0xFAFF }, { 0xFE10, 0xFE19 }, { 0xFE30, 0xFE6F },
	{ 0xFF00, 0xFF60 }, { 0xFFE0, 0xFFE6 }, { 0x1F004, 0x1F004 },
	{ 0x1F0CF, 0x1F0CF }, { 0x1F18E, 0x1F18E }, { 0x1F191, 0x1F19A },
	{ 0x1F200, 0x1F251 }, { 0x1F260, 0x1F265 }, { 0x1F300, 0x1F64F },
	{ 0x1F680, 0x1F6FF }, { 0x1F7E0, 0x1F7F0 }, { 0x1F900, 0x1F9FF },
	{ 0x1FA70, 0x1FAFF }, { 0x20000, 0x2FFFD }, { 0x30000, 0x3FFFD },
};

static unsigned
decode(const unsigned char **pp)
{
	const unsigned char *p = *pp;
	unsigned cp;
	int n, i;

	if (*p < 0x80) {
		*pp = p + 1;
		return *p;
	}
	if ((*p & 0xE0) == 0xC0) {
		n = 1;
		cp = *p & 0x1F;
	} else if ((*p & 0xF0) == 0xE0) {
		n = 2;
		cp = *p & 0x0F;
	} else if ((*p & 0xF8) == 0xF0) {
		n = 3;
		cp = *p & 0x07;
	} else {
		*pp = p + 1;
		return 0xFFFD;
	}
	for (i = 1; i <= n; i++) {
		if ((p[i] & 0xC0) != 0x80) {
			*pp = p + i;
			return 0xFFFD;
		}
		cp = (cp << 6) | (p[i] & 0x3F);
	}
	*pp = p + n + 1;
	return cp;
}

static int
cp_width(unsigned cp)
{
	size_t lo, hi;

	if (cp == 0)
		return 0;
	if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0))
		return 0;
	/* Combining diacritical marks (and their extended, supplement,
	 * symbol and half-mark blocks), zero-width spaces and joiners,
	 * variation selectors. */
	if ((cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x1AB0 && cp <= 0x1AFF) ||
	    (cp >= 0x1DC0 && cp <= 0x1DFF) || (cp >= 0x200B && cp <= 0x200F) ||
	    (cp >= 0x20D0 && cp <= 0x20FF) || (cp >= 0xFE00 && cp <= 0xFE0F) ||
	    (cp >= 0xFE20 && cp <= 0xFE2F))
		return 0;
	if (cp < wide[0].lo)
		return 1;
	if (cp >= 0x4E00 && cp <= 0x9FFF)	/* most of what fq prints */
		return 2;
	lo = 0;				/* wide[] is sorted: bisect it */
	hi = FQ_ARRAY_SIZE(wide);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cp < wide[mid].lo)
			hi = mid;
		else if (cp > wide[mid].hi)
			lo = mid + 1;
		else
			return 2;
	}
	return 1;
}

/* Length of the terminal escape sequence (CSI: ESC [ params final) at p,
 * or 0: it takes no columns. */
static size_t
esc_len(const unsigned char *p)
{
	size_t n = 2;

	if (p[0] != 0x1B || p[1] != '[')
		return 0;
	while (p[n] >= 0x20 && p[n] <= 0x3F)
		n++;
	return p[n] >= 0x40 && p[n] <= 0x7E ? n + 1 : 0;
}

size_t
fq_display_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t w = 0, e;

	while (*p) {
		if (*p >= 0x20 && *p < 0x7F) {	/* printable ASCII */
			w++;
			p++;
			continue;
		}
		if ((e = esc_len(p))) {
			p += e;
			continue;
		}
		w += (size_t)cp_width(decode(&p));
	}
	return w;
}

void
fq_buf_add_cols(struct fq_buf *out, const char *s, size_t width, bool pad)
{
	const unsigned char *p = (const unsigned char *)s, *q;
	size_t w = 0, total = fq_display_width(s);

	if (total <= width) {
		fq_buf_adds(out, s);
		w = total;
	} else if (width == 0) {
		return;			/* not even room for the "…" */
	} else {
		while (*p) {
			int cw;
			size_t e = esc_len(p);

			if (e) {
				fq_buf_add(out, p, e);
				p += e;
				continue;
			}
			q = p;
			cw = cp_width(decode(&q));
			if (w + (size_t)cw > width - 1)
				break;
			fq_buf_add(out, p, (size_t)(q - p));
			w += (size_t)cw;
			p = q;
		}
		fq_buf_adds(out, "\xE2\x80\xA6");	/* … */
		w++;
	}
	while (pad && w < width) {
		fq_buf_addch(out, ' ');
		w++;
	}
}

void
fq_mask_phone(struct fq_buf *out, const char *phone)
{
	size_t n = strlen(phone), i;
	const char *dash = strchr(phone, '-');

	if (dash && n - (size_t)(dash - phone) > 5) {
		/* landline: 0394-5550001 -> 0394-***0001 */
		size_t tail = n - (size_t)(dash - phone) - 1;

		fq_buf_add(out, phone, (size_t)(dash - phone) + 1);
		for (i = 0; i < tail - 4; i++)
			fq_buf_addch(out, '*');
		fq_buf_adds(out, phone + n - 4);
		return;
	}
	if (n < 8) {
		for (i = 0; i < n; i++)
			fq_buf_addch(out, '*');
		return;
	}
	fq_buf_add(out, phone, 3);
	for (i = 3; i < n - 4; i++)
		fq_buf_addch(out, '*');
	fq_buf_adds(out, phone + n - 4);
}

void
fq_mask_id_number(struct fq_buf *out, const char *id)
{
	size_t n = strlen(id), i;

	if (n < 10) {
		for (i = 0; i < n; i++)
			fq_buf_addch(out, '*');
		return;
	}
	fq_buf_add(out, id, 4);
	for (i = 4; i < n - 4; i++)
		fq_buf_addch(out, '*');
	fq_buf_adds(out, id + n - 4);
}

static size_t mask_record(const struct fq_record *r, struct fq_node *n);

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

size_t
fq_mask_text(struct fq_buf *out, const char *s)
{
	size_t n = 0;

	while (*s) {
		size_t run = 0;

		if (!is_digit(*s)) {
			fq_buf_addch(out, *s++);
			continue;
		}
		while (is_digit(s[run]))
			run++;
		if (run == 17 && (s[run] == 'X' || s[run] == 'x'))
			run++;
		/* 0394-5550001: an area code, a dash, 7 or 8 digits */
		if (run >= 3 && run <= 4 && s[0] == '0' && s[run] == '-') {
			size_t t = 0;

			while (is_digit(s[run + 1 + t]))
				t++;
			if (t == 7 || t == 8) {
				char *num = fq_xstrndup(s, run + 1 + t);

				fq_mask_phone(out, num);
				free(num);
				s += run + 1 + t;
				n++;
				continue;
			}
		}
		if (run == 11 && s[0] == '1') {
			char *num = fq_xstrndup(s, run);

			fq_mask_phone(out, num);
			free(num);
			n++;
		} else if (run == 15 || run == 18) {
			char *num = fq_xstrndup(s, run);

			fq_mask_id_number(out, num);
			free(num);
			n++;
		} else {
			fq_buf_add(out, s, run);
		}
		s += run;
	}
	return n;
}

static size_t
scrub_scalar(struct fq_node *v)
{
	struct fq_buf b = FQ_BUF_INIT;
	size_t n;

	if (v->kind != FQ_NODE_SCALAR || !v->str[0])
		return 0;
	n = fq_mask_text(&b, v->str);
	if (!n) {
		fq_buf_release(&b);
		return 0;
	}
	free(v->str);
	v->str = fq_buf_detach(&b, NULL);
	return n;
}

static size_t
mask_scalar(const char *pii, struct fq_node *v)
{
	struct fq_buf b = FQ_BUF_INIT;

	if (v->kind != FQ_NODE_SCALAR || !v->str[0])
		return 0;
	if (!strcmp(pii, "phone"))
		fq_mask_phone(&b, v->str);
	else
		fq_mask_id_number(&b, v->str);
	free(v->str);
	v->str = fq_buf_detach(&b, NULL);
	return 1;
}

static size_t
mask_value(const struct fq_field *f, enum fq_type t, struct fq_node *v)
{
	size_t n = 0, i;

	if (t == FQ_T_RECORD)
		return mask_record(f->rec, v);
	if (t == FQ_T_LIST && v->kind == FQ_NODE_SEQ) {
		for (i = 0; i < v->len; i++)
			n += mask_value(f, f->item_type, v->vals[i]);
		return n;
	}
	if (f->pii)
		return mask_scalar(f->pii, v);
	if (t == FQ_T_STRING || t == FQ_T_TEXT)
		return scrub_scalar(v);
	return 0;
}

static size_t
mask_record(const struct fq_record *r, struct fq_node *n)
{
	size_t i, k = 0;

	if (!r || n->kind != FQ_NODE_MAP)
		return 0;
	for (i = 0; i < n->len; i++) {
		const struct fq_field *f = fq_record_field(r, n->keys[i]->str);

		if (f)
			k += mask_value(f, f->type, n->vals[i]);
	}
	return k;
}

size_t
fq_mask_tree(const fq_schema *s, const char *record, struct fq_node *n)
{
	return mask_record(fq_schema_record(s, record), n);
}

void
fq_csv_field(struct fq_buf *out, const char *s, char delim)
{
	if (!s)
		s = "";
	if (!strpbrk(s, "\",\r\n\t") && !strchr(s, delim) && *s != ' ') {
		fq_buf_adds(out, s);
		return;
	}
	fq_buf_addch(out, '"');
	for (; *s; s++) {
		if (*s == '"')
			fq_buf_addch(out, '"');
		fq_buf_addch(out, *s);
	}
	fq_buf_addch(out, '"');
}

void
fq_json_str(struct fq_buf *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fq_buf_addch(out, '"');
	for (; *p; p++) {
		const unsigned char *run = p;

		/* a run that needs no escape, at once */
		while (*p >= 0x20 && *p != '"' && *p != '\\')
			p++;
		if (p != run)
			fq_buf_add(out, run, (size_t)(p - run));
		if (!*p)
			break;
		switch (*p) {
		case '"': fq_buf_adds(out, "\\\""); break;
		case '\\': fq_buf_adds(out, "\\\\"); break;
		case '\n': fq_buf_adds(out, "\\n"); break;
		case '\r': fq_buf_adds(out, "\\r"); break;
		case '\t': fq_buf_adds(out, "\\t"); break;
		default:
			if (*p < 0x20)
				fq_buf_addf(out, "\\u%04x", *p);
			else
				fq_buf_addch(out, *p);
		}
	}
	fq_buf_addch(out, '"');
}

static void
newline(struct fq_buf *out, int indent, int depth)
{
	int i;

	if (indent < 0)
		return;
	fq_buf_addch(out, '\n');
	for (i = 0; i < indent * depth; i++)
		fq_buf_addch(out, ' ');
}

/* A valid int or money value as a JSON number: the schema allows
 * leading zeros ("007"), JSON does not. */
static void
json_number(struct fq_buf *out, const char *s)
{
	if (*s == '-')
		fq_buf_addch(out, *s++);
	while (s[0] == '0' && isdigit((unsigned char)s[1]))
		s++;
	fq_buf_adds(out, s);
}

static void json_value(struct fq_buf *out, const struct fq_field *f,
	enum fq_type t, const struct fq_record *r, const struct fq_node *n,
	int indent, int depth);

static void
json_map(struct fq_buf *out, const struct fq_record *r,
	const struct fq_node *n, int indent, int depth)
{
	size_t i;

	fq_buf_addch(out, '{');
	for (i = 0; i < n->len; i++) {
		const struct fq_field *f = fq_record_field(r, n->keys[i]->str);

		if (i)
			fq_buf_addch(out, ',');
		newline(out, indent, depth + 1);
		fq_json_str(out, n->keys[i]->str);
		fq_buf_adds(out, indent < 0 ? ":" : ": ");
		json_value(out, f, f ? f->type : FQ_T_STRING,
			f ? f->rec : NULL, n->vals[i], indent, depth + 1);
	}
	if (n->len)
		newline(out, indent, depth);
	fq_buf_addch(out, '}');
}

static void
json_value(struct fq_buf *out, const struct fq_field *f, enum fq_type t,
	const struct fq_record *r, const struct fq_node *n, int indent,
	int depth)
{
	size_t i;

	switch (n->kind) {
	case FQ_NODE_NULL:
		fq_buf_adds(out, "null");
		return;
	case FQ_NODE_MAP:
		json_map(out, t == FQ_T_RECORD || t == FQ_T_LIST ? r : NULL, n,
			indent, depth);
		return;
	case FQ_NODE_SEQ:
		fq_buf_addch(out, '[');
		for (i = 0; i < n->len; i++) {
			if (i)
				fq_buf_addch(out, ',');
			newline(out, indent, depth + 1);
			json_value(out, f, f ? f->item_type : FQ_T_STRING,
				r, n->vals[i], indent, depth + 1);
		}
		if (n->len)
			newline(out, indent, depth);
		fq_buf_addch(out, ']');
		return;
	case FQ_NODE_SCALAR:
		if ((t == FQ_T_INT && fq_valid_int(n->str)) ||
		    (t == FQ_T_MONEY && fq_valid_money(n->str)))
			json_number(out, n->str);
		else if (t == FQ_T_BOOL && (!strcmp(n->str, "true") ||
		    !strcmp(n->str, "false")))
			fq_buf_adds(out, n->str);
		else
			fq_json_str(out, n->str);
		return;
	}
}

void
fq_json_node(struct fq_buf *out, const fq_schema *s, const char *record,
	const struct fq_node *n, int indent)
{
	const struct fq_record *r = record ? fq_schema_record(s, record) : NULL;

	json_value(out, NULL, r ? FQ_T_RECORD : FQ_T_STRING, r, n, indent, 0);
}

static const char *const cap_digit[] = {
	"零", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖"
};

/* One group of four digits, 1..9999, with internal zeros as one 零. */
static void
cap_group(struct fq_buf *out, int g)
{
	static const int div[] = { 1000, 100, 10, 1 };
	static const char *const unit[] = { "仟", "佰", "拾", "" };
	bool zero = false, started = false;
	int i;

	for (i = 0; i < 4; i++) {
		int d = g / div[i] % 10;

		if (!d) {
			if (started)
				zero = true;
			continue;
		}
		if (zero)
			fq_buf_adds(out, "零");
		zero = false;
		fq_buf_adds(out, cap_digit[d]);
		fq_buf_adds(out, unit[i]);
		started = true;
	}
}

int
fq_money_capital(struct fq_buf *out, const char *yuan)
{
	long long fen = 0, y;
	const char *p = yuan, *dot;
	size_t start = out->len;
	int jiao, f, k;
	bool pending = false;
	struct { long long g; const char *unit; } groups[3];

	if (!fq_valid_money(yuan) || strlen(yuan) > 15)
		return FQ_EUSAGE;
	dot = strchr(yuan, '.');
	for (; *p && p != dot; p++)
		fen = fen * 10 + (*p - '0');
	fen *= 100;
	if (dot) {
		fen += (dot[1] - '0') * 10;
		if (dot[2])
			fen += dot[2] - '0';
	}
	y = fen / 100;
	jiao = (int)(fen / 10 % 10);
	f = (int)(fen % 10);
	if (y > 999999999999LL)
		return FQ_EUSAGE;
	groups[0].g = y / 100000000;
	groups[0].unit = "亿";
	groups[1].g = y / 10000 % 10000;
	groups[1].unit = "万";
	groups[2].g = y % 10000;
	groups[2].unit = "";
	for (k = 0; k < 3; k++) {
		if (!groups[k].g) {
			if (out->len > start)
				pending = true;
			continue;
		}
		if (!k || out->len == start)
			pending = pending && out->len > start;
		if (out->len > start && (pending || groups[k].g < 1000))
			fq_buf_adds(out, "零");
		pending = groups[k].g % 10 == 0;	/* trailing zeros */
		if (groups[k].g >= 10000) {
			/* more than 9999 亿: the 亿 group itself has a 万 part */
			cap_group(out, (int)(groups[k].g / 10000));
			fq_buf_adds(out, "万");
			if (groups[k].g % 10000 < 1000 && groups[k].g % 10000)
				fq_buf_adds(out, "零");
			if (groups[k].g % 10000)
				cap_group(out, (int)(groups[k].g % 10000));
		} else {
			cap_group(out, (int)groups[k].g);
		}
		fq_buf_adds(out, groups[k].unit);
	}
	if (y)
		fq_buf_adds(out, "元");
	if (!jiao && !f) {
		fq_buf_adds(out, y ? "整" : "零元整");
		return FQ_OK;
	}
	if (jiao) {
		fq_buf_adds(out, cap_digit[jiao]);
		fq_buf_adds(out, "角");
	} else if (y) {
		fq_buf_adds(out, "零");
	}
	if (f) {
		fq_buf_adds(out, cap_digit[f]);
		fq_buf_adds(out, "分");
	}
	return FQ_OK;
}

void
fq_html_str(struct fq_buf *out, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': fq_buf_adds(out, "&amp;"); break;
		case '<': fq_buf_adds(out, "&lt;"); break;
		case '>': fq_buf_adds(out, "&gt;"); break;
		case '"': fq_buf_adds(out, "&quot;"); break;
		default: fq_buf_addch(out, *s);
		}
	}
}
