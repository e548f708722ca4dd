/*
 * report_out.c: the tables of the monthly report and its formats (see
 * fq/report.h).  Every format is built from the same tables, so the CSV,
 * the XLSX and the HTML show the same cells.
 */
#include <stdio.h>

#include "fq/report.h"
#include "fq/text.h"
#include "internal.h"
#include "report_impl.h"

/* --- cells --- */

struct tb {
	struct fq_report_table *t;
	size_t alloc;		/* cells */
	size_t col;
};

static void
tb_start(struct tb *b, struct fq_report_table *t, const char *name,
	const char *const *head, size_t ncols)
{
	size_t i;

	memset(t, 0, sizeof(*t));
	t->name = name;
	t->ncols = ncols;
	t->head = fq_xcalloc(ncols, sizeof(char *));
	for (i = 0; i < ncols; i++)
		t->head[i] = fq_xstrdup(head[i]);
	b->t = t;
	b->alloc = 0;
	b->col = 0;
}

static void
tb_cell(struct tb *b, const char *text, bool number)
{
	struct fq_report_table *t = b->t;
	size_t i = t->nrows * t->ncols + b->col;

	FQ_ALLOC_GROW(t->cells, i + 1, b->alloc);
	t->cells[i].text = fq_xstrdup(text ? text : "");
	t->cells[i].number = number;
	if (++b->col == t->ncols) {
		b->col = 0;
		t->nrows++;
	}
}

static void
tb_num(struct tb *b, long n)
{
	char s[32];

	snprintf(s, sizeof(s), "%ld", n);
	tb_cell(b, s, true);
}

static void
fen_text(char *s, size_t n, long long fen)
{
	snprintf(s, n, "%lld.%02lld", fen / 100, fen % 100);
}

static void
tb_rate(struct tb *b, const struct fq_figs *f, enum fq_rate r)
{
	struct fq_buf s = FQ_BUF_INIT;

	fq_rate_text(&s, f, r);
	tb_cell(b, s.buf, false);
	fq_buf_release(&s);
}

static void
tb_pair(struct tb *b, long cases, long people)
{
	char s[48];

	snprintf(s, sizeof(s), "%ld/%ld", cases, people);
	tb_cell(b, s, false);
}

/* --- the tables --- */

static const char *const t1_head[] = {
	"单位", "上月结转", "本月排查发现", "本月新增受理", "其中:主动调解",
	"其中:申请调解", "其中:委托移送/交办", "本月办结", "其中:调解成功(书面)",
	"其中:调解成功(口头)", "其中:调解不成", "其中:撤回/拒绝/不予受理",
	"其中:移交", "本月化解", "月末在办", "其中:超期", "调解成功率", "化解率",
	"办结率", "协议金额(元)", "司法确认(件)", "回访(次)", "防止民转刑(件/人)",
	"防止群体性上访(件/人)"
};

static const char *const t1_ytd_head[] = {
	"年度累计:年初结转", "年度累计:新增受理", "年度累计:办结",
	"年度累计:化解", "年度累计:调解成功", "年度累计:调解不成",
	"年度累计:化解率"
};

static void
t1_row(struct tb *b, const fq_report *r, const char *name,
	const struct fq_figs *f, const struct fq_figs *y)
{
	static const enum fq_fig cols[] = {
		FQ_FIG_CARRIED_IN, FQ_FIG_SCREENED, FQ_FIG_NEW,
		FQ_FIG_NEW_PROACTIVE, FQ_FIG_NEW_APPLICATION,
		FQ_FIG_NEW_REFERRED, FQ_FIG_CLOSED, FQ_FIG_MEDIATED_WRITTEN,
		FQ_FIG_MEDIATED_ORAL, FQ_FIG_MEDIATED_FAIL, FQ_FIG_ENDED,
		FQ_FIG_CLOSED_REFERRED, FQ_FIG_RESOLVED, FQ_FIG_CARRIED_OUT,
		FQ_FIG_OVERDUE_OPEN
	};
	char s[48];
	size_t i;

	tb_cell(b, name, false);
	for (i = 0; i < FQ_ARRAY_SIZE(cols); i++)
		tb_num(b, f->n[cols[i]]);
	tb_rate(b, f, r->opt.success_rate);
	tb_rate(b, f, FQ_RATE_RESOLUTION);
	tb_rate(b, f, FQ_RATE_COMPLETION);
	fen_text(s, sizeof(s), f->amount_fen);
	tb_cell(b, s, true);
	tb_num(b, f->n[FQ_FIG_CONFIRMED]);
	tb_num(b, f->n[FQ_FIG_VISITS]);
	tb_pair(b, f->n[FQ_FIG_PREV_CRIME], f->people[0]);
	tb_pair(b, f->n[FQ_FIG_PREV_MASS_PETITION], f->people[1]);
	if (!r->opt.ytd)
		return;
	tb_num(b, y->n[FQ_FIG_CARRIED_IN]);
	tb_num(b, y->n[FQ_FIG_NEW]);
	tb_num(b, y->n[FQ_FIG_CLOSED]);
	tb_num(b, y->n[FQ_FIG_RESOLVED]);
	tb_num(b, y->n[FQ_FIG_MEDIATED_OK]);
	tb_num(b, y->n[FQ_FIG_MEDIATED_FAIL]);
	tb_rate(b, y, FQ_RATE_RESOLUTION);
}

static const char *const t2_head[] = {
	"类别", "上月结转", "本月新增", "本月化解", "本月未化解(月末在办)",
	"调解成功", "调解不成", "调解成功率"
};

static void
t2_row(struct tb *b, const fq_report *r, const char *name,
	const struct fq_figs *f)
{
	tb_cell(b, name, false);
	tb_num(b, f->n[FQ_FIG_CARRIED_IN]);
	tb_num(b, f->n[FQ_FIG_NEW]);
	tb_num(b, f->n[FQ_FIG_RESOLVED]);
	tb_num(b, f->n[FQ_FIG_CARRIED_OUT]);
	tb_num(b, f->n[FQ_FIG_MEDIATED_OK]);
	tb_num(b, f->n[FQ_FIG_MEDIATED_FAIL]);
	tb_rate(b, f, r->opt.success_rate);
}

static const char *const t3_head[] = {
	"编号", "类型", "简要情况", "风险等级", "涉及人数", "包案领导", "责任单位",
	"化解措施(一案一策)", "化解时限", "本月进展", "是否销号", "销号日期"
};

static const char *const t4_head[] = {
	"对接类型", "收到", "已反馈", "超期未反馈", "发出", "已签收", "已收到反馈",
	"其中已化解"
};

static const char *const t5_head[] = {
	"类别", "项目", "乡镇街道", "村居", "小计", "年度累计"
};

static void
tb_pct(struct tb *b, long num, long den)
{
	struct fq_buf s = FQ_BUF_INIT;

	fq_percent_text(&s, num, den);
	tb_cell(b, s.buf, false);
	fq_buf_release(&s);
}

/* One row of table 5: measure m of category i (nzz: 总况). */
static void
t5_row(struct tb *b, const fq_report *r, size_t i, const char *name, int m)
{
	long t = fq_report_zz(r, i, m, FQ_ZZ_TOWNSHIP);
	long v = fq_report_zz(r, i, m, FQ_ZZ_VILLAGE);

	tb_cell(b, name, false);
	tb_cell(b, fq_zz_defs[m].label, false);
	tb_num(b, t);
	tb_num(b, v);
	tb_num(b, t + v);
	tb_num(b, fq_report_zz(r, i, m, FQ_ZZ_YTD));
}

