/*
 * fq-import: paper-ledger CSV files (台账) to cases, all files in one
 * commit or nothing (DOMAIN.md §4).
 *
 * Every record of every file is read and checked first; cases a file
 * re-lists (same fq ID, docket number, or date + applicants + category)
 * update the case instead of adding one.  Only when no record failed (or
 * with --skip-bad) is anything written, and then as one commit.  An
 * import that changes nothing makes no commit.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "fq/import.h"

#include <zlib.h>

static const char *const usage[] = {
	"fq-import [-C DIR] [--rules FILE] [--dry-run] "
	"[--encoding auto|utf-8|gb18030|utf-16le] [--year YYYY] [--skip-bad] "
	"FILE...",
	NULL
};

enum {
	OPT_RULES = FQ_OPT_FIRST_PROGRAM_OPTION, OPT_DRY_RUN, OPT_ENCODING,
	OPT_YEAR, OPT_SKIP_BAD
};

#define MAX_SHOWN 20		/* problems and flagged cells shown */

/* A string -> index table (open addressing).  Each slot keeps its key's
 * hash: a probe compares it before the key, which (a copy of its own,
 * somewhere on the heap) a table of 100 000 cases rarely has in cache. */
struct table {
	char **keys;
	size_t *vals;
	unsigned long *hashes;
	size_t n, cap;
};

static unsigned long
hash(const char *s)
{
	unsigned long h = 5381;

	while (*s)
		h = h * 33 + (unsigned char)*s++;
	return h;
}

/* The slot of key (hash h) in t: where it is, or the empty one where it
 * would go. */
static size_t
table_slot(const struct table *t, const char *key, unsigned long h)
{
	size_t i;

	for (i = h & (t->cap - 1); t->keys[i]; i = (i + 1) & (t->cap - 1))
		if (t->hashes[i] == h && !strcmp(t->keys[i], key))
			break;
	return i;
}

static void
table_grow(struct table *t)
{
	struct table old = *t;
	size_t i, j;

	t->cap = t->cap ? t->cap * 2 : 1024;
	t->keys = calloc(t->cap, sizeof(*t->keys));
	t->vals = calloc(t->cap, sizeof(*t->vals));
	t->hashes = calloc(t->cap, sizeof(*t->hashes));
	if (!t->keys || !t->vals || !t->hashes)
		abort();
	/* the keys move, they are not copied: all differ */
	for (i = 0; i < old.cap; i++)
		if (old.keys[i]) {
			for (j = old.hashes[i] & (t->cap - 1); t->keys[j];
			    j = (j + 1) & (t->cap - 1))
				;
			t->keys[j] = old.keys[i];
			t->vals[j] = old.vals[i];
			t->hashes[j] = old.hashes[i];
		}
	free(old.keys);
	free(old.vals);
	free(old.hashes);
}

static void
table_put(struct table *t, const char *key, size_t val)
{
	unsigned long h = hash(key);
	size_t i;

	if ((t->n + 1) * 2 > t->cap)
		table_grow(t);
	i = table_slot(t, key, h);
	if (!t->keys[i]) {
		t->keys[i] = strdup(key);
		if (!t->keys[i])
			abort();
		t->hashes[i] = h;
		t->n++;
	}
	t->vals[i] = val;
}

static bool
table_get(const struct table *t, const char *key, size_t *val)
{
	size_t i;

	if (!t->cap)
		return false;
	i = table_slot(t, key, hash(key));
	if (!t->keys[i])
		return false;
	*val = t->vals[i];
	return true;
}

static void
table_free(struct table *t)
{
	size_t i;

	for (i = 0; i < t->cap; i++)
		free(t->keys[i]);
	free(t->keys);
	free(t->vals);
	free(t->hashes);
	memset(t, 0, sizeof(*t));
}

struct keycache;

/* A case known to this import: in HEAD, or new. */
struct entry {
	char id[FQ_ID_MAX];
	char oid[41];		/* blob in HEAD, "" for a new case */
	char *relpath;
	char *text;		/* rendered new content, NULL if unchanged */
	size_t len;		/* its size (inflated) */
	size_t zlen;		/* > 0: text is a zlib stream of zlen bytes */
	bool is_new, updated;
};

struct year_seq {
	int year;
	unsigned next;
};

struct state {
	struct fq_cli *cli;
	fq_importer *im;
	bool dry_run, skip_bad, progress;
	struct entry *v;
	size_t n, alloc;
	struct table by_id, by_docket, by_key, by_loose;
	struct keycache *keys;
	struct year_seq years[64];
	size_t nyears;
	size_t nnew, nupdated, nsame, ndup, nbad, nshown_warn, nwarn;
	struct fq_buf out;		/* what happened, for stdout */
	struct fq_buf problems;		/* all hard problems */
	size_t nproblems;
	struct fq_buf flagcount;	/* "flag\tcount\n", tallied at the end */
	struct table flags;
	size_t *flagn;
	size_t nflag_kinds, flag_alloc;
	/* the file being read */
	const char *file;
	struct fq_buf rejects;		/* UTF-8 CSV of the file's bad rows */
	size_t nrejects;
	struct fq_import_info *info;
	size_t records;
};

