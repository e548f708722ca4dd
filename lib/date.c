/*
 * date.c: dates, the holiday calendar and legal periods (see fq/date.h).
 *
 * Dates are day numbers and all arithmetic is on integers.  The conversion
 * between a day number and year/month/day is Howard Hinnant's
 * days_from_civil/civil_from_days: it shifts the year to start on March 1,
 * so that the leap day is the last day of the shifted year, and counts in
 * 400-year eras of 146097 days.  It needs no tables and no loops and is
 * exact for the whole proleptic Gregorian calendar.
 *
 * The calendar keeps, for each year that has a file, two bitmaps indexed by
 * day of the year: the listed holidays and the listed 调休 workdays.  The
 * years are few (one file a year), so a sorted array is plenty.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <time.h>

#include "fq/buf.h"
#include "fq/date.h"
#include "fq/node.h"
#include "internal.h"

/*
 * Dates.
 */

static int64_t
floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

bool
fq_date_is_leap(int year)
{
	return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
}

int
fq_date_days_in_month(int y, int m)
{
	static const int days[] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	if (m < 1 || m > 12)
		return 0;
	if (m == 2 && fq_date_is_leap(y))
		return 29;
	return days[m - 1];
}

bool
fq_date_valid(int y, int m, int d)
{
	return m >= 1 && m <= 12 && d >= 1 && d <= fq_date_days_in_month(y, m);
}

fq_day
fq_date_from_ymd(int y, int m, int d)
{
	int64_t yy = (int64_t)y - (m <= 2);
	int64_t era = floor_div(yy, 400);
	int64_t yoe = yy - era * 400;			/* [0, 399] */
	int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return (fq_day)(era * 146097 + doe - 719468);
}

void
fq_date_ymd(fq_day d, int *y, int *m, int *day)
{
	int64_t z = (int64_t)d + 719468;
	int64_t era = floor_div(z, 146097);
	int64_t doe = z - era * 146097;			/* [0, 146096] */
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;		/* March = 0 */
	int mm = (int)(mp < 10 ? mp + 3 : mp - 9);

	if (y)
		*y = (int)(yoe + era * 400 + (mm <= 2));
	if (m)
		*m = mm;
	if (day)
		*day = (int)(doy - (153 * mp + 2) / 5 + 1);
}

int
fq_date_weekday(fq_day d)
{
	/* 1970-01-01 was a Thursday (4). */
	return (int)(((int64_t)d + 3) - floor_div((int64_t)d + 3, 7) * 7) + 1;
}

fq_day
fq_date_add_days(fq_day d, int n)
{
	return (fq_day)((int64_t)d + n);
}

fq_day
fq_date_add_months(fq_day d, int n)
{
	int y, m, day, dim;
	int64_t months;

	fq_date_ymd(d, &y, &m, &day);
	months = (int64_t)y * 12 + (m - 1) + n;
	y = (int)floor_div(months, 12);
	m = (int)(months - (int64_t)y * 12) + 1;
	dim = fq_date_days_in_month(y, m);
	return fq_date_from_ymd(y, m, day < dim ? day : dim);
}

/* Read exactly n ASCII digits. */
static bool
digits(const char *s, int n, int *out)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

int
fq_date_parse(fq_day *out, const char *iso, struct fq_error *err)
{
	int y, m, d;

	if (!iso)
		return fq_error_set(err, FQ_EUSAGE, "missing date");
	if (strlen(iso) != 10 || iso[4] != '-' || iso[7] != '-' ||
	    !digits(iso, 4, &y) || !digits(iso + 5, 2, &m) ||
	    !digits(iso + 8, 2, &d))
		return fq_error_set(err, FQ_EUSAGE,
			"invalid date '%.64s': expected YYYY-MM-DD", iso);
	if (y < 1)
		return fq_error_set(err, FQ_EUSAGE,
			"invalid date '%s': there is no year 0000", iso);
	if (m < 1 || m > 12)
		return fq_error_set(err, FQ_EUSAGE,
			"invalid date '%s': no month %02d", iso, m);
	if (d < 1 || d > fq_date_days_in_month(y, m))
		return fq_error_set(err, FQ_EUSAGE,
			"invalid date '%s': %04d-%02d has no day %02d",
			iso, y, m, d);
	*out = fq_date_from_ymd(y, m, d);
	return FQ_OK;
}

