/*
 * date.h: calendar dates, the holiday calendar and legal periods.
 *
 * Every deadline in fq (DOMAIN.md §3.8) is a calendar date, never a
 * timestamp: a case accepted on 2024-01-31 with a one-month limit is due on
 * 2024-02-29, whatever the time of day and wherever the clerk's computer
 * thinks it is.  So this module counts whole days with integer arithmetic
 * only; nothing here depends on TZ, mktime() or the C library's idea of a
 * calendar, except the two functions that ask what day it is now
 * (fq_today() and fq_now_iso()).
 *
 * Dates
 * -----
 *
 * A date is an fq_day, the number of days since 1970-01-01 in the
 * proleptic Gregorian calendar (1970-01-01 is 0, 1969-12-31 is -1).  Being
 * a plain integer it compares with <, and the difference of two dates is
 * the number of days between them:
 *
 *	fq_day due, today;
 *	if (today > due)
 *		printf("%d days overdue\n", (int)(today - due));
 *
 * Text dates are always ISO 8601 "YYYY-MM-DD".  fq_date_parse() is strict:
 * four-digit year 0001-9999, two-digit month and day, a day that exists,
 * nothing before or after.  (The lenient "2024年3月5日" and "2024/3/5"
 * forms of paper ledgers belong to the importer, which hands this module
 * the year, month and day it found.)
 *
 * The arithmetic functions are defined for years 0001-9999 at least; the
 * formatter only prints four-digit years.
 *
 * The holiday calendar
 * --------------------
 *
 * Working days follow the State Council's yearly 放假安排 notice.  The clerk
 * keeps one YAML file per year in a directory (schemas/holidays/ by
 * default):
 *
 *	year: 2024
 *	holidays:		# rest days of each holiday block
 *	  - 2024-10-01
 *	  ...
 *	workdays:		# 调休: Saturdays and Sundays that are worked
 *	  - 2024-09-29
 *	  - 2024-10-12
 *
 * A day is a working day if it is listed under workdays; otherwise a rest
 * day if it is listed under holidays or is a Saturday or a Sunday;
 * otherwise a working day.  For a year without a file only weekends are
 * rest days: the functions still answer, and the caller uses
 * fq_calendar_has_year() or fq_calendar_covers() to warn that the answer
 * may be wrong.  A NULL calendar behaves as a calendar with no years.
 *
 * Periods
 * -------
 *
 * A period is an amount and a unit ("30 days", "1 month", "3 workdays",
 * "24 hours"; also "30日", "一个月", "3个工作日", "24小时").  The due date
 * follows 民事诉讼法 art. 82 and 民法典 arts. 201-203 (DOMAIN.md §2.4, §3.8.1):
 *
 *  - the start day is not counted: 10 days from 2024-03-01 is 2024-03-11;
 *  - a month period ends on the same day of the month N months later, or
 *    on that month's last day if it has no such day (民法典 202);
 *  - holidays inside the period are not deducted;
 *  - if the last day of a day or month period is a rest day it moves to the
 *    next working day (so a 调休 working Sunday is a valid last day);
 *  - a working-day period counts working days only, 调休 days included;
 *  - an hour period has no dates to speak of: fq stores dates only, so it
 *    is rounded up to whole days and never moved (see fq_period_due()).
 *
 * Errors follow error.h: functions that can fail return 0 or a negative
 * enum fq_code and fill the caller's struct fq_error, which may be NULL.
 */
#ifndef FQ_DATE_H
#define FQ_DATE_H

#include <stdbool.h>
#include <stdint.h>
#include "fq/error.h"

/* Days since 1970-01-01, proleptic Gregorian. */
typedef int32_t fq_day;

/* Buffer sizes for the formatters, terminating NUL included. */
#define FQ_DATE_SIZE 11		/* "YYYY-MM-DD" */
#define FQ_NOW_ISO_SIZE 32	/* "YYYY-MM-DDTHH:MM:SS+HH:MM" */
#define FQ_PERIOD_SIZE 32	/* "9999 workdays" */

/*
 * Parsing and formatting
 * ----------------------
 */

/*
 * Parse a strict "YYYY-MM-DD" into *out.  The year must be 0001-9999 and
 * the day must exist: "2023-02-29", "2024-13-01", "2024-1-5", " 2024-01-05"
 * and "2024-01-05T00:00" are all refused.  *out is left alone on failure.
 *
 * @retval FQ_EUSAGE	iso is NULL or not such a date; the message quotes it.
 */
int fq_date_parse(fq_day *out, const char *iso, struct fq_error *err);

/* Write d as "YYYY-MM-DD" (NUL-terminated) into out. */
void fq_date_format(char out[FQ_DATE_SIZE], fq_day d);

