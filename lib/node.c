/*
 * node.c: YAML documents as struct fq_node trees (see fq/node.h).
 *
 * This is the only file that includes <yaml.h>.  Reading walks libyaml's
 * event stream with an explicit stack, refusing anything a case file does
 * not need (aliases, anchors, tags, several documents, deep nesting).
 * Writing chooses the style (literal blocks for multi-line text, double
 * quotes for text that would otherwise read as another type) and leaves
 * the quoting rules to libyaml's emitter; emit.c writes the same bytes
 * without it for the trees it knows (all of fq's files), faster, and
 * fq_yaml_emit() uses libyaml for the rest.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <yaml.h>

#include "fq/node.h"
#include "fq/schema.h"
#include "internal.h"

struct fq_node *
fq_node_new(enum fq_node_kind kind)
{
	struct fq_node *n = fq_xcalloc(1, sizeof(*n));

	n->kind = kind;
	return n;
}

struct fq_node *
fq_node_scalar(const char *s)
{
	struct fq_node *n = fq_node_new(FQ_NODE_SCALAR);

	n->str = fq_xstrdup(s ? s : "");
	return n;
}

struct fq_node *
fq_node_text(const char *s)
{
	struct fq_node *n = fq_node_scalar(s);

	n->quoted = true;
	return n;
}

void
fq_node_free(struct fq_node *n)
{
	size_t i;

	if (!n)
		return;
	for (i = 0; i < n->len; i++) {
		if (n->keys)
			fq_node_free(n->keys[i]);
		fq_node_free(n->vals[i]);
	}
	free(n->keys);
	free(n->vals);
	free(n->str);
	free(n);
}

static void push(struct fq_node *n, struct fq_node *key,
	struct fq_node *val);

struct fq_node *
fq_node_dup(const struct fq_node *n)
{
	struct fq_node *c;
	size_t i;

	if (!n)
		return NULL;
	c = fq_node_new(n->kind);
	c->line = n->line;
	c->column = n->column;
	c->quoted = n->quoted;
	if (n->str)
		c->str = fq_xstrdup(n->str);
	/* Keys are copied too, with their positions and quoting, so that a
	 * copy validates and emits exactly as the original. */
	for (i = 0; i < n->len; i++)
		push(c, n->kind == FQ_NODE_MAP ? fq_node_dup(n->keys[i]) : NULL,
			fq_node_dup(n->vals[i]));
	return c;
}

long
fq_map_index(const struct fq_node *map, const char *key)
{
	size_t i;

	if (!map || map->kind != FQ_NODE_MAP)
		return -1;
	/* the first byte first: most keys differ there; then the rest in
	 * line (keys are short: a call to strcmp costs more) */
	for (i = 0; i < map->len; i++) {
		const unsigned char *k = (const unsigned char *)
			map->keys[i]->str, *q = (const unsigned char *)key;

		if (*k != *q)
			continue;
		while (*k && *k == *q) {
			k++;
			q++;
		}
		if (*k == *q)
			return (long)i;
	}
	return -1;
}

struct fq_node *
fq_map_get(const struct fq_node *map, const char *key)
{
	long i = fq_map_index(map, key);

	return i < 0 ? NULL : map->vals[i];
}

const char *
fq_map_str(const struct fq_node *map, const char *key)
{
	const struct fq_node *n = fq_map_get(map, key);

	if (!n || n->kind != FQ_NODE_SCALAR)
		return NULL;
	return n->str;
}

static void
push(struct fq_node *n, struct fq_node *key, struct fq_node *val)
{
	size_t had = n->alloc;

	FQ_ALLOC_GROW(n->vals, n->len + 1, n->alloc);
	if (n->kind == FQ_NODE_MAP) {
		/* keys has room for alloc entries, as vals: it grows with it */
		if (n->alloc != had || !n->keys)
			n->keys = fq_xrealloc(n->keys,
				n->alloc * sizeof(*n->keys));
		n->keys[n->len] = key;
	}
	n->vals[n->len++] = val;
}

void
fq_map_set(struct fq_node *map, const char *key, struct fq_node *val)
{
	long i = fq_map_index(map, key);

	if (i >= 0) {
		fq_node_free(map->vals[i]);
		map->vals[i] = val;
		return;
	}
	push(map, fq_node_text(key), val);
}

