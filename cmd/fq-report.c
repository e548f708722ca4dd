/*
 * fq-report: the monthly 台账 report (DOMAIN.md §3.9) for one repository,
 * or a county roll-up of many (--repo, --county), the townships read in
 * parallel (FQ_REPORT_THREADS) and merged in order.
 *
 * Run by cron with no terminal: no prompts, the same bytes for the same
 * data (the only date in the output is 填报日期, from FQ_TODAY), -o FILE
 * written to a temporary file and renamed, exit 0 even when cases are
 * overdue (they are in the report).  Exit 1 when the carried_out
 * invariant fails, 65 when a case file cannot be read (nothing written).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "cli.h"
#include "fq/index.h"
#include "fq/report.h"

static const char *const usage[] = {
	"fq-report [-C DIR] [--month YYYY-MM|last] "
	"[--format text|csv|md|html|xlsx|json] [-o FILE] [--bom] "
	"[--repo DIR]... [--county DIR]...",
	NULL
};

enum {
	OPT_MONTH = FQ_OPT_FIRST_PROGRAM_OPTION, OPT_FORMAT, OPT_BOM, OPT_REPO,
	OPT_COUNTY
};

struct ctx {
	struct fq_cli *cli;
	fq_report *r;
	fq_store *st;
	const char *township;	/* county roll-up: the row of this repo */
	struct fq_buf data;
	size_t bad;
	struct fq_buf bad_list;	/* the first 10 of them, each NUL-ended */
	size_t jobs;		/* threads that count (FQ_REPORT_JOBS) */
	int err;
	struct fq_error e;
	bool noskip;
	bool noindex;	/* FQ_NOINDEX=1: read and parse every file */
};

/* A case file that could not be read: counted, the first 10 named. */
static void
bad_file(struct ctx *x, const char *relpath)
{
	if (x->bad < 10) {
		fq_buf_addf(&x->bad_list, "%s/%s", fq_store_root(x->st),
			relpath);
		fq_buf_addch(&x->bad_list, '\0');
	}
	x->bad++;
}

static int
each(const char *relpath, const char *oid, void *data)
{
	struct ctx *x = data;
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_node *c = NULL;
	const char *unit;

	fq_buf_reset(&x->data);
	if (fq_store_read_blob(x->st, oid, &x->data, &err))
		goto bad;
	if (!x->noskip && fq_report_can_skip(x->r, x->data.buf, x->data.len))
		return 0;
	if (fq_yaml_parse(&c, x->data.buf, x->data.len, relpath, &err) ||
	    c->kind != FQ_NODE_MAP || !fq_map_str(c, "id"))
		goto bad;
	unit = x->township ? x->township : fq_map_str(c, "village");
	if (fq_report_add(x->r, c, unit, fq_store_config(x->st), x->cli->cal,
	    &err)) {
		fq_node_free(c);
		goto bad;
	}
	fq_node_free(c);
	return 0;
bad:
	fq_node_free(c);
	bad_file(x, relpath);
	return 0;
}

static int
each_item(struct fq_index_item *it, void *data)
{
	struct ctx *x = data;
	struct fq_error err = FQ_ERROR_INIT;
	const struct fq_node *c;
	const char *unit;

	if (!it->readable)
		goto bad;
	if (!x->noskip && fq_report_can_skip_digest(x->r, &it->digest))
		return 0;
	if (!it->map || !(c = fq_index_item_case(it)) ||
	    !fq_map_str(c, "id"))
		goto bad;
	unit = x->township ? x->township : fq_map_str(c, "village");
	if (fq_report_add(x->r, c, unit, fq_store_config(x->st), x->cli->cal,
	    &err))
		goto bad;
	return 0;
bad:
	bad_file(x, it->relpath);
	return 0;
}

/* The unreadable files a part found, after x's (its cases come after). */
static void
bad_merge(struct ctx *x, const struct ctx *p)
{
	const char *s = p->bad_list.buf;
	size_t k;

	for (k = 0; k < p->bad && k < 10; k++, s += strlen(s) + 1)
		if (x->bad + k < 10) {
			fq_buf_adds(&x->bad_list, s);
			fq_buf_addch(&x->bad_list, '\0');
		}
	x->bad += p->bad;
}

/*
 * Count the cases of x->st from the index, cut into x->jobs parts
 * counted in as many threads (each into a fork of the report), merged
 * in the order of the cases: the same report as one thread's.
 */
