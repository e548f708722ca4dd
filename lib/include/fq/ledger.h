/*
 * ledger.h: value parsers for the cells of paper-ledger CSV files.
 *
 * Township ledgers (台账, 登记簿) are typed into Excel by hand and saved as
 * CSV.  Their cells hold dates in a dozen spellings, several phone numbers
 * in one cell, numbers that Excel has turned into "1.38E+10", amounts like
 * "1.2万元" or "伍仟元", and party cells such as "后张村民8户 诉 某公司" or
 * "张三，男，45岁，汉族，住XX村3组，电话13800000001".  DOMAIN.md §4.3 and §4.4
 * list what must be survived; this module turns one cell at a time into
 * values.  It knows nothing of files, rows or columns: the CSV reader and
 * the importer decide which parser a cell goes to and what to do with the
 * flags that come back.
 *
 * Common rules
 * ------------
 *
 *  - Every input is a NUL-terminated UTF-8 string.  A NULL input is read as
 *    the empty string.  Invalid UTF-8 is never fatal: bad bytes are kept or
 *    skipped as described per function, and no parser reads past the NUL.
 *
 *  - Before parsing, a cell is normalised: full-width ASCII (U+FF01 to
 *    U+FF5E, "２０２４", "：", "（") becomes half-width, U+3000 and U+00A0
 *    become a space, and surrounding white space is dropped.
 *
 *  - Functions that can fail return 0 (FQ_OK) or a negative enum fq_code
 *    and fill the caller's struct fq_error (which may be NULL).  A value the
 *    parser cannot read is FQ_EPARSE; the message quotes the cell and says
 *    why ("ambiguous: no year in '3月5日'").  Empty cells and placeholders
 *    ("无", "/") are not errors: they succeed with an is_null or
 *    FQ_LEDGER_NONE marker.
 *
 *  - Results go into structs the caller owns.  Most hold fixed-size arrays
 *    and need no cleanup; text longer than an array is cut at a character
 *    boundary.  The one exception is struct fq_ledger_parties, whose strings
 *    are allocated: release it with fq_ledger_parties_release().
 *
 *  - Nothing here prints, exits, reads the environment or keeps state
 *    between calls.  The functions are safe to call from several threads.
 *
 *  - The raw cell text is the caller's to keep (DOMAIN.md §4.5 keeps every
 *    raw row).  Where a cell cannot be read but must not be lost (phones and
 *    IDs in scientific notation), the struct also carries a copy of it.
 *
 * The lone "-"
 * ------------
 *
 * "-" is both a ditto mark (§4.3, merged cells) and a placeholder (§4.3,
 * phones).  Both fq_ledger_is_ditto() and fq_ledger_is_placeholder() say
 * yes to it, and the column policy of the importer picks one.  The value
 * parsers below read it as "nothing" (is_null, FQ_LEDGER_NONE), because
 * leaving a value empty is safer than copying the wrong one.
 */
#ifndef FQ_LEDGER_H
#define FQ_LEDGER_H

#include <stdbool.h>
#include <stddef.h>
#include "fq/buf.h"
#include "fq/error.h"

/* Sizes of the fixed text arrays in the result structs (bytes, with NUL). */
#define FQ_LEDGER_NOTE_SIZE 64
#define FQ_LEDGER_TEXT_SIZE 128
#define FQ_LEDGER_PHONE_SIZE 24
#define FQ_LEDGER_PHONES_MAX 4
#define FQ_LEDGER_ID_SIZE 24
#define FQ_LEDGER_ISO_SIZE 11		/* "2024-03-05" and its NUL */

/*
 * Normalisation
 * -------------
 */

/*
 * Append s to out with full-width ASCII turned into half-width, U+3000 and
 * U+00A0 into a space, zero-width characters (U+200B, a BOM) removed and
 * white space trimmed at both ends.  Inner white space is kept.  Bytes that
 * are not valid UTF-8 are copied unchanged.
 */