static struct entry *
entry_add(struct state *s)
{
	struct entry *e;

	if (s->n + 1 > s->alloc) {
		s->alloc = s->alloc ? s->alloc * 2 : 256;
		s->v = realloc(s->v, s->alloc * sizeof(*s->v));
		if (!s->v)
			abort();
	}
	e = &s->v[s->n++];
	memset(e, 0, sizeof(*e));
	return e;
}

static char *detach_fit(struct fq_buf *b, size_t *len);

/* One compressor for every case (fq_zip: libdeflate, or a zlib stream
 * reset between cases rather than set up anew). */
static fq_zip *keep_zip;

/* The first KEEP_RAW_MAX bytes of cases are kept as they are: a small
 * import (10 000 rows are some 13 MB) then deflates each case once, in
 * the store's pack, and inflates none; beyond it they are compressed. */
#define KEEP_RAW_MAX ((size_t)16 << 20)
static size_t keep_raw;

/* Keep the text of b in e, compressed once the raw texts held pass
 * KEEP_RAW_MAX (an import holds every new case until its one commit;
 * the store puts a compressed stream in the pack as is). */
static void
keep_compressed(struct entry *e, struct fq_buf *b)
{
	size_t zlen;
	char *z;

	if (e->text && !e->zlen)
		keep_raw -= e->len;
	free(e->text);
	e->text = NULL;
	if (keep_raw + b->len <= KEEP_RAW_MAX) {
		e->text = detach_fit(b, &e->len);
		e->zlen = 0;
		keep_raw += e->len;
		return;
	}
	if (!keep_zip)
		keep_zip = fq_zip_new();
	if (!fq_zip_compress(keep_zip, b->buf, b->len, &z, &zlen)) {
		e->text = z;
		e->len = b->len;
		e->zlen = zlen;
		fq_buf_reset(b);
		return;
	}
	e->text = detach_fit(b, &e->len);
	e->zlen = 0;
	keep_raw += e->len;
}

/* The text of an entry, inflated into out when kept compressed. */
static int
entry_text(const struct entry *e, struct fq_buf *out)
{
	uLongf n = (uLongf)e->len;

	fq_buf_reset(out);
	if (!e->zlen) {
		fq_buf_add(out, e->text, e->len);
		return 0;
	}
	fq_buf_grow(out, e->len + 1);
	if (uncompress((Bytef *)out->buf, &n, (const Bytef *)e->text,
	    (uLong)e->zlen) != Z_OK || n != e->len)
		return -1;
	fq_buf_setlen(out, e->len);
	return 0;
}

/* The text of b in an allocation of its size (a buffer grows by doubling;
 * an import holds every new case until the commit). */
static char *
detach_fit(struct fq_buf *b, size_t *len)
{
	char *t = fq_buf_detach(b, len), *u = realloc(t, *len + 1);

	return u ? u : t;
}

static void
index_case(struct state *s, const struct fq_node *c, size_t i)
{
	struct fq_buf k = FQ_BUF_INIT;
	const char *d = fq_map_str(c, "docket_no");

	table_put(&s->by_id, s->v[i].id, i);
	if (d && *d)
		table_put(&s->by_docket, d, i);
	fq_import_key(&k, c, false);
	table_put(&s->by_key, k.buf, i);
	fq_buf_reset(&k);
	fq_import_key(&k, c, true);
	table_put(&s->by_loose, k.buf, i);
	fq_buf_release(&k);
}

/*
 * The matching keys of the cases in HEAD are cached in .git/fq/import-keys
 * by blob id ("OID\tID\tDOCKET\tKEY\tLOOSE" lines), so an import into a
 * repository of many cases reads only the case files that changed since.
 * Derived data: deleting the file changes nothing but the time.
 */
struct keycache {
	struct table byoid;	/* oid -> line number in lines */
	char **lines;
	size_t n, alloc;
	struct fq_buf out;	/* the cache to write back */
	bool dirty;
};

static void
keycache_load(struct state *s, struct keycache *k)
{
	struct fq_buf path = FQ_BUF_INIT, text = FQ_BUF_INIT;
	char *p, *nl;

	fq_buf_init(&k->out);
	fq_buf_addf(&path, "%s/import-keys", fq_store_private_dir(
		s->cli->store));
	if (fq_buf_read_file(&text, path.buf, 256 * 1024 * 1024) >= 0)
		for (p = text.buf; *p; p = nl + 1) {
			if (!(nl = strchr(p, '\n')))
				break;
			*nl = '\0';
			if (strlen(p) < 41 || p[40] != '\t')
				continue;
			if (k->n + 1 > k->alloc) {
				k->alloc = k->alloc ? k->alloc * 2 : 1024;
				k->lines = realloc(k->lines,
					k->alloc * sizeof(*k->lines));
				if (!k->lines)
					abort();
			}
			k->lines[k->n] = strdup(p);
			p[40] = '\0';
			table_put(&k->byoid, p, k->n);
			k->n++;
		}
	fq_buf_release(&path);
	fq_buf_release(&text);
}

