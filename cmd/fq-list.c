/*
 * fq-list: query the cases.  Filters (DESIGN.md §4) are ANDed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fq/index.h"
#include "fq/query.h"

static const char *const usage[] = {
	"fq-list [-C DIR] [--format table|tsv|csv|json] [--bom] [FILTER...]",
	NULL
};

enum { OPT_FORMAT = FQ_OPT_FIRST_PROGRAM_OPTION, OPT_BOM };

/* The keys of a row, in column order; JSON uses the same names. */
static const char *const cols[] = {
	"id", "status", "outcome", "category", "risk_color", "accepted_on",
	"due_on", "title", "source", "reported_on", "village", "mediators"
};
#define NCOLS (sizeof(cols) / sizeof(cols[0]))
static const char *const col_enum[NCOLS] = {
	NULL, "states", "outcomes", "categories", "colors", NULL, NULL, NULL,
	"sources", NULL, NULL, NULL
};

struct row {
	char *v[NCOLS];
	char *due_at;		/* for the colour: an hour deadline passed */
};

struct ctx {
	struct fq_cli *cli;
	struct fq_filter *filters;
	size_t nfilters;
	bool need_text;
	struct fq_filter_ctx fctx;	/* today, now, profile */
	struct row *rows;
	size_t n, alloc;
	struct fq_buf data;
	size_t skipped;
};

static char *
col_value(const struct fq_node *c, const char *key)
{
	const struct fq_node *v = fq_map_get(c, key);
	struct fq_buf b = FQ_BUF_INIT;
	size_t i;

	if (!v || v->kind == FQ_NODE_NULL)
		return NULL;
	if (v->kind == FQ_NODE_SCALAR)
		return strdup(v->str);
	if (v->kind == FQ_NODE_SEQ) {
		for (i = 0; i < v->len; i++)
			if (v->vals[i]->kind == FQ_NODE_SCALAR) {
				if (b.len)
					fq_buf_adds(&b, ",");
				fq_buf_adds(&b, v->vals[i]->str);
			}
		return fq_buf_detach(&b, NULL);
	}
	return NULL;
}

static int
each(const char *relpath, const char *oid, const struct fq_node *c,
	void *data)
{
	struct ctx *x = data;
	struct fq_error err = FQ_ERROR_INIT;
	size_t i;

	(void)oid;
	if (!c) {
		x->skipped++;
		return 0;
	}
	if (x->need_text) {
		fq_buf_reset(&x->data);
		if (fq_store_read_head(x->cli->store, relpath, &x->data, &err))
			fq_buf_reset(&x->data);
	}
	if (!fq_filter_match_ctx(x->filters, x->nfilters, x->cli->schema, c,
	    x->need_text ? x->data.buf : NULL, &x->fctx))
		return 0;
	if (x->n == x->alloc) {
		x->alloc = x->alloc ? x->alloc * 2 : 256;
		x->rows = realloc(x->rows, x->alloc * sizeof(*x->rows));
		if (!x->rows)
			abort();
	}
	for (i = 0; i < NCOLS; i++)
		x->rows[x->n].v[i] = col_value(c, cols[i]);
	x->rows[x->n].due_at = col_value(c, "due_at");
	x->n++;
	return 0;
}

/* FQ_NOINDEX=1: every file read and parsed (the reference the tests
 * compare the index with). */
static int
each_file(const char *relpath, const char *oid, void *data)
{
	struct ctx *x = data;
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_buf raw = FQ_BUF_INIT;
	struct fq_node *c = NULL, *s = NULL;
	int ret;

	if (fq_store_read_blob(x->cli->store, oid, &raw, &err) == 0 &&
	    fq_yaml_parse(&c, raw.buf, raw.len, relpath, &err) == 0 &&
	    c->kind == FQ_NODE_MAP)
		s = fq_index_summary(c);
	ret = each(relpath, oid, s, x);
	fq_node_free(s);
	fq_node_free(c);
	fq_buf_release(&raw);
	return ret;
}

