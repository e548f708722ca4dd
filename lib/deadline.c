/*
 * deadline.c: due dates of a case (see fq/deadline.h).
 */
#include <stdio.h>

#include "fq/deadline.h"
#include "internal.h"

int
fq_deadline_period(struct fq_period *out, const struct fq_node *config,
	const char *key, const char *def, struct fq_error *err)
{
	const char *v = fq_map_str(fq_map_get(config, "deadlines"), key);
	int ret;

	if (!v)
		return fq_period_parse(out, def, err);
	if ((ret = fq_period_parse(out, v, err))) {
		char why[sizeof(err->msg)];

		snprintf(why, sizeof(why), "%s", err ? err->msg :
			FQ_L_("bad period"));
		return fq_error_set(err, ret, "fq.yaml: deadlines.%s: %s", key,
			why);
	}
	return FQ_OK;
}

int
fq_deadline_from(char out[FQ_DATE_SIZE], const fq_calendar *cal,
	const struct fq_node *config, const char *key, const char *def,
	const char *start, struct fq_error *err)
{
	struct fq_period p;
	fq_day d;
	int ret;

	if ((ret = fq_deadline_period(&p, config, key, def, err)))
		return ret;
	if ((ret = fq_date_parse(&d, start, err)))
		return ret;
	fq_date_format(out, fq_period_due(cal, d, &p));
	return FQ_OK;
}

int
fq_days_between(const char *a, const char *b)
{
	fq_day x, y;

	if (!a || !b || fq_date_parse(&x, a, NULL) ||
	    fq_date_parse(&y, b, NULL))
		return 0;
	return (int)(y - x);
}

static int
emit_at(fq_deadline_fn fn, void *data, const char *rule, const char *what,
	const char *due, const char *at, int referral)
{
	struct fq_deadline d;

	d.rule = rule;
	d.what = what;
	snprintf(d.due, sizeof(d.due), "%s", due);
	snprintf(d.at, sizeof(d.at), "%s", at ? at : "");
	d.referral = referral;
	return fn(&d, data);
}

static int
emit(fq_deadline_fn fn, void *data, const char *rule, const char *what,
	const char *due, int referral)
{
	return emit_at(fn, data, rule, what, due, NULL, referral);
}

/* Date the current colour was set: the last risk_change event, else the
 * intake. */
static const char *
color_since(const struct fq_node *c, char buf[FQ_DATE_SIZE])
{
	const struct fq_node *ev = fq_map_get(c, "events");
	const char *at = NULL;
	size_t i;

	for (i = 0; ev && ev->kind == FQ_NODE_SEQ && i < ev->len; i++) {
		const char *k = fq_map_str(ev->vals[i], "kind");

		if (k && (!strcmp(k, "risk_change") || (!at &&
		    !strcmp(k, "intake"))))
			at = fq_map_str(ev->vals[i], "effective_on") ?
				fq_map_str(ev->vals[i], "effective_on") :
				fq_map_str(ev->vals[i], "at");
	}
	if (!at)
		at = fq_map_str(c, "created_at");
	if (!at || strlen(at) < 10)
		return NULL;
	snprintf(buf, FQ_DATE_SIZE, "%.10s", at);
	return buf;
}

/* deadlines.KEY: off (or none, 0) turns the rule off. */
static bool
off(const struct fq_node *config, const char *key)
{
	const char *v = fq_map_str(fq_map_get(config, "deadlines"), key);

	return v && (!strcmp(v, "off") || !strcmp(v, "none") ||
		!strcmp(v, "0"));
}

const char *
fq_case_last_event(const struct fq_node *c, char buf[FQ_DATE_SIZE])
{
	const struct fq_node *ev = fq_map_get(c, "events");
	size_t i;

	*buf = '\0';
	for (i = 0; ev && ev->kind == FQ_NODE_SEQ && i < ev->len; i++) {
		const char *on = fq_map_str(ev->vals[i], "effective_on");

		if (!on)
			on = fq_map_str(ev->vals[i], "at");
		if (on && strlen(on) >= 10 && strncmp(on, buf, 10) > 0)
			snprintf(buf, FQ_DATE_SIZE, "%.10s", on);
	}
	return *buf ? buf : NULL;
}