/* A rate row of 总况 (z = nzz) or 重大矛盾纠纷 (nzz + 1): num_m / den_m
 * in each column. */
static void
t5_rate(struct tb *b, const fq_report *r, size_t z, const char *name,
	const char *label, int num, int den)
{
	tb_cell(b, name, false);
	tb_cell(b, label, false);
	tb_pct(b, fq_report_zz(r, z, num, FQ_ZZ_TOWNSHIP),
		fq_report_zz(r, z, den, FQ_ZZ_TOWNSHIP));
	tb_pct(b, fq_report_zz(r, z, num, FQ_ZZ_VILLAGE),
		fq_report_zz(r, z, den, FQ_ZZ_VILLAGE));
	tb_pct(b, fq_report_zz(r, z, num, FQ_ZZ_TOWNSHIP) +
		fq_report_zz(r, z, num, FQ_ZZ_VILLAGE),
		fq_report_zz(r, z, den, FQ_ZZ_TOWNSHIP) +
		fq_report_zz(r, z, den, FQ_ZZ_VILLAGE));
	tb_pct(b, fq_report_zz(r, z, num, FQ_ZZ_YTD),
		fq_report_zz(r, z, den, FQ_ZZ_YTD));
}

static bool
shown(const fq_report *r, int kind)
{
	if (kind == 5 && !r->nzz)
		return false;
	return !r->opt.tables || (r->opt.tables & (1u << (kind - 1)));
}

static void
build_tables(fq_report *r)
{
	struct tb b;
	size_t i, j, n = 0;
	long sum[FQ_NREF];
	const char *head0[FQ_ARRAY_SIZE(t1_head) + FQ_ARRAY_SIZE(t1_ytd_head)];
	size_t nhead0 = FQ_ARRAY_SIZE(t1_head);
	int kind;

	if (r->tables)
		return;
	for (kind = 1; kind <= 5; kind++)
		n += shown(r, kind);
	r->tables = fq_xcalloc(n ? n : 1, sizeof(*r->tables));
	r->ntables = 0;

	memcpy(head0, t1_head, sizeof(t1_head));
	if (r->county)
		head0[0] = "乡镇";
	if (r->opt.success_rate == FQ_RATE_SUCCESS_INTAKE)
		head0[16] = "调解成功率(受理口径)";
	if (r->opt.ytd) {
		memcpy(head0 + nhead0, t1_ytd_head, sizeof(t1_ytd_head));
		nhead0 += FQ_ARRAY_SIZE(t1_ytd_head);
	}
	if (shown(r, 1)) {
		tb_start(&b, &r->tables[r->ntables++], "总体情况", head0,
			nhead0);
		b.t->kind = 1;
		t1_row(&b, r, "合计", &r->total, &r->ytd);
		for (i = 0; i < r->nunit; i++)
			t1_row(&b, r, r->unit[i].key, &r->unit[i].f,
				&r->unit[i].ytd);
	}

	if (shown(r, 2)) {
		const char *head2[FQ_ARRAY_SIZE(t2_head)];

		memcpy(head2, t2_head, sizeof(head2));
		if (r->opt.success_rate == FQ_RATE_SUCCESS_INTAKE)
			head2[7] = "调解成功率(受理口径)";
		tb_start(&b, &r->tables[r->ntables++], "分类统计", head2,
			FQ_ARRAY_SIZE(t2_head));
		b.t->kind = 2;
		for (i = 0; i < r->ncat; i++)
			t2_row(&b, r, r->cats->v[i].label, &r->cat[i].f);
		t2_row(&b, r, "合计", &r->total);
	}

	if (shown(r, 3)) {
		tb_start(&b, &r->tables[r->ntables++], "重点矛盾纠纷台账",
			t3_head, FQ_ARRAY_SIZE(t3_head));
		b.t->kind = 3;
	}
	for (i = 0; shown(r, 3) && i < r->nkey; i++) {
		const struct fq_report_key_case *k = &r->key[i];

		tb_cell(&b, k->id, false);
		tb_cell(&b, k->category, false);
		tb_cell(&b, k->summary, false);
		tb_cell(&b, fq_schema_label(r->schema, "colors", k->color),
			false);
		tb_cell(&b, k->people, *k->people != '\0');
		tb_cell(&b, k->lead, false);
		tb_cell(&b, k->unit, false);
		tb_cell(&b, k->plan, false);
		tb_cell(&b, k->due, false);
		tb_cell(&b, k->progress, false);
		tb_cell(&b, k->closed ? "是" : "否", false);
		tb_cell(&b, k->closed_on, false);
	}

	if (shown(r, 4)) {
		tb_start(&b, &r->tables[r->ntables++], "对接情况", t4_head,
			FQ_ARRAY_SIZE(t4_head));
		b.t->kind = 4;
		memset(sum, 0, sizeof(sum));
		for (i = 0; i < FQ_REF_ROWS; i++) {
			tb_cell(&b, fq_ref_row_labels[i], false);
			for (j = 0; j < FQ_NREF; j++) {
				tb_num(&b, r->refs[i][j]);
				sum[j] += r->refs[i][j];
			}
		}
		tb_cell(&b, "合计", false);
		for (j = 0; j < FQ_NREF; j++)
			tb_num(&b, sum[j]);
	}

	if (shown(r, 5)) {
		tb_start(&b, &r->tables[r->ntables++], "综治排查情况表",
			t5_head, FQ_ARRAY_SIZE(t5_head));
		b.t->kind = 5;
		t5_row(&b, r, r->nzz, "总况", FQ_ZZ_SCREENED);
		t5_row(&b, r, r->nzz, "总况", FQ_ZZ_HANDLED);
		t5_rate(&b, r, r->nzz, "总况", "调处率", FQ_ZZ_HANDLED,
			FQ_ZZ_SCREENED);
		t5_row(&b, r, r->nzz, "总况", FQ_ZZ_SUCCESS);
		t5_rate(&b, r, r->nzz, "总况", "成功率", FQ_ZZ_SUCCESS,
			FQ_ZZ_HANDLED);
		for (i = 0; i < r->nzz; i++) {
			int m;

			for (m = 0; m < FQ_NZZ; m++)
				t5_row(&b, r, i, r->zzs->v[i].label, m);
		}
		for (i = 0; i < FQ_NZZ; i++)
			t5_row(&b, r, r->nzz + 1, "重大矛盾纠纷", (int)i);
		t5_rate(&b, r, r->nzz + 1, "重大矛盾纠纷", "成功率",
			FQ_ZZ_SUCCESS, FQ_ZZ_HANDLED);
	}
}

void
fq_report_tables_release(fq_report *r)
{
	size_t i, j;

	for (i = 0; i < r->ntables; i++) {
		struct fq_report_table *t = &r->tables[i];

		for (j = 0; j < t->ncols; j++)
			free(t->head[j]);
		free(t->head);
		for (j = 0; j < t->nrows * t->ncols; j++)
			free(t->cells[j].text);
		free(t->cells);
	}
	free(r->tables);
	r->tables = NULL;
	r->ntables = 0;
	for (i = 0; i < r->nnarr; i++) {
		free(r->narr_head[i]);
		free(r->narr_text[i]);
	}
	free(r->narr_head);
	free(r->narr_text);
	r->narr_head = r->narr_text = NULL;
	r->nnarr = 0;
}

size_t
fq_report_ntables(fq_report *r)
{
	build_tables(r);
	return r->ntables;
}

const struct fq_report_table *
fq_report_table(fq_report *r, size_t i)
{
	build_tables(r);
	return i < r->ntables ? &r->tables[i] : NULL;
}