void
fq_map_set_str(struct fq_node *map, const char *key, const char *s)
{
	if (!s) {
		fq_map_del(map, key);
		return;
	}
	fq_map_set(map, key, fq_node_text(s));
}

bool
fq_map_del(struct fq_node *map, const char *key)
{
	long i = fq_map_index(map, key);

	if (i < 0)
		return false;
	fq_node_free(map->keys[i]);
	fq_node_free(map->vals[i]);
	memmove(map->keys + i, map->keys + i + 1,
		(map->len - (size_t)i - 1) * sizeof(*map->keys));
	memmove(map->vals + i, map->vals + i + 1,
		(map->len - (size_t)i - 1) * sizeof(*map->vals));
	map->len--;
	return true;
}

void
fq_seq_push(struct fq_node *seq, struct fq_node *item)
{
	push(seq, NULL, item);
}

bool
fq_node_is_empty(const struct fq_node *n)
{
	if (!n || n->kind == FQ_NODE_NULL)
		return true;
	if (n->kind == FQ_NODE_SCALAR)
		return !n->str[0];
	return n->len == 0;
}

bool
fq_node_equal(const struct fq_node *a, const struct fq_node *b)
{
	size_t i;

	if (!a || !b)
		return a == b;
	if (a->kind != b->kind || a->len != b->len)
		return false;
	if (a->kind == FQ_NODE_SCALAR)
		return !strcmp(a->str, b->str);
	for (i = 0; i < a->len; i++) {
		if (a->kind == FQ_NODE_MAP &&
		    strcmp(a->keys[i]->str, b->keys[i]->str))
			return false;
		if (!fq_node_equal(a->vals[i], b->vals[i]))
			return false;
	}
	return true;
}

/*
 * Reading.
 */

struct frame {
	struct fq_node *node;
	struct fq_node *key;	/* MAP: key waiting for its value */
};

int
fq_yaml_null_plain(const char *s)
{
	return !*s || !strcmp(s, "~") || !strcmp(s, "null") ||
		!strcmp(s, "Null") || !strcmp(s, "NULL");
}

static int
parse_fail(struct fq_error *err, const char *name, const yaml_mark_t *m,
	const char *what)
{
	return fq_error_setpos(err, FQ_EPARSE, name, (unsigned)m->line + 1,
		(unsigned)m->column + 1, "%s", fq_l_fmt(what));
}

/*
 * The position of byte offset off in buf, counted as libyaml counts marks
 * (columns in characters), for the errors libyaml reports as an offset
 * only (its reader's UTF-8 errors) and for the NUL byte we refuse first.
 */
static void
offset_mark(yaml_mark_t *m, const char *buf, size_t len, size_t off)
{
	size_t i;

	m->index = off;
	m->line = m->column = 0;
	for (i = 0; i < off && i < len; i++) {
		if (buf[i] == '\n') {
			m->line++;
			m->column = 0;
		} else if (((unsigned char)buf[i] & 0xC0) != 0x80) {
			m->column++;
		}
	}
}

