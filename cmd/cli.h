/*
 * cli.h: what every fq-VERB program shares — the common options, finding
 * the repository and the schemas, the exit codes of DESIGN.md §5, and
 * messages in the form "fq-VERB: message" on stderr.
 *
 * A program's main() looks like:
 *
 *	struct fq_cli cli;
 *	fq_cli_init(&cli, "fq-note", argv[0]);
 *	while ((c = getopt_long(argc, argv, "C:h", opts, NULL)) != -1) {
 *		switch (c) {
 *		...program options...
 *		default:
 *			fq_cli_common_opt(&cli, c, optarg, usage);
 *		}
 *	}
 *	if ((ret = fq_cli_open(&cli)))
 *		goto out;
 *	...
 * out:
 *	return fq_cli_finish(&cli, ret);
 *
 * Helpers return the exit code rather than exiting; only usage errors
 * (fq_cli_usage) and --help/--version exit directly.
 */
#ifndef FQ_CLI_H
#define FQ_CLI_H

#include <getopt.h>
#include <libintl.h>
#include <locale.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fq/buf.h"
#include "fq/case.h"
#include "fq/date.h"
#include "fq/deadline.h"
#include "fq/lifecycle.h"
#include "fq/error.h"
#include "fq/node.h"
#include "fq/schema.h"
#include "fq/store.h"
#include "fq/text.h"

/*
 * Messages are in English and translated by gettext, domain "fq" (see
 * po/README).  fq_cli_fail, fq_cli_warn, fq_cli_usage_error and
 * fq_cli_prompt translate their format themselves: pass them a plain
 * literal.  Anything else a user reads goes through _(); N_() marks a
 * literal in a table, translated where it is printed.
 */
#define FQ_DOMAIN "fq"
#define _(s) gettext(s)
#define N_(s) (s)

enum {
	FQ_EXIT_OK = 0,
	FQ_EXIT_FAIL = 1,
	FQ_EXIT_USAGE = 2,
	FQ_EXIT_DATA = 65,
	FQ_EXIT_BUSY = 75
};

/* Long options every command takes; programs append theirs after. */
enum {
	FQ_OPT_HELP = 'h',
	FQ_OPT_VERSION = 0x100,
	FQ_OPT_SHOW_PII,
	FQ_OPT_FIRST_PROGRAM_OPTION = 0x200
};

#define FQ_CLI_COMMON_OPTIONS \
	{ "help", no_argument, NULL, FQ_OPT_HELP }, \
	{ "version", no_argument, NULL, FQ_OPT_VERSION }

struct fq_cli {
	const char *prog;	/* "fq-note" */
	const char *argv0;
	const char *dir;	/* -C, else $FQ_DIR, else NULL: discover */
	const char *const *usage;
	bool show_pii;
	bool tty_in, tty_out;
	fq_store *store;
	fq_schema *schema;
	fq_calendar *cal;	/* holidays; see fq_cli_calendar */
	char today[11];		/* YYYY-MM-DD, FQ_TODAY or the clock */
	char now[40];		/* ISO 8601 with offset */
	char *user, *email;	/* the clerk: FQ_USER/FQ_EMAIL or git's */
	bool locked;
};

void fq_cli_init(struct fq_cli *cli, const char *prog, const char *argv0,
	const char *const *usage);

/* The locale from the environment (LC_NUMERIC stays "C") and the message
 * catalog: FQ_LOCALEDIR, else ../share/locale beside the executable.
 * fq_cli_init() calls it; fq(1) itself too. */
void fq_cli_i18n(void);

/* The clock for hour deadlines: cli->now, or NULL when FQ_TODAY pins the
 * date only (then they are compared by day, so runs are reproducible). */
const char *fq_cli_clock(const struct fq_cli *cli);

/* Handle -C, --help, --version and '?'; anything else is a usage error. */
void fq_cli_common_opt(struct fq_cli *cli, int c, const char *arg);

/* Print usage to stdout and exit 0, or to stderr and exit 2. */
void fq_cli_usage(const struct fq_cli *cli, bool error)
	__attribute__((noreturn));