/* --- title, header, narrative --- */

void
fq_report_title(const fq_report *r, struct fq_buf *out)
{
	fq_buf_addf(out, "%s%.4s年%d月矛盾纠纷排查化解情况报告", r->hdr.town,
		r->month, atoi(r->month + 5));
}

size_t
fq_report_header_lines(const fq_report *r, struct fq_buf *out, size_t max)
{
	size_t n = 0;

	if (n < max)
		fq_buf_addf(&out[n++], "填报单位（盖章）：%s", r->hdr.unit);
	if (n < max)
		fq_buf_addf(&out[n++], "填报人：%s", r->hdr.preparer);
	if (n < max)
		fq_buf_addf(&out[n++], "审核人：%s", r->hdr.reviewer);
	if (n < max)
		fq_buf_addf(&out[n++], "填报日期：%s", r->hdr.date);
	if (n < max)
		fq_buf_addf(&out[n++], "统计期间：%s至%s", r->from, r->to);
	return n;
}

/* "增加3件（+50.0%）", "减少1件（-25.0%）", "持平", "增加2件（上月为0）" */
static void
change(struct fq_buf *b, long now, long before)
{
	long d = now - before, tenths;

	if (!d) {
		fq_buf_adds(b, "持平");
		return;
	}
	fq_buf_addf(b, "%s%ld件", d > 0 ? "增加" : "减少", d > 0 ? d : -d);
	if (!before) {
		fq_buf_adds(b, "（上月为0）");
		return;
	}
	tenths = ((d > 0 ? d : -d) * 2000 / before + 1) / 2;
	fq_buf_addf(b, "（%c%ld.%ld%%）", d > 0 ? '+' : '-', tenths / 10,
		tenths % 10);
}

static void
narr_add(fq_report *r, const char *head, struct fq_buf *text)
{
	r->narr_head = fq_xrealloc(r->narr_head,
		(r->nnarr + 1) * sizeof(char *));
	r->narr_text = fq_xrealloc(r->narr_text,
		(r->nnarr + 1) * sizeof(char *));
	r->narr_head[r->nnarr] = fq_xstrdup(head);
	r->narr_text[r->nnarr] = fq_buf_detach(text, NULL);
	r->nnarr++;
}

static void
rate(struct fq_buf *b, const struct fq_figs *f, enum fq_rate k)
{
	fq_rate_text(b, f, k);
}

static void
build_narrative(fq_report *r)
{
	const struct fq_figs *f = &r->total, *p = &r->prev;
	const long *n = f->n;
	struct fq_buf b = FQ_BUF_INIT;
	char amt[48];
	size_t i, j, top[3], ntop = 0;
	long red = 0, yellow = 0, refs_late = 0;

	if (r->narr_head)
		return;
	fen_text(amt, sizeof(amt), f->amount_fen);
	if (fq_report_is_zero(r))
		fq_buf_adds(&b, "本月无新发矛盾纠纷（零报告）。");
	fq_buf_addf(&b, "%s至%s，共排查发现矛盾纠纷%ld件，新增受理%ld件"
		"（主动调解%ld件、申请调解%ld件、委托移送/交办%ld件），上月结转"
		"%ld件，重新调解%ld件。办结%ld件，其中调解成功%ld件（书面协议%ld件、"
		"口头协议%ld件），调解不成%ld件；化解%ld件。调解成功率", r->from,
		r->to, n[FQ_FIG_SCREENED], n[FQ_FIG_NEW],
		n[FQ_FIG_NEW_PROACTIVE], n[FQ_FIG_NEW_APPLICATION],
		n[FQ_FIG_NEW_REFERRED], n[FQ_FIG_CARRIED_IN],
		n[FQ_FIG_REOPENED], n[FQ_FIG_CLOSED], n[FQ_FIG_MEDIATED_OK],
		n[FQ_FIG_MEDIATED_WRITTEN], n[FQ_FIG_MEDIATED_ORAL],
		n[FQ_FIG_MEDIATED_FAIL], n[FQ_FIG_RESOLVED]);
	rate(&b, f, FQ_RATE_SUCCESS);
	fq_buf_adds(&b, "（受理口径");
	rate(&b, f, FQ_RATE_SUCCESS_INTAKE);
	fq_buf_adds(&b, "），化解率");
	rate(&b, f, FQ_RATE_RESOLUTION);
	fq_buf_adds(&b, "，办结率");
	rate(&b, f, FQ_RATE_COMPLETION);
	fq_buf_addf(&b, "。月末在办%ld件，其中超期%ld件。达成协议%ld件，协议金额"
		"%s元；司法确认%ld件；回访%ld次，回访率", n[FQ_FIG_CARRIED_OUT],
		n[FQ_FIG_OVERDUE_OPEN], n[FQ_FIG_AGREEMENTS], amt,
		n[FQ_FIG_CONFIRMED], n[FQ_FIG_VISITS]);
	rate(&b, f, FQ_RATE_VISIT);
	fq_buf_adds(&b, "。与上月相比，新增受理");
	change(&b, n[FQ_FIG_NEW], p->n[FQ_FIG_NEW]);
	fq_buf_adds(&b, "，办结");
	change(&b, n[FQ_FIG_CLOSED], p->n[FQ_FIG_CLOSED]);
	fq_buf_adds(&b, "，化解");
	change(&b, n[FQ_FIG_RESOLVED], p->n[FQ_FIG_RESOLVED]);
	fq_buf_adds(&b, "。");
	if (r->opt.ytd) {
		const long *y = r->ytd.n;

		fq_buf_addf(&b, "年度累计（%s至%s）：年初结转%ld件，新增受理%ld件，"
			"办结%ld件，化解%ld件，调解成功%ld件，调解不成%ld件，化解率",
			r->yfrom, r->to, y[FQ_FIG_CARRIED_IN], y[FQ_FIG_NEW],
			y[FQ_FIG_CLOSED], y[FQ_FIG_RESOLVED],
			y[FQ_FIG_MEDIATED_OK], y[FQ_FIG_MEDIATED_FAIL]);
		rate(&b, &r->ytd, FQ_RATE_RESOLUTION);
		fq_buf_adds(&b, "。");
	}
	narr_add(r, "总体情况", &b);

	/* the three categories with the most new cases */
	while (ntop < 3) {
		size_t best = r->ncat;

		for (i = 0; i < r->ncat; i++) {
			bool taken = false;

			for (j = 0; j < ntop; j++)
				if (top[j] == i)
					taken = true;
			if (!taken && r->cat[i].f.n[FQ_FIG_NEW] && (best ==
			    r->ncat || r->cat[i].f.n[FQ_FIG_NEW] >
			    r->cat[best].f.n[FQ_FIG_NEW]))
				best = i;
		}
		if (best == r->ncat)
			break;
		top[ntop++] = best;
	}
	if (!ntop) {
		fq_buf_adds(&b, "本月无新增受理的矛盾纠纷。");
	} else {
		fq_buf_adds(&b, "本月新增矛盾纠纷以");
		for (i = 0; i < ntop; i++)
			fq_buf_addf(&b, "%s%s", i ? "、" : "",
				r->cats->v[top[i]].label);
		fq_buf_adds(&b, "为主：");
		for (i = 0; i < ntop; i++) {
			long v = r->cat[top[i]].f.n[FQ_FIG_NEW];
			long tenths = (v * 2000 / n[FQ_FIG_NEW] + 1) / 2;

			fq_buf_addf(&b, "%s%s%ld件，占%ld.%ld%%，较上月", i ?
				"；" : "", r->cats->v[top[i]].label, v,
				tenths / 10, tenths % 10);
			change(&b, v, r->pcat[top[i]].f.n[FQ_FIG_NEW]);
		}
		fq_buf_adds(&b, "。");
	}
	narr_add(r, "主要特点", &b);

	for (i = 0; i < r->nkey; i++)
		if (!*r->key[i].closed_on && !r->key[i].closed) {
			if (!strcmp(r->key[i].color, "red"))
				red++;
			else
				yellow++;
		}
	for (i = 0; i < FQ_REF_ROWS; i++)
		refs_late += r->refs[i][FQ_REF_IN_OVERDUE];
	fq_buf_addf(&b, "月末在办%ld件中超期%ld件；红色（重大）矛盾纠纷在办%ld件、"
		"黄色（较大）%ld件；对接案件超期未反馈%ld件。",
		n[FQ_FIG_CARRIED_OUT], n[FQ_FIG_OVERDUE_OPEN], red, yellow,
		refs_late);
	narr_add(r, "存在问题", &b);
	fq_buf_adds(&b, "继续开展矛盾纠纷常态化排查；对超期和红、黄色矛盾纠纷逐案督办，"
		"落实包案领导和一案一策；对已达成协议的纠纷按期回访，督促履行。");
	narr_add(r, "下一步工作", &b);
	fq_buf_release(&b);
}

