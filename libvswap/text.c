/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "text.h"

#include <stdint.h>

#include "util.h"

/* Length of the valid UTF-8 sequence at s, 0 when it is not one. */
static size_t utf8_len(const unsigned char *s)
{
	size_t n = s[0] < 0x80		   ? 1
		   : (s[0] & 0xe0) == 0xc0 ? 2
		   : (s[0] & 0xf0) == 0xe0 ? 3
		   : (s[0] & 0xf8) == 0xf0 ? 4
					   : 0;
	uint32_t cp = n == 1 ? s[0] : n == 2 ? s[0] & 0x1f : n == 3 ? s[0] & 0x0f : s[0] & 0x07;

	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* No overlong forms, no surrogates, nothing past U+10FFFF. */
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

char *vswap_utf8_valid(const char *s)
{
	size_t len = strlen(s);
	char *d = malloc(len * 3 + 1), *p = d;

	if (!d)
		return NULL;
	for (const unsigned char *u = (const unsigned char *)s; *u;) {
		size_t n = utf8_len(u);
		if (n) {
			memcpy(p, u, n);
			p += n;
			u += n;
		} else {
			memcpy(p, "\xef\xbf\xbd", 3);
			p += 3;
			u++;
		}
	}
	*p = '\0';
	return d;
}

/* Optimal string alignment distance, bounded: anything past 8 is 9. */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t d[33][33];

	if (la > 32 || lb > 32)
		return 9;
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++)
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1];
			size_t best = d[i - 1][j] + 1;
			best = d[i][j - 1] + 1 < best ? d[i][j - 1] + 1 : best;
			best = d[i - 1][j - 1] + cost < best ? d[i - 1][j - 1] + cost : best;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	return d[la][lb];
}

const char *vswap_closest(const char *word, const char *const *candidates, size_t n)
{
	size_t len = strlen(word);
	size_t limit = len <= 4 ? 1 : len <= 8 ? 2 : 3;
	const char *best = NULL;
	size_t best_d = limit + 1;

	for (size_t i = 0; i < n; i++) {
		size_t d = candidates[i] ? distance(word, candidates[i]) : best_d;
		if (d < best_d) {
			best_d = d;
			best = candidates[i];
		}
	}
	return best;
}