static void
keycache_save(struct state *s, struct keycache *k)
{
	struct fq_buf path = FQ_BUF_INIT, tmp = FQ_BUF_INIT;
	FILE *f;

	if (!k->dirty)
		return;
	fq_buf_addf(&path, "%s/import-keys", fq_store_private_dir(
		s->cli->store));
	fq_buf_addf(&tmp, "%s.tmp", path.buf);
	if ((f = fopen(tmp.buf, "wb"))) {
		if (fwrite(k->out.buf, 1, k->out.len, f) == k->out.len &&
		    !fclose(f))
			rename(tmp.buf, path.buf);
		else
			unlink(tmp.buf);
	}
	fq_buf_release(&path);
	fq_buf_release(&tmp);
}

/* Lines of cases no longer in HEAD are dropped when it is written. */
static bool
k_dirty_or_shrunk(const struct keycache *k)
{
	size_t lines = 0, i;

	for (i = 0; i < k->out.len; i++)
		if (k->out.buf[i] == '\n')
			lines++;
	return lines != k->n;
}

static void
keycache_free(struct keycache *k)
{
	size_t i;

	for (i = 0; i < k->n; i++)
		free(k->lines[i]);
	free(k->lines);
	table_free(&k->byoid);
	fq_buf_release(&k->out);
}

/* Add a cached line (without the oid) to the tables of s. */
static void
index_cached(struct state *s, size_t i, char *line)
{
	char *f[4], *p = line;
	int j;

	for (j = 0; j < 4; j++) {
		f[j] = p;
		p = strchr(p, '\t');
		if (p)
			*p++ = '\0';
		else if (j < 3)
			return;
	}
	snprintf(s->v[i].id, sizeof(s->v[i].id), "%s", f[0]);
	table_put(&s->by_id, f[0], i);
	if (*f[1])
		table_put(&s->by_docket, f[1], i);
	table_put(&s->by_key, f[2], i);
	table_put(&s->by_loose, f[3], i);
}

static void
clean_field(struct fq_buf *out, const char *v)
{
	for (; v && *v; v++)
		fq_buf_addch(out, *v == '\t' || *v == '\n' ? ' ' : *v);
}

static int
load_existing(const char *relpath, const char *oid, void *data)
{
	struct state *s = data;
	struct keycache *k = s->keys;
	struct fq_buf text = FQ_BUF_INIT, key = FQ_BUF_INIT;
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_node *c = NULL;
	struct entry *e;
	const char *id;
	size_t line;

	if (table_get(&k->byoid, oid, &line)) {
		char *copy = strdup(k->lines[line] + 41);

		e = entry_add(s);
		e->relpath = strdup(relpath);
		snprintf(e->oid, sizeof(e->oid), "%s", oid);
		index_cached(s, s->n - 1, copy);
		fq_buf_addf(&k->out, "%s\n", k->lines[line]);
		free(copy);
		return 0;
	}
	if (fq_store_read_blob(s->cli->store, oid, &text, &err) ||
	    fq_yaml_parse(&c, text.buf, text.len, relpath, &err) ||
	    !(id = fq_map_str(c, "id")) || !fq_id_valid(id)) {
		/* fq check reports broken files; they cannot be matched */
		fq_node_free(c);
		fq_buf_release(&text);
		return 0;
	}
	e = entry_add(s);
	snprintf(e->id, sizeof(e->id), "%s", id);
	snprintf(e->oid, sizeof(e->oid), "%s", oid);
	e->relpath = strdup(relpath);
	index_case(s, c, s->n - 1);
	fq_buf_addf(&k->out, "%s\t%s\t", oid, id);
	clean_field(&k->out, fq_map_str(c, "docket_no"));
	fq_buf_addch(&k->out, '\t');
	fq_import_key(&key, c, false);
	clean_field(&k->out, key.buf);
	fq_buf_addch(&k->out, '\t');
	fq_buf_reset(&key);
	fq_import_key(&key, c, true);
	clean_field(&k->out, key.buf);
	fq_buf_addch(&k->out, '\n');
	k->dirty = true;
	fq_node_free(c);
	fq_buf_release(&text);
	fq_buf_release(&key);
	return 0;
}

static void
count_flags(struct state *s, const struct fq_node *c)
{
	const struct fq_node *fl = fq_map_get(c, "flags");
	size_t i, k;

	for (i = 0; fl && fl->kind == FQ_NODE_SEQ && i < fl->len; i++) {
		if (!table_get(&s->flags, fl->vals[i]->str, &k)) {
			k = s->nflag_kinds++;
			if (k + 1 > s->flag_alloc) {
				s->flag_alloc = s->flag_alloc ?
					s->flag_alloc * 2 : 32;
				s->flagn = realloc(s->flagn,
					s->flag_alloc * sizeof(*s->flagn));
			}
			s->flagn[k] = 0;
			table_put(&s->flags, fl->vals[i]->str, k);
		}
		s->flagn[k]++;
	}
}