/*
 * R14: a closed case is due for 归档 deadlines.archive (30 days) after
 * closed_on.  Not for a case closed before the day it was entered in fq
 * (created_at: a historical case from an imported ledger), nor for one
 * closed before deadlines.archive_from, nor a duplicate (merged), nor
 * with deadlines.archive: off.
 */
static int
archive_due(const struct fq_node *c, const fq_calendar *cal,
	const struct fq_node *config, fq_deadline_fn fn, void *data,
	struct fq_error *err)
{
	const char *on = fq_map_str(c, "closed_on");
	const char *made = fq_map_str(c, "created_at");
	const char *from = fq_map_str(fq_map_get(config, "deadlines"),
		"archive_from");
	char due[FQ_DATE_SIZE];
	int ret;

	if (!on || strlen(on) < 10 || off(config, "archive"))
		return FQ_OK;
	if (fq_map_str(c, "outcome") &&
	    !strcmp(fq_map_str(c, "outcome"), "duplicate"))
		return FQ_OK;	/* its file is the surviving case's */
	if (made && strlen(made) >= 10 && strncmp(on, made, 10) < 0)
		return FQ_OK;
	if (from && strncmp(on, from, 10) < 0)
		return FQ_OK;
	if ((ret = fq_deadline_from(due, cal, config, "archive", "30 days",
	    on, err)))
		return ret;
	return emit(fn, data, "R14", "结案待归档", due, 0);
}

/* Days c spent referred_out, from its state changes: T10 pauses R1 and
 * T12 resumes it with the days that were left (DOMAIN.md §3.6). */
static int
paused_days(const struct fq_node *c)
{
	const struct fq_node *ev = fq_map_get(c, "events");
	char since[FQ_DATE_SIZE] = "", on[FQ_DATE_SIZE];
	int total = 0;
	size_t i;

	for (i = 0; ev && ev->kind == FQ_NODE_SEQ && i < ev->len; i++) {
		const struct fq_node *e = ev->vals[i];
		const char *to = fq_map_str(e, "state_to");
		const char *from = fq_map_str(e, "state_from");
		const char *d = fq_map_str(e, "effective_on");

		if (!to)
			continue;
		if (!d)
			d = fq_map_str(e, "at");
		if (!d)
			continue;
		snprintf(on, sizeof(on), "%.10s", d);
		if (*since && from && !strcmp(from, "referred_out") &&
		    strcmp(to, "referred_out")) {
			int n = fq_days_between(since, on);

			if (n > 0)
				total += n;
			*since = '\0';
		}
		if (!strcmp(to, "referred_out") && !*since)
			memcpy(since, on, sizeof(since));
	}
	return total;
}

/*
 * R8: a case marked simple, ordinary or complex (complexity) is due
 * deadlines.complexity_KIND (1 day, 7 days, 20 days: 东至) after it was
 * accepted (start: accepted_on, plus the days it spent referred out).
 * Off for a case without complexity, or with deadlines.complexity_KIND:
 * off.  An extension (extended_until) replaces it, as it does R1.
 */
static int
complexity_due(const struct fq_node *c, const fq_calendar *cal,
	const struct fq_node *config, const char *start, fq_deadline_fn fn,
	void *data, struct fq_error *err)
{
	static const struct {
		const char *code, *key, *def, *what;
	} kinds[] = {
		{ "simple", "complexity_simple", "1 day", "简易纠纷时限" },
		{ "ordinary", "complexity_ordinary", "7 days",
		  "一般纠纷时限" },
		{ "complex", "complexity_complex", "20 days",
		  "复杂纠纷时限" },
	};
	const char *k = fq_map_str(c, "complexity");
	char due[FQ_DATE_SIZE];
	size_t i;
	int ret;

	if (!k)
		return FQ_OK;
	for (i = 0; i < FQ_ARRAY_SIZE(kinds); i++)
		if (!strcmp(k, kinds[i].code))
			break;
	if (i == FQ_ARRAY_SIZE(kinds) || off(config, kinds[i].key))
		return FQ_OK;
	if ((ret = fq_deadline_from(due, cal, config, kinds[i].key,
	    kinds[i].def, start, err)))
		return ret;
	return emit(fn, data, "R8", kinds[i].what, due, 0);
}

