/*
 * schema.h: the schema files in schemas/ — the single source of truth for
 * the fields of a case, their types, which are required, their order in
 * the file, and every enumeration with its Chinese labels.
 *
 * Layout of a schema directory:
 *
 *	case.yaml          records: case, party, event, ... (fields in order)
 *	repository.yaml    record: config (fq.yaml)
 *	enums/NAME.yaml    one enumeration each: code, label, pinyin, aliases
 *
 * A record file looks like
 *
 *	records:
 *	  case:
 *	    id: {type: id, required: true, label: 编号}
 *	    parties: {type: list, items: party, label: 当事人}
 *
 * Types: string (one line), text (may span lines), id, date (YYYY-MM-DD),
 * datetime (ISO 8601 with offset), int, money (yuan, up to 2 decimals),
 * bool, enum (with `enum: NAME`), list (with `items:` a type or a record
 * name; `enum:` applies to enum items), and any record name.
 * Attributes: required, label, enum, items, max (characters), pii
 * (`phone` or `id_number`: masked on output).
 *
 * Files store enumeration codes; commands accept a code, the Chinese
 * label, an alias or the pinyin initials (fq_enum_find).
 */
#ifndef FQ_SCHEMA_H
#define FQ_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include "fq/error.h"
#include "fq/node.h"

typedef struct fq_schema fq_schema;

enum fq_type {
	FQ_T_STRING, FQ_T_TEXT, FQ_T_ID, FQ_T_DATE, FQ_T_DATETIME, FQ_T_INT,
	FQ_T_MONEY, FQ_T_BOOL, FQ_T_ENUM, FQ_T_LIST, FQ_T_RECORD
};

struct fq_enum_value {
	char *code;
	char *label;
	char *pinyin;		/* may be NULL */
	char **aliases;
	size_t naliases;
	struct fq_node *def;	/* the whole entry, for extra keys */
};

struct fq_enum {
	char *name;
	char *label;
	struct fq_enum_value *v;
	size_t n;
};

struct fq_record;

struct fq_field {
	char *name;
	char *label;		/* Chinese label, or NULL */
	enum fq_type type;
	enum fq_type item_type;	/* for FQ_T_LIST */
	bool required;
	int max;		/* characters; 0 = no limit */
	char *pii;		/* "phone", "id_number" or NULL */
	const struct fq_enum *en;	/* FQ_T_ENUM, or list of enums */
	const struct fq_record *rec;	/* FQ_T_RECORD, or list of records */
	unsigned line;		/* where it is defined */
};

struct fq_record {
	char *name;
	struct fq_field *fields;
	size_t n;
};

/*
 * Load every schema file from dir.
 * @retval FQ_ENOTFOUND	dir or case.yaml missing
 * @retval FQ_EPARSE, FQ_EINVALID	a schema file is broken (position set)
 */
int fq_schema_load(fq_schema **out, const char *dir, struct fq_error *err);
void fq_schema_free(fq_schema *s);
const char *fq_schema_dir(const fq_schema *s);

const struct fq_record *fq_schema_record(const fq_schema *s, const char *name);
const struct fq_field *fq_record_field(const struct fq_record *r,
	const char *name);
/* The same, looked for from *at on (a cursor, 0 to start, one per walk
 * over a mapping's keys): cheap when they come in the schema's order. */
const struct fq_field *fq_record_field_next(const struct fq_record *r,
	const char *name, size_t *at);
const struct fq_enum *fq_schema_enum(const fq_schema *s, const char *name);

/* A value by code, label, alias or pinyin initials (case-insensitive for
 * ASCII); NULL if none matches. */
const struct fq_enum_value *fq_enum_find(const struct fq_enum *e,
	const char *input);
/* Only by exact code. */
const struct fq_enum_value *fq_enum_code(const struct fq_enum *e,
	const char *code);
/* Label of code, or code itself when unknown (never NULL for non-NULL code). */
const char *fq_enum_label(const struct fq_enum *e, const char *code);
/* An extra key of an enumeration entry as text, or NULL. */
const char *fq_enum_extra(const struct fq_enum_value *v, const char *key);
/* Convenience: label of code in the enumeration called name. */
const char *fq_schema_label(const fq_schema *s, const char *enum_name,
	const char *code);

/*
 * Validate n as an instance of record.  Every problem is added to diags
 * as file:line:column: message.  Returns the number of problems added.
 */
size_t fq_schema_validate(const fq_schema *s, const char *record,
	const struct fq_node *n, const char *file, struct fq_diags *diags);

/*
 * Put n in canonical form: keys in schema order (unknown keys last, in
 * their order), null and empty optional values removed, scalars marked as
 * text or not by their type so the writer quotes them the same way every
 * time.
 */
void fq_schema_canonicalize(const fq_schema *s, const char *record,
	struct fq_node *n);

/* Type checks used by validation, exported for commands and tests. */
bool fq_valid_date(const char *s);
bool fq_valid_datetime(const char *s);
bool fq_valid_int(const char *s);
bool fq_valid_money(const char *s);

/* Number of UTF-8 characters in s (invalid bytes count one each). */
size_t fq_utf8_chars(const char *s);
/* True if s is valid UTF-8. */
bool fq_utf8_valid(const char *s);
/* The first control character of s that text may not hold (C0 other than
 * tab and newline, DEL, C1), or 0 when there is none. */
int fq_text_control(const char *s);

#endif