/*
 * Calendar fields
 * ---------------
 */

/* True for Gregorian leap years: 2000 and 2024 are, 1900 and 2023 are not. */
bool fq_date_is_leap(int year);

/* Days in month m (1-12) of year y: 28 to 31; 0 if m is out of range. */
int fq_date_days_in_month(int y, int m);

/* True if y-m-d is a date that exists (m 1-12, d 1-days_in_month). */
bool fq_date_valid(int y, int m, int d);

/*
 * The fq_day of y-m-d.  m must be 1-12.  d is counted from the first of
 * the month, so d = 0 is the last day of the previous month and d past the
 * month's end runs into the next; use fq_date_valid() to check user input.
 */
fq_day fq_date_from_ymd(int y, int m, int d);

/* Split d into year, month (1-12) and day (1-31).  Any pointer may be NULL. */
void fq_date_ymd(fq_day d, int *y, int *m, int *day);

/* ISO weekday: 1 = Monday ... 6 = Saturday, 7 = Sunday. */
int fq_date_weekday(fq_day d);

/*
 * Arithmetic
 * ----------
 */

/* d + n days (n may be negative). */
fq_day fq_date_add_days(fq_day d, int n);

/*
 * The same day of the month n months later (n may be negative), or the
 * last day of that month if it is shorter (民法典 202):
 * 2024-01-31 + 1 = 2024-02-29, 2023-01-31 + 1 = 2023-02-28,
 * 2024-03-31 + 1 = 2024-04-30, 2024-12-31 + 2 = 2025-02-28.
 */
fq_day fq_date_add_months(fq_day d, int n);

/*
 * The holiday calendar
 * --------------------
 */

typedef struct fq_calendar fq_calendar;

/*
 * Read every file named YYYY.yaml in dir (other names, README.md included,
 * are ignored) into a new calendar for the caller, to be freed with
 * fq_calendar_free().  A file must be a mapping with exactly these keys:
 * `year` (required, equal to the file name), `holidays` and `workdays`
 * (optional lists of dates in that year).  A date listed twice, a date in
 * both lists, a workday that is not a Saturday or Sunday, or an unknown key
 * is an error, because each is a typo that would move deadlines silently.
 * An empty directory gives an empty calendar (weekends only).  Files are
 * read in name order and the first problem is reported, with err->file,
 * err->line and err->column pointing at it.
 *
 * @retval FQ_ENOTFOUND	dir does not exist
 * @retval FQ_EPARSE	a file is not well-formed YAML
 * @retval FQ_EINVALID	a file does not follow the format above
 * @retval FQ_ERROR	dir or a file cannot be read
 */
int fq_calendar_load(fq_calendar **out, const char *dir, struct fq_error *err);

/* Free a calendar; accepts NULL. */
void fq_calendar_free(fq_calendar *cal);

/* True if the calendar has a file for year (false for a NULL calendar). */
bool fq_calendar_has_year(const fq_calendar *cal, int year);

/*
 * True if the calendar has a file for every year from the year of `from`
 * to the year of `to` inclusive (the dates may come in either order).  Use
 * it to warn "no holiday file for ..." after computing a due date.
 */
bool fq_calendar_covers(const fq_calendar *cal, fq_day from, fq_day to);

/*
 * True if d is a working day: a 调休 workday, or a Monday to Friday that
 * is not a listed holiday.  cal may be NULL (weekends only).
 */
bool fq_calendar_is_workday(const fq_calendar *cal, fq_day d);

/* d itself if it is a working day, else the first working day after it. */
fq_day fq_calendar_next_workday(const fq_calendar *cal, fq_day d);

/*
 * The n-th working day after d, d itself not counted (d may be a rest
 * day): 1 working day after Friday 2024-09-27 is Sunday 2024-09-29 (调休).
 * A negative n counts back to the |n|-th working day before d; n == 0
 * gives d.
 */
fq_day fq_calendar_add_workdays(const fq_calendar *cal, fq_day d, int n);

/*
 * Periods
 * -------
 */

enum fq_period_unit {
	FQ_PERIOD_DAYS,
	FQ_PERIOD_MONTHS,
	FQ_PERIOD_WORKDAYS,
	FQ_PERIOD_HOURS
};

/* Periods are 1 to FQ_PERIOD_MAX units long. */
#define FQ_PERIOD_MAX 9999

struct fq_period {
	int amount;
	enum fq_period_unit unit;
};

