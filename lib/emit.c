/*
 * emit.c: the canonical YAML text of a tree, written by hand.
 *
 * fq_yaml_emit() (node.c) gives the bytes libyaml's emitter writes for
 * our events (block style, unicode, unlimited width, indent 2, and the
 * styles node.c asks for: literal blocks for multi-line text, double
 * quotes for text that reads as another type).  Feeding libyaml cost a
 * quarter of an import's time, so this file writes the same bytes
 * directly: it keeps the few pieces of libyaml's emitter state that
 * decide the output (column, indent, "after whitespace", "after
 * indentation") and applies its rules for choosing a scalar's style.
 *
 * It does not try to cover everything.  For what it has no rule for, or
 * what is rare enough not to matter (a scalar root, invalid UTF-8, line
 * breaks other than LF, a literal block ending in several line breaks,
 * multi-line or long keys), it declines, and node.c asks libyaml.  The
 * unit suite "emit" compares the two byte for byte.
 */
#include <stdbool.h>
#include <string.h>

#include "fq/node.h"
#include "internal.h"

#define KEY_MAX 128		/* longest simple key (libyaml) */

struct em {
	struct fq_buf *out;
	int indent;		/* -1 before the root collection */
	int column;		/* in characters */
	bool whitespace;	/* the last thing written was whitespace */
	bool indention;		/* only indentation on this line so far */
};

enum style { PLAIN, SINGLE, DOUBLE, LITERAL };

/* What a scalar allows, as libyaml's analysis of it sees it. */
struct scan {
	bool multiline, plain, single, block;
	int chars;		/* its length in characters */
};

/* Byte length of the UTF-8 character at p (at most n bytes), 0 if it is
 * not well formed (overlong, surrogate, beyond U+10FFFF, cut short). */