void fq_ledger_normalize(struct fq_buf *out, const char *s);

/*
 * Append the matching key of a header cell to out (DOMAIN.md §4.2): the
 * normalised text without '*', without any white space (line breaks
 * included), without bracketed hints such as "（元）", "(社区)" or "【必填】",
 * and with ASCII letters in lower case.  "所属村（社区）" gives "所属村",
 * "受理时间*" gives "受理时间", "No" gives "no".  An unclosed bracket is
 * kept as text.  Apply the same function to both sides of a comparison.
 */
void fq_ledger_header_key(struct fq_buf *out, const char *hdr);

/*
 * Marks
 * -----
 */

/*
 * Is the cell a ditto mark that means "same as the row above": 同上, 同左,
 * 仝上, 〃, ", or a lone -?  Repeated marks ("〃〃") count.
 */
bool fq_ledger_is_ditto(const char *raw);
/* False when the cell has a character no ditto mark has (so cannot be
 * one however it is normalised or squeezed); true when it may be one:
 * a cheap test before fq_ledger_is_ditto(). */
bool fq_ledger_may_be_ditto(const char *raw);

/*
 * Is the cell empty or a placeholder for "nothing": 无, 暂无, 没有, 不详,
 * 不清楚, 未知, 拒绝提供, 未提供, /, \, -, --, —, ——, 空?  White space only
 * counts as empty.
 */
bool fq_ledger_is_placeholder(const char *raw);

/*
 * Dates (DOMAIN.md §4.4)
 * ----------------------
 */

/* What the parser may assume about the cell. */
struct fq_ledger_date_ctx {
	/*
	 * Year for cells without one ("3月5日", "3.5"): from the ledger
	 * title, the file name or --year.  0 means unknown, and such cells
	 * fail as ambiguous.
	 */
	int default_year;
	/*
	 * This year, for the sanity rule on two-digit years: "24.3.5" is
	 * 2024 and is refused when 2024 > current_year + 1.  0 skips the
	 * check.
	 */
	int current_year;
	/*
	 * The cell is in a date column.  Only then are Excel serial numbers
	 * (30000 to 60000) and the bare "3.5" read as dates; elsewhere they
	 * are numbers and fail with FQ_EPARSE.
	 */
	bool date_column;
};

#define FQ_LEDGER_DATE_CTX_INIT { 0, 0, true }

struct fq_ledger_date {
	/* The date (start of a range).  All 0 when is_null or is_ditto. */
	int year, month, day;
	/* Time of day, 0-23 and 0-59, when has_time. */
	int hour, minute;

	bool year_inferred;	/* the year came from default_year */
	bool month_only;	/* "2024年3月": day is 1, precision is month */
	bool has_time;		/* "2024/3/5 下午2:30" */
	bool is_ditto;		/* 同上, 〃: copy from the row above */
	bool is_null;		/* empty, /, 无, 已结, 未结: no date */

	/*
	 * A range ("3月5日-3月8日", "3.5至3.8", "2024.3.5至今"): the fields
	 * above hold the start and end_note the end as written.  has_end
	 * says the end was itself a date, in end_year/end_month/end_day
	 * (its missing year and month come from the start; an end before
	 * the start moves to the next year).
	 */
	bool is_range;
	bool has_end;
	int end_year, end_month, end_day;
	char end_note[FQ_LEDGER_NOTE_SIZE];
};

/*
 * Parse a date cell into out (which is cleared first).  ctx may be NULL
 * for FQ_LEDGER_DATE_CTX_INIT.  Year-month-day and month-day are the only
 * orders: "3.5" is March 5th, never the 3rd of May.  The calendar is
 * checked (2023-02-29 fails, 2024-02-29 passes) and years outside 1900 to
 * 2099 are refused.
 *
 * Empty cells, placeholders and the words 已结/未结/结案/待定 succeed with
 * is_null; ditto marks succeed with is_ditto (and the caller copies the
 * value of the row above).
 *
 * @retval FQ_EPARSE	not a date ("not a date: '...'"), an impossible
 *			date ("invalid date '2024.13.5'"), no year and no
 *			default_year ("ambiguous: no year in '3月5日'"), or a
 *			two-digit year after current_year + 1
 */
