/*
 * pinyin.c: pinyin initials (see fq/pinyin.h).
 */
#include <ctype.h>
#include <string.h>

#include "fq/pinyin.h"
#include "pinyin-table.h"

bool
fq_pinyin_available(void)
{
	return fq_pinyin_table_len > 0;
}

const char *
fq_pinyin_initials(uint32_t cp)
{
	unsigned lo = 0, hi = fq_pinyin_table_len;

	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;

		if (fq_pinyin_table[mid].cp < cp)
			lo = mid + 1;
		else if (fq_pinyin_table[mid].cp > cp)
			hi = mid;
		else
			return fq_pinyin_table[mid].initials;
	}
	return NULL;
}

/* The code point at *p (advanced past it); an invalid byte is itself. */
static uint32_t
next_cp(const unsigned char **p)
{
	const unsigned char *s = *p;
	uint32_t c = s[0];
	size_t n = 0, i;

	if (c >= 0xF0 && c < 0xF8) {
		n = 3;
		c &= 0x07;
	} else if (c >= 0xE0) {
		n = 2;
		c &= 0x0F;
	} else if (c >= 0xC0) {
		n = 1;
		c &= 0x1F;
	}
	if (c >= 0x80 && n == 0) {
		*p = s + 1;
		return 0xFFFD;
	}
	for (i = 1; i <= n; i++) {
		if ((s[i] & 0xC0) != 0x80) {
			*p = s + 1;
			return 0xFFFD;
		}
		c = (c << 6) | (s[i] & 0x3F);
	}
	*p = s + n + 1;
	return c;
}

bool
fq_pinyin_word(const char *abbr)
{
	size_t i, n = strlen(abbr);

	if (n == 0 || n > 32)
		return false;
	for (i = 0; i < n; i++)
		if (!isalpha((unsigned char)abbr[i]) || (abbr[i] & 0x80))
			return false;
	return true;
}

static bool
spells(uint32_t cp, char letter)
{
	const char *ini;

	if (cp < 0x80)
		return tolower((int)cp) == letter;
	ini = fq_pinyin_initials(cp);
	return ini && strchr(ini, letter);
}

bool
fq_pinyin_match(const char *s, const char *abbr)
{
	uint32_t cps[32];
	const unsigned char *p = (const unsigned char *)s, *next;
	size_t n, k;

	if (!fq_pinyin_word(abbr))
		return false;
	n = strlen(abbr);
	/* at each character of s, try the run that starts there */
	while (*p) {
		const unsigned char *q = p;

		for (k = 0; k < n && *q; k++)
			cps[k] = next_cp(&q);
		if (k < n)
			return false;
		for (k = 0; k < n; k++)
			if (!spells(cps[k], (char)tolower((unsigned char)abbr[k])))
				break;
		if (k == n)
			return true;
		next = p;
		next_cp(&next);
		p = next;
	}
	return false;
}
