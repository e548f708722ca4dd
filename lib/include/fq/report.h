/*
 * report.h: the monthly 台账 report (DOMAIN.md §3.9).
 *
 * Counting.  A report covers a period [from, to] (a calendar month for
 * `fq report`).  Cases are added one at a time with fq_report_add(); each
 * case's states are replayed from its event log, so a figure depends only
 * on the dates recorded in the file, never on the case's current status:
 * re-running an old month after later changes gives the same numbers.
 *
 * The timeline of a case is the list of its events that carry state_to,
 * in log order, each effective on its effective_on (else the date of
 * `at`).  Files written by other tools sometimes lack some of those
 * events; then the timeline is completed from the case's own dates: an
 * intake at accepted_on (or reported_on) when no event has a state, and a
 * closing on closed_on with the case's outcome when the case is closed
 * but its log never says so.
 *
 * "Open" (在办) means accepted, mediating, agreed or referred_out at the
 * end of a day.  Over the period, with start-1 the day before from:
 *
 *	carried_in	open at the end of start-1
 *	new		entered an open state in P for the first time
 *			(accepted_on in P; a screened case referred out
 *			before acceptance enters here too)
 *	reopened	entered an open state in P from closed/archived
 *	closed		left the open states in P (once per exit), split
 *			by the outcome of the closing event
 *	carried_out	carried_in + new + reopened - closed
 *	open_end	open at the end of `to`, counted directly
 *
 * carried_out must equal open_end for every case; fq_report_finish()
 * fails with the IDs of the cases where it does not (their logs have
 * state changes whose dates go backwards).  A screened case rejected
 * before acceptance was never open: it is in `screened`, not `closed`.
 * Cases whose outcome is `duplicate` (or whose outcome has `counted:
 * false` in schemas/enums/outcomes.yaml) are left out of every figure.
 *
 * Every figure keeps the IDs of the cases behind it (for the JSON
 * sidecar).  Rendering (text, csv, md, html, json) goes into a buffer;
 * the library never writes files.
 */
#ifndef FQ_REPORT_H
#define FQ_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include "fq/buf.h"
#include "fq/date.h"
#include "fq/error.h"
#include "fq/node.h"
#include "fq/schema.h"

enum fq_fig {
	FQ_FIG_CARRIED_IN,
	FQ_FIG_SCREENED,
	FQ_FIG_NEW,
	FQ_FIG_NEW_PROACTIVE,	/* source proactive, screening, grid_report */
	FQ_FIG_NEW_APPLICATION,	/* source application */
	FQ_FIG_NEW_REFERRED,	/* any other source: 委托移送/交办 */
	FQ_FIG_CLOSED,
	FQ_FIG_MEDIATED_WRITTEN,
	FQ_FIG_MEDIATED_ORAL,
	FQ_FIG_MEDIATED_OK,
	FQ_FIG_MEDIATED_FAIL,
	FQ_FIG_ENDED,		/* withdrawn, refused, rejected */
	FQ_FIG_CLOSED_REFERRED,	/* referred_* */
	FQ_FIG_RESOLVED,
	FQ_FIG_REOPENED,
	FQ_FIG_CARRIED_OUT,
	FQ_FIG_OPEN_END,
	FQ_FIG_OVERDUE_OPEN,
	FQ_FIG_AGREEMENTS,
	FQ_FIG_PERFORMED,
	FQ_FIG_CONFIRMED,
	FQ_FIG_CONFIRM_APPLIED,
	FQ_FIG_VISITS,		/* visits (times), IDs of the cases */
	FQ_FIG_VISIT_DUE,	/* agreements whose R6 visit fell due in P */
	FQ_FIG_VISITED,		/* ... of which visited by the end of P */
	FQ_FIG_PREV_CRIME,	/* cases closed in P with the flag */
	FQ_FIG_PREV_MASS_PETITION,
	FQ_FIG_PREV_MASS_FIGHT,
	FQ_FIG_PREV_SUICIDE,
	FQ_NFIG
};

/* JSON name, Chinese label and definition of each figure. */
struct fq_fig_def {
	const char *name, *label, *definition;
};
extern const struct fq_fig_def fq_fig_defs[FQ_NFIG];