static int
cmp_rows(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	return strcmp(x->v[0] ? x->v[0] : "", y->v[0] ? y->v[0] : "");
}


static void
tsv_field(const char *s)
{
	for (; s && *s; s++)
		putchar(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s);
}

static const char *
shown(struct fq_cli *cli, size_t col, const char *v)
{
	if (!v)
		return "";
	if (col_enum[col])
		return fq_schema_label(cli->schema, col_enum[col], v);
	return v;
}

static void
print_table(struct fq_cli *cli, struct ctx *x)
{
	/* id, status, category, risk, accepted, due, title */
	static const size_t show[] = { 0, 1, 3, 4, 5, 6, 7 };
	static const char *const head[] = {
		"ID", "状态", "类别", "风险", "受理日期", "时限", "纠纷名称"
	};
	size_t w[7], i, j;
	bool color = fq_cli_color(cli);
	struct fq_buf line = FQ_BUF_INIT;

	for (j = 0; j < 7; j++)
		w[j] = fq_display_width(head[j]);
	for (i = 0; i < x->n; i++)
		for (j = 0; j < 6; j++) {
			size_t cw = fq_display_width(shown(cli, show[j],
				x->rows[i].v[show[j]]));
			if (cw > w[j])
				w[j] = cw;
		}
	w[6] = 40;
	for (j = 0; j < 7; j++) {
		fq_buf_add_cols(&line, head[j], w[j], j < 6);
		if (j < 6)
			fq_buf_adds(&line, "  ");
	}
	puts(line.buf);
	for (i = 0; i < x->n; i++) {
		const char *risk = x->rows[i].v[4];
		/* the ID, risk and title in the risk's colour, the state in
		 * its own (red when overdue) */
		const char *rc = color ? fq_cli_risk_sgr(risk) : "";
		const char *sgr[7] = {
			rc, color ? fq_cli_state_sgr(cli, x->rows[i].v[1],
			x->rows[i].v[6], x->rows[i].due_at) : "", "", rc, "",
			"", rc
		};

		fq_buf_reset(&line);
		for (j = 0; j < 7; j++) {
			fq_cli_add_cell(&line, shown(cli, show[j],
				x->rows[i].v[show[j]]), w[j], j < 6, sgr[j]);
			if (j < 6)
				fq_buf_adds(&line, "  ");
		}
		/* no trailing blanks */
		while (line.len && line.buf[line.len - 1] == ' ')
			fq_buf_setlen(&line, line.len - 1);
		puts(line.buf);
	}
	fq_buf_release(&line);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		FQ_CLI_COMMON_OPTIONS,
		{ "bom", no_argument, NULL, OPT_BOM },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ NULL, 0, NULL, 0 }
	};
	struct fq_cli cli;
	struct ctx x = { 0 };
	struct fq_error err = FQ_ERROR_INIT;
	const char *format = "table";
	bool bom = false;
	int ch, ret = 0;
	size_t i, j;

	fq_cli_init(&cli, "fq-list", argv[0], usage);
	while ((ch = getopt_long(argc, argv, "C:h", opts, NULL)) != -1) {
		switch (ch) {
		case OPT_FORMAT: format = optarg; break;
		case OPT_BOM: bom = true; break;
		default: fq_cli_common_opt(&cli, ch, optarg);
		}
	}
	if (strcmp(format, "table") && strcmp(format, "tsv") &&
	    strcmp(format, "csv") && strcmp(format, "json"))
		fq_cli_usage_error(&cli, "--format '%s': use table, tsv, csv "
			"or json", format);
	if ((ret = fq_cli_open(&cli)))
		goto out;
	x.cli = &cli;
	fq_buf_init(&x.data);
	x.filters = calloc((size_t)argc + 1, sizeof(*x.filters));
	for (i = (size_t)optind; i < (size_t)argc; i++) {
		if (fq_filter_parse_clerk(&x.filters[x.nfilters],
		    cli.schema, argv[i], fq_cli_actor(&cli), &err)) {
			fprintf(stderr, "%s: %s\n", cli.prog, err.msg);
			fq_cli_usage(&cli, true);
		}
		x.nfilters++;
	}
	x.need_text = fq_filter_needs_text(x.filters, x.nfilters);
	x.fctx.today = cli.today;
	x.fctx.now = fq_cli_clock(&cli);
	x.fctx.config = fq_store_config(cli.store);
	if (fq_filter_needs_profile(x.filters, x.nfilters)) {
		if ((ret = fq_cli_calendar(&cli)))
			goto out;
		x.fctx.cal = cli.cal;
	}
	if (getenv("FQ_NOINDEX") && !strcmp(getenv("FQ_NOINDEX"), "1") ?
	    fq_store_foreach(cli.store, each_file, &x, &err) :
	    fq_index_scan(cli.store, each, &x, &err)) {
		ret = fq_cli_error(&cli, &err);
		goto out;
	}
	if (x.skipped) {
		/* The list is printed, but incomplete: say so in the exit
		 * code too, so a script does not take it for the whole. */
		fq_cli_warn(&cli, "%zu case file(s) could not be read; run "
			"'fq check'", x.skipped);
		ret = FQ_EXIT_DATA;
	}
	if (x.n)
		qsort(x.rows, x.n, sizeof(*x.rows), cmp_rows);

	if (!strcmp(format, "json")) {
		struct fq_buf b = FQ_BUF_INIT;

		fq_buf_addch(&b, '[');
		for (i = 0; i < x.n; i++) {
			fq_buf_adds(&b, i ? ",\n  {" : "\n  {");
			for (j = 0; j < NCOLS; j++) {
				const char *v = x.rows[i].v[j];

				fq_buf_adds(&b, j ? ", " : "");
				fq_json_str(&b, cols[j]);
				fq_buf_adds(&b, ": ");
				if (!strcmp(cols[j], "mediators")) {
					const char *p = v;

					fq_buf_addch(&b, '[');
					while (p && *p) {
						const char *e = strchr(p, ',');
						size_t l = e ? (size_t)(e - p) :
							strlen(p);
						char *one = strndup(p, l);

						if (p != v)
							fq_buf_adds(&b, ", ");
						fq_json_str(&b, one);
						free(one);
						p += l + (e ? 1 : 0);
					}
					fq_buf_addch(&b, ']');
				} else if (v) {
					fq_json_str(&b, v);
				} else {
					fq_buf_adds(&b, "null");
				}
			}
			fq_buf_addch(&b, '}');
		}
		fq_buf_adds(&b, x.n ? "\n]" : "]");
		puts(b.buf);
		fq_buf_release(&b);
	} else if (!strcmp(format, "csv") || !strcmp(format, "tsv")) {
		bool csv = !strcmp(format, "csv");
		struct fq_buf field = FQ_BUF_INIT;

		if (bom && csv)
			fputs("\xEF\xBB\xBF", stdout);
		for (j = 0; j < NCOLS; j++) {
			fputs(j ? (csv ? "," : "\t") : "", stdout);
			fputs(cols[j], stdout);
		}
		fputs(csv ? "\r\n" : "\n", stdout);
		for (i = 0; i < x.n; i++) {
			for (j = 0; j < NCOLS; j++) {
				fputs(j ? (csv ? "," : "\t") : "", stdout);
				if (csv) {
					fq_buf_reset(&field);
					fq_csv_field(&field, x.rows[i].v[j], ',');
					fputs(field.buf, stdout);
				} else {
					tsv_field(x.rows[i].v[j]);
				}
			}
			fputs(csv ? "\r\n" : "\n", stdout);
		}
		fq_buf_release(&field);
	} else {
		print_table(&cli, &x);
	}
out:
	for (i = 0; i < x.n; i++) {
		for (j = 0; j < NCOLS; j++)
			free(x.rows[i].v[j]);
		free(x.rows[i].due_at);
	}
	free(x.rows);
	for (i = 0; i < x.nfilters; i++)
		fq_filter_release(&x.filters[i]);
	free(x.filters);
	fq_buf_release(&x.data);
	return fq_cli_finish(&cli, ret);
}
