/*
 * fq-due: the 督办 list — every deadline that has passed or falls within
 * the next DAYS days (default 3), for cases and their referrals, red
 * cases first, then the most overdue.
 */
#include <dirent.h>
#include <pthread.h>
#include <stdarg.h>

#include "cli.h"
#include "fq/index.h"

static const char *const usage[] = {
	"fq-due [-C DIR] [--within DAYS] [--format table|tsv|json]",
	NULL
};

enum { OPT_WITHIN = FQ_OPT_FIRST_PROGRAM_OPTION, OPT_FORMAT };

struct item {
	int severity;
	int late;		/* days past due; negative: days left */
	bool hourly;		/* an hour deadline (due_at) */
	int64_t secs;		/* hourly: seconds past due_at; negative:
				 * seconds left */
	/* in the strings' pool */
	const char *id, *title, *color, *what, *rule;
	const char *status, *outcome, *category, *accepted;	/* NULL: absent */
	char due[FQ_DATE_SIZE];
	char at[FQ_NOW_ISO_SIZE];
	int referral;
	size_t seq;		/* the order it was found in: the last key */
};

/* The items' strings, copied into blocks freed together. */
struct pblk {
	struct pblk *next;
	size_t used, cap;
	char data[];
};

struct ctx {
	struct fq_cli *cli;
	struct pblk *pool;
	int within;
	struct item *v;
	size_t n, alloc;
	const struct fq_node *c;	/* the case being looked at */
	struct fq_buf data;
	size_t skipped;
	int severity;
	int64_t now;		/* cli->now, seconds since the epoch */
	bool clock;		/* now is known (not a date-only FQ_TODAY) */
	fq_nodecache *cache;	/* deadlines per blob, for this profile */
	fq_nodecache_reader *rd;	/* this part's reader of the cache */
	size_t jobs;		/* threads (FQ_DUE_JOBS) */
};

static const char *
pool_dup(struct ctx *x, const char *s)
{
	size_t n;
	struct pblk *b = x->pool;
	char *p;

	if (!s)
		return NULL;
	n = strlen(s) + 1;
	if (!b || b->cap - b->used < n) {
		size_t cap = n > 60000 ? n : 60000;

		b = malloc(sizeof(*b) + cap);
		if (!b)
			abort();
		b->next = x->pool;
		b->used = 0;
		b->cap = cap;
		x->pool = b;
	}
	p = b->data + b->used;
	memcpy(p, s, n);
	b->used += n;
	return p;
}

/* snprintf(out, size, "%s", s), without the formatting */
static void
copy_str(char *out, size_t size, const char *s)
{
	size_t n = strlen(s);

	if (n >= size)
		n = size - 1;
	memcpy(out, s, n);
	out[n] = '\0';
}

static const char *
dflt(const char *s, const char *def)
{
	return s ? s : def;
}

/* "key": "value" or "key": null */
static void
json_field(struct fq_buf *b, const char *key, const char *v)
{
	fq_buf_addf(b, ", \"%s\": ", key);
	if (v)
		fq_json_str(b, v);
	else
		fq_buf_adds(b, "null");
}

static int
add(const struct fq_deadline *d, void *data)
{
	struct ctx *x = data;
	int late = fq_days_between(d->due, x->cli->today);
	int64_t at = 0, secs = 0;
	bool hourly = *d->at && x->clock &&
		fq_ts_parse(&at, NULL, d->at, 0) == FQ_OK;
	struct item *it;

	if (hourly) {
		/* late by the clock; days late in whole days of 24 hours */
		secs = x->now - at;
		if (secs > 0)
			late = (int)(secs / 86400);
		else if (late > 0)
			late = 0;	/* due later today */
	}
	if (-late > x->within)
		return 0;
	if (x->n == x->alloc) {
		x->alloc = x->alloc ? 2 * x->alloc : 64;
		x->v = realloc(x->v, x->alloc * sizeof(*x->v));
		if (!x->v)
			abort();
	}
	it = &x->v[x->n++];
	it->severity = x->severity;
	it->late = late;
	it->hourly = hourly;
	it->secs = secs;
	it->id = pool_dup(x, fq_map_str(x->c, "id"));
	it->title = pool_dup(x, dflt(fq_map_str(x->c, "title"), ""));
	it->color = pool_dup(x, dflt(fq_map_str(x->c, "risk_color"), "blue"));
	it->what = pool_dup(x, d->what);
	it->status = pool_dup(x, fq_map_str(x->c, "status"));
	it->outcome = pool_dup(x, fq_map_str(x->c, "outcome"));
	it->category = pool_dup(x, fq_map_str(x->c, "category"));
	it->accepted = pool_dup(x, fq_map_str(x->c, "accepted_on"));
	it->rule = pool_dup(x, d->rule);
	memcpy(it->due, d->due, FQ_DATE_SIZE);
	copy_str(it->at, sizeof(it->at), d->at);
	it->referral = d->referral;
	return 0;
}

