/*
 * text.h: display width, masking of personal data, and JSON output.
 */
#ifndef FQ_TEXT_H
#define FQ_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include "fq/buf.h"
#include "fq/error.h"
#include "fq/node.h"
#include "fq/schema.h"

/* Columns a UTF-8 string takes on a terminal: CJK and other East Asian
 * wide characters count 2, combining marks 0, terminal escape sequences
 * (ESC [ ... m, colours) 0, everything else 1. */
size_t fq_display_width(const char *s);

/* Append s to out, cut to at most width columns (with "…" when cut) and
 * padded with spaces to exactly width columns when pad is true. */
void fq_buf_add_cols(struct fq_buf *out, const char *s, size_t width,
	bool pad);

/* Masked forms: phones keep the first 3 and last 4 digits
 * (138****5678), landlines keep the area code and last 4 digits
 * (0394-***0001), ID numbers the first 4 and last 4 characters
 * (4116**********1234).  Short values are masked whole. */
void fq_mask_phone(struct fq_buf *out, const char *phone);
void fq_mask_id_number(struct fq_buf *out, const char *id);

/* Append s with every phone number (11-digit mobile starting with 1,
 * landline 0AAA-NNNNNNN) and ID number (15 or 18 characters) in it
 * masked; returns how many were masked.  For free text such as a summary
 * or a note, where a clerk may have typed a number. */
size_t fq_mask_text(struct fq_buf *out, const char *s);

/* Mask, in place, every field the schema marks pii in a tree that is an
 * instance of record, and numbers typed into its text fields
 * (fq_mask_text).  Returns the number of values masked. */
size_t fq_mask_tree(const fq_schema *s, const char *record, struct fq_node *n);

/* Append s as a JSON string literal. */
void fq_json_str(struct fq_buf *out, const char *s);

/* Append s (NULL: empty) as one CSV field (RFC 4180): quoted, with
 * quotes doubled, when it holds a quote, the delimiter, a comma, a tab or
 * a line break, or starts with a space (which Excel would drop). */
void fq_csv_field(struct fq_buf *out, const char *s, char delim);

/* Append n as JSON, typed by the schema: ints and money as numbers, bools
 * as true/false, everything else as strings.  indent < 0 for one line. */
void fq_json_node(struct fq_buf *out, const fq_schema *s, const char *record,
	const struct fq_node *n, int indent);

/*
 * An amount in yuan ("8000", "8000.5", "1005.07") in Chinese capital
 * numerals as written on agreements and receipts (大写): 捌仟元整,
 * 捌仟元伍角, 壹仟零伍元零柒分.  Up to 999999999999.99.
 * @retval FQ_EUSAGE	not an amount
 */
int fq_money_capital(struct fq_buf *out, const char *yuan);

/* Append s with &, <, >, " escaped for HTML. */
void fq_html_str(struct fq_buf *out, const char *s);

#endif