static void
put_digits(char *p, int v, int n)
{
	while (n-- > 0) {
		p[n] = (char)('0' + v % 10);
		v /= 10;
	}
}

void
fq_date_format(char out[FQ_DATE_SIZE], fq_day d)
{
	int y, m, day;

	fq_date_ymd(d, &y, &m, &day);
	/* Four digits only: the year is kept to 0000-9999. */
	y = y < 0 ? 0 : y > 9999 ? 9999 : y;
	put_digits(out, y, 4);
	out[4] = '-';
	put_digits(out + 5, m, 2);
	out[7] = '-';
	put_digits(out + 8, day, 2);
	out[10] = '\0';
}

/*
 * The holiday calendar.
 */

struct cal_year {
	int year;
	unsigned char rest[46];	/* bit per day of year: listed holiday */
	unsigned char work[46];	/* bit per day of year: 调休 workday */
};

struct fq_calendar {
	struct cal_year *years;	/* sorted by year (files are read in order) */
	size_t n;
};

static bool
bit_get(const unsigned char *map, int i)
{
	return map[i / 8] & (1u << (i % 8));
}

static void
bit_set(unsigned char *map, int i)
{
	map[i / 8] |= (unsigned char)(1u << (i % 8));
}

static const struct cal_year *
find_year(const fq_calendar *cal, int year)
{
	size_t lo = 0, hi;

	if (!cal)
		return NULL;
	hi = cal->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cal->years[mid].year == year)
			return &cal->years[mid];
		if (cal->years[mid].year < year)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "2024.yaml" and the like: four digits and ".yaml", nothing else. */
static bool
is_year_file(const char *name, int *year)
{
	return strlen(name) == 9 && !strcmp(name + 4, ".yaml") &&
		digits(name, 4, year) && *year >= 1;
}

/* Fill one list ("holidays" or "workdays") of cy from the file's tree. */
static int
load_list(struct cal_year *cy, const struct fq_node *root, const char *key,
	bool workday, const char *path, struct fq_error *err)
{
	const struct fq_node *list = fq_map_get(root, key);
	fq_day jan1 = fq_date_from_ymd(cy->year, 1, 1);
	size_t i;

	if (!list || list->kind == FQ_NODE_NULL)
		return FQ_OK;
	if (list->kind != FQ_NODE_SEQ)
		return fq_error_setpos(err, FQ_EINVALID, path, list->line,
			list->column, "'%s' must be a list of YYYY-MM-DD dates",
			key);
	for (i = 0; i < list->len; i++) {
		const struct fq_node *item = list->vals[i];
		struct fq_error perr = FQ_ERROR_INIT;
		fq_day d;
		int y, doy;

		if (item->kind != FQ_NODE_SCALAR)
			return fq_error_setpos(err, FQ_EINVALID, path,
				item->line, item->column,
				"'%s' must be a list of YYYY-MM-DD dates", key);
		if (fq_date_parse(&d, item->str, &perr) < 0)
			return fq_error_setpos(err, FQ_EINVALID, path,
				item->line, item->column, "%s", perr.msg);
		fq_date_ymd(d, &y, NULL, NULL);
		if (y != cy->year)
			return fq_error_setpos(err, FQ_EINVALID, path,
				item->line, item->column,
				"%s '%s' is not in %04d", workday ?
				"workday" : "holiday", item->str, cy->year);
		doy = (int)(d - jan1);
		if (bit_get(cy->rest, doy) || bit_get(cy->work, doy)) {
			bool both = bit_get(workday ? cy->rest : cy->work, doy);

			return fq_error_setpos(err, FQ_EINVALID, path,
				item->line, item->column, both ?
				"'%s' is both a holiday and a workday" :
				FQ_N_("'%s' is listed twice"), item->str);
		}
		if (workday && fq_date_weekday(d) < 6)
			return fq_error_setpos(err, FQ_EINVALID, path,
				item->line, item->column,
				"workday '%s' is not a Saturday or Sunday "
				"(only 调休 weekend days are listed)",
				item->str);
		bit_set(workday ? cy->work : cy->rest, doy);
	}
	return FQ_OK;
}