static size_t
u8_width(const unsigned char *p, size_t n)
{
	unsigned v;
	size_t w, k;

	if (p[0] < 0x80)
		return 1;
	if ((p[0] & 0xE0) == 0xC0)
		w = 2, v = p[0] & 0x1F;
	else if ((p[0] & 0xF0) == 0xE0)
		w = 3, v = p[0] & 0x0F;
	else if ((p[0] & 0xF8) == 0xF0)
		w = 4, v = p[0] & 0x07;
	else
		return 0;
	if (w > n)
		return 0;
	for (k = 1; k < w; k++) {
		if ((p[k] & 0xC0) != 0x80)
			return 0;
		v = (v << 6) | (p[k] & 0x3F);
	}
	if ((w == 2 && v < 0x80) || (w == 3 && v < 0x800) ||
	    (w == 4 && (v < 0x10000 || v > 0x10FFFF)) ||
	    (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	return w;
}

/* libyaml's "printable" (YAML 1.1 c-printable, LF included, and only up
 * to U+FFFD: four-byte characters are escaped). */
static bool
printable(const unsigned char *p)
{
	if (p[0] == 0x0A || (p[0] >= 0x20 && p[0] <= 0x7E))
		return true;
	if (p[0] == 0xC2)
		return p[1] >= 0xA0;
	if (p[0] > 0xC2 && p[0] < 0xED)
		return true;
	if (p[0] == 0xED)
		return p[1] < 0xA0;
	if (p[0] == 0xEE)
		return true;
	if (p[0] == 0xEF)
		return !(p[1] == 0xBB && p[2] == 0xBF) &&
			!(p[1] == 0xBF && (p[2] == 0xBE || p[2] == 0xBF));
	return false;
}

/* Space, tab, line feed or the end (s is NUL-terminated). */
static bool
blankz(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\0';
}

/*
 * libyaml's analysis of a scalar, for block context.  -1 when this
 * emitter declines it: not UTF-8, or a line break other than LF (CR,
 * NEL, LS, PS), which libyaml writes in ways not worth copying here.
 */
static int
scan_scalar(const char *str, size_t len, struct scan *sc)
{
	const unsigned char *s = (const unsigned char *)str;
	bool indicators = false, breaks = false, special = false;
	bool lead_space = false, lead_break = false, trail_space = false;
	bool trail_break = false, break_space = false, space_break = false;
	bool prev_space = false, prev_break = false, pre_ws = true;
	size_t i, w;
	int chars = 0;

	if (!len) {
		sc->multiline = false;
		sc->plain = sc->single = true;
		sc->block = false;
		sc->chars = 0;
		return 0;
	}
	if ((s[0] == '-' && s[1] == '-' && s[2] == '-') ||
	    (s[0] == '.' && s[1] == '.' && s[2] == '.'))
		indicators = true;
	for (i = 0; i < len; i += w, chars++) {
		unsigned char c = s[i];
		bool post_ws;

		/* the common cases first: a letter or digit past the start,
		 * a CJK character (three bytes led by E3..EC: printable,
		 * no line break, no indicator) */
		if (i > 0 && (((c | 0x20) >= 'a' && (c | 0x20) <= 'z') ||
		    (c >= '0' && c <= '9'))) {
			prev_space = prev_break = pre_ws = false;
			w = 1;
			continue;
		}
		if (c >= 0xE3 && c <= 0xEC && i + 2 < len &&
		    (s[i + 1] & 0xC0) == 0x80 && (s[i + 2] & 0xC0) == 0x80) {
			prev_space = prev_break = pre_ws = false;
			w = 3;
			continue;
		}
		if (!(w = u8_width(s + i, len - i)))
			return -1;
		if (c == '\r' || (c == 0xC2 && s[i + 1] == 0x85) ||
		    (c == 0xE2 && s[i + 1] == 0x80 &&
		    (s[i + 2] == 0xA8 || s[i + 2] == 0xA9)))
			return -1;
		post_ws = blankz(s[i + w]);
		if (i == 0) {
			if (strchr("#,[]{}&*!|>'\"%@`", c) && c)
				indicators = true;
			if ((c == '?' || c == ':' || c == '-') && post_ws)
				indicators = true;
		} else if ((c == ':' && post_ws) || (c == '#' && pre_ws)) {
			indicators = true;
		}
		if (!printable(s + i))
			special = true;
		if (c == ' ') {
			if (i == 0)
				lead_space = true;
			if (i + w == len)
				trail_space = true;
			if (prev_break)
				break_space = true;
			prev_space = true;
			prev_break = false;
		} else if (c == '\n') {
			breaks = true;
			if (i == 0)
				lead_break = true;
			if (i + w == len)
				trail_break = true;
			if (prev_space)
				space_break = true;
			prev_space = false;
			prev_break = true;
		} else {
			prev_space = prev_break = false;
		}
		pre_ws = blankz(c);
	}
	sc->chars = chars;
	sc->multiline = breaks;
	sc->plain = !(lead_space || lead_break || trail_space || trail_break ||
		break_space || space_break || special || breaks || indicators);
	sc->single = !(break_space || space_break || special);
	sc->block = !(trail_space || space_break || special);
	return 0;
}

static void
put(struct em *e, const char *s, size_t n, int chars)
{
	fq_buf_add(e->out, s, n);
	e->column += chars;
}

static void
put_break(struct em *e)
{
	fq_buf_addch(e->out, '\n');
	e->column = 0;
}

/* libyaml's write_indent: a new line unless at the indentation already */
static void
put_indent(struct em *e)
{
	int ind = e->indent >= 0 ? e->indent : 0;

	if (!e->indention || e->column > ind ||
	    (e->column == ind && !e->whitespace))
		put_break(e);
	while (e->column < ind) {
		fq_buf_addch(e->out, ' ');
		e->column++;
	}
	e->whitespace = e->indention = true;
}

static void
put_indicator(struct em *e, const char *ind, bool need_ws, bool is_ws,
	bool is_indention)
{
	size_t n = strlen(ind);

	if (need_ws && !e->whitespace)
		put(e, " ", 1, 1);
	put(e, ind, n, (int)n);
	e->whitespace = is_ws;
	e->indention = e->indention && is_indention;
}

static int
chars_of(const char *s, size_t n)
{
	int c = 0;
	size_t i;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			c++;
	return c;
}

/* chars: the characters of s, as scan_scalar counted them */
static void
write_plain(struct em *e, const char *s, size_t n, int chars)
{
	if (!e->whitespace && n)
		put(e, " ", 1, 1);
	put(e, s, n, chars);
	e->whitespace = e->indention = false;
}

static void
write_single(struct em *e, const char *s, size_t n)
{
	const char *q;

	put_indicator(e, "'", true, false, false);
	while (n && (q = memchr(s, '\'', n))) {
		size_t k = (size_t)(q - s) + 1;

		put(e, s, k, chars_of(s, k));
		put(e, "'", 1, 1);
		s += k;
		n -= k;
	}
	put(e, s, n, chars_of(s, n));
	put_indicator(e, "'", false, false, false);
	e->whitespace = e->indention = false;
}

static void
write_escape(struct em *e, unsigned v)
{
	static const char hex[] = "0123456789ABCDEF";
	char b[12];
	int k, w;

	b[0] = '\\';
	switch (v) {
	case 0x00: b[1] = '0'; break;
	case 0x07: b[1] = 'a'; break;
	case 0x08: b[1] = 'b'; break;
	case 0x09: b[1] = 't'; break;
	case 0x0A: b[1] = 'n'; break;
	case 0x0B: b[1] = 'v'; break;
	case 0x0C: b[1] = 'f'; break;
	case 0x0D: b[1] = 'r'; break;
	case 0x1B: b[1] = 'e'; break;
	case 0x22: b[1] = '"'; break;
	case 0x5C: b[1] = '\\'; break;
	case 0x85: b[1] = 'N'; break;
	case 0xA0: b[1] = '_'; break;
	case 0x2028: b[1] = 'L'; break;
	case 0x2029: b[1] = 'P'; break;
	default:
		w = v <= 0xFF ? 2 : v <= 0xFFFF ? 4 : 8;
		b[1] = w == 2 ? 'x' : w == 4 ? 'u' : 'U';
		for (k = 0; k < w; k++)
			b[2 + k] = hex[(v >> (4 * (w - 1 - k))) & 0x0F];
		put(e, b, (size_t)w + 2, w + 2);
		return;
	}
	put(e, b, 2, 2);
}

static void
write_double(struct em *e, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, run = 0, w;

	put_indicator(e, "\"", true, false, false);
	while (i < n) {
		unsigned v;
		size_t k;

		w = u8_width(s + i, n - i);
		if (printable(s + i) && s[i] != '\n' && s[i] != '"' &&
		    s[i] != '\\' && !(s[i] == 0xEF && s[i + 1] == 0xBB &&
		    s[i + 2] == 0xBF)) {
			i += w;
			continue;
		}
		put(e, str + run, i - run, chars_of(str + run, i - run));
		v = w == 1 ? s[i] : s[i] & (0xFF >> (w + 1));
		for (k = 1; k < w; k++)
			v = (v << 6) | (s[i + k] & 0x3F);
		write_escape(e, v);
		i += w;
		run = i;
	}
	put(e, str + run, n - run, chars_of(str + run, n - run));
	put_indicator(e, "\"", false, false, false);
	e->whitespace = e->indention = false;
}

/* A literal block; the caller made sure it does not end in two or more
 * line breaks (libyaml's "keep" chomping, which it ends with "..."). */
static void
write_literal(struct em *e, const char *s, size_t n)
{
	bool breaks = true;
	size_t i = 0, j;

	put_indicator(e, "|", true, false, false);
	if (s[0] == ' ' || s[0] == '\n')
		put_indicator(e, "2", false, false, false);
	if (s[n - 1] != '\n')
		put_indicator(e, "-", false, false, false);
	put_break(e);
	e->indention = e->whitespace = true;
	while (i < n) {
		if (s[i] == '\n') {
			put_break(e);
			e->indention = breaks = true;
			i++;
			continue;
		}
		if (breaks)
			put_indent(e);
		for (j = i; j < n && s[j] != '\n'; j++)
			;
		put(e, s + i, j - i, chars_of(s + i, j - i));
		e->indention = breaks = false;
		i = j;
	}
}

/*
 * A scalar (or null) as value, item (key false) or simple key (key
 * true).  The style asked for is node.c's; the style written is the one
 * libyaml's select_scalar_style settles on.
 */
static int
emit_scalar(struct em *e, const struct fq_node *n, bool key)
{
	const char *s = n->kind == FQ_NODE_NULL ? "null" : n->str;
	size_t len;
	struct scan sc;
	enum style st;
	int save = e->indent;

	if (!s)
		return -1;
	len = strlen(s);
	if (scan_scalar(s, len, &sc) < 0)
		return -1;
	if (n->kind == FQ_NODE_NULL)
		st = PLAIN;
	else if (sc.multiline)		/* a '\n' in it */
		st = LITERAL;
	else if (n->quoted ? fq_yaml_looks_typed(s) : fq_yaml_null_plain(s))
		st = DOUBLE;
	else
		st = PLAIN;
	if (key && (sc.multiline || len > KEY_MAX))
		return -1;	/* a complex key ("? "): libyaml's */
	if (st == PLAIN && (!sc.plain || (key && !len)))
		st = SINGLE;
	if (st == SINGLE && !sc.single)
		st = DOUBLE;
	if (st == LITERAL && (!sc.block || key))
		st = DOUBLE;
	if (st == LITERAL && (s[len - 1] == '\n' && (len == 1 ||
	    s[len - 2] == '\n')))
		return -1;
	e->indent += 2;
	switch (st) {
	case PLAIN: write_plain(e, s, len, sc.chars); break;
	case SINGLE: write_single(e, s, len); break;
	case DOUBLE: write_double(e, s, len); break;
	case LITERAL: write_literal(e, s, len); break;
	}
	e->indent = save;
	return 0;
}

static int emit_node(struct em *e, const struct fq_node *n, bool in_map);

/* An empty collection: flow style, "{}" or "[]". */
static void
emit_empty(struct em *e, const char *open, const char *close)
{
	put_indicator(e, open, true, true, false);
	put_indicator(e, close, false, false, false);
}

static int
emit_map(struct em *e, const struct fq_node *n)
{
	int save = e->indent;
	size_t i;

	if (!n->len) {
		emit_empty(e, "{", "}");
		return 0;
	}
	e->indent = e->indent < 0 ? 0 : e->indent + 2;
	for (i = 0; i < n->len; i++) {
		if (!n->keys || !n->keys[i] || !n->vals[i] ||
		    n->keys[i]->kind != FQ_NODE_SCALAR)
			return -1;
		put_indent(e);
		if (emit_scalar(e, n->keys[i], true) < 0)
			return -1;
		put_indicator(e, ":", false, false, false);
		if (emit_node(e, n->vals[i], true) < 0)
			return -1;
	}
	e->indent = save;
	return 0;
}

static int
emit_seq(struct em *e, const struct fq_node *n, bool in_map)
{
	int save = e->indent;
	size_t i;

	if (!n->len) {
		emit_empty(e, "[", "]");
		return 0;
	}
	/* in a mapping, a sequence is not indented ("key:\n- item") */
	if (e->indent < 0)
		e->indent = 0;
	else if (!(in_map && !e->indention))
		e->indent += 2;
	for (i = 0; i < n->len; i++) {
		if (!n->vals[i])
			return -1;
		put_indent(e);
		put_indicator(e, "-", true, false, true);
		if (emit_node(e, n->vals[i], false) < 0)
			return -1;
	}
	e->indent = save;
	return 0;
}

static int
emit_node(struct em *e, const struct fq_node *n, bool in_map)
{
	switch (n->kind) {
	case FQ_NODE_MAP:
		return emit_map(e, n);
	case FQ_NODE_SEQ:
		return emit_seq(e, n, in_map);
	case FQ_NODE_NULL:
	case FQ_NODE_SCALAR:
		return emit_scalar(e, n, false);
	}
	return -1;
}

int
fq_yaml_emit_direct(struct fq_buf *out, const struct fq_node *root)
{
	struct em e;
	size_t start = out->len;

	if (!root || (root->kind != FQ_NODE_MAP && root->kind != FQ_NODE_SEQ))
		return -1;
	e.out = out;
	e.indent = -1;
	e.column = 0;
	e.whitespace = e.indention = true;
	if (emit_node(&e, root, false) < 0) {
		fq_buf_setlen(out, start);
		return -1;
	}
	/* the document's end: a final line break */
	put_indent(&e);
	return 0;
}
