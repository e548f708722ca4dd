/*
 * pinyin.h: pinyin initials of Chinese characters, so that a clerk can
 * find 王明军 by typing wmj.
 *
 * The table is generated at build time from a Debian-packaged Rime
 * dictionary (rime-data-luna-pinyin; lib/gen/pinyin-table.sh), for the
 * CJK characters U+3400-U+9FFF.  A character with several readings has
 * every initial (长 is c and z), so a match may be loose but is never
 * missed for a common reading.
 */
#ifndef FQ_PINYIN_H
#define FQ_PINYIN_H

#include <stdbool.h>
#include <stdint.h>

/* Was the table built with data (false: the dictionary was missing). */
bool fq_pinyin_available(void);

/* The lowercase initials of code point cp's readings ("w" for 王, "cz"
 * for 长), or NULL for a character the table does not hold. */
const char *fq_pinyin_initials(uint32_t cp);

/*
 * Does UTF-8 text s hold a run of characters whose initials spell abbr,
 * one letter a character (ASCII letters, any case)?  An ASCII letter in s
 * stands for itself.  fq_pinyin_match("王明军与李四", "wmj") is true, and
 * so is ("王明军", "MJ").  abbr must be letters only, else false.
 */
bool fq_pinyin_match(const char *s, const char *abbr);

/* Is abbr a word fq_pinyin_match can take (1 to 32 ASCII letters)? */
bool fq_pinyin_word(const char *abbr);

#endif