static int
next_id(struct state *s, int year, char id[FQ_ID_MAX], struct fq_error *err)
{
	size_t i;
	int ret;

	for (i = 0; i < s->nyears; i++)
		if (s->years[i].year == year)
			break;
	if (i == s->nyears) {
		char first[FQ_ID_MAX];

		if (s->nyears == sizeof(s->years) / sizeof(s->years[0]))
			return fq_error_set(err, FQ_ERROR, "too many years "
				"in one import");
		if ((ret = fq_store_next_id(s->cli->store, year, first, err)))
			return ret;
		s->years[i].year = year;
		s->years[i].next = (unsigned)atol(first + strlen(first) - 6);
		s->nyears++;
	}
	if (s->years[i].next > 999999)
		return fq_error_set(err, FQ_ERROR, "no case numbers left in %d",
			year);
	snprintf(id, FQ_ID_MAX, "%s-%04d-%06u", fq_store_unit(s->cli->store),
		year, s->years[i].next++);
	return 0;
}

static void
add_reject(struct state *s, const struct fq_import_record *rec)
{
	size_t i, j;

	if (!s->nrejects) {
		const char **h = calloc(s->info->nheader + 1, sizeof(*h));

		for (j = 0; j < s->info->nheader; j++)
			h[j] = s->info->header[j];
		h[j] = "错误原因";
		fq_csv_row(&s->rejects, h, s->info->nheader + 1,
			s->info->delimiter);
		free(h);
	}
	for (i = 0; i < rec->nrows; i++) {
		size_t n = rec->ncells[i];
		const char **cells = calloc(n + 2 > s->info->nheader + 1 ?
			n + 2 : s->info->nheader + 1, sizeof(*cells));
		struct fq_buf reason = FQ_BUF_INIT;
		size_t width = n > s->info->nheader ? n : s->info->nheader;

		for (j = 0; j < n; j++)
			cells[j] = rec->rows[i][j];
		for (; j < width; j++)
			cells[j] = "";
		if (i == 0) {
			fq_buf_add(&reason, rec->problems.buf,
				rec->problems.len);
			while (reason.len && reason.buf[reason.len - 1] == '\n')
				fq_buf_setlen(&reason, reason.len - 1);
			for (j = 0; j < reason.len; j++)
				if (reason.buf[j] == '\n')
					reason.buf[j] = ';';
		}
		cells[width] = reason.len ? reason.buf : "";
		fq_csv_row(&s->rejects, cells, width + 1, s->info->delimiter);
		fq_buf_release(&reason);
		free(cells);
	}
	s->nrejects++;
}

/* The last import event of the incoming case, copied into c. */
static void
copy_import_event(struct fq_node *c, const struct fq_node *in)
{
	const struct fq_node *ev = fq_map_get(in, "events");
	size_t i;

	for (i = ev ? ev->len : 0; i-- > 0;)
		if (fq_map_str(ev->vals[i], "kind") &&
		    !strcmp(fq_map_str(ev->vals[i], "kind"), "import")) {
			struct fq_node *evs = fq_map_get(c, "events");

			if (!evs) {
				evs = fq_node_new(FQ_NODE_SEQ);
				fq_map_set(c, "events", evs);
			}
			fq_seq_push(evs, fq_node_dup(ev->vals[i]));
			return;
		}
}

static void
show_line(struct state *s, const char *what, const struct entry *e,
	const struct fq_import_record *rec, const struct fq_node *c)
{
	const char *slash = strrchr(rec->file, '/');

	fq_buf_addf(&s->out, "%s\t%s\t%s#row%u\t%s\n", what, e->id,
		slash ? slash + 1 : rec->file, rec->row_first,
		fq_map_str(c, "title") ? fq_map_str(c, "title") : "");
}

/* Before a message: clear the progress line, if there is one. */
static void
progress_clear(const struct state *s)
{
	if (s->progress && s->records >= 500)
		fputs("\r\033[K", stderr);
}

