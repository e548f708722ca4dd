/*
 * fuzz_ledger.c: the ledger cell parsers of lib/ledger.c (what fq import
 * reads from a clerk's CSV).  The first byte picks the parser, the rest
 * is the cell; every parser gets the cell with a year and without.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fq/ledger.h"
#include "fuzz.h"

static void
check_iso(const struct fq_ledger_date *d)
{
	char iso[FQ_LEDGER_ISO_SIZE];

	fq_ledger_date_iso(iso, d);
	if (iso[0] && strlen(iso) != 10)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_ledger_date_ctx ctx = FQ_LEDGER_DATE_CTX_INIT;
	struct fq_ledger_date d, row;
	struct fq_ledger_deadline dl;
	struct fq_ledger_phones ph;
	struct fq_ledger_id id;
	struct fq_ledger_parties ps = FQ_LEDGER_PARTIES_INIT;
	struct fq_buf b = FQ_BUF_INIT;
	long long fen;
	unsigned flags;
	int hh, pp;
	char *s;

	if (size < 1)
		return 0;
	s = fuzz_cstr(data + 1, size - 1);
	ctx.default_year = data[0] & 0x80 ? 2024 : 0;
	ctx.current_year = 2024;
	ctx.date_column = data[0] & 0x40;
	switch (data[0] % 10) {
	case 0:
		if (fq_ledger_parse_date(&d, s, &ctx, &err) == 0)
			check_iso(&d);
		break;
	case 1:
		memset(&row, 0, sizeof(row));
		row.year = 2024, row.month = 3, row.day = 5;
		(void)fq_ledger_parse_deadline(&dl, s, data[0] & 0x20 ? &row :
			NULL, &ctx, &err);
		break;
	case 2:
		if (fq_ledger_parse_phones(&ph, s, &err) == 0 &&
		    ph.n > FQ_LEDGER_PHONES_MAX)
			abort();
		break;
	case 3:
		(void)fq_ledger_parse_id_number(&id, s, &err);
		break;
	case 4:
		(void)fq_ledger_parse_parties(&ps, s, &err);
		/* a second cell joins the list, as a continuation row does */
		(void)fq_ledger_parse_parties(&ps, s, &err);
		break;
	case 5:
		(void)fq_ledger_parse_amount(&fen, &flags, s, &err);
		break;
	case 6:
		(void)fq_ledger_parse_people(&hh, &pp, &flags, s, &err);
		break;
	case 7:
		(void)fq_ledger_parse_color(s);
		break;
	case 8:
		fq_ledger_normalize(&b, s);
		fq_buf_reset(&b);
		fq_ledger_header_key(&b, s);
		break;
	default:
		(void)fq_ledger_is_ditto(s);
		(void)fq_ledger_is_placeholder(s);
		break;
	}
	fq_ledger_parties_release(&ps);
	fq_buf_release(&b);
	free(s);
	return 0;
}
