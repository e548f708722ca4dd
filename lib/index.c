/*
 * index.c: case summaries cached by blob id (see fq/index.h).
 *
 * File format (.git/fq/index), text, one case per line after the header:
 *
 *	fq-index 1
 *	<40-hex blob id> TAB <field> TAB <field> ... NEWLINE
 *
 * Fields are the scalar keys in the order of scalar_keys[], then the
 * mediators joined by 0x1F, then the referrals as to/from agency pairs
 * joined by 0x1F ("to>from").  A missing value is empty.  Backslash,
 * tab and newline inside a value are escaped as \\, \t and \n.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fq/index.h"
#include "internal.h"

#define INDEX_MAGIC "fq-index 1\n"

static const char *const scalar_keys[] = {
	"id", "title", "status", "outcome", "category", "source",
	"risk_color", "village", "reported_on", "accepted_on", "due_on",
	"closed_on"
};
#define NSCALAR FQ_ARRAY_SIZE(scalar_keys)

struct fq_node *
fq_index_summary(const struct fq_node *c)
{
	struct fq_node *s = fq_node_new(FQ_NODE_MAP), *seq;
	const struct fq_node *v;
	size_t i;

	for (i = 0; i < NSCALAR; i++) {
		const char *x = fq_map_str(c, scalar_keys[i]);

		if (x)
			fq_map_set(s, scalar_keys[i], fq_node_scalar(x));
	}
	v = fq_map_get(c, "mediators");
	if (v && v->kind == FQ_NODE_SEQ) {
		seq = fq_node_new(FQ_NODE_SEQ);
		for (i = 0; i < v->len; i++)
			if (v->vals[i]->kind == FQ_NODE_SCALAR)
				fq_seq_push(seq, fq_node_scalar(v->vals[i]->str));
		fq_map_set(s, "mediators", seq);
	}
	v = fq_map_get(c, "referrals");
	if (v && v->kind == FQ_NODE_SEQ) {
		seq = fq_node_new(FQ_NODE_SEQ);
		for (i = 0; i < v->len; i++) {
			struct fq_node *r = fq_node_new(FQ_NODE_MAP);
			const char *to = fq_map_str(v->vals[i], "to_agency");
			const char *from = fq_map_str(v->vals[i], "from_agency");

			if (to)
				fq_map_set(r, "to_agency", fq_node_scalar(to));
			if (from)
				fq_map_set(r, "from_agency",
					fq_node_scalar(from));
			fq_seq_push(seq, r);
		}
		fq_map_set(s, "referrals", seq);
	}
	return s;
}

/* --- escaping --- */

static void
put_escaped(struct fq_buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\')
			fq_buf_adds(b, "\\\\");
		else if (*s == '\t')
			fq_buf_adds(b, "\\t");
		else if (*s == '\n')
			fq_buf_adds(b, "\\n");
		else
			fq_buf_addch(b, *s);
	}
}

/* Unescape s[0..len) into a fresh string. */
static char *
unescape(const char *s, size_t len)
{
	char *out = fq_xmalloc(len + 1), *o = out;
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] == '\\' && i + 1 < len) {
			i++;
			*o++ = s[i] == 't' ? '\t' : s[i] == 'n' ? '\n' : s[i];
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	return out;
}

static void
put_line(struct fq_buf *b, const char *oid, const struct fq_node *s)
{
	const struct fq_node *v;
	size_t i;

	fq_buf_adds(b, oid);
	for (i = 0; i < NSCALAR; i++) {
		const char *x = fq_map_str(s, scalar_keys[i]);

		fq_buf_addch(b, '\t');
		if (x)
			put_escaped(b, x);
	}
	fq_buf_addch(b, '\t');
	v = fq_map_get(s, "mediators");
	for (i = 0; v && i < v->len; i++) {
		if (i)
			fq_buf_addch(b, '\x1f');
		put_escaped(b, v->vals[i]->str);
	}
	fq_buf_addch(b, '\t');
	v = fq_map_get(s, "referrals");
	if (v)
		fq_buf_addch(b, 'R');	/* has a referrals list */
	for (i = 0; v && i < v->len; i++) {
		const char *to = fq_map_str(v->vals[i], "to_agency");
		const char *from = fq_map_str(v->vals[i], "from_agency");

		if (i)
			fq_buf_addch(b, '\x1f');
		put_escaped(b, to ? to : "");
		fq_buf_addch(b, '>');
		put_escaped(b, from ? from : "");
	}
	fq_buf_addch(b, '\n');
}

