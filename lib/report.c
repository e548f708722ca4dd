/*
 * report.c: counting for the monthly 台账 report (see fq/report.h).
 */
#include <stdint.h>
#include <stdio.h>

#include "fq/deadline.h"
#include "fq/lifecycle.h"
#include "fq/report.h"
#include "fq/text.h"
#include "internal.h"
#include "report_impl.h"

const struct fq_fig_def fq_fig_defs[FQ_NFIG] = {
	{ "carried_in", "上月结转", "accepted before the period and open "
		"(accepted, mediating, agreed, referred_out) at the end of the "
		"day before it" },
	{ "screened", "本月排查发现", "reported_on in the period, plus cases "
		"from proactive, screening or grid_report accepted in the "
		"period without a reported_on" },
	{ "new", "本月新增受理", "entered an open state in the period for the "
		"first time (accepted_on in the period)" },
	{ "new_proactive", "其中:主动调解", "new, source proactive, screening "
		"or grid_report" },
	{ "new_application", "其中:申请调解", "new, source application" },
	{ "new_referred", "其中:委托移送/交办", "new, any other source" },
	{ "closed", "本月办结", "left the open states in the period (closed_on "
		"in the period), once per closing" },
	{ "mediated_written", "其中:调解成功(书面)", "closed with outcome "
		"mediated_written" },
	{ "mediated_oral", "其中:调解成功(口头)", "closed with outcome "
		"mediated_oral" },
	{ "mediated_ok", "调解成功", "closed with an outcome that counts as "
		"success (mediated_written, mediated_oral)" },
	{ "mediated_fail", "调解不成", "closed with an outcome in the success "
		"rate's denominator that is not a success (failed)" },
	{ "ended", "其中:撤回/拒绝/不予受理", "closed as withdrawn, refused or "
		"rejected" },
	{ "closed_referred", "其中:移交", "closed with outcome referred_*" },
	{ "resolved", "本月化解", "closed with an outcome that counts as "
		"resolved (mediated_*, settled_self, referred_resolved)" },
	{ "reopened", "本月重新调解", "entered an open state in the period "
		"from closed or archived (not new)" },
	{ "carried_out", "月末在办", "carried_in + new + reopened - closed" },
	{ "open_end", "月末在办(直接计数)", "open at the end of the period, "
		"counted directly; must equal carried_out" },
	{ "overdue_open", "其中:超期", "open at the end of the period with a "
		"due date (as of that day) before it" },
	{ "agreements", "协议数", "agreements with effective_on in the period" },
	{ "performed", "履行", "agreements with performed_on in the period" },
	{ "confirmed", "司法确认", "司法确认 decided valid in the period" },
	{ "confirm_applied", "申请司法确认", "司法确认 applied for in the period" },
	{ "visits", "回访(次)", "follow-up visits dated in the period (IDs: the "
		"cases)" },
	{ "visit_due", "应回访", "agreements whose R6 visit fell due in the "
		"period" },
	{ "visited", "已回访", "of visit_due, visited by the end of the period" },
	{ "prevention_crime", "防止民转刑(件)", "cases closed in the period "
		"with prevention.crime; people in prevention.people" },
	{ "prevention_mass_petition", "防止群体性上访(件)", "cases closed in the "
		"period with prevention.mass_petition" },
	{ "prevention_mass_fight", "防止群体性械斗(件)", "cases closed in the "
		"period with prevention.mass_fight" },
	{ "prevention_suicide", "防止自杀(件)", "cases closed in the period with "
		"prevention.suicide" },
};

const struct fq_rate_def fq_rate_defs[FQ_NRATE] = {
	{ "mediation_success", "调解成功率", "mediated_ok / (mediated_ok + "
		"mediated_fail)" },
	{ "mediation_success_intake", "调解成功率（受理口径）", "mediated_ok / "
		"(carried_in + new)" },
	{ "resolution", "化解率", "resolved / (carried_in + new)" },
	{ "completion", "办结率", "closed / (carried_in + new)" },
	{ "visit", "回访率", "visited / visit_due" },
	{ "overdue", "超期率", "overdue_open / carried_out" },
};

const struct fq_fig_def fq_zz_defs[FQ_NZZ] = {
	{ "screened", "排查数", "cases screened (reported_on, or proactive "
		"without one) or newly accepted in the period, each once" },
	{ "handled", "调处数", "cases with at least one mediation act in the "
		"period (an event of kind session, visit_site, contact, "
		"consultation, investigation or agreement_signed, or a change of "
		"state to mediating or agreed) or resolved in it" },
	{ "success", "成功数", "cases resolved in the period (closed as "
		"mediated_*, settled_self or referred_resolved)" },
};

const char *const fq_ref_row_labels[FQ_REF_ROWS] = {
	"诉调", "警调", "访调", "仲调", "检调", "行调", "上级交办", "下级上报",
	"其他"
};

static const char *const prevention_keys[4] = {
	"crime", "mass_petition", "mass_fight", "suicide"
};

/* --- small helpers --- */

static bool
is_open(const char *state)
{
	if (!state)
		return false;
	switch (state[0]) {	/* most states are closed: one byte says */
	case 'a':
		return !strcmp(state, "accepted") || !strcmp(state, "agreed");
	case 'm':
		return !strcmp(state, "mediating");
	case 'r':
		return !strcmp(state, "referred_out");
	default:
		return false;
	}
}

static bool
is_closed(const char *state)
{
	return state && (!strcmp(state, "closed") ||
		!strcmp(state, "archived"));
}

/* strncmp(a, b, 10), in line (a call costs more than the bytes) */
static int
cmp10(const char *a, const char *b)
{
	int i;

	for (i = 0; i < 10; i++) {
		if (a[i] != b[i])
			return (unsigned char)a[i] - (unsigned char)b[i];
		if (!a[i])
			return 0;
	}
	return 0;
}

static bool
in_range(const char *d, const char *from, const char *to)
{
	return d && strnlen(d, 10) == 10 && cmp10(d, from) >= 0 &&
		cmp10(d, to) <= 0;
}

static void
day_before(char out[FQ_DATE_SIZE], const char *iso)
{
	fq_day d;

	if (fq_date_parse(&d, iso, NULL)) {
		snprintf(out, FQ_DATE_SIZE, "%s", iso);
		return;
	}
	fq_date_format(out, fq_date_add_days(d, -1));
}

/* The period called y-m: the calendar month, or with an anchor day A
 * the (A+1)th of the month before to the Ath. */
static void
month_bounds(int y, int m, int anchor, char from[FQ_DATE_SIZE],
	char to[FQ_DATE_SIZE])
{
	int py = m == 1 ? y - 1 : y, pm = m == 1 ? 12 : m - 1;

	if (anchor <= 0) {
		fq_date_format(from, fq_date_from_ymd(y, m, 1));
		fq_date_format(to, fq_date_from_ymd(y, m,
			fq_date_days_in_month(y, m)));
		return;
	}
	fq_date_format(from, fq_date_from_ymd(py, pm, anchor + 1));
	fq_date_format(to, fq_date_from_ymd(y, m, anchor));
}

/* "3000.00", "3000", "3000.5" -> fen; 0 if not an amount. */
static long long
money_fen(const char *s)
{
	long long y = 0;
	int f = 0, k = 0;

	if (!s || !*s)
		return 0;
	for (; *s >= '0' && *s <= '9'; s++)
		y = y * 10 + (*s - '0');
	if (*s == '.') {
		for (s++; *s >= '0' && *s <= '9' && k < 2; s++, k++)
			f = f * 10 + (*s - '0');
		if (k == 1)
			f *= 10;
	}
	return y * 100 + f;
}

/* Add id, a string that outlives the list (the report's id pool). */
void
fq_idlist_add(struct fq_idlist *l, const char *id)
{
	if (l->n && (l->v[l->n - 1] == id || !strcmp(l->v[l->n - 1], id)))
		return;		/* the same case twice in a row */
	FQ_ALLOC_GROW(l->v, l->n + 1, l->alloc);
	l->v[l->n++] = (char *)(uintptr_t)id;
}

