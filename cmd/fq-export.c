/*
 * fq-export: all or selected cases out, as CSV a clerk opens in Excel (and
 * fq import reads back), JSON or YAML.  Phones and ID numbers are masked
 * unless --show-pii.
 *
 * The CSV has one row per party, like a 登记簿: the first row of a case
 * holds the case columns and its first party; further parties follow in
 * rows with only the party columns filled (the continuation rows that
 * fq import joins to the case above).  The headers are the ones fq import
 * maps (schemas/import-headers.yaml), so an export imported into another
 * repository gives the same cases.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fq/import.h"
#include "fq/index.h"
#include "fq/query.h"

static const char *const usage[] = {
	"fq-export [-C DIR] [--format csv|json|yaml] [--bom] [--show-pii] "
	"[-o FILE] [FILTER...]",
	NULL
};

enum { OPT_FORMAT = FQ_OPT_FIRST_PROGRAM_OPTION, OPT_BOM };

enum col {
	C_ID, C_DOCKET, C_ACCEPTED, C_REPORTED, C_TITLE, C_CATEGORY, C_RAWCAT,
	C_SUMMARY, C_PARTY, C_GENDER, C_AGE, C_ADDRESS, C_PHONE, C_IDNO,
	C_SOURCE, C_VILLAGE, C_GRID, C_TOWN, C_MEDIATORS, C_LEAD, C_UNIT,
	C_RISK, C_PLAN, C_DUE, C_RESULT, C_PERF, C_CLOSED, C_AMOUNT, C_PEOPLE,
	C_FLAGS, NCOL
};

static const char *const header[NCOL] = {
	"fq编号", "案件编号", "受理日期", "排查日期", "纠纷名称", "纠纷类型",
	"原始类别", "纠纷简要情况", "当事人", "性别", "年龄", "住址", "联系电话",
	"身份证号", "案件来源", "所属村", "网格", "乡镇", "调解员", "包案领导",
	"责任单位", "风险等级", "化解措施", "化解时限", "调解结果",
	"协议履行情况", "结案日期", "涉及金额", "涉及人数", "待核事项"
};

struct ctx {
	struct fq_cli *cli;
	struct fq_filter *filters;
	size_t nfilters;
	struct fq_filter_ctx fctx;	/* today, now, profile */
	struct fq_node *cases;	/* SEQ of matching cases (display copies) */
	struct fq_buf text;
	size_t skipped;
};

static int
each(const char *relpath, const char *oid, void *data)
{
	struct ctx *x = data;
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_node *c = NULL;

	(void)oid;
	fq_buf_reset(&x->text);
	if (fq_store_read_head(x->cli->store, relpath, &x->text, &err) ||
	    fq_yaml_parse(&c, x->text.buf, x->text.len, relpath, &err) ||
	    c->kind != FQ_NODE_MAP) {
		fq_node_free(c);
		x->skipped++;
		return 0;
	}
	if (fq_filter_match_ctx(x->filters, x->nfilters, x->cli->schema, c,
	    x->text.buf, &x->fctx))
		fq_seq_push(x->cases, fq_cli_display_copy(x->cli, c));
	fq_node_free(c);
	return 0;
}

/* Through the index: a case whose summary fails a filter is not read
 * (every filter but text: looks only at keys the summary holds). */
static int
each_summary(const char *relpath, const char *oid,
	const struct fq_node *summary, void *data)
{
	struct ctx *x = data;

	if (summary && !fq_filter_match(x->filters, x->nfilters,
	    x->cli->schema, summary, NULL, x->cli->today))
		return 0;
	return each(relpath, oid, data);
}

static int
cmp_id(const void *a, const void *b)
{
	const char *x = fq_map_str(*(struct fq_node *const *)a, "id");
	const char *y = fq_map_str(*(struct fq_node *const *)b, "id");

	return strcmp(x ? x : "", y ? y : "");
}

