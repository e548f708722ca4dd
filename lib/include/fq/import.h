/*
 * import.h: paper-ledger CSV files (台账, 登记簿) turned into cases.
 *
 * DOMAIN.md §4 describes the files: Excel sheets saved as CSV, often in
 * GB18030, with title rows above the header, two-row headers, vertically
 * merged cells that leave continuation rows, ditto marks, footers, and
 * cells written every which way.  This module reads such a file as a
 * stream (memory does not grow with the file: it is read in blocks and
 * each record is handed on when it is complete), finds the header, maps
 * the columns through schemas/import-headers.yaml (and a rules file), and
 * builds one case tree per ledger record with the cell parsers of
 * fq/ledger.h and the result rules of schemas/import-results.yaml.
 *
 * It does not write anything: the caller (fq import) matches the cases
 * against the repository, allocates IDs and commits.  Helpers for that
 * (the matching key, the merge of a re-listed case) are here so they can
 * be tested.
 *
 * Rules file (--rules FILE), a small YAML mapping:
 *
 *	headers:            # extra header spellings: header text -> field
 *	  原告: applicant
 *	  纠纷名称: title
 *	defaults:           # values for cells a file lacks or leaves empty
 *	  category: neighbor      # code, label or alias
 *	  source: screening
 *	  year: 2023              # year for dates written without one
 *	  town: 青山镇
 *	  village: 前王村
 *	  risk_color: blue
 *	  mediator: 李某
 *
 * Field names are those of import-headers.yaml, plus "ignore".
 */
#ifndef FQ_IMPORT_H
#define FQ_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include "fq/buf.h"
#include "fq/date.h"
#include "fq/error.h"
#include "fq/node.h"
#include "fq/schema.h"

typedef struct fq_import_rules fq_import_rules;
typedef struct fq_importer fq_importer;

/* Load a rules file (see above).  @retval FQ_EPARSE, FQ_EINVALID */
int fq_import_rules_load(fq_import_rules **out, const char *path,
	const fq_schema *sc, struct fq_error *err);
void fq_import_rules_free(fq_import_rules *r);

struct fq_import_opts {
	const fq_schema *schema;	/* required */
	const struct fq_node *config;	/* fq.yaml (town, level), may be NULL */
	const fq_calendar *cal;		/* for due dates, may be NULL */
	const fq_import_rules *rules;	/* may be NULL */
	/* "auto" (or NULL), "utf-8", "gb18030", "utf-16le", or any name
	 * iconv knows ("big5"). */
	const char *encoding;
	int year;			/* --year, 0 if not given */
	const char *today;		/* YYYY-MM-DD */
	const char *now;		/* ISO timestamp of the import */
	const char *actor;		/* the clerk, may be NULL */
};

/*
 * Create an importer: reads import-headers.yaml and import-results.yaml
 * from the schema directory.  opts is copied (its pointers must outlive
 * the importer).
 */
int fq_importer_new(fq_importer **out, const struct fq_import_opts *opts,
	struct fq_error *err);
void fq_importer_free(fq_importer *im);

/* What one file turned out to be (filled by fq_import_file). */
struct fq_import_info {
	char encoding[32];	/* "UTF-8", "UTF-8 (BOM)", "GB18030", ... */
	/* How the encoding was chosen: "BOM", "valid UTF-8", "not valid
	 * UTF-8; decodes as GB18030", "--encoding". */
	char encoding_why[96];
	char delimiter;		/* ',' or '\t' */
	size_t undecodable;	/* bytes kept as \xNN */
	unsigned header_row;	/* 1-based record number; 0 if none found */
	unsigned header_rows;	/* 1 or 2 */
	int year;		/* year context used for dates, 0 if none */
	char year_from[16];	/* "--year", "rules", "title", "file name" */
	struct fq_buf mapping;	/* "序号→seq, 受理日期→accepted_on, ..." */
	struct fq_buf unmapped;	/* headers of columns not used */
	size_t records;		/* ledger records (cases or rejects) */
	size_t rows;		/* physical records read (CSV rows) */
	size_t blank, footers, repeated_headers, continuation;
	size_t ditto;		/* cells copied from the row above */
	/* Header cells (UTF-8), for writing a rejects file. */
	char **header;
	size_t nheader;
};