size_t
fq_report_narrative(fq_report *r, const char ***heads, const char ***texts)
{
	build_narrative(r);
	*heads = (const char **)r->narr_head;
	*texts = (const char **)r->narr_text;
	return r->nnarr;
}

/* --- text --- */

static const char *const section_no[] = {
	"一", "二", "三", "四", "五", "六"
};

static void
pad_cell(struct fq_buf *out, const char *s, size_t w, bool right,
	bool last)
{
	size_t dw = fq_display_width(s);

	if (dw > w) {
		fq_buf_add_cols(out, s, w, !last);
		return;
	}
	if (right)
		while (dw++ < w)
			fq_buf_addch(out, ' ');
	fq_buf_adds(out, s);
	if (!right && !last)
		while (dw++ < w)
			fq_buf_addch(out, ' ');
}

/* Widest a text column may be in text output. */
#define TEXT_MAX_COL 30

static void
text_grid(struct fq_buf *out, char **cells, const bool *num, size_t nrows,
	size_t ncols, size_t maxw)
{
	size_t *w = fq_xcalloc(ncols, sizeof(size_t));
	bool *numcol = fq_xcalloc(ncols, sizeof(bool));
	size_t i, j;

	for (i = 0; i < nrows; i++)
		for (j = 0; j < ncols; j++) {
			size_t dw = fq_display_width(cells[i * ncols + j]);

			if (dw > maxw)
				dw = maxw;
			if (dw > w[j])
				w[j] = dw;
			/* a column of numbers has its heading over them */
			if (i > 0 && num[i * ncols + j])
				numcol[j] = true;
		}
	for (i = 0; i < nrows; i++) {
		size_t start = out->len;

		for (j = 0; j < ncols; j++) {
			if (j)
				fq_buf_adds(out, "  ");
			pad_cell(out, cells[i * ncols + j], w[j],
				i > 0 ? num[i * ncols + j] : numcol[j],
				j + 1 == ncols);
		}
		while (out->len > start && out->buf[out->len - 1] == ' ')
			fq_buf_setlen(out, out->len - 1);
		fq_buf_addch(out, '\n');
	}
	free(numcol);
	free(w);
}

static void
text_table(struct fq_buf *out, const struct fq_report_table *t,
	bool transpose)
{
	size_t nr = t->nrows + 1, nc = t->ncols, i, j;
	char **cells = fq_xcalloc(nr * nc, sizeof(char *));
	bool *num = fq_xcalloc(nr * nc, sizeof(bool));

	for (j = 0; j < nc; j++)
		cells[j] = t->head[j];
	for (i = 0; i < t->nrows; i++)
		for (j = 0; j < nc; j++) {
			cells[(i + 1) * nc + j] = t->cells[i * nc + j].text;
			num[(i + 1) * nc + j] = t->cells[i * nc + j].number ||
				strchr(t->cells[i * nc + j].text, '%') ||
				!strcmp(t->cells[i * nc + j].text, "—");
		}
	if (transpose) {
		char **tc = fq_xcalloc(nr * nc, sizeof(char *));
		bool *tn = fq_xcalloc(nr * nc, sizeof(bool));

		for (i = 0; i < nr; i++)
			for (j = 0; j < nc; j++) {
				tc[j * nr + i] = cells[i * nc + j];
				tn[j * nr + i] = j > 0 && i > 0;
			}
		/* the first row (names) is a header too */
		text_grid(out, tc, tn, nc, nr, TEXT_MAX_COL);
		free(tc);
		free(tn);
	} else {
		/* the 综治 categories are long: never cut them */
		text_grid(out, cells, num, nr, nc, t->kind == 5 ? 48 :
			TEXT_MAX_COL);
	}
	free(cells);
	free(num);
}

static void
render_text(fq_report *r, struct fq_buf *out)
{
	struct fq_buf h[5];
	size_t i, n;
	const char **heads, **texts;

	for (i = 0; i < 5; i++)
		fq_buf_init(&h[i]);
	fq_report_title(r, out);
	fq_buf_adds(out, "\n\n");
	n = fq_report_header_lines(r, h, 5);
	for (i = 0; i < n; i++) {
		fq_buf_addf(out, "%s\n", h[i].buf);
		fq_buf_release(&h[i]);
	}
	for (i = 0; i < r->ntables; i++) {
		const struct fq_report_table *t = &r->tables[i];

		fq_buf_addf(out, "\n%s、%s\n\n", section_no[i], t->name);
		if (t->kind == 3 && !t->nrows) {
			fq_buf_adds(out, "本月无红色、黄色重点矛盾纠纷。\n");
			continue;
		}
		/* 总体情况 has 24 columns: one column per unit instead */
		text_table(out, t, t->kind == 1);
	}
	n = fq_report_narrative(r, &heads, &texts);
	fq_buf_addf(out, "\n%s、情况说明\n", section_no[r->ntables]);
	for (i = 0; i < n; i++)
		fq_buf_addf(out, "\n（%s）%s\n%s\n", section_no[i], heads[i],
			texts[i]);
}

/* --- CSV (RFC 4180) --- */


static void
render_csv(fq_report *r, struct fq_buf *out, bool bom)
{
	struct fq_buf h[5], t = FQ_BUF_INIT;
	size_t i, j, k, n;
	const char **heads, **texts;

	if (bom)
		fq_buf_adds(out, "\xEF\xBB\xBF");
	fq_report_title(r, &t);
	fq_csv_field(out, t.buf, ',');
	fq_buf_adds(out, "\r\n");
	fq_buf_release(&t);
	for (i = 0; i < 5; i++)
		fq_buf_init(&h[i]);
	n = fq_report_header_lines(r, h, 5);
	for (i = 0; i < n; i++) {
		fq_csv_field(out, h[i].buf, ',');
		fq_buf_adds(out, "\r\n");
		fq_buf_release(&h[i]);
	}
	for (i = 0; i < r->ntables; i++) {
		const struct fq_report_table *tb = &r->tables[i];

		fq_buf_adds(out, "\r\n");
		fq_buf_addf(out, "%s、%s\r\n", section_no[i], tb->name);
		for (j = 0; j < tb->ncols; j++) {
			if (j)
				fq_buf_addch(out, ',');
			fq_csv_field(out, tb->head[j], ',');
		}
		fq_buf_adds(out, "\r\n");
		for (k = 0; k < tb->nrows; k++) {
			for (j = 0; j < tb->ncols; j++) {
				if (j)
					fq_buf_addch(out, ',');
				fq_csv_field(out, tb->cells[k * tb->ncols +
					j].text, ',');
			}
			fq_buf_adds(out, "\r\n");
		}
	}
	n = fq_report_narrative(r, &heads, &texts);
	fq_buf_addf(out, "\r\n%s、情况说明\r\n", section_no[r->ntables]);
	for (i = 0; i < n; i++) {
		fq_csv_field(out, heads[i], ',');
		fq_buf_addch(out, ',');
		fq_csv_field(out, texts[i], ',');
		fq_buf_adds(out, "\r\n");
	}
}