static void
idlist_release(struct fq_idlist *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* A case's id, copied once into the report for all its lists. */
static const char *
pool_id(fq_report *r, const char *id)
{
	FQ_ALLOC_GROW(r->idpool, r->nidpool + 1, r->aidpool);
	return r->idpool[r->nidpool++] = fq_xstrdup(id);
}

static void
figs_init(struct fq_figs *f, size_t noutcomes, bool keep_ids)
{
	memset(f, 0, sizeof(*f));
	f->outcomes = fq_xcalloc(noutcomes + 1, sizeof(*f->outcomes));
	f->outcome_ids = fq_xcalloc(noutcomes + 1, sizeof(*f->outcome_ids));
	f->keep_ids = keep_ids;
}

static void
figs_release(struct fq_figs *f, size_t noutcomes)
{
	size_t i;

	for (i = 0; i < FQ_NFIG; i++)
		idlist_release(&f->ids[i]);
	for (i = 0; f->outcome_ids && i <= noutcomes; i++)
		idlist_release(&f->outcome_ids[i]);
	free(f->outcomes);
	free(f->outcome_ids);
	memset(f, 0, sizeof(*f));
}

/* --- rates --- */

void
fq_rate_terms(const struct fq_figs *f, enum fq_rate r, long *num, long *den)
{
	const long *n = f->n;

	switch (r) {
	case FQ_RATE_SUCCESS:
		*num = n[FQ_FIG_MEDIATED_OK];
		*den = n[FQ_FIG_MEDIATED_OK] + n[FQ_FIG_MEDIATED_FAIL];
		break;
	case FQ_RATE_SUCCESS_INTAKE:
		*num = n[FQ_FIG_MEDIATED_OK];
		*den = n[FQ_FIG_CARRIED_IN] + n[FQ_FIG_NEW];
		break;
	case FQ_RATE_RESOLUTION:
		*num = n[FQ_FIG_RESOLVED];
		*den = n[FQ_FIG_CARRIED_IN] + n[FQ_FIG_NEW];
		break;
	case FQ_RATE_COMPLETION:
		*num = n[FQ_FIG_CLOSED];
		*den = n[FQ_FIG_CARRIED_IN] + n[FQ_FIG_NEW];
		break;
	case FQ_RATE_VISIT:
		*num = n[FQ_FIG_VISITED];
		*den = n[FQ_FIG_VISIT_DUE];
		break;
	default:
		*num = n[FQ_FIG_OVERDUE_OPEN];
		*den = n[FQ_FIG_CARRIED_OUT];
		break;
	}
}

void
fq_rate_text(struct fq_buf *out, const struct fq_figs *f, enum fq_rate r)
{
	long num, den;

	fq_rate_terms(f, r, &num, &den);
	fq_percent_text(out, num, den);
}

void
fq_percent_text(struct fq_buf *out, long num, long den)
{
	long tenths;

	if (den <= 0) {
		fq_buf_adds(out, "—");
		return;
	}
	/* one decimal, half up, in integers so that every machine agrees */
	tenths = (num * 2000 / den + 1) / 2;
	fq_buf_addf(out, "%ld.%ld%%", tenths / 10, tenths % 10);
}

/* --- the report --- */

static void
month_name(char out[8], int y, int m)
{
	char b[32];

	snprintf(b, sizeof(b), "%04d-%02d", y, m);
	memcpy(out, b, 7);
	out[7] = '\0';
}

/* The period, the month before, the trend months and the year. */
static void
set_periods(fq_report *r)
{
	char d[FQ_DATE_SIZE];
	int i, a = r->opt.anchor_day;

	month_bounds(r->y, r->m, a, r->from, r->to);
	month_name(r->month, r->y, r->m);
	for (i = 0; i < FQ_TREND; i++) {
		int k = r->m - (FQ_TREND - 1) + i, yy = r->y;

		while (k < 1) {
			k += 12;
			yy--;
		}
		month_bounds(yy, k, a, r->trend[i].from, r->trend[i].to);
		month_name(r->trend[i].month, yy, k);
	}
	memcpy(r->pfrom, r->trend[FQ_TREND - 2].from, FQ_DATE_SIZE);
	memcpy(r->pto, r->trend[FQ_TREND - 2].to, FQ_DATE_SIZE);
	month_bounds(r->y, 1, a, r->yfrom, d);
	day_before(d, r->trend[0].from);
	memcpy(r->horizon, d, FQ_DATE_SIZE);
}

/* Which 综治 category each 司法部 category falls under by default. */
static void
zz_map(fq_report *r)
{
	size_t i, j, k, other = r->nzz;

	r->cat_zz = fq_xcalloc(r->ncat + 1, sizeof(*r->cat_zz));
	for (j = 0; j < r->nzz; j++)
		if (!strcmp(r->zzs->v[j].code, "other"))
			other = j;
	for (i = 0; i <= r->ncat; i++)
		r->cat_zz[i] = other < r->nzz ? other : r->nzz - 1;
	for (j = 0; j < r->nzz; j++) {
		const struct fq_node *from = fq_map_get(r->zzs->v[j].def,
			"from");

		for (k = 0; from && from->kind == FQ_NODE_SEQ &&
		    k < from->len; k++) {
			const char *code = from->vals[k]->kind ==
				FQ_NODE_SCALAR ? from->vals[k]->str : NULL;

			for (i = 0; code && i < r->ncat; i++)
				if (!strcmp(r->cats->v[i].code, code))
					r->cat_zz[i] = j;
		}
	}
}

int
fq_report_new(fq_report **out, const fq_schema *sc, const char *month,
	struct fq_error *err)
{
	fq_report *r;
	int y, m;
	size_t i;
	struct fq_report_options o = FQ_REPORT_OPTIONS_INIT;

	*out = NULL;
	if (!month || strlen(month) != 7 || month[4] != '-' ||
	    sscanf(month, "%4d-%2d", &y, &m) != 2 || y < 1900 || y > 2999 ||
	    m < 1 || m > 12)
		return fq_error_set(err, FQ_EUSAGE, "not a month: '%s' "
			"(expected YYYY-MM)", month ? month : "");
	r = fq_xcalloc(1, sizeof(*r));
	r->schema = sc;
	r->cats = fq_schema_enum(sc, "categories");
	r->outs = fq_schema_enum(sc, "outcomes");
	r->nout = r->outs ? r->outs->n : 0;
	r->y = y;
	r->m = m;
	r->opt = o;
	set_periods(r);
	figs_init(&r->total, r->nout, true);
	figs_init(&r->prev, r->nout, false);
	figs_init(&r->ytd, r->nout, true);
	r->ncat = r->cats ? r->cats->n : 0;
	r->cat = fq_xcalloc(r->ncat + 1, sizeof(*r->cat));
	r->pcat = fq_xcalloc(r->ncat + 1, sizeof(*r->pcat));
	for (i = 0; i < r->ncat; i++) {
		r->cat[i].key = fq_xstrdup(r->cats->v[i].code);
		figs_init(&r->cat[i].f, r->nout, true);
		r->pcat[i].key = fq_xstrdup(r->cats->v[i].code);
		figs_init(&r->pcat[i].f, r->nout, false);
	}
	r->zzs = fq_schema_enum(sc, "zz_categories");
	r->nzz = r->zzs ? r->zzs->n : 0;
	if (r->nzz)
		zz_map(r);
	r->zz = fq_xcalloc((r->nzz + 2) * FQ_NZZ * FQ_NZZCOL,
		sizeof(*r->zz));
	r->hdr.town = fq_xstrdup("");
	r->hdr.unit = fq_xstrdup("");
	r->hdr.preparer = fq_xstrdup("");
	r->hdr.reviewer = fq_xstrdup("");
	r->hdr.date = fq_xstrdup("");
	*out = r;
	return FQ_OK;
}

int
fq_report_set_options(fq_report *r, const struct fq_report_options *o,
	struct fq_error *err)
{
	if (o->anchor_day < 0 || o->anchor_day > 28)
		return fq_error_set(err, FQ_EUSAGE, "period anchor day %d: "
			"0 (calendar months) or 1 to 28", o->anchor_day);
	if (o->success_rate != FQ_RATE_SUCCESS &&
	    o->success_rate != FQ_RATE_SUCCESS_INTAKE)
		return fq_error_set(err, FQ_EUSAGE, "success rate: mediated "
			"or accepted");
	if (r->added)
		return fq_error_set(err, FQ_EUSAGE, "report options given "
			"after the first case");
	r->opt = *o;
	set_periods(r);
	return FQ_OK;
}

int
fq_report_options_parse(struct fq_report_options *o,
	const struct fq_node *rep, struct fq_error *err)
{
	static const char *const keys[] = {
		"success_rate", "ytd", "tables", "period_anchor_day"
	};
	struct fq_report_options d = FQ_REPORT_OPTIONS_INIT;
	const char *s;
	size_t i;

	*o = d;
	if (!rep)
		return FQ_OK;
	if (rep->kind != FQ_NODE_MAP)
		return fq_error_set(err, FQ_EINVALID, "report: a map of "
			"settings expected");
	for (i = 0; i < FQ_ARRAY_SIZE(keys); i++) {
		const struct fq_node *v = fq_map_get(rep, keys[i]);

		if (v && v->kind != FQ_NODE_SCALAR)
			return fq_error_set(err, FQ_EINVALID, "report.%s: a "
				"single value expected%s", keys[i],
				!strcmp(keys[i], "tables") ? " (tables: "
				"1,2,3,4)" : "");
	}
	if ((s = fq_map_str(rep, "success_rate"))) {
		if (!strcmp(s, "mediated"))
			o->success_rate = FQ_RATE_SUCCESS;
		else if (!strcmp(s, "accepted"))
			o->success_rate = FQ_RATE_SUCCESS_INTAKE;
		else
			return fq_error_set(err, FQ_EINVALID, "report."
				"success_rate '%s': mediated or accepted", s);
	}
	if ((s = fq_map_str(rep, "ytd"))) {
		if (!strcmp(s, "true"))
			o->ytd = true;
		else if (!strcmp(s, "false"))
			o->ytd = false;
		else
			return fq_error_set(err, FQ_EINVALID, "report.ytd "
				"'%s': true or false", s);
	}
	if ((s = fq_map_str(rep, "tables"))) {
		const char *p = s;

		o->tables = 0;
		while (*p) {
			if (*p >= '1' && *p <= '5' && (!p[1] || p[1] == ',' ||
			    p[1] == ' ')) {
				o->tables |= 1u << (*p - '1');
				p++;
			} else if (*p == ',' || *p == ' ') {
				p++;
			} else {
				return fq_error_set(err, FQ_EINVALID, "report."
					"tables '%s': numbers 1 to 5 separated "
					"by commas", s);
			}
		}
		if (!o->tables)
			return fq_error_set(err, FQ_EINVALID, "report.tables "
				"'%s': at least one table", s);
	}
	if ((s = fq_map_str(rep, "period_anchor_day"))) {
		char *end;
		long v = strtol(s, &end, 10);

		if (*end || end == s || v < 0 || v > 28)
			return fq_error_set(err, FQ_EINVALID, "report."
				"period_anchor_day '%s': 0 (calendar months) "
				"or 1 to 28", s);
		o->anchor_day = (int)v;
	}
	return FQ_OK;
}

static void
key_case_release(struct fq_report_key_case *k)
{
	free(k->id);
	free(k->category);
	free(k->summary);
	free(k->color);
	free(k->people);
	free(k->lead);
	free(k->unit);
	free(k->plan);
	free(k->due);
	free(k->progress);
	free(k->closed_on);
}

void
fq_report_free(fq_report *r)
{
	size_t i;

	if (!r)
		return;
	figs_release(&r->total, r->nout);
	figs_release(&r->prev, r->nout);
	figs_release(&r->ytd, r->nout);
	free(r->cat_zz);
	free(r->zz);
	for (i = 0; i < FQ_NZZ * FQ_NZZCOL; i++)
		idlist_release(&r->zzids[i / FQ_NZZCOL][i % FQ_NZZCOL]);
	for (i = 0; i < r->ncat; i++) {
		free(r->cat[i].key);
		figs_release(&r->cat[i].f, r->nout);
		free(r->pcat[i].key);
		figs_release(&r->pcat[i].f, r->nout);
	}
	free(r->cat);
	free(r->pcat);
	for (i = 0; i < r->nunit; i++) {
		free(r->unit[i].key);
		figs_release(&r->unit[i].f, r->nout);
		figs_release(&r->unit[i].ytd, r->nout);
	}
	free(r->unit);
	for (i = 0; i < r->nkey; i++)
		key_case_release(&r->key[i]);
	free(r->key);
	idlist_release(&r->mismatch);
	for (i = 0; i < r->nidpool; i++)
		free(r->idpool[i]);
	free(r->idpool);
	free((char *)r->hdr.town);
	free((char *)r->hdr.unit);
	free((char *)r->hdr.preparer);
	free((char *)r->hdr.reviewer);
	free((char *)r->hdr.date);
	fq_report_tables_release(r);
	free(r);
}

void
fq_report_set_header(fq_report *r, const struct fq_report_header *h)
{
#define SETH(k) do { free((char *)r->hdr.k); \
	r->hdr.k = fq_xstrdup(h->k ? h->k : ""); } while (0)
	SETH(town);
	SETH(unit);
	SETH(preparer);
	SETH(reviewer);
	SETH(date);
#undef SETH
}

