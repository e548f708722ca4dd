/*
 * check_date.c: dates, the holiday calendar and periods (lib/date.c).
 *
 * The calendar tests read the real holiday files from the source tree
 * (FQ_TEST_SCHEMA_DIR "/holidays"), so a typo in a file in schemas/holidays/
 * that moves a deadline fails here.  Expected dates were worked out by
 * hand from the State Council notices and cross-checked with an
 * independent implementation.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fq/date.h"

#ifndef FQ_TEST_SCHEMA_DIR
#error "FQ_TEST_SCHEMA_DIR must name the source tree's schemas directory"
#endif
#define HOLIDAY_DIR FQ_TEST_SCHEMA_DIR "/holidays"

Suite *fq_date_suite(void);

/* Parse a date the test itself wrote; a typo in a table fails loudly. */
static fq_day
D(const char *iso)
{
	struct fq_error err = FQ_ERROR_INIT;
	fq_day d = 0;

	ck_assert_msg(fq_date_parse(&d, iso, &err) == 0,
		"bad date in test table: %s", err.msg);
	return d;
}

/* Compare dates as text so that a failure says which dates. */
#define ck_assert_date(got, want) do { \
	char got_[FQ_DATE_SIZE]; \
	fq_date_format(got_, (got)); \
	ck_assert_str_eq(got_, (want)); \
} while (0)

static fq_calendar *real_cal;

static void
real_cal_setup(void)
{
	struct fq_error err = FQ_ERROR_INIT;

	if (fq_calendar_load(&real_cal, HOLIDAY_DIR, &err) < 0)
		ck_abort_msg("cannot load %s: %s:%u: %s", HOLIDAY_DIR,
			err.file, err.line, err.msg);
}

static void
real_cal_teardown(void)
{
	fq_calendar_free(real_cal);
	real_cal = NULL;
}

/*
 * Parsing and formatting.
 */

static const struct {
	const char *iso;
	int y, m, d;
	fq_day day;
} valid_dates[] = {
	{ "1970-01-01", 1970, 1, 1, 0 },
	{ "1969-12-31", 1969, 12, 31, -1 },
	{ "2024-01-01", 2024, 1, 1, 19723 },
	{ "2024-02-29", 2024, 2, 29, 19782 },
	{ "2000-02-29", 2000, 2, 29, 11016 },
	{ "2000-03-01", 2000, 3, 1, 11017 },
	{ "1900-03-01", 1900, 3, 1, -25508 },
	{ "0001-01-01", 1, 1, 1, -719162 },
	{ "9999-12-31", 9999, 12, 31, 2932896 },
	{ "2024-12-31", 2024, 12, 31, 20088 },
};

START_TEST(test_date_parse_valid)
{
	struct fq_error err = FQ_ERROR_INIT;
	char buf[FQ_DATE_SIZE];
	fq_day d = 12345;
	int y, m, dd;

	ck_assert_int_eq(fq_date_parse(&d, valid_dates[_i].iso, &err), 0);
	ck_assert_int_eq(d, valid_dates[_i].day);
	fq_date_ymd(d, &y, &m, &dd);
	ck_assert_int_eq(y, valid_dates[_i].y);
	ck_assert_int_eq(m, valid_dates[_i].m);
	ck_assert_int_eq(dd, valid_dates[_i].d);
	ck_assert_int_eq(fq_date_from_ymd(y, m, dd), d);
	fq_date_format(buf, d);
	ck_assert_str_eq(buf, valid_dates[_i].iso);
}
END_TEST

static const char *const invalid_dates[] = {
	"2023-02-29",		/* not a leap year */
	"1900-02-29",		/* divisible by 100, not by 400 */
	"2024-02-30",
	"2024-04-31",
	"2024-13-01",
	"2024-00-10",
	"2024-01-00",
	"2024-01-32",
	"0000-01-01",		/* no year 0 */
	"2024-1-5",		/* not zero-padded */
	"2024-01-5",
	"24-01-05",
	"02024-01-05",
	" 2024-01-05",
	"2024-01-05 ",
	"2024-01-05x",
	"2024-01-05T10:00",
	"2024-01-05\n",
	"2024/01/05",
	"2024.01.05",
	"20240105",
	"2024年1月5日",
	"2024-01-0a",
	"+024-01-05",
	"-024-01-05",
	"2024--1-05",
	"2024-01- 5",
	"",
	"yesterday",
};

START_TEST(test_date_parse_invalid)
{
	struct fq_error err = FQ_ERROR_INIT;
	fq_day d = 4242;
	const char *s = invalid_dates[_i];

	ck_assert_int_eq(fq_date_parse(&d, s, &err), FQ_EUSAGE);
	ck_assert_int_eq(err.code, FQ_EUSAGE);
	ck_assert_int_eq(d, 4242);		/* untouched */
	ck_assert_msg(strstr(err.msg, s) != NULL,
		"message '%s' does not name '%s'", err.msg, s);
	/* NULL error pointer is allowed. */
	ck_assert_int_eq(fq_date_parse(&d, s, NULL), FQ_EUSAGE);
}
END_TEST

START_TEST(test_date_parse_messages)
{
	struct fq_error err = FQ_ERROR_INIT;
	fq_day d;

	ck_assert_int_eq(fq_date_parse(&d, NULL, &err), FQ_EUSAGE);
	ck_assert_int_eq(fq_date_parse(&d, "2023-02-29", &err), FQ_EUSAGE);
	ck_assert_str_eq(err.msg,
		"invalid date '2023-02-29': 2023-02 has no day 29");
	ck_assert_int_eq(fq_date_parse(&d, "2024-13-01", &err), FQ_EUSAGE);
	ck_assert_str_eq(err.msg, "invalid date '2024-13-01': no month 13");
	ck_assert_int_eq(fq_date_parse(&d, "2024-1-5", &err), FQ_EUSAGE);
	ck_assert_str_eq(err.msg,
		"invalid date '2024-1-5': expected YYYY-MM-DD");
	ck_assert_uint_eq(err.line, 0);
	ck_assert_str_eq(err.file, "");
}
END_TEST

/*
 * Test: every day from 1600 to 2400 against a naive day-by-day count.
 * Unit: fq_date_ymd, fq_date_from_ymd, fq_date_weekday, format, parse.
 * Description: the naive count uses its own leap rule and month table, so
 * an error in the era arithmetic cannot hide in both.
 */
START_TEST(test_date_roundtrip_all_days)
{
	static const int mdays[] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	int y = 1600, m = 1, dd = 1, wd = 6;	/* 1600-01-01 was a Saturday */
	fq_day d = fq_date_from_ymd(1600, 1, 1);
	fq_day last = fq_date_from_ymd(2400, 12, 31);

	ck_assert_int_eq(d, -135140);
	for (; d <= last; d++) {
		int gy, gm, gd, dim;
		char buf[FQ_DATE_SIZE];
		fq_day back = 0;

		fq_date_ymd(d, &gy, &gm, &gd);
		if (gy != y || gm != m || gd != dd)
			ck_abort_msg("day %d: got %d-%d-%d, want %d-%d-%d",
				(int)d, gy, gm, gd, y, m, dd);
		if (fq_date_from_ymd(y, m, dd) != d)
			ck_abort_msg("from_ymd(%d-%d-%d) != %d", y, m, dd,
				(int)d);
		if (fq_date_weekday(d) != wd)
			ck_abort_msg("weekday of %d-%d-%d", y, m, dd);
		fq_date_format(buf, d);
		if (fq_date_parse(&back, buf, NULL) != 0 || back != d)
			ck_abort_msg("round trip of %s", buf);
		if (!fq_date_valid(y, m, dd))
			ck_abort_msg("%s not valid", buf);

		dim = mdays[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) ||
			y % 400 == 0));
		if (++dd > dim) {
			dd = 1;
			if (++m > 12) {
				m = 1;
				y++;
			}
		}
		wd = wd % 7 + 1;
	}
}
END_TEST