static int
on_record(struct fq_import_record *rec, void *data)
{
	struct state *s = data;
	struct fq_cli *cli = s->cli;
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_buf key = FQ_BUF_INIT, text = FQ_BUF_INIT;
	struct fq_node *c = rec->c, *old = NULL;
	size_t idx = 0;
	bool found = false;
	int ret = 0;

	s->records++;
	if (s->progress && s->records % 500 == 0) {
		fputc('\r', stderr);
		fprintf(stderr, _("%s: %s: %zu records…"), cli->prog, s->file,
			s->records);
		fflush(stderr);
	}
	if (rec->warnings.len) {
		const char *p = rec->warnings.buf;

		while (*p) {
			const char *nl = strchr(p, '\n');
			size_t n = nl ? (size_t)(nl - p) : strlen(p);

			s->nwarn++;
			if (s->nshown_warn < MAX_SHOWN) {
				progress_clear(s);
				fprintf(stderr, "%s: %s:%u: %.*s\n", cli->prog,
					rec->file, rec->row_first, (int)n, p);
				s->nshown_warn++;
			}
			p += n + (nl ? 1 : 0);
		}
	}
	if (!c) {
		const char *p = rec->problems.buf;

		s->nbad++;
		while (p && *p) {
			const char *nl = strchr(p, '\n');
			size_t n = nl ? (size_t)(nl - p) : strlen(p);

			fq_buf_addf(&s->problems, "%s:%u: %.*s\n", rec->file,
				rec->row_first, (int)n, p);
			s->nproblems++;
			p += n + (nl ? 1 : 0);
		}
		if (s->skip_bad)
			add_reject(s, rec);
		return 0;
	}
	count_flags(s, c);

	/* match: the fq ID, the docket number, the key */
	if (rec->case_id && fq_id_valid(rec->case_id) &&
	    table_get(&s->by_id, rec->case_id, &idx))
		found = true;
	if (!found && rec->docket_no &&
	    table_get(&s->by_docket, rec->docket_no, &idx))
		found = true;
	fq_import_key(&key, c, false);
	if (!found && table_get(&s->by_key, key.buf, &idx))
		found = true;

	if (found) {
		struct entry *e = &s->v[idx];

		if (e->text) {
			if (entry_text(e, &text))
				ret = fq_error_set(&err, FQ_ERROR, "%s: cannot "
					"inflate", e->relpath);
			else
				ret = fq_yaml_parse(&old, text.buf, text.len,
					e->relpath, &err);
		}
		else if (!(ret = e->oid[0] ? fq_store_read_blob(cli->store,
		    e->oid, &text, &err) : fq_store_read_head(cli->store,
		    e->relpath, &text, &err)))
			ret = fq_yaml_parse(&old, text.buf, text.len,
				e->relpath, &err);
		if (ret) {
			ret = fq_cli_error(cli, &err);
			goto out;
		}
		if (fq_import_merge(old, c, cli->now, fq_cli_actor(cli))) {
			copy_import_event(old, c);
			fq_map_set(old, "updated_at", fq_node_scalar(cli->now));
			fq_buf_reset(&text);
			if (fq_case_render(&text, cli->schema, old, &err)) {
				fq_buf_addf(&s->problems, _("%s:%u: case %s: %s\n"),
					rec->file, rec->row_first, e->id,
					err.msg);
				s->nproblems++;
				s->nbad++;
				goto out;
			}
			keep_compressed(e, &text);
			if (!e->is_new && !e->updated) {
				e->updated = true;
				s->nupdated++;
			}
			show_line(s, "update", e, rec, old);
		} else {
			s->nsame++;
			show_line(s, "same", e, rec, old);
		}
		goto out;
	}

	/* near match: same first party and category, a date up to 3 days
	 * off (or the same day with other parties) */
	fq_buf_reset(&key);
	fq_import_key(&key, c, true);
	{
		const char *date = fq_map_str(c, "accepted_on");
		const char *bar = strchr(key.buf, '|');
		int d;

		if (!date)
			date = fq_map_str(c, "reported_on");
		for (d = 0; date && bar && d <= 3; d = d > 0 ? -d : 1 - d) {
			struct fq_buf k2 = FQ_BUF_INIT;
			char day[FQ_DATE_SIZE];
			fq_day x;

			if (fq_date_parse(&x, date, NULL))
				break;
			fq_date_format(day, fq_date_add_days(x, d));
			fq_buf_adds(&k2, day);
			fq_buf_adds(&k2, bar);
			if (table_get(&s->by_loose, k2.buf, &idx)) {
				struct fq_node *fl = fq_map_get(c, "flags");

				s->ndup++;
				if (!fl) {
					fl = fq_node_new(FQ_NODE_SEQ);
					fq_map_set(c, "flags", fl);
				}
				fq_buf_reset(&k2);
				fq_buf_addf(&k2, "possible_duplicate:%s",
					s->v[idx].id);
				{
					size_t j;

					for (j = 0; j < fl->len; j++)
						if (!strcmp(fl->vals[j]->str,
						    k2.buf))
							break;
					if (j == fl->len)
						fq_seq_push(fl,
							fq_node_text(k2.buf));
				}
				progress_clear(s);
				fprintf(stderr, _("%s: %s:%u: possible duplicate "
					"of %s (same first party and category, "
					"dated %s): imported as a new case; "
					"check it\n"), cli->prog, rec->file,
					rec->row_first, s->v[idx].id, day);
				fq_buf_release(&k2);
				break;
			}
			fq_buf_release(&k2);
		}
	}

	/* a new case */
	{
		struct entry *e;
		const char *intake = fq_map_str(c, "accepted_on");
		struct fq_buf path = FQ_BUF_INIT;
		char id[FQ_ID_MAX];

		if (!intake || !strcmp(fq_map_str(c, "status"), "reported"))
			intake = fq_map_str(c, "reported_on") ?
				fq_map_str(c, "reported_on") : intake;
		if (rec->case_id && fq_id_valid(rec->case_id) &&
		    !strncmp(rec->case_id, fq_store_unit(cli->store),
		    strlen(fq_store_unit(cli->store))) &&
		    rec->case_id[strlen(fq_store_unit(cli->store))] == '-') {
			/* an export of this unit: keep its ID (not in use) */
			snprintf(id, sizeof(id), "%s", rec->case_id);
		} else {
			do {
				if ((ret = next_id(s, atoi(intake), id,
				    &err))) {
					ret = fq_cli_error(cli, &err);
					goto out;
				}
			} while (table_get(&s->by_id, id, &idx));
		}
		fq_map_set_str(c, "id", id);
		fq_buf_reset(&text);
		/* the importer validated it: the ID is all that changed */
		fq_schema_canonicalize(cli->schema, "case", c);
		if (fq_yaml_emit(&text, c, &err)) {
			fq_buf_addf(&s->problems, _("%s:%u: case: %s\n"),
				rec->file, rec->row_first, err.msg);
			s->nproblems++;
			s->nbad++;
			goto out;
		}
		fq_store_case_path(&path, id, intake);
		e = entry_add(s);
		snprintf(e->id, sizeof(e->id), "%s", id);
		e->relpath = fq_buf_detach(&path, NULL);
		keep_compressed(e, &text);
		e->is_new = true;
		s->nnew++;
		index_case(s, c, s->n - 1);
		show_line(s, "new", e, rec, c);
	}
out:
	fq_node_free(old);
	fq_buf_release(&key);
	fq_buf_release(&text);
	return ret;
}