/* Parse the fields of one line (after "oid\t") into a summary. */
static struct fq_node *
get_line(const char *p, const char *end)
{
	struct fq_node *s = fq_node_new(FQ_NODE_MAP);
	const char *f[NSCALAR + 2];
	size_t flen[NSCALAR + 2], k = 0, i;
	const char *q = p;

	while (k < NSCALAR + 2) {
		const char *t = memchr(q, '\t', (size_t)(end - q));

		f[k] = q;
		if (!t || k == NSCALAR + 1) {
			flen[k] = (size_t)(end - q);
			k++;
			break;
		}
		flen[k] = (size_t)(t - q);
		k++;
		q = t + 1;
	}
	if (k != NSCALAR + 2) {
		fq_node_free(s);
		return NULL;
	}
	for (i = 0; i < NSCALAR; i++) {
		struct fq_node *n;

		if (!flen[i])
			continue;
		n = fq_node_new(FQ_NODE_SCALAR);
		n->str = unescape(f[i], flen[i]);
		fq_map_set(s, scalar_keys[i], n);
	}
	if (flen[NSCALAR]) {
		struct fq_node *seq = fq_node_new(FQ_NODE_SEQ);
		const char *a = f[NSCALAR], *e = a + flen[NSCALAR];

		while (a <= e) {
			const char *sep = memchr(a, '\x1f', (size_t)(e - a));
			const char *stop = sep ? sep : e;
			struct fq_node *n = fq_node_new(FQ_NODE_SCALAR);

			n->str = unescape(a, (size_t)(stop - a));
			fq_seq_push(seq, n);
			a = stop + 1;
		}
		fq_map_set(s, "mediators", seq);
	}
	if (flen[NSCALAR + 1] && f[NSCALAR + 1][0] == 'R') {
		struct fq_node *seq = fq_node_new(FQ_NODE_SEQ);
		const char *a = f[NSCALAR + 1] + 1;
		const char *e = f[NSCALAR + 1] + flen[NSCALAR + 1];

		while (a < e) {
			const char *sep = memchr(a, '\x1f', (size_t)(e - a));
			const char *stop = sep ? sep : e;
			const char *gt = memchr(a, '>', (size_t)(stop - a));
			struct fq_node *r = fq_node_new(FQ_NODE_MAP);

			if (gt) {
				char *to = unescape(a, (size_t)(gt - a));
				char *from = unescape(gt + 1,
					(size_t)(stop - gt - 1));

				if (*to)
					fq_map_set(r, "to_agency",
						fq_node_scalar(to));
				if (*from)
					fq_map_set(r, "from_agency",
						fq_node_scalar(from));
				free(to);
				free(from);
			}
			fq_seq_push(seq, r);
			a = stop + 1;
		}
		fq_map_set(s, "referrals", seq);
	}
	return s;
}

/* --- the table: open addressing over blob ids --- */

struct slot {
	const char *oid;	/* points into the loaded file, 40 chars */
	const char *rest;	/* the fields */
	const char *end;	/* end of line */
};

struct table {
	struct slot *v;
	size_t cap;
};

static size_t
hash_oid(const char *oid)
{
	size_t h = 0;
	int i;

	for (i = 0; i < 16; i++)
		h = h * 16 + (size_t)(oid[i] <= '9' ? oid[i] - '0' :
			oid[i] - 'a' + 10);
	return h;
}