static int
load_year(struct cal_year *cy, const char *path, int year,
	struct fq_error *err)
{
	struct fq_node *root = NULL;
	const struct fq_node *yn;
	int ret, y;
	size_t i;

	memset(cy, 0, sizeof(*cy));
	cy->year = year;
	ret = fq_yaml_load(&root, path, err);
	if (ret < 0)
		return ret;
	if (root->kind != FQ_NODE_MAP) {
		ret = fq_error_setpos(err, FQ_EINVALID, path,
			root->line ? root->line : 1,
			root->column ? root->column : 1,
			"expected a mapping with 'year', 'holidays' and "
			"'workdays'");
		goto out;
	}
	for (i = 0; i < root->len; i++) {
		const char *k = root->keys[i]->str;

		if (strcmp(k, "year") && strcmp(k, "holidays") &&
		    strcmp(k, "workdays")) {
			ret = fq_error_setpos(err, FQ_EINVALID, path,
				root->keys[i]->line, root->keys[i]->column,
				"unknown key '%.64s' (expected 'year', "
				"'holidays' or 'workdays')", k);
			goto out;
		}
	}
	yn = fq_map_get(root, "year");
	if (!yn) {
		ret = fq_error_setpos(err, FQ_EINVALID, path, root->line,
			root->column, "missing 'year'");
		goto out;
	}
	if (yn->kind != FQ_NODE_SCALAR || strlen(yn->str) != 4 ||
	    !digits(yn->str, 4, &y) || y != year) {
		ret = fq_error_setpos(err, FQ_EINVALID, path, yn->line,
			yn->column, "'year' must be %04d, the year in the "
			"file name", year);
		goto out;
	}
	ret = load_list(cy, root, "holidays", false, path, err);
	if (ret == FQ_OK)
		ret = load_list(cy, root, "workdays", true, path, err);
out:
	fq_node_free(root);
	return ret;
}