static int
count_cases(struct ctx *x, struct fq_error *err)
{
	struct ctx px[FQ_INDEX_MAX_PARTS];
	void *data[FQ_INDEX_MAX_PARTS];
	/* four runs a thread: the recent cases, which the pre-filter lets
	 * through, are at the end of the path order */
	size_t j, n = x->jobs * 4;
	int ret = 0;

	if (x->jobs <= 1)
		return fq_index_each(x->st, each_item, x, err);
	if (n > FQ_INDEX_MAX_PARTS)
		n = FQ_INDEX_MAX_PARTS;
	data[0] = x;
	for (j = 1; j < n; j++) {
		px[j] = *x;
		px[j].bad = 0;
		fq_buf_init(&px[j].bad_list);
		fq_buf_init(&px[j].data);
		data[j] = &px[j];
		if (!ret && fq_report_fork(&px[j].r, x->r, err))
			ret = -1;
		else if (ret)
			px[j].r = NULL;
	}
	if (!ret)
		ret = fq_index_each_parts(x->st, n, x->jobs, each_item, data,
		    err);
	for (j = 1; j < n; j++) {
		if (!ret) {
			fq_report_merge(x->r, px[j].r);
			bad_merge(x, &px[j]);
		}
		fq_report_free(px[j].r);
		fq_buf_release(&px[j].bad_list);
		fq_buf_release(&px[j].data);
	}
	return ret;
}

/* The month before today's, or today's. */
static void
month_of(char out[8], const char *today, int back)
{
	int y = atoi(today), m = atoi(today + 5) - back;
	char b[32];

	while (m < 1) {
		m += 12;
		y--;
	}
	while (m > 12) {
		m -= 12;
		y++;
	}

	snprintf(b, sizeof(b), "%04d-%02d", y % 10000, m % 100);
	memcpy(out, b, 7);
	out[7] = '\0';
}

/* Write data to path atomically: a temporary file in the same
 * directory, fsync, rename. */
static int
write_atomic(struct fq_cli *cli, const char *path, const char *data,
	size_t len)
{
	struct fq_buf tmp = FQ_BUF_INIT;
	int fd, ret = 0;
	size_t off = 0;

	fq_buf_addf(&tmp, "%s.tmpXXXXXX", path);
	if ((fd = mkstemp(tmp.buf)) < 0) {
		ret = fq_cli_fail(cli, FQ_EXIT_FAIL, "cannot create %s: %s",
			tmp.buf, strerror(errno));
		goto out;
	}
	fchmod(fd, 0600);
	while (off < len) {
		ssize_t n = write(fd, data + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ret = fq_cli_fail(cli, FQ_EXIT_FAIL, "cannot write %s: "
				"%s", path, strerror(errno));
			break;
		}
		off += (size_t)n;
	}
	if (!ret && fsync(fd) < 0)
		ret = fq_cli_fail(cli, FQ_EXIT_FAIL, "cannot write %s: %s",
			path, strerror(errno));
	if (close(fd) < 0 && !ret)
		ret = fq_cli_fail(cli, FQ_EXIT_FAIL, "cannot write %s: %s",
			path, strerror(errno));
	if (!ret && rename(tmp.buf, path) < 0)
		ret = fq_cli_fail(cli, FQ_EXIT_FAIL, "cannot rename %s to %s: "
			"%s", tmp.buf, path, strerror(errno));
	if (ret)
		unlink(tmp.buf);
out:
	fq_buf_release(&tmp);
	return ret;
}