static void
join_seq(struct fq_buf *out, const struct fq_node *seq, const char *sep)
{
	size_t i;

	for (i = 0; seq && seq->kind == FQ_NODE_SEQ && i < seq->len; i++)
		if (seq->vals[i]->kind == FQ_NODE_SCALAR)
			fq_buf_addf(out, "%s%s", out->len ? sep : "",
				seq->vals[i]->str);
}

/* The 当事人 cell: role prefix, name, note or representative. */
static void
party_cell(struct fq_buf *out, const fq_schema *sc, const struct fq_node *p)
{
	const char *role = fq_map_str(p, "role");
	const char *name = fq_map_str(p, "name");
	const char *note = fq_map_str(p, "note");
	const char *rep = fq_map_str(p, "representative");

	if (role)
		fq_buf_addf(out, "%s：", fq_schema_label(sc, "party_roles",
			role));
	if (note && name && strstr(note, name))
		fq_buf_adds(out, note);		/* a group: "赵某等5户" */
	else {
		fq_buf_adds(out, name ? name : "");
		if (rep)
			fq_buf_addf(out, "（%s）", rep);
		else if (note)
			fq_buf_addf(out, "（%s）", note);
	}
}

static void
party_cols(char **v, const fq_schema *sc, const struct fq_node *p)
{
	struct fq_buf b = FQ_BUF_INIT;
	const char *g = fq_map_str(p, "gender");

	party_cell(&b, sc, p);
	v[C_PARTY] = fq_buf_detach(&b, NULL);
	if (g)
		v[C_GENDER] = strdup(!strcmp(g, "M") ? "男" : "女");
	if (fq_map_str(p, "age"))
		v[C_AGE] = strdup(fq_map_str(p, "age"));
	if (fq_map_str(p, "address"))
		v[C_ADDRESS] = strdup(fq_map_str(p, "address"));
	join_seq(&b, fq_map_get(p, "phones"), "/");
	v[C_PHONE] = fq_buf_detach(&b, NULL);
	if (fq_map_str(p, "id_number"))
		v[C_IDNO] = strdup(fq_map_str(p, "id_number"));
}

/* The 调解结果 cell: words fq import reads back as the same state. */
static void
result_cell(struct fq_buf *out, const fq_schema *sc, const struct fq_node *c)
{
	const char *st = fq_map_str(c, "status");
	const char *oc = fq_map_str(c, "outcome");
	const struct fq_node *ag = fq_map_get(c, "agreement");

	if (!st)
		return;
	if (oc && (!strcmp(st, "closed") || !strcmp(st, "archived"))) {
		const struct fq_node *r = fq_map_get(c,
			"failure_routes_advised");
		size_t i;

		fq_buf_adds(out, fq_schema_label(sc, "outcomes", oc));
		for (i = 0; r && r->kind == FQ_NODE_SEQ && i < r->len; i++) {
			const char *w = r->vals[i]->str;

			fq_buf_adds(out, i ? "、" : "，");
			fq_buf_adds(out, !strcmp(w, "litigation") ? "告知起诉" :
				!strcmp(w, "arbitration") ? "告知仲裁" :
				!strcmp(w, "administrative") ? "告知行政途径" :
				"告知信访");
		}
	} else if (!strcmp(st, "agreed")) {
		const char *form = ag ? fq_map_str(ag, "form") : NULL;

		fq_buf_adds(out, form && !strcmp(form, "oral") ?
			"达成协议（口头协议）" : "达成协议（书面协议）");
	} else if (!strcmp(st, "mediating") || !strcmp(st, "referred_out"))
		fq_buf_adds(out, fq_schema_label(sc, "states", st));
}