int
fq_calendar_load(fq_calendar **out, const char *dir, struct fq_error *err)
{
	fq_calendar *cal = NULL;
	struct fq_buf path = FQ_BUF_INIT;
	char **names = NULL;
	size_t nnames = 0, alloc = 0, i;
	struct dirent *de;
	DIR *dp;
	int ret = FQ_OK, year;

	*out = NULL;
	dp = opendir(dir);
	if (!dp) {
		int e = errno;

		return fq_error_set(err, e == ENOENT ? FQ_ENOTFOUND : FQ_ERROR,
			"cannot open holiday directory '%s': %s", dir,
			strerror(e));
	}
	errno = 0;
	while ((de = readdir(dp)) != NULL) {
		if (!is_year_file(de->d_name, &year))
			continue;
		FQ_ALLOC_GROW(names, nnames + 1, alloc);
		names[nnames++] = fq_xstrdup(de->d_name);
	}
	if (errno) {
		ret = fq_error_set(err, FQ_ERROR,
			"cannot read holiday directory '%s': %s", dir,
			strerror(errno));
		closedir(dp);
		goto out;
	}
	closedir(dp);
	if (nnames)
		qsort(names, nnames, sizeof(*names), cmp_str);

	cal = fq_xcalloc(1, sizeof(*cal));
	cal->years = nnames ? fq_xcalloc(nnames, sizeof(*cal->years)) : NULL;
	for (i = 0; i < nnames; i++) {
		fq_buf_reset(&path);
		fq_buf_addf(&path, "%s/%s", dir, names[i]);
		is_year_file(names[i], &year);
		ret = load_year(&cal->years[cal->n], path.buf, year, err);
		if (ret < 0)
			goto out;
		cal->n++;
	}
	*out = cal;
	cal = NULL;
out:
	fq_calendar_free(cal);
	for (i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	fq_buf_release(&path);
	return ret;
}

void
fq_calendar_free(fq_calendar *cal)
{
	if (!cal)
		return;
	free(cal->years);
	free(cal);
}

bool
fq_calendar_has_year(const fq_calendar *cal, int year)
{
	return find_year(cal, year) != NULL;
}

bool
fq_calendar_covers(const fq_calendar *cal, fq_day from, fq_day to)
{
	int y1, y2, y;

	if (from > to) {
		fq_day t = from;

		from = to;
		to = t;
	}
	fq_date_ymd(from, &y1, NULL, NULL);
	fq_date_ymd(to, &y2, NULL, NULL);
	for (y = y1; y <= y2; y++)
		if (!find_year(cal, y))
			return false;
	return true;
}

bool
fq_calendar_is_workday(const fq_calendar *cal, fq_day d)
{
	const struct cal_year *cy;
	int y, doy;

	if (cal && cal->n) {
		fq_date_ymd(d, &y, NULL, NULL);
		cy = find_year(cal, y);
		if (cy) {
			doy = (int)(d - fq_date_from_ymd(y, 1, 1));
			if (bit_get(cy->work, doy))
				return true;
			if (bit_get(cy->rest, doy))
				return false;
		}
	}
	return fq_date_weekday(d) < 6;
}

fq_day
fq_calendar_next_workday(const fq_calendar *cal, fq_day d)
{
	/*
	 * Ends: every year without a file has Mondays, and a year with a
	 * file has at most 366 rest days.
	 */
	while (!fq_calendar_is_workday(cal, d))
		d++;
	return d;
}

fq_day
fq_calendar_add_workdays(const fq_calendar *cal, fq_day d, int n)
{
	int step = n < 0 ? -1 : 1;

	while (n != 0) {
		d += step;
		if (fq_calendar_is_workday(cal, d))
			n -= step;
	}
	return d;
}

/*
 * Periods.
 */

/* One UTF-8 character of a Chinese numeral and its value. */
static const struct {
	const char *s;
	int value;	/* digit 0-9, or 10/100 for 十/百 */
} zh_numerals[] = {
	{ "零", 0 }, { "〇", 0 }, { "一", 1 }, { "二", 2 }, { "两", 2 },
	{ "三", 3 }, { "四", 4 }, { "五", 5 }, { "六", 6 }, { "七", 7 },
	{ "八", 8 }, { "九", 9 }, { "十", 10 }, { "百", 100 }
};

static int
zh_numeral(const char *p, size_t *len)
{
	size_t i;

	for (i = 0; i < FQ_ARRAY_SIZE(zh_numerals); i++) {
		size_t n = strlen(zh_numerals[i].s);

		if (!strncmp(p, zh_numerals[i].s, n)) {
			*len = n;
			return zh_numerals[i].value;
		}
	}
	return -1;
}

/*
 * Read a Chinese numeral below 1000 as written in regulations: "五",
 * "十五", "二十", "一百二十", "一百零五", "两百".  A digit multiplies the
 * 十 or 百 after it; 十 alone stands first for 10; 零 fills an empty tens
 * place before the last digit.  The colloquial "一百五" (150) is refused
 * as ambiguous.  Returns the number of bytes read (0 if the text does not
 * start with a numeral) or -1 if the characters do not make a number.
 */
static int
parse_zh_number(const char *s, long *out)
{
	const char *p = s;
	long total = 0;
	int digit = -1, last_unit = 1000, v;
	bool zero = false;
	size_t len;

	while ((v = zh_numeral(p, &len)) >= 0) {
		bool first = p == s;

		p += len;
		if (v == 10 || v == 100) {
			if (v >= last_unit || zero)
				return -1;
			if (digit < 0) {
				if (v != 10 || !first)
					return -1;
				digit = 1;		/* "十五" */
			}
			total += (long)digit * v;
			last_unit = v;
			digit = -1;
		} else if (v == 0) {
			/* Only in "一百零五": after 百, before a digit. */
			if (digit >= 0 || zero || last_unit != 100)
				return -1;
			zero = true;
		} else {
			if (digit >= 0)
				return -1;		/* "三五" */
			digit = v;
		}
	}
	if (p == s)
		return 0;
	if (digit >= 0) {
		if (last_unit == 100 && !zero)
			return -1;			/* "一百五" */
		total += digit;
	} else if (zero) {
		return -1;				/* "一百零" */
	}
	*out = total;
	return (int)(p - s);
}

/* Read ASCII or full-width (０-９) digits; bytes read, or 0. */
static int
parse_digits(const char *s, long *out)
{
	const unsigned char *p = (const unsigned char *)s;
	long v = 0;

	for (;;) {
		int dg;

		if (*p >= '0' && *p <= '9') {
			dg = *p - '0';
			p++;
		} else if (p[0] == 0xef && p[1] == 0xbc && p[2] >= 0x90 &&
		    p[2] <= 0x99) {
			dg = p[2] - 0x90;
			p += 3;
		} else {
			break;
		}
		if (v <= 100000)	/* enough to say "too large" */
			v = v * 10 + dg;
	}
	*out = v;
	return (int)((const char *)p - s);
}

static const struct {
	const char *name;
	enum fq_period_unit unit;
} period_units[] = {
	{ "days", FQ_PERIOD_DAYS }, { "day", FQ_PERIOD_DAYS },
	{ "d", FQ_PERIOD_DAYS }, { "日", FQ_PERIOD_DAYS },
	{ "天", FQ_PERIOD_DAYS }, { "自然日", FQ_PERIOD_DAYS },
	{ "个自然日", FQ_PERIOD_DAYS },
	{ "months", FQ_PERIOD_MONTHS }, { "month", FQ_PERIOD_MONTHS },
	{ "个月", FQ_PERIOD_MONTHS },
	{ "workdays", FQ_PERIOD_WORKDAYS }, { "workday", FQ_PERIOD_WORKDAYS },
	{ "working days", FQ_PERIOD_WORKDAYS },
	{ "working day", FQ_PERIOD_WORKDAYS },
	{ "工作日", FQ_PERIOD_WORKDAYS }, { "个工作日", FQ_PERIOD_WORKDAYS },
	{ "hours", FQ_PERIOD_HOURS }, { "hour", FQ_PERIOD_HOURS },
	{ "h", FQ_PERIOD_HOURS }, { "小时", FQ_PERIOD_HOURS },
	{ "个小时", FQ_PERIOD_HOURS }
};

/* Is s[0..len) equal to name, ignoring ASCII case (not the locale's)? */
static bool
ascii_caseeq(const char *s, size_t len, const char *name)
{
	size_t i;

	if (strlen(name) != len)
		return false;
	for (i = 0; i < len; i++) {
		unsigned char a = (unsigned char)s[i];
		unsigned char b = (unsigned char)name[i];

		if (a >= 'A' && a <= 'Z')
			a = (unsigned char)(a - 'A' + 'a');
		if (a != b)
			return false;
	}
	return true;
}

/* Skip ASCII white space and U+3000 IDEOGRAPHIC SPACE. */
static const char *
skip_space(const char *p)
{
	for (;;) {
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		else if (!strncmp(p, "\xe3\x80\x80", 3))
			p += 3;
		else
			return p;
	}
}

int
fq_period_parse(struct fq_period *out, const char *s, struct fq_error *err)
{
	const char *p, *unit, *end;
	long amount = 0;
	int n;
	size_t i, ulen;

	if (!s)
		return fq_error_set(err, FQ_EUSAGE, "missing period");
	p = skip_space(s);
	if (*p == '-')
		return fq_error_set(err, FQ_EUSAGE,
			"invalid period '%.64s': must not be negative", s);
	n = parse_digits(p, &amount);
	if (n == 0)
		n = parse_zh_number(p, &amount);
	if (n <= 0)
		goto bad;
	p = skip_space(p + n);
	unit = p;
	/* The unit runs to the end, less trailing white space. */
	end = unit + strlen(unit);
	for (;;) {
		if (end > unit && strchr(" \t\n\r", end[-1]))
			end--;
		else if (end - unit >= 3 && !memcmp(end - 3, "\xe3\x80\x80", 3))
			end -= 3;
		else
			break;
	}
	ulen = (size_t)(end - unit);
	for (i = 0; i < FQ_ARRAY_SIZE(period_units); i++)
		if (ascii_caseeq(unit, ulen, period_units[i].name))
			break;
	if (i == FQ_ARRAY_SIZE(period_units))
		goto bad;
	if (amount < 1)
		return fq_error_set(err, FQ_EUSAGE,
			"invalid period '%.64s': must be at least 1", s);
	if (amount > FQ_PERIOD_MAX)
		return fq_error_set(err, FQ_EUSAGE,
			"invalid period '%.64s': more than %d", s,
			FQ_PERIOD_MAX);
	out->amount = (int)amount;
	out->unit = period_units[i].unit;
	return FQ_OK;
bad:
	return fq_error_set(err, FQ_EUSAGE,
		"invalid period '%.64s': expected a number and a unit, "
		"as in '30 days', '1 month', '3 workdays', '24 hours'", s);
}

void
fq_period_format(char out[FQ_PERIOD_SIZE], const struct fq_period *p)
{
	static const char *const names[] = {
		[FQ_PERIOD_DAYS] = "day",
		[FQ_PERIOD_MONTHS] = "month",
		[FQ_PERIOD_WORKDAYS] = "workday",
		[FQ_PERIOD_HOURS] = "hour"
	};
	const char *name = (unsigned)p->unit < FQ_ARRAY_SIZE(names) ?
		names[p->unit] : "?";

	snprintf(out, FQ_PERIOD_SIZE, "%d %s%s", p->amount, name,
		p->amount == 1 ? "" : "s");
}

fq_day
fq_period_due(const fq_calendar *cal, fq_day start, const struct fq_period *p)
{
	if (p->amount < 1)
		return start;
	switch (p->unit) {
	case FQ_PERIOD_DAYS:
		return fq_calendar_next_workday(cal,
			fq_date_add_days(start, p->amount));
	case FQ_PERIOD_MONTHS:
		return fq_calendar_next_workday(cal,
			fq_date_add_months(start, p->amount));
	case FQ_PERIOD_WORKDAYS:
		return fq_calendar_add_workdays(cal, start, p->amount);
	case FQ_PERIOD_HOURS:
		return fq_date_add_days(start, (p->amount + 23) / 24);
	}
	return start;
}

/*
 * Today and now.
 */

/*
 * Timestamps.
 */

int
fq_ts_parse(int64_t *utc, int *off_min, const char *s, int def_off)
{
	char date[FQ_DATE_SIZE];
	int h, mi, sec = 0, oh, om, off = def_off;
	const char *p;
	fq_day d;

	if (!s || strlen(s) < 16 || (s[10] != 'T' && s[10] != ' '))
		return FQ_EUSAGE;
	memcpy(date, s, 10);
	date[10] = '\0';
	if (fq_date_parse(&d, date, NULL) || !digits(s + 11, 2, &h) ||
	    s[13] != ':' || !digits(s + 14, 2, &mi) || h > 23 || mi > 59)
		return FQ_EUSAGE;
	p = s + 16;
	if (*p == ':') {
		if (!digits(p + 1, 2, &sec) || sec > 60)
			return FQ_EUSAGE;
		p += 3;
		if (*p == '.')		/* fractions of a second: dropped */
			for (p++; *p >= '0' && *p <= '9'; p++)
				;
	}
	if (*p == 'Z' && !p[1]) {
		off = 0;
	} else if ((*p == '+' || *p == '-') && digits(p + 1, 2, &oh) &&
	    ((p[3] == ':' && digits(p + 4, 2, &om) && !p[6]) ||
	    (digits(p + 3, 2, &om) && !p[5]))) {
		if (oh > 18 || om > 59)
			return FQ_EUSAGE;
		off = (*p == '-' ? -1 : 1) * (oh * 60 + om);
	} else if (*p) {
		return FQ_EUSAGE;
	}
	if (sec > 59)
		sec = 59;
	*utc = (int64_t)d * 86400 + h * 3600 + mi * 60 + sec -
		(int64_t)off * 60;
	if (off_min)
		*off_min = off;
	return FQ_OK;
}

void
fq_ts_format(char out[FQ_NOW_ISO_SIZE], int64_t utc, int off_min)
{
	int64_t local = utc + (int64_t)off_min * 60;
	int64_t day = floor_div(local, 86400), secs = local - day * 86400;
	int off = off_min < 0 ? -off_min : off_min;
	char date[FQ_DATE_SIZE];

	fq_date_format(date, (fq_day)day);
	memcpy(out, date, 10);
	out[10] = 'T';
	put_digits(out + 11, (int)(secs / 3600), 2);
	out[13] = ':';
	put_digits(out + 14, (int)(secs / 60 % 60), 2);
	out[16] = ':';
	put_digits(out + 17, (int)(secs % 60), 2);
	out[19] = off_min < 0 ? '-' : '+';
	put_digits(out + 20, off / 60 % 100, 2);
	out[22] = ':';
	put_digits(out + 23, off % 60, 2);
	out[25] = '\0';
}

int
fq_local_offset(void)
{
	time_t t = time(NULL);
	struct tm tm;
	int64_t local;

	if (!localtime_r(&t, &tm))
		return 0;
	local = (int64_t)fq_date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1,
		tm.tm_mday) * 86400 + tm.tm_hour * 3600 + tm.tm_min * 60 +
		tm.tm_sec;
	return (int)floor_div(local - (int64_t)t + 30, 60);
}