/* --- Markdown --- */

static void
md_cell(struct fq_buf *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '|' || *s == '\\')
			fq_buf_addch(out, '\\');
		fq_buf_addch(out, *s == '\n' ? ' ' : *s);
	}
}

static void
render_md(fq_report *r, struct fq_buf *out)
{
	struct fq_buf h[5];
	size_t i, j, k, n;
	const char **heads, **texts;

	fq_buf_adds(out, "# ");
	fq_report_title(r, out);
	fq_buf_adds(out, "\n\n");
	for (i = 0; i < 5; i++)
		fq_buf_init(&h[i]);
	n = fq_report_header_lines(r, h, 5);
	for (i = 0; i < n; i++) {
		fq_buf_adds(out, "- ");
		md_cell(out, h[i].buf);
		fq_buf_addch(out, '\n');
		fq_buf_release(&h[i]);
	}
	for (i = 0; i < r->ntables; i++) {
		const struct fq_report_table *t = &r->tables[i];

		fq_buf_addf(out, "\n## %s、%s\n\n", section_no[i], t->name);
		if (t->kind == 3 && !t->nrows) {
			fq_buf_adds(out, "本月无红色、黄色重点矛盾纠纷。\n");
			continue;
		}
		fq_buf_adds(out, "|");
		for (j = 0; j < t->ncols; j++) {
			fq_buf_addch(out, ' ');
			md_cell(out, t->head[j]);
			fq_buf_adds(out, " |");
		}
		fq_buf_adds(out, "\n|");
		for (j = 0; j < t->ncols; j++)
			fq_buf_adds(out, t->cells && j && t->nrows &&
				t->cells[j].number ? "---:|" : "---|");
		fq_buf_addch(out, '\n');
		for (k = 0; k < t->nrows; k++) {
			fq_buf_adds(out, "|");
			for (j = 0; j < t->ncols; j++) {
				fq_buf_addch(out, ' ');
				md_cell(out, t->cells[k * t->ncols + j].text);
				fq_buf_adds(out, " |");
			}
			fq_buf_addch(out, '\n');
		}
	}
	n = fq_report_narrative(r, &heads, &texts);
	fq_buf_addf(out, "\n## %s、情况说明\n", section_no[r->ntables]);
	for (i = 0; i < n; i++) {
		fq_buf_addf(out, "\n### （%s）%s\n\n", section_no[i], heads[i]);
		md_cell(out, texts[i]);
		fq_buf_addch(out, '\n');
	}
}

/* --- HTML --- */

static const char html_style[] =
	"@page { size: A4; margin: 15mm 12mm; }\n"
	"body { font-family: \"Noto Sans CJK SC\", \"Source Han Sans SC\", "
	"\"WenQuanYi Micro Hei\", \"Microsoft YaHei\", SimSun, sans-serif; "
	"font-size: 10.5pt; color: #000; margin: 0 auto; max-width: 190mm; }\n"
	"h1 { font-size: 16pt; text-align: center; margin: 4mm 0; }\n"
	"h2 { font-size: 12pt; margin: 5mm 0 2mm; }\n"
	"h3 { font-size: 11pt; margin: 3mm 0 1mm; }\n"
	".head { display: flex; flex-wrap: wrap; gap: 2mm 8mm; "
	"font-size: 10pt; }\n"
	"table { border-collapse: collapse; width: 100%; font-size: 8pt; "
	"page-break-inside: auto; }\n"
	"th, td { border: 1px solid #444; padding: 1px 3px; "
	"vertical-align: top; }\n"
	"th { background: #eee; font-weight: bold; }\n"
	"td.n { text-align: right; white-space: nowrap; }\n"
	"td:first-child, th:first-child { white-space: nowrap; }\n"
	"tr { page-break-inside: avoid; }\n"
	"thead { display: table-header-group; }\n"
	".wide th { writing-mode: horizontal-tb; font-size: 7pt; }\n"
	"svg { display: block; margin: 2mm auto; }\n"
	"p { text-indent: 2em; line-height: 1.6; margin: 1mm 0; }\n"
	"@media print { h2 { page-break-after: avoid; } "
	".chart { page-break-inside: avoid; } }\n";

static void
svg_text(struct fq_buf *out, double x, double y, const char *anchor,
	const char *s, int size)
{
	fq_buf_addf(out, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" "
		"text-anchor=\"%s\">", x, y, size, anchor);
	fq_html_str(out, s);
	fq_buf_adds(out, "</text>");
}

/* Horizontal bars: new cases per category (categories with any case). */
static void
svg_categories(fq_report *r, struct fq_buf *out)
{
	size_t i, n = 0;
	long max = 1;
	double y;

	for (i = 0; i < r->ncat; i++) {
		long v = r->cat[i].f.n[FQ_FIG_NEW] +
			r->cat[i].f.n[FQ_FIG_CARRIED_IN];

		if (v) {
			n++;
			if (v > max)
				max = v;
		}
	}
	fq_buf_addf(out, "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/"
		"svg\" width=\"640\" height=\"%zu\" viewBox=\"0 0 640 %zu\" "
		"role=\"img\" aria-label=\"分类统计\">", 40 + (n ? n : 1) * 20,
		40 + (n ? n : 1) * 20);
	svg_text(out, 320, 16, "middle", "本期各类矛盾纠纷（上月结转+本月新增，"
		"深色为本月新增）", 12);
	if (!n)
		svg_text(out, 320, 44, "middle", "无", 11);
	y = 28;
	for (i = 0; i < r->ncat; i++) {
		const struct fq_figs *f = &r->cat[i].f;
		long all = f->n[FQ_FIG_NEW] + f->n[FQ_FIG_CARRIED_IN];
		char num[32];

		if (!all)
			continue;
		svg_text(out, 150, y + 12, "end", r->cats->v[i].label, 11);
		fq_buf_addf(out, "<rect x=\"156\" y=\"%.1f\" width=\"%.1f\" "
			"height=\"14\" fill=\"#9ab\"/>", y,
			420.0 * all / max);
		fq_buf_addf(out, "<rect x=\"156\" y=\"%.1f\" width=\"%.1f\" "
			"height=\"14\" fill=\"#246\"/>", y,
			420.0 * f->n[FQ_FIG_NEW] / max);
		snprintf(num, sizeof(num), "%ld/%ld", f->n[FQ_FIG_NEW], all);
		svg_text(out, 160 + 420.0 * all / max, y + 12, "start", num,
			10);
		y += 20;
	}
	fq_buf_adds(out, "</svg>\n");
}