/* The moment (event `at`) c turned red: its last risk_change, else its
 * intake, else created_at; NULL if none parses, or if c was red from an
 * intake dated before the day it was entered (a historical case, from an
 * imported ledger or registered late: reported up on paper, if at all,
 * as R14 leaves such cases alone). */
static const char *
red_since(const struct fq_node *c, int64_t *utc, int *off_min)
{
	const struct fq_node *ev = fq_map_get(c, "events");
	const char *at = NULL, *eff = NULL;
	size_t i;

	for (i = 0; ev && ev->kind == FQ_NODE_SEQ && i < ev->len; i++) {
		const char *k = fq_map_str(ev->vals[i], "kind");

		if (k && (!strcmp(k, "risk_change") || (!at &&
		    !strcmp(k, "intake")))) {
			at = fq_map_str(ev->vals[i], "at");
			eff = !strcmp(k, "intake") ?
				fq_map_str(ev->vals[i], "effective_on") : NULL;
		}
	}
	if (at && eff && strncmp(eff, at, 10) < 0)
		return NULL;
	if (!at)
		at = fq_map_str(c, "created_at");
	if (!at || fq_ts_parse(utc, off_min, at, 0))
		return NULL;
	return at;
}

/*
 * R7 (report up): an open red case is reported to the county 综治中心
 * within deadlines.report_red (4 hours) of turning red, which a
 * report_up event at or after that moment records.  An hour period is
 * a moment (d.at) and its day; a day period (a county's "1 day") the day
 * only.
 */
static int
report_up_due(const struct fq_node *c, const fq_calendar *cal,
	const struct fq_node *config, fq_deadline_fn fn, void *data,
	struct fq_error *err)
{
	const char *color = fq_map_str(c, "risk_color");
	const struct fq_node *ev = fq_map_get(c, "events");
	char due[FQ_DATE_SIZE], at[FQ_NOW_ISO_SIZE];
	struct fq_period p;
	int64_t since, t;
	int offm, ret;
	size_t i;

	if (!color || strcmp(color, "red") || off(config, "report_red") ||
	    !red_since(c, &since, &offm))
		return FQ_OK;
	for (i = 0; ev && ev->kind == FQ_NODE_SEQ && i < ev->len; i++) {
		const char *k = fq_map_str(ev->vals[i], "kind");

		if (k && !strcmp(k, "report_up") &&
		    !fq_ts_parse(&t, NULL, fq_map_str(ev->vals[i], "at"), 0) &&
		    t >= since)
			return FQ_OK;
	}
	if ((ret = fq_deadline_period(&p, config, "report_red", "4 hours",
	    err)))
		return ret;
	if (p.unit == FQ_PERIOD_HOURS) {
		fq_ts_format(at, since + (int64_t)p.amount * 3600, offm);
		snprintf(due, sizeof(due), "%.10s", at);
		return emit_at(fn, data, "report_up", "红色案件上报", due,
			at, 0);
	}
	fq_ts_format(at, since, offm);
	at[10] = '\0';
	if ((ret = fq_deadline_from(due, cal, config, "report_red",
	    "4 hours", at, err)))
		return ret;
	return emit(fn, data, "report_up", "红色案件上报", due, 0);
}

int
fq_stale_due(char out[FQ_DATE_SIZE], const fq_calendar *cal,
	const struct fq_node *config, const char *status, const char *color,
	const char *last, struct fq_error *err)
{
	if (!status || !strcmp(status, "closed") ||
	    !strcmp(status, "archived") || !color || (strcmp(color, "red") &&
	    strcmp(color, "yellow")) || !last || off(config, "stale"))
		return FQ_ENOTFOUND;
	return fq_deadline_from(out, cal, config, "stale", "10 days", last,
		err);
}

