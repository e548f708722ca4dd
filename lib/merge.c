/*
 * merge.c: the three-way merge of one case (see fq/sync.h).
 *
 * A pure function on trees: nothing here touches git or the disk.
 */
#include <stdio.h>

#include "fq/sync.h"
#include "internal.h"

void
fq_conflicts_release(struct fq_conflicts *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->n; i++) {
		free(c->v[i].field);
		free(c->v[i].kept);
		free(c->v[i].other);
	}
	free(c->v);
	c->v = NULL;
	c->n = c->alloc = 0;
}

struct mctx {
	const struct fq_merge_opts *o;
	struct fq_conflicts *out;	/* all conflicts of this case */
	struct fq_error *err;
};

/* Absent (NULL) equals only absent. */
static bool
same(const struct fq_node *a, const struct fq_node *b)
{
	if (!a || !b)
		return a == b;
	return fq_node_equal(a, b);
}

static struct fq_node *
dup_or_null(const struct fq_node *n)
{
	return n ? fq_node_dup(n) : NULL;
}

/* A value as one piece of text: a scalar as is, anything else as YAML. */
static char *
value_text(const struct fq_node *n)
{
	struct fq_buf b = FQ_BUF_INIT;

	if (!n)
		return NULL;
	if (n->kind == FQ_NODE_SCALAR)
		return fq_xstrdup(n->str);
	if (n->kind == FQ_NODE_NULL)
		return fq_xstrdup("");
	if (fq_yaml_emit(&b, n, NULL) < 0) {
		fq_buf_release(&b);
		return fq_xstrdup("?");
	}
	while (b.len && b.buf[b.len - 1] == '\n')
		fq_buf_setlen(&b, b.len - 1);
	return fq_buf_detach(&b, NULL);
}

static void
add_conflict(struct mctx *m, const char *field, const struct fq_node *kept,
	const struct fq_node *other)
{
	struct fq_conflict *c;

	FQ_ALLOC_GROW(m->out->v, m->out->n + 1, m->out->alloc);
	c = &m->out->v[m->out->n++];
	c->field = fq_xstrdup(field);
	c->kept = value_text(kept);
	c->other = value_text(other);
}

/*
 * Timestamps: YYYY-MM-DDTHH:MM[:SS[.frac]][Z|+HH:MM|-HH:MM] to seconds,
 * for ordering only.  Returns false when t is not of that form.
 */