void
fq_report_set_county(fq_report *r, bool county)
{
	r->county = county;
}

const char *
fq_report_from(const fq_report *r)
{
	return r->from;
}

const char *
fq_report_to(const fq_report *r)
{
	return r->to;
}

/* --- pre-filter --- */

void
fq_report_digest(struct fq_report_digest *dg, const char *raw, size_t len)
{
	const char *p = raw, *end = raw + len, *st = NULL;
	size_t k;

	memset(dg, 0, sizeof(*dg));
	/* the top-level status line */
	if (len >= 8 && !memcmp(raw, "status: ", 8))
		st = raw + 8;
	while (!st && (p = memchr(p, '\n', (size_t)(end - p))) &&
	    end - p > 9) {
		p++;
		if (!memcmp(p, "status: ", 8))
			st = p + 8;
	}
	if (st) {
		dg->has_status = true;
		for (k = 0; k < sizeof(dg->status) - 1 && st + k < end &&
		    st[k] != '\n' && st[k] != '\r' && st[k] != ' '; k++)
			dg->status[k] = st[k];
		dg->status[k] = '\0';
	}
	/* the first and last of every DDDD-DD-DD in the text */
	for (p = raw; (p = memchr(p, '-', (size_t)(end - p))); p++) {
		const char *d = p - 4;

		if (d < raw || end - d < 10 || d[7] != '-')
			continue;
		if (d[0] < '0' || d[0] > '9' || d[1] < '0' || d[1] > '9' ||
		    d[2] < '0' || d[2] > '9' || d[3] < '0' || d[3] > '9' ||
		    d[5] < '0' || d[5] > '9' || d[6] < '0' || d[6] > '9' ||
		    d[8] < '0' || d[8] > '9' || d[9] < '0' || d[9] > '9')
			continue;
		if (!dg->min[0] || memcmp(d, dg->min, 10) < 0)
			memcpy(dg->min, d, 10);
		if (!dg->max[0] || memcmp(d, dg->max, 10) > 0)
			memcpy(dg->max, d, 10);
		p += 5;
	}
}

bool
fq_report_can_skip_digest(const fq_report *r,
	const struct fq_report_digest *dg)
{
	size_t k;
	bool open, recent, early;

	if (!dg->has_status)
		return false;
	/* a file the report does not parse must at least look sane */
	for (k = 0; fq_states[k] && strcmp(fq_states[k], dg->status); k++)
		;
	if (!fq_states[k])
		return false;
	open = is_open(dg->status);
	/* every date must be before the horizon, or (whatever the status)
	 * after the period */
	recent = dg->max[0] && memcmp(dg->max, r->horizon, 10) >= 0;
	early = dg->min[0] && memcmp(dg->min, r->to, 10) <= 0;
	if (recent && early)
		return false;
	return !early || (!open && !recent);
}

bool
fq_report_can_skip(const fq_report *r, const char *raw, size_t len)
{
	struct fq_report_digest dg;

	fq_report_digest(&dg, raw, len);
	return fq_report_can_skip_digest(r, &dg);
}

/* --- one case --- */

struct tr {
	char date[FQ_DATE_SIZE];
	const char *to, *outcome;
};

struct timeline {
	struct tr *v;
	size_t n, alloc;
	bool synthesized;
};

static void
tl_push(struct timeline *t, const char *date, const char *to,
	const char *outcome)
{
	FQ_ALLOC_GROW(t->v, t->n + 1, t->alloc);
	snprintf(t->v[t->n].date, FQ_DATE_SIZE, "%.10s", date);
	t->v[t->n].to = to;
	t->v[t->n].outcome = outcome;
	t->n++;
}