START_TEST(test_date_ymd_null_pointers)
{
	int y = 0;

	fq_date_ymd(D("2024-05-06"), &y, NULL, NULL);
	ck_assert_int_eq(y, 2024);
	fq_date_ymd(D("2024-05-06"), NULL, NULL, NULL);
	/* d = 0 is the last day of the previous month. */
	ck_assert_date(fq_date_from_ymd(2024, 3, 0), "2024-02-29");
	ck_assert_date(fq_date_from_ymd(2023, 3, 0), "2023-02-28");
	ck_assert_date(fq_date_from_ymd(2024, 1, 0), "2023-12-31");
}
END_TEST

/*
 * Leap years and month lengths.
 */

static const struct {
	int year;
	bool leap;
} leap_years[] = {
	{ 1900, false }, { 2000, true }, { 2024, true }, { 2023, false },
	{ 2100, false }, { 2400, true }, { 1600, true }, { 1700, false },
	{ 2028, true }, { 2025, false }, { 2026, false }, { 4, true },
	{ 1, false },
};

START_TEST(test_date_leap)
{
	int y = leap_years[_i].year;

	ck_assert_int_eq(fq_date_is_leap(y), leap_years[_i].leap);
	ck_assert_int_eq(fq_date_days_in_month(y, 2),
		leap_years[_i].leap ? 29 : 28);
	ck_assert_int_eq(fq_date_valid(y, 2, 29), leap_years[_i].leap);
	ck_assert_int_eq(fq_date_from_ymd(y + 1, 1, 1) -
		fq_date_from_ymd(y, 1, 1), leap_years[_i].leap ? 366 : 365);
}
END_TEST

START_TEST(test_date_days_in_month)
{
	static const int want[] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	int m;

	for (m = 1; m <= 12; m++)
		ck_assert_int_eq(fq_date_days_in_month(2023, m), want[m - 1]);
	ck_assert_int_eq(fq_date_days_in_month(2024, 2), 29);
	ck_assert_int_eq(fq_date_days_in_month(2024, 0), 0);
	ck_assert_int_eq(fq_date_days_in_month(2024, 13), 0);
	ck_assert(!fq_date_valid(2024, 0, 1));
	ck_assert(!fq_date_valid(2024, 13, 1));
	ck_assert(!fq_date_valid(2024, 1, 0));
	ck_assert(!fq_date_valid(2024, 4, 31));
	ck_assert(fq_date_valid(2024, 12, 31));
}
END_TEST

static const struct {
	const char *iso;
	int weekday;
} weekdays[] = {
	{ "1970-01-01", 4 },	/* Thursday */
	{ "1969-12-31", 3 },
	{ "2000-01-01", 6 },
	{ "0001-01-01", 1 },
	{ "2024-01-01", 1 },
	{ "2024-09-29", 7 },	/* 调休 Sunday */
	{ "2024-10-12", 6 },	/* 调休 Saturday */
	{ "2025-01-01", 3 },
	{ "2026-02-15", 7 },
	{ "9999-12-31", 5 },
};

START_TEST(test_date_weekday)
{
	ck_assert_int_eq(fq_date_weekday(D(weekdays[_i].iso)),
		weekdays[_i].weekday);
}
END_TEST

/*
 * Day and month arithmetic.
 */

static const struct {
	const char *start;
	int n;
	const char *want;
} add_days[] = {
	{ "2024-12-25", 10, "2025-01-04" },	/* across the year end */
	{ "2024-12-31", 1, "2025-01-01" },
	{ "2024-02-28", 1, "2024-02-29" },
	{ "2023-02-28", 1, "2023-03-01" },
	{ "2024-03-01", -1, "2024-02-29" },
	{ "2025-01-01", -1, "2024-12-31" },
	{ "2024-01-01", 366, "2025-01-01" },
	{ "2023-01-01", 365, "2024-01-01" },
	{ "1970-01-01", -1, "1969-12-31" },
	{ "2024-06-15", 0, "2024-06-15" },
};

START_TEST(test_date_add_days)
{
	ck_assert_date(fq_date_add_days(D(add_days[_i].start), add_days[_i].n),
		add_days[_i].want);
}
END_TEST

static const struct {
	const char *start;
	int n;
	const char *want;
} add_months[] = {
	/* 民法典 202: no such day, so the month's last day. */
	{ "2024-01-31", 1, "2024-02-29" },	/* leap year */
	{ "2023-01-31", 1, "2023-02-28" },	/* common year */
	{ "2000-01-31", 1, "2000-02-29" },
	{ "1900-01-31", 1, "1900-02-28" },
	{ "2024-01-30", 1, "2024-02-29" },
	{ "2024-01-29", 1, "2024-02-29" },
	{ "2023-01-29", 1, "2023-02-28" },
	{ "2024-03-31", 1, "2024-04-30" },
	{ "2024-05-31", 1, "2024-06-30" },
	{ "2024-08-31", 1, "2024-09-30" },
	{ "2024-10-31", 1, "2024-11-30" },
	{ "2024-12-31", 2, "2025-02-28" },	/* across the year end */
	{ "2023-12-31", 2, "2024-02-29" },
	{ "2024-11-30", 3, "2025-02-28" },
	{ "2024-12-15", 1, "2025-01-15" },
	{ "2024-12-31", 1, "2025-01-31" },
	{ "2024-12-31", 12, "2025-12-31" },
	{ "2024-02-29", 12, "2025-02-28" },
	{ "2024-02-29", 48, "2028-02-29" },
	{ "2024-02-29", 1, "2024-03-29" },	/* not the month's end */
	{ "2024-01-15", 1, "2024-02-15" },
	{ "2024-01-01", 0, "2024-01-01" },
	{ "2024-01-31", 25, "2026-02-28" },
	/* Backwards. */
	{ "2024-03-31", -1, "2024-02-29" },
	{ "2024-05-31", -1, "2024-04-30" },
	{ "2024-01-31", -2, "2023-11-30" },
	{ "2024-01-15", -1, "2023-12-15" },
	{ "2024-01-15", -13, "2022-12-15" },
};

START_TEST(test_date_add_months)
{
	ck_assert_date(fq_date_add_months(D(add_months[_i].start),
		add_months[_i].n), add_months[_i].want);
}
END_TEST

/*
 * The real holiday calendar (schemas/holidays).
 */

START_TEST(test_date_calendar_years)
{
	ck_assert(fq_calendar_has_year(real_cal, 2024));
	ck_assert(fq_calendar_has_year(real_cal, 2025));
	ck_assert(fq_calendar_has_year(real_cal, 2026));
	ck_assert(!fq_calendar_has_year(real_cal, 2023));
	ck_assert(!fq_calendar_has_year(real_cal, 2027));
	ck_assert(!fq_calendar_has_year(NULL, 2024));
	ck_assert(fq_calendar_covers(real_cal, D("2024-01-01"),
		D("2026-12-31")));
	ck_assert(fq_calendar_covers(real_cal, D("2026-12-31"),
		D("2024-01-01")));
	ck_assert(fq_calendar_covers(real_cal, D("2025-03-01"),
		D("2025-03-01")));
	ck_assert(!fq_calendar_covers(real_cal, D("2026-12-31"),
		D("2027-01-01")));
	ck_assert(!fq_calendar_covers(real_cal, D("2023-12-31"),
		D("2024-01-01")));
	ck_assert(!fq_calendar_covers(NULL, D("2024-01-01"),
		D("2024-01-01")));
}
END_TEST