int
fq_today(fq_day *out, const char *pinned, struct fq_error *err)
{
	struct tm tm;
	time_t t;

	if (pinned && *pinned) {
		struct fq_error perr = FQ_ERROR_INIT;
		char date[FQ_DATE_SIZE];
		int64_t utc;

		if (strlen(pinned) > 10 && fq_ts_parse(&utc, NULL, pinned,
		    0) == FQ_OK) {
			/* the date as written, before any offset */
			memcpy(date, pinned, 10);
			date[10] = '\0';
			return fq_date_parse(out, date, err);
		}
		if (fq_date_parse(out, pinned, &perr) < 0)
			return fq_error_set(err, FQ_EUSAGE, "FQ_TODAY: %s",
				perr.msg);
		return FQ_OK;
	}
	t = time(NULL);
	if (t == (time_t)-1 || !localtime_r(&t, &tm))
		return fq_error_set(err, FQ_ERROR, "cannot read the clock");
	*out = fq_date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	return FQ_OK;
}

void
fq_now_iso(char out[FQ_NOW_ISO_SIZE], const char *pinned_today)
{
	struct tm tm;
	time_t t = time(NULL);
	fq_day day;
	int64_t local, off;
	char date[FQ_DATE_SIZE];
	char sign = '+';

	if (!localtime_r(&t, &tm)) {
		/* Cannot happen for a sane clock; say the epoch in UTC. */
		memset(&tm, 0, sizeof(tm));
		tm.tm_year = 70;
		tm.tm_mday = 1;
		t = 0;
	}
	/*
	 * The offset is local wall time minus UTC, both in seconds since
	 * the epoch; tm_gmtoff would do but is not in POSIX.
	 */
	day = fq_date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	local = (int64_t)day * 86400 + tm.tm_hour * 3600 + tm.tm_min * 60 +
		tm.tm_sec;
	off = local - (int64_t)t;
	if (off < 0) {
		sign = '-';
		off = -off;
	}
	off = (off + 30) / 60;		/* minutes */
	if (pinned_today && strlen(pinned_today) > 10) {
		int64_t utc;
		int pin_off;

		if (fq_ts_parse(&utc, &pin_off, pinned_today,
		    (int)(sign == '-' ? -off : off)) == FQ_OK) {
			fq_ts_format(out, utc, pin_off);
			return;
		}
	}
	/* fq_date_parse() leaves day alone (the real one) on failure. */
	if (pinned_today && *pinned_today)
		(void)fq_date_parse(&day, pinned_today, NULL);
	fq_date_format(date, day);
	memcpy(out, date, 10);
	out[10] = 'T';
	put_digits(out + 11, tm.tm_hour, 2);
	out[13] = ':';
	put_digits(out + 14, tm.tm_min, 2);
	out[16] = ':';
	put_digits(out + 17, tm.tm_sec > 59 ? 59 : tm.tm_sec, 2);
	out[19] = sign;
	put_digits(out + 20, (int)(off / 60 % 100), 2);
	out[22] = ':';
	put_digits(out + 23, (int)(off % 60), 2);
	out[25] = '\0';
}