static void
build_timeline(struct timeline *t, const struct fq_node *c)
{
	const struct fq_node *ev = fq_map_get(c, "events");
	const char *status = fq_map_str(c, "status");
	const char *s;
	size_t i;

	for (i = 0; ev && ev->kind == FQ_NODE_SEQ && i < ev->len; i++) {
		const struct fq_node *e = ev->vals[i];
		const char *to = fq_map_str(e, "state_to");
		const char *on = fq_map_str(e, "effective_on");

		if (!to)
			continue;
		if (!on)
			on = fq_map_str(e, "at");
		if (!on || strlen(on) < 10)
			continue;
		tl_push(t, on, to, fq_map_str(e, "outcome"));
	}
	if (!t->n) {
		if ((s = fq_map_str(c, "reported_on")))
			tl_push(t, s, "reported", NULL);
		if ((s = fq_map_str(c, "accepted_on")))
			tl_push(t, s, "accepted", NULL);
		t->synthesized = t->n > 0;
	}
	if (is_closed(status) && (!t->n || !is_closed(t->v[t->n - 1].to))) {
		s = fq_map_str(c, "closed_on");
		if (!s && t->n)
			s = t->v[t->n - 1].date;
		if (s && strlen(s) >= 10) {
			tl_push(t, s, "closed", fq_map_str(c, "outcome"));
			t->synthesized = true;
		}
	}
	/* a closing event without an outcome takes the case's */
	for (i = 0; i < t->n; i++)
		if (is_closed(t->v[i].to) && !t->v[i].outcome)
			t->v[i].outcome = fq_map_str(c, "outcome");
}

/* State at the end of day d: the last transition in log order dated on
 * or before d (as fq_case_state_at). */
static const char *
tl_state_at(const struct timeline *t, const char *d, const char **outcome)
{
	const char *st = NULL, *oc = NULL;
	size_t i;

	for (i = 0; i < t->n; i++)
		if (strncmp(t->v[i].date, d, 10) <= 0) {
			st = t->v[i].to;
			oc = t->v[i].outcome;
		}
	if (outcome)
		*outcome = oc;
	return st;
}

const char *
fq_report_state_at(const struct timeline *t, const char *d,
	const char **outcome, char closed_on[FQ_DATE_SIZE])
{
	size_t i;

	if (closed_on) {
		closed_on[0] = '\0';
		for (i = 0; i < t->n; i++)
			if (strncmp(t->v[i].date, d, 10) <= 0 &&
			    is_closed(t->v[i].to) && (!i ||
			    !is_closed(t->v[i - 1].to)))
				memcpy(closed_on, t->v[i].date, FQ_DATE_SIZE);
	}
	return tl_state_at(t, d, outcome);
}

/* Open at the end of day d?  direct: ask fq_case_state_at(), the
 * lifecycle's own replay (for the invariant's direct count), unless the
 * timeline had to be completed from the case's dates. */
static bool
state_open_at(const struct fq_node *c, const struct timeline *t,
	const char *d, bool direct)
{
	const char *st, *oc;

	if (!direct || t->synthesized)
		return is_open(tl_state_at(t, d, NULL));
	fq_case_state_at(c, d, &st, &oc);
	return is_open(st);
}

static bool
tl_touches(const struct timeline *t, const char *from, const char *to)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (in_range(t->v[i].date, from, to))
			return true;
	return false;
}

/* What one case adds to a group in one period. */
struct contrib {
	long n[FQ_NFIG];
	long long fen;
	long people[4];
	size_t out[8];		/* outcome index of each closing (<= 8) */
	size_t nout;
	bool entered;		/* entered an open state in P */
};

static size_t
outcome_index(const fq_report *r, const char *code)
{
	size_t i;

	for (i = 0; code && i < r->nout; i++)
		if (!strcmp(r->outs->v[i].code, code))
			return i;
	return r->nout;		/* unknown */
}

static bool
outcome_flag(const fq_report *r, size_t i, const char *flag)
{
	const char *v;

	if (i >= r->nout)
		return false;
	v = fq_enum_extra(&r->outs->v[i], flag);
	return v && !strcmp(v, "true");
}

static void
count_period(const fq_report *r, const struct fq_node *c,
	const struct timeline *t, const char *from, const char *to,
	bool full, bool trend_only, const struct fq_node *config,
	const fq_calendar *cal, struct contrib *x)
{
	char before[FQ_DATE_SIZE];
	const char *prev = NULL, *s, *src;
	const struct fq_node *a, *list;
	bool ever_open = false, closed_in_p = false;
	size_t i, j;

	memset(x, 0, sizeof(*x));
	/* a month of the trend needs only new and resolved */
	if (!trend_only) {
		day_before(before, from);
		if (state_open_at(c, t, before, false))
			x->n[FQ_FIG_CARRIED_IN] = 1;
	}
	for (i = 0; i < t->n; i++) {
		const struct tr *e = &t->v[i];

		if (in_range(e->date, from, to)) {
			if (!is_open(prev) && is_open(e->to)) {
				x->n[ever_open ? FQ_FIG_REOPENED :
					FQ_FIG_NEW]++;
				x->entered = true;
			} else if (is_open(prev) && !is_open(e->to)) {
				size_t k = outcome_index(r, e->outcome);

				x->n[FQ_FIG_CLOSED]++;
				closed_in_p = true;
				if (x->nout < FQ_ARRAY_SIZE(x->out))
					x->out[x->nout++] = k;
				if (outcome_flag(r, k, "success")) {
					x->n[FQ_FIG_MEDIATED_OK]++;
					if (e->outcome && !strcmp(e->outcome,
					    "mediated_oral"))
						x->n[FQ_FIG_MEDIATED_ORAL]++;
					else
						x->n[FQ_FIG_MEDIATED_WRITTEN]++;
				} else if (outcome_flag(r, k,
				    "in_success_rate")) {
					x->n[FQ_FIG_MEDIATED_FAIL]++;
				}
				if (outcome_flag(r, k, "resolved"))
					x->n[FQ_FIG_RESOLVED]++;
				if (e->outcome && (!strcmp(e->outcome,
				    "withdrawn") || !strcmp(e->outcome,
				    "refused") || !strcmp(e->outcome,
				    "rejected")))
					x->n[FQ_FIG_ENDED]++;
				if (e->outcome && !strncmp(e->outcome,
				    "referred_", 9))
					x->n[FQ_FIG_CLOSED_REFERRED]++;
			}
		}
		if (is_open(e->to))
			ever_open = true;
		prev = e->to;
	}
	if (trend_only)
		return;
	x->n[FQ_FIG_CARRIED_OUT] = x->n[FQ_FIG_CARRIED_IN] +
		x->n[FQ_FIG_NEW] + x->n[FQ_FIG_REOPENED] -
		x->n[FQ_FIG_CLOSED];
	if (state_open_at(c, t, to, full))
		x->n[FQ_FIG_OPEN_END] = 1;

	src = fq_map_str(c, "source");
	if (x->n[FQ_FIG_NEW]) {
		if (src && (!strcmp(src, "proactive") ||
		    !strcmp(src, "screening") || !strcmp(src, "grid_report")))
			x->n[FQ_FIG_NEW_PROACTIVE] = 1;
		else if (src && !strcmp(src, "application"))
			x->n[FQ_FIG_NEW_APPLICATION] = 1;
		else
			x->n[FQ_FIG_NEW_REFERRED] = 1;
	}
	s = fq_map_str(c, "reported_on");
	if (in_range(s, from, to) || (!s && x->n[FQ_FIG_NEW_PROACTIVE]))
		x->n[FQ_FIG_SCREENED] = 1;

	if (!full)
		return;
	if (x->n[FQ_FIG_OPEN_END]) {
		char due[FQ_DATE_SIZE];
		const char *st = tl_state_at(t, to, NULL);

		fq_report_due_as_of(due, c, st, to, config, cal);
		if (*due && strcmp(due, to) < 0)
			x->n[FQ_FIG_OVERDUE_OPEN] = 1;
	}
	a = fq_map_get(c, "agreement");
	if (a && a->kind == FQ_NODE_MAP) {
		const char *eff = fq_map_str(a, "effective_on");
		const char *pd = fq_map_str(a, "performance_due");

		if (in_range(eff, from, to)) {
			x->n[FQ_FIG_AGREEMENTS] = 1;
			x->fen += money_fen(fq_map_str(a, "amount"));
		}
		if (in_range(fq_map_str(a, "performed_on"), from, to))
			x->n[FQ_FIG_PERFORMED] = 1;
		if (eff && fq_valid_date(eff)) {
			char due[FQ_DATE_SIZE];
			const char *base = pd && fq_valid_date(pd) &&
				strcmp(pd, eff) > 0 ? pd : eff;

			if (!fq_deadline_from(due, cal, config, "visit",
			    "15 days", base, NULL) && in_range(due, from, to)) {
				x->n[FQ_FIG_VISIT_DUE] = 1;
				list = fq_map_get(c, "visits");
				for (j = 0; list && list->kind == FQ_NODE_SEQ &&
				    j < list->len; j++) {
					const char *on = fq_map_str(
						list->vals[j], "on");

					if (on && strcmp(on, eff) >= 0 &&
					    strncmp(on, to, 10) <= 0)
						x->n[FQ_FIG_VISITED] = 1;
				}
			}
		}
	}
	list = fq_map_get(c, "confirmations");
	for (j = 0; list && list->kind == FQ_NODE_SEQ && j < list->len; j++) {
		const struct fq_node *k = list->vals[j];
		const char *res = fq_map_str(k, "result");

		if (in_range(fq_map_str(k, "applied_on"), from, to))
			x->n[FQ_FIG_CONFIRM_APPLIED]++;
		if (in_range(fq_map_str(k, "decided_on"), from, to) && res &&
		    !strcmp(res, "valid"))
			x->n[FQ_FIG_CONFIRMED]++;
	}
	list = fq_map_get(c, "visits");
	for (j = 0; list && list->kind == FQ_NODE_SEQ && j < list->len; j++)
		if (in_range(fq_map_str(list->vals[j], "on"), from, to))
			x->n[FQ_FIG_VISITS]++;
	list = fq_map_get(c, "prevention");
	if (closed_in_p && list && list->kind == FQ_NODE_MAP) {
		for (j = 0; j < 4; j++) {
			const char *v = fq_map_str(list, prevention_keys[j]);

			if (v && fq_valid_int(v)) {
				x->n[FQ_FIG_PREV_CRIME + j] = 1;
				x->people[j] += atol(v);
			}
		}
	}
}

