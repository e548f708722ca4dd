/*
 * pinyin-table.h: the table lib/gen/pinyin-table.sh generates at build
 * time (private to libfq; see fq/pinyin.h).
 */
#ifndef FQ_PINYIN_TABLE_H
#define FQ_PINYIN_TABLE_H

#include <stdint.h>

struct fq_pinyin_entry {
	uint32_t cp;		/* code point, ascending */
	char initials[8];	/* lowercase initials of its readings */
};

extern const struct fq_pinyin_entry fq_pinyin_table[];
extern const unsigned fq_pinyin_table_len;

#endif