struct fq_idlist {
	char **v;
	size_t n, alloc;
};

/* The figures of one group of cases (all, a category, a unit). */
struct fq_figs {
	long n[FQ_NFIG];
	long long amount_fen;		/* agreement amounts, in fen */
	long people[4];			/* prevention: people, per flag */
	long *outcomes;			/* closed in P, per outcome (schema order) */
	struct fq_idlist ids[FQ_NFIG];
	struct fq_idlist *outcome_ids;
	bool keep_ids;
};

enum fq_rate {
	FQ_RATE_SUCCESS,	/* 调解成功率 */
	FQ_RATE_SUCCESS_INTAKE,	/* 调解成功率（受理口径） */
	FQ_RATE_RESOLUTION,	/* 化解率 */
	FQ_RATE_COMPLETION,	/* 办结率 */
	FQ_RATE_VISIT,		/* 回访率 */
	FQ_RATE_OVERDUE,	/* 超期率 */
	FQ_NRATE
};

struct fq_rate_def {
	const char *name, *label, *definition;
};
extern const struct fq_rate_def fq_rate_defs[FQ_NRATE];

/* Numerator and denominator of a rate. */
void fq_rate_terms(const struct fq_figs *f, enum fq_rate r, long *num,
	long *den);
/* A rate as shown: "96.9%" (one decimal, rounded half up), or "—" when
 * the denominator is 0. */
void fq_rate_text(struct fq_buf *out, const struct fq_figs *f,
	enum fq_rate r);
/* The same for any num / den. */
void fq_percent_text(struct fq_buf *out, long num, long den);

/* One group: a category code or a unit name with its figures. */
struct fq_report_group {
	char *key;
	struct fq_figs f;
	struct fq_figs ytd;	/* 年度累计 (units only; zero for categories) */
	bool fixed;		/* shown even when all zero */
};

/* A row of table 3 (重点矛盾纠纷台账). */
struct fq_report_key_case {
	char *id, *category, *summary, *color, *people, *lead, *unit, *plan,
		*due, *progress, *closed_on;
	bool closed;
};

/* Table 4 (对接情况): counts per channel row. */
enum {
	FQ_REF_IN_RECEIVED, FQ_REF_IN_RETURNED, FQ_REF_IN_OVERDUE,
	FQ_REF_OUT_SENT, FQ_REF_OUT_RECEIVED, FQ_REF_OUT_RETURNED,
	FQ_REF_OUT_RESOLVED, FQ_NREF
};
#define FQ_REF_ROWS 9
extern const char *const fq_ref_row_labels[FQ_REF_ROWS];

/* Header fields (§3.9.4); strings are copied. */
struct fq_report_header {
	const char *town;	/* 镇: title; "" for a county roll-up */
	const char *unit;	/* 填报单位 */
	const char *preparer;	/* 填报人 */
	const char *reviewer;	/* 审核人 */
	const char *date;	/* 填报日期 (FQ_TODAY) */
};

typedef struct fq_report fq_report;

/*
 * A report for the month `month` (YYYY-MM).  The previous month and the
 * twelve months ending at `month` are counted on the side (the
 * month-on-month change and the trend chart).
 * @retval FQ_EUSAGE	not a month
 */
int fq_report_new(fq_report **out, const fq_schema *sc, const char *month,
	struct fq_error *err);
void fq_report_free(fq_report *r);

void fq_report_set_header(fq_report *r, const struct fq_report_header *h);
/* Rows of table 1 are townships (county roll-up) rather than villages. */
void fq_report_set_county(fq_report *r, bool county);

/*
 * Settings (fq.yaml `report:`), to be given before the first case.
 *
 *	success_rate	the 调解成功率 of tables 1 and 2: FQ_RATE_SUCCESS
 *			(ok / (ok + fail), the default) or
 *			FQ_RATE_SUCCESS_INTAKE (受理口径: ok / (carried_in +
 *			new)); the narrative and the JSON give both
 *	ytd		the 年度累计 columns of table 1 (default true)
 *	tables		bit k-1 set: table k is rendered (1..5); 0 = all
 *	anchor_day	0: calendar months; 1..28: a month ends on that
 *			day and starts the day after it in the month before
 *			(20: 2024-02-21 .. 2024-03-20 for 2024-03), and so
 *			do the previous month, the trend and the year
 */