static void
apply(struct fq_figs *f, const struct contrib *x, const char *id, size_t nout)
{
	size_t i;

	for (i = 0; i < FQ_NFIG; i++) {
		f->n[i] += x->n[i];
		if (x->n[i] && f->keep_ids)
			fq_idlist_add(&f->ids[i], id);
	}
	f->amount_fen += x->fen;
	for (i = 0; i < 4; i++)
		f->people[i] += x->people[i];
	for (i = 0; i < x->nout; i++) {
		f->outcomes[x->out[i] <= nout ? x->out[i] : nout]++;
		if (f->keep_ids)
			fq_idlist_add(&f->outcome_ids[x->out[i]], id);
	}
}

static struct fq_report_group *
unit_group(fq_report *r, const char *unit)
{
	size_t i;

	if (r->last_unit < r->nunit &&
	    !strcmp(r->unit[r->last_unit].key, unit))
		return &r->unit[r->last_unit];
	for (i = 0; i < r->nunit; i++)
		if (!strcmp(r->unit[i].key, unit)) {
			r->last_unit = i;
			return &r->unit[i];
		}
	FQ_ALLOC_GROW(r->unit, r->nunit + 1, r->unit_alloc);
	r->unit[r->nunit].key = fq_xstrdup(unit);
	r->unit[r->nunit].fixed = false;
	figs_init(&r->unit[r->nunit].f, r->nout, true);
	figs_init(&r->unit[r->nunit].ytd, r->nout, false);
	r->last_unit = r->nunit;
	return &r->unit[r->nunit++];
}

static size_t
category_index(const fq_report *r, const char *code)
{
	size_t i, other = r->ncat;

	for (i = 0; i < r->ncat; i++) {
		if (code && !strcmp(r->cats->v[i].code, code))
			return i;
		if (!strcmp(r->cats->v[i].code, "other"))
			other = i;
	}
	return other;
}

/* --- table 5: 综治 排查情况表 --- */

/* A mediation act (调处) dated in [from, to]: a handling event, or a
 * change of state to mediating or agreed (fq mediate, fq reopen). */
static bool
mediation_act(const struct fq_node *c, const char *from, const char *to)
{
	static const char *const kinds[] = {
		"session", "visit_site", "contact", "consultation",
		"investigation", "agreement_signed"
	};
	const struct fq_node *ev = fq_map_get(c, "events");
	size_t i, k;

	for (i = 0; ev && ev->kind == FQ_NODE_SEQ && i < ev->len; i++) {
		const char *on = fq_map_str(ev->vals[i], "effective_on");
		const char *kind, *st;

		if (!on)
			on = fq_map_str(ev->vals[i], "at");
		/* the day first: most events are out of the period */
		if (!in_range(on, from, to) ||
		    !(kind = fq_map_str(ev->vals[i], "kind")))
			continue;
		st = fq_map_str(ev->vals[i], "state_to");
		if (st && (!strcmp(st, "mediating") || !strcmp(st, "agreed")))
			return true;
		for (k = 0; k < FQ_ARRAY_SIZE(kinds); k++)
			if (!strcmp(kind, kinds[k]))
				return true;
	}
	return false;
}

static void
zz_count(fq_report *r, size_t zi, bool major, int m, int col,
	const char *id)
{
	r->zz[(zi * FQ_NZZ + (size_t)m) * FQ_NZZCOL + (size_t)col]++;
	r->zz[(r->nzz * FQ_NZZ + (size_t)m) * FQ_NZZCOL + (size_t)col]++;
	if (major)
		r->zz[((r->nzz + 1) * FQ_NZZ + (size_t)m) * FQ_NZZCOL +
			(size_t)col]++;
	fq_idlist_add(&r->zzids[m][col], id);
}

static void
zz_add(fq_report *r, const struct fq_node *c, size_t ci, const char *id,
	const struct contrib *x, const struct contrib *yx)
{
	const char *code = fq_map_str(c, "zz_category");
	const char *level = fq_map_str(c, "level");
	const char *village = fq_map_str(c, "village");
	const char *color = fq_map_str(c, "risk_color");
	const struct fq_enum_value *v;
	bool major = color && !strcmp(color, "red");
	size_t zi;
	int col;

	if (!r->nzz)
		return;
	if (code && (v = fq_enum_code(r->zzs, code)))
		zi = (size_t)(v - r->zzs->v);
	else
		zi = r->cat_zz[ci <= r->ncat ? ci : r->ncat];
	if (level)
		col = !strcmp(level, "village") ? FQ_ZZ_VILLAGE :
			FQ_ZZ_TOWNSHIP;
	else
		col = village && *village ? FQ_ZZ_VILLAGE : FQ_ZZ_TOWNSHIP;
	if (x->n[FQ_FIG_SCREENED] || x->n[FQ_FIG_NEW])
		zz_count(r, zi, major, FQ_ZZ_SCREENED, col, id);
	if (x->n[FQ_FIG_RESOLVED] || mediation_act(c, r->from, r->to))
		zz_count(r, zi, major, FQ_ZZ_HANDLED, col, id);
	if (x->n[FQ_FIG_RESOLVED])
		zz_count(r, zi, major, FQ_ZZ_SUCCESS, col, id);
	if (yx->n[FQ_FIG_SCREENED] || yx->n[FQ_FIG_NEW])
		zz_count(r, zi, major, FQ_ZZ_SCREENED, FQ_ZZ_YTD, id);
	if (yx->n[FQ_FIG_RESOLVED] || mediation_act(c, r->yfrom, r->to))
		zz_count(r, zi, major, FQ_ZZ_HANDLED, FQ_ZZ_YTD, id);
	if (yx->n[FQ_FIG_RESOLVED])
		zz_count(r, zi, major, FQ_ZZ_SUCCESS, FQ_ZZ_YTD, id);
}

size_t
fq_report_nzz(const fq_report *r)
{
	return r->nzz;
}

long
fq_report_zz(const fq_report *r, size_t i, int m, int col)
{
	if (i > r->nzz + 1 || m < 0 || m >= FQ_NZZ || col < 0 ||
	    col >= FQ_NZZCOL)
		return 0;
	return r->zz[(i * FQ_NZZ + (size_t)m) * FQ_NZZCOL + (size_t)col];
}

bool
fq_report_counted(const fq_report *r, const struct fq_node *c)
{
	const char *oc = fq_map_str(c, "outcome");
	size_t k = outcome_index(r, oc);
	const char *v;

	if (fq_map_str(c, "merged_into"))
		return false;
	if (k < r->nout && (v = fq_enum_extra(&r->outs->v[k], "counted")) &&
	    !strcmp(v, "false"))
		return false;
	return !(oc && !strcmp(oc, "duplicate"));
}

int
fq_report_add(fq_report *r, const struct fq_node *c, const char *unit,
	const struct fq_node *config, const fq_calendar *cal,
	struct fq_error *err)
{
	struct timeline t = { NULL, 0, 0, false };
	struct contrib x, yx;
	struct fq_report_group *g;
	const char *id = fq_map_str(c, "id");
	size_t i, ci;

	if (!id)
		return fq_error_set(err, FQ_EINVALID, "a case without an id");
	if (!fq_report_counted(r, c))
		return FQ_OK;
	r->added = true;
	id = pool_id(r, id);
	build_timeline(&t, c);
	ci = category_index(r, fq_map_str(c, "category"));
	if (!unit || !*unit)
		unit = "镇级直办";