/*
 * Test: the number of working days in each year.
 * Description: counted by hand from each notice as the year's Mondays to
 * Fridays, less the holidays that fall on them, plus the 调休 days:
 * 2024: 262 - 19 + 8 = 251; 2025: 261 - 18 + 5 = 248;
 * 2026: 261 - 19 + 6 = 248.  A day added to or lost from a file shows.
 */
static const struct {
	int year;
	int workdays;
} year_totals[] = {
	{ 2024, 251 }, { 2025, 248 }, { 2026, 248 },
	{ 2027, 261 },			/* no file: Monday to Friday */
};

START_TEST(test_date_calendar_year_totals)
{
	fq_day d = fq_date_from_ymd(year_totals[_i].year, 1, 1);
	fq_day end = fq_date_from_ymd(year_totals[_i].year + 1, 1, 1);
	int n = 0;

	for (; d < end; d++)
		n += fq_calendar_is_workday(real_cal, d);
	ck_assert_int_eq(n, year_totals[_i].workdays);
}
END_TEST

static const struct {
	const char *iso;
	bool workday;
} workdays[] = {
	{ "2024-01-01", false },	/* 元旦, Monday */
	{ "2024-01-02", true },
	{ "2024-02-04", true },		/* 调休 Sunday before 春节 */
	{ "2024-02-09", true },		/* 除夕: a working Friday in 2024 */
	{ "2024-02-10", false },
	{ "2024-02-12", false },	/* Monday inside 春节 */
	{ "2024-02-17", false },
	{ "2024-02-18", true },		/* 调休 Sunday after 春节 */
	{ "2024-02-19", true },
	{ "2024-04-07", true },		/* 调休 Sunday */
	{ "2024-04-13", false },	/* ordinary Saturday */
	{ "2024-04-28", true },
	{ "2024-05-03", false },
	{ "2024-05-11", true },
	{ "2024-06-08", false },
	{ "2024-06-10", false },	/* 端午, Monday */
	{ "2024-06-11", true },
	{ "2024-09-14", true },
	{ "2024-09-16", false },
	{ "2024-09-29", true },		/* 调休 Sunday before 国庆 */
	{ "2024-09-30", true },
	{ "2024-10-01", false },
	{ "2024-10-07", false },	/* Monday inside 国庆 */
	{ "2024-10-08", true },
	{ "2024-10-12", true },		/* 调休 Saturday after 国庆 */
	{ "2024-10-13", false },
	{ "2025-01-01", false },
	{ "2025-01-26", true },
	{ "2025-01-27", true },		/* the Monday before 除夕 */
	{ "2025-01-28", false },	/* 除夕, a holiday from 2025 */
	{ "2025-02-04", false },
	{ "2025-02-05", true },
	{ "2025-02-08", true },
	{ "2025-04-27", true },
	{ "2025-05-05", false },
	{ "2025-06-02", false },
	{ "2025-09-28", true },
	{ "2025-10-08", false },	/* 国庆 and 中秋 together */
	{ "2025-10-09", true },
	{ "2025-10-11", true },
	{ "2026-01-02", false },
	{ "2026-01-04", true },
	{ "2026-02-14", true },
	{ "2026-02-23", false },
	{ "2026-02-24", true },
	{ "2026-02-28", true },
	{ "2026-05-09", true },
	{ "2026-06-19", false },
	{ "2026-09-20", true },
	{ "2026-09-25", false },
	{ "2026-10-10", true },
	/* No file for 2023 or 2027: weekends only. */
	{ "2023-10-02", true },		/* was 国庆, unknown here */
	{ "2023-10-07", false },	/* Saturday */
	{ "2027-01-01", true },		/* Friday */
	{ "2027-01-02", false },
	{ "2027-01-03", false },
	{ "2027-01-04", true },
};

START_TEST(test_date_calendar_is_workday)
{
	ck_assert_msg(fq_calendar_is_workday(real_cal, D(workdays[_i].iso)) ==
		workdays[_i].workday, "%s should be a %s", workdays[_i].iso,
		workdays[_i].workday ? "working day" : "rest day");
}
END_TEST

START_TEST(test_date_calendar_null)
{
	/* A NULL calendar knows weekends only. */
	ck_assert(fq_calendar_is_workday(NULL, D("2024-10-01")));
	ck_assert(!fq_calendar_is_workday(NULL, D("2024-09-29")));
	ck_assert(!fq_calendar_is_workday(NULL, D("2024-10-12")));
	ck_assert_date(fq_calendar_next_workday(NULL, D("2024-10-05")),
		"2024-10-07");
	ck_assert_date(fq_calendar_add_workdays(NULL, D("2024-02-08"), 3),
		"2024-02-13");
	fq_calendar_free(NULL);
}
END_TEST

static const struct {
	const char *start;
	const char *want;
} next_workdays[] = {
	{ "2024-10-08", "2024-10-08" },		/* already one */
	{ "2024-10-01", "2024-10-08" },
	{ "2024-10-05", "2024-10-08" },
	{ "2024-09-28", "2024-09-29" },		/* Saturday → 调休 Sunday */
	{ "2024-02-10", "2024-02-18" },		/* 春节 → 调休 Sunday */
	{ "2024-06-08", "2024-06-11" },
	{ "2024-12-28", "2024-12-30" },
	{ "2025-01-28", "2025-02-05" },
	{ "2025-05-31", "2025-06-03" },
	{ "2026-01-01", "2026-01-04" },		/* 元旦 → 调休 Sunday */
	{ "2026-02-15", "2026-02-24" },
	{ "2026-12-26", "2026-12-28" },
	{ "2027-10-01", "2027-10-01" },		/* no file: a Friday */
	{ "2027-10-02", "2027-10-04" },
};

START_TEST(test_date_calendar_next_workday)
{
	ck_assert_date(fq_calendar_next_workday(real_cal,
		D(next_workdays[_i].start)), next_workdays[_i].want);
}
END_TEST

/*
 * Working days across 春节, with the 调休 weekend days counted.
 */
static const struct {
	const char *start;
	int n;
	const char *want;
} add_workdays[] = {
	/* 2024 春节: 2/4 (Sun) and 2/18 (Sun) are worked. */
	{ "2024-02-02", 1, "2024-02-04" },
	{ "2024-02-02", 2, "2024-02-05" },
	{ "2024-02-08", 1, "2024-02-09" },
	{ "2024-02-08", 2, "2024-02-18" },
	{ "2024-02-08", 3, "2024-02-19" },
	{ "2024-02-01", 10, "2024-02-20" },
	/* 2025 春节: 1/26 (Sun) and 2/8 (Sat) are worked. */
	{ "2025-01-24", 1, "2025-01-26" },
	{ "2025-01-24", 2, "2025-01-27" },
	{ "2025-01-24", 3, "2025-02-05" },
	{ "2025-01-24", 6, "2025-02-08" },
	{ "2025-01-24", 7, "2025-02-10" },
	/* 2026 春节: 2/14 (Sat) and 2/28 (Sat) are worked. */
	{ "2026-02-13", 1, "2026-02-14" },
	{ "2026-02-13", 2, "2026-02-24" },
	{ "2026-02-24", 4, "2026-02-28" },
	/* Starting on a rest day: the start is not counted either way. */
	{ "2024-10-03", 1, "2024-10-08" },
	{ "2024-10-05", 3, "2024-10-10" },
	/* 国庆 2025 (8 days) and its 调休. */
	{ "2025-09-26", 1, "2025-09-28" },
	{ "2025-09-30", 1, "2025-10-09" },
	{ "2025-09-30", 3, "2025-10-11" },
	/* Across the year end into a year without a file. */
	{ "2026-12-31", 1, "2027-01-01" },
	{ "2026-12-31", 2, "2027-01-04" },
	/* Zero and backwards. */
	{ "2024-10-05", 0, "2024-10-05" },
	{ "2024-02-19", -1, "2024-02-18" },
	{ "2024-02-19", -2, "2024-02-09" },
	{ "2024-10-08", -1, "2024-09-30" },
	{ "2024-10-08", -2, "2024-09-29" },
};

