/*
 * yread.c: a fast reader for the YAML that fq writes itself.
 *
 * A cold index build parses every case file, and libyaml's parser with a
 * malloc per event and per node (node.c) was most of its time.  fq's own
 * files use a small part of YAML: block mappings and sequences indented
 * as emit.c writes them, plain, single- and double-quoted scalars on one
 * line, literal blocks, "{}" and "[]".  This reader takes that part and
 * builds the same struct fq_node tree as fq_yaml_parse() (kinds, text,
 * quoting, line and column of every node, keys included), in an arena:
 * no malloc per node, and the whole tree is dropped at once.
 *
 * It declines (returns 1) everything it is not sure of: tabs, CR and the
 * other line breaks, a BOM, text libyaml's reader refuses, comments,
 * directives and document markers, anchors, aliases and tags, flow
 * collections other than "{}" and "[]", multi-line plain or quoted
 * scalars, folded blocks and block headers other than "|", "|-", "|2"
 * and "|2-", trailing spaces, empty sequence items, unusual indentation,
 * null, long or duplicate keys, deep nesting.  node.c's libyaml path then
 * reads the file, with its error messages.  The unit suite "yread" and
 * fuzz/fuzz_yread.c check that what it accepts reads as libyaml reads it.
 */
#include <stdbool.h>
#include <string.h>

#include "fq/buf.h"
#include "fq/node.h"
#include "internal.h"

#define KEY_MAX 128
#define DEPTH_MAX (FQ_NODE_MAX_DEPTH - 2)

struct fq_yarena {
	struct fq_arena ar;		/* the trees */
	struct fq_node **stk;		/* children of the open collections */
	size_t nstk, astk;
	struct fq_buf tmp;		/* a literal block being read */
};

struct fq_yarena *
fq_yarena_new(void)
{
	struct fq_yarena *a = fq_xcalloc(1, sizeof(*a));

	fq_buf_init(&a->tmp);
	return a;
}

/* Drop every tree, keeping the newest (largest) block. */
void
fq_yarena_reset(struct fq_yarena *a)
{
	if (!a)
		return;
	fq_arena_reset(&a->ar);
	a->nstk = 0;
}

void
fq_yarena_free(struct fq_yarena *a)
{
	if (!a)
		return;
	fq_arena_release(&a->ar);
	free(a->stk);
	fq_buf_release(&a->tmp);
	free(a);
}

/* --- the text as a whole --- */

/*
 * Length of the character at s (n bytes left) if libyaml reads it as a
 * printable character that is neither a line break other than LF nor a
 * BOM, nor a tab or CR; 0 otherwise.
 */
static size_t
char_ok(const unsigned char *s, size_t n)
{
	unsigned v;
	size_t w, k;

	if (s[0] < 0x80)
		return s[0] == '\n' || (s[0] >= 0x20 && s[0] < 0x7F);
	if ((s[0] & 0xE0) == 0xC0)
		w = 2, v = s[0] & 0x1F;
	else if ((s[0] & 0xF0) == 0xE0)
		w = 3, v = s[0] & 0x0F;
	else if ((s[0] & 0xF8) == 0xF0)
		w = 4, v = s[0] & 0x07;
	else
		return 0;
	if (w > n)
		return 0;
	for (k = 1; k < w; k++) {
		if ((s[k] & 0xC0) != 0x80)
			return 0;
		v = (v << 6) | (s[k] & 0x3F);
	}
	if ((w == 2 && v < 0x80) || (w == 3 && v < 0x800) ||
	    (w == 4 && v < 0x10000))
		return 0;
	/* libyaml's printable set less NEL, LS, PS and the BOM */
	if (v < 0xA0 || (v > 0xD7FF && v < 0xE000) || v == 0x2028 ||
	    v == 0x2029 || v == 0xFEFF || v == 0xFFFE || v == 0xFFFF ||
	    v > 0x10FFFF)
		return 0;
	return w;
}

/* Is the text as a whole one this reader may take? */
static bool
text_ok(const char *buf, size_t len)
{
	const unsigned char *s = (const unsigned char *)buf;
	size_t i = 0, w;

	while (i < len) {
		/* a line: no document marker, no trailing space */
		if (len - i >= 3 && (!memcmp(s + i, "---", 3) ||
		    !memcmp(s + i, "...", 3)))
			return false;
		for (;;) {
			if (i >= len)
				return s[i - 1] != ' ';
			if (s[i] == '\n')
				break;
			if (s[i] >= 0x20 && s[i] < 0x7F) {
				i++;
				continue;
			}
			/* U+3000..U+CFFF (CJK, most of a case's text): never
			 * overlong, a surrogate or one char_ok refuses */
			if (s[i] >= 0xE3 && s[i] <= 0xEC && len - i >= 3 &&
			    (s[i + 1] & 0xC0) == 0x80 &&
			    (s[i + 2] & 0xC0) == 0x80) {
				i += 3;
				continue;
			}
			if (!(w = char_ok(s + i, len - i)))
				return false;
			i += w;
		}
		if (i > 0 && s[i - 1] == ' ')
			return false;
		i++;
	}
	return true;
}