static int
write_rejects(struct state *s, const char *file)
{
	struct fq_buf out = FQ_BUF_INIT, path = FQ_BUF_INIT;
	struct fq_error err = FQ_ERROR_INIT;
	bool bom = !strcmp(s->info->encoding, "UTF-8 (BOM)") ||
		!strncmp(s->info->encoding, "UTF-16", 6);
	FILE *f;
	int ret = 0;

	fq_buf_addf(&path, "%s.rejects.csv", file);
	if (fq_import_encode(&out, s->rejects.buf, s->rejects.len,
	    s->info->encoding, bom, &err)) {
		ret = fq_cli_error(s->cli, &err);
		goto out;
	}
	if (!(f = fopen(path.buf, "wb")) ||
	    fwrite(out.buf, 1, out.len, f) != out.len || fclose(f)) {
		ret = fq_cli_fail(s->cli, FQ_EXIT_FAIL, "cannot write %s",
			path.buf);
		goto out;
	}
	fprintf(stderr, _("%s: %s: %zu rejected records written to %s (%s), "
		"with the reason in the last column\n"), s->cli->prog, file,
		s->nrejects, path.buf, s->info->encoding);
out:
	fq_buf_release(&out);
	fq_buf_release(&path);
	return ret;
}

static void
report_file(struct state *s, const char *file, const struct fq_import_info *in)
{
	const char *prog = s->cli->prog;

	fprintf(stderr, _("%s: %s: encoding %s (%s), delimiter %s\n"), prog, file,
		in->encoding, in->encoding_why, in->delimiter == '\t' ? _("tab") :
		_("comma"));
	if (in->undecodable)
		fprintf(stderr, _("%s: %s: %zu bytes could not be decoded and "
			"are kept as \\xNN\n"), prog, file, in->undecodable);
	fprintf(stderr, _("%s: %s: header at row %u%s; year for dates without "
		"one: %d%s%s%s\n"), prog, file, in->header_row,
		in->header_rows == 2 ? _(" (two rows, joined)") : "",
		in->year, in->year ? _(" (from the ") : _(" (none)"),
		in->year ? _(in->year_from) : "", in->year ? _(")") : "");
	fprintf(stderr, _("%s: %s: columns: %s\n"), prog, file, in->mapping.buf ?
		in->mapping.buf : "");
	if (in->unmapped.len)
		fprintf(stderr, _("%s: %s: not used: %s\n"), prog, file,
			in->unmapped.buf);
	fprintf(stderr, _("%s: %s: %zu records from %zu rows (%zu continuation, "
		"%zu blank, %zu footer, %zu repeated header rows skipped; %zu "
		"cells copied from 同上/〃)\n"), prog, file, in->records, in->rows,
		in->continuation, in->blank, in->footers, in->repeated_headers,
		in->ditto);
}