/* Complain about a bad command line and exit 2. */
void fq_cli_usage_error(const struct fq_cli *cli, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

/* Load the schemas (FQ_SCHEMA_DIR, else ../share/fq/schemas beside the
 * executable).  Returns an exit code. */
int fq_cli_schema(struct fq_cli *cli);
/* Load the holiday calendar from the schema directory's holidays/
 * (a missing year falls back to weekends, with a warning).  Returns an
 * exit code. */
int fq_cli_calendar(struct fq_cli *cli);
/* Actor of events: FQ_USER, else git's user.name, else "fq". */
const char *fq_cli_actor(const struct fq_cli *cli);
/* Open the repository and the schemas.  Returns an exit code. */
int fq_cli_open(struct fq_cli *cli);
/* Take the writer lock (FQ_LOCK_TIMEOUT seconds, default 10).  Returns an
 * exit code: 75 if busy. */
int fq_cli_lock(struct fq_cli *cli);

/* Print "prog: message" (with file:line:column when set) and return the
 * exit code for err->code. */
int fq_cli_error(const struct fq_cli *cli, const struct fq_error *err);
/* Print "prog: message" and return code. */
int fq_cli_fail(const struct fq_cli *cli, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void fq_cli_warn(const struct fq_cli *cli, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int fq_cli_exit_code(enum fq_code code);

/* The number of threads the environment variable name asks for, 1 to
 * FQ_INDEX_MAX_THREADS (0 is 1; dflt when unset or empty; what is not a
 * number is warned of and dflt used): FQ_REPORT_JOBS, FQ_DUE_JOBS. */
size_t fq_cli_jobs(const struct fq_cli *cli, const char *name, size_t dflt);

/* Flush stdout (an error writing it is a failure), free everything, and
 * return ret. */
int fq_cli_finish(struct fq_cli *cli, int ret);

/* Resolve a code, label, alias or pinyin of enumeration enum_name, or
 * exit 2 naming the option and listing the choices. */
const char *fq_cli_enum(const struct fq_cli *cli, const char *enum_name,
	const char *option, const char *input);

/* Load a case by ID (validated).  Returns an exit code. */
int fq_cli_load_case(struct fq_cli *cli, const char *id, struct fq_node **out,
	struct fq_buf *relpath);

/* Copy of c, with personal data masked unless --show-pii. */
struct fq_node *fq_cli_display_copy(const struct fq_cli *cli,
	const struct fq_node *c);

/* Is colour allowed on stdout (a terminal, NO_COLOR unset)? */
bool fq_cli_color(const struct fq_cli *cli);

/*
 * Colours of table cells (fq list, fq due), for use when fq_cli_color():
 * the SGR sequence that starts a cell, "" for none; end it with
 * FQ_SGR_RESET.  A risk colour: red red, yellow yellow.  A state: an open
 * case past due_on (YYYY-MM-DD, may be NULL), or on its day past due_at
 * (an hour deadline, may be NULL), is red; otherwise each state has its
 * colour, closed and archived none.
 */
#define FQ_SGR_RESET "\033[0m"
const char *fq_cli_risk_sgr(const char *color);
const char *fq_cli_state_sgr(const struct fq_cli *cli, const char *state,
	const char *due_on, const char *due_at);
/* fq_buf_add_cols() of s in colour sgr ("" or NULL: none), the padding
 * outside the colour. */
void fq_cli_add_cell(struct fq_buf *out, const char *s, size_t width,
	bool pad, const char *sgr);

/* Read one line from the terminal after printing prompt on stderr; NULL
 * at end of input.  The result is malloc'd. */
char *fq_cli_prompt(const char *prompt, const char *def);

/*
 * The text of a case for $EDITOR: head, then yaml (a case file) with a
 * comment line before each field saying what it is — the schema's label,
 * required or not, what it takes, an enumeration's choices — once per
 * field of each record.  YAML ignores comments, so the edited file loads
 * as it would without them.  yaml that does not parse is copied as is.
 */
void fq_cli_edit_text(const struct fq_cli *cli, struct fq_buf *out,
	const char *head, const char *yaml, size_t len);

/* Run $VISUAL, $EDITOR or vi on path; returns an exit code. */
int fq_cli_run_editor(const struct fq_cli *cli, const char *path);

/*
 * A lifecycle step on one case: open the repository, take the lock, load
 * the case and check the step is allowed from its state (exit 1 naming the
 * allowed steps if not; nothing is written).  Then the program changes
 * cc->c and calls fq_cli_commit(), which recomputes the due date and
 * commits "PROG: ID TITLE".
 */
struct fq_cli_case {
	struct fq_node *c;
	struct fq_buf path;
};

int fq_cli_begin(struct fq_cli *cli, const char *id, const char *verb,
	struct fq_cli_case *cc);
int fq_cli_commit(struct fq_cli *cli, struct fq_cli_case *cc);
void fq_cli_case_release(struct fq_cli_case *cc);

/* A party from NAME[:ROLE[:PHONE]] (':' or '：'); index picks the default
 * role (applicant, respondent, then party).  Exit 2 on a bad value. */
struct fq_node *fq_cli_party(const struct fq_cli *cli, const char *spec,
	size_t index);

/* A phone number as a party's phones take it: 5 to 20 digits, '-' and
 * '*' allowed. */
bool fq_cli_valid_phone(const char *p);

/* A copy of a list value with the Chinese separators ， and 、 turned
 * into ','; the caller frees it. */
char *fq_cli_commas(const char *value);

/* A new case from the fields a clerk gives (fq new, fq receive). */
struct fq_newcase {
	const char *title, *category, *summary, *source, *source_ref;
	const char *accepted, *reported_on;	/* YYYY-MM-DD */
	const char *village, *grid, *town, *risk, *plan, *lead;
	const char **parties, **mediators;	/* NAME[:ROLE[:PHONE]] */
	size_t nparties, nmediators;
	bool reported;		/* T1 (reported) rather than T2 (accepted) */
	const char *note;	/* of the intake event, or NULL */
};

/* Build the case tree (with a placeholder ID). */
struct fq_node *fq_cli_build_case(struct fq_cli *cli,
	const struct fq_newcase *o);
/* Set its due date, validate it, take the lock, allocate the ID and
 * commit it as "PROG: ID TITLE".  Returns an exit code. */
int fq_cli_save_new(struct fq_cli *cli, struct fq_node *c,
	char id[FQ_ID_MAX]);

/* The agency type an organisation's name suggests (法院 -> court, 法庭 ->
 * tribunal, 派出所 -> police_station, ...), or NULL. */
const char *fq_cli_guess_agency(const char *org);

/* The referral numbered n (its "n" field) in c, or NULL. */
struct fq_node *fq_cli_referral(struct fq_node *c, const char *n);

/* Move c's agreement, if any, to superseded_agreements, dated on (T14:
 * a case mediated again keeps the agreement it set aside). */
void fq_cli_supersede_agreement(struct fq_node *c, const char *on);

/* The state c was in when referral n handed it over (the state_from of
 * the step to referred_out), or NULL if no such step is recorded. */
const char *fq_cli_state_before_referral(const struct fq_node *c,
	const char *n);

/*
 * The whole of a program that closes a case without an agreement
 * (reject, refuse, withdraw): options --on, --party, --reason; the event
 * note starts with label.  Returns the exit code for main().
 */
struct fq_close_step {
	const char *prog;	/* "fq-reject" */
	const char *verb;	/* lifecycle verb: "reject" */
	const char *outcome;	/* "rejected" */
	const char *label;	/* event note: "不予受理" */
	bool reason_required;
	/* an option naming another outcome of the same step, or NULL:
	 * fq withdraw --settled closes as settled_self */
	const char *alt_option, *alt_outcome, *alt_label;
};
int fq_cli_close_main(int argc, char **argv, const char *const *usage,
	const struct fq_close_step *step);

/* A date option: YYYY-MM-DD, not after today (exit 2 otherwise). */
const char *fq_cli_date(const struct fq_cli *cli, const char *option,
	const char *value, bool future_ok);

#endif