START_TEST(test_date_calendar_add_workdays)
{
	ck_assert_date(fq_calendar_add_workdays(real_cal,
		D(add_workdays[_i].start), add_workdays[_i].n),
		add_workdays[_i].want);
}
END_TEST

/*
 * Period due dates.
 */

static const struct {
	const char *start;
	int amount;
	enum fq_period_unit unit;
	const char *want;
	bool null_cal;		/* compute with no calendar at all */
} dues[] = {
	/* Days: start not counted, a rest day moves to a working day. */
	{ "2024-03-01", 10, FQ_PERIOD_DAYS, "2024-03-11", false },
	{ "2024-03-01", 15, FQ_PERIOD_DAYS, "2024-03-18", false }, /* Sat */
	{ "2024-03-01", 16, FQ_PERIOD_DAYS, "2024-03-18", false }, /* Sun */
	{ "2024-12-10", 30, FQ_PERIOD_DAYS, "2025-01-09", false },
	{ "2024-12-20", 15, FQ_PERIOD_DAYS, "2025-01-06", false }, /* Sat */
	{ "2024-12-25", 7, FQ_PERIOD_DAYS, "2025-01-02", false }, /* 元旦 */
	{ "2024-12-31", 1, FQ_PERIOD_DAYS, "2025-01-02", false },
	/* 国庆 2024. */
	{ "2024-09-10", 20, FQ_PERIOD_DAYS, "2024-09-30", false }, /* Mon */
	{ "2024-09-11", 20, FQ_PERIOD_DAYS, "2024-10-08", false },
	{ "2024-09-15", 20, FQ_PERIOD_DAYS, "2024-10-08", false },
	{ "2024-09-09", 20, FQ_PERIOD_DAYS, "2024-09-29", false }, /* 调休 */
	{ "2024-09-08", 20, FQ_PERIOD_DAYS, "2024-09-29", false }, /* Sat */
	{ "2024-09-12", 30, FQ_PERIOD_DAYS, "2024-10-12", false }, /* 调休 */
	{ "2024-09-13", 30, FQ_PERIOD_DAYS, "2024-10-14", false }, /* Sun */
	/* Holidays inside the period are not deducted. */
	{ "2024-09-25", 15, FQ_PERIOD_DAYS, "2024-10-10", false },
	{ "2025-01-20", 30, FQ_PERIOD_DAYS, "2025-02-19", false },
	/* 春节 2026: 9 days off. */
	{ "2026-01-16", 30, FQ_PERIOD_DAYS, "2026-02-24", false },
	{ "2026-01-15", 30, FQ_PERIOD_DAYS, "2026-02-14", false }, /* 调休 */
	{ "2026-01-14", 30, FQ_PERIOD_DAYS, "2026-02-13", false },
	/* Days across 29 February, and onto 调休 working Sundays. */
	{ "2024-02-01", 30, FQ_PERIOD_DAYS, "2024-03-04", false }, /* Sat */
	{ "2023-02-01", 30, FQ_PERIOD_DAYS, "2023-03-03", false },
	{ "2024-02-28", 1, FQ_PERIOD_DAYS, "2024-02-29", false },
	{ "2024-01-05", 30, FQ_PERIOD_DAYS, "2024-02-04", false }, /* 调休 */
	{ "2024-01-11", 30, FQ_PERIOD_DAYS, "2024-02-18", false }, /* 春节 */
	{ "2024-03-29", 7, FQ_PERIOD_DAYS, "2024-04-07", false }, /* 清明 */
	{ "2024-03-29", 30, FQ_PERIOD_DAYS, "2024-04-28", false }, /* 调休 */
	/* Months (R1: 一个月). */
	{ "2024-01-30", 1, FQ_PERIOD_MONTHS, "2024-02-29", false },
	{ "2024-01-29", 1, FQ_PERIOD_MONTHS, "2024-02-29", false },
	{ "2024-02-29", 1, FQ_PERIOD_MONTHS, "2024-03-29", false },
	{ "2024-02-29", 12, FQ_PERIOD_MONTHS, "2025-02-28", false },
	{ "2028-01-31", 1, FQ_PERIOD_MONTHS, "2028-02-29", false }, /* no file */
	{ "2025-10-31", 1, FQ_PERIOD_MONTHS, "2025-12-01", false }, /* Sun */
	{ "2024-01-04", 1, FQ_PERIOD_MONTHS, "2024-02-04", false }, /* 调休 */
	{ "2024-08-14", 1, FQ_PERIOD_MONTHS, "2024-09-14", false }, /* 调休 Sat */
	{ "2024-03-06", 1, FQ_PERIOD_MONTHS, "2024-04-07", false }, /* 清明 */
	{ "2024-01-31", 1, FQ_PERIOD_MONTHS, "2024-02-29", false },
	{ "2023-01-31", 1, FQ_PERIOD_MONTHS, "2023-02-28", false },
	{ "2024-03-31", 1, FQ_PERIOD_MONTHS, "2024-04-30", false },
	{ "2024-12-31", 2, FQ_PERIOD_MONTHS, "2025-02-28", false },
	{ "2024-08-31", 1, FQ_PERIOD_MONTHS, "2024-09-30", false },
	{ "2024-09-01", 1, FQ_PERIOD_MONTHS, "2024-10-08", false },
	{ "2024-09-30", 1, FQ_PERIOD_MONTHS, "2024-10-30", false },
	{ "2024-05-08", 1, FQ_PERIOD_MONTHS, "2024-06-11", false }, /* 端午 */
	{ "2024-08-29", 1, FQ_PERIOD_MONTHS, "2024-09-29", false }, /* 调休 */
	{ "2025-01-04", 1, FQ_PERIOD_MONTHS, "2025-02-05", false },
	{ "2024-12-28", 1, FQ_PERIOD_MONTHS, "2025-02-05", false }, /* 除夕 */
	{ "2024-12-31", 1, FQ_PERIOD_MONTHS, "2025-02-05", false },
	{ "2025-12-31", 1, FQ_PERIOD_MONTHS, "2026-02-02", false },
	/* Working days. */
	{ "2024-04-26", 1, FQ_PERIOD_WORKDAYS, "2024-04-28", false }, /* 调休 */
	{ "2024-04-26", 3, FQ_PERIOD_WORKDAYS, "2024-04-30", false },
	{ "2024-04-26", 4, FQ_PERIOD_WORKDAYS, "2024-05-06", false },
	{ "2024-05-06", 5, FQ_PERIOD_WORKDAYS, "2024-05-11", false }, /* 调休 */
	{ "2024-04-26", 3, FQ_PERIOD_WORKDAYS, "2024-05-01", true },
	{ "2024-06-07", 1, FQ_PERIOD_WORKDAYS, "2024-06-11", false }, /* 端午 */
	{ "2024-02-28", 2, FQ_PERIOD_WORKDAYS, "2024-03-01", false }, /* 2-29 */
	{ "2024-02-08", 3, FQ_PERIOD_WORKDAYS, "2024-02-19", false },
	{ "2025-09-30", 3, FQ_PERIOD_WORKDAYS, "2025-10-11", false },
	{ "2024-09-27", 1, FQ_PERIOD_WORKDAYS, "2024-09-29", false },
	{ "2024-09-27", 5, FQ_PERIOD_WORKDAYS, "2024-10-10", false },
	/* Hours: rounded up to days, never moved. */
	{ "2024-09-30", 24, FQ_PERIOD_HOURS, "2024-10-01", false },
	{ "2024-09-30", 4, FQ_PERIOD_HOURS, "2024-10-01", false },
	{ "2024-09-30", 25, FQ_PERIOD_HOURS, "2024-10-02", false },
	{ "2024-09-30", 48, FQ_PERIOD_HOURS, "2024-10-02", false },
	{ "2024-12-31", 24, FQ_PERIOD_HOURS, "2025-01-01", false },
	{ "2024-03-08", 24, FQ_PERIOD_HOURS, "2024-03-09", false }, /* Sat */
	/* A year without a file: weekends only. */
	{ "2027-09-11", 20, FQ_PERIOD_DAYS, "2027-10-01", false },
	{ "2027-03-01", 5, FQ_PERIOD_DAYS, "2027-03-08", false },
	{ "2026-12-01", 1, FQ_PERIOD_MONTHS, "2027-01-01", false },
	{ "2023-09-20", 11, FQ_PERIOD_DAYS, "2023-10-02", false },
	/* No calendar at all: weekends only. */
	{ "2024-09-11", 20, FQ_PERIOD_DAYS, "2024-10-01", true },
	{ "2024-09-09", 20, FQ_PERIOD_DAYS, "2024-09-30", true },
	{ "2024-02-08", 3, FQ_PERIOD_WORKDAYS, "2024-02-13", true },
	/* Below 1 (never from fq_period_parse): the start. */
	{ "2024-10-01", 0, FQ_PERIOD_DAYS, "2024-10-01", false },
	{ "2024-10-01", -3, FQ_PERIOD_MONTHS, "2024-10-01", false },
};