/* Twelve months: new (dark) and resolved (light) bars side by side. */
static void
svg_trend(fq_report *r, struct fq_buf *out)
{
	long max = 1;
	size_t i;
	const double x0 = 40, w = 580, h = 150, y0 = 30;

	for (i = 0; i < FQ_TREND; i++) {
		if (r->trend[i].n_new > max)
			max = r->trend[i].n_new;
		if (r->trend[i].n_resolved > max)
			max = r->trend[i].n_resolved;
	}
	fq_buf_adds(out, "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/"
		"svg\" width=\"640\" height=\"220\" viewBox=\"0 0 640 220\" "
		"role=\"img\" aria-label=\"近12个月趋势\">");
	svg_text(out, 320, 16, "middle", "近12个月新增受理与化解", 12);
	fq_buf_addf(out, "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" "
		"y2=\"%.0f\" stroke=\"#000\"/>", x0, y0 + h, x0 + w, y0 + h);
	for (i = 0; i < FQ_TREND; i++) {
		double cx = x0 + w * ((double)i + 0.5) / FQ_TREND;
		double hn = h * r->trend[i].n_new / max;
		double hr = h * r->trend[i].n_resolved / max;
		char num[32];

		fq_buf_addf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"16\" "
			"height=\"%.1f\" fill=\"#246\"/>", cx - 17,
			y0 + h - hn, hn);
		fq_buf_addf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"16\" "
			"height=\"%.1f\" fill=\"#9c6\"/>", cx + 1,
			y0 + h - hr, hr);
		snprintf(num, sizeof(num), "%ld", r->trend[i].n_new);
		svg_text(out, cx - 9, y0 + h - hn - 2, "middle", num, 9);
		snprintf(num, sizeof(num), "%ld", r->trend[i].n_resolved);
		svg_text(out, cx + 9, y0 + h - hr - 2, "middle", num, 9);
		svg_text(out, cx, y0 + h + 14, "middle",
			r->trend[i].month + 2, 10);
	}
	fq_buf_addf(out, "<rect x=\"230\" y=\"202\" width=\"12\" height=\"10\" "
		"fill=\"#246\"/>");
	svg_text(out, 246, 211, "start", "新增受理", 10);
	fq_buf_addf(out, "<rect x=\"330\" y=\"202\" width=\"12\" height=\"10\" "
		"fill=\"#9c6\"/>");
	svg_text(out, 346, 211, "start", "化解", 10);
	fq_buf_adds(out, "</svg>\n");
}

static void
render_html(fq_report *r, struct fq_buf *out)
{
	struct fq_buf h[5], t = FQ_BUF_INIT;
	size_t i, j, k, n;
	const char **heads, **texts;

	fq_report_title(r, &t);
	fq_buf_adds(out, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n"
		"<meta charset=\"utf-8\">\n<title>");
	fq_html_str(out, t.buf);
	fq_buf_addf(out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n"
		"<h1>", html_style);
	fq_html_str(out, t.buf);
	fq_buf_adds(out, "</h1>\n<div class=\"head\">\n");
	fq_buf_release(&t);
	for (i = 0; i < 5; i++)
		fq_buf_init(&h[i]);
	n = fq_report_header_lines(r, h, 5);
	for (i = 0; i < n; i++) {
		fq_buf_adds(out, "<span>");
		fq_html_str(out, h[i].buf);
		fq_buf_adds(out, "</span>\n");
		fq_buf_release(&h[i]);
	}
	fq_buf_adds(out, "</div>\n");
	for (i = 0; i < r->ntables; i++) {
		const struct fq_report_table *tb = &r->tables[i];

		fq_buf_addf(out, "<h2>%s、%s</h2>\n", section_no[i], tb->name);
		if (tb->kind == 2)
			svg_categories(r, out);
		if (tb->kind == 3 && !tb->nrows) {
			fq_buf_adds(out, "<p>本月无红色、黄色重点矛盾纠纷。</p>\n");
			continue;
		}
		fq_buf_addf(out, "<table%s>\n<thead><tr>", tb->kind == 1 ?
			" class=\"wide\"" : "");
		for (j = 0; j < tb->ncols; j++) {
			fq_buf_adds(out, "<th>");
			fq_html_str(out, tb->head[j]);
			fq_buf_adds(out, "</th>");
		}
		fq_buf_adds(out, "</tr></thead>\n<tbody>\n");
		for (k = 0; k < tb->nrows; k++) {
			fq_buf_adds(out, "<tr>");
			for (j = 0; j < tb->ncols; j++) {
				const struct fq_report_cell *c =
					&tb->cells[k * tb->ncols + j];
				bool right = c->number ||
					strchr(c->text, '%') ||
					!strcmp(c->text, "—") ||
					(j && strchr(c->text, '/') &&
					 tb->kind == 1);

				fq_buf_adds(out, right ? "<td class=\"n\">" :
					"<td>");
				fq_html_str(out, c->text);
				fq_buf_adds(out, "</td>");
			}
			fq_buf_adds(out, "</tr>\n");
		}
		fq_buf_adds(out, "</tbody>\n</table>\n");
		if (tb->kind == 1)
			svg_trend(r, out);
	}
	n = fq_report_narrative(r, &heads, &texts);
	fq_buf_addf(out, "<h2>%s、情况说明</h2>\n", section_no[r->ntables]);
	for (i = 0; i < n; i++) {
		fq_buf_addf(out, "<h3>（%s）%s</h3>\n<p>", section_no[i],
			heads[i]);
		fq_html_str(out, texts[i]);
		fq_buf_adds(out, "</p>\n");
	}
	fq_buf_adds(out, "</body>\n</html>\n");
}

/* --- JSON --- */

static void
json_ids(struct fq_buf *out, const struct fq_idlist *l)
{
	size_t i;

	fq_buf_addch(out, '[');
	for (i = 0; i < l->n; i++) {
		const char *p = l->v[i];
		size_t n = 0;

		/* an id needs no escape, mostly: copied at once */
		while (p[n] && (unsigned char)p[n] >= 0x20 && p[n] != '"' &&
		    p[n] != '\\')
			n++;
		if (p[n]) {
			if (i)
				fq_buf_adds(out, ", ");
			fq_json_str(out, p);
			continue;
		}
		fq_buf_grow(out, n + 4);
		if (i) {
			out->buf[out->len++] = ',';
			out->buf[out->len++] = ' ';
		}
		out->buf[out->len++] = '"';
		memcpy(out->buf + out->len, p, n);
		out->len += n;
		out->buf[out->len++] = '"';
		out->buf[out->len] = '\0';
	}
	fq_buf_addch(out, ']');
}

static void
json_figs(fq_report *r, struct fq_buf *out, const struct fq_figs *f,
	const char *ind)
{
	char amt[48];
	size_t i;

	fen_text(amt, sizeof(amt), f->amount_fen);
	fq_buf_adds(out, "{");
	for (i = 0; i < FQ_NFIG; i++)
		fq_buf_addf(out, "%s\n%s  \"%s\": %ld", i ? "," : "", ind,
			fq_fig_defs[i].name, f->n[i]);
	fq_buf_addf(out, ",\n%s  \"agreement_amount\": %s", ind, amt);
	fq_buf_addf(out, ",\n%s  \"prevention\": {\"crime\": {\"cases\": %ld, "
		"\"people\": %ld}, \"mass_petition\": {\"cases\": %ld, "
		"\"people\": %ld}, \"mass_fight\": {\"cases\": %ld, "
		"\"people\": %ld}, \"suicide\": {\"cases\": %ld, "
		"\"people\": %ld}}", ind, f->n[FQ_FIG_PREV_CRIME],
		f->people[0], f->n[FQ_FIG_PREV_MASS_PETITION], f->people[1],
		f->n[FQ_FIG_PREV_MASS_FIGHT], f->people[2],
		f->n[FQ_FIG_PREV_SUICIDE], f->people[3]);
	fq_buf_addf(out, ",\n%s  \"outcomes\": {", ind);
	for (i = 0; i < r->nout; i++)
		fq_buf_addf(out, "%s\"%s\": %ld", i ? ", " : "",
			r->outs->v[i].code, f->outcomes[i]);
	if (f->outcomes[r->nout])
		fq_buf_addf(out, "%s\"unknown\": %ld", r->nout ? ", " : "",
			f->outcomes[r->nout]);
	fq_buf_addf(out, "}\n%s}", ind);
}