int
main(int argc, char **argv)
{
	static const struct option lopts[] = {
		FQ_CLI_COMMON_OPTIONS,
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ "encoding", required_argument, NULL, OPT_ENCODING },
		{ "rules", required_argument, NULL, OPT_RULES },
		{ "skip-bad", no_argument, NULL, OPT_SKIP_BAD },
		{ "year", required_argument, NULL, OPT_YEAR },
		{ NULL, 0, NULL, 0 }
	};
	struct fq_cli cli;
	struct state s;
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_import_opts io;
	fq_import_rules *rules = NULL;
	const char *rules_path = NULL, *encoding = "auto";
	struct fq_change *ch = NULL;
	size_t *zl = NULL;
	struct fq_buf msg = FQ_BUF_INIT;
	char **rejects_of = NULL;
	char **rejects_text = NULL;
	size_t *rejects_n = NULL;
	struct fq_import_info *infos = NULL;
	struct keycache keys;
	int chr, ret = 0, year = 0, i, nfiles;
	size_t k, nch = 0;
	bool committed = false;

	memset(&s, 0, sizeof(s));
	memset(&keys, 0, sizeof(keys));
	fq_buf_init(&keys.out);
	fq_buf_init(&s.out);
	fq_buf_init(&s.problems);
	fq_buf_init(&s.rejects);
	fq_buf_init(&s.flagcount);
	fq_cli_init(&cli, "fq-import", argv[0], usage);
	while ((chr = getopt_long(argc, argv, "C:h", lopts, NULL)) != -1) {
		switch (chr) {
		case OPT_DRY_RUN: s.dry_run = true; break;
		case OPT_ENCODING: encoding = optarg; break;
		case OPT_RULES: rules_path = optarg; break;
		case OPT_SKIP_BAD: s.skip_bad = true; break;
		case OPT_YEAR:
			year = atoi(optarg);
			if (strlen(optarg) != 4 || optarg[strspn(optarg,
			    "0123456789")] || year < 1990 || year > 2099)
				fq_cli_usage_error(&cli, "--year '%s' is not a "
					"year (YYYY)", optarg);
			break;
		default: fq_cli_common_opt(&cli, chr, optarg);
		}
	}
	if (optind >= argc)
		fq_cli_usage_error(&cli, "which files? give one or more CSV "
			"files");
	if (strcmp(encoding, "auto") && strcasecmp(encoding, "utf-8") &&
	    strcasecmp(encoding, "utf8") && strcasecmp(encoding, "gb18030") &&
	    strcasecmp(encoding, "gbk") && strcasecmp(encoding, "utf-16le") &&
	    strcasecmp(encoding, "big5"))
		fq_cli_usage_error(&cli, "--encoding '%s': use auto, utf-8, "
			"gb18030, utf-16le (or big5)", encoding);
	nfiles = argc - optind;
	for (i = optind; i < argc; i++)
		if (access(argv[i], R_OK))
			fq_cli_usage_error(&cli, "cannot read %s: %s", argv[i],
				strerror(errno));
	if ((ret = fq_cli_open(&cli)))
		goto out;
	if (rules_path && fq_import_rules_load(&rules, rules_path, cli.schema,
	    &err)) {
		ret = fq_cli_error(&cli, &err);
		goto out;
	}
	if ((ret = fq_cli_calendar(&cli)))
		goto out;
	memset(&io, 0, sizeof(io));
	io.schema = cli.schema;
	io.config = fq_store_config(cli.store);
	io.cal = cli.cal;
	io.rules = rules;
	io.encoding = encoding;
	io.year = year;
	io.today = cli.today;
	io.now = cli.now;
	io.actor = fq_cli_actor(&cli);
	if (fq_importer_new(&s.im, &io, &err)) {
		ret = fq_cli_error(&cli, &err);
		goto out;
	}
	s.cli = &cli;
	s.progress = isatty(STDERR_FILENO);
	if ((ret = fq_cli_lock(&cli)))
		goto out;
	keycache_load(&s, &keys);
	s.keys = &keys;
	if (fq_store_foreach(cli.store, load_existing, &s, &err)) {
		ret = fq_cli_error(&cli, &err);
		goto out;
	}
	if (k_dirty_or_shrunk(&keys))
		keys.dirty = true;
	keycache_save(&s, &keys);

	infos = calloc((size_t)nfiles, sizeof(*infos));
	rejects_of = calloc((size_t)nfiles, sizeof(*rejects_of));
	rejects_text = calloc((size_t)nfiles, sizeof(*rejects_text));
	rejects_n = calloc((size_t)nfiles, sizeof(*rejects_n));
	for (i = 0; i < nfiles; i++) {
		const char *file = argv[optind + i];
		int r;

		s.file = file;
		s.info = &infos[i];
		s.records = 0;
		fq_buf_reset(&s.rejects);
		s.nrejects = 0;
		r = fq_import_file(s.im, file, on_record, &s, &infos[i], &err);
		if (s.progress)
			fprintf(stderr, "\r\033[K");
		if (r > 0) {
			ret = r;
			goto out;
		}
		if (r < 0) {
			ret = fq_cli_error(&cli, &err);
			if (ret == FQ_EXIT_FAIL || ret == FQ_EXIT_USAGE)
				ret = FQ_EXIT_DATA;
			fprintf(stderr, _("%s: nothing imported\n"), cli.prog);
			goto out;
		}
		report_file(&s, file, &infos[i]);
		if (s.nrejects) {
			rejects_of[i] = strdup(file);
			rejects_text[i] = fq_buf_detach(&s.rejects, NULL);
			rejects_n[i] = s.nrejects;
		}
	}
	{
		struct fq_buf cats = FQ_BUF_INIT;

		fq_importer_categories(s.im, &cats);
		if (cats.len)
			fprintf(stderr, _("%s: categories: %s\n"), cli.prog,
				cats.buf);
		fq_buf_release(&cats);
	}
	if (s.nwarn > s.nshown_warn)
		fprintf(stderr, _("%s: … and %zu more flagged cells\n"), cli.prog,
			s.nwarn - s.nshown_warn);
	if (s.nflag_kinds) {
		fprintf(stderr, _("%s: flags to review (fq list text:…):"),
			cli.prog);
		for (k = 0; k < s.flags.cap; k++)
			if (s.flags.keys[k])
				fprintf(stderr, " %s %zu", s.flags.keys[k],
					s.flagn[s.flags.vals[k]]);
		fputc('\n', stderr);
	}
	if (s.nproblems) {
		const char *p = s.problems.buf;
		size_t shown = 0;

		while (*p && (!s.dry_run || shown < MAX_SHOWN)) {
			const char *nl = strchr(p, '\n');

			fprintf(stderr, "%s: %.*s\n", cli.prog,
				(int)(nl - p), p);
			p = nl + 1;
			shown++;
		}
		if (*p)
			fprintf(stderr, _("%s: … and %zu more problems\n"),
				cli.prog, s.nproblems - shown);
		if (!s.skip_bad) {
			fprintf(stderr, _("%s: %zu bad records: nothing imported "
				"(fix them, or use --skip-bad to import the "
				"rest and get the bad rows in FILE.rejects."
				"csv)\n"), cli.prog, s.nbad);
			if (!s.dry_run) {
				ret = FQ_EXIT_DATA;
				goto out;
			}
		}
	}
	fprintf(stderr, _("%s: %zu new, %zu updated, %zu possible duplicates "
		"for review\n"), cli.prog, s.nnew, s.nupdated, s.ndup);
	if (s.nsame)
		fprintf(stderr, _("%s: %zu records match cases that already say "
			"the same\n"), cli.prog, s.nsame);
	if (s.dry_run) {
		fwrite(s.out.buf, 1, s.out.len, stdout);
		fprintf(stderr, _("%s: dry run: nothing written\n"), cli.prog);
		if (s.nproblems && !s.skip_bad)
			ret = FQ_EXIT_DATA;
		goto out;
	}

	/* Matching is over: the tables go before the commit, which holds
	 * the store's own (tree, index) beside every case text. */
	table_free(&s.by_id);
	table_free(&s.by_docket);
	table_free(&s.by_key);
	table_free(&s.by_loose);
	table_free(&s.flags);
	ch = calloc(s.n + 1, sizeof(*ch));
	zl = calloc(s.n + 1, sizeof(*zl));
	for (k = 0; k < s.n; k++)
		if (s.v[k].text) {
			ch[nch].path = s.v[k].relpath;
			ch[nch].data = s.v[k].text;
			ch[nch].len = s.v[k].len;
			zl[nch] = s.v[k].zlen;
			nch++;
		}
	fq_buf_addf(&msg, "%s: %zu new, %zu updated from ", cli.prog, s.nnew,
		s.nupdated);
	for (i = 0; i < nfiles; i++) {
		const char *f = argv[optind + i], *sl = strrchr(f, '/');

		fq_buf_addf(&msg, "%s%s", i ? ", " : "", sl ? sl + 1 : f);
	}
	fq_buf_adds(&msg, "\n\n");
	for (k = 0; k < s.n; k++)
		if (s.v[k].text)
			fq_buf_addf(&msg, "%s %s\n", s.v[k].is_new ? "new" :
				"updated", s.v[k].id);
	if (nch && fq_store_commit_z(cli.store, ch, zl, nch, msg.buf,
	    &committed, &err)) {
		ret = fq_cli_error(&cli, &err);
		goto out;
	}
	fwrite(s.out.buf, 1, s.out.len, stdout);
	if (committed)
		fprintf(stderr, _("%s: committed %zu cases in one commit\n"),
			cli.prog, nch);
	else
		fprintf(stderr, _("%s: nothing changed: no commit\n"), cli.prog);
	for (i = 0; i < nfiles; i++)
		if (rejects_of[i]) {
			s.info = &infos[i];
			fq_buf_reset(&s.rejects);
			fq_buf_adds(&s.rejects, rejects_text[i]);
			s.nrejects = rejects_n[i];
			if ((ret = write_rejects(&s, rejects_of[i])))
				goto out;
		}
	if (s.nbad)
		fprintf(stderr, _("%s: %zu bad records skipped\n"), cli.prog,
			s.nbad);
out:
	for (i = 0; infos && i < nfiles; i++) {
		fq_import_info_release(&infos[i]);
		free(rejects_of[i]);
		free(rejects_text[i]);
	}
	free(infos);
	free(rejects_of);
	free(rejects_text);
	free(rejects_n);
	fq_buf_release(&s.out);
	for (k = 0; k < s.n; k++) {
		free(s.v[k].relpath);
		free(s.v[k].text);
	}
	free(s.v);
	free(ch);
	free(zl);
	free(s.flagn);
	table_free(&s.flags);
	table_free(&s.by_id);
	table_free(&s.by_docket);
	table_free(&s.by_key);
	table_free(&s.by_loose);
	fq_buf_release(&s.problems);
	fq_buf_release(&s.rejects);
	fq_buf_release(&s.flagcount);
	fq_buf_release(&msg);
	fq_importer_free(s.im);
	fq_import_rules_free(rules);
	keycache_free(&keys);
	fq_zip_free(keep_zip);
	return fq_cli_finish(&cli, ret);
}