int fq_ledger_parse_date(struct fq_ledger_date *out, const char *raw,
	const struct fq_ledger_date_ctx *ctx, struct fq_error *err);

/*
 * Write the date as "YYYY-MM-DD" into out, or "" when d holds no date
 * (is_null, is_ditto, year 0).  Returns out.
 */
char *fq_ledger_date_iso(char out[FQ_LEDGER_ISO_SIZE],
	const struct fq_ledger_date *d);

/*
 * Deadlines (化解时限)
 * --------------------
 */

struct fq_ledger_deadline {
	int year, month, day;	/* the due date, when has_date */
	bool has_date;
	bool is_null;		/* empty or a placeholder */
	bool open_ended;	/* 长期, 持续, 常态: no date; text in note */
	bool relative;		/* computed from the row date (15天, 月底) */
	bool year_inferred;	/* a written date without a year */
	/* The cell text (normalised) when it is not a date, else "". */
	char note[FQ_LEDGER_TEXT_SIZE];
};

/*
 * Parse a 化解时限 cell against row, the date of the row (受理/排查, may be
 * NULL).  Understood:
 *
 *  - a date in any form fq_ledger_parse_date() knows ("2024.4.10",
 *    "4月10日前"); a date without a year takes row's year and, if it would
 *    fall before the row date, the next year.  A month ("2024年4月")
 *    means its last day;
 *  - "3月底前", "3月底", "3月末", "3月下旬" (last day of March), "3月中旬"
 *    (the 20th), "3月上旬" (the 10th);
 *  - "月底", "本月底", "月末" (end of row's month), "下月底", "年底";
 *  - "15天", "15天内", "十五日内", "2周", "1个月" counted from the row date;
 *    "当天", "即时", "立即" are the row date itself;
 *  - "长期", "持续", "持续跟进", "常态" succeed with open_ended and note.
 *
 * Trailing verbs ("前化解", "内办结") are ignored.  Working days ("5个工
 * 作日") need the holiday calendar and are refused.
 *
 * @retval FQ_EPARSE	not a deadline, or relative and row holds no date;
 *			note holds the text so the caller can keep it
 */
int fq_ledger_parse_deadline(struct fq_ledger_deadline *out, const char *raw,
	const struct fq_ledger_date *row, const struct fq_ledger_date_ctx *ctx,
	struct fq_error *err);

/*
 * Phone numbers and identity card numbers
 * ---------------------------------------
 */

enum fq_ledger_phone_kind {
	FQ_LEDGER_PHONE_MOBILE,		/* 11 digits, no dashes */
	FQ_LEDGER_PHONE_LANDLINE,	/* area code, dash, number */
	FQ_LEDGER_PHONE_LOCAL,		/* 7 or 8 digits, no area code */
	FQ_LEDGER_PHONE_MASKED		/* kept as written: 138****0001 */
};

struct fq_ledger_phone {
	enum fq_ledger_phone_kind kind;
	char number[FQ_LEDGER_PHONE_SIZE];
};

struct fq_ledger_phones {
	size_t n;		/* numbers in v */
	struct fq_ledger_phone v[FQ_LEDGER_PHONES_MAX];
	bool is_null;		/* empty or a placeholder */
	bool lost_excel;	/* a number was in scientific notation */
	bool masked;		/* a number is masked */
	bool truncated;		/* more than FQ_LEDGER_PHONES_MAX numbers */
	bool bad;		/* some part was not a phone number */
	char raw[FQ_LEDGER_TEXT_SIZE];	/* the normalised cell */
};