int
fq_yaml_parse(struct fq_node **out, const char *buf, size_t len,
	const char *name, struct fq_error *err)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	struct frame stack[FQ_NODE_MAX_DEPTH + 1];
	int depth = 0, docs = 0, ret = FQ_OK;
	struct fq_node *root = NULL;
	const char *nul;
	bool done = false;

	*out = NULL;
	if (len > FQ_NODE_MAX_FILE)
		return fq_error_setpos(err, FQ_EPARSE, name, 0, 0,
			"file is larger than %d bytes", FQ_NODE_MAX_FILE);
	if ((nul = memchr(buf, '\0', len))) {
		yaml_mark_t m;

		offset_mark(&m, buf, len, (size_t)(nul - buf));
		return parse_fail(err, name, &m, "file contains a NUL byte");
	}
	if (!yaml_parser_initialize(&parser))
		return fq_error_set(err, FQ_ERROR, "out of memory");
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);

	while (!done) {
		struct fq_node *n = NULL;
		const char *anchor = NULL, *tag = NULL;

		if (!yaml_parser_parse(&parser, &ev)) {
			yaml_mark_t m = parser.problem_mark;
			char msg[256];

			if (parser.error == YAML_READER_ERROR)
				offset_mark(&m, buf, len,
					parser.problem_offset);

			if (parser.context)
				snprintf(msg, sizeof(msg), "%s %s",
					parser.problem ? parser.problem :
					FQ_L_("syntax error"), parser.context);
			else
				snprintf(msg, sizeof(msg), "%s",
					parser.problem ? parser.problem :
					FQ_L_("syntax error"));
			ret = parse_fail(err, name, &m, msg);
			goto out;
		}
		switch (ev.type) {
		case YAML_STREAM_START_EVENT:
		case YAML_DOCUMENT_END_EVENT:
			break;
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (++docs > 1) {
				ret = parse_fail(err, name, &ev.start_mark,
					"more than one document");
				goto out_ev;
			}
			break;
		case YAML_ALIAS_EVENT:
			ret = parse_fail(err, name, &ev.start_mark,
				"aliases are not allowed");
			goto out_ev;
		case YAML_SCALAR_EVENT:
			anchor = (const char *)ev.data.scalar.anchor;
			tag = (const char *)ev.data.scalar.tag;
			if (ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
			    fq_yaml_null_plain((const char *)ev.data.scalar.value)) {
				n = fq_node_new(FQ_NODE_NULL);
			} else {
				n = fq_node_new(FQ_NODE_SCALAR);
				n->str = fq_xstrndup(
					(const char *)ev.data.scalar.value,
					ev.data.scalar.length);
				if (strlen(n->str) != ev.data.scalar.length) {
					fq_node_free(n);
					ret = parse_fail(err, name,
						&ev.start_mark,
						"NUL character in a value");
					goto out_ev;
				}
				n->quoted = ev.data.scalar.style !=
					YAML_PLAIN_SCALAR_STYLE;
			}
			break;
		case YAML_SEQUENCE_START_EVENT:
			anchor = (const char *)ev.data.sequence_start.anchor;
			tag = (const char *)ev.data.sequence_start.tag;
			n = fq_node_new(FQ_NODE_SEQ);
			break;
		case YAML_MAPPING_START_EVENT:
			anchor = (const char *)ev.data.mapping_start.anchor;
			tag = (const char *)ev.data.mapping_start.tag;
			n = fq_node_new(FQ_NODE_MAP);
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			depth--;
			if (depth == 0)
				root = stack[0].node;
			break;
		default:
			break;
		}
		if (anchor || tag) {
			fq_node_free(n);
			ret = parse_fail(err, name, &ev.start_mark, anchor ?
				"anchors are not allowed" :
				FQ_N_("tags are not allowed"));
			goto out_ev;
		}
		if (n) {
			n->line = (unsigned)ev.start_mark.line + 1;
			n->column = (unsigned)ev.start_mark.column + 1;
			if (depth == 0) {
				if (root) {
					fq_node_free(n);
					ret = parse_fail(err, name,
						&ev.start_mark,
						"more than one document");
					goto out_ev;
				}
				if (n->kind == FQ_NODE_MAP ||
				    n->kind == FQ_NODE_SEQ) {
					stack[depth].node = n;
					stack[depth].key = NULL;
					depth++;
					root = NULL;
					/* root stays owned by the stack */
				} else {
					root = n;
				}
			} else {
				struct frame *f = &stack[depth - 1];

				if (f->node->kind == FQ_NODE_MAP && !f->key) {
					if (n->kind != FQ_NODE_SCALAR) {
						ret = parse_fail(err, name,
							&ev.start_mark,
							n->kind == FQ_NODE_NULL ?
							"empty key" :
							FQ_N_("keys must be plain text"));
						fq_node_free(n);
						goto out_ev;
					}
					if (fq_map_index(f->node, n->str) >= 0) {
						char msg[300];

						snprintf(msg, sizeof(msg),
							FQ_L_("duplicate key '%.200s'"),
							n->str);
						fq_node_free(n);
						ret = parse_fail(err, name,
							&ev.start_mark, msg);
						goto out_ev;
					}
					f->key = n;
				} else {
					push(f->node, f->key, n);
					f->key = NULL;
				}
				if (n->kind == FQ_NODE_MAP ||
				    n->kind == FQ_NODE_SEQ) {
					if (depth >= FQ_NODE_MAX_DEPTH) {
						ret = parse_fail(err, name,
							&ev.start_mark,
							"nesting is too deep");
						goto out_ev;
					}
					stack[depth].node = n;
					stack[depth].key = NULL;
					depth++;
				}
			}
		}
		yaml_event_delete(&ev);
	}
	if (!root)
		root = fq_node_new(FQ_NODE_NULL);
	*out = root;
	root = NULL;
	goto out;