	count_period(r, c, &t, r->from, r->to, true, false, config, cal, &x);
	if (x.n[FQ_FIG_CARRIED_OUT] != x.n[FQ_FIG_OPEN_END])
		fq_idlist_add(&r->mismatch, id);
	apply(&r->total, &x, id, r->nout);
	if (ci < r->ncat)
		apply(&r->cat[ci].f, &x, id, r->nout);
	g = unit_group(r, unit);
	apply(&g->f, &x, id, r->nout);
	/* 年度累计 */
	count_period(r, c, &t, r->yfrom, r->to, false, false, config, cal,
		&yx);
	apply(&r->ytd, &yx, id, r->nout);
	apply(&g->ytd, &yx, id, r->nout);
	zz_add(r, c, ci, id, &x, &yx);
	fq_report_key_add(r, c, &t, x.n[FQ_FIG_CARRIED_IN] || x.entered,
		x.n[FQ_FIG_OPEN_END], config, cal);
	fq_report_refs_add(r, c);

	for (i = 0; i < FQ_TREND; i++) {
		struct contrib y;

		if (i == FQ_TREND - 1) {
			r->trend[i].n_new += x.n[FQ_FIG_NEW];
			r->trend[i].n_resolved += x.n[FQ_FIG_RESOLVED];
			continue;
		}
		/* a month with no state change of this case adds nothing
		 * to the trend */
		if (i != FQ_TREND - 2 && !tl_touches(&t, r->trend[i].from,
		    r->trend[i].to))
			continue;
		count_period(r, c, &t, r->trend[i].from, r->trend[i].to,
			false, i != FQ_TREND - 2, config, cal, &y);
		r->trend[i].n_new += y.n[FQ_FIG_NEW];
		r->trend[i].n_resolved += y.n[FQ_FIG_RESOLVED];
		if (i == FQ_TREND - 2) {
			apply(&r->prev, &y, id, r->nout);
			if (ci < r->ncat)
				apply(&r->pcat[ci].f, &y, id, r->nout);
		}
	}
	free(t.v);
	return FQ_OK;
}

void
fq_report_add_unit(fq_report *r, const char *unit)
{
	unit_group(r, unit)->fixed = true;
}

void
fq_report_add_unreadable(fq_report *r, const char *relpath)
{
	(void)relpath;
	r->unreadable++;
}

/* --- counting in parts: a report's cases split over threads, or the
 * townships of a county read in parallel --- */

int
fq_report_fork(fq_report **out, const fq_report *r, struct fq_error *err)
{
	if (fq_report_new(out, r->schema, r->month, err))
		return -1;
	if (fq_report_set_options(*out, &r->opt, err)) {
		fq_report_free(*out);
		*out = NULL;
		return -1;
	}
	(*out)->county = r->county;
	return FQ_OK;
}

/* src after dst, as fq_idlist_add would have them: only src's first id
 * can be dst's last (src's own neighbours already differ). */
static void
idlist_merge(struct fq_idlist *dst, const struct fq_idlist *src)
{
	size_t from = 0;

	if (!src->n)
		return;
	if (dst->n && (dst->v[dst->n - 1] == src->v[0] ||
	    !strcmp(dst->v[dst->n - 1], src->v[0])))
		from = 1;
	FQ_ALLOC_GROW(dst->v, dst->n + src->n - from, dst->alloc);
	memcpy(dst->v + dst->n, src->v + from,
		(src->n - from) * sizeof(*src->v));
	dst->n += src->n - from;
}

static void
figs_merge(struct fq_figs *dst, const struct fq_figs *src, size_t nout)
{
	size_t i;

	for (i = 0; i < FQ_NFIG; i++) {
		dst->n[i] += src->n[i];
		if (dst->keep_ids)
			idlist_merge(&dst->ids[i], &src->ids[i]);
	}
	dst->amount_fen += src->amount_fen;
	for (i = 0; i < 4; i++)
		dst->people[i] += src->people[i];
	for (i = 0; i <= nout; i++) {
		dst->outcomes[i] += src->outcomes[i];
		if (dst->keep_ids)
			idlist_merge(&dst->outcome_ids[i],
				&src->outcome_ids[i]);
	}
}

void
fq_report_merge(fq_report *dst, fq_report *src)
{
	size_t i, j;

	dst->added = dst->added || src->added;
	figs_merge(&dst->total, &src->total, dst->nout);
	figs_merge(&dst->prev, &src->prev, dst->nout);
	figs_merge(&dst->ytd, &src->ytd, dst->nout);
	for (i = 0; i < dst->ncat; i++) {
		figs_merge(&dst->cat[i].f, &src->cat[i].f, dst->nout);
		figs_merge(&dst->pcat[i].f, &src->pcat[i].f, dst->nout);
	}
	/* in order of first appearance, as one report would have them */
	for (i = 0; i < src->nunit; i++) {
		struct fq_report_group *g = unit_group(dst, src->unit[i].key);

		g->fixed = g->fixed || src->unit[i].fixed;
		figs_merge(&g->f, &src->unit[i].f, dst->nout);
		figs_merge(&g->ytd, &src->unit[i].ytd, dst->nout);
	}
	for (i = 0; i < (dst->nzz + 2) * FQ_NZZ * FQ_NZZCOL; i++)
		dst->zz[i] += src->zz[i];
	for (i = 0; i < FQ_NZZ; i++)
		for (j = 0; j < FQ_NZZCOL; j++)
			idlist_merge(&dst->zzids[i][j], &src->zzids[i][j]);
	for (i = 0; i < FQ_TREND; i++) {
		dst->trend[i].n_new += src->trend[i].n_new;
		dst->trend[i].n_resolved += src->trend[i].n_resolved;
	}
	for (i = 0; i < FQ_REF_ROWS; i++)
		for (j = 0; j < FQ_NREF; j++)
			dst->refs[i][j] += src->refs[i][j];
	idlist_merge(&dst->mismatch, &src->mismatch);
	dst->unreadable += src->unreadable;
	/* the key cases and the ids move: src's lists point into its pool */
	for (i = 0; i < src->nkey; i++) {
		FQ_ALLOC_GROW(dst->key, dst->nkey + 1, dst->key_alloc);
		dst->key[dst->nkey++] = src->key[i];
	}
	src->nkey = 0;
	for (i = 0; i < src->nidpool; i++) {
		FQ_ALLOC_GROW(dst->idpool, dst->nidpool + 1, dst->aidpool);
		dst->idpool[dst->nidpool++] = src->idpool[i];
	}
	src->nidpool = 0;
}

/* --- due date as of a day --- */

/*
 * The case as it stood on a day, of what the deadlines look at
 * (deadline.h), built for fq_case_update_due: a map whose keys are
 * static and whose values are c's own nodes where they are the same, so
 * that building and dropping it allocates little.
 */
enum { DV_MAX = 16 };

struct dueview {
	struct fq_node d;
	bool owned[DV_MAX];	/* the value is ours to free */
	size_t mine;		/* entries set here; update_due adds after */
	struct fq_node *visits;	/* ours, its items borrowed */
	struct fq_node *events;	/* the same */
};

static struct fq_node due_keys[] = {
	{ .kind = FQ_NODE_SCALAR, .str = "id" },
	{ .kind = FQ_NODE_SCALAR, .str = "risk_color" },
	{ .kind = FQ_NODE_SCALAR, .str = "plan" },
	{ .kind = FQ_NODE_SCALAR, .str = "reported_on" },
	{ .kind = FQ_NODE_SCALAR, .str = "accepted_on" },
	{ .kind = FQ_NODE_SCALAR, .str = "extended_until" },
	{ .kind = FQ_NODE_SCALAR, .str = "extensions" },
	{ .kind = FQ_NODE_SCALAR, .str = "agreement" },
	{ .kind = FQ_NODE_SCALAR, .str = "visits" },
	{ .kind = FQ_NODE_SCALAR, .str = "referrals" },
	{ .kind = FQ_NODE_SCALAR, .str = "created_at" },
	{ .kind = FQ_NODE_SCALAR, .str = "complexity" },
	{ .kind = FQ_NODE_SCALAR, .str = "events" },
	{ .kind = FQ_NODE_SCALAR, .str = "status" },
};
enum { DK_EXTENDED = 5, DK_EXTENSIONS, DK_AGREEMENT, DK_VISITS,
	DK_REFERRALS, DK_CREATED, DK_COMPLEXITY, DK_EVENTS, DK_STATUS, DK_N };

static void
dv_put(struct dueview *v, struct fq_node *key, const struct fq_node *val,
	bool owned)
{
	v->d.keys[v->d.len] = key;
	v->d.vals[v->d.len] = (struct fq_node *)(uintptr_t)val;
	v->owned[v->d.len++] = owned;
	v->mine = v->d.len;
}