static long long
days_from_civil(int y, int m, int d)
{
	long long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static bool
digits(const char *s, int n, int *out)
{
	int i, v = 0;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

static bool
parse_ts(const char *t, long long *out)
{
	int y, mo, d, h = 0, mi = 0, se = 0, oh = 0, om = 0, sign = 1;
	const char *p;

	if (!t || !digits(t, 4, &y) || t[4] != '-' || !digits(t + 5, 2, &mo) ||
	    t[7] != '-' || !digits(t + 8, 2, &d))
		return false;
	p = t + 10;
	if (*p == 'T' || *p == ' ') {
		if (!digits(p + 1, 2, &h) || p[3] != ':' ||
		    !digits(p + 4, 2, &mi))
			return false;
		p += 6;
		if (*p == ':') {
			if (!digits(p + 1, 2, &se))
				return false;
			p += 3;
			if (*p == '.' || *p == ',')
				for (p++; *p >= '0' && *p <= '9'; p++)
					;
		}
		if (*p == 'Z') {
			p++;
		} else if (*p == '+' || *p == '-') {
			sign = *p == '-' ? -1 : 1;
			if (!digits(p + 1, 2, &oh))
				return false;
			p += 3;
			if (*p == ':')
				p++;
			if (!digits(p, 2, &om))
				return false;
			p += 2;
		}
	}
	if (*p)
		return false;
	*out = ((days_from_civil(y, mo, d) * 24 + h) * 60 + mi) * 60 + se -
		sign * (oh * 3600 + om * 60);
	return true;
}

static int
cmp_at(const struct fq_node *a, const struct fq_node *b)
{
	const char *x = a && a->kind == FQ_NODE_MAP ? fq_map_str(a, "at") :
		NULL;
	const char *y = b && b->kind == FQ_NODE_MAP ? fq_map_str(b, "at") :
		NULL;
	long long tx, ty;

	if (!x || !y)
		return (x != NULL) - (y != NULL);
	if (parse_ts(x, &tx) && parse_ts(y, &ty))
		return tx < ty ? -1 : tx > ty;
	return strcmp(x, y);
}

/* Stable insertion sort by `at`: event logs are short and nearly sorted. */
static void
sort_by_at(struct fq_node *seq)
{
	size_t i, j;

	for (i = 1; i < seq->len; i++) {
		struct fq_node *v = seq->vals[i];

		for (j = i; j > 0 && cmp_at(seq->vals[j - 1], v) > 0; j--)
			seq->vals[j] = seq->vals[j - 1];
		seq->vals[j] = v;
	}
}

static size_t
seq_len(const struct fq_node *n)
{
	return n && n->kind == FQ_NODE_SEQ ? n->len : 0;
}

/* Index of an unused item of seq equal to x, or -1; marks it used. */
static long
take_equal(const struct fq_node *seq, bool *used, const struct fq_node *x)
{
	size_t i;

	for (i = 0; i < seq_len(seq); i++) {
		if (!used[i] && fq_node_equal(seq->vals[i], x)) {
			used[i] = true;
			return (long)i;
		}
	}
	return -1;
}

/*
 * Lists as multisets: an item in both sides is kept once; an item only on
 * one side is kept unless it is in base (then the other side removed it).
 * This side's order first, then the other side's additions.
 */
static struct fq_node *
merge_set(const struct fq_node *base, const struct fq_node *ours,
	const struct fq_node *theirs)
{
	struct fq_node *r = fq_node_new(FQ_NODE_SEQ);
	size_t nb = seq_len(base), nt = seq_len(theirs), i;
	bool *tused = fq_xcalloc(nt + 1, 1);
	bool *bo = fq_xcalloc(nb + 1, 1), *bt = fq_xcalloc(nb + 1, 1);

	for (i = 0; i < seq_len(ours); i++) {
		const struct fq_node *x = ours->vals[i];

		if (take_equal(theirs, tused, x) >= 0 ||
		    take_equal(base, bo, x) < 0)
			fq_seq_push(r, fq_node_dup(x));
	}
	for (i = 0; i < nt; i++) {
		const struct fq_node *x = theirs->vals[i];

		if (tused[i])
			continue;
		if (take_equal(base, bt, x) < 0)
			fq_seq_push(r, fq_node_dup(x));
	}
	free(tused);
	free(bo);
	free(bt);
	return r;
}

static struct fq_node *merge_value(struct mctx *m, const char *path,
	const char *key, const struct fq_node *base, const struct fq_node *ours,
	const struct fq_node *theirs, int depth);

/* The item of a list of mappings whose key field is val, or NULL. */
static const struct fq_node *
find_keyed(const struct fq_node *seq, const char *key, const char *val)
{
	size_t i;

	for (i = 0; i < seq_len(seq); i++) {
		const char *v = seq->vals[i]->kind == FQ_NODE_MAP ?
			fq_map_str(seq->vals[i], key) : NULL;

		if (v && !strcmp(v, val))
			return seq->vals[i];
	}
	return NULL;
}

/* Every item a mapping with a distinct scalar key field? */
static bool
keyed(const struct fq_node *seq, const char *key)
{
	size_t i, j;

	for (i = 0; i < seq_len(seq); i++) {
		const char *v = seq->vals[i]->kind == FQ_NODE_MAP ?
			fq_map_str(seq->vals[i], key) : NULL;

		if (!v)
			return false;
		for (j = 0; j < i; j++)
			if (!strcmp(v, fq_map_str(seq->vals[j], key)))
				return false;
	}
	return true;
}

/* Referrals: matched by their number, each merged field by field. */
static struct fq_node *
merge_keyed(struct mctx *m, const char *path, const char *key,
	const struct fq_node *base, const struct fq_node *ours,
	const struct fq_node *theirs, int depth)
{
	struct fq_node *r = fq_node_new(FQ_NODE_SEQ), *v;
	struct fq_buf p = FQ_BUF_INIT;
	size_t i;

	for (i = 0; i < seq_len(ours); i++) {
		const struct fq_node *o = ours->vals[i];
		const char *id = fq_map_str(o, key);
		const struct fq_node *b = find_keyed(base, key, id);
		const struct fq_node *t = find_keyed(theirs, key, id);

		fq_buf_reset(&p);
		fq_buf_addf(&p, "%s[%s]", path, id);
		if (!t && b && same(b, o))
			continue;	/* removed there, untouched here */
		if (!t) {
			fq_seq_push(r, fq_node_dup(o));
			continue;
		}
		if (!b && !same(o, t)) {
			/* both added a different item under one number */
			add_conflict(m, p.buf, o, t);
			fq_seq_push(r, fq_node_dup(o));
			continue;
		}
		v = merge_value(m, p.buf, NULL, b, o, t, depth + 1);
		if (v)
			fq_seq_push(r, v);
	}
	for (i = 0; i < seq_len(theirs); i++) {
		const struct fq_node *t = theirs->vals[i];
		const char *id = fq_map_str(t, key);
		const struct fq_node *b = find_keyed(base, key, id);

		if (find_keyed(ours, key, id))
			continue;
		if (b && same(b, t))
			continue;	/* removed here, untouched there */
		if (b) {
			/* removed here, changed there: keep the change */
			fq_buf_reset(&p);
			fq_buf_addf(&p, "%s[%s]", path, id);
			add_conflict(m, p.buf, t, NULL);
		}
		fq_seq_push(r, fq_node_dup(t));
	}
	fq_buf_release(&p);
	return r;
}

static struct fq_node *
merge_map(struct mctx *m, const char *path, const struct fq_node *base,
	const struct fq_node *ours, const struct fq_node *theirs, int depth)
{
	struct fq_node *r = fq_node_new(FQ_NODE_MAP), *v;
	struct fq_buf p = FQ_BUF_INIT;
	const struct fq_node *b = base && base->kind == FQ_NODE_MAP ? base :
		NULL;
	size_t i;

	for (i = 0; i < ours->len; i++) {
		const char *k = ours->keys[i]->str;

		fq_buf_reset(&p);
		fq_buf_addf(&p, "%s%s%s", path, *path ? "." : "", k);
		v = merge_value(m, p.buf, k, b ? fq_map_get(b, k) : NULL,
			ours->vals[i], fq_map_get(theirs, k), depth + 1);
		if (v)
			fq_map_set(r, k, v);
	}
	for (i = 0; i < theirs->len; i++) {
		const char *k = theirs->keys[i]->str;

		if (fq_map_get(ours, k))
			continue;
		fq_buf_reset(&p);
		fq_buf_addf(&p, "%s%s%s", path, *path ? "." : "", k);
		v = merge_value(m, p.buf, k, b ? fq_map_get(b, k) : NULL,
			NULL, theirs->vals[i], depth + 1);
		if (v)
			fq_map_set(r, k, v);
	}
	fq_buf_release(&p);
	return r;
}

/* The later (or earlier) of two timestamps or dates. */
static struct fq_node *
pick_time(const struct fq_node *a, const struct fq_node *b, bool later)
{
	long long x, y;
	int c;

	if (!a || a->kind != FQ_NODE_SCALAR)
		return dup_or_null(b ? b : a);
	if (!b || b->kind != FQ_NODE_SCALAR)
		return fq_node_dup(a);
	if (parse_ts(a->str, &x) && parse_ts(b->str, &y))
		c = x < y ? -1 : x > y;
	else
		c = strcmp(a->str, b->str);
	return fq_node_dup((c >= 0) == later ? a : b);
}

/*
 * One value, three ways.  key is the mapping key it sits under (NULL in a
 * list); depth 0 is the case itself.
 */
static struct fq_node *
merge_value(struct mctx *m, const char *path, const char *key,
	const struct fq_node *base, const struct fq_node *ours,
	const struct fq_node *theirs, int depth)
{
	bool top = depth == 1;
	struct fq_node *r;

	if (same(ours, theirs))
		return dup_or_null(ours);
	if (same(base, ours))
		return dup_or_null(theirs);
	if (same(base, theirs))
		return dup_or_null(ours);
	if (depth > FQ_NODE_MAX_DEPTH) {
		add_conflict(m, path, ours, theirs);
		return dup_or_null(ours);
	}
	if (top && key && !strcmp(key, "updated_at"))
		return pick_time(ours, theirs, true);
	if (top && key && !strcmp(key, "due_on"))
		return pick_time(ours, theirs, false);
	if (ours && theirs && ours->kind == FQ_NODE_SEQ &&
	    theirs->kind == FQ_NODE_SEQ &&
	    (!base || base->kind == FQ_NODE_SEQ)) {
		if (top && key && !strcmp(key, "events")) {
			r = merge_set(base, ours, theirs);
			sort_by_at(r);
			return r;
		}
		if (top && key && !strcmp(key, "referrals") &&
		    keyed(base, "n") && keyed(ours, "n") &&
		    keyed(theirs, "n"))
			return merge_keyed(m, path, "n", base, ours, theirs,
				depth);
		return merge_set(base, ours, theirs);
	}
	if (ours && theirs && ours->kind == FQ_NODE_MAP &&
	    theirs->kind == FQ_NODE_MAP &&
	    ((base && base->kind == FQ_NODE_MAP) || depth == 0))
		return merge_map(m, path, base, ours, theirs, depth);
	/* a true conflict: this side's value stays, or the one still there */
	add_conflict(m, path, ours ? ours : theirs, ours ? theirs : NULL);
	return dup_or_null(ours ? ours : theirs);
}

/* Record conflicts in the case: conflicts: entries and a flags: line. */
static void
record(struct fq_node *c, const struct fq_conflicts *v, size_t first,
	const struct fq_merge_opts *o)
{
	struct fq_node *list = fq_map_get(c, "conflicts");
	struct fq_node *flags = fq_map_get(c, "flags");
	struct fq_buf f = FQ_BUF_INIT;
	size_t i, j;

	if (first >= v->n)
		return;
	if (!list || list->kind != FQ_NODE_SEQ) {
		list = fq_node_new(FQ_NODE_SEQ);
		fq_map_set(c, "conflicts", list);
	}
	if (!flags || flags->kind != FQ_NODE_SEQ) {
		flags = fq_node_new(FQ_NODE_SEQ);
		fq_map_set(c, "flags", flags);
	}
	for (i = first; i < v->n; i++) {
		struct fq_node *e = fq_node_new(FQ_NODE_MAP), *fl;
		bool seen = false;

		fq_map_set_str(e, "at", o && o->now ? o->now :
			"1970-01-01T00:00:00+00:00");
		fq_map_set(e, "field", fq_node_text(v->v[i].field));
		if (v->v[i].kept)
			fq_map_set(e, "kept", fq_node_text(v->v[i].kept));
		if (v->v[i].other)
			fq_map_set(e, "other", fq_node_text(v->v[i].other));
		if (o && o->from)
			fq_map_set(e, "from", fq_node_text(o->from));
		fq_seq_push(list, e);

		fq_buf_reset(&f);
		fq_buf_addf(&f, "sync conflict: %s", v->v[i].field);
		/* a short one-line other value is shown right there */
		if (v->v[i].other && *v->v[i].other &&
		    !strchr(v->v[i].other, '\n') &&
		    strlen(v->v[i].other) <= 60)
			fq_buf_addf(&f, " (other copy: %s)", v->v[i].other);
		fl = fq_node_text(f.buf);
		for (j = 0; j < flags->len && !seen; j++)
			seen = fq_node_equal(flags->vals[j], fl);
		if (seen)
			fq_node_free(fl);
		else
			fq_seq_push(flags, fl);
	}
	fq_buf_release(&f);
}

int
fq_case_merge3(struct fq_node **out, const struct fq_node *base,
	const struct fq_node *ours, const struct fq_node *theirs,
	const struct fq_merge_opts *o, struct fq_conflicts *conflicts,
	struct fq_error *err)
{
	struct fq_conflicts local = FQ_CONFLICTS_INIT;
	struct mctx m;
	struct fq_node *r;

	*out = NULL;
	if (!ours || !theirs || ours->kind != FQ_NODE_MAP ||
	    theirs->kind != FQ_NODE_MAP ||
	    (base && base->kind != FQ_NODE_MAP))
		return fq_error_set(err, FQ_EUSAGE,
			"a case to merge is not a mapping");
	m.o = o;
	m.out = &local;
	m.err = err;
	r = merge_map(&m, "", base, ours, theirs, 0);
	if (o && o->record)
		record(r, &local, 0, o);
	if (conflicts) {
		size_t i;

		for (i = 0; i < local.n; i++) {
			FQ_ALLOC_GROW(conflicts->v, conflicts->n + 1,
				conflicts->alloc);
			conflicts->v[conflicts->n++] = local.v[i];
		}
		free(local.v);
	} else {
		fq_conflicts_release(&local);
	}
	*out = r;
	return FQ_OK;
}