bool
fq_due_passed(const char *due_on, const char *due_at, const char *today,
	const char *now)
{
	int64_t a, b;

	if (!due_on || !today)
		return false;
	if (strcmp(due_on, today) < 0)
		return true;
	return due_at && now && !strncmp(due_on, today, 10) &&
		!fq_ts_parse(&a, NULL, due_at, 0) &&
		!fq_ts_parse(&b, NULL, now, 0) && b > a;
}

int
fq_case_deadlines(const struct fq_node *c, const fq_calendar *cal,
	const struct fq_node *config, fq_deadline_fn fn, void *data,
	struct fq_error *err)
{
	const char *status = fq_map_str(c, "status");
	const char *s, *color;
	const struct fq_node *refs;
	char due[FQ_DATE_SIZE], since[FQ_DATE_SIZE];
	int ret;
	size_t i;

	if (!status)
		return FQ_OK;
	if (!strcmp(status, "closed")) {
		if ((ret = archive_due(c, cal, config, fn, data, err)))
			return ret;
		goto referrals;	/* feedback may still be owed */
	}
	if (!strcmp(status, "archived"))
		goto referrals;
	if (!strcmp(status, "reported") &&
	    (s = fq_map_str(c, "reported_on"))) {
		if ((ret = fq_deadline_from(due, cal, config, "triage",
		    "3 workdays", s, err)))
			return ret;
		if ((ret = emit(fn, data, "R15", "排查登记待处理", due, 0)))
			return ret;
	}
	if ((!strcmp(status, "accepted") || !strcmp(status, "mediating")) &&
	    (s = fq_map_str(c, "accepted_on"))) {
		int paused = paused_days(c);
		char start[FQ_DATE_SIZE];
		fq_day d;

		snprintf(start, sizeof(start), "%s", s);
		if (paused && fq_date_parse(&d, s, NULL) == 0)
			fq_date_format(start, fq_date_add_days(d, paused));
		if (fq_map_str(c, "extended_until"))
			snprintf(due, sizeof(due), "%s",
				fq_map_str(c, "extended_until"));
		else if ((ret = fq_deadline_from(due, cal, config, "mediation",
		    "1 month", start, err)))
			return ret;
		if ((ret = emit(fn, data, "R1", "调解期限", due, 0)))
			return ret;
		if (!fq_map_str(c, "extended_until") &&
		    (ret = complexity_due(c, cal, config, start, fn, data, err)))
			return ret;
	}
	if (!strcmp(status, "agreed")) {
		const struct fq_node *a = fq_map_get(c, "agreement");
		const char *eff = fq_map_str(a, "effective_on");
		const char *pd = fq_map_str(a, "performance_due");
		const struct fq_node *v = fq_map_get(c, "visits");
		bool visited = false;

		if (pd && eff && strcmp(pd, eff) > 0)
			eff = pd;
		for (i = 0; v && v->kind == FQ_NODE_SEQ && i < v->len; i++) {
			const char *on = fq_map_str(v->vals[i], "on");

			if (on && eff && strcmp(on, fq_map_str(a,
			    "effective_on")) >= 0)
				visited = true;
		}
		if (eff && !visited) {
			if ((ret = fq_deadline_from(due, cal, config, "visit",
			    "15 days", eff, err)))
				return ret;
			if ((ret = emit(fn, data, "R6", "协议回访", due, 0)))
				return ret;
		}
	}
	color = fq_map_str(c, "risk_color");
	if (color && (!strcmp(color, "red") || !strcmp(color, "yellow")) &&
	    !fq_map_str(c, "plan") && color_since(c, since)) {
		bool red = !strcmp(color, "red");

		if ((ret = fq_deadline_from(due, cal, config,
		    red ? "plan_red" : "plan_yellow",
		    red ? "3 days" : "7 days", since, err)))
			return ret;
		if ((ret = emit(fn, data, "R7", red ? "红色案件一案一策" :
		    "黄色案件一案一策", due, 0)))
			return ret;
	}
	if ((ret = fq_stale_due(due, cal, config, status, color,
	    fq_case_last_event(c, since), err)) == FQ_OK) {
		if ((ret = emit(fn, data, "R16", "红黄案件无进展", due, 0)))
			return ret;
	} else if (ret != FQ_ENOTFOUND) {
		return ret;
	}
	if ((ret = report_up_due(c, cal, config, fn, data, err)))
		return ret;
referrals:
	refs = fq_map_get(c, "referrals");
	for (i = 0; refs && refs->kind == FQ_NODE_SEQ && i < refs->len; i++) {
		const struct fq_node *r = refs->vals[i];
		const char *st = fq_map_str(r, "state");
		const char *n = fq_map_str(r, "n");
		int num = n ? atoi(n) : 0;

		if (!st)
			continue;
		if (!strcmp(st, "sent") && (s = fq_map_str(r, "due_receipt")) &&
		    (ret = emit(fn, data, "receipt", "移交待签收", s, num)))
			return ret;
		if ((!strcmp(st, "sent") || !strcmp(st, "received")) &&
		    ((s = fq_map_str(r, "extended_until")) ||
		     (s = fq_map_str(r, "due_result"))) &&
		    (ret = emit(fn, data, "result", "移交待反馈", s, num)))
			return ret;
	}
	return FQ_OK;
}