START_TEST(test_date_period_due)
{
	struct fq_period p = { dues[_i].amount, dues[_i].unit };
	const fq_calendar *cal = dues[_i].null_cal ? NULL : real_cal;

	ck_assert_date(fq_period_due(cal, D(dues[_i].start), &p),
		dues[_i].want);
}
END_TEST

/*
 * Period parsing.
 */

static const struct {
	const char *s;
	int amount;
	enum fq_period_unit unit;
} good_periods[] = {
	{ "30 days", 30, FQ_PERIOD_DAYS },
	{ "1 day", 1, FQ_PERIOD_DAYS },
	{ "1 days", 1, FQ_PERIOD_DAYS },
	{ "30d", 30, FQ_PERIOD_DAYS },
	{ "30 d", 30, FQ_PERIOD_DAYS },
	{ "30D", 30, FQ_PERIOD_DAYS },
	{ "30 Days", 30, FQ_PERIOD_DAYS },
	{ "30days", 30, FQ_PERIOD_DAYS },
	{ "  30 days\t", 30, FQ_PERIOD_DAYS },
	{ "9999 days", 9999, FQ_PERIOD_DAYS },
	{ "007 days", 7, FQ_PERIOD_DAYS },
	{ "1 month", 1, FQ_PERIOD_MONTHS },
	{ "1 months", 1, FQ_PERIOD_MONTHS },
	{ "2 months", 2, FQ_PERIOD_MONTHS },
	{ "1 MONTH", 1, FQ_PERIOD_MONTHS },
	{ "3 workdays", 3, FQ_PERIOD_WORKDAYS },
	{ "1 workday", 1, FQ_PERIOD_WORKDAYS },
	{ "3 working days", 3, FQ_PERIOD_WORKDAYS },
	{ "1 working day", 1, FQ_PERIOD_WORKDAYS },
	{ "24 hours", 24, FQ_PERIOD_HOURS },
	{ "1 hour", 1, FQ_PERIOD_HOURS },
	{ "24h", 24, FQ_PERIOD_HOURS },
	{ "4 h", 4, FQ_PERIOD_HOURS },
	{ "30日", 30, FQ_PERIOD_DAYS },
	{ "30天", 30, FQ_PERIOD_DAYS },
	{ "30 日", 30, FQ_PERIOD_DAYS },
	{ "30个自然日", 30, FQ_PERIOD_DAYS },
	{ "30自然日", 30, FQ_PERIOD_DAYS },
	{ "一个月", 1, FQ_PERIOD_MONTHS },
	{ "1个月", 1, FQ_PERIOD_MONTHS },
	{ "两个月", 2, FQ_PERIOD_MONTHS },
	{ "3个工作日", 3, FQ_PERIOD_WORKDAYS },
	{ "3工作日", 3, FQ_PERIOD_WORKDAYS },
	{ "十个工作日", 10, FQ_PERIOD_WORKDAYS },
	{ "24小时", 24, FQ_PERIOD_HOURS },
	{ "24个小时", 24, FQ_PERIOD_HOURS },
	{ "二十四小时", 24, FQ_PERIOD_HOURS },
	{ "十五日", 15, FQ_PERIOD_DAYS },
	{ "二十日", 20, FQ_PERIOD_DAYS },
	{ "三十日", 30, FQ_PERIOD_DAYS },
	{ "六十日", 60, FQ_PERIOD_DAYS },
	{ "九十九天", 99, FQ_PERIOD_DAYS },
	{ "一百二十日", 120, FQ_PERIOD_DAYS },
	{ "一百零五天", 105, FQ_PERIOD_DAYS },
	{ "两百天", 200, FQ_PERIOD_DAYS },
	{ "九百九十九天", 999, FQ_PERIOD_DAYS },
	{ "30天 ", 30, FQ_PERIOD_DAYS },
	{ "３０天", 30, FQ_PERIOD_DAYS },		/* full-width digits */
	{ "\xe3\x80\x80" "30日\xe3\x80\x80", 30, FQ_PERIOD_DAYS }, /* U+3000 */
};

START_TEST(test_date_period_parse_good)
{
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_period p = { -1, FQ_PERIOD_HOURS };

	ck_assert_msg(fq_period_parse(&p, good_periods[_i].s, &err) == 0,
		"'%s': %s", good_periods[_i].s, err.msg);
	ck_assert_int_eq(p.amount, good_periods[_i].amount);
	ck_assert_int_eq(p.unit, good_periods[_i].unit);
}
END_TEST

static const char *const bad_periods[] = {
	"",
	"   ",
	"0 days",		/* zero is refused, see date.h */
	"0d",
	"零天",
	"-1 days",
	"-30d",
	" -3 workdays",
	"+30 days",
	"30",			/* no unit */
	"days",			/* no amount */
	"一",
	"1月",			/* January, not a month */
	"一月",
	"30 dayz",
	"30 days ago",
	"30 days30",
	"1 month 2 days",
	"3 weeks",
	"30 minutes",
	"30 m",
	"1.5 days",
	"1,000 days",
	"10000 days",		/* above FQ_PERIOD_MAX */
	"99999999999999999999 days",
	"0x10 days",
	"30 d ays",
	"一百五天",		/* 105 or 150? refused */
	"三五天",
	"百天",
	"十十天",
	"二十一百天",
	"一百零天",
	"零五天",
	"二十零五天",
	"三十 天 天",
	"30个天",
	"30日 30日",
};