/*
 * Read the phone numbers in a cell into out (cleared first).  Numbers are
 * separated by / 、 , ; | 或 or line breaks ("139-0000-0002/0394-5550001",
 * "13800000001、13800000003"); spaces inside a number, a leading
 * apostrophe, a "+86" prefix, labels ("电话：", "手机") and Excel's ".0"
 * are dropped.  Mobile numbers are stored as 11 digits without dashes;
 * landlines as "0394-5550001" (the area code is 3 digits after 01x and
 * 02x, else 4, unless the cell had a dash).  Masked numbers are kept as
 * written with the masked flag.  Scientific notation ("1.38E+10") has
 * lost its digits: it gives no number and sets lost_excel.  Repeated
 * numbers are kept once.
 *
 * @retval FQ_EPARSE	a part of the cell is not a phone number; out
 *			still holds the numbers that were read, and bad
 */
int fq_ledger_parse_phones(struct fq_ledger_phones *out, const char *raw,
	struct fq_error *err);

struct fq_ledger_id {
	/* 18 characters with an upper-case X, or 15 digits; "" if none. */
	char number[FQ_LEDGER_ID_SIZE];
	bool is_null;		/* empty or a placeholder */
	bool lost_excel;	/* scientific notation: "4.11623E+17" */
	bool checksum_bad;	/* 18 characters, ISO 7064 MOD 11-2 fails */
	bool old15;		/* a 15-digit first-generation number */
	bool masked;		/* "4116231968********": kept as written */
	char raw[FQ_LEDGER_TEXT_SIZE];	/* the normalised cell */
};

/*
 * Read a 身份证号 cell into out (cleared first).  A leading apostrophe,
 * spaces and Excel's ".0" are dropped and a final x is upper-cased.  A bad
 * checksum is a warning (checksum_bad), not a failure; scientific notation
 * succeeds with lost_excel and no number.
 *
 * @retval FQ_EPARSE	not 18 or 15 characters of the right kind
 */
int fq_ledger_parse_id_number(struct fq_ledger_id *out, const char *raw,
	struct fq_error *err);

/*
 * Parties (当事人 cells)
 * ---------------------
 */

enum fq_ledger_party_kind {
	FQ_LEDGER_PERSON,
	FQ_LEDGER_ORGANIZATION
};

/*
 * One party.  The strings are allocated and owned by the list; those that
 * are absent are NULL, except name, which is never NULL.  Text fields are
 * copied from the cell as written (full-width characters kept), only
 * trimmed, and in names the padding spaces between Chinese characters
 * ("王  五") are removed.
 */
struct fq_ledger_party {
	char *name;		/* "王某甲", "某公司", "村民8户" */
	/*
	 * "applicant" (申请人, 甲方, 原告, left of 诉), "respondent" (被申请人,
	 * 乙方, 被告, right of 诉), "party" (当事人), "third_party" (第三人),
	 * "agent" (代理人), or NULL when the cell does not say.  Static
	 * strings: do not free.
	 */
	const char *role;
	enum fq_ledger_party_kind kind;
	char *note;		/* relation "长子", group text "赵某等5户" */
	const char *gender;	/* "M", "F" or NULL (static) */
	int age;		/* -1 when absent */
	char *ethnicity;	/* "汉族" */
	char *address;		/* "XX村3组" */
	char *phone;		/* normalised when readable, else as written */
	char *id_number;	/* as written */
	char *representative;	/* "法定代表人：王五" */
	int households, people;	/* group counts, -1 when absent */
	bool is_group;		/* "赵某等5户", "村民8户", "王氏兄弟三人" */
	bool biography;		/* read from a packed biography */
	bool name_masked;	/* 王某, 王某某, 王**, 某公司, XX物业 */
	char *raw;		/* the part of the cell this party came from */
};

struct fq_ledger_parties {
	struct fq_ledger_party *v;
	size_t n, alloc;
};

#define FQ_LEDGER_PARTIES_INIT { NULL, 0, 0 }