void fq_import_info_release(struct fq_import_info *info);

/* "raw→code N, ..." for every category cell text seen so far (up to 256
 * distinct texts), for the summary of an import. */
void fq_importer_categories(const fq_importer *im, struct fq_buf *out);

/*
 * One ledger record: the case built from it (NULL if the record failed
 * hard validation), the rows it came from and why it failed.
 */
struct fq_import_record {
	const char *file;	/* the path as given */
	unsigned row_first, row_last;	/* 1-based CSV record numbers */
	struct fq_node *c;	/* owned by the callee once passed (may take it) */
	/* Hard problems, one per line, each "field: reason" (empty if c). */
	struct fq_buf problems;
	/* Warnings (flagged cells), one per line "field: what". */
	struct fq_buf warnings;
	/* The raw cells of each physical row, UTF-8; rows[i] has ncells[i]. */
	char ***rows;
	size_t *ncells;
	size_t nrows;
	/* Match hints: docket number and the fq ID given in the file. */
	const char *docket_no;
	const char *case_id;
};

/* Called once per record; return non-zero to stop (returned as is).  The
 * callee may take rec->c (set it to NULL); the rest of rec is valid until
 * it returns. */
typedef int (*fq_import_fn)(struct fq_import_record *rec, void *data);

/*
 * Read one file and call fn for every record.  info is initialised here
 * (release it with fq_import_info_release).
 *
 * The file is read (decoded, parsed, its records built into cases) on a
 * thread of its own while the caller's thread validates the cases and
 * runs fn, on the records in the file's order, a few hundred at most
 * waiting in between; with FQ_IMPORT_THREADS=1 in the environment, all on the
 * caller's thread, the same calls in the same order.  The reading thread
 * uses im and fills info: until this returns, fn must not use im, nor
 * info other than its header and delimiter (set before the first record).
 * When fn stops, the reading stops at its next record.
 * @retval FQ_ENOTFOUND	the file cannot be opened
 * @retval FQ_EPARSE	no header row, an encoding that cannot be told or
 *			converted, a CSV syntax error
 */
int fq_import_file(fq_importer *im, const char *path, fq_import_fn fn,
	void *data, struct fq_import_info *info, struct fq_error *err);

/*
 * The matching key of a case (DOMAIN.md §4.3 "Duplicates and carry-over"):
 * "DATE|NAMES|CATEGORY", where DATE is accepted_on (else reported_on),
 * NAMES the normalised names of all parties, sorted and joined with "、",
 * and CATEGORY the category code.  Appended to out.  A ledger that
 * re-lists a case writes the same parties, so the key finds it; two
 * different disputes rarely share all three.  With loose, NAMES is only
 * the first party's name: the key for "possible duplicates" (with the
 * date up to 3 days off), which are reported, never merged.
 */
void fq_import_key(struct fq_buf *out, const struct fq_node *c, bool loose);

/*
 * Merge what a ledger says about a case (incoming) into an existing case
 * (c), in place: a status further along the lifecycle wins (with a
 * state_change event effective on the ledger's date), empty fields are
 * filled, new parties and flags added.  Returns true if c changed; then
 * the caller adds the import event and sets updated_at.
 */
bool fq_import_merge(struct fq_node *c, const struct fq_node *incoming,
	const char *now, const char *actor);

/* Write one CSV record (RFC 4180 quoting, CRLF) to out. */
void fq_csv_row(struct fq_buf *out, const char *const *cells, size_t n,
	char delim);

/*
 * Convert UTF-8 text to encoding (as named in fq_import_info.encoding:
 * "UTF-8 (BOM)" gives UTF-8, "UTF-16LE" gives UTF-16LE, ...), for a
 * rejects file.  with_bom adds the byte-order mark of UTF-8 / UTF-16LE.
 */
int fq_import_encode(struct fq_buf *out, const char *utf8, size_t len,
	const char *encoding, bool with_bom, struct fq_error *err);

#endif