START_TEST(test_date_period_parse_bad)
{
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_period p = { 77, FQ_PERIOD_HOURS };
	const char *s = bad_periods[_i];

	ck_assert_msg(fq_period_parse(&p, s, &err) == FQ_EUSAGE,
		"'%s' was accepted as %d/%d", s, p.amount, (int)p.unit);
	ck_assert_int_eq(err.code, FQ_EUSAGE);
	ck_assert_int_eq(p.amount, 77);		/* untouched */
	ck_assert_int_eq(p.unit, FQ_PERIOD_HOURS);
	ck_assert_msg(strstr(err.msg, s) != NULL,
		"message '%s' does not quote '%s'", err.msg, s);
	ck_assert_int_eq(fq_period_parse(&p, s, NULL), FQ_EUSAGE);
}
END_TEST

START_TEST(test_date_period_parse_messages)
{
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_period p;

	ck_assert_int_eq(fq_period_parse(&p, NULL, &err), FQ_EUSAGE);
	ck_assert_int_eq(fq_period_parse(&p, "0 days", &err), FQ_EUSAGE);
	ck_assert_str_eq(err.msg,
		"invalid period '0 days': must be at least 1");
	ck_assert_int_eq(fq_period_parse(&p, "-1 days", &err), FQ_EUSAGE);
	ck_assert_str_eq(err.msg,
		"invalid period '-1 days': must not be negative");
	ck_assert_int_eq(fq_period_parse(&p, "10000 days", &err), FQ_EUSAGE);
	ck_assert_str_eq(err.msg,
		"invalid period '10000 days': more than 9999");
	ck_assert_int_eq(fq_period_parse(&p, "3 weeks", &err), FQ_EUSAGE);
	ck_assert_ptr_nonnull(strstr(err.msg, "'3 weeks'"));
	ck_assert_ptr_nonnull(strstr(err.msg, "30 days"));
}
END_TEST

START_TEST(test_date_period_format)
{
	static const struct {
		struct fq_period p;
		const char *want;
	} t[] = {
		{ { 30, FQ_PERIOD_DAYS }, "30 days" },
		{ { 1, FQ_PERIOD_DAYS }, "1 day" },
		{ { 1, FQ_PERIOD_MONTHS }, "1 month" },
		{ { 2, FQ_PERIOD_MONTHS }, "2 months" },
		{ { 3, FQ_PERIOD_WORKDAYS }, "3 workdays" },
		{ { 1, FQ_PERIOD_WORKDAYS }, "1 workday" },
		{ { 24, FQ_PERIOD_HOURS }, "24 hours" },
		{ { 9999, FQ_PERIOD_WORKDAYS }, "9999 workdays" },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char buf[FQ_PERIOD_SIZE];
		struct fq_period back = { 0, FQ_PERIOD_DAYS };

		fq_period_format(buf, &t[i].p);
		ck_assert_str_eq(buf, t[i].want);
		ck_assert_int_eq(fq_period_parse(&back, buf, NULL), 0);
		ck_assert_int_eq(back.amount, t[i].p.amount);
		ck_assert_int_eq(back.unit, t[i].p.unit);
	}
}
END_TEST

/*
 * Loading calendars: good and bad files in a temporary directory.
 */

static char tmpdir[256];

static void
tmpdir_setup(void)
{
	const char *base = getenv("TMPDIR");

	snprintf(tmpdir, sizeof(tmpdir), "%s/fq-date-XXXXXX",
		base && *base ? base : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void
tmpdir_teardown(void)
{
	DIR *dp = opendir(tmpdir);
	struct dirent *de;
	char path[512];

	if (!dp)
		return;
	while ((de = readdir(dp)) != NULL) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", tmpdir, de->d_name);
		unlink(path);
	}
	closedir(dp);
	rmdir(tmpdir);
}

static void
write_file(const char *name, const char *text)
{
	char path[512];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	fputs(text, fp);
	ck_assert_int_eq(fclose(fp), 0);
}

static bool
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && !strcmp(s + n - k, suffix);
}

static const struct {
	const char *text;	/* written to 2024.yaml */
	int code;
	unsigned line, column;
	const char *msg;	/* a part of the message */
} bad_files[] = {
	{ "year: 2024\nholidays:\n  - 2024-01-01\n  - 2025-01-01\n",
		FQ_EINVALID, 4, 5, "holiday '2025-01-01' is not in 2024" },
	{ "year: 2024\nholidays:\n  - 2024-02-30\n",
		FQ_EINVALID, 3, 5, "2024-02 has no day 30" },
	{ "year: 2024\nholidays:\n  - 2024-2-3\n",
		FQ_EINVALID, 3, 5, "'2024-2-3'" },
	{ "year: 2024\nholidays:\n  - 2024-10-01\n  - 2024-10-01\n",
		FQ_EINVALID, 4, 5, "'2024-10-01' is listed twice" },
	{ "year: 2024\nworkdays:\n  - 2024-09-29\n  - 2024-09-29\n",
		FQ_EINVALID, 4, 5, "'2024-09-29' is listed twice" },
	{ "year: 2024\nholidays:\n  - 2024-10-05\nworkdays:\n  - 2024-10-05\n",
		FQ_EINVALID, 5, 5, "both a holiday and a workday" },
	{ "year: 2024\nworkdays:\n  - 2024-09-29\n  - 2024-10-08\n",
		FQ_EINVALID, 4, 5, "workday '2024-10-08' is not a Saturday" },
	{ "year: 2024\nworkdays:\n  - 2023-12-31\n",
		FQ_EINVALID, 3, 5, "workday '2023-12-31' is not in 2024" },
	{ "year: 2025\nholidays: []\n",
		FQ_EINVALID, 1, 7, "'year' must be 2024" },
	{ "year: twenty\n",
		FQ_EINVALID, 1, 7, "'year' must be 2024" },
	{ "year: [2024]\n",
		FQ_EINVALID, 1, 7, "'year' must be 2024" },
	{ "holidays:\n  - 2024-10-01\n",
		FQ_EINVALID, 1, 1, "missing 'year'" },
	{ "year: 2024\nholiday:\n  - 2024-10-01\n",
		FQ_EINVALID, 2, 1, "unknown key 'holiday'" },
	{ "year: 2024\nholidays: 2024-10-01\n",
		FQ_EINVALID, 2, 11, "'holidays' must be a list" },
	{ "year: 2024\nholidays:\n  - 2024-10-01\n  - {a: b}\n",
		FQ_EINVALID, 4, 5, "'holidays' must be a list" },
	{ "year: 2024\nworkdays:\n  - [2024-09-29]\n",
		FQ_EINVALID, 3, 5, "'workdays' must be a list" },
	{ "- 2024-10-01\n",
		FQ_EINVALID, 1, 1, "expected a mapping" },
	{ "",
		FQ_EINVALID, 1, 1, "expected a mapping" },
	{ "year: 2024\nholidays: [2024-10-01\n",
		FQ_EPARSE, 3, 1, "" },
	{ "year: 2024\nyear: 2024\n",
		FQ_EPARSE, 2, 1, "duplicate key 'year'" },
};