/*
 * Split a party cell and append its parties to out, which must be
 * initialised (so the parties of a continuation row can join the list of
 * the row above).  An empty or placeholder cell adds nothing.
 *
 * Parties are separated by 、 ， , ; ； / — 诉 vs VS and line breaks, and by
 * 与, 和, 及 between two names of at least two characters each ("王和平"
 * stays whole).  Nothing inside brackets is split.  A cell that reads as
 * a packed biography (a name followed by fields such as 男/女, "45岁",
 * "住…", "电话…") is one party whatever its commas.
 *
 * Roles come from a prefix ("申请人：王某", which also applies to the names
 * after it in the same line), a bracket ("王某（申请人）") or 诉/vs (left
 * applicant, right respondent).  Other trailing brackets give the
 * representative ("（法定代表人：王五）") or a note ("（长子）"; a couple's
 * "（夫妻）" at the end of a list goes to each name of the list).
 *
 * Returns 0; FQ_EUSAGE if out is NULL.
 */
int fq_ledger_parse_parties(struct fq_ledger_parties *out, const char *raw,
	struct fq_error *err);

/* Free the parties and their strings and reinitialise; accepts NULL. */
void fq_ledger_parties_release(struct fq_ledger_parties *p);

/*
 * Amounts and counts
 * ------------------
 */

/* Flags set by the amount and count parsers. */
enum fq_ledger_flag {
	FQ_LEDGER_NONE = 1 << 0,	/* empty or a placeholder: no value */
	FQ_LEDGER_APPROX = 1 << 1,	/* 约, 左右, 余, 多 */
	FQ_LEDGER_RANGE = 1 << 2,	/* "3000-5000": the first is taken */
	FQ_LEDGER_INSTALLMENTS = 1 << 3,	/* "8000（分3期）" */
	FQ_LEDGER_EXTRA = 1 << 4,	/* other text around the value */
	FQ_LEDGER_NO_UNIT = 1 << 5	/* a count without 户 or 人 */
};

/*
 * Parse an amount of money into *fen (1 yuan = 100 fen) and *flags (may
 * be NULL; an or of enum fq_ledger_flag).  Arabic numbers with "," between
 * thousands and decimals, the multipliers 十 百 千 万 亿, ordinary (一二三)
 * and capital (壹贰叁, 拾佰仟) numerals, 元/块, 角, 分, 整, and the colloquial
 * "一万五" (15000) are understood: "5000元", "5千", "0.5万", "1,200",
 * "1.2万元", "伍仟元", "壹万贰仟元整".  A placeholder ("无") sets *fen to -1
 * and FQ_LEDGER_NONE.  Fractions of a fen are rounded.
 *
 * @retval FQ_EPARSE	no amount in the cell, or more than 10^11 yuan
 */
int fq_ledger_parse_amount(long long *fen, unsigned *flags, const char *raw,
	struct fq_error *err);

/*
 * Parse a 涉及人数 cell: "3户", "5人", "约20人", "8户约20人", "20余人",
 * "三户".  *households and *people are -1 when the cell does not give
 * them.  A bare number is taken as people, with FQ_LEDGER_NO_UNIT.  flags
 * may be NULL.
 *
 * @retval FQ_EPARSE	not a count
 */
int fq_ledger_parse_people(int *households, int *people, unsigned *flags,
	const char *raw, struct fq_error *err);

/*
 * Colours
 * -------
 */

/*
 * The risk colour code of a 风险等级 cell: "red" for 红, 红色, 🔴, 高, 重大,
 * 一级; "yellow" for 黄, 黄色, 橙, 中, 较大, 二级; "blue" for 蓝, 蓝色, 绿, 低,
 * 一般, 三级 (and "红色预警", "高风险", "1级", "Ⅰ级" likewise).  NULL when
 * the cell is empty or unknown; the caller then defaults to blue and flags
 * color_unknown (DOMAIN.md §4.3).  The string is static.
 */
const char *fq_ledger_parse_color(const char *raw);

#endif