struct min_due {
	char day[FQ_DATE_SIZE];
	char at[FQ_NOW_ISO_SIZE];	/* an hour deadline on that day */
	int64_t t;
};

static int
keep_min(const struct fq_deadline *d, void *data)
{
	struct min_due *m = data;
	int64_t t;

	/* R16 is the stale flag, not a time limit */
	if (!strcmp(d->rule, "R16"))
		return 0;
	if (!*m->day || strcmp(d->due, m->day) < 0) {
		memcpy(m->day, d->due, FQ_DATE_SIZE);
		*m->at = '\0';
	}
	if (*d->at && !strcmp(d->due, m->day) &&
	    !fq_ts_parse(&t, NULL, d->at, 0) && (!*m->at || t < m->t)) {
		snprintf(m->at, sizeof(m->at), "%s", d->at);
		m->t = t;
	}
	return 0;
}

int
fq_case_update_due(struct fq_node *c, const fq_calendar *cal,
	const struct fq_node *config, struct fq_error *err)
{
	struct min_due m;
	int ret;

	memset(&m, 0, sizeof(m));
	if ((ret = fq_case_deadlines(c, cal, config, keep_min, &m, err)))
		return ret;
	if (*m.day)
		fq_map_set(c, "due_on", fq_node_scalar(m.day));
	else
		fq_map_del(c, "due_on");
	if (*m.at)
		fq_map_set(c, "due_at", fq_node_scalar(m.at));
	else
		fq_map_del(c, "due_at");
	return FQ_OK;
}

int
fq_referral_due(char out[FQ_DATE_SIZE], const fq_calendar *cal,
	const struct fq_node *config, const char *kind, const char *channel,
	bool simple, const char *start, struct fq_error *err)
{
	const char *key, *def;

	if (!strcmp(kind, "invite") || !strcmp(kind, "summon"))
		return fq_error_set(err, FQ_ENOTFOUND, "no result deadline for "
			"%s", kind);
	if (!strcmp(kind, "delegate")) {
		key = "court_delegate";
		def = "30 days";
	} else if (!strcmp(kind, "entrust") && !strcmp(channel, "litigation")) {
		key = simple ? "court_entrust_simple" : "court_entrust_ordinary";
		def = simple ? "7 days" : "15 days";
	} else if ((!strcmp(kind, "entrust") || !strcmp(kind, "transfer")) &&
	    !strcmp(channel, "police")) {
		key = "police_transfer";
		def = "5 days";
	} else if (!strcmp(kind, "transfer") && !strcmp(channel, "petition")) {
		key = "petition_transfer";
		def = "60 days";
	} else if (!strcmp(kind, "assign")) {
		key = "assign";
		def = "15 days";
	} else {
		key = "mediation";
		def = "1 month";
	}
	return fq_deadline_from(out, cal, config, key, def, start, err);
}
