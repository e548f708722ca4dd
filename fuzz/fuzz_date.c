/*
 * fuzz_date.c: the date parser of lib/date.c and what it feeds: strict
 * ISO dates, periods, and the arithmetic on them.  A date that parses
 * must format back to the same text, and a date the schema accepts must
 * parse; a period must format to text that parses to the same period.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fq/date.h"
#include "fq/schema.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_period p, q;
	char out[FQ_DATE_SIZE], per[FQ_PERIOD_SIZE];
	fq_day day;
	char *s = fuzz_cstr(data, size);

	if (fq_date_parse(&day, s, &err) == 0) {
		fq_date_format(out, day);
		if (strcmp(out, s))
			abort();
		(void)fq_date_weekday(day);
		(void)fq_date_add_months(day, 360);
		(void)fq_date_add_days(day, -36500);
		fq_date_format(out, fq_period_due(NULL, day,
			&(struct fq_period){ 3, FQ_PERIOD_WORKDAYS }));
	} else if (fq_valid_date(s)) {
		/* what a case file may hold (1900 on) the parser reads */
		abort();
	}
	if (fq_period_parse(&p, s, &err) == 0) {
		fq_period_format(per, &p);
		if (fq_period_parse(&q, per, &err) != 0 ||
		    q.amount != p.amount || q.unit != p.unit)
			abort();
		fq_date_format(out, fq_period_due(NULL,
			fq_date_from_ymd(2024, 1, 31), &p));
	}
	(void)fq_today(&day, s, &err);
	(void)fq_valid_datetime(s);
	(void)fq_valid_money(s);
	(void)fq_valid_int(s);
	free(s);
	return 0;
}