/* The deadlines of a case as a tree: the fields an item shows, "d" the
 * deadlines, "failed" when they could not all be computed.  It depends
 * on the case, fq.yaml and the calendar only, never on the day. */
static int
collect(const struct fq_deadline *d, void *data)
{
	struct fq_node *list = data, *m = fq_node_new(FQ_NODE_MAP);
	char n[16];

	fq_map_set_str(m, "rule", d->rule);
	fq_map_set_str(m, "what", d->what);
	fq_map_set_str(m, "due", d->due);
	if (*d->at)
		fq_map_set_str(m, "at", d->at);
	snprintf(n, sizeof(n), "%d", d->referral);
	fq_map_set_str(m, "referral", n);
	fq_seq_push(list, m);
	return 0;
}

static struct fq_node *
due_tree(struct ctx *x, const struct fq_node *c)
{
	static const char *const keys[] = {
		"id", "title", "risk_color", "status", "outcome", "category",
		"accepted_on"
	};
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_node *t = fq_node_new(FQ_NODE_MAP);
	struct fq_node *list = fq_node_new(FQ_NODE_SEQ);
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (fq_map_str(c, keys[i]))
			fq_map_set_str(t, keys[i], fq_map_str(c, keys[i]));
	if (fq_case_deadlines(c, x->cli->cal, fq_store_config(x->cli->store),
	    collect, list, &err))
		fq_map_set_str(t, "failed", "1");
	else if (!list->len) {
		/* the common case, kept small: nothing due, ever */
		fq_node_free(t);
		fq_node_free(list);
		t = fq_node_new(FQ_NODE_MAP);
		fq_map_set_str(t, "none", "1");
		return t;
	}
	fq_map_set(t, "d", list);
	return t;
}

/* Take the deadlines of one case (a tree of due_tree). */
static void
replay(struct ctx *x, const struct fq_node *t)
{
	const struct fq_node *list = fq_map_get(t, "d");
	const struct fq_enum_value *col;
	size_t i;

	if (fq_map_get(t, "none"))
		return;
	x->c = t;
	col = fq_enum_code(fq_schema_enum(x->cli->schema, "colors"),
		fq_map_str(t, "risk_color"));
	x->severity = fq_enum_extra(col, "severity") ?
		atoi(fq_enum_extra(col, "severity")) : 0;
	for (i = 0; list && list->kind == FQ_NODE_SEQ && i < list->len; i++) {
		const struct fq_node *m = list->vals[i];
		struct fq_deadline d;
		const char *due = fq_map_str(m, "due");

		memset(&d, 0, sizeof(d));
		d.rule = fq_map_str(m, "rule") ? fq_map_str(m, "rule") : "";
		d.what = fq_map_str(m, "what") ? fq_map_str(m, "what") : "";
		copy_str(d.due, sizeof(d.due), dflt(due, ""));
		copy_str(d.at, sizeof(d.at), dflt(fq_map_str(m, "at"), ""));
		d.referral = fq_map_str(m, "referral") ?
			atoi(fq_map_str(m, "referral")) : 0;
		add(&d, x);
	}
	if (fq_map_str(t, "failed"))
		x->skipped++;
}

/* FQ_NOINDEX=1: every file read and parsed (the reference the tests
 * compare the index with). */