static void
dv_release(struct dueview *v)
{
	size_t i;

	for (i = 0; i < v->d.len; i++) {
		if (i >= v->mine) {
			fq_node_free(v->d.keys[i]);
			fq_node_free(v->d.vals[i]);
		} else if (v->d.vals[i] == v->visits ||
		    v->d.vals[i] == v->events) {
			v->d.vals[i]->len = 0;
			fq_node_free(v->d.vals[i]);
		} else if (v->owned[i]) {
			fq_node_free(v->d.vals[i]);
		}
	}
	free(v->d.keys);
	free(v->d.vals);
}

/* vals[i]: fq_map_get(c, due_keys[i].str) for i < DK_EVENTS, in one
 * pass over c's keys. */
static void
due_values(const struct fq_node *vals[DK_EVENTS], const struct fq_node *c)
{
	size_t i, j;

	for (j = 0; j < DK_EVENTS; j++)
		vals[j] = NULL;
	if (!c || c->kind != FQ_NODE_MAP)
		return;
	for (i = 0; i < c->len; i++) {
		const char *k = c->keys[i]->str;

		for (j = 0; j < DK_EVENTS; j++)
			if (k[0] == due_keys[j].str[0] && !vals[j] &&
			    !strcmp(k, due_keys[j].str)) {
				vals[j] = c->vals[i];
				break;
			}
	}
}

void
fq_report_due_as_of(char out[FQ_DATE_SIZE], const struct fq_node *c,
	const char *state, const char *end, const struct fq_node *config,
	const fq_calendar *cal)
{
	struct dueview dv;
	const struct fq_node *v, *exts = fq_map_get(c, "extensions");
	const struct fq_node *vals[DK_EVENTS];
	const char *ext = NULL, *s, *color = fq_map_str(c, "risk_color");
	struct fq_node *keep;
	size_t i, j;

	out[0] = '\0';
	memset(&dv, 0, sizeof(dv));
	dv.d.kind = FQ_NODE_MAP;
	dv.d.alloc = DV_MAX;
	dv.d.keys = fq_xcalloc(DV_MAX, sizeof(*dv.d.keys));
	dv.d.vals = fq_xcalloc(DV_MAX, sizeof(*dv.d.vals));
	/* extensions granted by then */
	if (exts && exts->kind == FQ_NODE_SEQ)
		for (i = 0; i < exts->len; i++) {
			const char *on = fq_map_str(exts->vals[i], "on");

			if (on && strncmp(on, end, 10) <= 0)
				ext = fq_map_str(exts->vals[i], "until");
		}
	due_values(vals, c);
	for (i = 0; i < DK_EVENTS; i++) {
		if (!(v = vals[i]))
			continue;
		if (i == DK_EXTENDED && exts && exts->kind == FQ_NODE_SEQ) {
			continue;	/* below */
		} else if (i == DK_AGREEMENT) {
			/* the agreement only once it took effect */
			s = fq_map_str(v, "effective_on");
			if (!s || strncmp(s, end, 10) <= 0)
				dv_put(&dv, &due_keys[i], v, false);
		} else if (i == DK_VISITS && v->kind == FQ_NODE_SEQ) {
			/* visits made by then */
			dv.visits = fq_node_new(FQ_NODE_SEQ);
			for (j = 0; j < v->len; j++) {
				const char *on = fq_map_str(v->vals[j], "on");

				if (on && strncmp(on, end, 10) <= 0)
					fq_seq_push(dv.visits,
					    (struct fq_node *)(uintptr_t)v->vals[j]);
			}
			dv_put(&dv, &due_keys[i], dv.visits, false);
		} else if (i == DK_REFERRALS && v->kind == FQ_NODE_SEQ) {
			/* referrals as they stood then */
			keep = fq_node_new(FQ_NODE_SEQ);
			for (j = 0; j < v->len; j++) {
				struct fq_node *ref = v->vals[j];
				const char *sent = fq_map_str(ref, "sent_on");
				const char *rec = fq_map_str(ref, "received_on");
				const char *ret = fq_map_str(ref, "returned_on");
				const char *st;

				if (ret && strncmp(ret, end, 10) <= 0)
					st = "returned";
				else if (rec && strncmp(rec, end, 10) <= 0)
					st = "received";
				else if (sent && strncmp(sent, end, 10) <= 0)
					st = "sent";
				else
					continue;
				ref = fq_node_dup(ref);
				fq_map_set_str(ref, "state", st);
				fq_seq_push(keep, ref);
			}
			dv_put(&dv, &due_keys[i], keep, true);
		} else {
			dv_put(&dv, &due_keys[i], v, false);
		}
	}
	/* the events for R7 (the plan, the report up): those made by then */
	if (color && (!strcmp(color, "red") || (strcmp(color, "blue") &&
	    !fq_map_str(c, "plan"))) && (v = fq_map_get(c, "events")) &&
	    v->kind == FQ_NODE_SEQ) {
		dv.events = fq_node_new(FQ_NODE_SEQ);
		for (j = 0; j < v->len; j++) {
			const char *on = fq_map_str(v->vals[j],
				"effective_on");

			if (!on)
				on = fq_map_str(v->vals[j], "at");
			if (!on || strncmp(on, end, 10) <= 0)
				fq_seq_push(dv.events,
				    (struct fq_node *)(uintptr_t)v->vals[j]);
		}
		dv_put(&dv, &due_keys[DK_EVENTS], dv.events, false);
	}
	dv_put(&dv, &due_keys[DK_STATUS], fq_node_text(state), true);
	if (ext)
		dv_put(&dv, &due_keys[DK_EXTENDED], fq_node_text(ext), true);
	if (fq_case_update_due(&dv.d, cal, config, NULL) == FQ_OK &&
	    (s = fq_map_str(&dv.d, "due_on")))
		snprintf(out, FQ_DATE_SIZE, "%s", s);
	dv_release(&dv);
}

/* --- finishing --- */

static int
cmp_units(const void *a, const void *b)
{
	const struct fq_report_group *x = a, *y = b;
	bool dx = !strcmp(x->key, "镇级直办"), dy = !strcmp(y->key, "镇级直办");

	if (dx != dy)
		return dx ? 1 : -1;
	return strcmp(x->key, y->key);
}