/*
 * Parse a period.  The amount is a whole number from 1 to FQ_PERIOD_MAX,
 * in ASCII or full-width digits or in Chinese numerals (一 to 九百九十九,
 * 两 included); the unit follows, with or without a space between:
 *
 *	days		30 days, 1 day, 30d, 30日, 30天, 30自然日, 30个自然日
 *	months		1 month, 2 months, 1个月, 一个月, 两个月
 *	workdays	3 workdays, 1 workday, 3 working days, 3工作日,
 *			3个工作日
 *	hours		24 hours, 1 hour, 24h, 24小时, 24个小时
 *
 * English units ignore ASCII case; white space around the whole is
 * ignored.  A zero period ("0 days") is refused: every rule that uses a
 * period gives at least a day, so a 0 is a typo, and "no deadline" is said
 * by leaving the setting out.  Negative amounts, fractions, a missing unit
 * ("30", "1月", which is January) and trailing text are refused too.
 * *out is left alone on failure.
 *
 * @retval FQ_EUSAGE	s is NULL or not a period; the message quotes it
 */
int fq_period_parse(struct fq_period *out, const char *s, struct fq_error *err);

/*
 * Write p in the canonical English form fq_period_parse() reads back:
 * "30 days", "1 month", "3 workdays", "24 hours" (singular for 1).
 */
void fq_period_format(char out[FQ_PERIOD_SIZE], const struct fq_period *p);

/*
 * The last day of period p started on `start`, which is not counted
 * (cal may be NULL: weekends only):
 *
 *	DAYS		start + amount, moved to the next working day if
 *			that is a rest day;
 *	MONTHS		fq_date_add_months(start, amount), moved likewise;
 *	WORKDAYS	fq_calendar_add_workdays(cal, start, amount);
 *	HOURS		start + ceil(amount / 24) days, NOT moved.
 *
 * Hours: fq keeps dates without a time of day, so "within 24 hours" of a
 * report made on the 5th is read as "by the end of the 6th" and 4 hours as
 * "by the end of the next day", the latest the hours can run out.  An
 * hour clock (a red case reported up within 4 h) runs through weekends and
 * holidays, so the due day is never moved (DOMAIN.md §3.8.1).
 *
 * An amount below 1 (which fq_period_parse() never gives) returns start.
 */
fq_day fq_period_due(const fq_calendar *cal, fq_day start,
	const struct fq_period *p);

/*
 * Today and now
 * -------------
 */

/*
 * Timestamps (the `at` of events, hour deadlines)
 * ----------------------------------------------
 *
 * An hour deadline (a red case reported up to the county within 4 hours,
 * DOMAIN.md R7) is a moment, not a day.  Timestamps are compared as
 * seconds since the epoch in UTC, computed from the text and its offset
 * with integer arithmetic only (no TZ, no mktime()).
 */

/*
 * Parse "YYYY-MM-DDTHH:MM[:SS[.frac]][Z|+HH:MM|-HH:MM|+HHMM]" (a blank for
 * the T is accepted) into seconds since 1970-01-01T00:00Z and the offset
 * in minutes (off_min may be NULL).  Without an offset the time is read
 * at def_off minutes east of UTC.  A leap second reads as :59.
 *
 * @retval FQ_EUSAGE	not such a timestamp (no message: err-less)
 */
int fq_ts_parse(int64_t *utc, int *off_min, const char *s, int def_off);

/* Write utc as "YYYY-MM-DDTHH:MM:SS+HH:MM" at off_min minutes east. */
void fq_ts_format(char out[FQ_NOW_ISO_SIZE], int64_t utc, int off_min);

/* The machine's current UTC offset in minutes (east positive). */
int fq_local_offset(void);

/*
 * Today's date.  pinned is what the caller found in FQ_TODAY
 * (getenv("FQ_TODAY")): if it is non-NULL and non-empty it must be a
 * date for fq_date_parse(), or a timestamp for fq_ts_parse() whose date
 * (as written) is the answer; otherwise the answer is the local date of
 * time(NULL).
 *
 * @retval FQ_EUSAGE	pinned is not a YYYY-MM-DD date
 * @retval FQ_ERROR	the system clock cannot be read
 */
int fq_today(fq_day *out, const char *pinned, struct fq_error *err);

/*
 * The current local time as ISO 8601 with the UTC offset,
 * "2024-03-05T14:30:00+08:00" (UTC is "+00:00").  If pinned_today is a
 * valid date (FQ_TODAY), it replaces the date and the time of day is
 * still the real one, so pinned runs stamp events on the pinned day.  If
 * it is a timestamp (FQ_TODAY=2024-03-05T09:30, offset optional: the
 * local one), it is the answer, so hour deadlines can be tested.  A
 * pinned_today that does not parse is ignored: check it with fq_today()
 * first.  The offset is the current one (China has no daylight saving).
 */
void fq_now_iso(char out[FQ_NOW_ISO_SIZE], const char *pinned_today);

#endif