START_TEST(test_date_calendar_bad_file)
{
	struct fq_error err = FQ_ERROR_INIT;
	fq_calendar *cal = (fq_calendar *)&err;	/* must be reset to NULL */

	write_file("2023.yaml", "year: 2023\nholidays:\n  - 2023-10-02\n");
	write_file("2024.yaml", bad_files[_i].text);
	ck_assert_int_eq(fq_calendar_load(&cal, tmpdir, &err),
		bad_files[_i].code);
	ck_assert_ptr_null(cal);
	ck_assert_int_eq(err.code, bad_files[_i].code);
	ck_assert_msg(ends_with(err.file, "/2024.yaml"), "file '%s'",
		err.file);
	ck_assert_uint_eq(err.line, bad_files[_i].line);
	ck_assert_uint_eq(err.column, bad_files[_i].column);
	ck_assert_msg(strstr(err.msg, bad_files[_i].msg) != NULL,
		"message '%s' lacks '%s'", err.msg, bad_files[_i].msg);
}
END_TEST

START_TEST(test_date_calendar_custom)
{
	struct fq_error err = FQ_ERROR_INIT;
	fq_calendar *cal = NULL;

	/* Only YYYY.yaml files are read; the rest would not parse. */
	write_file("README.md", "# not YAML: [\n");
	write_file("2031.yml", "[\n");
	write_file("x2031.yaml", "[\n");
	write_file("20310.yaml", "[\n");
	write_file("0000.yaml", "[\n");
	write_file("2030.yaml",
		"# a made-up year\n"
		"year: 2030\n"
		"holidays:\n"
		"  - 2030-10-01   # Tuesday\n"
		"  - 2030-10-05   # a Saturday, listed anyway\n"
		"workdays:\n"
		"  - 2030-09-29   # Sunday\n");
	write_file("2031.yaml", "year: 2031\n");
	write_file("2032.yaml", "year: 2032\nholidays: []\nworkdays:\n");
	ck_assert_int_eq(fq_calendar_load(&cal, tmpdir, &err), 0);
	ck_assert_ptr_nonnull(cal);
	ck_assert(fq_calendar_has_year(cal, 2030));
	ck_assert(fq_calendar_has_year(cal, 2031));
	ck_assert(fq_calendar_has_year(cal, 2032));
	ck_assert(!fq_calendar_has_year(cal, 2029));
	ck_assert(!fq_calendar_is_workday(cal, D("2030-10-01")));
	ck_assert(!fq_calendar_is_workday(cal, D("2030-10-05")));
	ck_assert(fq_calendar_is_workday(cal, D("2030-09-29")));
	ck_assert(fq_calendar_is_workday(cal, D("2030-10-02")));
	ck_assert(fq_calendar_covers(cal, D("2030-01-01"), D("2032-12-31")));
	fq_calendar_free(cal);
}
END_TEST

START_TEST(test_date_calendar_empty_dir)
{
	struct fq_error err = FQ_ERROR_INIT;
	fq_calendar *cal = NULL;
	struct fq_period p = { 20, FQ_PERIOD_DAYS };

	ck_assert_int_eq(fq_calendar_load(&cal, tmpdir, &err), 0);
	ck_assert_ptr_nonnull(cal);
	ck_assert(!fq_calendar_has_year(cal, 2024));
	ck_assert(fq_calendar_is_workday(cal, D("2024-10-01")));
	ck_assert(!fq_calendar_is_workday(cal, D("2024-09-29")));
	ck_assert_date(fq_period_due(cal, D("2024-09-11"), &p), "2024-10-01");
	fq_calendar_free(cal);
}
END_TEST

START_TEST(test_date_calendar_missing_dir)
{
	struct fq_error err = FQ_ERROR_INIT;
	fq_calendar *cal = (fq_calendar *)&err;
	char path[512];

	snprintf(path, sizeof(path), "%s/nonexistent", tmpdir);
	ck_assert_int_eq(fq_calendar_load(&cal, path, &err), FQ_ENOTFOUND);
	ck_assert_ptr_null(cal);
	ck_assert_ptr_nonnull(strstr(err.msg, path));
}
END_TEST

/*
 * Today and now.
 */

static fq_day
real_today(void)
{
	time_t t = time(NULL);
	struct tm tm;

	ck_assert_ptr_nonnull(localtime_r(&t, &tm));
	return fq_date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

START_TEST(test_date_today)
{
	struct fq_error err = FQ_ERROR_INIT;
	fq_day d = 0, before, after;

	ck_assert_int_eq(fq_today(&d, "2024-03-05", &err), 0);
	ck_assert_date(d, "2024-03-05");

	before = real_today();
	ck_assert_int_eq(fq_today(&d, NULL, &err), 0);
	after = real_today();
	ck_assert(d == before || d == after);
	ck_assert_int_eq(fq_today(&d, "", &err), 0);
	ck_assert(d == after || d == real_today());

	d = 99;
	ck_assert_int_eq(fq_today(&d, "2024-3-5", &err), FQ_EUSAGE);
	ck_assert_int_eq(d, 99);
	ck_assert_ptr_nonnull(strstr(err.msg, "FQ_TODAY"));
	ck_assert_ptr_nonnull(strstr(err.msg, "'2024-3-5'"));
	ck_assert_int_eq(fq_today(&d, "2023-02-29", &err), FQ_EUSAGE);
}
END_TEST

/* Check the shape YYYY-MM-DDTHH:MM:SS+HH:MM. */
static void
check_iso_shape(const char *s)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:dd+dd:dd";
	size_t i;

	ck_assert_uint_eq(strlen(s), strlen(shape));
	for (i = 0; shape[i]; i++) {
		if (shape[i] == 'd')
			ck_assert_msg(s[i] >= '0' && s[i] <= '9', "'%s'", s);
		else if (shape[i] == '+')
			ck_assert_msg(s[i] == '+' || s[i] == '-', "'%s'", s);
		else
			ck_assert_msg(s[i] == shape[i], "'%s'", s);
	}
}

static const struct {
	const char *tz;		/* POSIX TZ strings: no tzdata needed */
	const char *offset;
} zones[] = {
	{ "UTC0", "+00:00" },
	{ "CST-8", "+08:00" },
	{ "EST5", "-05:00" },
	{ "IST-5:30", "+05:30" },
	{ "NPT-5:45", "+05:45" },
	{ "NST3:30", "-03:30" },
};

START_TEST(test_date_now_iso)
{
	const char *old = getenv("TZ");
	char *saved = old ? strdup(old) : NULL;
	char buf[FQ_NOW_ISO_SIZE], date[FQ_DATE_SIZE];

	setenv("TZ", zones[_i].tz, 1);
	tzset();

	fq_now_iso(buf, NULL);
	check_iso_shape(buf);
	ck_assert_str_eq(buf + 19, zones[_i].offset);
	fq_date_format(date, real_today());
	/* The date is today's, unless midnight passed in between. */
	ck_assert(!strncmp(buf, date, 10) || buf[11] == '0');

	fq_now_iso(buf, "2024-03-05");
	check_iso_shape(buf);
	ck_assert(!strncmp(buf, "2024-03-05T", 11));
	ck_assert_str_eq(buf + 19, zones[_i].offset);

	fq_now_iso(buf, "");
	check_iso_shape(buf);
	fq_now_iso(buf, "garbage");		/* ignored */
	check_iso_shape(buf);

	if (saved)
		setenv("TZ", saved, 1);
	else
		unsetenv("TZ");
	tzset();
	free(saved);
}
END_TEST