static int
cmp_strs(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
fq_report_finish(fq_report *r, struct fq_error *err)
{
	struct fq_buf b = FQ_BUF_INIT;
	size_t i, j;
	int ret;

	/* a village row with nothing in it would depend on which files
	 * the pre-filter skipped: drop it (townships of a roll-up stay) */
	for (i = 0, j = 0; i < r->nunit; i++) {
		size_t k;
		bool any = r->unit[i].fixed;

		for (k = 0; k < FQ_NFIG && !any; k++)
			any = r->unit[i].f.n[k] != 0 || (r->opt.ytd &&
				r->unit[i].ytd.n[k] != 0);
		if (any) {
			r->unit[j++] = r->unit[i];
		} else {
			free(r->unit[i].key);
			figs_release(&r->unit[i].f, r->nout);
			figs_release(&r->unit[i].ytd, r->nout);
		}
	}
	r->nunit = j;
	if (r->nunit)
		qsort(r->unit, r->nunit, sizeof(*r->unit), cmp_units);
	r->last_unit = (size_t)-1;
	fq_report_key_sort(r);
	r->finished = true;
	if (!r->mismatch.n)
		return FQ_OK;
	qsort(r->mismatch.v, r->mismatch.n, sizeof(char *), cmp_strs);
	for (i = 0; i < r->mismatch.n && i < 20; i++)
		fq_buf_addf(&b, "%s%s", i ? ", " : "", r->mismatch.v[i]);
	if (r->mismatch.n > 20)
		fq_buf_addf(&b, " and %zu more", r->mismatch.n - 20);
	ret = fq_error_set(err, FQ_ERROR, "carried_in + new + reopened - "
		"closed differs from the open cases at %s for %zu case(s) "
		"(state changes dated out of order?): %s", r->to,
		r->mismatch.n, b.buf);
	fq_buf_release(&b);
	return ret;
}

const struct fq_figs *
fq_report_total(const fq_report *r)
{
	return &r->total;
}

const struct fq_figs *
fq_report_ytd(const fq_report *r)
{
	return &r->ytd;
}

const char *
fq_report_ytd_from(const fq_report *r)
{
	return r->yfrom;
}

const struct fq_figs *
fq_report_previous(const fq_report *r)
{
	return &r->prev;
}

size_t
fq_report_ncategories(const fq_report *r)
{
	return r->ncat;
}

const struct fq_report_group *
fq_report_category(const fq_report *r, size_t i)
{
	return i < r->ncat ? &r->cat[i] : NULL;
}

size_t
fq_report_nunits(const fq_report *r)
{
	return r->nunit;
}

const struct fq_report_group *
fq_report_unit(const fq_report *r, size_t i)
{
	return i < r->nunit ? &r->unit[i] : NULL;
}

const struct fq_idlist *
fq_report_mismatches(const fq_report *r)
{
	return &r->mismatch;
}

size_t
fq_report_unreadable(const fq_report *r)
{
	return r->unreadable;
}

bool
fq_report_is_zero(const fq_report *r)
{
	return !r->total.n[FQ_FIG_NEW] && !r->total.n[FQ_FIG_SCREENED];
}

void
fq_report_trend(const fq_report *r, size_t i, char month[8], long *new_,
	long *resolved)
{
	if (i >= FQ_TREND)
		i = FQ_TREND - 1;
	memcpy(month, r->trend[i].month, 8);
	*new_ = r->trend[i].n_new;
	*resolved = r->trend[i].n_resolved;
}

/* --- table 3: 重点矛盾纠纷台账 --- */

/* Append text with the names of the persons among the parties masked to
 * surname + 某某 and phone and ID numbers masked. */
static void
mask_names(struct fq_buf *out, const char *text, const struct fq_node *c)
{
	const struct fq_node *ps = fq_map_get(c, "parties");
	const char *names[32];
	struct fq_buf tmp = FQ_BUF_INIT;
	size_t n = 0, i, j;
	const char *p;

	for (i = 0; ps && ps->kind == FQ_NODE_SEQ && i < ps->len && n < 32;
	    i++) {
		const char *kind = fq_map_str(ps->vals[i], "kind");
		const char *name = fq_map_str(ps->vals[i], "name");

		if (name && *name && (!kind || !strcmp(kind, "person")))
			names[n++] = name;
	}
	/* longest first, so 张某某 is not read as 张某 + 某 */
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && strlen(names[j]) > strlen(names[j - 1]);
		    j--) {
			const char *s = names[j];

			names[j] = names[j - 1];
			names[j - 1] = s;
		}
	for (p = text ? text : ""; *p;) {
		for (i = 0; i < n; i++)
			if (!strncmp(p, names[i], strlen(names[i])))
				break;
		if (i < n) {
			size_t k = 1;

			while (names[i][k] && ((unsigned char)names[i][k] &
			    0xC0) == 0x80)
				k++;
			fq_buf_add(&tmp, names[i], k);
			fq_buf_adds(&tmp, "某某");
			p += strlen(names[i]);
		} else {
			/* one line per cell in every format */
			fq_buf_addch(&tmp, *p == '\n' || *p == '\r' ||
				*p == '\t' ? ' ' : *p);
			p++;
		}
	}
	fq_mask_text(out, tmp.buf);
	fq_buf_release(&tmp);
}

static char *
dup_or(const char *s, const char *def)
{
	return fq_xstrdup(s && *s ? s : def);
}

void
fq_report_key_add(fq_report *r, const struct fq_node *c,
	const struct timeline *t, bool open_in_p, bool open_end,
	const struct fq_node *config, const fq_calendar *cal)
{
	const char *color = fq_map_str(c, "risk_color");
	const struct fq_node *ev = fq_map_get(c, "events");
	const struct fq_node *last = NULL;
	struct fq_report_key_case *k;
	struct fq_buf b = FQ_BUF_INIT;
	char d[FQ_DATE_SIZE];
	const char *st;
	size_t i;

	if (!open_in_p || !color || (strcmp(color, "red") &&
	    strcmp(color, "yellow")))
		return;
	FQ_ALLOC_GROW(r->key, r->nkey + 1, r->key_alloc);
	k = &r->key[r->nkey++];
	memset(k, 0, sizeof(*k));
	k->id = fq_xstrdup(fq_map_str(c, "id"));
	k->category = fq_xstrdup(fq_schema_label(r->schema, "categories",
		fq_map_str(c, "category") ? fq_map_str(c, "category") :
		"other"));
	mask_names(&b, fq_map_str(c, "summary"), c);
	k->summary = fq_buf_detach(&b, NULL);
	k->color = fq_xstrdup(color);
	k->people = dup_or(fq_map_str(c, "people_involved"), "");
	k->lead = dup_or(fq_map_str(c, "lead_official"), "");
	k->unit = dup_or(fq_map_str(c, "responsible_unit"), "");
	mask_names(&b, fq_map_str(c, "plan"), c);
	k->plan = fq_buf_detach(&b, NULL);
	st = fq_report_state_at(t, r->to, NULL, d);
	if (open_end) {
		fq_report_due_as_of(d, c, st, r->to, config, cal);
		k->due = dup_or(d, "");
		k->closed_on = fq_xstrdup("");
	} else {
		k->due = fq_xstrdup("");
		k->closed = is_closed(st);
		k->closed_on = fq_xstrdup(k->closed ? d : "");
	}
	for (i = 0; ev && ev->kind == FQ_NODE_SEQ && i < ev->len; i++) {
		const char *on = fq_map_str(ev->vals[i], "effective_on");

		if (!on)
			on = fq_map_str(ev->vals[i], "at");
		if (in_range(on, r->from, r->to))
			last = ev->vals[i];
	}
	if (last) {
		const char *kind = fq_map_str(last, "kind");
		const char *note = fq_map_str(last, "note");
		const char *on = fq_map_str(last, "effective_on");

		if (!on)
			on = fq_map_str(last, "at");
		fq_buf_addf(&b, "%.5s %s", on + 5, kind ? fq_schema_label(
			r->schema, "event_kinds", kind) : "");
		if (note && *note) {
			fq_buf_adds(&b, "：");
			mask_names(&b, note, c);
		}
	} else {
		fq_buf_adds(&b, "本月无新进展");
	}
	k->progress = fq_buf_detach(&b, NULL);
}

static int
cmp_key(const void *a, const void *b)
{
	const struct fq_report_key_case *x = a, *y = b;
	bool rx = !strcmp(x->color, "red"), ry = !strcmp(y->color, "red");

	if (rx != ry)
		return rx ? -1 : 1;
	return strcmp(x->id, y->id);
}

void
fq_report_key_sort(fq_report *r)
{
	if (r->nkey)
		qsort(r->key, r->nkey, sizeof(*r->key), cmp_key);
}

/* --- table 4: 对接情况 --- */

static size_t
ref_row(const char *kind, const char *channel)
{
	static const char *const ch[] = {
		"litigation", "police", "petition", "arbitration",
		"procuratorate", "administrative"
	};
	size_t i;

	if (kind && !strcmp(kind, "assign"))
		return 6;
	if (kind && !strcmp(kind, "escalate"))
		return 7;
	for (i = 0; channel && i < FQ_ARRAY_SIZE(ch); i++)
		if (!strcmp(channel, ch[i]))
			return i;
	return 8;
}

void
fq_report_refs_add(fq_report *r, const struct fq_node *c)
{
	const struct fq_node *refs = fq_map_get(c, "referrals");
	size_t i;

	for (i = 0; refs && refs->kind == FQ_NODE_SEQ && i < refs->len; i++) {
		const struct fq_node *x = refs->vals[i];
		const char *dir = fq_map_str(x, "direction");
		const char *rec = fq_map_str(x, "received_on");
		const char *ret = fq_map_str(x, "returned_on");
		const char *res = fq_map_str(x, "result");
		long *row = r->refs[ref_row(fq_map_str(x, "kind"),
			fq_map_str(x, "channel"))];

		if (dir && !strcmp(dir, "inbound")) {
			const char *due = fq_map_str(x, "extended_until");

			if (!due)
				due = fq_map_str(x, "due_result");
			if (in_range(rec, r->from, r->to))
				row[FQ_REF_IN_RECEIVED]++;
			if (in_range(ret, r->from, r->to))
				row[FQ_REF_IN_RETURNED]++;
			if (rec && strncmp(rec, r->to, 10) <= 0 &&
			    (!ret || strncmp(ret, r->to, 10) > 0) && due &&
			    strncmp(due, r->to, 10) < 0)
				row[FQ_REF_IN_OVERDUE]++;
		} else {
			if (in_range(fq_map_str(x, "sent_on"), r->from, r->to))
				row[FQ_REF_OUT_SENT]++;
			if (in_range(rec, r->from, r->to))
				row[FQ_REF_OUT_RECEIVED]++;
			if (in_range(ret, r->from, r->to)) {
				row[FQ_REF_OUT_RETURNED]++;
				if (res && !strcmp(res, "resolved"))
					row[FQ_REF_OUT_RESOLVED]++;
			}
		}
	}
}