static void
json_rates(struct fq_buf *out, const struct fq_figs *f, const char *ind)
{
	size_t i;

	fq_buf_adds(out, "{");
	for (i = 0; i < FQ_NRATE; i++) {
		long num, den;
		struct fq_buf t = FQ_BUF_INIT;

		fq_rate_terms(f, (enum fq_rate)i, &num, &den);
		fq_rate_text(&t, f, (enum fq_rate)i);
		fq_buf_addf(out, "%s\n%s  \"%s\": {\"label\": ", i ? "," : "",
			ind, fq_rate_defs[i].name);
		fq_json_str(out, fq_rate_defs[i].label);
		fq_buf_addf(out, ", \"numerator\": %ld, \"denominator\": %ld, "
			"\"percent\": ", num, den);
		if (den > 0) {
			long tenths = (num * 2000 / den + 1) / 2;

			fq_buf_addf(out, "%ld.%ld", tenths / 10, tenths % 10);
		} else {
			fq_buf_adds(out, "null");
		}
		fq_buf_adds(out, ", \"text\": ");
		fq_json_str(out, t.buf);
		fq_buf_adds(out, "}");
		fq_buf_release(&t);
	}
	fq_buf_addf(out, "\n%s}", ind);
}

static void
json_group(fq_report *r, struct fq_buf *out, const struct fq_report_group *g,
	bool first, bool label_cat)
{
	fq_buf_adds(out, first ? "\n    " : ",\n    ");
	fq_json_str(out, g->key);
	fq_buf_adds(out, ": {\"label\": ");
	fq_json_str(out, label_cat ? fq_schema_label(r->schema, "categories",
		g->key) : g->key);
	fq_buf_adds(out, ",\n      \"figures\": ");
	json_figs(r, out, &g->f, "      ");
	fq_buf_adds(out, ",\n      \"rates\": ");
	json_rates(out, &g->f, "      ");
	if (!label_cat && r->opt.ytd) {
		fq_buf_adds(out, ",\n      \"ytd\": {\"figures\": ");
		json_figs(r, out, &g->ytd, "      ");
		fq_buf_adds(out, ",\n      \"rates\": ");
		json_rates(out, &g->ytd, "      ");
		fq_buf_adds(out, "}");
	}
	fq_buf_adds(out, ",\n      \"cases\": {");
	{
		size_t i;

		for (i = 0; i < FQ_NFIG; i++) {
			fq_buf_addf(out, "%s\"%s\": ", i ? ", " : "",
				fq_fig_defs[i].name);
			json_ids(out, &g->f.ids[i]);
		}
	}
	fq_buf_adds(out, "}}");
}

/* Table 5: counts per column, rates as num / den, the IDs behind the
 * 总况 cells. */
static void
json_zz_cols(fq_report *r, struct fq_buf *out, size_t i, int m)
{
	long t = fq_report_zz(r, i, m, FQ_ZZ_TOWNSHIP);
	long v = fq_report_zz(r, i, m, FQ_ZZ_VILLAGE);

	fq_buf_addf(out, "\"%s\": {\"township\": %ld, \"village\": %ld, "
		"\"subtotal\": %ld, \"ytd\": %ld}", fq_zz_defs[m].name, t, v,
		t + v, fq_report_zz(r, i, m, FQ_ZZ_YTD));
}

static void
json_zz_rate(fq_report *r, struct fq_buf *out, size_t z, const char *name,
	int num, int den)
{
	static const char *const col[] = {
		"township", "village", "subtotal", "ytd"
	};
	static const int src[] = { FQ_ZZ_TOWNSHIP, FQ_ZZ_VILLAGE, -1,
		FQ_ZZ_YTD };
	int k;

	fq_buf_addf(out, "\"%s\": {", name);
	for (k = 0; k < 4; k++) {
		long a, b;
		struct fq_buf s = FQ_BUF_INIT;

		if (src[k] < 0) {
			a = fq_report_zz(r, z, num, FQ_ZZ_TOWNSHIP) +
				fq_report_zz(r, z, num, FQ_ZZ_VILLAGE);
			b = fq_report_zz(r, z, den, FQ_ZZ_TOWNSHIP) +
				fq_report_zz(r, z, den, FQ_ZZ_VILLAGE);
		} else {
			a = fq_report_zz(r, z, num, src[k]);
			b = fq_report_zz(r, z, den, src[k]);
		}
		fq_percent_text(&s, a, b);
		fq_buf_addf(out, "%s\"%s\": {\"numerator\": %ld, "
			"\"denominator\": %ld, \"text\": ", k ? ", " : "",
			col[k], a, b);
		fq_json_str(out, s.buf);
		fq_buf_adds(out, "}");
		fq_buf_release(&s);
	}
	fq_buf_adds(out, "}");
}

static void
json_zz(fq_report *r, struct fq_buf *out)
{
	static const char *const col[] = { "township", "village", "ytd" };
	size_t i;
	int m, k;

	if (!r->nzz) {
		fq_buf_adds(out, "null");
		return;
	}
	fq_buf_adds(out, "{\"definitions\": {");
	for (m = 0; m < FQ_NZZ; m++) {
		fq_buf_addf(out, "%s\n    \"%s\": {\"label\": ", m ? "," : "",
			fq_zz_defs[m].name);
		fq_json_str(out, fq_zz_defs[m].label);
		fq_buf_adds(out, ", \"definition\": ");
		fq_json_str(out, fq_zz_defs[m].definition);
		fq_buf_adds(out, "}");
	}
	fq_buf_adds(out, ",\n    \"handling_rate\": {\"label\": \"调处率\", "
		"\"definition\": \"handled / screened\"},\n    \"success_rate\": "
		"{\"label\": \"成功率\", \"definition\": \"success / handled\"},"
		"\n    \"columns\": \"township: level township or county, or no "
		"level and no village; village: level village, or no level and a "
		"village; ytd: the year to the end of the period\"},\n  \"total\": {");
	for (m = 0; m < FQ_NZZ; m++) {
		fq_buf_adds(out, m ? ", " : "");
		json_zz_cols(r, out, r->nzz, m);
	}
	fq_buf_adds(out, ",\n    ");
	json_zz_rate(r, out, r->nzz, "handling_rate", FQ_ZZ_HANDLED,
		FQ_ZZ_SCREENED);
	fq_buf_adds(out, ",\n    ");
	json_zz_rate(r, out, r->nzz, "success_rate", FQ_ZZ_SUCCESS,
		FQ_ZZ_HANDLED);
	fq_buf_adds(out, "},\n  \"major\": {\"label\": \"重大矛盾纠纷\", "
		"\"definition\": \"red cases (risk_color red)\",\n    ");
	for (m = 0; m < FQ_NZZ; m++) {
		fq_buf_adds(out, m ? ", " : "");
		json_zz_cols(r, out, r->nzz + 1, m);
	}
	fq_buf_adds(out, ",\n    ");
	json_zz_rate(r, out, r->nzz + 1, "success_rate", FQ_ZZ_SUCCESS,
		FQ_ZZ_HANDLED);
	fq_buf_adds(out, "},\n  \"by_category\": {");
	for (i = 0; i < r->nzz; i++) {
		fq_buf_addf(out, "%s\n    \"%s\": {\"label\": ", i ? "," : "",
			r->zzs->v[i].code);
		fq_json_str(out, r->zzs->v[i].label);
		for (m = 0; m < FQ_NZZ; m++) {
			fq_buf_adds(out, ", ");
			json_zz_cols(r, out, i, m);
		}
		fq_buf_adds(out, "}");
	}
	fq_buf_adds(out, "\n  },\n  \"cases\": {");
	for (m = 0; m < FQ_NZZ; m++) {
		fq_buf_addf(out, "%s\"%s\": {", m ? ", " : "",
			fq_zz_defs[m].name);
		for (k = 0; k < FQ_NZZCOL; k++) {
			fq_buf_addf(out, "%s\"%s\": ", k ? ", " : "", col[k]);
			json_ids(out, &r->zzids[m][k]);
		}
		fq_buf_adds(out, "}");
	}
	fq_buf_adds(out, "}}");
}