/* Test: timestamps
 * Description: fq_ts_parse() reads the event stamps and FQ_TODAY's time
 * (with or without seconds, fraction and offset; Z; +HHMM), refuses what
 * is not one, and fq_ts_format() writes it back at any offset, across a
 * day, a month and a year. */
static const struct {
	const char *in;
	int def_off;
	int ok;
	const char *utc;	/* fq_ts_format(.., 0) */
	int off;
} stamps[] = {
	{ "2024-03-05T14:30:00+08:00", 0, 1, "2024-03-05T06:30:00+00:00", 480 },
	{ "2024-03-05T14:30+08:00", 0, 1, "2024-03-05T06:30:00+00:00", 480 },
	{ "2024-03-05T14:30", 480, 1, "2024-03-05T06:30:00+00:00", 480 },
	{ "2024-03-05 14:30:15", 0, 1, "2024-03-05T14:30:15+00:00", 0 },
	{ "2024-03-05T14:30:15.123Z", 480, 1, "2024-03-05T14:30:15+00:00", 0 },
	{ "2024-03-01T03:00:00+0800", 0, 1, "2024-02-29T19:00:00+00:00", 480 },
	{ "2025-01-01T07:59:59+08:00", 0, 1, "2024-12-31T23:59:59+00:00", 480 },
	{ "2024-03-05T14:30:00-05:30", 0, 1, "2024-03-05T20:00:00+00:00", -330 },
	{ "2024-12-31T23:59:60Z", 0, 1, "2024-12-31T23:59:59+00:00", 0 },
	{ "2024-03-05", 0, 0, NULL, 0 },
	{ "2024-03-05T24:00", 0, 0, NULL, 0 },
	{ "2024-03-05T14:60", 0, 0, NULL, 0 },
	{ "2024-02-30T10:00", 0, 0, NULL, 0 },
	{ "2024-03-05T14:30+8", 0, 0, NULL, 0 },
	{ "2024-03-05T14:30+08:00x", 0, 0, NULL, 0 },
	{ "2024-03-05T14:30+19:00", 0, 0, NULL, 0 },
	{ "2024-03-05T1430", 0, 0, NULL, 0 },
	{ "", 0, 0, NULL, 0 },
};

START_TEST(test_date_ts)
{
	char buf[FQ_NOW_ISO_SIZE];
	int64_t t = -1;
	int off = 12345;

	if (!stamps[_i].ok) {
		ck_assert_int_eq(fq_ts_parse(&t, &off, stamps[_i].in,
			stamps[_i].def_off), FQ_EUSAGE);
		ck_assert_int_eq(t, -1);
		return;
	}
	ck_assert_msg(fq_ts_parse(&t, &off, stamps[_i].in,
		stamps[_i].def_off) == FQ_OK, "'%s'", stamps[_i].in);
	ck_assert_int_eq(off, stamps[_i].off);
	fq_ts_format(buf, t, 0);
	ck_assert_str_eq(buf, stamps[_i].utc);
	/* back in its own offset, and parsed again to the same moment */
	fq_ts_format(buf, t, off);
	{
		int64_t u;

		ck_assert_int_eq(fq_ts_parse(&u, NULL, buf, 0), FQ_OK);
		ck_assert(u == t);
	}
}
END_TEST

/* FQ_TODAY with a time: the date as written is today; fq_now_iso() is
 * that moment (the local offset when none is given). */
START_TEST(test_date_today_with_time)
{
	struct fq_error err = FQ_ERROR_INIT;
	char buf[FQ_NOW_ISO_SIZE];
	const char *old = getenv("TZ");
	char *saved = old ? strdup(old) : NULL;
	fq_day d = 0;

	ck_assert_int_eq(fq_today(&d, "2024-03-05T23:30+08:00", &err), 0);
	ck_assert_date(d, "2024-03-05");
	ck_assert_int_eq(fq_today(&d, "2024-03-05T25:30", &err), FQ_EUSAGE);
	setenv("TZ", "CST-8", 1);
	tzset();
	ck_assert_int_eq(fq_local_offset(), 480);
	fq_now_iso(buf, "2024-03-05T09:15");
	ck_assert_str_eq(buf, "2024-03-05T09:15:00+08:00");
	fq_now_iso(buf, "2024-03-05T09:15:30Z");
	ck_assert_str_eq(buf, "2024-03-05T09:15:30+00:00");
	setenv("TZ", "EST5", 1);
	tzset();
	ck_assert_int_eq(fq_local_offset(), -300);
	if (saved)
		setenv("TZ", saved, 1);
	else
		unsetenv("TZ");
	tzset();
	free(saved);
}
END_TEST

Suite *
fq_date_suite(void)
{
	Suite *s = suite_create("date");
	TCase *tc;

#define LOOP(tc, fn, table) \
	tcase_add_loop_test(tc, fn, 0, \
		(int)(sizeof(table) / sizeof((table)[0])))

	tc = tcase_create("parse");
	LOOP(tc, test_date_parse_valid, valid_dates);
	LOOP(tc, test_date_parse_invalid, invalid_dates);
	tcase_add_test(tc, test_date_parse_messages);
	tcase_add_test(tc, test_date_roundtrip_all_days);
	tcase_add_test(tc, test_date_ymd_null_pointers);
	suite_add_tcase(s, tc);

	tc = tcase_create("fields");
	LOOP(tc, test_date_leap, leap_years);
	tcase_add_test(tc, test_date_days_in_month);
	LOOP(tc, test_date_weekday, weekdays);
	suite_add_tcase(s, tc);

	tc = tcase_create("arithmetic");
	LOOP(tc, test_date_add_days, add_days);
	LOOP(tc, test_date_add_months, add_months);
	suite_add_tcase(s, tc);

	tc = tcase_create("calendar");
	tcase_add_checked_fixture(tc, real_cal_setup, real_cal_teardown);
	tcase_add_test(tc, test_date_calendar_years);
	LOOP(tc, test_date_calendar_year_totals, year_totals);
	LOOP(tc, test_date_calendar_is_workday, workdays);
	tcase_add_test(tc, test_date_calendar_null);
	LOOP(tc, test_date_calendar_next_workday, next_workdays);
	LOOP(tc, test_date_calendar_add_workdays, add_workdays);
	suite_add_tcase(s, tc);

	tc = tcase_create("load");
	tcase_add_checked_fixture(tc, tmpdir_setup, tmpdir_teardown);
	LOOP(tc, test_date_calendar_bad_file, bad_files);
	tcase_add_test(tc, test_date_calendar_custom);
	tcase_add_test(tc, test_date_calendar_empty_dir);
	tcase_add_test(tc, test_date_calendar_missing_dir);
	suite_add_tcase(s, tc);

	tc = tcase_create("period");
	tcase_add_checked_fixture(tc, real_cal_setup, real_cal_teardown);
	LOOP(tc, test_date_period_due, dues);
	LOOP(tc, test_date_period_parse_good, good_periods);
	LOOP(tc, test_date_period_parse_bad, bad_periods);
	tcase_add_test(tc, test_date_period_parse_messages);
	tcase_add_test(tc, test_date_period_format);
	suite_add_tcase(s, tc);

	tc = tcase_create("today");
	tcase_add_test(tc, test_date_today);
	tcase_add_test(tc, test_date_today_with_time);
	LOOP(tc, test_date_ts, stamps);
	LOOP(tc, test_date_now_iso, zones);
	suite_add_tcase(s, tc);
#undef LOOP

	return s;
}