static void
case_cols(char **v, const fq_schema *sc, const struct fq_node *c)
{
	static const struct {
		enum col col;
		const char *key;
	} plain[] = {
		{ C_ID, "id" }, { C_DOCKET, "docket_no" },
		{ C_ACCEPTED, "accepted_on" }, { C_REPORTED, "reported_on" },
		{ C_TITLE, "title" }, { C_RAWCAT, "subcategory_raw" },
		{ C_SUMMARY, "summary" }, { C_VILLAGE, "village" },
		{ C_GRID, "grid" }, { C_TOWN, "town" }, { C_LEAD, "lead_official" },
		{ C_UNIT, "responsible_unit" }, { C_PLAN, "plan" },
		{ C_DUE, "due_on" }, { C_CLOSED, "closed_on" },
		{ C_AMOUNT, "amount_in_dispute" }
	};
	struct fq_buf b = FQ_BUF_INIT;
	const struct fq_node *ag = fq_map_get(c, "agreement");
	const char *s, *st = fq_map_str(c, "status");
	size_t i;

	for (i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
		if ((s = fq_map_str(c, plain[i].key)))
			v[plain[i].col] = strdup(s);
	if (st && strcmp(st, "closed") && strcmp(st, "archived")) {
		free(v[C_CLOSED]);
		v[C_CLOSED] = NULL;
	}
	if ((s = fq_map_str(c, "category")))
		v[C_CATEGORY] = strdup(fq_schema_label(sc, "categories", s));
	if ((s = fq_map_str(c, "source")))
		v[C_SOURCE] = strdup(fq_schema_label(sc, "sources", s));
	if ((s = fq_map_str(c, "risk_color")))
		v[C_RISK] = strdup(fq_schema_label(sc, "colors", s));
	join_seq(&b, fq_map_get(c, "mediators"), "、");
	v[C_MEDIATORS] = fq_buf_detach(&b, NULL);
	result_cell(&b, sc, c);
	v[C_RESULT] = fq_buf_detach(&b, NULL);
	if (ag && (s = fq_map_str(ag, "performance_status")))
		v[C_PERF] = strdup(fq_schema_label(sc, "performance_status",
			s));
	else if (st && !strcmp(st, "agreed"))
		v[C_PERF] = strdup("待履行");
	if ((s = fq_map_str(c, "households_involved")))
		fq_buf_addf(&b, "%s户", s);
	if ((s = fq_map_str(c, "people_involved")))
		fq_buf_addf(&b, "%s人", s);
	v[C_PEOPLE] = fq_buf_detach(&b, NULL);
	join_seq(&b, fq_map_get(c, "flags"), "、");
	v[C_FLAGS] = fq_buf_detach(&b, NULL);
}

static void
write_csv(struct fq_buf *out, const fq_schema *sc, const struct fq_node *cases)
{
	size_t i, j, k;

	fq_csv_row(out, header, NCOL, ',');
	for (i = 0; i < cases->len; i++) {
		const struct fq_node *c = cases->vals[i];
		const struct fq_node *ps = fq_map_get(c, "parties");
		size_t np = ps && ps->kind == FQ_NODE_SEQ ? ps->len : 0;

		for (j = 0; j < (np ? np : 1); j++) {
			char *v[NCOL] = { NULL };

			if (j == 0)
				case_cols(v, sc, c);
			if (np)
				party_cols(v, sc, ps->vals[j]);
			fq_csv_row(out, (const char *const *)v, NCOL, ',');
			for (k = 0; k < NCOL; k++)
				free(v[k]);
		}
	}
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		FQ_CLI_COMMON_OPTIONS,
		{ "bom", no_argument, NULL, OPT_BOM },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "output", required_argument, NULL, 'o' },
		{ "show-pii", no_argument, NULL, FQ_OPT_SHOW_PII },
		{ NULL, 0, NULL, 0 }
	};
	struct fq_cli cli;
	struct ctx x;
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_buf out = FQ_BUF_INIT;
	const char *format = "csv", *output = NULL;
	bool bom = false;
	int ch, ret = 0;
	size_t i;

	memset(&x, 0, sizeof(x));
	fq_buf_init(&x.text);
	fq_cli_init(&cli, "fq-export", argv[0], usage);
	while ((ch = getopt_long(argc, argv, "C:ho:", opts, NULL)) != -1) {
		switch (ch) {
		case OPT_FORMAT: format = optarg; break;
		case OPT_BOM: bom = true; break;
		case 'o': output = optarg; break;
		default: fq_cli_common_opt(&cli, ch, optarg);
		}
	}
	if (strcmp(format, "csv") && strcmp(format, "json") &&
	    strcmp(format, "yaml"))
		fq_cli_usage_error(&cli, "--format '%s': use csv, json or yaml",
			format);
	if (bom && strcmp(format, "csv"))
		fq_cli_usage_error(&cli, "--bom goes with --format csv only");
	if ((ret = fq_cli_open(&cli)))
		goto out;
	x.cli = &cli;
	x.filters = calloc((size_t)argc + 1, sizeof(*x.filters));
	for (i = (size_t)optind; i < (size_t)argc; i++) {
		if (fq_filter_parse_clerk(&x.filters[x.nfilters],
		    cli.schema, argv[i], fq_cli_actor(&cli), &err))
			fq_cli_usage_error(&cli, "%s", err.msg);
		x.nfilters++;
	}
	x.fctx.today = cli.today;
	x.fctx.now = fq_cli_clock(&cli);
	x.fctx.config = fq_store_config(cli.store);
	if (fq_filter_needs_profile(x.filters, x.nfilters)) {
		if ((ret = fq_cli_calendar(&cli)))
			goto out;
		x.fctx.cal = cli.cal;
	}
	x.cases = fq_node_new(FQ_NODE_SEQ);
	if (x.nfilters && !fq_filter_needs_text(x.filters, x.nfilters) &&
	    !(getenv("FQ_NOINDEX") && !strcmp(getenv("FQ_NOINDEX"), "1")) ?
	    fq_index_scan(cli.store, each_summary, &x, &err) :
	    fq_store_foreach(cli.store, each, &x, &err)) {
		ret = fq_cli_error(&cli, &err);
		goto out;
	}
	if (x.cases->len > 1)
		qsort(x.cases->vals, x.cases->len, sizeof(*x.cases->vals),
			cmp_id);
	if (!strcmp(format, "csv")) {
		if (bom)
			fq_buf_add(&out, "\xEF\xBB\xBF", 3);
		write_csv(&out, cli.schema, x.cases);
	} else if (!strcmp(format, "json")) {
		fq_buf_adds(&out, "[");
		for (i = 0; i < x.cases->len; i++) {
			fq_buf_adds(&out, i ? ",\n" : "\n");
			fq_json_node(&out, cli.schema, "case", x.cases->vals[i],
				-1);
		}
		fq_buf_adds(&out, x.cases->len ? "\n]\n" : "]\n");
	} else if (x.cases->len) {
		if (fq_yaml_emit(&out, x.cases, &err)) {
			ret = fq_cli_error(&cli, &err);
			goto out;
		}
	} else
		fq_buf_adds(&out, "[]\n");
	if (output) {
		FILE *f = fopen(output, "wb");

		if (!f || fwrite(out.buf, 1, out.len, f) != out.len ||
		    fclose(f)) {
			ret = fq_cli_fail(&cli, FQ_EXIT_FAIL, "cannot write %s: "
				"%s", output, strerror(errno));
			goto out;
		}
	} else
		fwrite(out.buf, 1, out.len, stdout);
	if (!cli.show_pii)
		fprintf(stderr, _("%s: %zu cases exported; phone and ID numbers "
			"masked (--show-pii to include them)\n"), cli.prog,
			x.cases->len);
	if (x.skipped) {
		fq_cli_warn(&cli, "%zu case file(s) could not be read; run "
			"'fq check'", x.skipped);
		ret = FQ_EXIT_DATA;
	}
out:
	for (i = 0; i < x.nfilters; i++)
		fq_filter_release(&x.filters[i]);
	free(x.filters);
	fq_node_free(x.cases);
	fq_buf_release(&x.text);
	fq_buf_release(&out);
	return fq_cli_finish(&cli, ret);
}