/* One sheet per table, plus 情况说明; numbers as numbers. */
static int
write_xlsx(struct fq_cli *cli, fq_report *r, const char *path)
{
	lxw_workbook_options wo = { 0 };
	lxw_doc_properties props;
	lxw_workbook *wb;
	lxw_format *bold, *wrap;
	lxw_worksheet *ws;
	struct fq_buf title = FQ_BUF_INIT, h[5];
	const char **heads, **texts;
	struct tm tm;
	size_t i, j, k, n;
	lxw_error e;

	wo.constant_memory = LXW_FALSE;
	wb = workbook_new_opt(path, &wo);
	if (!wb)
		return fq_cli_fail(cli, FQ_EXIT_FAIL, "cannot create %s",
			path);
	fq_report_title(r, &title);
	memset(&props, 0, sizeof(props));
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = atoi(cli->today) - 1900;
	tm.tm_mon = atoi(cli->today + 5) - 1;
	tm.tm_mday = atoi(cli->today + 8);
	props.title = title.buf;
	props.author = "fq";
	props.created = timegm(&tm);	/* FQ_TODAY: the same bytes */
	workbook_set_properties(wb, &props);
	bold = workbook_add_format(wb);
	format_set_bold(bold);
	format_set_border(bold, LXW_BORDER_THIN);
	wrap = workbook_add_format(wb);
	format_set_text_wrap(wrap);
	for (i = 0; i < fq_report_ntables(r); i++) {
		const struct fq_report_table *t = fq_report_table(r, i);

		ws = workbook_add_worksheet(wb, t->name);
		for (j = 0; j < t->ncols; j++)
			worksheet_write_string(ws, 0, (lxw_col_t)j, t->head[j],
				bold);
		for (k = 0; k < t->nrows; k++)
			for (j = 0; j < t->ncols; j++) {
				const struct fq_report_cell *c =
					&t->cells[k * t->ncols + j];

				if (c->number)
					worksheet_write_number(ws,
						(lxw_row_t)(k + 1),
						(lxw_col_t)j,
						strtod(c->text, NULL), NULL);
				else if (*c->text)
					worksheet_write_string(ws,
						(lxw_row_t)(k + 1),
						(lxw_col_t)j, c->text, NULL);
			}
		worksheet_set_column(ws, 0, 0, t->kind == 3 ? 18 : t->kind == 5 ?
			28 : 14, NULL);
	}
	ws = workbook_add_worksheet(wb, "情况说明");
	worksheet_write_string(ws, 0, 0, title.buf, bold);
	for (i = 0; i < 5; i++)
		fq_buf_init(&h[i]);
	n = fq_report_header_lines(r, h, 5);
	for (i = 0; i < n; i++) {
		worksheet_write_string(ws, (lxw_row_t)(i + 1), 0, h[i].buf,
			NULL);
		fq_buf_release(&h[i]);
	}
	k = n + 2;
	n = fq_report_narrative(r, &heads, &texts);
	for (i = 0; i < n; i++, k++) {
		worksheet_write_string(ws, (lxw_row_t)k, 0, heads[i], bold);
		worksheet_write_string(ws, (lxw_row_t)k, 1, texts[i], wrap);
	}
	worksheet_set_column(ws, 0, 0, 14, NULL);
	worksheet_set_column(ws, 1, 1, 100, NULL);
	e = workbook_close(wb);
	fq_buf_release(&title);
	if (e != LXW_NO_ERROR)
		return fq_cli_fail(cli, FQ_EXIT_FAIL, "cannot write %s: %s",
			path, lxw_strerror(e));
	return 0;
}

/* XLSX: written by libxlsxwriter to a temporary file beside the target
 * (or in TMPDIR for stdout), then renamed (or copied to stdout). */
static int
output_xlsx(struct fq_cli *cli, fq_report *r, const char *path)
{
	struct fq_buf tmp = FQ_BUF_INIT, data = FQ_BUF_INIT;
	int fd, ret;

	if (path)
		fq_buf_addf(&tmp, "%s.tmpXXXXXX", path);
	else
		fq_buf_addf(&tmp, "%s/fq-report.XXXXXX",
			getenv("TMPDIR") && *getenv("TMPDIR") ?
			getenv("TMPDIR") : "/tmp");
	if ((fd = mkstemp(tmp.buf)) < 0) {
		ret = fq_cli_fail(cli, FQ_EXIT_FAIL, "cannot create %s: %s",
			tmp.buf, strerror(errno));
		goto out;
	}
	close(fd);
	if ((ret = write_xlsx(cli, r, tmp.buf)))
		goto out;
	if (path) {
		chmod(tmp.buf, 0600);
		if ((fd = open(tmp.buf, O_RDONLY)) >= 0) {
			if (fsync(fd) < 0)
				ret = fq_cli_fail(cli, FQ_EXIT_FAIL, "cannot "
					"write %s: %s", path, strerror(errno));
			close(fd);
		}
		if (!ret && rename(tmp.buf, path) < 0)
			ret = fq_cli_fail(cli, FQ_EXIT_FAIL, "cannot rename "
				"%s to %s: %s", tmp.buf, path,
				strerror(errno));
	} else {
		if (fq_buf_read_file(&data, tmp.buf, 0) < 0)
			ret = fq_cli_fail(cli, FQ_EXIT_FAIL, "cannot read %s: "
				"%s", tmp.buf, strerror(errno));
		else
			fwrite(data.buf, 1, data.len, stdout);
	}
out:
	if (ret || !path)
		unlink(tmp.buf);
	fq_buf_release(&tmp);
	fq_buf_release(&data);
	return ret;
}