out_ev:
	yaml_event_delete(&ev);
out:
	if (ret != FQ_OK) {
		/* Free what was built: the bottom of the stack owns it all,
		 * except a key that was read but not yet attached. */
		int i;

		for (i = 0; i < depth; i++)
			fq_node_free(stack[i].key);
		if (depth > 0)
			fq_node_free(stack[0].node);
		else
			fq_node_free(root);
	}
	yaml_parser_delete(&parser);
	return ret;
}

int
fq_yaml_load(struct fq_node **out, const char *path, struct fq_error *err)
{
	struct fq_buf b = FQ_BUF_INIT;
	int ret;

	*out = NULL;
	if (fq_buf_read_file(&b, path, FQ_NODE_MAX_FILE) < 0) {
		int e = errno;

		fq_buf_release(&b);
		if (e == EFBIG)
			return fq_error_setpos(err, FQ_EPARSE, path, 0, 0,
				"file is larger than %d bytes",
				FQ_NODE_MAX_FILE);
		if (e == ELOOP)
			return fq_error_setpos(err, FQ_EINVALID, path, 0, 0,
				"is a symbolic link");
		return fq_error_setpos(err, e == ENOENT ? FQ_ENOTFOUND :
			FQ_ERROR, path, 0, 0, "cannot read: %s", strerror(e));
	}
	ret = fq_yaml_parse(out, b.buf, b.len, path, err);
	fq_buf_release(&b);
	return ret;
}

/*
 * Writing.
 */

int
fq_yaml_looks_typed(const char *s)
{
	static const struct {
		const char *w;
		size_t len;
	} words[] = {
		{ "null", 4 }, { "~", 1 }, { "true", 4 }, { "false", 5 },
		{ "yes", 3 }, { "no", 2 }, { "on", 2 }, { "off", 3 },
		{ "y", 1 }, { "n", 1 }, { ".inf", 4 }, { "-.inf", 5 },
		{ "+.inf", 5 }, { ".nan", 4 }
	};
	size_t i, n;
	const char *p;
	char c0;

	if (!*s)
		return true;
	/* every word is at most 5 bytes and starts with one of these; only
	 * a word of the same length and first letter can be it (a key is
	 * asked this every time a case is written) */
	if (strchr("nN~tTfFyYoO.-+", *s) && (n = strnlen(s, 6)) <= 5) {
		c0 = *s >= 'A' && *s <= 'Z' ? (char)(*s - 'A' + 'a') : *s;
		for (i = 0; i < FQ_ARRAY_SIZE(words); i++)
			if (words[i].len == n && words[i].w[0] == c0 &&
			    !strcasecmp(s, words[i].w))
				return true;
	}
	p = s;
	if (*p == '+' || *p == '-' || *p == '.')
		p++;
	if (!isdigit((unsigned char)*p))
		return false;
	for (; *p; p++)
		if (!isxdigit((unsigned char)*p) && !strchr("xXoO_.:+-", *p))
			return false;
	return true;
}

static int
write_handler(void *data, unsigned char *buffer, size_t size)
{
	fq_buf_add(data, buffer, size);
	return 1;
}

/*
 * libyaml's event initializers refuse text that is not UTF-8 and leave
 * the event as it was: emitting it anyway hands the emitter the event
 * before it, whose strings it has already freed (a double free, or a
 * hang on what is left on the stack).  Say why instead.
 */
static int
not_utf8(yaml_emitter_t *e)
{
	e->error = YAML_EMITTER_ERROR;
	e->problem = FQ_L_("a text is not valid UTF-8");
	return 0;
}

