/*
 * report_impl.h: the inside of a report, shared by report.c (counting)
 * and report_out.c (tables and formats).
 */
#ifndef FQ_REPORT_IMPL_H
#define FQ_REPORT_IMPL_H

#include "fq/report.h"

#define FQ_TREND 12

struct fq_report_month {
	char month[8];
	char from[FQ_DATE_SIZE], to[FQ_DATE_SIZE];
	long n_new, n_resolved;
};

struct fq_report {
	const fq_schema *schema;
	const struct fq_enum *cats, *outs;
	size_t nout, ncat;
	char month[8];
	char from[FQ_DATE_SIZE], to[FQ_DATE_SIZE];	/* the period */
	char pfrom[FQ_DATE_SIZE], pto[FQ_DATE_SIZE];	/* the month before */
	char horizon[FQ_DATE_SIZE];	/* nothing before it matters */
	char yfrom[FQ_DATE_SIZE];	/* start of the year (年度累计) */
	int y, m;
	bool county, finished, added;
	struct fq_report_options opt;

	struct fq_figs ytd;
	/* table 5: zz[(i * FQ_NZZ + measure) * FQ_NZZCOL + col], i <=
	 * nzz + 1 (nzz: 总况, nzz + 1: 重大矛盾纠纷); cat_zz[category
	 * index] = 综治 index */
	const struct fq_enum *zzs;
	size_t nzz;
	size_t *cat_zz;
	long *zz;
	struct fq_idlist zzids[FQ_NZZ][FQ_NZZCOL];

	struct fq_figs total, prev;
	struct fq_report_group *cat, *pcat;	/* ncat each */
	struct fq_report_group *unit;
	size_t nunit, unit_alloc, last_unit;
	struct fq_report_month trend[FQ_TREND];

	struct fq_report_key_case *key;
	size_t nkey, key_alloc;
	long refs[FQ_REF_ROWS][FQ_NREF];

	struct fq_idlist mismatch;
	char **idpool;		/* the ids in the lists, one copy a case */
	size_t nidpool, aidpool;
	size_t unreadable;
	struct fq_report_header hdr;

	/* built on demand by report_out.c */
	struct fq_report_table *tables;
	size_t ntables;
	char **narr_head, **narr_text;
	size_t nnarr;
};

void fq_idlist_add(struct fq_idlist *l, const char *id);
bool fq_report_counted(const fq_report *r, const struct fq_node *c);

struct timeline;
void fq_report_key_add(fq_report *r, const struct fq_node *c,
	const struct timeline *t, bool open_in_p, bool open_end,
	const struct fq_node *config, const fq_calendar *cal);
void fq_report_key_sort(fq_report *r);
void fq_report_refs_add(fq_report *r, const struct fq_node *c);
void fq_report_tables_release(fq_report *r);

/* Due date as of the end of `end` ("" if none). */
void fq_report_due_as_of(char out[FQ_DATE_SIZE], const struct fq_node *c,
	const char *state, const char *end, const struct fq_node *config,
	const fq_calendar *cal);
/* State at the end of day d, from the timeline. */
const char *fq_report_state_at(const struct timeline *t, const char *d,
	const char **outcome, char closed_on[FQ_DATE_SIZE]);

#endif
