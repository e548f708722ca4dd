/*
 * query.h: the filters of `fq list` and `fq export` (DESIGN.md §4).
 *
 *	status:CODE[,CODE…]  outcome:  category:  risk:  source:  agency:
 *	mediator:NAME  month:YYYY-MM  accepted:FROM..TO  overdue  stale
 *	mine  text:WORD
 *
 * Values of enumerated keys may be codes, Chinese labels, aliases or
 * pinyin initials; several values separated by ',' match any of them.
 * Filters are ANDed.  `month:` is the month of intake (accepted_on, or
 * reported_on for a case not yet accepted).  `accepted:` takes an
 * inclusive range with either end left out (`2024-03-01..`).  `overdue`
 * is an open case whose due_on is before today, or today with a due_at
 * (an hour deadline) before now.  `stale` is an open red or yellow case
 * whose last event is older than deadlines.stale (R16, fq/deadline.h:
 * the flag `fq due` shows as 红黄案件无进展).  `text:` matches a
 * substring of the case file (case-insensitive for ASCII letters), or,
 * for a word of letters, the pinyin initials of a run of characters in
 * the title or a party's name (`text:wmj` finds 王明军; fq/pinyin.h).
 * `mine` is `mediator:` the clerk (fq_filter_parse_clerk).
 */
#ifndef FQ_QUERY_H
#define FQ_QUERY_H

#include <stdbool.h>
#include "fq/date.h"
#include "fq/error.h"
#include "fq/node.h"
#include "fq/schema.h"

enum fq_filter_kind {
	FQ_F_STATUS, FQ_F_OUTCOME, FQ_F_CATEGORY, FQ_F_RISK, FQ_F_SOURCE,
	FQ_F_AGENCY, FQ_F_MEDIATOR, FQ_F_MONTH, FQ_F_ACCEPTED, FQ_F_OVERDUE,
	FQ_F_TEXT, FQ_F_STALE
};

struct fq_filter {
	enum fq_filter_kind kind;
	char **values;		/* codes, names, or the one word/month */
	size_t nvalues;
	char from[11], to[11];	/* FQ_F_ACCEPTED; "" = open end */
};

/*
 * Parse one filter argument.
 * @retval FQ_EUSAGE	unknown key, unknown code, or a bad date/month
 */
int fq_filter_parse(struct fq_filter *out, const fq_schema *s,
	const char *arg, struct fq_error *err);
/* The same, and `mine`: cases whose mediators include clerk (FQ_EUSAGE
 * when clerk is NULL or empty). */
int fq_filter_parse_clerk(struct fq_filter *out, const fq_schema *s,
	const char *arg, const char *clerk, struct fq_error *err);
void fq_filter_release(struct fq_filter *f);

/* Does case c (whose file text is raw, may be NULL if no text: filter)
 * pass every filter?  today is YYYY-MM-DD. */
bool fq_filter_match(const struct fq_filter *f, size_t n, const fq_schema *s,
	const struct fq_node *c, const char *raw, const char *today);

/* What the day-dependent filters compare with: today (YYYY-MM-DD), now
 * (an ISO timestamp, NULL: day precision only), and the deadline profile
 * and calendar of `stale` (NULL: its defaults, weekends only). */
struct fq_filter_ctx {
	const char *today, *now;
	const struct fq_node *config;	/* fq.yaml */
	const fq_calendar *cal;
};
bool fq_filter_match_ctx(const struct fq_filter *f, size_t n,
	const fq_schema *s, const struct fq_node *c, const char *raw,
	const struct fq_filter_ctx *x);

/* True if any filter needs the deadline profile and the calendar. */
bool fq_filter_needs_profile(const struct fq_filter *f, size_t n);

/* True if any filter needs the raw file text. */
bool fq_filter_needs_text(const struct fq_filter *f, size_t n);

#endif