/* --- the reader --- */

/* fq_yaml_null_plain() of n bytes: "", "~" and the three nulls. */
static bool
null_plain(const char *s, size_t n)
{
	return n == 0 || (n == 1 && *s == '~') || (n == 4 &&
		(!memcmp(s, "null", 4) || !memcmp(s, "Null", 4) ||
		!memcmp(s, "NULL", 4)));
}

struct yr {
	struct fq_yarena *a;
	const char *p, *end;
	const char *ls;		/* start of p's line */
	unsigned line;		/* p's line, from 1 */
	int ind;		/* indentation of p's line; -1 at the end */
	int depth;
};

static bool
blank(const struct yr *y, const char *q)
{
	return q >= y->end || *q == ' ' || *q == '\n';
}

static bool
eol(const struct yr *y, const char *q)
{
	return q >= y->end || *q == '\n';
}

/* libyaml's column of q on its line, from 1 (in characters). */
static unsigned
col_of(const struct yr *y, const char *q)
{
	const char *s;
	unsigned c = 1;

	for (s = y->ls; s < q; s++)
		c += ((unsigned char)*s & 0xC0) != 0x80;
	return c;
}

/* At a line's start: skip empty lines, p to the first non-space. */
static void
next_line(struct yr *y)
{
	const char *q;

	for (;;) {
		if (y->p >= y->end) {
			y->ind = -1;
			return;
		}
		if (*y->p != '\n')
			break;
		y->p++;
		y->line++;
		y->ls = y->p;
	}
	for (q = y->p; q < y->end && *q == ' '; q++)
		;
	y->p = q;
	y->ind = (int)(q - y->ls);
}

/* Past the line break that ends p's line (p must be at it). */
static void
end_line(struct yr *y)
{
	if (y->p < y->end) {
		y->p++;
		y->line++;
		y->ls = y->p;
	}
	next_line(y);
}

static struct fq_node *
node(struct yr *y, enum fq_node_kind kind, unsigned line, unsigned col)
{
	struct fq_node *n = fq_arena_alloc(&y->a->ar, sizeof(*n));

	memset(n, 0, sizeof(*n));
	n->kind = kind;
	n->line = line;
	n->column = col;
	return n;
}