static void
render_json(fq_report *r, struct fq_buf *out)
{
	struct fq_buf t = FQ_BUF_INIT;
	size_t i;

	fq_buf_adds(out, "{\n  \"period\": {\"from\": ");
	fq_json_str(out, r->from);
	fq_buf_adds(out, ", \"to\": ");
	fq_json_str(out, r->to);
	fq_buf_adds(out, "},\n  \"month\": ");
	fq_json_str(out, r->month);
	fq_buf_adds(out, ",\n  \"title\": ");
	fq_report_title(r, &t);
	fq_json_str(out, t.buf);
	fq_buf_release(&t);
	fq_buf_adds(out, ",\n  \"header\": {\"unit\": ");
	fq_json_str(out, r->hdr.unit);
	fq_buf_adds(out, ", \"preparer\": ");
	fq_json_str(out, r->hdr.preparer);
	fq_buf_adds(out, ", \"reviewer\": ");
	fq_json_str(out, r->hdr.reviewer);
	fq_buf_adds(out, ", \"date\": ");
	fq_json_str(out, r->hdr.date);
	fq_buf_addf(out, "},\n  \"options\": {\"success_rate\": \"%s\", "
		"\"main_success_rate\": \"%s\", \"ytd\": %s, \"tables\": [",
		r->opt.success_rate == FQ_RATE_SUCCESS_INTAKE ? "accepted" :
		"mediated", fq_rate_defs[r->opt.success_rate].name,
		r->opt.ytd ? "true" : "false");
	for (i = 0; i < r->ntables; i++)
		fq_buf_addf(out, "%s%d", i ? ", " : "", r->tables[i].kind);
	fq_buf_addf(out, "], \"period_anchor_day\": %d}", r->opt.anchor_day);
	fq_buf_adds(out, ",\n  \"zero_report\": ");
	fq_buf_adds(out, fq_report_is_zero(r) ? "true" : "false");
	fq_buf_adds(out, ",\n  \"figures\": ");
	json_figs(r, out, &r->total, "  ");
	fq_buf_adds(out, ",\n  \"rates\": ");
	json_rates(out, &r->total, "  ");
	fq_buf_adds(out, ",\n  \"by_category\": {");
	for (i = 0; i < r->ncat; i++)
		json_group(r, out, &r->cat[i], i == 0, true);
	fq_buf_adds(out, "\n  },\n  \"by_unit\": {");
	for (i = 0; i < r->nunit; i++)
		json_group(r, out, &r->unit[i], i == 0, false);
	fq_buf_adds(out, r->nunit ? "\n  },\n" : "},\n");
	fq_buf_adds(out, "  \"previous\": {\"period\": {\"from\": ");
	fq_json_str(out, r->pfrom);
	fq_buf_adds(out, ", \"to\": ");
	fq_json_str(out, r->pto);
	fq_buf_adds(out, "}, \"figures\": ");
	json_figs(r, out, &r->prev, "  ");
	fq_buf_adds(out, "},\n  \"ytd\": {\"period\": {\"from\": ");
	fq_json_str(out, r->yfrom);
	fq_buf_adds(out, ", \"to\": ");
	fq_json_str(out, r->to);
	fq_buf_adds(out, "}, \"figures\": ");
	json_figs(r, out, &r->ytd, "  ");
	fq_buf_adds(out, ",\n  \"rates\": ");
	json_rates(out, &r->ytd, "  ");
	fq_buf_adds(out, ",\n  \"cases\": {");
	for (i = 0; i < FQ_NFIG; i++) {
		fq_buf_addf(out, "%s\n    \"%s\": ", i ? "," : "",
			fq_fig_defs[i].name);
		json_ids(out, &r->ytd.ids[i]);
	}
	fq_buf_adds(out, "\n  }},\n  \"zz\": ");
	json_zz(r, out);
	fq_buf_adds(out, ",\n  \"trend\": [");
	for (i = 0; i < FQ_TREND; i++)
		fq_buf_addf(out, "%s\n    {\"month\": \"%s\", \"new\": %ld, "
			"\"resolved\": %ld}", i ? "," : "", r->trend[i].month,
			r->trend[i].n_new, r->trend[i].n_resolved);
	fq_buf_adds(out, "\n  ],\n  \"definitions\": {");
	for (i = 0; i < FQ_NFIG; i++) {
		fq_buf_addf(out, "%s\n    \"%s\": {\"label\": ", i ? "," : "",
			fq_fig_defs[i].name);
		fq_json_str(out, fq_fig_defs[i].label);
		fq_buf_adds(out, ", \"definition\": ");
		fq_json_str(out, fq_fig_defs[i].definition);
		fq_buf_adds(out, "}");
	}
	for (i = 0; i < FQ_NRATE; i++) {
		fq_buf_addf(out, ",\n    \"%s\": {\"label\": ",
			fq_rate_defs[i].name);
		fq_json_str(out, fq_rate_defs[i].label);
		fq_buf_adds(out, ", \"definition\": ");
		fq_json_str(out, fq_rate_defs[i].definition);
		fq_buf_adds(out, "}");
	}
	fq_buf_adds(out, "\n  },\n  \"cases\": {");
	for (i = 0; i < FQ_NFIG; i++) {
		fq_buf_addf(out, "%s\n    \"%s\": ", i ? "," : "",
			fq_fig_defs[i].name);
		json_ids(out, &r->total.ids[i]);
	}
	fq_buf_adds(out, "\n  },\n  \"outcome_cases\": {");
	for (i = 0; i < r->nout; i++) {
		fq_buf_addf(out, "%s\n    \"%s\": ", i ? "," : "",
			r->outs->v[i].code);
		json_ids(out, &r->total.outcome_ids[i]);
	}
	fq_buf_adds(out, "\n  }\n}\n");
}

int
fq_report_render(fq_report *r, enum fq_report_format fmt, bool bom,
	struct fq_buf *out, struct fq_error *err)
{
	if (!r->finished)
		return fq_error_set(err, FQ_ERROR, "report not finished");
	build_tables(r);
	switch (fmt) {
	case FQ_REPORT_TEXT: render_text(r, out); break;
	case FQ_REPORT_CSV: render_csv(r, out, bom); break;
	case FQ_REPORT_MD: render_md(r, out); break;
	case FQ_REPORT_HTML: render_html(r, out); break;
	case FQ_REPORT_JSON: render_json(r, out); break;
	default:
		return fq_error_set(err, FQ_EUSAGE, "unknown report format");
	}
	return FQ_OK;
}
