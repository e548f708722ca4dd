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

		snprintf(why, sizeof(why), "%s", err ? err->msg : "bad period");
		return fq_error_set(err, ret, "fq.yaml: deadlines.%s: %s", key,
			why);
	}
	return FQ_OK;
}

static int
due_from(fq_day *due, const fq_calendar *cal, const struct fq_node *config,
	const char *key, const char *def, const char *start,
	struct fq_error *err)
{
	struct fq_period p;
	fq_day d;
	int ret;

	if ((ret = fq_deadline_period(&p, config, key, def, err)))
		return ret;
	if ((ret = fq_date_parse(&d, start, err)))
		return ret;
	*due = fq_period_due(cal, d, &p);
	return FQ_OK;
}

int
fq_case_update_due(struct fq_node *c, const fq_calendar *cal,
	const struct fq_node *config, struct fq_error *err)
{
	const char *status = fq_map_str(c, "status");
	const char *s;
	fq_day due = 0, d;
	bool have = false;
	int ret;

	if (!status)
		return FQ_OK;
	if (!strcmp(status, "reported") &&
	    (s = fq_map_str(c, "reported_on"))) {
		if ((ret = due_from(&due, cal, config, "triage", "3 workdays",
		    s, err)))
			return ret;
		have = true;
	}
	if ((!strcmp(status, "accepted") || !strcmp(status, "mediating")) &&
	    (s = fq_map_str(c, "accepted_on"))) {
		if ((s = fq_map_str(c, "extended_until"))) {
			if ((ret = fq_date_parse(&d, s, err)))
				return ret;
		} else if ((ret = due_from(&d, cal, config, "mediation",
		    "1 month", fq_map_str(c, "accepted_on"), err))) {
			return ret;
		}
		if (!have || d < due)
			due = d;
		have = true;
	}
	if (have) {
		char iso[FQ_DATE_SIZE];

		fq_date_format(iso, due);
		fq_map_set(c, "due_on", fq_node_scalar(iso));
	} else {
		fq_map_del(c, "due_on");
	}
	return FQ_OK;
}