struct fq_report_options {
	enum fq_rate success_rate;
	bool ytd;
	unsigned tables;
	int anchor_day;
};
#define FQ_REPORT_OPTIONS_INIT { FQ_RATE_SUCCESS, true, 0, 0 }
/* @retval FQ_EUSAGE	anchor_day out of range, success_rate not one of
 *			the two, or cases were already added */
int fq_report_set_options(fq_report *r, const struct fq_report_options *o,
	struct fq_error *err);
/*
 * Parse the `report:` map of fq.yaml (NULL: the defaults) into o.
 * @retval FQ_EINVALID	a value that is not allowed; the message names it
 */
int fq_report_options_parse(struct fq_report_options *o,
	const struct fq_node *report, struct fq_error *err);

/* Period, as YYYY-MM-DD (borrowed). */
const char *fq_report_from(const fq_report *r);
const char *fq_report_to(const fq_report *r);

/*
 * May a case file with this text be left out without changing any
 * figure?  True when its status is not open and every date written in it
 * is before the first day the report looks at (the start of the trend
 * window, less one day).  A fast pre-filter before parsing.
 */
bool fq_report_can_skip(const fq_report *r, const char *raw, size_t len);

/*
 * What the pre-filter looks at, taken from a file's text once (the index
 * keeps it): the top-level status token and the first and last date
 * DDDD-DD-DD written anywhere ("" when none).
 * fq_report_can_skip(r, raw, len) is fq_report_can_skip_digest(r, d)
 * with d = fq_report_digest(raw, len).
 */
struct fq_report_digest {
	bool has_status;
	char status[16];
	char min[FQ_DATE_SIZE], max[FQ_DATE_SIZE];
};
void fq_report_digest(struct fq_report_digest *d, const char *raw,
	size_t len);
bool fq_report_can_skip_digest(const fq_report *r,
	const struct fq_report_digest *d);

/*
 * Count one case.  unit is its row in table 1: the village, else
 * "镇级直办" (unit NULL), or the township for a county roll-up.  config
 * (fq.yaml) and cal give the deadline profile for overdue and the R6
 * visit; cal may be NULL.
 */
int fq_report_add(fq_report *r, const struct fq_node *c, const char *unit,
	const struct fq_node *config, const fq_calendar *cal,
	struct fq_error *err);

/*
 * Counting split over threads: fq_report_fork() makes an empty report
 * counting as r does (month, options, roll-up); cases may be added to
 * each report of a family from its own thread.  fq_report_merge() then
 * adds what src counted to dst and empties src (free it after), as if
 * src's cases had been added to dst after dst's own: merging the forks
 * in the order of their cases gives the same report, byte for byte, as
 * adding every case to one.  A county report reads its townships in
 * parallel the same way, one fork each, merged in township order.
 */
int fq_report_fork(fq_report **out, const fq_report *r,
	struct fq_error *err);
void fq_report_merge(fq_report *dst, fq_report *src);

/* A row of table 1 that is shown even with nothing in it (a township of
 * a county roll-up).  Other rows appear only when a figure is non-zero. */
void fq_report_add_unit(fq_report *r, const char *unit);

/* Count a case file that could not be read (reported, not fatal). */
void fq_report_add_unreadable(fq_report *r, const char *relpath);

/*
 * Finish counting: sort the groups and check the invariant.
 * @retval FQ_ERROR	carried_in + new + reopened - closed != open at
 *			end; the message names the cases
 */
int fq_report_finish(fq_report *r, struct fq_error *err);

/* Results. */
const struct fq_figs *fq_report_total(const fq_report *r);
const struct fq_figs *fq_report_previous(const fq_report *r);
size_t fq_report_ncategories(const fq_report *r);
const struct fq_report_group *fq_report_category(const fq_report *r,
	size_t i);
size_t fq_report_nunits(const fq_report *r);
const struct fq_report_group *fq_report_unit(const fq_report *r, size_t i);
/* IDs of cases whose carried_out and open_end disagree. */
const struct fq_idlist *fq_report_mismatches(const fq_report *r);
size_t fq_report_unreadable(const fq_report *r);
/* No new and no screened case in the month: 零报告. */
bool fq_report_is_zero(const fq_report *r);