static int
each(const char *relpath, const char *oid, void *data)
{
	struct ctx *x = data;
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_node *c = NULL, *t;

	(void)oid;
	fq_buf_reset(&x->data);
	if (fq_store_read_head(x->cli->store, relpath, &x->data, &err) ||
	    fq_yaml_parse(&c, x->data.buf, x->data.len, relpath, &err) ||
	    c->kind != FQ_NODE_MAP || !fq_map_str(c, "id")) {
		x->skipped++;
		fq_node_free(c);
		return 0;
	}
	t = due_tree(x, c);
	replay(x, t);
	fq_node_free(t);
	fq_node_free(c);
	return 0;
}

static int
each_item(struct fq_index_item *it, void *data)
{
	struct ctx *x = data;
	const struct fq_node *c, *t;
	struct fq_node *own = NULL;

	if (!it->readable || !it->map) {
		x->skipped++;
		return 0;
	}
	if (!x->rd || !(t = fq_nodecache_reader_peek(x->rd, it->oid))) {
		c = fq_index_item_case(it);
		if (!c || !fq_map_str(c, "id")) {
			x->skipped++;
			return 0;
		}
		t = own = due_tree(x, c);
		if (x->cache)
			fq_nodecache_put(x->cache, it->oid, t);
	}
	if (!fq_map_get(t, "none") && !fq_map_str(t, "id"))
		x->skipped++;
	else
		replay(x, t);
	fq_node_free(own);
	return 0;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* What the deadlines depend on besides the case: fq.yaml and the
 * holiday files (names and bytes). */
static uint64_t
profile_key(struct fq_cli *cli)
{
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_buf b = FQ_BUF_INIT, path = FQ_BUF_INIT;
	/* 2: R14, R16; 3: R8, report_up and "at" */
	uint64_t h = fq_hash(FQ_HASH_INIT, "due 3", 5);
	char **names = NULL;
	size_t n = 0, alloc = 0, i;
	struct dirent *de;
	DIR *d;

	if (fq_yaml_emit(&b, fq_store_config(cli->store), &err)) {
		fq_buf_release(&b);
		return 0;	/* no key: no cache */
	}
	h = fq_hash(h, b.buf, b.len + 1);
	h = fq_hash(h, cli->cal ? "cal" : "nocal", cli->cal ? 3 : 5);
	fq_buf_addf(&path, "%s/holidays", fq_schema_dir(cli->schema));
	if (cli->cal && (d = opendir(path.buf))) {
		while ((de = readdir(d))) {
			if (de->d_name[0] == '.')
				continue;
			if (n == alloc) {
				alloc = alloc ? 2 * alloc : 16;
				names = realloc(names, alloc * sizeof(*names));
				if (!names)
					abort();
			}
			names[n++] = strdup(de->d_name);
		}
		closedir(d);
	}
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	for (i = 0; i < n; i++) {
		struct fq_buf f = FQ_BUF_INIT, fp = FQ_BUF_INIT;

		fq_buf_addf(&fp, "%s/%s", path.buf, names[i]);
		h = fq_hash(h, names[i], strlen(names[i]) + 1);
		if (fq_buf_read_file(&f, fp.buf, 0) == 0)
			h = fq_hash(h, f.buf, f.len);
		h = fq_hash(h, "", 1);
		fq_buf_release(&f);
		fq_buf_release(&fp);
		free(names[i]);
	}
	free(names);
	fq_buf_release(&b);
	fq_buf_release(&path);
	return h;
}

/* Whole hours of secs, rounded away from zero: 10 minutes late is 1
 * hour late, 3 hours 10 minutes left are 4 hours left (negative). */
static int64_t
hours(int64_t secs)
{
	return secs > 0 ? (secs + 3599) / 3600 : -((-secs + 3599) / 3600);
}

static int
cmp(const void *a, const void *b)
{
	const struct item *x = a, *y = b;
	int c;

	if (x->severity != y->severity)
		return y->severity - x->severity;
	if (x->late != y->late)
		return y->late - x->late;
	/* within a day: an hour deadline by the clock, before "today" */
	if ((x->hourly ? x->secs : 0) != (y->hourly ? y->secs : 0))
		return (y->hourly ? y->secs : 0) > (x->hourly ? x->secs : 0) ?
			1 : -1;
	if ((c = strcmp(x->id, y->id)))
		return c;
	if (x->referral != y->referral)
		return x->referral - y->referral;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* fn(args[j]) for j < n, args[0] in this thread and the others in
 * threads of their own (in this one too when a thread cannot start). */
static void
in_threads(void *(*fn)(void *), void *args, size_t size, size_t n)
{
	pthread_t th[FQ_INDEX_MAX_THREADS];
	bool started[FQ_INDEX_MAX_THREADS];
	size_t j;

	for (j = 1; j < n; j++)
		started[j] = pthread_create(&th[j], NULL, fn,
			(char *)args + j * size) == 0;
	fn(args);
	for (j = 1; j < n; j++) {
		if (started[j])
			pthread_join(th[j], NULL);
		else
			fn((char *)args + j * size);
	}
}

/*
 * The cases walked in runs (four a thread) taken by x->jobs threads,
 * each run into a copy of x; their items then moved to x in the order
 * of the cases, numbered in that order (seq).
 */
static int
walk_index(struct ctx *x, struct fq_error *err)
{
	struct ctx px[FQ_INDEX_MAX_PARTS];
	void *data[FQ_INDEX_MAX_PARTS];
	size_t j, i, n = x->jobs > 1 ? x->jobs * 4 : 1, total = 0;
	int ret;

	if (n > FQ_INDEX_MAX_PARTS)
		n = FQ_INDEX_MAX_PARTS;
	for (j = 0; j < n; j++) {
		px[j] = *x;
		px[j].pool = NULL;
		px[j].v = NULL;
		px[j].n = px[j].alloc = 0;
		px[j].skipped = 0;
		fq_buf_init(&px[j].data);
		px[j].rd = fq_nodecache_reader_new(x->cache);
		data[j] = &px[j];
	}
	ret = fq_index_each_parts(x->cli->store, n, x->jobs, each_item, data,
		err);
	for (j = 0; j < n; j++)
		total += px[j].n;
	if (total) {
		x->v = realloc(x->v, (x->n + total) * sizeof(*x->v));
		if (!x->v)
			abort();
		x->alloc = x->n + total;
	}
	for (j = 0; j < n; j++) {
		struct ctx *p = &px[j];

		fq_nodecache_reader_free(p->rd);
		x->skipped += p->skipped;
		if (p->n)
			memcpy(x->v + x->n, p->v, p->n * sizeof(*p->v));
		x->n += p->n;
		free(p->v);
		while (p->pool) {
			struct pblk *b = p->pool;

			p->pool = b->next;
			b->next = x->pool;
			x->pool = b;
		}
		fq_buf_release(&p->data);
	}
	for (i = 0; i < x->n; i++)
		x->v[i].seq = i;
	return ret;
}

struct sortrun {
	struct item *v;
	size_t n;
};

static void *
sort_run(void *arg)
{
	struct sortrun *r = arg;

	if (r->n > 1)
		qsort(r->v, r->n, sizeof(*r->v), cmp);
	return NULL;
}

/* v[lo, mid) and v[mid, hi), each sorted, merged (through tmp). */
static void
merge_runs(struct item *v, struct item *tmp, size_t lo, size_t mid,
	size_t hi)
{
	size_t a = lo, b = mid, k = lo;

	while (a < mid && b < hi)
		tmp[k++] = cmp(&v[b], &v[a]) < 0 ? v[b++] : v[a++];
	while (a < mid)
		tmp[k++] = v[a++];
	while (b < hi)
		tmp[k++] = v[b++];
	memcpy(v + lo, tmp + lo, (hi - lo) * sizeof(*v));
}

/* The items sorted: runs sorted in jobs threads, then merged (cmp is a
 * total order, so the result is one qsort's). */
static void
sort_items(struct item *v, size_t n, size_t jobs)
{
	struct sortrun r[FQ_INDEX_MAX_THREADS];
	size_t b[FQ_INDEX_MAX_THREADS + 1], j, w;
	struct item *tmp;

	if (jobs < 2 || n < 1024) {
		if (n > 1)
			qsort(v, n, sizeof(*v), cmp);
		return;
	}
	for (j = 0; j <= jobs; j++)
		b[j] = n * j / jobs;
	for (j = 0; j < jobs; j++) {
		r[j].v = v + b[j];
		r[j].n = b[j + 1] - b[j];
	}
	in_threads(sort_run, r, sizeof(r[0]), jobs);
	if (!(tmp = malloc(n * sizeof(*tmp))))
		abort();
	for (w = 1; w < jobs; w *= 2)
		for (j = 0; j + w < jobs; j += 2 * w)
			merge_runs(v, tmp, b[j], b[j + w],
				b[j + 2 * w < jobs ? j + 2 * w : jobs]);
	free(tmp);
}

static void
add_int(struct fq_buf *b, long long n)
{
	char d[24];
	size_t k = sizeof(d);
	unsigned long long u = n < 0 ? 0ULL - (unsigned long long)n :
		(unsigned long long)n;

	do
		d[--k] = (char)('0' + u % 10);
	while ((u /= 10));
	if (n < 0)
		d[--k] = '-';
	fq_buf_add(b, d + k, sizeof(d) - k);
}

static void
json_item(struct fq_buf *b, const struct item *it, bool first)
{
	fq_buf_adds(b, first ? "\n  {\"id\": " : ",\n  {\"id\": ");
	fq_json_str(b, it->id);
	json_field(b, "status", it->status);
	json_field(b, "outcome", it->outcome);
	json_field(b, "category", it->category);
	json_field(b, "accepted_on", it->accepted);
	fq_buf_adds(b, ", \"risk_color\": ");
	fq_json_str(b, it->color);
	fq_buf_adds(b, ", \"rule\": ");
	fq_json_str(b, it->rule);
	fq_buf_adds(b, ", \"what\": ");
	fq_json_str(b, it->what);
	fq_buf_adds(b, ", \"due_on\": ");
	fq_json_str(b, it->due);
	fq_buf_adds(b, ", \"days_late\": ");
	add_int(b, it->late);
	fq_buf_adds(b, ", \"referral\": ");
	if (it->referral)
		add_int(b, it->referral);
	else
		fq_buf_adds(b, "null");
	fq_buf_adds(b, ", \"due_at\": ");
	if (*it->at)
		fq_json_str(b, it->at);
	else
		fq_buf_adds(b, "null");
	if (it->hourly) {
		fq_buf_adds(b, ", \"hours_late\": ");
		add_int(b, (long long)hours(it->secs));
	} else {
		fq_buf_adds(b, ", \"hours_late\": null");
	}
	fq_buf_adds(b, ", \"title\": ");
	fq_json_str(b, it->title);
	fq_buf_addch(b, '}');
}

/* due_at and hours_late last, empty for a day deadline: scripts that
 * cut the first eight columns are unchanged */
static void
tsv_line(struct fq_buf *b, const struct item *it)
{
	const char *const s[] = { it->id, it->color, it->rule, it->what,
		it->due };
	size_t i;

	for (i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
		fq_buf_adds(b, s[i]);
		fq_buf_addch(b, '\t');
	}
	add_int(b, it->late);
	fq_buf_addch(b, '\t');
	add_int(b, it->referral);
	fq_buf_addch(b, '\t');
	fq_buf_adds(b, it->title);
	fq_buf_addch(b, '\t');
	fq_buf_adds(b, it->at);
	fq_buf_addch(b, '\t');
	if (it->hourly)
		add_int(b, (long long)hours(it->secs));
	fq_buf_addch(b, '\n');
}

static void
table_line(struct fq_buf *b, const struct fq_cli *cli, const struct item *it,
	bool color)
{
	char idbuf[48], late[32];
	/* as fq list: the risk's colour on the risk, the ID and the
	 * title; the state's on what is due; the deadline bold red once
	 * passed, yellow while it comes */
	const char *rc = color ? fq_cli_risk_sgr(it->color) : "";
	const char *sc = color ? fq_cli_state_sgr(cli, it->status, NULL,
		NULL) : "";
	const char *dc = !color ? "" : it->late > 0 ||
		(it->hourly && it->secs > 0) ? "\033[1;31m" : "\033[33m";

	fq_cli_add_cell(b, fq_schema_label(cli->schema, "colors", it->color),
		4, true, rc);
	fq_buf_adds(b, "  ");
	if (it->referral)
		snprintf(idbuf, sizeof(idbuf), "%s-R%d", it->id, it->referral);
	else
		copy_str(idbuf, sizeof(idbuf), it->id);
	fq_cli_add_cell(b, idbuf, 19, true, rc);
	fq_buf_adds(b, "  ");
	fq_cli_add_cell(b, it->what, 14, true, sc);
	fq_buf_adds(b, "  ");
	fq_cli_add_cell(b, it->due, 10, true, dc);
	fq_buf_adds(b, "  ");
	if (it->hourly && it->secs > 0 && it->late == 0)
		snprintf(late, sizeof(late), "%lld小时",
			(long long)hours(it->secs));
	else if (it->hourly && it->late == 0)
		snprintf(late, sizeof(late), "剩%lld小时",
			(long long)-hours(it->secs));
	else if (it->late > 0)
		snprintf(late, sizeof(late), "%d天", it->late);
	else if (it->late == 0)
		snprintf(late, sizeof(late), "今天");
	else
		snprintf(late, sizeof(late), "还剩%d天", -it->late);
	fq_cli_add_cell(b, late, 8, true, dc);
	fq_buf_adds(b, "  ");
	fq_buf_adds(b, rc);
	fq_buf_adds(b, it->title);
	if (*rc)
		fq_buf_adds(b, FQ_SGR_RESET);
	fq_buf_addch(b, '\n');
}

/* The lines of the items [from, to), in a buffer of their own. */
struct fmtrun {
	const struct fq_cli *cli;
	const struct item *v;
	size_t from, to;
	char format;		/* 't'able, 's' (tsv), 'j'son */
	bool color;
	struct fq_buf out;
};

static void *
format_run(void *arg)
{
	struct fmtrun *r = arg;
	size_t i;

	for (i = r->from; i < r->to; i++) {
		if (r->format == 'j')
			json_item(&r->out, &r->v[i], i == 0);
		else if (r->format == 's')
			tsv_line(&r->out, &r->v[i]);
		else
			table_line(&r->out, r->cli, &r->v[i], r->color);
	}
	return NULL;
}

/* The items' lines formatted in jobs threads, written in order; a
 * block of lines at a time, so that the buffers stay small. */
#define PRINT_BLOCK 2048

static void
print_items(const struct fq_cli *cli, const struct item *v, size_t n,
	const char *format, bool color, size_t jobs)
{
	struct fmtrun r[FQ_INDEX_MAX_THREADS];
	size_t j, at, len, nj;

	for (j = 0; j < jobs; j++) {
		r[j].cli = cli;
		r[j].v = v;
		r[j].format = !strcmp(format, "json") ? 'j' :
			!strcmp(format, "tsv") ? 's' : 't';
		r[j].color = color;
		fq_buf_init(&r[j].out);
	}
	for (at = 0; at < n; at += len) {
		len = n - at < PRINT_BLOCK ? n - at : PRINT_BLOCK;
		nj = len < 1024 ? 1 : jobs;
		for (j = 0; j < nj; j++) {
			r[j].from = at + len * j / nj;
			r[j].to = at + len * (j + 1) / nj;
			fq_buf_reset(&r[j].out);
		}
		in_threads(format_run, r, sizeof(r[0]), nj);
		for (j = 0; j < nj; j++)
			fwrite(r[j].out.buf, 1, r[j].out.len, stdout);
	}
	for (j = 0; j < jobs; j++)
		fq_buf_release(&r[j].out);
}

/* As fq_cli_warn, into a buffer written at once (thousands of warnings
 * are thousands of writes to an unbuffered stderr). */
static void __attribute__((format(printf, 3, 4)))
warn_add(struct fq_buf *w, const struct fq_cli *cli, const char *fmt, ...)
{
	va_list ap;

	fq_buf_addf(w, _("%s: warning: "), cli->prog);
	va_start(ap, fmt);
	fq_buf_vaddf(w, _(fmt), ap);
	va_end(ap);
	fq_buf_addch(w, '\n');
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		FQ_CLI_COMMON_OPTIONS,
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "within", required_argument, NULL, OPT_WITHIN },
		{ NULL, 0, NULL, 0 }
	};
	struct fq_cli cli;
	struct ctx x = { 0 };
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_buf w = FQ_BUF_INIT;
	const char *format = "table";
	bool color;
	size_t i;
	int ch, ret;

	fq_cli_init(&cli, "fq-due", argv[0], usage);
	x.within = 3;
	/* FQ_DUE_JOBS: threads that walk the cases, sort and format the
	 * lines (1: none); 2 by default */
	x.jobs = fq_cli_jobs(&cli, "FQ_DUE_JOBS", 2);
	while ((ch = getopt_long(argc, argv, "C:h", opts, NULL)) != -1) {
		switch (ch) {
		case OPT_WITHIN:
			if (!fq_valid_int(optarg) || atoi(optarg) < 0 ||
			    atoi(optarg) > 3650)
				fq_cli_usage_error(&cli, "--within '%s': a "
					"number of days", optarg);
			x.within = atoi(optarg);
			break;
		case OPT_FORMAT: format = optarg; break;
		default: fq_cli_common_opt(&cli, ch, optarg);
		}
	}
	if (strcmp(format, "table") && strcmp(format, "tsv") &&
	    strcmp(format, "json"))
		fq_cli_usage_error(&cli, "--format '%s': table, tsv or json",
			format);
	if (optind < argc)
		fq_cli_usage_error(&cli, "unexpected argument '%s'",
			argv[optind]);
	if ((ret = fq_cli_open(&cli)) || (ret = fq_cli_calendar(&cli)))
		goto out;
	x.cli = &cli;
	x.clock = fq_cli_clock(&cli) &&
		fq_ts_parse(&x.now, NULL, cli.now, 0) == FQ_OK;
	fq_buf_init(&x.data);
	if (getenv("FQ_NOINDEX") && !strcmp(getenv("FQ_NOINDEX"), "1")) {
		ret = fq_store_foreach(cli.store, each, &x, &err);
		for (i = 0; i < x.n; i++)
			x.v[i].seq = i;
	} else {
		uint64_t key = profile_key(&cli);

		x.cache = key ? fq_nodecache_open(cli.store, "due", key) :
			NULL;
		ret = walk_index(&x, &err);
		fq_nodecache_close(x.cache);
	}
	if (ret) {
		ret = fq_cli_error(&cli, &err);
		goto out;
	}
	if (x.skipped)
		fq_cli_warn(&cli, "%zu case file(s) could not be read; run "
			"'fq check'", x.skipped);
	sort_items(x.v, x.n, x.jobs);
	/* R7: a red or yellow case past the day its plan was due. */
	for (i = 0; i < x.n; i++)
		if (!strcmp(x.v[i].rule, "R7") && x.v[i].late > 0)
			warn_add(&w, &cli, N_("%s: %s case without a plan "
				"(一案一策) since %s, %d day(s) late"), x.v[i].id,
				x.v[i].color, x.v[i].due, x.v[i].late);
	/* R7: a red case not reported up to the county in time. */
	for (i = 0; i < x.n; i++)
		if (!strcmp(x.v[i].rule, "report_up") &&
		    (x.v[i].hourly ? x.v[i].secs > 0 : x.v[i].late > 0))
			warn_add(&w, &cli, N_("%s: red case not reported to "
				"the county (上报县综治中心) by %s"), x.v[i].id,
				*x.v[i].at ? x.v[i].at : x.v[i].due);
	if (w.len)
		fwrite(w.buf, 1, w.len, stderr);
	/* printed, but incomplete: the exit code says so (as fq list) */
	if (x.skipped)
		ret = FQ_EXIT_DATA;
	color = fq_cli_color(&cli);
	if (!strcmp(format, "json"))
		fputs("[", stdout);
	else if (!strcmp(format, "tsv"))
		puts("id\trisk_color\trule\twhat\tdue_on\tdays_late\treferral"
			"\ttitle\tdue_at\thours_late");
	else
		printf("风险  ID                   事项            时限        "
			"逾期      纠纷名称\n");
	print_items(&cli, x.v, x.n, format, color, x.jobs);
	if (!strcmp(format, "json"))
		puts(x.n ? "\n]" : "]");
out:
	while (x.pool) {
		struct pblk *next = x.pool->next;

		free(x.pool);
		x.pool = next;
	}
	free(x.v);
	fq_buf_release(&x.data);
	fq_buf_release(&w);
	return fq_cli_finish(&cli, ret);
}
