/*
 * purge.h: retention of archived cases and their anonymisation when it
 * ends (个人信息保护法 arts. 19, 47; DOMAIN.md §3.10).
 *
 * A case archived with retention short or long is kept, personal data
 * and all, for that period from archived_on; then fq purge anonymises
 * it.  permanent is never purged.  The periods come from fq.yaml:
 *
 *	retention:
 *	  short: 120 months		default: 10 years
 *	  long: 360 months		default: 30 years
 *
 * (the 定期10年 and 定期30年 that replaced 短期 and 长期 in the national
 * archives rules, 国家档案局令第8号, 2006).  An archived case without
 * retention counts as long, fq archive's default.
 */
#ifndef FQ_PURGE_H
#define FQ_PURGE_H

#include <stddef.h>
#include "fq/date.h"
#include "fq/error.h"
#include "fq/node.h"
#include "fq/schema.h"

#define FQ_RETENTION_SHORT "120 months"
#define FQ_RETENTION_LONG "360 months"

/*
 * The retention period of code ("short", "long") from config.
 * @retval FQ_ENOTFOUND	permanent: never purged
 * @retval FQ_EUSAGE	an unknown code, or fq.yaml's period is bad (or in
 *			workdays or hours)
 */
int fq_retention_period(struct fq_period *out, const struct fq_node *config,
	const char *code, struct fq_error *err);

/*
 * The last day the personal data of case c is kept (archived_on plus its
 * retention period), as YYYY-MM-DD.
 * @retval FQ_ENOTFOUND	not archived, permanent, or already purged
 */
int fq_retention_end(char out[FQ_DATE_SIZE], const struct fq_node *c,
	const struct fq_node *config, struct fq_error *err);

/*
 * Anonymise case c in place: each party loses id_number, phones, address,
 * birth_date, ethnicity, occupation, work_unit, representative and note;
 * a person's name becomes the surname and 某 (two characters: 李四 is
 * 李某) or 某某 (王某甲 is 王某某), name_masked: true, there and in every
 * text of the case, which never grows longer; phone and ID numbers typed into text are
 * masked.  What the statistics need stays: category, dates, status,
 * outcome, amounts, counts, role, kind, gender, age, is_minor, the kinds
 * and dates of events.  Returns the number of values removed or changed.
 */
size_t fq_case_anonymise(struct fq_node *c, const fq_schema *sc);

#endif
