/*
 * docs.h: printable documents a clerk hands over, as self-contained HTML
 * for A4 (print CSS, no external resources).
 *
 *	移送函 with its 回执 stub      fq show --format referral-letter
 *	人民调解协议书                   fq show --format agreement
 *
 * Both take the case as it should be shown (mask it first unless the
 * clerk asked for personal data) and fq.yaml for the office's name.
 */
#ifndef FQ_DOCS_H
#define FQ_DOCS_H

#include "fq/buf.h"
#include "fq/error.h"
#include "fq/node.h"
#include "fq/schema.h"

/*
 * @retval FQ_ENOTFOUND	no referral numbered n
 */
int fq_doc_referral_letter(struct fq_buf *out, const fq_schema *s,
	const struct fq_node *config, const struct fq_node *c, const char *n,
	struct fq_error *err);

/*
 * @retval FQ_ENOTFOUND	the case has no agreement
 */
int fq_doc_agreement(struct fq_buf *out, const fq_schema *s,
	const struct fq_node *config, const struct fq_node *c,
	struct fq_error *err);

#endif