static void
table_load(struct table *t, const struct fq_buf *data)
{
	const char *p, *end = data->buf + data->len;
	size_t lines = 0;

	t->v = NULL;
	t->cap = 0;
	if (data->len < strlen(INDEX_MAGIC) ||
	    memcmp(data->buf, INDEX_MAGIC, strlen(INDEX_MAGIC)))
		return;
	for (p = data->buf; p < end; p++)
		if (*p == '\n')
			lines++;
	t->cap = 16;
	while (t->cap < lines * 2)
		t->cap *= 2;
	t->v = fq_xcalloc(t->cap, sizeof(*t->v));
	p = data->buf + strlen(INDEX_MAGIC);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t h;

		if (!nl)
			break;
		if (nl - p > 41 && p[40] == '\t') {
			h = hash_oid(p) & (t->cap - 1);
			while (t->v[h].oid)
				h = (h + 1) & (t->cap - 1);
			t->v[h].oid = p;
			t->v[h].rest = p + 41;
			t->v[h].end = nl;
		}
		p = nl + 1;
	}
}

static const struct slot *
table_get(const struct table *t, const char *oid)
{
	size_t h;

	if (!t->cap)
		return NULL;
	h = hash_oid(oid) & (t->cap - 1);
	while (t->v[h].oid) {
		if (!memcmp(t->v[h].oid, oid, 40))
			return &t->v[h];
		h = (h + 1) & (t->cap - 1);
	}
	return NULL;
}

struct scan {
	fq_store *st;
	fq_index_fn fn;
	void *data;
	struct table t;
	struct fq_buf out;	/* the new index */
	struct fq_buf blob;
	size_t hits, misses;
};

static int
each(const char *relpath, const char *oid, void *data)
{
	struct scan *x = data;
	const struct slot *sl = table_get(&x->t, oid);
	struct fq_node *s = NULL, *c = NULL;
	struct fq_error err = FQ_ERROR_INIT;
	size_t before = x->out.len;
	int ret;

	if (sl && (s = get_line(sl->rest, sl->end))) {
		x->hits++;
		fq_buf_add(&x->out, sl->oid, (size_t)(sl->end - sl->oid) + 1);
	} else {
		x->misses++;
		fq_buf_reset(&x->blob);
		if (fq_store_read_head(x->st, relpath, &x->blob, &err) == 0 &&
		    fq_yaml_parse(&c, x->blob.buf, x->blob.len, relpath,
		    &err) == 0 && c->kind == FQ_NODE_MAP) {
			s = fq_index_summary(c);
			put_line(&x->out, oid, s);
		}
		fq_node_free(c);
	}
	(void)before;
	ret = x->fn(relpath, oid, s, x->data);
	fq_node_free(s);
	return ret;
}

static void
write_index(const char *path, const struct fq_buf *b)
{
	struct fq_buf tmp = FQ_BUF_INIT;
	int fd;

	fq_buf_addf(&tmp, "%s.tmpXXXXXX", path);
	fd = mkstemp(tmp.buf);
	if (fd < 0)
		goto out;
	if (write(fd, b->buf, b->len) != (ssize_t)b->len || fsync(fd) < 0) {
		close(fd);
		unlink(tmp.buf);
		goto out;
	}
	close(fd);
	if (rename(tmp.buf, path) < 0)
		unlink(tmp.buf);
out:
	fq_buf_release(&tmp);
}

int
fq_index_scan(fq_store *st, fq_index_fn fn, void *data, struct fq_error *err)
{
	struct scan x;
	struct fq_buf path = FQ_BUF_INIT, old = FQ_BUF_INIT;
	size_t old_lines = 0, i;
	int ret;

	memset(&x, 0, sizeof(x));
	x.st = st;
	x.fn = fn;
	x.data = data;
	fq_buf_init(&x.out);
	fq_buf_init(&x.blob);
	fq_buf_addf(&path, "%s/index", fq_store_private_dir(st));
	if (fq_buf_read_file(&old, path.buf, 0) < 0)
		fq_buf_reset(&old);
	table_load(&x.t, &old);
	for (i = 0; i < x.t.cap; i++)
		if (x.t.v[i].oid)
			old_lines++;
	fq_buf_adds(&x.out, INDEX_MAGIC);
	ret = fq_store_foreach(st, each, &x, err);
	if (ret == FQ_OK && (x.misses || x.hits != old_lines))
		write_index(path.buf, &x.out);
	free(x.t.v);
	fq_buf_release(&x.out);
	fq_buf_release(&x.blob);
	fq_buf_release(&path);
	fq_buf_release(&old);
	return ret;
}