static int
emit_node(yaml_emitter_t *e, const struct fq_node *n)
{
	yaml_event_t ev;
	size_t i;

	switch (n->kind) {
	case FQ_NODE_NULL:
		if (!yaml_scalar_event_initialize(&ev, NULL, NULL,
		    (yaml_char_t *)"null", 4, 1, 1, YAML_PLAIN_SCALAR_STYLE))
			return not_utf8(e);
		return yaml_emitter_emit(e, &ev);
	case FQ_NODE_SCALAR: {
		yaml_scalar_style_t style = YAML_ANY_SCALAR_STYLE;

		if (strchr(n->str, '\n'))
			style = YAML_LITERAL_SCALAR_STYLE;
		else if (n->quoted ? fq_yaml_looks_typed(n->str) :
		    fq_yaml_null_plain(n->str))
			/* Text that reads as another type, and any scalar
			 * that would read back as null. */
			style = YAML_DOUBLE_QUOTED_SCALAR_STYLE;
		/* libyaml lets surrogates through and writes them as
		 * escapes that no YAML reader takes back */
		if (!fq_utf8_valid(n->str) ||
		    !yaml_scalar_event_initialize(&ev, NULL, NULL,
		    (yaml_char_t *)n->str, (int)strlen(n->str), 1, 1, style))
			return not_utf8(e);
		return yaml_emitter_emit(e, &ev);
	}
	case FQ_NODE_SEQ:
		if (!yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
		    YAML_BLOCK_SEQUENCE_STYLE) || !yaml_emitter_emit(e, &ev))
			return 0;
		for (i = 0; i < n->len; i++)
			if (!emit_node(e, n->vals[i]))
				return 0;
		yaml_sequence_end_event_initialize(&ev);
		return yaml_emitter_emit(e, &ev);
	case FQ_NODE_MAP:
		if (!yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
		    YAML_BLOCK_MAPPING_STYLE) || !yaml_emitter_emit(e, &ev))
			return 0;
		for (i = 0; i < n->len; i++) {
			if (!emit_node(e, n->keys[i]) ||
			    !emit_node(e, n->vals[i]))
				return 0;
		}
		yaml_mapping_end_event_initialize(&ev);
		return yaml_emitter_emit(e, &ev);
	}
	return 0;
}

int
fq_yaml_emit(struct fq_buf *out, const struct fq_node *root,
	struct fq_error *err)
{
	if (fq_yaml_emit_direct(out, root) == 0)
		return FQ_OK;
	return fq_yaml_emit_libyaml(out, root, err);
}

int
fq_yaml_emit_libyaml(struct fq_buf *out, const struct fq_node *root,
	struct fq_error *err)
{
	yaml_emitter_t e;
	yaml_event_t ev;
	size_t start = out->len;
	int ok;

	if (!yaml_emitter_initialize(&e))
		return fq_error_set(err, FQ_ERROR, "out of memory");
	yaml_emitter_set_output(&e, write_handler, out);
	yaml_emitter_set_unicode(&e, 1);
	yaml_emitter_set_width(&e, -1);
	yaml_emitter_set_indent(&e, 2);
	yaml_emitter_set_break(&e, YAML_LN_BREAK);

	yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
	ok = yaml_emitter_emit(&e, &ev);
	if (ok) {
		yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1);
		ok = yaml_emitter_emit(&e, &ev);
	}
	if (ok)
		ok = emit_node(&e, root);
	if (ok) {
		yaml_document_end_event_initialize(&ev, 1);
		ok = yaml_emitter_emit(&e, &ev);
	}
	if (ok) {
		yaml_stream_end_event_initialize(&ev);
		ok = yaml_emitter_emit(&e, &ev);
	}
	if (ok)
		ok = yaml_emitter_flush(&e);
	if (!ok) {
		int r = fq_error_set(err, FQ_ERROR, "cannot write YAML: %s",
			e.problem ? e.problem : FQ_L_("emitter error"));
		yaml_emitter_delete(&e);
		fq_buf_setlen(out, start);	/* nothing half-written */
		return r;
	}
	yaml_emitter_delete(&e);
	return FQ_OK;
}