/* 年度累计: the figures from the start of the year (the first period of
 * the year) to the end of the period; carried_in is the carry-over into
 * the year, so FQ_RATE_RESOLUTION of these is resolved_ytd ÷ (carried_in
 * at Jan 1 + new_ytd). */
const struct fq_figs *fq_report_ytd(const fq_report *r);
const char *fq_report_ytd_from(const fq_report *r);

/*
 * Table 5 (综治 矛盾纠纷排查情况表), per 综治 category (the order of
 * schemas/enums/zz_categories.yaml; a case's zz_category, else the entry
 * whose `from` lists its category, else `other`) and level (the case's
 * `level`: village is 村居, township and county 乡镇街道; without a level,
 * a case with a village is 村居), each case counted once per measure:
 *
 *	screened	排查数: screened or new in the period
 *	handled		调处数: at least one mediation act in the period (an
 *			event of kind session, visit_site, contact,
 *			consultation, investigation or agreement_signed,
 *			or a change of state to mediating or agreed), or
 *			resolved in it
 *	success		成功数: resolved in the period
 *
 * 调处率 = handled ÷ screened, 成功率 = success ÷ handled (§3.9.3).  The
 * year-to-date column counts the same over fq_report_ytd_from() .. to.
 */
enum { FQ_ZZ_SCREENED, FQ_ZZ_HANDLED, FQ_ZZ_SUCCESS, FQ_NZZ };
enum { FQ_ZZ_TOWNSHIP, FQ_ZZ_VILLAGE, FQ_ZZ_YTD, FQ_NZZCOL };
extern const struct fq_fig_def fq_zz_defs[FQ_NZZ];
/* Number of 综治 categories (0 when the schema has no zz_categories). */
size_t fq_report_nzz(const fq_report *r);
/* Count of measure m in column col for category i; i == nzz: 总况;
 * i == nzz + 1: 重大矛盾纠纷 (red cases, by their current colour). */
long fq_report_zz(const fq_report *r, size_t i, int m, int col);

/* Trend: new and resolved in each of the 12 months ending at the month. */
void fq_report_trend(const fq_report *r, size_t i, char month[8],
	long *new_, long *resolved);

/*
 * Rendering.  Every format gets the same tables, built once:
 *
 *	0 总体情况	one row per unit, 合计 on top
 *	1 分类统计	the categories of schemas/enums/categories.yaml + 合计
 *	2 重点矛盾纠纷台账	red and yellow cases open at any time in P
 *	3 对接情况	per channel
 *	4 综治排查情况表	table 5, see fq_report_zz()
 *
 * less the tables the options leave out (kind says which table it is).
 */
enum fq_report_format {
	FQ_REPORT_TEXT, FQ_REPORT_CSV, FQ_REPORT_MD, FQ_REPORT_HTML,
	FQ_REPORT_JSON
};

struct fq_report_cell {
	char *text;
	bool number;		/* a count or an amount: a number in XLSX */
};

struct fq_report_table {
	const char *name;	/* sheet name: 总体情况 ... */
	int kind;		/* 1..5: which table of §3.9.4 */
	size_t ncols, nrows;	/* nrows excludes the header */
	char **head;
	struct fq_report_cell *cells;	/* row-major */
};

size_t fq_report_ntables(fq_report *r);
const struct fq_report_table *fq_report_table(fq_report *r, size_t i);

/* Title: {镇}{年}年{月}月矛盾纠纷排查化解情况报告. */
void fq_report_title(const fq_report *r, struct fq_buf *out);
/* The header lines "填报单位：…" etc., one per element, n of them. */
size_t fq_report_header_lines(const fq_report *r, struct fq_buf *out,
	size_t max);
/* The narrative: heading and paragraph pairs. */
size_t fq_report_narrative(fq_report *r, const char ***heads,
	const char ***texts);

/* Append the report in format to out.  bom: a UTF-8 BOM first (CSV). */
int fq_report_render(fq_report *r, enum fq_report_format fmt, bool bom,
	struct fq_buf *out, struct fq_error *err);

#endif