static char *
str_dup(struct yr *y, const char *s, size_t n)
{
	char *d = fq_arena_alloc(&y->a->ar, n + 1);

	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

static void
stk_push(struct yr *y, struct fq_node *n)
{
	struct fq_yarena *a = y->a;

	FQ_ALLOC_GROW(a->stk, a->nstk + 1, a->astk);
	a->stk[a->nstk++] = n;
}

static int
hexv(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static size_t
put_utf8(char *d, unsigned v)
{
	if (v < 0x80) {
		d[0] = (char)v;
		return 1;
	}
	if (v < 0x800) {
		d[0] = (char)(0xC0 | (v >> 6));
		d[1] = (char)(0x80 | (v & 0x3F));
		return 2;
	}
	if (v < 0x10000) {
		d[0] = (char)(0xE0 | (v >> 12));
		d[1] = (char)(0x80 | ((v >> 6) & 0x3F));
		d[2] = (char)(0x80 | (v & 0x3F));
		return 3;
	}
	d[0] = (char)(0xF0 | (v >> 18));
	d[1] = (char)(0x80 | ((v >> 12) & 0x3F));
	d[2] = (char)(0x80 | ((v >> 6) & 0x3F));
	d[3] = (char)(0x80 | (v & 0x3F));
	return 4;
}

/* One escape after a backslash at q (past it on success); 0 declines. */
static size_t
escape(const struct yr *y, const char **qp, char *d)
{
	const char *q = *qp;
	unsigned v = 0;
	int k, w = 0, h;

	if (q >= y->end)
		return 0;
	switch (*q) {
	case 'a': v = 0x07; break;
	case 'b': v = 0x08; break;
	case 't': v = 0x09; break;
	case 'n': v = 0x0A; break;
	case 'v': v = 0x0B; break;
	case 'f': v = 0x0C; break;
	case 'r': v = 0x0D; break;
	case 'e': v = 0x1B; break;
	case '"': v = '"'; break;
	case '\\': v = '\\'; break;
	case 'N': v = 0x85; break;
	case '_': v = 0xA0; break;
	case 'L': v = 0x2028; break;
	case 'P': v = 0x2029; break;
	case 'x': w = 2; break;
	case 'u': w = 4; break;
	case 'U': w = 8; break;
	default:
		return 0;
	}
	q++;
	for (k = 0; k < w; k++) {
		if (q >= y->end || (h = hexv(*q)) < 0)
			return 0;
		v = (v << 4) | (unsigned)h;
		q++;
	}
	if (!v || (v >= 0xD800 && v <= 0xDFFF) || v > 0x10FFFF)
		return 0;
	*qp = q;
	return put_utf8(d, v);
}

/* A quoted scalar on one line at p; p past its closing quote. */
static struct fq_node *
quoted(struct yr *y)
{
	char q0 = *y->p, *d, *s;
	const char *q = y->p + 1, *stop;
	struct fq_node *n = node(y, FQ_NODE_SCALAR, y->line,
		col_of(y, y->p));
	size_t k;

	stop = memchr(q, '\n', (size_t)(y->end - q));
	if (!stop)
		stop = y->end;
	/* an escape writes at most 3 bytes for its 2 (\L, \P) */
	s = d = fq_arena_alloc(&y->a->ar, (size_t)(stop - q) * 2 + 1);
	for (;;) {
		if (q >= stop)
			return NULL;
		if (*q == q0) {
			if (q0 == '\'' && q + 1 < stop && q[1] == '\'') {
				*d++ = '\'';
				q += 2;
				continue;
			}
			break;
		}
		if (q0 == '"' && *q == '\\') {
			q++;
			if (!(k = escape(y, &q, d)))
				return NULL;
			d += k;
			continue;
		}
		*d++ = *q++;
	}
	*d = '\0';
	n->str = s;
	n->quoted = true;
	y->p = q + 1;
	return n;
}

/*
 * A literal block at p ('|'), in a collection whose libyaml indentation
 * is pind; leaves y at the line after it.
 */
static struct fq_node *
literal(struct yr *y, int pind)
{
	struct fq_node *n = node(y, FQ_NODE_SCALAR, y->line, col_of(y, y->p));
	struct fq_buf *t = &y->a->tmp;
	const char *q = y->p + 1;
	bool strip = false, any = false;
	int indent = -1, sp;
	size_t breaks = 0;

	if (q < y->end && *q == '2') {
		indent = pind + 2;
		q++;
	}
	if (q < y->end && *q == '-') {
		strip = true;
		q++;
	}
	if (q >= y->end || *q != '\n')
		return NULL;
	y->p = q + 1;
	y->line++;
	y->ls = y->p;
	fq_buf_reset(t);
	for (;;) {
		const char *e;

		if (y->p >= y->end) {
			y->ind = -1;
			break;
		}
		if (*y->p == '\n') {
			if (indent < 0)
				return NULL;	/* leading empty lines */
			breaks++;
			y->p++;
			y->line++;
			y->ls = y->p;
			continue;
		}
		for (q = y->p; q < y->end && *q == ' '; q++)
			;
		sp = (int)(q - y->ls);
		if (indent < 0) {
			if (sp <= pind)
				return NULL;
			indent = sp;
		}
		if (sp < indent) {
			y->p = q;
			y->ind = sp;
			break;
		}
		if (!(e = memchr(q, '\n', (size_t)(y->end - q))))
			return NULL;	/* the last line has no break */
		while (breaks) {
			fq_buf_addch(t, '\n');
			breaks--;
		}
		fq_buf_add(t, y->ls + indent, (size_t)(e - y->ls) - (size_t)indent);
		fq_buf_addch(t, '\n');
		any = true;
		y->p = e + 1;
		y->line++;
		y->ls = y->p;
	}
	if (!any)
		return NULL;
	n->str = str_dup(y, t->buf, t->len - strip);
	n->quoted = true;
	return n;
}

/* A value on the rest of p's line (not a nested collection). */
static struct fq_node *
inline_value(struct yr *y, int pind)
{
	const char *q = y->p, *s;
	struct fq_node *n;
	unsigned col;

	switch (*q) {
	case '"':
	case '\'':
		if (!(n = quoted(y)) || !eol(y, y->p))
			return NULL;
		end_line(y);
		return n;
	case '|':
		return literal(y, pind);
	case '{':
	case '[':
		if (q + 1 >= y->end || q[1] != (*q == '{' ? '}' : ']') ||
		    !eol(y, q + 2))
			return NULL;
		n = node(y, *q == '{' ? FQ_NODE_MAP : FQ_NODE_SEQ, y->line,
			col_of(y, q));
		y->p = q + 2;
		end_line(y);
		return n;
	}
	if (strchr(",]}#&*!>%@`?:", *q) || (*q == '-' && blank(y, q + 1)))
		return NULL;
	col = col_of(y, q);
	for (s = q; !eol(y, s); s++)
		if ((*s == ':' && blank(y, s + 1)) ||
		    (*s == '#' && s[-1] == ' '))
			return NULL;
	if (null_plain(q, (size_t)(s - q))) {
		n = node(y, FQ_NODE_NULL, y->line, col);
	} else {
		n = node(y, FQ_NODE_SCALAR, y->line, col);
		n->str = str_dup(y, q, (size_t)(s - q));
	}
	y->p = s;
	end_line(y);
	return n;
}

/* Does the rest of p's line start with a key ("k: ", "'k':")? */
static bool
is_key(const struct yr *y)
{
	const char *q = y->p;

	if (*q == '"' || *q == '\'') {
		char q0 = *q;

		for (q++; !eol(y, q); q++) {
			if (q0 == '"' && *q == '\\' && !eol(y, q + 1)) {
				q++;
				continue;
			}
			if (*q == q0) {
				if (q0 == '\'' && !eol(y, q + 1) &&
				    q[1] == '\'') {
					q++;
					continue;
				}
				return !eol(y, q + 1) && q[1] == ':' &&
					blank(y, q + 2);
			}
		}
		return false;
	}
	for (; !eol(y, q); q++)
		if (*q == ':' && blank(y, q + 1))
			return true;
	return false;
}

/* A key at p, then its ':'; p past the ':'. */
static struct fq_node *
key(struct yr *y)
{
	const char *q = y->p, *s;
	struct fq_node *n;

	if (*q == '"' || *q == '\'') {
		if (!(n = quoted(y)) || strlen(n->str) > KEY_MAX)
			return NULL;
		q = y->p;
	} else {
		if (strchr(",[]{}#&*!|>'\"%@`-?:", *q))
			return NULL;
		for (s = q; !eol(y, s); s++) {
			if (*s == ':' && blank(y, s + 1))
				break;
			if (*s == '#' && s[-1] == ' ')
				return NULL;
		}
		if (eol(y, s) || s[-1] == ' ' || s - q > KEY_MAX ||
		    null_plain(q, (size_t)(s - q)))
			return NULL;
		n = node(y, FQ_NODE_SCALAR, y->line, col_of(y, q));
		n->str = str_dup(y, q, (size_t)(s - q));
		q = s;
	}
	if (q >= y->end || *q != ':' || !blank(y, q + 1))
		return NULL;
	y->p = q + 1;
	return n;
}

static struct fq_node *block_map(struct yr *y, int col);
static struct fq_node *block_seq(struct yr *y, int col);

/* Children pushed since base, as the collection n's arrays. */
static void
close_coll(struct yr *y, struct fq_node *n, size_t base)
{
	struct fq_yarena *a = y->a;
	size_t k = a->nstk - base, i;

	if (n->kind == FQ_NODE_MAP) {
		n->len = n->alloc = k / 2;
		n->keys = fq_arena_alloc(&a->ar, n->len * sizeof(*n->keys));
		n->vals = fq_arena_alloc(&a->ar, n->len * sizeof(*n->vals));
		for (i = 0; i < n->len; i++) {
			n->keys[i] = a->stk[base + 2 * i];
			n->vals[i] = a->stk[base + 2 * i + 1];
		}
	} else {
		n->len = n->alloc = k;
		n->vals = fq_arena_alloc(&a->ar, k * sizeof(*n->vals));
		memcpy(n->vals, a->stk + base, k * sizeof(*n->vals));
	}
	a->nstk = base;
}

/* The value after a key's ':' (p just past it), in a map at column col. */
static struct fq_node *
map_value(struct yr *y, int col)
{
	unsigned line = y->line, ncol;

	if (!eol(y, y->p)) {
		/* ': ' then the value on this line */
		while (*y->p == ' ')
			y->p++;
		return inline_value(y, col);
	}
	ncol = col_of(y, y->p);	/* libyaml: the end of the ":" */
	end_line(y);
	if (y->ind > col) {
		if (*y->p == '-' && blank(y, y->p + 1))
			return block_seq(y, y->ind);
		return block_map(y, y->ind);
	}
	if (y->ind == col && *y->p == '-' && blank(y, y->p + 1))
		return block_seq(y, col);
	return node(y, FQ_NODE_NULL, line, ncol);
}

static bool
dup_key(const struct yr *y, size_t base, const char *k)
{
	size_t i;

	for (i = base; i < y->a->nstk; i += 2)
		if (y->a->stk[i]->str[0] == k[0] &&
		    !strcmp(y->a->stk[i]->str, k))
			return true;
	return false;
}

/* A block mapping whose first key is at p, column col. */
static struct fq_node *
block_map(struct yr *y, int col)
{
	struct fq_node *n, *k, *v;
	size_t base = y->a->nstk;

	if (++y->depth > DEPTH_MAX || !is_key(y))
		return NULL;
	n = node(y, FQ_NODE_MAP, y->line, col_of(y, y->p));
	for (;;) {
		if (!(k = key(y)) || dup_key(y, base, k->str))
			return NULL;
		stk_push(y, k);
		if (!(v = map_value(y, col)))
			return NULL;
		stk_push(y, v);
		if (y->ind < col)
			break;
		if (y->ind > col)
			return NULL;
	}
	close_coll(y, n, base);
	y->depth--;
	return n;
}

/* A block sequence whose first '-' is at p, column col. */
static struct fq_node *
block_seq(struct yr *y, int col)
{
	struct fq_node *n, *v;
	size_t base = y->a->nstk;
	int icol;

	if (++y->depth > DEPTH_MAX)
		return NULL;
	n = node(y, FQ_NODE_SEQ, y->line, col_of(y, y->p));
	for (;;) {
		/* p at '-' */
		y->p++;
		if (eol(y, y->p))
			return NULL;	/* an empty item */
		while (*y->p == ' ')
			y->p++;
		/* only "- " and spaces before p on its line: bytes are
		 * characters */
		icol = (int)(y->p - y->ls);
		if (*y->p == '-' && blank(y, y->p + 1))
			v = block_seq(y, icol);
		else if (is_key(y))
			v = block_map(y, icol);
		else
			v = inline_value(y, col);
		if (!v)
			return NULL;
		stk_push(y, v);
		if (y->ind < col)
			break;
		if (y->ind > col)
			return NULL;
		if (*y->p != '-' || !blank(y, y->p + 1))
			break;
	}
	close_coll(y, n, base);
	y->depth--;
	return n;
}

int
fq_yaml_parse_fast(struct fq_node **out, const char *buf, size_t len,
	struct fq_yarena *a)
{
	struct yr y;
	struct fq_node *root;
	size_t mark;

	*out = NULL;
	if (len > FQ_NODE_MAX_FILE || !text_ok(buf, len))
		return 1;
	y.a = a;
	y.p = y.ls = buf;
	y.end = buf + len;
	y.line = 1;
	y.depth = 0;
	mark = a->nstk;
	next_line(&y);
	if (y.ind != 0)
		root = NULL;
	else if (*y.p == '-' && blank(&y, y.p + 1))
		root = block_seq(&y, 0);
	else
		root = block_map(&y, 0);
	a->nstk = mark;
	if (!root || y.ind != -1)
		return 1;
	*out = root;
	return 0;
}

/* --- the check of the unit suite and the fuzzer --- */

static bool
same_node(const struct fq_node *a, const struct fq_node *b, bool pos)
{
	size_t i;

	if (a->kind != b->kind || a->len != b->len ||
	    (pos && (a->line != b->line || a->column != b->column)))
		return false;
	if (a->kind == FQ_NODE_SCALAR)
		return a->quoted == b->quoted && !strcmp(a->str, b->str);
	for (i = 0; i < a->len; i++) {
		if (a->kind == FQ_NODE_MAP &&
		    !same_node(a->keys[i], b->keys[i], true))
			return false;
		if (!same_node(a->vals[i], b->vals[i], true))
			return false;
	}
	return true;
}

int
fq_yaml_fast_verify(const char *buf, size_t len, int *libyaml)
{
	struct fq_yarena *a = fq_yarena_new();
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_node *fast = NULL, *slow = NULL;
	int f, s, ret;

	f = fq_yaml_parse_fast(&fast, buf, len, a);
	s = fq_yaml_parse(&slow, buf, len, "verify", &err);
	if (libyaml)
		*libyaml = s;
	if (f != 0)
		ret = 1;
	else if (s != 0)
		ret = -1;	/* took what libyaml refuses */
	else
		ret = same_node(fast, slow, true) ? 0 : -1;
	fq_node_free(slow);
	fq_yarena_free(a);
	return ret;
}