static bool
is_repo(const char *dir)
{
	struct fq_buf p = FQ_BUF_INIT;
	struct stat sb;
	bool ok;

	fq_buf_addf(&p, "%s/fq.yaml", dir);
	ok = stat(p.buf, &sb) == 0;
	fq_buf_release(&p);
	return ok;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Expand each --repo: a repository, or a directory of repositories. */
static int
expand_repos(struct fq_cli *cli, char **in, size_t nin, char ***out,
	size_t *nout, bool *county)
{
	size_t i, n = 0, alloc = 0;
	char **v = NULL;

	*county = nin > 1;
	for (i = 0; i < nin; i++) {
		DIR *d;
		struct dirent *de;
		size_t first = n;

		if (is_repo(in[i])) {
			if (n == alloc)
				v = realloc(v, (alloc = alloc ? alloc * 2 : 16) *
					sizeof(*v));
			v[n++] = strdup(in[i]);
			continue;
		}
		if (!(d = opendir(in[i]))) {
			while (n > 0)
				free(v[--n]);
			free(v);
			return fq_cli_fail(cli, FQ_EXIT_FAIL, "--repo %s: %s",
				in[i], strerror(errno));
		}
		while ((de = readdir(d))) {
			struct fq_buf p = FQ_BUF_INIT;

			if (de->d_name[0] == '.')
				continue;
			fq_buf_addf(&p, "%s/%s", in[i], de->d_name);
			if (is_repo(p.buf)) {
				if (n == alloc)
					v = realloc(v, (alloc = alloc ?
						alloc * 2 : 16) * sizeof(*v));
				v[n++] = fq_buf_detach(&p, NULL);
			}
			fq_buf_release(&p);
		}
		closedir(d);
		if (n == first) {
			size_t k;

			for (k = 0; k < n; k++)
				free(v[k]);
			free(v);
			return fq_cli_fail(cli, FQ_EXIT_FAIL, "--repo %s: not a "
				"case repository, nor a directory of them",
				in[i]);
		}
		qsort(v + first, n - first, sizeof(*v), cmp_str);
		*county = true;
	}
	*out = v;
	*nout = n;
	return 0;
}

/* A git repository without a working tree (a county or a bare mirror)? */
static bool
is_bare(const char *dir)
{
	struct fq_buf p = FQ_BUF_INIT;
	struct stat sb;
	bool ok;

	fq_buf_addf(&p, "%s/HEAD", dir);
	ok = stat(p.buf, &sb) == 0 && S_ISREG(sb.st_mode);
	fq_buf_setlen(&p, 0);
	fq_buf_addf(&p, "%s/objects", dir);
	ok = ok && stat(p.buf, &sb) == 0 && S_ISDIR(sb.st_mode);
	fq_buf_release(&p);
	return ok;
}

static void
push_repo(char ***v, char ***refs, size_t *n, size_t *alloc, char *path,
	char *ref)
{
	if (*n == *alloc) {
		*alloc = *alloc ? *alloc * 2 : 16;
		*v = realloc(*v, *alloc * sizeof(**v));
		*refs = realloc(*refs, *alloc * sizeof(**refs));
		if (!*v || !*refs)
			abort();
	}
	(*v)[*n] = path;
	(*refs)[*n] = ref;
	(*n)++;
}

/*
 * Expand each --county: a bare repository with one branch per township
 * (refs/heads/UNIT), or a directory of township repositories and bare
 * mirrors (a mirror with no unit branches is read at its HEAD).  Read
 * from git, never checked out.
 */
static int
expand_county(struct fq_cli *cli, const char *dir, char ***v, char ***refs,
	size_t *n, size_t *alloc)
{
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_buf names = FQ_BUF_INIT;
	size_t count = 0, k, first = *n;
	const char *p;
	DIR *d;
	struct dirent *de;
	char **sub = NULL;
	size_t nsub = 0, asub = 0;

	if (is_bare(dir) && !is_repo(dir)) {
		if (fq_store_unit_branches(dir, &names, &count, &err)) {
			fq_buf_release(&names);
			return fq_cli_error(cli, &err);
		}
		for (k = 0, p = names.buf; k < count; k++, p += strlen(p) + 1) {
			struct fq_buf r = FQ_BUF_INIT;

			fq_buf_addf(&r, "refs/heads/%s", p);
			push_repo(v, refs, n, alloc, strdup(dir),
				fq_buf_detach(&r, NULL));
		}
		if (!count)
			push_repo(v, refs, n, alloc, strdup(dir),
				strdup("HEAD"));
		fq_buf_release(&names);
		return 0;
	}
	if (is_repo(dir)) {
		push_repo(v, refs, n, alloc, strdup(dir), NULL);
		return 0;
	}
	if (!(d = opendir(dir)))
		return fq_cli_fail(cli, FQ_EXIT_FAIL, "--county %s: %s", dir,
			strerror(errno));
	while ((de = readdir(d))) {
		struct fq_buf q = FQ_BUF_INIT;

		if (de->d_name[0] == '.')
			continue;
		fq_buf_addf(&q, "%s/%s", dir, de->d_name);
		if (is_repo(q.buf) || is_bare(q.buf)) {
			if (nsub == asub) {
				asub = asub ? asub * 2 : 16;
				sub = realloc(sub, asub * sizeof(*sub));
				if (!sub)
					abort();
			}
			sub[nsub++] = fq_buf_detach(&q, NULL);
		}
		fq_buf_release(&q);
	}
	closedir(d);
	if (nsub)
		qsort(sub, nsub, sizeof(*sub), cmp_str);
	for (k = 0; k < nsub; k++) {
		int ret = expand_county(cli, sub[k], v, refs, n, alloc);

		if (ret) {
			for (; k < nsub; k++)
				free(sub[k]);
			free(sub);
			return ret;
		}
		free(sub[k]);
	}
	free(sub);
	if (*n == first)
		return fq_cli_fail(cli, FQ_EXIT_FAIL, "--county %s: not a "
			"county repository, nor a directory of township "
			"repositories", dir);
	return 0;
}

static const char *
cfg(const struct fq_node *config, const char *key)
{
	const char *s = fq_map_str(config, key);

	return s ? s : "";
}

/* The row of a repository in a county roll-up. */
static const char *
township_of(fq_store *st)
{
	const struct fq_node *config = fq_store_config(st);

	return *cfg(config, "town") ? cfg(config, "town") :
		*cfg(config, "name") ? cfg(config, "name") : fq_store_unit(st);
}

/*
 * The townships of a county report are read in parallel, each into its
 * own report (fq_report_merge), by a few threads that each open their own
 * repository (libgit2 objects stay in one thread); the parts are merged
 * in order, so the report and the errors are those of reading them one
 * after another.
 */
enum { TOWN_OK, TOWN_OPEN, TOWN_READ };

struct town {
	fq_report *r;
	bool done;		/* read (under the pool's lock) */
	int failed;		/* TOWN_OPEN, TOWN_READ */
	struct fq_error err;
	size_t bad;
	struct fq_buf bad_list;	/* as struct ctx's */
};

struct pool {
	struct fq_cli *cli;
	char **repos, **refs;	/* NULL: the repository of -C */
	struct town *t;
	size_t n, next;
	size_t stop;		/* the first township that failed, or n */
	const char *month;
	const struct fq_report_options *ropt;
	bool county, noskip, noindex;
	int inner;		/* threads one township may start; 0: its own */
	size_t jobs;		/* FQ_REPORT_JOBS, for a township's own */
	bool threaded;
	pthread_mutex_t mu;
	struct ctx *x;		/* the report the parts are merged into */
	size_t merged;		/* townships merged (by the main thread) */
};

/* Threads: FQ_REPORT_THREADS, else the CPUs online; at most 8. */
static int
report_threads(size_t n)
{
	const char *e = getenv("FQ_REPORT_THREADS");
	long k = e && *e ? strtol(e, NULL, 10) : sysconf(_SC_NPROCESSORS_ONLN);

	if (k < 1)
		k = 1;
	if (k > 8)
		k = 8;
	if ((size_t)k > n)
		k = (long)n;
	return (int)k;
}

static void
read_town(struct pool *p, size_t i)
{
	struct town *t = &p->t[i];
	struct ctx x;
	fq_store *st = NULL;
	int ret;

	memset(&x, 0, sizeof(x));
	fq_buf_init(&x.data);
	x.cli = p->cli;
	x.noskip = p->noskip;
	x.noindex = p->noindex;
	/* townships read in parallel count on their own thread only */
	x.jobs = p->inner ? (size_t)p->inner : p->jobs;
	if (!p->repos)
		st = p->cli->store;
	else if (p->refs[i] ? fq_store_open_ref(&st, p->repos[i], p->refs[i],
	    &t->err) : fq_store_open(&st, p->repos[i], &t->err)) {
		t->failed = TOWN_OPEN;
		return;
	}
	if (p->inner)
		fq_store_set_threads(st, p->inner);
	if (p->county)
		x.township = township_of(st);
	if (fq_report_new(&t->r, p->cli->schema, p->month, &t->err) ||
	    fq_report_set_options(t->r, p->ropt, &t->err)) {
		t->failed = TOWN_READ;
		goto out;
	}
	fq_report_set_county(t->r, p->county);
	if (p->county)
		fq_report_add_unit(t->r, x.township);
	x.r = t->r;
	x.st = st;
	fq_buf_init(&x.bad_list);
	ret = x.noindex ? fq_store_foreach(st, each, &x, &t->err) :
		count_cases(&x, &t->err);
	if (ret)
		t->failed = TOWN_READ;
	t->bad = x.bad;
	t->bad_list = x.bad_list;
out:
	if (p->repos)
		fq_store_free(st);
	fq_buf_release(&x.data);
}

/* Township t's part into the report and x's list of unreadable files. */
static void
merge_town(struct ctx *x, struct town *t)
{
	const char *s = t->bad_list.buf;
	size_t k;

	for (k = 0; k < t->bad && k < 10; k++, s += strlen(s) + 1)
		if (x->bad + k < 10)
			fq_buf_addf(&x->bad_list, "%s%s", x->bad + k ? ", " :
				"", s);
	x->bad += t->bad;
	fq_report_merge(x->r, t->r);
	fq_report_free(t->r);
	t->r = NULL;
}

/* Merge the townships read so far, in order, up to one that failed
 * (the main thread only: the report is not shared). */
static void
merge_ready(struct pool *p)
{
	struct town *t;
	bool ready;

	for (;;) {
		if (p->threaded)
			pthread_mutex_lock(&p->mu);
		ready = p->merged < p->n && p->t[p->merged].done;
		if (p->threaded)
			pthread_mutex_unlock(&p->mu);
		t = &p->t[p->merged];
		if (!ready || t->failed)
			return;
		merge_town(p->x, t);
		p->merged++;
	}
}

static void
work(struct pool *p, bool main_thread)
{
	size_t i;

	for (;;) {
		pthread_mutex_lock(&p->mu);
		i = p->next++;
		/* past a township that failed: nothing of it is used */
		if (i < p->n && i > p->stop)
			i = p->n;
		pthread_mutex_unlock(&p->mu);
		if (i >= p->n)
			return;
		read_town(p, i);
		pthread_mutex_lock(&p->mu);
		p->t[i].done = true;
		if (p->t[i].failed && i < p->stop)
			p->stop = i;
		pthread_mutex_unlock(&p->mu);
		/* merged as they come: each part freed early */
		if (main_thread)
			merge_ready(p);
	}
}

static void *
town_worker(void *arg)
{
	work(arg, false);
	return NULL;
}

/* Read and merge the townships, up to the first that failed. */
static void
read_towns(struct pool *p)
{
	pthread_t th[8];
	int k, started = 0, nt = report_threads(p->n);
	size_t i;

	p->next = 0;
	p->stop = p->n;
	p->merged = 0;
	p->inner = nt > 1 ? 1 : 0;	/* no threads within threads */
	/* FQ_REPORT_JOBS: threads that count (1: none); 2 by default */
	p->jobs = fq_cli_jobs(p->cli, "FQ_REPORT_JOBS", 2);
	p->threaded = nt > 1;
	if (nt <= 1) {
		for (i = 0; i < p->n; i++) {
			read_town(p, i);
			p->t[i].done = true;
			merge_ready(p);
			if (p->t[i].failed)
				break;
		}
		return;
	}
	pthread_mutex_init(&p->mu, NULL);
	for (k = 1; k < nt; k++)
		if (pthread_create(&th[started], NULL, town_worker, p) == 0)
			started++;
	work(p, true);
	for (k = 0; k < started; k++)
		pthread_join(th[k], NULL);
	p->threaded = false;
	pthread_mutex_destroy(&p->mu);
	merge_ready(p);
}

/* The header and the report settings, from the first repository (x->st);
 * a month that ends on the anchor day moves x->r to the next period. */
static int
first_repo(struct fq_cli *cli, struct ctx *x, struct fq_report_header *hdr,
	struct fq_report_options *ropt, struct fq_buf *unitbuf, char mbuf[8],
	int back, bool county)
{
	const struct fq_node *config = fq_store_config(x->st);
	struct fq_error err = FQ_ERROR_INIT;

	if (county) {
		fq_buf_addf(unitbuf, "%s", *cfg(config, "county") ?
			cfg(config, "county") : "");
		hdr->town = unitbuf->buf;
		hdr->unit = *unitbuf->buf ? unitbuf->buf : "县（区）汇总";
	} else {
		hdr->town = *cfg(config, "town") ? cfg(config, "town") :
			cfg(config, "name");
		hdr->unit = cfg(config, "name");
		hdr->preparer = cfg(config, "preparer");
		hdr->reviewer = cfg(config, "reviewer");
	}
	fq_report_set_header(x->r, hdr);
	if (fq_report_options_parse(ropt, fq_map_get(config, "report"),
	    &err) || fq_report_set_options(x->r, ropt, &err))
		return fq_cli_fail(cli, FQ_EXIT_DATA, "%s/fq.yaml: %s",
			fq_store_root(x->st), err.msg);
	/* past the anchor day, today is in the next month's period */
	if (back >= 0 && ropt->anchor_day &&
	    atoi(cli->today + 8) > ropt->anchor_day) {
		month_of(mbuf, cli->today, back - 1);
		fq_report_free(x->r);
		if (fq_report_new(&x->r, cli->schema, mbuf, &err) ||
		    fq_report_set_options(x->r, ropt, &err))
			return fq_cli_error(cli, &err);
		fq_report_set_county(x->r, county);
		fq_report_set_header(x->r, hdr);
	}
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		FQ_CLI_COMMON_OPTIONS,
		{ "month", required_argument, NULL, OPT_MONTH },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "output", required_argument, NULL, 'o' },
		{ "bom", no_argument, NULL, OPT_BOM },
		{ "repo", required_argument, NULL, OPT_REPO },
		{ "county", required_argument, NULL, OPT_COUNTY },
		{ NULL, 0, NULL, 0 }
	};
	static const char *const formats[] = {
		"text", "csv", "md", "html", "json", "xlsx"
	};
	struct fq_cli cli;
	struct ctx x;
	struct pool pool;
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_report_header hdr;
	struct fq_report_options ropt;
	struct fq_buf out = FQ_BUF_INIT, unitbuf = FQ_BUF_INIT;
	const char *month = NULL, *format = "text", *path = NULL;
	char mbuf[8];
	char **repos_in = NULL, **repos = NULL, **refs = NULL;
	char **county_in = NULL;
	size_t nrepos_in = 0, nrepos = 0, ncounty_in = 0, alloc = 0, i;
	bool bom = false, county = false;
	int ch, ret = 0, fmt = -1, back = -1;

	fq_cli_init(&cli, "fq-report", argv[0], usage);
	memset(&x, 0, sizeof(x));
	memset(&pool, 0, sizeof(pool));
	fq_buf_init(&x.data);
	fq_buf_init(&x.bad_list);
	repos_in = calloc((size_t)argc + 1, sizeof(*repos_in));
	county_in = calloc((size_t)argc + 1, sizeof(*county_in));
	while ((ch = getopt_long(argc, argv, "C:ho:", opts, NULL)) != -1) {
		switch (ch) {
		case OPT_MONTH: month = optarg; break;
		case OPT_FORMAT: format = optarg; break;
		case 'o': path = optarg; break;
		case OPT_BOM: bom = true; break;
		case OPT_REPO: repos_in[nrepos_in++] = optarg; break;
		case OPT_COUNTY: county_in[ncounty_in++] = optarg; break;
		default: fq_cli_common_opt(&cli, ch, optarg);
		}
	}
	if (optind < argc)
		fq_cli_usage_error(&cli, "unexpected argument '%s'",
			argv[optind]);
	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (!strcmp(format, formats[i]))
			fmt = (int)i;
	if (fmt < 0)
		fq_cli_usage_error(&cli, "--format '%s': text, csv, md, html, "
			"xlsx or json", format);
	if (!month || !strcmp(month, "this"))
		month_of(mbuf, cli.today, back = 0);
	else if (!strcmp(month, "last"))
		month_of(mbuf, cli.today, back = 1);
	else {
		char probe[16];

		snprintf(probe, sizeof(probe), "%.7s-01", month);
		if (strlen(month) != 7 || !fq_valid_date(probe))
			fq_cli_usage_error(&cli, "--month '%s': YYYY-MM or "
				"last", month);
		snprintf(mbuf, sizeof(mbuf), "%s", month);
	}
	if (fmt == 5 && !path && cli.tty_out)
		fq_cli_usage_error(&cli, "--format xlsx writes a binary file: "
			"give -o FILE");
	if (path && !*path)
		fq_cli_usage_error(&cli, "-o: an empty file name");

	if ((ret = fq_cli_schema(&cli)) || (ret = fq_cli_calendar(&cli)))
		goto out;
	if (fq_report_new(&x.r, cli.schema, mbuf, &err)) {
		ret = fq_cli_error(&cli, &err);
		goto out;
	}
	x.cli = &cli;
	x.noskip = getenv("FQ_REPORT_NOSKIP") && *getenv("FQ_REPORT_NOSKIP");
	x.noindex = getenv("FQ_NOINDEX") && !strcmp(getenv("FQ_NOINDEX"), "1");
	if (nrepos_in) {
		if ((ret = expand_repos(&cli, repos_in, nrepos_in, &repos,
		    &nrepos, &county)))
			goto out;
		alloc = nrepos;
		refs = calloc(nrepos + 1, sizeof(*refs));
	}
	if (ncounty_in) {
		for (i = 0; i < ncounty_in; i++)
			if ((ret = expand_county(&cli, county_in[i], &repos,
			    &refs, &nrepos, &alloc)))
				goto out;
		county = true;
	}
	if (!nrepos_in && !ncounty_in) {
		if ((ret = fq_cli_open(&cli)))
			goto out;
		nrepos = 1;
	}
	fq_report_set_county(x.r, county);
	memset(&hdr, 0, sizeof(hdr));
	hdr.date = cli.today;
	/* the header and the settings: those of the first repository */
	if (repos) {
		if (refs[0] ? fq_store_open_ref(&x.st, repos[0], refs[0],
		    &err) : fq_store_open(&x.st, repos[0], &err)) {
			ret = fq_cli_error(&cli, &err);
			if (ret != FQ_EXIT_DATA)
				ret = FQ_EXIT_FAIL;
			goto out;
		}
	} else {
		x.st = cli.store;
	}
	if ((ret = first_repo(&cli, &x, &hdr, &ropt, &unitbuf, mbuf, back,
	    county)))
		goto out;
	if (repos) {
		fq_store_free(x.st);
		x.st = NULL;
	}
	memset(&pool, 0, sizeof(pool));
	pool.cli = &cli;
	pool.repos = repos;
	pool.refs = refs;
	pool.n = nrepos;
	if (!(pool.t = calloc(nrepos, sizeof(*pool.t))))
		abort();
	for (i = 0; i < nrepos; i++)
		fq_buf_init(&pool.t[i].bad_list);
	pool.month = mbuf;
	pool.ropt = &ropt;
	pool.county = county;
	pool.noskip = x.noskip;
	pool.noindex = x.noindex;
	pool.x = &x;
	read_towns(&pool);
	/* the cached views of branches and mirrors that are gone,
	 * whatever the report's outcome */
	if (ncounty_in) {
		size_t pruned;

		fq_store_prune_views(&pruned, NULL);
	}
	if (pool.merged < nrepos) {
		struct town *t = &pool.t[pool.merged];

		ret = fq_cli_error(&cli, &t->err);
		if (t->failed == TOWN_OPEN && ret != FQ_EXIT_DATA)
			ret = FQ_EXIT_FAIL;
		goto out;
	}
	if (x.bad) {
		ret = fq_cli_fail(&cli, FQ_EXIT_DATA, "%zu case file(s) could "
			"not be read, no report written (run 'fq check'): %s%s",
			x.bad, x.bad_list.buf, x.bad > 10 ? ", ..." : "");
		goto out;
	}
	if (fq_report_finish(x.r, &err)) {
		ret = fq_cli_fail(&cli, FQ_EXIT_FAIL, "%s", err.msg);
		goto out;
	}
	if (fmt == 5) {
		ret = output_xlsx(&cli, x.r, path);
		goto out;
	}
	if (fq_report_render(x.r, (enum fq_report_format)fmt, bom, &out,
	    &err)) {
		ret = fq_cli_error(&cli, &err);
		goto out;
	}
	if (path)
		ret = write_atomic(&cli, path, out.buf, out.len);
	else
		fwrite(out.buf, 1, out.len, stdout);
out:
	if (repos && x.st)
		fq_store_free(x.st);
	for (i = 0; i < nrepos; i++) {
		free(repos ? repos[i] : NULL);
		free(refs ? refs[i] : NULL);
	}
	for (i = 0; i < pool.n; i++) {
		fq_report_free(pool.t[i].r);
		fq_buf_release(&pool.t[i].bad_list);
	}
	free(pool.t);
	free(repos);
	free(refs);
	free(repos_in);
	free(county_in);
	fq_report_free(x.r);
	fq_buf_release(&x.data);
	fq_buf_release(&x.bad_list);
	fq_buf_release(&out);
	fq_buf_release(&unitbuf);
	return fq_cli_finish(&cli, ret);
}
