/*
 * case.h: one case — reading, checking, writing and its event log.
 *
 * A case is a YAML tree (struct fq_node) that is an instance of the
 * schema's `case` record.  These functions add what the schema cannot
 * say: where the file lives, that its ID matches its path, how an event
 * is appended, and how a change becomes one commit.
 *
 * The event log (`events:`) is append-only: a command adds an event and
 * never edits an earlier one.  Reports reconstruct a case's state at any
 * date from it.
 */
#ifndef FQ_CASE_H
#define FQ_CASE_H

#include <stdbool.h>
#include "fq/buf.h"
#include "fq/error.h"
#include "fq/node.h"
#include "fq/schema.h"
#include "fq/store.h"

/*
 * Parse and validate a case file's text.  name is the file name for
 * messages.  Every problem goes to diags (may be NULL); the first is also
 * in err.  On FQ_EINVALID *out still holds the parsed tree (the caller
 * frees it) so a caller can show it; on FQ_EPARSE *out is NULL.
 */
int fq_case_parse(struct fq_node **out, const fq_schema *sc, const char *buf,
	size_t len, const char *name, struct fq_diags *diags,
	struct fq_error *err);

/*
 * Load the case with this ID from the working tree of st; relpath (may be
 * NULL) gets its path.  The file must be valid and its id must match its
 * name.
 * @retval FQ_EUSAGE	not an ID
 * @retval FQ_ENOTFOUND	no such case
 * @retval FQ_EPARSE, FQ_EINVALID	the file is broken (run fq check)
 */
int fq_case_load(struct fq_node **out, fq_store *st, const fq_schema *sc,
	const char *id, struct fq_buf *relpath, struct fq_error *err);

/*
 * Canonicalize c, check it against the schema and the path rules, and
 * append its YAML text to out.
 * @retval FQ_EINVALID	c does not match the schema (nothing appended)
 */
int fq_case_render(struct fq_buf *out, const fq_schema *sc, struct fq_node *c,
	struct fq_error *err);

/*
 * Render c and commit it at relpath as one commit with the message
 * "PROG: ID TITLE" (lock must be held).  Sets updated_at to now.
 */
int fq_case_save(fq_store *st, const fq_schema *sc, struct fq_node *c,
	const char *relpath, const char *prog, const char *now,
	struct fq_error *err);

/* Append an event {at, kind, actor, note} and return it, so the caller
 * can add keys (state_from, state_to, ...).  actor and note may be NULL. */
struct fq_node *fq_case_add_event(struct fq_node *c, const char *at,
	const char *kind, const char *actor, const char *note);

/* True if the case's status is an open state (schema: states.open). */
bool fq_case_is_open(const fq_schema *sc, const struct fq_node *c);

/* Commit message for a case: "PROG: ID TITLE". */
void fq_case_message(struct fq_buf *out, const char *prog,
	const struct fq_node *c);

#endif
